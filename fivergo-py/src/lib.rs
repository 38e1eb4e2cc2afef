//! Python bindings for the fivergo engine: the native module `fivergo._fivergo`.
//!
//! Bindings are thin: every rule lives in `fivergo-core`; this crate only converts
//! types (records from the core's wire form into frozen classes with typed getters,
//! money ↔ `Money` / `decimal.Decimal`, instants ↔ aware `datetime`, enums ↔
//! snake_case strings, files ↔ `bytes`), maps `Error` onto a `FivergoError` subclass
//! per family, drives generators and payment gateways written in Python, forwards the
//! core's log records to Python's `logging` and releases the GIL while the core works.

mod convert;
mod errors;
mod eval;
mod gateway;
mod generator;
mod hub;
mod logging;
mod media;
mod values;

use pyo3::prelude::*;

/// The native module; `fivergo/__init__.py` re-exports everything public.
#[pymodule]
mod _fivergo {
    use super::*;
    use fivergo_core::policy::Policy;

    #[pymodule_export]
    use crate::errors::{
        AlreadyExistsError, AssetError, CatalogueError, EligibilityError, FivergoError,
        ForbiddenError, GeneratorError, InternalError, NotFoundError, OrderError, PricingError,
        PublishError, QuotaError, RefundError, StoreError, SubscriptionError, TrainingError,
        TrainingFailed,
    };
    #[pymodule_export]
    use crate::eval::evaluate;
    #[pymodule_export]
    use crate::gateway::ChargeDeclined;
    #[pymodule_export]
    use crate::generator::{JobCancelled, JobProgress};
    #[pymodule_export]
    use crate::hub::{PyAdmin, PyHub, PyTrainingResult, PyTrainingRun};
    #[pymodule_export]
    use crate::logging::refresh_logging;
    #[pymodule_export]
    use crate::media::{detect_watermark, inspect, mark_draft, PyArtifact};
    #[pymodule_export]
    use crate::values::{
        PyAsset, PyBrief, PyCancelHandle, PyCharge, PyChargeRequest, PyCreation, PyEvent,
        PyFinding, PyGateway, PyGeneration, PyJob, PyListing, PyManualClock, PyModel, PyMoney,
        PyOrder, PyOutcome, PyPartition, PyPolicy, PyPriceSpec, PyQuota, PyQuote, PySeller,
        PySubscription,
    };

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
    /// returns the complete policy as JSON; raises `PolicyError` when invalid.
    #[pyfunction]
    fn load_policy(py: Python<'_>, json: crate::convert::Arg<String>) -> PyResult<String> {
        Policy::from_json(&json)
            .map(|p| p.to_json())
            .map_err(|e| crate::errors::to_py_err(py, &e))
    }

    /// Adds the error classes with two bases (`PolicyError`, `InvalidInputError`,
    /// `InvalidTypeError`: also `ValueError` / `TypeError`) and forwards the core's
    /// log records to Python's `logging` (logger `fivergo.command`, see
    /// [`crate::logging`]).
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        for dual in crate::errors::Dual::ALL {
            m.add(dual.name(), dual.class(m.py())?)?;
        }
        crate::logging::install(m.py())
    }
}
