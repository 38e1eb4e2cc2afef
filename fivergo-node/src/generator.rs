//! Generators written in JavaScript, driven by the core.
//!
//! JavaScript runs on the main thread only, while the hub runs trainings and
//! generations on the libuv thread pool. A [`JsGenerator`] therefore posts each call
//! to the main thread through a weak `ThreadsafeFunction` (the `dispatch` function
//! of `lib.js`) and blocks its worker until JavaScript answers through
//! [`complete_generator_call`] or [`fail_generator_call`]; progress comes back
//! through [`report_generator_progress`], which also tells JavaScript whether the
//! job was cancelled. The generator's value may be a Promise: `lib.js` awaits it, so
//! the event loop keeps serving meanwhile.
//!
//! A worker never waits longer than the call's deadline (`Policy.limits
//! .training_deadline_ms` / `generation_deadline_ms`) nor past a cancel: it then
//! abandons the call (a promise that never settles included) and JavaScript's late
//! answer is ignored. A generation past its deadline is refused with
//! `generator_timeout`; a training fails with its quota back (T4). A text answer
//! longer than `media.limits.max_bytes` is refused like an oversized file.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use fivergo_core::error::Error as CoreError;
use fivergo_core::generator::{
    Artifact, Brief, CancelToken, Generator, JobControl, TrainError, TrainedStyle, TrainingInput,
};
use fivergo_core::policy::Policy;
use napi::bindgen_prelude::{Buffer, Either};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;

use crate::js::Js;

/// The `dispatch` function of `lib.js`, callable from any thread.
pub type Dispatch = ThreadsafeFunction<Js, (), Js, Status, false, true>;

/// What JavaScript answered: a file, a text or a JSON style, or a failure; or that
/// the worker stopped waiting (cancelled, or past the deadline).
enum Answer {
    Bytes(Vec<u8>),
    Text(String),
    Failed { message: String, cause: Option<u32> },
    Cancelled,
    TimedOut(u32),
}

/// How often a waiting worker looks at its job's cancel token.
const CANCEL_POLL: Duration = Duration::from_millis(20);

enum Message {
    Progress(f32),
    Done(Answer),
}

struct Pending {
    tx: mpsc::Sender<Message>,
    cancel: CancelToken,
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

/// Internal (used by `lib.js`): a JavaScript generator call finished with a file
/// (`Buffer`: PNG, JPEG, WebP or WAV) or a string (a text, or a training's style as
/// JSON). Returns false for an unknown or finished call.
#[napi(catch_unwind, ts_args_type = "callId: number, result: Buffer | string")]
pub fn complete_generator_call(call_id: u32, result: Either<Buffer, String>) -> bool {
    let answer = match result {
        Either::A(bytes) => Answer::Bytes(bytes.to_vec()),
        Either::B(text) => Answer::Text(text),
    };
    deliver(call_id, Message::Done(answer))
}

/// Internal (used by `lib.js`): a JavaScript generator call threw `message`; the
/// thrown value is kept by `lib.js` under `causeId`.
#[napi(catch_unwind)]
pub fn fail_generator_call(call_id: u32, message: String, cause_id: Option<u32>) -> bool {
    deliver(
        call_id,
        Message::Done(Answer::Failed {
            message,
            cause: cause_id,
        }),
    )
}

/// Internal (used by `lib.js`): reports progress (`0..=1`) of a generator call;
/// returns whether it should stop: its job was cancelled, or the call was
/// abandoned (its deadline passed).
#[napi(catch_unwind)]
pub fn report_generator_progress(call_id: u32, fraction: f64) -> bool {
    let stop = generator_call_cancelled(call_id);
    deliver(call_id, Message::Progress(fraction as f32));
    stop
}

/// Internal (used by `lib.js`): whether a generator call should stop: its job was
/// cancelled, or nobody waits for it any more (its deadline passed).
#[napi(catch_unwind)]
pub fn generator_call_cancelled(call_id: u32) -> bool {
    pending()
        .get(&call_id)
        .is_none_or(|p| p.cancel.is_cancelled())
}

/// A generator whose `train` and `generate` are JavaScript functions.
pub struct JsGenerator {
    name: String,
    dispatch: Arc<Dispatch>,
    policy: Policy,
}

impl JsGenerator {
    /// The generator `name`, called through `dispatch`; `policy` gives its calls'
    /// deadlines and the limits of what they return.
    pub fn new(name: String, dispatch: Arc<Dispatch>, policy: &Policy) -> Self {
        Self {
            name,
            dispatch,
            policy: policy.clone(),
        }
    }

