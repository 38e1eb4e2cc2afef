//! Payment gateways written in Python, called by the core like Rust ones.
//!
//! A Python gateway is any object with a `charge(request)` method, `request` being a
//! `ChargeRequest` (`idempotency_key`, `seller`, `method`, `amount: Money`). What the
//! call does decides the core's [`ChargeFailure`], nothing else:
//!
//! - it returns a `str`: the processor's reference for the charge;
//! - it raises `ChargeDeclined(reason)`: the processor refused it (a renewal becomes
//!   past due, a subscription does not start: S2);
//! - it raises anything else, returns something other than a `str`, or answers after
//!   its deadline (the object's `deadline_ms` attribute, default
//!   [`GATEWAY_DEADLINE_MS`], as the Node binding): the processor did not answer.
//!   Nothing is recorded and the engine asks again later with the same idempotency
//!   key (S5), so a gateway must never charge one key twice. A late answer is
//!   discarded as a generator's is: a Python call cannot be interrupted, only not
//!   believed.
//!
//! The call reacquires the GIL, as a Python generator's calls do; the hub released it.
//! It runs while the engine holds the charge's idempotency lock, so it must not call
//! the hub: such a call raises `RuntimeError` inside the gateway (see
//! [`refuse_reentry`]) rather than wait for itself.
//! An exception that is not an `Exception` (`KeyboardInterrupt`, `SystemExit`) is also
//! "unavailable" for the core, then re-raised unchanged by the hub method that made
//! the charge.

use crate::errors::CallFrame;
use crate::values::PyChargeRequest;
use fivergo_core::subscription::{ChargeFailure, ChargeRequest, PaymentGateway};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt, PyString};
use std::cell::Cell;
use std::time::{Duration, Instant};

create_exception!(
    fivergo,
    ChargeDeclined,
    PyException,
    "Raise from a payment gateway's `charge` when the processor declines: `ChargeDeclined(reason)`. A renewal becomes past due, a subscription does not start (S2)."
);

thread_local! {
    /// Whether this thread is inside a Python gateway's `charge` call.
    static CHARGING: Cell<bool> = const { Cell::new(false) };
}

/// Refuses a hub call made from inside a Python gateway's `charge`: the engine calls
/// the gateway while it holds the charge's idempotency lock (S5), so such a call
/// would wait for itself forever. The gateway sees a `RuntimeError` (and the charge
/// is then "unavailable", nothing recorded) instead of a deadlock.
pub fn refuse_reentry() -> PyResult<()> {
    if CHARGING.with(Cell::get) {
        return Err(PyRuntimeError::new_err(
            "a payment gateway's charge() may not call the hub: the engine waits for its answer while it holds the charge's lock",
        ));
    }
    Ok(())
}

/// Marks this thread as inside a gateway call until dropped (also on unwind).
struct Charging(bool);

impl Charging {
    fn enter() -> Self {
        Self(CHARGING.with(|c| c.replace(true)))
    }
}

impl Drop for Charging {
    fn drop(&mut self) {
        CHARGING.with(|c| c.set(self.0));
    }
}

/// How long a gateway may take to answer by default, in milliseconds (the Node
/// binding's default too).
pub const GATEWAY_DEADLINE_MS: u32 = 10_000;

/// The longest deadline a gateway may ask for: one hour, in milliseconds.
const MAX_DEADLINE_MS: u32 = 3_600_000;

/// A Python object used as the hub's payment gateway.
pub struct PyPaymentGateway {
    obj: Py<PyAny>,
    /// Answers after this many milliseconds count as no answer.
    deadline_ms: u32,
}

