//! The exception hierarchy: `FivergoError` and one subclass per error family.
//!
//! Every core [`Error`] becomes an instance of its family's class carrying `.code`,
//! `.rule`, `.details` (the JSON of `Error::details` as a dict) and each data field of
//! the error as an attribute, converted to native types (money → `Decimal`, instants
//! → aware `datetime`). Exceptions raised by a Python generator are stashed while the
//! core runs and re-raised unchanged to the caller (see [`Stash`]).

use crate::convert::native;
use fivergo_core::error::Error;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use std::sync::{Arc, Mutex, PoisonError};

create_exception!(fivergo, FivergoError, PyException, "A refusal or failure of the fivergo engine, with `.code`, `.rule`, `.details` and the error's data fields.");
create_exception!(fivergo, PolicyError, FivergoError, "An invalid policy (`invalid_policy`).");
create_exception!(fivergo, InvalidInputError, FivergoError, "A malformed argument (`invalid_input`).");
create_exception!(fivergo, NotFoundError, FivergoError, "An unknown id (`not_found`).");
create_exception!(fivergo, AlreadyExistsError, FivergoError, "An id that is taken (`already_exists`).");
create_exception!(fivergo, ForbiddenError, FivergoError, "Someone else's model, asset or order (`forbidden`, D1/M7; reviews R-rules).");
create_exception!(fivergo, EligibilityError, FivergoError, "The seller is below the eligible level (E1).");
create_exception!(fivergo, CatalogueError, FivergoError, "Unknown or unavailable subcategory, or no Gig in it (C1, C2).");
create_exception!(fivergo, AssetError, FivergoError, "An asset is refused or missing (A3, A5, A9, D3, T4 no assets).");
create_exception!(fivergo, TrainingError, FivergoError, "A training job cannot run, finish or be cancelled (T4).");
create_exception!(fivergo, QuotaError, FivergoError, "The training quota is used up (T5): `.used`, `.limit`, `.renews_at`.");
create_exception!(fivergo, SubscriptionError, FivergoError, "A subscription refusal or payment decline (S1-S4).");
create_exception!(fivergo, PublishError, FivergoError, "Publishing refused (M2: `.missing` lists every unmet requirement) or a wrong model state (M3).");
create_exception!(fivergo, PricingError, FivergoError, "An invalid price, pricing unit or currency (P4, P5).");
create_exception!(fivergo, OrderError, FivergoError, "An order refusal (G1, G4, G5, V1, R, or a wrong order state).");
create_exception!(fivergo, RefundError, FivergoError, "A refund refusal (F1, F2).");
create_exception!(fivergo, GeneratorError, FivergoError, "No generator, a failed generation or a cancelled job.");
create_exception!(
    fivergo,
    TrainingFailed,
    PyException,
    "Raise from a Python generator's `train` to end the training as failed with this reason (not re-raised)."
);

/// Builds the exception of `err`'s family with all its attributes.
pub fn to_py_err(py: Python<'_>, err: &Error) -> PyErr {
    let message = err.to_string();
    let py_err = match err.code() {
        "invalid_policy" => PolicyError::new_err(message),
        "invalid_input" => InvalidInputError::new_err(message),
        "not_found" => NotFoundError::new_err(message),
        "already_exists" => AlreadyExistsError::new_err(message),
        "forbidden" | "review_not_allowed" => match err {
            Error::ReviewNotAllowed { .. } => OrderError::new_err(message),
            _ => ForbiddenError::new_err(message),
        },
        "not_eligible" => EligibilityError::new_err(message),
        "unknown_subcategory" | "subcategory_unavailable" | "no_gig_in_subcategory" => CatalogueError::new_err(message),
        "modality_mismatch" | "asset_too_short" | "asset_unreadable" | "media_too_large" | "image_too_small"
        | "private_delivery" | "no_assets_selected" | "instructions_required" | "attestation_required" => {
            AssetError::new_err(message)
        }
        "training_in_progress" | "job_not_active" => TrainingError::new_err(message),
        "training_quota_exhausted" => QuotaError::new_err(message),
        "subscription_required" | "already_subscribed" | "payment_declined" | "already_cancelled" | "not_cancelled"
        | "subscription_ended" | "nothing_past_due" => SubscriptionError::new_err(message),
        "publish_requirements_unmet" | "invalid_model_state" => PublishError::new_err(message),
        "invalid_price" | "pricing_unit_not_allowed" | "currency_mismatch" => PricingError::new_err(message),
        "full_refund_unavailable" | "partial_refund_not_allowed" => RefundError::new_err(message),
        "generator_unavailable" | "generator_failed" | "cancelled" => GeneratorError::new_err(message),
        _ => OrderError::new_err(message),
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
    if let Some(fields) = details.as_object() {
        for (key, field) in fields {
            if !matches!(key.as_str(), "code" | "rule" | "message") {
                value.setattr(key.as_str(), native(py, key, field)?)?;
            }
        }
    }
    value.setattr("code", err.code())?;
    value.setattr("rule", err.rule())?;
    value.setattr("details", crate::convert::json_to_py(py, &details)?)?;
    Ok(())
}

/// Where a Python generator leaves the exception it raised while the core ran it, so
/// the hub method that drove it can re-raise that very exception.
#[derive(Clone, Default)]
pub struct Stash(Arc<Mutex<Option<PyErr>>>);

impl Stash {
    /// Keeps the first exception of the current call.
    pub fn put(&self, err: PyErr) {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(err);
        }
    }

    /// Takes the stashed exception, if any.
    pub fn take(&self) -> Option<PyErr> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}
