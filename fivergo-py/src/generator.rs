//! Generators written in Python, driven by the core like Rust ones.
//!
//! A Python generator is any object with
//! `train(assets, instructions, progress, cancelled) -> style` (JSON-like) and
//! `generate(style, brief, seed, progress, cancelled) -> bytes | str | Artifact`.
//! `progress(fraction)` records progress and raises `JobCancelled` once the job was
//! cancelled; `cancelled()` says whether it was. Raising `TrainingFailed(reason)` ends
//! the training as failed with that reason; any other exception also fails it and is
//! re-raised, unchanged, by the hub method that ran the generator. Watermarks are
//! applied by the core afterwards, as for every generator.
//!
//! The progress a Python generator reports reaches the core (its progress events, a
//! `TrainingRun.execute` callback) when its `train` / `generate` call returns;
//! cancellation is seen at once through `progress()` and `cancelled()`.
//!
//! Each call has a deadline (`Policy.limits.training_deadline_ms` /
//! `generation_deadline_ms`): once it has passed, `progress()` raises `JobCancelled`
//! and `cancelled()` is true, and whatever the call returns late is discarded — a
//! generation is refused with `generator_timeout`, a training fails with its quota
//! back (T4). What a generator returns is bounded too: a style nests at most
//! `limits.max_json_depth`, a file or text holds at most `media.limits.max_bytes`.

use crate::convert::{json_to_py, py_to_json};
use crate::errors::{type_err, CallFrame, TrainingFailed};
use crate::media::PyArtifact;
use crate::values::{PyAsset, PyBrief};
use fivergo_core::{
    Artifact, Brief, CancelToken, Error, Generator, JobControl, Policy, TrainError, TrainedStyle,
    TrainingInput,
};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

create_exception!(
    fivergo,
    JobCancelled,
    PyException,
    "Raised by `progress()` once the job was cancelled; let it propagate."
);

/// The `progress` callable handed to a Python generator.
#[pyclass(frozen, module = "fivergo._fivergo", name = "JobProgress")]
pub struct JobProgress {
    cancel: CancelToken,
    deadline: Instant,
    reported: Mutex<Vec<f32>>,
}

impl JobProgress {
    fn stopped(&self) -> bool {
        self.cancel.is_cancelled() || Instant::now() > self.deadline
    }
}

#[pymethods]
impl JobProgress {
    /// Reports progress (0.0–1.0); raises `JobCancelled` once the job was cancelled
    /// or the call's deadline passed.
    fn __call__(&self, fraction: f32) -> PyResult<()> {
        self.reported
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(fraction);
        if self.stopped() {
            return Err(JobCancelled::new_err(
                "the job was cancelled or its deadline passed",
            ));
        }
        Ok(())
    }
    /// Whether the job was cancelled or the call's deadline passed.
    fn is_cancelled(&self) -> bool {
        self.stopped()
    }
}

/// A Python object registered as a subcategory's generator.
pub struct PyGenerator {
    name: String,
    obj: Py<PyAny>,
    policy: Policy,
}

/// How a Python call ended.
enum Failure {
    Cancelled,
    Failed(String),
    TimedOut(u32),
}

impl PyGenerator {
    /// Wraps `obj`; its name is its `name` attribute or its class name. `policy`
    /// bounds its calls (deadlines) and what they return (depth, bytes). An object
    /// without `train` and `generate` is an `InvalidTypeError` naming `field`.
    pub fn new(obj: &Bound<'_, PyAny>, policy: &Policy, field: &str) -> PyResult<Self> {
        for method in ["train", "generate"] {
            if !obj.hasattr(method)? {
                let type_name = obj.get_type().name()?.to_string();
                return Err(type_err(
                    field,
                    format!("a generator is a generator name (str) or an object with `train` and `generate`; this {type_name} has no `{method}`"),
                ));
            }
        }
        let name = match obj.getattr("name").and_then(|n| n.extract::<String>()) {
            Ok(name) => name,
            Err(_) => obj.get_type().name()?.to_string(),
        };
        Ok(Self {
            name,
            obj: obj.clone().unbind(),
            policy: policy.clone(),
        })
    }

