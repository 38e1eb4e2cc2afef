//! `Policy`: every number of the SPEC, loaded from JSON.

use fivergo_core::policy::Policy as CorePolicy;
use napi_derive::napi;

use crate::error::{reply, Reply};
use crate::js::Js;

/// Every number of the SPEC. `new Policy()` is the default; `Policy.fromJson(text)`
/// (added by `lib.js` over [`policy_from_json`]) loads a policy file.
#[napi]
#[derive(Clone, Default)]
pub struct Policy {
    pub(crate) inner: CorePolicy,
}

/// Parses and validates a policy JSON (missing fields keep their defaults, unknown
/// ones are refused); throws `invalid_policy`. `lib.js` exposes it as `Policy.fromJson`.
#[napi(catch_unwind, ts_return_type = "Policy")]
pub fn policy_from_json(json: String) -> Reply<Policy> {
    reply(|| {
        Ok(Policy {
            inner: CorePolicy::from_json(&json)?,
        })
    })
}

#[napi]
impl Policy {
    /// The default policy.
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        Self::default()
    }

    /// The complete policy as pretty JSON (the policy file format).
    #[napi(catch_unwind)]
    pub fn to_json_string(&self) -> String {
        self.inner.to_json()
    }

    /// The policy as a plain object in the file format (snake_case keys), so
    /// `JSON.stringify(policy)` writes a loadable policy file.
    #[napi(
        catch_unwind,
        js_name = "toJSON",
        ts_return_type = "Record<string, unknown>"
    )]
    pub fn to_json(&self) -> napi::Result<serde_json::Value> {
        serde_json::to_value(&self.inner).map_err(|e| napi::Error::from_reason(e.to_string()))
    }

    /// The monthly subscription fee (S1).
    #[napi(catch_unwind, ts_return_type = "Money")]
    pub fn monthly_fee(&self) -> Reply {
        reply(|| Ok(Js::of(&self.inner.monthly_fee())?))
    }

    /// The currency of every amount.
    #[napi(catch_unwind, ts_return_type = "Currency")]
    pub fn currency(&self) -> Reply {
        reply(|| Ok(Js::of(&self.inner.currency)?))
    }

    /// The catalogue of subcategories (C1).
    #[napi(catch_unwind, ts_return_type = "CatalogueEntry[]")]
    pub fn catalogue(&self) -> Reply {
        reply(|| Ok(Js::of(&self.inner.catalogue.entries())?))
    }
}
