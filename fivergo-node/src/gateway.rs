//! A payment gateway written in JavaScript: the `gateway: {charge(request)}` option.
//!
//! The engine charges inside a command: a synchronous one runs on the JavaScript
//! thread, an async one (`workOnce`, `runTraining`, ...) on a thread of its own.
//! [`JsGateway::charge`] therefore calls `lib.js`'s `dispatch` (op `charge`) directly
//! when it runs on the JavaScript thread (blocking on a thread-safe call there would
//! wait for itself), and through [`crate::calls::post`] with a deadline from any other
//! thread. `lib.js` turns what `charge` did into the answer:
//!
//! - a string (or a Promise of one): the processor's reference;
//! - an error with `code === "charge_declined"` or `declined: true`: a decline (a
//!   renewal becomes past due, S2);
//! - anything else (another exception, a wrong type, no answer before the deadline,
//!   a Promise a synchronous command cannot wait for): unavailable. Nothing is
//!   recorded and the engine asks again later with the same idempotency key (S5).

use std::sync::Arc;
use std::thread::ThreadId;

use fivergo_core::subscription::{ChargeFailure, ChargeRequest, PaymentGateway};
use napi::bindgen_prelude::{Function, JsValue, ToNapiValue};
use napi::{sys, Env};

use crate::calls::{post, Answer, Dispatch};
use crate::js::Js;

/// `dispatch` itself, for calls made on the JavaScript thread that created the hub.
struct Direct {
    env: sys::napi_env,
    func: sys::napi_ref,
    thread: ThreadId,
}

// SAFETY: `env` and `func` are only used on `thread` (checked before every use, and
// before the reference is deleted); moving the handles between threads only copies
// the pointers.
unsafe impl Send for Direct {}
// SAFETY: as above: no access happens off `thread`.
unsafe impl Sync for Direct {}

impl Drop for Direct {
    fn drop(&mut self) {
        if std::thread::current().id() == self.thread {
            // SAFETY: the reference was created in `env`, on this thread.
            unsafe { sys::napi_delete_reference(self.env, self.func) };
        }
        // Dropped elsewhere (the last clone of a hub ended on an async command's
        // thread): the reference is left to the environment's teardown.
    }
}

/// The host's payment gateway, implemented in JavaScript.
pub struct JsGateway {
    dispatch: Arc<Dispatch>,
    direct: Direct,
    deadline_ms: u32,
}

impl JsGateway {
    /// A gateway calling `dispatch` (`tsfn` is its thread-safe handle) that waits at
    /// most `deadline_ms` for an answer off the JavaScript thread.
    pub fn new(
        env: &Env,
        dispatch: &Function<'_, Js, ()>,
        tsfn: Arc<Dispatch>,
        deadline_ms: u32,
    ) -> napi::Result<Self> {
        let mut func = std::ptr::null_mut();
        // SAFETY: `env` is the live environment of this thread and `dispatch` a value of it.
        unsafe {
            napi::check_status!(sys::napi_create_reference(
                env.raw(),
                dispatch.raw(),
                1,
                &mut func
            ))?;
        }
        Ok(Self {
            dispatch: tsfn,
            direct: Direct {
                env: env.raw(),
                func,
                thread: std::thread::current().id(),
            },
            deadline_ms,
        })
    }
}

/// The call `lib.js`'s dispatch receives.
fn call(request: Js, sync: bool) -> Vec<(&'static std::ffi::CStr, Js)> {
    let mut fields = vec![(c"op", Js::str("charge")), (c"request", request)];
    if sync {
        fields.push((c"callId", Js::NULL));
    }
    fields
}

impl PaymentGateway for JsGateway {
    fn charge(&self, request: &ChargeRequest) -> Result<String, ChargeFailure> {
        let request = Js::of(request).map_err(|e| ChargeFailure::Unavailable(e.to_string()))?;
        if std::thread::current().id() == self.direct.thread {
            // SAFETY: on the thread that owns `env`, inside a call napi made.
            return unsafe { self.direct.charge(request) };
        }
        match post(&self.dispatch, call(request, false), self.deadline_ms, None) {
            Answer::Text(reference) if !reference.is_empty() => Ok(reference),
            Answer::Text(_) | Answer::Bytes(_) => Err(ChargeFailure::Unavailable(
                "charge must return the processor's reference, a non-empty string".into(),
            )),
            Answer::Failed {
                message,
                declined: true,
                ..
            } => Err(ChargeFailure::Declined(message)),
            Answer::Failed { message, .. } => Err(ChargeFailure::Unavailable(message)),
            Answer::TimedOut(ms) => Err(ChargeFailure::Unavailable(format!(
                "the gateway did not answer within {ms} ms"
            ))),
            Answer::Cancelled => Err(ChargeFailure::Unavailable("cancelled".into())),
        }
    }
}

