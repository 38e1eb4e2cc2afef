//! `fivergo.evaluate`: the core's evaluation harness (`fivergo_core::eval`) for any
//! generator, a reference one by name or a Python object with `train` / `generate`.

use crate::convert::json_to_py;
use crate::errors::{to_py_err, Stash};
use crate::generator::PyGenerator;
use crate::hub::named_generator;
use crate::values::{brief_arg, PyPolicy};
use fivergo_core::eval::{evaluate as run, EvalConfig, Sample};
use fivergo_core::Generator;
use pyo3::exceptions::PyValueError;
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
    subcategory: &str,
    own: Vec<Vec<u8>>,
    other: Option<Vec<Vec<u8>>>,
    briefs: Option<Vec<Bound<'_, PyAny>>>,
    seeds: Option<Vec<u64>>,
    instructions: Option<String>,
    policy: Option<PyRef<'_, PyPolicy>>,
) -> PyResult<Py<PyAny>> {
    let policy = policy.map(|p| p.0.clone()).unwrap_or_default();
    let stash = Stash::default();
    let generator: Arc<dyn Generator> = match generator.extract::<String>() {
        Ok(name) => named_generator(&name)?,
        Err(_) => Arc::new(PyGenerator::new(generator, policy.media.limits.clone(), stash.clone())?),
    };
    let entry = (policy.catalogue.get(subcategory).cloned())
        .ok_or_else(|| PyValueError::new_err(format!("unknown subcategory `{subcategory}`")))?;
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
    let result = py.detach(|| run(generator.as_ref(), &entry, &own, other.as_deref(), &config));
    if let Some(raised) = stash.take() {
        return Err(raised);
    }
    let report = result.map_err(|e| to_py_err(py, &e))?;
    let mut json = serde_json::to_value(&report).map_err(|e| PyValueError::new_err(e.to_string()))?;
    json["table"] = report.to_table().into();
    json_to_py(py, &json)
}
