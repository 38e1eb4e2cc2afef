//! Node.js bindings for the fivergo engine (napi-rs).
//!
//! Bindings are thin: every rule lives in `fivergo-core`. A refused command throws a
//! JS `Error` whose message is a JSON object `{code, rule, message, details}`; the
//! package entry point (`lib.js`) turns it into a `FivergoError` with `.code`,
//! `.rule` and `.details`.

use napi::{Error, Result, Status};
use napi_derive::napi;

use fivergo_core::policy::Policy;

/// Marks a JSON-encoded core error in the message, so `lib.js` can tell it apart.
pub const ERROR_PREFIX: &str = "FIVERGO_ERROR:";

/// Converts a core error into a napi error carrying the JSON payload that `lib.js`
/// decodes into a `FivergoError`.
pub fn to_napi_err(err: &fivergo_core::error::Error) -> Error {
    let payload = serde_json::json!({
        "code": err.code(),
        "rule": err.rule(),
        "message": err.to_string(),
        "details": err.details(),
    });
    Error::new(Status::GenericFailure, format!("{ERROR_PREFIX}{payload}"))
}

/// The version of the fivergo engine.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The default policy (every number of the SPEC) as pretty JSON.
#[napi]
pub fn default_policy_json() -> String {
    Policy::default().to_json()
}

/// Parses and validates a policy JSON (missing fields keep their defaults) and
/// returns the complete policy as JSON; throws a `FivergoError` when invalid.
#[napi]
pub fn load_policy(json: String) -> Result<String> {
    Policy::from_json(&json).map(|p| p.to_json()).map_err(|e| to_napi_err(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_payload_is_prefixed_json() {
        let err = Policy::from_json(r#"{"models": {"active_model_limit": 0}}"#).unwrap_err();
        let napi_err = to_napi_err(&err);
        let json = napi_err.reason.strip_prefix(ERROR_PREFIX).expect("prefix");
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["code"], "invalid_policy");
    }
}
