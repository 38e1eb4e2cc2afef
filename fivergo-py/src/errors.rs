//! The exception hierarchy: `FivergoError` and one subclass per error family.
//!
//! Every core [`Error`] becomes an instance of its family's class carrying `.code`,
//! `.rule`, `.details` (the JSON of `Error::details` as a dict) and each data field of
//! the error as an attribute in its wire form (money → `Money`, instants → aware
//! `datetime`, as the core types them). Exceptions raised by a Python generator are
//! stashed while the core runs and re-raised unchanged to the caller (see
//! [`CallFrame`]).

use crate::convert::wire_to_py;
use fivergo_core::error::{Error, ErrorFamily};
use fivergo_core::wire::{to_wire, Wire};
use fivergo_core::Refused;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOverflowError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use std::cell::RefCell;

create_exception!(fivergo, FivergoError, PyException, "A refusal or failure of the fivergo engine, with `.code`, `.rule`, `.details` and the error's data fields.");
create_exception!(
    fivergo,
    NotFoundError,
    FivergoError,
    "An unknown id (`not_found`)."
);
create_exception!(
    fivergo,
    AlreadyExistsError,
    FivergoError,
    "An id that is taken (`already_exists`)."
);
create_exception!(
    fivergo,
    ForbiddenError,
    FivergoError,
    "Someone else's model, asset or order (`forbidden`, D1/M7; reviews R-rules)."
);
create_exception!(
    fivergo,
    EligibilityError,
    FivergoError,
    "The seller is below the eligible level (E1)."
);
create_exception!(
    fivergo,
    CatalogueError,
    FivergoError,
    "Unknown or unavailable subcategory, or no Gig in it (C1, C2)."
);
create_exception!(
    fivergo,
    AssetError,
    FivergoError,
    "An asset is refused or missing (A3, A5, A9, D3, T4 no assets)."
);
create_exception!(
    fivergo,
    TrainingError,
    FivergoError,
    "A training job cannot run, finish or be cancelled (T4)."
);
create_exception!(
    fivergo,
    QuotaError,
    FivergoError,
    "The training quota is used up (T5): `.used`, `.limit`, `.renews_at`."
);
create_exception!(
    fivergo,
    SubscriptionError,
    FivergoError,
    "A subscription refusal or payment decline (S1-S4)."
);
create_exception!(fivergo, PublishError, FivergoError, "Publishing refused (M2: `.missing` lists every unmet requirement) or a wrong model state (M3).");
create_exception!(
    fivergo,
    PricingError,
    FivergoError,
    "An invalid price, pricing unit or currency (P4, P5)."
);
create_exception!(
    fivergo,
    OrderError,
    FivergoError,
    "An order refusal (G1, G4, G5, V1, R, or a wrong order state)."
);
create_exception!(
    fivergo,
    RefundError,
    FivergoError,
    "A refund refusal (F1, F2)."
);
create_exception!(
    fivergo,
    GeneratorError,
    FivergoError,
    "No generator, a failed or late generation (`generator_timeout`) or a cancelled job."
);
create_exception!(fivergo, StoreError, FivergoError, "The store failed or stayed contended (`store_failed`, `store_unavailable`, `concurrent_update`, `schema_too_new`, `blob_not_found`); nothing half-written remains.");
create_exception!(fivergo, InternalError, FivergoError, "A bug (`internal_error`): a panic inside the engine, caught at the binding's edge, with its message; nothing half-written remains.");
create_exception!(
    fivergo,
    TrainingFailed,
    PyException,
    "Raise from a Python generator's `train` to end the training as failed with this reason (not re-raised)."
);

/// The error classes that also derive from a Python built-in, so `except ValueError`
/// / `except TypeError` keep working where Python convention expects them. Built at
/// module initialisation (`create_exception!` takes one base).
#[derive(Clone, Copy)]
pub enum Dual {
    /// `PolicyError(FivergoError, ValueError)`: an invalid policy (`invalid_policy`).
    Policy,
    /// `InvalidInputError(FivergoError, ValueError)`: a malformed or out-of-range
    /// argument (`invalid_input`).
    InvalidInput,
    /// `InvalidTypeError(InvalidInputError, TypeError)`: an argument of the wrong type
    /// (`invalid_input`), naive datetimes and floats as money included.
    InvalidType,
}

static DUALS: [PyOnceLock<Py<PyType>>; 3] =
    [PyOnceLock::new(), PyOnceLock::new(), PyOnceLock::new()];

impl Dual {
    /// Every dual class, in creation order (a base before its subclasses).
    pub const ALL: [Dual; 3] = [Dual::Policy, Dual::InvalidInput, Dual::InvalidType];

