//! Core errors as JavaScript errors.
//!
//! A refused command throws an `Error` whose message is [`ERROR_PREFIX`] followed by
//! the JSON `{code, rule, message, details}`; the package entry point (`lib.js`)
//! rethrows it as a `FivergoError` with `.code`, `.rule` and the details as
//! camelCase fields (instants as `Date`).

use fivergo_core::error::Error as CoreError;
use fivergo_core::Refused;
use napi::{Error, Status};

/// Marks a JSON-encoded core error in the message, so `lib.js` can tell it apart.
pub const ERROR_PREFIX: &str = "FIVERGO_ERROR:";

/// Converts a core error into a napi error carrying the JSON payload that `lib.js`
/// decodes into a `FivergoError`.
pub fn core_err(err: &CoreError) -> Error {
    payload(err.code(), err.rule(), &err.to_string(), with_family(err))
}

/// The error's `details()` with its `family` (the kind of refusal, one per variant).
fn with_family(err: &CoreError) -> serde_json::Value {
    let mut details = err.details();
    if let Some(d) = details.as_object_mut() {
        d.insert("family".into(), err.family().as_str().into());
    }
    details
}

/// A refused command: the core error with the events settling recorded before it
/// (`.events` of the `FivergoError`).
pub fn refused_err(refused: &Refused) -> Error {
    let err = &refused.error;
    let events = serde_json::to_value(&refused.events).unwrap_or_default();
    with_payload(
        serde_json::json!({ "code": err.code(), "rule": err.rule(), "message": err.to_string(), "details": with_family(err), "events": events }),
    )
}

/// A binding-level refusal with the same payload shape as a core error.
pub fn binding_err(code: &str, message: &str) -> Error {
    payload(
        code,
        None,
        message,
        serde_json::json!({ "code": code, "rule": null, "message": message }),
    )
}

fn payload(code: &str, rule: Option<&str>, message: &str, details: serde_json::Value) -> Error {
    with_payload(
        serde_json::json!({ "code": code, "rule": rule, "message": message, "details": details }),
    )
}

fn with_payload(payload: serde_json::Value) -> Error {
    Error::new(Status::GenericFailure, format!("{ERROR_PREFIX}{payload}"))
}

/// The core's `invalid_input` error.
pub fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Maps a core result into a napi result.
pub fn ok<T>(r: Result<T, CoreError>) -> napi::Result<T> {
    r.map_err(|e| core_err(&e))
}

/// Maps a command's result into a napi result.
pub fn done<T>(r: fivergo_core::CommandResult<T>) -> napi::Result<fivergo_core::Outcome<T>> {
    r.map_err(|e| refused_err(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fivergo_core::policy::Policy;

    #[test]
    fn error_payload_is_prefixed_json() {
        let err = Policy::from_json(r#"{"models": {"active_model_limit": 0}}"#).unwrap_err();
        let napi_err = core_err(&err);
        let json = napi_err.reason.strip_prefix(ERROR_PREFIX).expect("prefix");
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["code"], "invalid_policy");
    }
}