    /// Calls `method` with the progress pair, then replays the reported progress into
    /// `ctl`. A call that outlives its deadline is a failure whatever it returned.
    fn call<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        args: Vec<Bound<'py, PyAny>>,
        ctl: &mut JobControl<'_>,
    ) -> Result<Bound<'py, PyAny>, Failure> {
        let training = method == "train";
        let limits = &self.policy.limits;
        let limit_ms = if training {
            limits.training_deadline_ms
        } else {
            limits.generation_deadline_ms
        };
        let deadline = Instant::now() + limits.generator_deadline(training);
        let progress = Bound::new(
            py,
            JobProgress {
                cancel: ctl.token(),
                deadline,
                reported: Mutex::new(Vec::new()),
            },
        )
        .map_err(|e| self.fail(py, e))?;
        let cancelled = progress
            .getattr("is_cancelled")
            .map_err(|e| self.fail(py, e))?;
        let mut all = args;
        all.push(progress.clone().into_any());
        all.push(cancelled);
        let args = pyo3::types::PyTuple::new(py, all).map_err(|e| self.fail(py, e))?;
        let result = self.obj.bind(py).call_method1(method, args);
        if Instant::now() > deadline && !ctl.token().is_cancelled() {
            return Err(Failure::TimedOut(limit_ms));
        }
        let reported = std::mem::take(
            &mut *progress
                .get()
                .reported
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for fraction in reported {
            ctl.tick(fraction).map_err(|_| Failure::Cancelled)?;
        }
        let value = result.map_err(|e| self.fail(py, e))?;
        ctl.check().map_err(|_| Failure::Cancelled)?;
        Ok(value)
    }

    /// Classifies an exception: cancellation, a reported failure, or an error to
    /// re-raise from the binding call that ran the generator.
    fn fail(&self, py: Python<'_>, err: PyErr) -> Failure {
        if err.is_instance_of::<JobCancelled>(py) {
            return Failure::Cancelled;
        }
        let text = err
            .value(py)
            .str()
            .map(|s| s.to_string())
            .unwrap_or_default();
        if err.is_instance_of::<TrainingFailed>(py) {
            return Failure::Failed(text);
        }
        let type_name = err
            .get_type(py)
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        CallFrame::stash(err);
        Failure::Failed(format!("{} raised {type_name}: {text}", self.name))
    }

    fn artifact(&self, value: &Bound<'_, PyAny>) -> Result<Artifact, Error> {
        let max_bytes = self.policy.media.limits.max_bytes;
        let too_large = |actual: usize| Error::MediaTooLarge {
            what: "bytes".into(),
            limit: max_bytes,
            actual: actual as u64,
        };
        if let Ok(a) = value.cast::<PyArtifact>() {
            return Ok(a.get().0.clone());
        }
        if let Ok(s) = value.cast::<PyString>() {
            // Characters are at most bytes: a longer str is refused before copying it.
            let chars = s.len().unwrap_or(usize::MAX);
            if chars as u64 > max_bytes {
                return Err(too_large(chars));
            }
            let text = s.to_cow().map_err(|e| Error::GeneratorFailed {
                reason: format!("{} returned a str that is not UTF-8: {e}", self.name),
            })?;
            if text.len() as u64 > max_bytes {
                return Err(too_large(text.len()));
            }
            return Ok(Artifact::Text(text.into_owned()));
        }
        if let Ok(b) = value.cast::<PyBytes>() {
            return fivergo_core::media::decode(b.as_bytes(), &self.policy.media.limits);
        }
        let type_name = value
            .get_type()
            .name()
            .map(|n| n.to_string())
            .unwrap_or_default();
        Err(Error::GeneratorFailed {
            reason: format!(
                "{} returned a {type_name}, not bytes, str or Artifact",
                self.name
            ),
        })
    }
}

impl Generator for PyGenerator {
    fn name(&self) -> &str {
        &self.name
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        Python::attach(|py| {
            let assets = input
                .assets
                .iter()
                .map(|a| {
                    let content = a.content.map(|c| PyBytes::new(py, c).into_any());
                    (PyAsset::new(a.asset.clone()), content)
                        .into_pyobject(py)
                        .map(Bound::into_any)
                })
                .collect::<PyResult<Vec<_>>>()
                .map_err(|e| self.fail(py, e));
            let call = assets.and_then(|assets| {
                let instructions = match input.instructions {
                    Some(text) => PyString::new(py, text).into_any(),
                    None => py.None().into_bound(py),
                };
                let list = pyo3::types::PyList::new(py, assets).map_err(|e| self.fail(py, e))?;
                let style = self.call(
                    py,
                    "train",
                    vec![list.into_any(), instructions.into_any()],
                    ctl,
                )?;
                // A style that is not JSON, or nests too deep, fails the training: the
                // generator returned it, it did not raise.
                py_to_json(&style, &self.policy.limits).map_err(|e| {
                    Failure::Failed(format!(
                        "{} returned a style that cannot be stored: {}",
                        self.name,
                        e.value(py)
                    ))
                })
            });
            match call {
                Ok(data) => Ok(TrainedStyle {
                    generator: self.name.clone(),
                    format: 1,
                    data,
                }),
                Err(Failure::Cancelled) => Err(TrainError::Cancelled),
                Err(Failure::Failed(reason)) => Err(TrainError::Failed(reason)),
                Err(Failure::TimedOut(limit_ms)) => Err(TrainError::Failed(format!(
                    "{} did not answer within {limit_ms} ms",
                    self.name
                ))),
            }
        })
    }

    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, Error> {
        Python::attach(|py| {
            let args = (|| -> PyResult<Vec<Bound<'_, PyAny>>> {
                Ok(vec![
                    json_to_py(py, &style.data)?.into_bound(py),
                    Bound::new(py, PyBrief(brief.clone()))?.into_any(),
                    seed.into_pyobject(py)?.into_any(),
                ])
            })()
            .map_err(|e| self.fail(py, e));
            match args.and_then(|args| self.call(py, "generate", args, ctl)) {
                Ok(value) => self.artifact(&value),
                Err(Failure::Cancelled) => Err(Error::Cancelled {
                    what: "generation".into(),
                }),
                Err(Failure::Failed(reason)) => Err(Error::GeneratorFailed { reason }),
                Err(Failure::TimedOut(limit_ms)) => Err(Error::GeneratorTimeout {
                    generator: self.name.clone(),
                    limit_ms,
                }),
            }
        })
    }
}
