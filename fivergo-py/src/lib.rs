//! Python bindings for the fivergo engine: the native module `fivergo._fivergo`.
//!
//! Bindings are thin: every rule lives in `fivergo-core`; this crate only converts
//! types and turns `fivergo_core::error::Error` into the Python exception
//! `fivergo.FivergoError` carrying `.code`, `.rule` and `.details`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    fivergo,
    FivergoError,
    PyException,
    "A refusal or failure of the fivergo engine, with `.code`, `.rule` and `.details`."
);

/// Converts a core error into a `FivergoError` with `.code`, `.rule` and `.details`.
pub fn to_py_err(py: Python<'_>, err: &fivergo_core::error::Error) -> PyErr {
    let py_err = FivergoError::new_err(err.to_string());
    if let Err(e) = decorate(py, &py_err, err) {
        // Decorating can only fail on a broken interpreter; keep the primary error.
        return e;
    }
    py_err
}

fn decorate(py: Python<'_>, py_err: &PyErr, err: &fivergo_core::error::Error) -> PyResult<()> {
    let value = py_err.value(py);
    value.setattr("code", err.code())?;
    value.setattr("rule", err.rule())?;
    let details = py
        .import("json")?
        .call_method1("loads", (err.details().to_string(),))?;
    value.setattr("details", details)?;
    Ok(())
}

/// The native module; `fivergo/__init__.py` re-exports everything public.
#[pymodule]
mod _fivergo {
    use super::*;
    use fivergo_core::policy::Policy;

    #[pymodule_export]
    use super::FivergoError;

    /// The version of the fivergo engine.
    #[pymodule_export]
    #[allow(non_upper_case_globals)]
    const __version__: &str = env!("CARGO_PKG_VERSION");

    /// The default policy (every number of the SPEC) as pretty JSON.
    #[pyfunction]
    fn default_policy_json() -> String {
        Policy::default().to_json()
    }

    /// Parses and validates a policy JSON (missing fields keep their defaults) and
    /// returns the complete policy as JSON; raises `FivergoError` when invalid.
    #[pyfunction]
    fn load_policy(py: Python<'_>, json: &str) -> PyResult<String> {
        Policy::from_json(json).map(|p| p.to_json()).map_err(|e| to_py_err(py, &e))
    }
}