impl PyPaymentGateway {
    /// Wraps `obj`, which must have a callable `charge` (else an `InvalidTypeError`
    /// naming `gateway`) and may have `deadline_ms`, a whole number of milliseconds
    /// from 1 to 3 600 000 (else `invalid_input` naming `gateway.deadline_ms`).
    pub fn new(obj: &Bound<'_, PyAny>) -> PyResult<Self> {
        let callable = obj
            .getattr("charge")
            .map(|charge| charge.is_callable())
            .unwrap_or(false);
        if !callable {
            let type_name = obj
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            return Err(crate::errors::type_err(
                "gateway",
                format!("a gateway is a SimulatedGateway or has a charge(request) method, not a {type_name}"),
            ));
        }
        let deadline_ms = match obj.getattr("deadline_ms") {
            Err(_) => GATEWAY_DEADLINE_MS,
            Ok(ms) if ms.is_none() => GATEWAY_DEADLINE_MS,
            Ok(ms) => {
                let field = "gateway.deadline_ms";
                if !ms.is_instance_of::<PyInt>() || ms.is_instance_of::<PyBool>() {
                    let type_name = ms
                        .get_type()
                        .name()
                        .map(|n| n.to_string())
                        .unwrap_or_default();
                    return Err(crate::errors::type_err(
                        field,
                        format!("expected an int of milliseconds, got {type_name}"),
                    ));
                }
                match ms.extract::<i64>() {
                    Ok(v) if (1..=i64::from(MAX_DEADLINE_MS)).contains(&v) => v as u32,
                    _ => {
                        let got = ms.str().map(|s| s.to_string()).unwrap_or_default();
                        let err = fivergo_core::Error::out_of_range(
                            field,
                            "milliseconds",
                            1,
                            MAX_DEADLINE_MS,
                            got,
                        );
                        return Err(crate::errors::to_py_err(obj.py(), &err));
                    }
                }
            }
        };
        Ok(Self {
            obj: obj.clone().unbind(),
            deadline_ms,
        })
    }

    /// The answer of one `charge` call, as the core reads it.
    fn answer(py: Python<'_>, called: PyResult<Bound<'_, PyAny>>) -> Result<String, ChargeFailure> {
        let type_name = |obj: &Bound<'_, PyAny>| {
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        };
        match called {
            Ok(value) => match value.cast::<PyString>() {
                Ok(reference) => reference.to_cow().map(|r| r.into_owned()).map_err(|e| {
                    ChargeFailure::Unavailable(format!(
                        "the gateway returned a reference that is not UTF-8: {e}"
                    ))
                }),
                Err(_) => Err(ChargeFailure::Unavailable(format!(
                    "the gateway returned a {}, not the processor's reference (a str)",
                    type_name(&value)
                ))),
            },
            Err(err) => {
                let text = err
                    .value(py)
                    .str()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                if err.is_instance_of::<ChargeDeclined>(py) {
                    return Err(ChargeFailure::Declined(text));
                }
                let raised = type_name(err.value(py).as_any());
                if !err.is_instance_of::<PyException>(py) {
                    // KeyboardInterrupt, SystemExit: nothing is recorded, and the
                    // hub call that made the charge raises it.
                    CallFrame::stash(err);
                }
                Err(ChargeFailure::Unavailable(format!(
                    "the gateway raised {raised}: {text}"
                )))
            }
        }
    }
}

impl PaymentGateway for PyPaymentGateway {
    fn charge(&self, request: &ChargeRequest) -> Result<String, ChargeFailure> {
        Python::attach(|py| {
            let request = match Bound::new(py, PyChargeRequest::new(request.clone())) {
                Ok(request) => request,
                Err(e) => {
                    return Err(ChargeFailure::Unavailable(format!(
                        "the charge request could not be built: {e}"
                    )))
                }
            };
            let _charging = Charging::enter();
            let started = Instant::now();
            let called = self.obj.bind(py).call_method1("charge", (request,));
            if started.elapsed() > Duration::from_millis(self.deadline_ms.into()) {
                // Whatever it said came too late: the engine already counts it as no
                // answer and will ask again with the same key.
                if let Err(err) = called {
                    if !err.is_instance_of::<PyException>(py) {
                        CallFrame::stash(err);
                    }
                }
                return Err(ChargeFailure::Unavailable(format!(
                    "the gateway did not answer within {} ms",
                    self.deadline_ms
                )));
            }
            Self::answer(py, called)
        })
    }
}
