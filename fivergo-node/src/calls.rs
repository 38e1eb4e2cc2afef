//! Calls from the engine's threads into JavaScript: generators and the payment
//! gateway written in JavaScript.
//!
//! JavaScript runs on its own thread only, while the hub runs trainings, generations
//! and async commands on threads of their own. [`post`] therefore posts each call to
//! the JavaScript thread through a weak `ThreadsafeFunction` (the `dispatch` function
//! of `lib.js`, which receives `{op, callId, ...}`) and blocks its caller until
//! JavaScript answers through [`complete_call`] or [`fail_call`]; progress comes back
//! through [`report_progress`], which also tells JavaScript whether the job was
//! cancelled. The answer may come from a Promise: `lib.js` awaits it, so the event
//! loop keeps serving meanwhile.
//!
//! A caller never waits past its deadline nor past a cancel: it then abandons the call
//! (a promise that never settles included) and JavaScript's late answer is ignored
//! (`complete_call` returns `false`).

use std::collections::HashMap;
use std::ffi::CStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fivergo_core::generator::{CancelToken, JobControl};
use napi::bindgen_prelude::{Buffer, Either};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;

use crate::js::Js;

/// The `dispatch` function of `lib.js`, callable from any thread.
pub type Dispatch = ThreadsafeFunction<Js, (), Js, Status, false, true>;

/// Builds the thread-safe handle of `lib.js`'s `dispatch`; weak, so a hub waiting for
/// nothing does not keep the process alive.
pub fn dispatch_of(f: &napi::bindgen_prelude::Function<'_, Js, ()>) -> napi::Result<Dispatch> {
    f.build_threadsafe_function::<Js>().weak::<true>().build()
}

/// What JavaScript answered: a file or a text, or a failure; or that the caller
/// stopped waiting (cancelled, or past the deadline).
#[derive(Debug)]
pub enum Answer {
    /// A `Buffer`.
    Bytes(Vec<u8>),
    /// A string.
    Text(String),
    /// The call threw or rejected: its message, the id `lib.js` keeps the thrown
    /// value under, and whether it says it is a declined charge.
    Failed {
        /// The thrown value's message.
        message: String,
        /// Where `lib.js` keeps the thrown value (a generator's exception).
        cause: Option<u32>,
        /// The thrown error said `code: "charge_declined"` or `declined: true`.
        declined: bool,
    },
    /// The job was cancelled while JavaScript worked.
    Cancelled,
    /// No answer within the deadline (its milliseconds).
    TimedOut(u32),
}

/// How often a waiting caller looks at its job's cancel token.
const CANCEL_POLL: Duration = Duration::from_millis(20);

enum Message {
    Progress(f32),
    Done(Answer),
}

struct Pending {
    tx: mpsc::Sender<Message>,
    cancel: Option<CancelToken>,
}

fn pending() -> MutexGuard<'static, HashMap<u32, Pending>> {
    static PENDING: OnceLock<Mutex<HashMap<u32, Pending>>> = OnceLock::new();
    PENDING
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn deliver(call_id: u32, message: Message) -> bool {
    pending()
        .get(&call_id)
        .is_some_and(|p| p.tx.send(message).is_ok())
}

/// Internal (used by `lib.js`): a call finished with a file (`Buffer`) or a string (a
/// text, a training's style as JSON, a charge's reference). Returns false for an
/// unknown or abandoned call.
#[napi(catch_unwind, ts_args_type = "callId: number, result: Buffer | string")]
pub fn complete_call(call_id: u32, result: Either<Buffer, String>) -> bool {
    let answer = match result {
        Either::A(bytes) => Answer::Bytes(bytes.to_vec()),
        Either::B(text) => Answer::Text(text),
    };
    deliver(call_id, Message::Done(answer))
}

/// Internal (used by `lib.js`): a call threw `message`; the thrown value is kept by
/// `lib.js` under `causeId`; `declined` for a gateway's declined charge.
#[napi(catch_unwind)]
pub fn fail_call(
    call_id: u32,
    message: String,
    cause_id: Option<u32>,
    declined: Option<bool>,
) -> bool {
    deliver(
        call_id,
        Message::Done(Answer::Failed {
            message,
            cause: cause_id,
            declined: declined.unwrap_or(false),
        }),
    )
}

/// Internal (used by `lib.js`): reports progress (`0..=1`) of a generator call;
/// returns whether it should stop: its job was cancelled, or the call was abandoned
/// (its deadline passed).
#[napi(catch_unwind)]
pub fn report_progress(call_id: u32, fraction: f64) -> bool {
    let stop = call_cancelled(call_id);
    deliver(call_id, Message::Progress(fraction as f32));
    stop
}

/// Internal (used by `lib.js`): whether a call should stop: its job was cancelled,
/// or nobody waits for it any more (its deadline passed).
#[napi(catch_unwind)]
pub fn call_cancelled(call_id: u32) -> bool {
    pending()
        .get(&call_id)
        .is_none_or(|p| p.cancel.as_ref().is_some_and(|token| token.is_cancelled()))
}

/// Posts `{...fields, callId}` to JavaScript and waits for its answer until the
/// answer, `deadline` (`limit_ms` in the answer), or a cancel of `ctl`'s job,
/// forwarding progress to it.
pub fn post(
    dispatch: &Dispatch,
    mut fields: Vec<(&'static CStr, Js)>,
    limit_ms: u32,
    mut ctl: Option<&mut JobControl<'_>>,
) -> Answer {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let (tx, rx) = mpsc::channel();
    let cancel = ctl.as_ref().map(|c| c.token());
    pending().insert(
        id,
        Pending {
            tx,
            cancel: cancel.clone(),
        },
    );
    fields.push((c"callId", Js::num(id.into())));
    let status = dispatch.call(Js::Obj(fields), ThreadsafeFunctionCallMode::NonBlocking);
    let deadline = Instant::now() + Duration::from_millis(limit_ms.into());
    let answer = if status == Status::Ok {
        loop {
            let now = Instant::now();
            if now >= deadline {
                break Answer::TimedOut(limit_ms);
            }
            if cancel.as_ref().is_some_and(|t| t.is_cancelled()) {
                break Answer::Cancelled;
            }
            match rx.recv_timeout(CANCEL_POLL.min(deadline - now)) {
                Ok(Message::Progress(f)) => {
                    if let Some(ctl) = ctl.as_mut() {
                        // Cancellation is read back by JavaScript and seen here.
                        let _ = ctl.tick(f);
                    }
                }
                Ok(Message::Done(answer)) => break answer,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    break Answer::Failed {
                        message: "the JavaScript call was dropped".into(),
                        cause: None,
                        declined: false,
                    }
                }
            }
        }
    } else {
        Answer::Failed {
            message: format!("could not call JavaScript: {status}"),
            cause: None,
            declined: false,
        }
    };
    pending().remove(&id);
    answer
}