    /// The class name.
    pub fn name(self) -> &'static str {
        match self {
            Dual::Policy => "PolicyError",
            Dual::InvalidInput => "InvalidInputError",
            Dual::InvalidType => "InvalidTypeError",
        }
    }

    /// The Python class, created on first use.
    pub fn class(self, py: Python<'_>) -> PyResult<Bound<'_, PyType>> {
        let cell = &DUALS[self as usize];
        let class = cell.get_or_try_init(py, || -> PyResult<Py<PyType>> {
            let (bases, doc) = match self {
                Dual::Policy => ((py.get_type::<FivergoError>(), py.get_type::<PyValueError>()), "An invalid policy (`invalid_policy`)."),
                Dual::InvalidInput => (
                    (py.get_type::<FivergoError>(), py.get_type::<PyValueError>()),
                    "A malformed or out-of-range argument (`invalid_input`): `.field`, and `.min`, `.max`, `.got` for a range.",
                ),
                Dual::InvalidType => (
                    (Dual::InvalidInput.class(py)?, py.get_type::<PyTypeError>()),
                    "An argument of the wrong type (`invalid_input`), a naive datetime or a float as money included.",
                ),
            };
            let namespace = PyDict::new(py);
            namespace.set_item("__module__", "fivergo")?;
            namespace.set_item("__doc__", doc)?;
            let class = py.get_type::<PyType>().call1((self.name(), bases, namespace))?;
            Ok(class.cast_into::<PyType>()?.unbind())
        })?;
        Ok(class.bind(py).clone())
    }

    fn new_err(self, py: Python<'_>, message: String) -> PyErr {
        match self.class(py) {
            Ok(class) => PyErr::from_type(class, message),
            Err(e) => e,
        }
    }
}

/// Builds the exception of `err`'s family with all its attributes.
pub fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    let message = err.to_string();
    // One arm per family, no catch-all: a new family fails to compile here.
    let py_err = match err.family() {
        ErrorFamily::Policy => Dual::Policy.new_err(py, message),
        ErrorFamily::InvalidInput => Dual::InvalidInput.new_err(py, message),
        ErrorFamily::Internal => InternalError::new_err(message),
        ErrorFamily::NotFound => NotFoundError::new_err(message),
        ErrorFamily::AlreadyExists => AlreadyExistsError::new_err(message),
        ErrorFamily::Forbidden => ForbiddenError::new_err(message),
        ErrorFamily::Eligibility => EligibilityError::new_err(message),
        ErrorFamily::Catalogue => CatalogueError::new_err(message),
        ErrorFamily::Asset => AssetError::new_err(message),
        ErrorFamily::Training => TrainingError::new_err(message),
        ErrorFamily::Quota => QuotaError::new_err(message),
        ErrorFamily::Subscription => SubscriptionError::new_err(message),
        ErrorFamily::Publish => PublishError::new_err(message),
        ErrorFamily::Pricing => PricingError::new_err(message),
        ErrorFamily::Order => OrderError::new_err(message),
        ErrorFamily::Refund => RefundError::new_err(message),
        ErrorFamily::Generator => GeneratorError::new_err(message),
        ErrorFamily::Store => StoreError::new_err(message),
    };
    match decorate(py, &py_err, err) {
        Ok(()) => py_err,
        // Decorating only fails on a broken interpreter; report that failure instead.
        Err(e) => e,
    }
}

fn decorate(py: Python<'_>, py_err: &PyErr, err: &Error) -> PyResult<()> {
    let value = py_err.value(py);
    let details = err.details();
    // The data fields in their wire form: instants and money typed by the core.
    if let Ok(Wire::Record(fields)) = to_wire(err) {
        for (key, field) in &fields {
            if !matches!(key.as_ref(), "code" | "rule" | "message" | "family") {
                value.setattr(key.as_ref(), wire_to_py(py, field)?)?;
            }
        }
    }
    value.setattr("code", err.code())?;
    value.setattr("rule", err.rule())?;
    value.setattr("family", err.family().as_str())?;
    value.setattr("details", crate::convert::json_to_py(py, &details)?)?;
    Ok(())
}

/// The exception of a refused command, with the events settling recorded before it
/// as `.events`.
pub fn refused_err(py: Python<'_>, refused: &Refused) -> PyErr {
    let err = to_py_err(py, &refused.error);
    let events: Vec<crate::values::PyEvent> = refused
        .events
        .iter()
        .cloned()
        .map(crate::values::PyEvent::new)
        .collect();
    match err.value(py).setattr("events", events) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// `invalid_input` about an argument of the wrong type: an `InvalidTypeError`
/// (also a `TypeError`) carrying `.code`, `.field` and `.reason`.
pub fn type_err(field: &str, reason: impl Into<String>) -> PyErr {
    let err = Error::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    };
    Python::attach(|py| decorated(py, Dual::InvalidType.new_err(py, err.to_string()), &err))
}

/// `invalid_input` about a malformed value: an `InvalidInputError` (also a
/// `ValueError`) carrying `.code`, `.field` and `.reason`.
pub fn value_err(field: &str, reason: impl Into<String>) -> PyErr {
    Python::attach(|py| {
        to_py_err(
            py,
            &Error::InvalidInput {
                field: field.into(),
                reason: reason.into(),
            },
        )
    })
}

