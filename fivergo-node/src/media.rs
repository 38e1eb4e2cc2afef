//! Pure media functions: inspect uploads, decode files, embed and detect watermarks.

use fivergo_core::error::Error as CoreError;
use fivergo_core::media::{self, Inspected};
use fivergo_core::policy::Policy as CorePolicy;
use fivergo_core::watermark::{self, DraftMark, MarkStyle};
use fivergo_core::wire::Wire;
use napi::bindgen_prelude::{AsyncTask, Buffer};
use napi::{Env, Task};
use napi_derive::napi;

use crate::error::{details, reply, Reply};
use crate::inputs;
use crate::js::{artifact, Js};
use crate::policy::Policy;

fn policy_of(policy: Option<&Policy>) -> CorePolicy {
    policy.map(|p| p.inner.clone()).unwrap_or_default()
}

/// Decodes and measures an uploaded file (PNG, JPEG, WebP, WAV or UTF-8 text) within
/// the policy's limits (A3, A4, A8): its modality and measured metadata. Throws
/// `asset_unreadable` or `media_too_large`.
#[napi(catch_unwind, ts_return_type = "Inspected")]
pub fn inspect(bytes: Buffer, policy: Option<&Policy>) -> Reply {
    reply(|| Ok(Js::of(&media::inspect(&bytes, &policy_of(policy))?)?))
}

/// Inspects many files on the thread pool: one result per file, in order.
pub struct InspectMany {
    files: Vec<Vec<u8>>,
    policy: CorePolicy,
}

impl Task for InspectMany {
    type Output = Vec<Result<Inspected, CoreError>>;
    type JsValue = Js;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let inspect = || {
            self.files
                .iter()
                .map(|f| media::inspect(f, &self.policy))
                .collect()
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(inspect)).map_err(|p| {
            napi::Error::new(
                napi::Status::GenericFailure,
                match crate::hub::panicked(p) {
                    crate::error::Failure::Core(e) => e.to_string(),
                    _ => "a panic".into(),
                },
            )
        })
    }

    fn resolve(&mut self, _: Env, output: Self::Output) -> napi::Result<Js> {
        let items = output.iter().map(|r| match r {
            Ok(i) => Js::of(i).unwrap_or_else(|e| Js::Obj(vec![(c"error", Js::Wire(details(&e)))])),
            Err(e) => Js::Obj(vec![(c"error", Js::Wire(details(e)))]),
        });
        Ok(Js::List(items.collect()))
    }
}

/// [`inspect`] for many files off the main thread: resolves to one result per file,
/// the inspection or `{error: {code, rule, message, ...}}`.
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<Inspected | { error: ErrorDetails }>>"
)]
pub fn inspect_many(files: Vec<Buffer>, policy: Option<&Policy>) -> AsyncTask<InspectMany> {
    AsyncTask::new(InspectMany {
        files: files.into_iter().map(|b| b.to_vec()).collect(),
        policy: policy_of(policy),
    })
}

/// Decodes a file into an artifact (`{type, bytes, ...}`).
#[napi(catch_unwind, ts_return_type = "Artifact")]
pub fn decode(bytes: Buffer, policy: Option<&Policy>) -> Reply {
    reply(|| {
        let a = media::decode(&bytes, &policy_of(policy).media.limits)?;
        Ok(artifact(&a)?)
    })
}

/// Marks a draft as the hub does (W1 visible mark, W2 invisible `payload` for images
/// and audio; texts carry only the visible header). `payload` is an integer up to
/// 2^53 − 1. Returns the marked artifact and whether the payload went in (a flat
/// image or a short recording cannot hold it: `reason` says why).
#[napi(catch_unwind, ts_return_type = "MarkedDraft")]
pub fn mark_draft(
    bytes: Buffer,
    reference: String,
    seed: f64,
    payload: Option<f64>,
    policy: Option<&Policy>,
) -> Reply {
    reply(|| {
        let clean = media::decode(&bytes, &policy_of(policy).media.limits)?;
        let seed = inputs::u64_arg("seed", seed)?;
        let payload = payload.map(|p| inputs::u64_arg("payload", p)).transpose()?;
        let marked = watermark::mark_draft(
            &clean,
            &DraftMark { reference, seed },
            payload,
            &MarkStyle::default(),
        );
        let reason = marked
            .payload
            .as_ref()
            .err()
            .map_or(Js::NULL, |u| Js::str(u.reason.clone()));
        Ok(Js::Obj(vec![
            (c"artifact", artifact(&marked.artifact)?),
            (c"payloadEmbedded", Js::bool(marked.payload.is_ok())),
            (c"reason", reason),
        ]))
    })
}

/// Looks for an invisible draft payload (W2) in an image or recording:
/// `{type: "found", payload, confidence}` or `{type: "not_found"}`.
#[napi(catch_unwind, ts_return_type = "Detection")]
pub fn detect_watermark(bytes: Buffer, policy: Option<&Policy>) -> Reply {
    reply(|| {
        let a = media::decode(&bytes, &policy_of(policy).media.limits)?;
        let detection = watermark::trace(&a, &MarkStyle::default());
        // The core tags a detection `result`; every other union here is told apart by `type`.
        Ok(match Js::of(&detection)? {
            Js::Wire(Wire::Record(fields)) => Js::Wire(Wire::Record(
                fields
                    .into_iter()
                    .map(|(k, v)| match k.as_ref() {
                        "result" => ("type".into(), v),
                        _ => (k, v),
                    })
                    .collect(),
            )),
            other => other,
        })
    })
}
