//! `fivergo.evaluate`: the core's evaluation harness (`fivergo_core::eval`) for any
//! generator, a reference one by name or a Python object with `train` / `generate`.

use crate::convert::Arg;
use crate::errors::{panic_err, to_py_err, value_err, CallFrame};
use crate::generator::PyGenerator;
use crate::hub::named_generator;
use crate::values::{brief_arg, PyPolicy};
use fivergo_core::eval::{evaluate as run, EvalConfig, Sample};
use fivergo_core::Generator;
use pyo3::prelude::*;
use std::sync::Arc;

/// Measures a generator: trains it on `own` (file bytes: PNG, JPEG, WebP, WAV or
/// UTF-8 text), generates every brief (text or `Brief`) with every seed twice, marks
/// each output as a client draft, and compares the outputs with `own` and `other`.
/// `generator` is a reference generator's name (`"quilt"`, `"jingle_synth"`,
/// `"espeak_guide"`, `"markov_text"`, `"echo"`) or a Python generator object.
/// Returns the report as a dict, with its markdown rendering under `"table"`.
/// Releases the GIL while the core works.
#[pyfunction]
#[pyo3(signature = (generator, subcategory, own, other=None, briefs=None, seeds=None, instructions=None, policy=None))]
#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    py: Python<'_>,
    generator: &Bound<'_, PyAny>,
    subcategory: Arg<String>,
    own: Arg<Vec<Vec<u8>>>,
    other: Option<Arg<Vec<Vec<u8>>>>,
    briefs: Option<Arg<Vec<Bound<'_, PyAny>>>>,
    seeds: Option<Arg<Vec<u64>>>,
    instructions: Option<Arg<String>>,
    policy: Option<Arg<PyRef<'_, PyPolicy>>>,
) -> PyResult<Py<PyAny>> {
    let subcategory: &str = &subcategory;
    let own: Vec<Vec<u8>> = own.0;
    let other: Option<Vec<Vec<u8>>> = other.map(|v| v.0);
    let briefs: Option<Vec<Bound<'_, PyAny>>> = briefs.map(|v| v.0);
    let seeds: Option<Vec<u64>> = seeds.map(|v| v.0);
    let instructions: Option<String> = instructions.map(|v| v.0);
    let policy: Option<PyRef<'_, PyPolicy>> = policy.map(|v| v.0);
    let policy = policy.map(|p| p.0.clone()).unwrap_or_default();
    let generator: Arc<dyn Generator> = match generator.extract::<String>() {
        Ok(name) => named_generator(&name)?,
        Err(_) => Arc::new(PyGenerator::new(generator, &policy, "generator")?),
    };
    let entry = (policy.catalogue.get(subcategory).cloned()).ok_or_else(|| {
        value_err(
            "subcategory",
            format!("unknown subcategory `{subcategory}`"),
        )
    })?;
    let defaults = EvalConfig::default();
    let config = EvalConfig {
        briefs: match briefs {
            Some(b) => b.iter().map(brief_arg).collect::<PyResult<_>>()?,
            None => defaults.briefs,
        },
        seeds: seeds.unwrap_or(defaults.seeds),
        instructions: instructions.or(defaults.instructions),
        policy,
        marks: defaults.marks,
    };
    let samples = |files: Vec<Vec<u8>>| files.into_iter().map(Sample::new).collect::<Vec<_>>();
    let (own, other) = (samples(own), other.map(samples));
    let frame = CallFrame::enter();
    let result = py.detach(|| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(generator.as_ref(), &entry, &own, other.as_deref(), &config)
        }))
    });
    if let Some(raised) = frame.take() {
        return Err(raised);
    }
    let report = result
        .map_err(|p| panic_err(py, p))?
        .map_err(|e| to_py_err(py, &e))?;
    let mut wire = crate::convert::wire_of(&report)?;
    if let fivergo_core::wire::Wire::Record(fields) = &mut wire {
        fields.push((
            "table".into(),
            fivergo_core::wire::Wire::Str(report.to_table().into()),
        ));
    }
    crate::convert::wire_to_py(py, &wire)
}
