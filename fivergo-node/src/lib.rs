//! Node.js bindings for the fivergo engine (napi-rs): the npm package `fivergo`.
//!
//! Bindings are thin: every rule lives in `fivergo-core`; this crate converts types.
//! Money is a decimal string (or `{amount, currency}`), instants are `Date`s, enums
//! are string unions, events and findings are plain objects with a `type`, files
//! are `Buffer`s. A refused command throws an `Error` carrying the core's payload
//! (see [`error`]); `lib.js` turns it into a `FivergoError` with `.code`, `.rule` and
//! the data fields. The TypeScript types of the values live in `types.d.ts`, which
//! `napi build` puts at the head of the generated `index.d.ts`.

pub mod commands;
pub mod error;
pub mod eval;
pub mod generator;
pub mod hub;
pub mod inputs;
pub mod js;
pub mod media;
pub mod policy;

use napi_derive::napi;

use fivergo_core::policy::Policy as CorePolicy;

pub use error::ERROR_PREFIX;

/// The version of the fivergo engine.
#[napi(catch_unwind)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The default policy (every number of the SPEC) as pretty JSON.
#[napi(catch_unwind)]
pub fn default_policy_json() -> String {
    CorePolicy::default().to_json()
}

/// Parses and validates a policy JSON (missing fields keep their defaults) and
/// returns the complete policy as JSON; throws a `FivergoError` when invalid.
#[napi(catch_unwind)]
pub fn load_policy(json: String) -> napi::Result<String> {
    error::ok(CorePolicy::from_json(&json)).map(|p| p.to_json())
}
