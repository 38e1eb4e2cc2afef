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

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, OnceLock};

use fivergo_core::error::Error as CoreError;
use fivergo_core::generator::{Artifact, Brief, CancelToken, Generator, JobControl, TrainError, TrainedStyle, TrainingInput};
use fivergo_core::media::MediaLimits;
use napi::bindgen_prelude::{Buffer, Either};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;

use crate::js::Js;

/// The `dispatch` function of `lib.js`, callable from any thread.
pub type Dispatch = ThreadsafeFunction<Js, (), Js, Status, false, true>;

/// What JavaScript answered: a file, a text or a JSON style, or a failure.
enum Answer {
    Bytes(Vec<u8>),
    Text(String),
    Failed { message: String, cause: Option<u32> },
}

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
    PENDING.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner())
}

fn deliver(call_id: u32, message: Message) -> bool {
    pending().get(&call_id).is_some_and(|p| p.tx.send(message).is_ok())
}

/// Internal (used by `lib.js`): a JavaScript generator call finished with a file
/// (`Buffer`: PNG, JPEG, WebP or WAV) or a string (a text, or a training's style as
/// JSON). Returns false for an unknown or finished call.
#[napi(ts_args_type = "callId: number, result: Buffer | string")]
pub fn complete_generator_call(call_id: u32, result: Either<Buffer, String>) -> bool {
    let answer = match result {
        Either::A(bytes) => Answer::Bytes(bytes.to_vec()),
        Either::B(text) => Answer::Text(text),
    };
    deliver(call_id, Message::Done(answer))
}

/// Internal (used by `lib.js`): a JavaScript generator call threw `message`; the
/// thrown value is kept by `lib.js` under `causeId`.
#[napi]
pub fn fail_generator_call(call_id: u32, message: String, cause_id: Option<u32>) -> bool {
    deliver(call_id, Message::Done(Answer::Failed { message, cause: cause_id }))
}

/// Internal (used by `lib.js`): reports progress (`0..=1`) of a generator call;
/// returns whether its job was cancelled.
#[napi]
pub fn report_generator_progress(call_id: u32, fraction: f64) -> bool {
    let cancelled = pending().get(&call_id).is_some_and(|p| p.cancel.is_cancelled());
    deliver(call_id, Message::Progress(fraction as f32));
    cancelled
}

/// Internal (used by `lib.js`): whether the job of a generator call was cancelled.
#[napi]
pub fn generator_call_cancelled(call_id: u32) -> bool {
    pending().get(&call_id).is_some_and(|p| p.cancel.is_cancelled())
}

/// A generator whose `train` and `generate` are JavaScript functions.
pub struct JsGenerator {
    name: String,
    dispatch: Arc<Dispatch>,
    limits: MediaLimits,
}

impl JsGenerator {
    /// The generator `name`, called through `dispatch`; files it returns are decoded
    /// within `limits`.
    pub fn new(name: String, dispatch: Arc<Dispatch>, limits: MediaLimits) -> Self {
        Self { name, dispatch, limits }
    }

    /// Posts `request` to JavaScript and waits for its answer, forwarding progress.
    fn call(&self, request: Js, ctl: &mut JobControl<'_>) -> Answer {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        pending().insert(id, Pending { tx, cancel: ctl.token() });
        let request = request.with("callId", Js::Num(id.into())).with("generator", Js::Str(self.name.clone()));
        let status = self.dispatch.call(request, ThreadsafeFunctionCallMode::NonBlocking);
        let answer = if status == Status::Ok {
            loop {
                match rx.recv() {
                    Ok(Message::Progress(f)) => {
                        // Cancellation is read back by JavaScript; the answer decides.
                        let _ = ctl.tick(f);
                    }
                    Ok(Message::Done(answer)) => break answer,
                    Err(_) => break Answer::Failed { message: "the JavaScript generator call was dropped".into(), cause: None },
                }
            }
        } else {
            Answer::Failed { message: format!("could not call the JavaScript generator: {status}"), cause: None }
        };
        pending().remove(&id);
        answer
    }
}

impl Generator for JsGenerator {
    fn name(&self) -> &str {
        &self.name
    }

    fn train(&self, input: &TrainingInput<'_>, ctl: &mut JobControl<'_>) -> Result<TrainedStyle, TrainError> {
        ctl.check()?;
        let failed = |e: napi::Error| TrainError::Failed(e.reason);
        let assets = input
            .assets
            .iter()
            .map(|a| Ok(Js::of(a.asset)?.with("content", a.content.map_or(Js::Null, |c| Js::Bytes(c.to_vec())))))
            .collect::<napi::Result<Vec<_>>>()
            .map_err(failed)?;
        let request = Js::obj([
            ("op", Js::Str("train".into())),
            ("subcategory", Js::Str(input.entry.slug.clone())),
            ("modality", Js::of(&input.entry.modality).map_err(failed)?),
            ("instructions", input.instructions.map_or(Js::Null, |s| Js::Str(s.into()))),
            ("assets", Js::Arr(assets)),
        ]);
        let answer = self.call(request, ctl);
        ctl.check()?;
        match answer {
            Answer::Text(json) => {
                let data = serde_json::from_str(&json).map_err(|e| TrainError::Failed(format!("the style is not JSON: {e}")))?;
                Ok(TrainedStyle { generator: self.name.clone(), format: 1, data })
            }
            Answer::Bytes(_) => Err(TrainError::Failed("train must return a JSON-serializable style".into())),
            Answer::Failed { message, .. } => Err(TrainError::Failed(message)),
        }
    }

    fn generate(&self, style: &TrainedStyle, brief: &Brief, seed: u64, ctl: &mut JobControl<'_>) -> Result<Artifact, CoreError> {
        ctl.check()?;
        let failed = |e: napi::Error| CoreError::GeneratorFailed { reason: e.reason };
        let request = Js::obj([
            ("op", Js::Str("generate".into())),
            ("style", Js::Str(style.data.to_string())),
            ("brief", Js::of(brief).map_err(failed)?),
            ("seed", Js::Num(seed as f64)),
        ]);
        let answer = self.call(request, ctl);
        ctl.check()?;
        match answer {
            Answer::Bytes(bytes) => fivergo_core::media::decode(&bytes, &self.limits),
            Answer::Text(text) => Ok(Artifact::Text(text)),
            Answer::Failed { message, cause } => Err(CoreError::GeneratorFailed {
                reason: match cause {
                    Some(id) => format!("{message} [cause #{id}]"),
                    None => message,
                },
            }),
        }
    }
}
