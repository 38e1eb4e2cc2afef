//! Core errors as JavaScript errors.
//!
//! A refused command throws an `Error` named `FivergoError` whose `code` is the
//! core's, with `rule`, `family`, `details` (the error's fields in the wire form:
//! camelCase keys, instants as `Date`, money as `{amount, currency}`) and `events`
//! (what settling recorded before the refusal). The package entry point (`lib.js`)
//! turns it into an instance of its `FivergoError` class with the details as fields.
//!
//! Methods return a [`Reply`]: the value, or the [`Failure`] it becomes on the
//! JavaScript thread. Promises settle the same way (see `crate::hub::promise`).

use fivergo_core::error::Error as CoreError;
use fivergo_core::wire::{to_wire, Wire};
use fivergo_core::Refused;
use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{sys, Status, ValueType};

use crate::js::{wire_value, Js};

/// Why a call produced no value.
#[derive(Debug)]
pub enum Failure {
    /// The core refused (or a binding check in the core's terms, `invalid_input`).
    Core(CoreError),
    /// A command refused, with the events settling recorded before the refusal.
    Refused(Refused),
    /// A failure of napi itself (an argument it could not convert, a dead thread).
    Napi(napi::Error),
}

impl From<CoreError> for Failure {
    fn from(e: CoreError) -> Self {
        Failure::Core(e)
    }
}

impl From<Refused> for Failure {
    fn from(e: Refused) -> Self {
        Failure::Refused(e)
    }
}

impl From<napi::Error> for Failure {
    fn from(e: napi::Error) -> Self {
        Failure::Napi(e)
    }
}

/// A call's result.
pub type R<T = Js> = Result<T, Failure>;

/// The core's `invalid_input` error.
pub fn invalid(field: &str, reason: impl Into<String>) -> CoreError {
    CoreError::InvalidInput {
        field: field.into(),
        reason: reason.into(),
    }
}

/// The `internal_error` of a failure that is nobody's input (a thread that could not
/// start, a panic).
pub fn internal(message: impl Into<String>) -> Failure {
    Failure::Core(CoreError::Internal {
        message: message.into(),
    })
}

/// The error's fields in the wire form, with `code`, `rule`, `message` and `family`
/// ([`CoreError::report`]).
pub fn details(err: &CoreError) -> Wire {
    to_wire(&err.report())
        .unwrap_or_else(|_| Wire::Record(vec![("code".into(), Wire::Str(err.code().into()))]))
}

unsafe fn set_property(
    env: sys::napi_env,
    obj: sys::napi_value,
    key: &std::ffi::CStr,
    value: sys::napi_value,
) -> napi::Result<()> {
    // SAFETY: `env` is the live environment and `obj` an object of it.
    unsafe { napi::check_status!(sys::napi_set_named_property(env, obj, key.as_ptr(), value)) }
}

/// The JavaScript `Error` of a core refusal: `name` `FivergoError`, `code`, `rule`,
/// `family`, `details` and `events`.
unsafe fn error_object(
    env: sys::napi_env,
    err: &CoreError,
    events: Option<&[fivergo_core::event::Recorded]>,
) -> napi::Result<sys::napi_value> {
    // SAFETY (whole body): `env` is the live environment of this thread.
    unsafe {
        let code = String::to_napi_value(env, err.code().to_owned())?;
        let message = String::to_napi_value(env, err.to_string())?;
        let mut obj = std::ptr::null_mut();
        napi::check_status!(sys::napi_create_error(env, code, message, &mut obj))?;
        let name = String::to_napi_value(env, "FivergoError".to_owned())?;
        set_property(env, obj, c"name", name)?;
        let rule = match err.rule() {
            Some(r) => String::to_napi_value(env, r.to_owned())?,
            None => wire_value(env, &Wire::Null)?,
        };
        set_property(env, obj, c"rule", rule)?;
        let family = String::to_napi_value(env, err.family().as_str().to_owned())?;
        set_property(env, obj, c"family", family)?;
        set_property(env, obj, c"details", wire_value(env, &details(err))?)?;
        let events = match events {
            Some(events) => to_wire(events).map_err(|e| napi::Error::from_reason(e.to_string()))?,
            None => Wire::List(Vec::new()),
        };
        set_property(env, obj, c"events", wire_value(env, &events)?)?;
        Ok(obj)
    }
}