    /// Posts `request` to JavaScript and waits for its answer, forwarding progress,
    /// until the answer, a cancel or the call's deadline.
    fn call(&self, request: Js, training: bool, ctl: &mut JobControl<'_>) -> Answer {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        pending().insert(
            id,
            Pending {
                tx,
                cancel: ctl.token(),
            },
        );
        let request = request
            .with("callId", Js::Num(id.into()))
            .with("generator", Js::Str(self.name.clone()));
        let status = self
            .dispatch
            .call(request, ThreadsafeFunctionCallMode::NonBlocking);
        let limits = &self.policy.limits;
        let limit_ms = if training {
            limits.training_deadline_ms
        } else {
            limits.generation_deadline_ms
        };
        let deadline = Instant::now() + limits.generator_deadline(training);
        let answer = if status == Status::Ok {
            loop {
                let now = Instant::now();
                if now >= deadline {
                    break Answer::TimedOut(limit_ms);
                }
                if ctl.token().is_cancelled() {
                    break Answer::Cancelled;
                }
                match rx.recv_timeout(CANCEL_POLL.min(deadline - now)) {
                    Ok(Message::Progress(f)) => {
                        // Cancellation is read back by JavaScript and seen here.
                        let _ = ctl.tick(f);
                    }
                    Ok(Message::Done(answer)) => break answer,
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => {
                        break Answer::Failed {
                            message: "the JavaScript generator call was dropped".into(),
                            cause: None,
                        }
                    }
                }
            }
        } else {
            Answer::Failed {
                message: format!("could not call the JavaScript generator: {status}"),
                cause: None,
            }
        };
        pending().remove(&id);
        answer
    }
}

impl Generator for JsGenerator {
    fn name(&self) -> &str {
        &self.name
    }

    fn train(
        &self,
        input: &TrainingInput<'_>,
        ctl: &mut JobControl<'_>,
    ) -> Result<TrainedStyle, TrainError> {
        ctl.check()?;
        let failed = |e: napi::Error| TrainError::Failed(e.reason);
        let assets = input
            .assets
            .iter()
            .map(|a| {
                Ok(Js::of(a.asset)?.with(
                    "content",
                    a.content.map_or(Js::Null, |c| Js::Bytes(c.to_vec())),
                ))
            })
            .collect::<napi::Result<Vec<_>>>()
            .map_err(failed)?;
        let request = Js::obj([
            ("op", Js::Str("train".into())),
            ("subcategory", Js::Str(input.entry.slug.clone())),
            ("modality", Js::of(&input.entry.modality).map_err(failed)?),
            (
                "instructions",
                input.instructions.map_or(Js::Null, |s| Js::Str(s.into())),
            ),
            ("assets", Js::Arr(assets)),
        ]);
        let answer = self.call(request, true, ctl);
        ctl.check()?;
        match answer {
            Answer::Text(json) => {
                let data = serde_json::from_str(&json)
                    .map_err(|e| TrainError::Failed(format!("the style is not JSON: {e}")))?;
                Ok(TrainedStyle {
                    generator: self.name.clone(),
                    format: 1,
                    data,
                })
            }
            Answer::Bytes(_) => Err(TrainError::Failed(
                "train must return a JSON-serializable style".into(),
            )),
            Answer::Failed { message, .. } => Err(TrainError::Failed(message)),
            Answer::Cancelled => Err(TrainError::Cancelled),
            Answer::TimedOut(limit_ms) => Err(TrainError::Failed(format!(
                "{} did not answer within {limit_ms} ms",
                self.name
            ))),
        }
    }

    fn generate(
        &self,
        style: &TrainedStyle,
        brief: &Brief,
        seed: u64,
        ctl: &mut JobControl<'_>,
    ) -> Result<Artifact, CoreError> {
        ctl.check()?;
        let failed = |e: napi::Error| CoreError::GeneratorFailed { reason: e.reason };
        let request = Js::obj([
            ("op", Js::Str("generate".into())),
            ("style", Js::Str(style.data.to_string())),
            ("brief", Js::of(brief).map_err(failed)?),
            ("seed", Js::Num(seed as f64)),
        ]);
        let answer = self.call(request, false, ctl);
        ctl.check()?;
        let max_bytes = self.policy.media.limits.max_bytes;
        match answer {
            Answer::Bytes(bytes) => fivergo_core::media::decode(&bytes, &self.policy.media.limits),
            Answer::Text(text) if text.len() as u64 > max_bytes => Err(CoreError::MediaTooLarge {
                what: "bytes".into(),
                limit: max_bytes,
                actual: text.len() as u64,
            }),
            Answer::Text(text) => Ok(Artifact::Text(text)),
            Answer::Cancelled => Err(CoreError::Cancelled {
                what: "generation".into(),
            }),
            Answer::TimedOut(limit_ms) => Err(CoreError::GeneratorTimeout {
                generator: self.name.clone(),
                limit_ms,
            }),
            Answer::Failed { message, cause } => Err(CoreError::GeneratorFailed {
                reason: match cause {
                    Some(id) => format!("{message} [cause #{id}]"),
                    None => message,
                },
            }),
        }
    }
}