fn decorated(py: Python<'_>, py_err: PyErr, err: &Error) -> PyErr {
    match decorate(py, &py_err, err) {
        Ok(()) => py_err,
        Err(e) => e,
    }
}

/// Re-types an argument conversion error of PyO3 as `invalid_input`: a `TypeError`
/// becomes an `InvalidTypeError`, an `OverflowError` or `ValueError` (an int out of
/// range, a malformed value) an `InvalidInputError`; other errors pass unchanged.
pub fn argument_err(py: Python<'_>, what: &str, err: PyErr) -> PyErr {
    let reason = err
        .value(py)
        .str()
        .map(|s| s.to_string())
        .unwrap_or_default();
    if err.is_instance_of::<FivergoError>(py) {
        err
    } else if err.is_instance_of::<PyTypeError>(py) {
        type_err(what, reason)
    } else if err.is_instance_of::<PyOverflowError>(py) || err.is_instance_of::<PyValueError>(py) {
        value_err(what, reason)
    } else {
        err
    }
}

/// The `internal_error` of a panic caught at the binding's edge, with its message.
pub fn panic_err(py: Python<'_>, payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let message = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    };
    to_py_err(py, &Error::Internal { message })
}

/// Runs `f`, turning a panic into `InternalError` (`internal_error`) with the panic
/// message: the value classes' parsers and constructors go through it.
pub fn guarded<R>(py: Python<'_>, f: impl FnOnce() -> PyResult<R>) -> PyResult<R> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(panic_err(py, payload)))
}

/// Runs `f` with the GIL released, turning a panic into `InternalError`: how the
/// entry points that run the core without a hub (media, watermarks, policies) call it.
pub fn detached<R: Send>(py: Python<'_>, f: impl FnOnce() -> R + Send) -> PyResult<R> {
    py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)))
        .map_err(|payload| panic_err(py, payload))
}

thread_local! {
    /// One slot per binding call in progress on this thread, innermost last.
    static CALLS: RefCell<Vec<Option<PyErr>>> = const { RefCell::new(Vec::new()) };
}

/// Where a Python generator leaves the exception it raised while the core ran it,
/// so the binding call that drove it re-raises that very exception — and only that
/// call: each call opens its own slot ([`CallFrame::enter`]), a generator fills the
/// innermost slot of its thread (the core runs a generator on the thread of the
/// call that asked for it), and a generator calling the hub in turn opens a slot of
/// its own. The slot closes when the frame drops, also while a panic unwinds, so no
/// exception outlives its call.
pub struct CallFrame {
    depth: usize,
}

impl CallFrame {
    /// Opens this call's slot.
    pub fn enter() -> Self {
        let depth = CALLS.with(|calls| {
            let mut calls = calls.borrow_mut();
            calls.push(None);
            calls.len()
        });
        Self { depth }
    }

    /// Closes the slot and returns the exception a generator left in it, if any.
    pub fn take(self) -> Option<PyErr> {
        CALLS.with(|calls| {
            calls
                .borrow_mut()
                .get_mut(self.depth - 1)
                .and_then(Option::take)
        })
    }

    /// Keeps `err` in the innermost open slot of this thread (the first exception of
    /// a call wins). Outside any call (a thread the core started) it is dropped: the
    /// failure's reason still names the exception.
    pub fn stash(err: PyErr) {
        CALLS.with(|calls| {
            if let Some(slot @ None) = calls.borrow_mut().last_mut() {
                *slot = Some(err);
            }
        });
    }
}

impl Drop for CallFrame {
    fn drop(&mut self) {
        CALLS.with(|calls| calls.borrow_mut().truncate(self.depth - 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_closes_the_calls_it_unwinds_through() {
        // R: T4
        let outer = CallFrame::enter();
        let unwound = std::panic::catch_unwind(|| {
            let _inner = CallFrame::enter();
            let _deeper = CallFrame::enter();
            panic!("boom");
        });
        assert!(unwound.is_err());
        // Only the frame still in scope is open: the next call gets the next slot.
        assert_eq!(CallFrame::enter().depth, 2);
        assert_eq!(outer.depth, 1);
        drop(outer);
        assert_eq!(CallFrame::enter().depth, 1, "every slot closed");
    }

    #[test]
    fn a_panic_becomes_an_internal_error_with_its_message() {
        // R: T4
        Python::initialize();
        Python::attach(|py| {
            let err = detached(py, || -> u32 { panic!("the engine broke") }).unwrap_err();
            assert!(
                err.is_instance_of::<InternalError>(py) && err.is_instance_of::<FivergoError>(py)
            );
            let value = err.value(py);
            assert_eq!(
                value.getattr("code").unwrap().extract::<String>().unwrap(),
                "internal_error"
            );
            assert!(value
                .str()
                .unwrap()
                .to_string()
                .contains("the engine broke"));
            assert_eq!(detached(py, || 7).unwrap(), 7);
        });
    }
}