/// The text of a JavaScript string, or `None` for another value.
unsafe fn string_of(env: sys::napi_env, value: sys::napi_value) -> Option<String> {
    // SAFETY (whole body): `env` is live on this thread and `value` one of its values.
    unsafe {
        let mut kind = 0;
        if sys::napi_typeof(env, value, &mut kind) != sys::Status::napi_ok
            || kind != sys::ValueType::napi_string
        {
            return None;
        }
        let mut len = 0;
        if sys::napi_get_value_string_utf8(env, value, std::ptr::null_mut(), 0, &mut len)
            != sys::Status::napi_ok
        {
            return None;
        }
        let mut buf = vec![0u8; len + 1];
        let mut written = 0;
        if sys::napi_get_value_string_utf8(
            env,
            value,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut written,
        ) != sys::Status::napi_ok
        {
            return None;
        }
        buf.truncate(written);
        String::from_utf8(buf).ok()
    }
}

impl Direct {
    /// Calls `dispatch({op: "charge", request, callId: null})` now: `lib.js` answers a
    /// string (the reference) or `{declined}` / `{unavailable}` with a reason.
    ///
    /// # Safety
    /// Must run on `self.thread`, inside a call napi made into this addon.
    unsafe fn charge(&self, request: Js) -> Result<String, ChargeFailure> {
        let env = self.env;
        let unavailable = |why: &str| ChargeFailure::Unavailable(why.to_owned());
        // SAFETY (whole body): `env` is live on this thread (the caller's promise).
        unsafe {
            let mut scope = std::ptr::null_mut();
            if sys::napi_open_handle_scope(env, &mut scope) != sys::Status::napi_ok {
                return Err(unavailable("could not call the gateway"));
            }
            let answer = (|| {
                let mut func = std::ptr::null_mut();
                let mut recv = std::ptr::null_mut();
                if sys::napi_get_reference_value(env, self.func, &mut func) != sys::Status::napi_ok
                    || func.is_null()
                    || sys::napi_get_undefined(env, &mut recv) != sys::Status::napi_ok
                {
                    return Err(unavailable("the gateway is gone"));
                }
                let arg = Js::to_napi_value(env, Js::Obj(call(request, true)))
                    .map_err(|e| unavailable(&e.reason))?;
                let mut out = std::ptr::null_mut();
                let status = sys::napi_call_function(env, recv, func, 1, &arg, &mut out);
                if status != sys::Status::napi_ok {
                    let mut thrown = std::ptr::null_mut();
                    sys::napi_get_and_clear_last_exception(env, &mut thrown);
                    return Err(unavailable("the gateway's dispatch threw"));
                }
                if let Some(reference) = string_of(env, out) {
                    return match reference.is_empty() {
                        false => Ok(reference),
                        true => Err(unavailable("charge returned an empty reference")),
                    };
                }
                let field = |key: &std::ffi::CStr| {
                    let mut v = std::ptr::null_mut();
                    let mut has = false;
                    (sys::napi_has_named_property(env, out, key.as_ptr(), &mut has)
                        == sys::Status::napi_ok
                        && has
                        && sys::napi_get_named_property(env, out, key.as_ptr(), &mut v)
                            == sys::Status::napi_ok)
                        .then(|| string_of(env, v))
                        .flatten()
                };
                let mut kind = 0;
                if sys::napi_typeof(env, out, &mut kind) == sys::Status::napi_ok
                    && kind == sys::ValueType::napi_object
                {
                    if let Some(reason) = field(c"declined") {
                        return Err(ChargeFailure::Declined(reason));
                    }
                    if let Some(reason) = field(c"unavailable") {
                        return Err(ChargeFailure::Unavailable(reason));
                    }
                }
                Err(unavailable("the gateway's answer was not understood"))
            })();
            sys::napi_close_handle_scope(env, scope);
            answer
        }
    }
}