impl Failure {
    /// The JavaScript value to throw (or reject with).
    ///
    /// # Safety
    /// `env` must be the live environment of the calling thread.
    pub unsafe fn into_js(self, env: sys::napi_env) -> napi::Result<sys::napi_value> {
        // SAFETY: as the caller promises.
        unsafe {
            match self {
                Failure::Core(e) => error_object(env, &e, None),
                Failure::Refused(r) => error_object(env, &r.error, Some(&r.events)),
                Failure::Napi(e) => napi::Error::to_napi_value(env, e),
            }
        }
    }

    /// As a `napi::Error` that holds the JavaScript error (for a Promise's rejection).
    ///
    /// # Safety
    /// `env` must be the live environment of the calling thread.
    pub unsafe fn into_napi(self, env: sys::napi_env) -> napi::Error {
        if let Failure::Napi(e) = self {
            return e;
        }
        // SAFETY: as the caller promises.
        match unsafe { self.into_js(env) } {
            Ok(value) => {
                // SAFETY: `value` is a live value of `env`.
                let unknown = unsafe { napi::Unknown::from_raw_unchecked(env, value) };
                napi::Error::from(unknown)
            }
            Err(e) => e,
        }
    }
}

/// What a method returns: its value, or a failure thrown as described above.
pub struct Reply<T = Js>(pub R<T>);

impl<T, E: Into<Failure>> From<Result<T, E>> for Reply<T> {
    fn from(r: Result<T, E>) -> Self {
        Reply(r.map_err(Into::into))
    }
}

/// Runs a method's body.
pub fn reply<T>(body: impl FnOnce() -> R<T>) -> Reply<T> {
    Reply(body())
}

/// Throws `failure` now and returns the error napi-rs then leaves alone (for a
/// constructor, whose result napi-rs converts itself).
pub fn throw(env: &napi::Env, failure: Failure) -> napi::Error {
    if let Failure::Napi(e) = failure {
        return e;
    }
    // SAFETY: `env` is the live environment of this thread.
    unsafe {
        match failure.into_js(env.raw()) {
            Ok(error) => match napi::check_status!(sys::napi_throw(env.raw(), error)) {
                Ok(()) => napi::Error::new(Status::PendingException, "thrown"),
                Err(e) => e,
            },
            Err(e) => e,
        }
    }
}

impl<T: TypeName> TypeName for Reply<T> {
    fn type_name() -> &'static str {
        T::type_name()
    }

    fn value_type() -> ValueType {
        T::value_type()
    }
}

impl<T: ToNapiValue> ToNapiValue for Reply<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY: napi passes the live environment of this thread.
        unsafe {
            match val.0 {
                Ok(value) => T::to_napi_value(env, value),
                Err(Failure::Napi(e)) => Err(e),
                Err(failure) => {
                    let error = failure.into_js(env)?;
                    napi::check_status!(sys::napi_throw(env, error))?;
                    // Already thrown: napi-rs leaves a pending exception alone.
                    Err(napi::Error::new(Status::PendingException, "thrown"))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fivergo_core::policy::Policy;

    #[test]
    fn details_say_the_code_rule_message_and_family() {
        let err = Policy::from_json(r#"{"models": {"active_model_limit": 0}}"#).unwrap_err();
        let d = details(&err);
        assert_eq!(d.get("code"), Some(&Wire::Str("invalid_policy".into())));
        assert!(matches!(d.get("family"), Some(Wire::Str(_))));
        assert!(matches!(d.get("message"), Some(Wire::Str(_))));
    }
}
