//! Node.js bindings for the fivergo engine (napi-rs): the npm package `fivergo`.
//!
//! Bindings are thin: every rule lives in `fivergo-core`; this crate converts types.
//! Every value goes out through the core's wire form ([`js`]): money is
//! `{amount, currency}` with a decimal string, instants are `Date`s, enums are string
//! unions, records plain objects with camelCase keys, events and findings objects
//! with a `type`, files `Buffer`s. A refused command throws an `Error` carrying the
//! core's code and typed fields (see [`error`]); `lib.js` turns it into a
//! `FivergoError`. The TypeScript types are generated from [`types`] and the
//! methods' signatures into `index.d.ts`.

pub mod calls;
pub mod commands;
pub mod error;
pub mod eval;
pub mod gateway;
pub mod generator;
pub mod hub;
pub mod inputs;
pub mod js;
pub mod logging;
pub mod media;
pub mod policy;
pub mod types;

use napi_derive::napi;

use fivergo_core::policy::Policy as CorePolicy;

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
#[napi(catch_unwind, ts_return_type = "string")]
pub fn load_policy(json: String) -> error::Reply<String> {
    error::reply(|| Ok(CorePolicy::from_json(&json)?.to_json()))
}
