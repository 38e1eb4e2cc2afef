//! Generators written in JavaScript, driven by the core through [`crate::calls`].
//!
//! A worker never waits longer than the call's deadline (`Policy.limits
//! .training_deadline_ms` / `generation_deadline_ms`) nor past a cancel: it then
//! abandons the call (a promise that never settles included) and JavaScript's late
//! answer is ignored. A generation past its deadline is refused with
//! `generator_timeout`; a training fails with its quota back (T4). A text answer
//! longer than `media.limits.max_bytes` is refused like an oversized file.

use std::sync::Arc;

use fivergo_core::error::Error as CoreError;
use fivergo_core::generator::{
    Artifact, Brief, Generator, JobControl, TrainError, TrainedStyle, TrainingInput,
};
use fivergo_core::policy::Policy;

use fivergo_core::wire::to_wire;

use crate::calls::{post, Answer, Dispatch};
use crate::js::Js;

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

    /// Posts `{op, generator, ...fields}` to JavaScript and waits for its answer,
    /// forwarding progress, until the answer, a cancel or the call's deadline.
    fn call(
        &self,
        op: &str,
        mut fields: Vec<(&'static std::ffi::CStr, Js)>,
        ctl: &mut JobControl<'_>,
    ) -> Answer {
        let limits = &self.policy.limits;
        let training = op == "train";
        let limit_ms = if training {
            limits.training_deadline_ms
        } else {
            limits.generation_deadline_ms
        };
        fields.insert(0, (c"op", Js::str(op.to_owned())));
        fields.insert(1, (c"generator", Js::str(self.name.clone())));
        post(&self.dispatch, fields, limit_ms, Some(ctl))
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
        let failed = |e: CoreError| TrainError::Failed(e.to_string());
        let assets = input
            .assets
            .iter()
            .map(|a| {
                // The asset's record, its `content` the file's bytes (or null).
                let content = a.content.map_or(Js::NULL, |c| Js::Bytes(c.to_vec()));
                Ok(Js::Merge(to_wire(a.asset)?, vec![(c"content", content)]))
            })
            .collect::<Result<Vec<_>, CoreError>>()
            .map_err(failed)?;
        let fields = vec![
            (c"subcategory", Js::str(input.entry.slug.clone())),
            (c"modality", Js::of(&input.entry.modality).map_err(failed)?),
            (
                c"instructions",
                input
                    .instructions
                    .map_or(Js::NULL, |s| Js::str(s.to_owned())),
            ),
            (c"assets", Js::List(assets)),
        ];
        let answer = self.call("train", fields, ctl);
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
        let fields = vec![
            (c"style", Js::str(style.data.to_string())),
            (c"brief", Js::of(brief)?),
            (c"seed", Js::num(seed as f64)),
        ];
        let answer = self.call("generate", fields, ctl);
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
            Answer::Failed { message, cause, .. } => Err(CoreError::GeneratorFailed {
                reason: match cause {
                    Some(id) => format!("{message} [cause #{id}]"),
                    None => message,
                },
            }),
        }
    }
}
