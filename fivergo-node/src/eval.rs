//! `evaluate`: the core's evaluation harness (`fivergo_core::eval`) for a reference
//! generator by name or a JavaScript generator, run off the main thread.

use std::sync::Arc;

use fivergo_core::eval::{self, EvalConfig, Sample};
use fivergo_core::generator::{by_name, Generator};
use fivergo_core::policy::Policy as CorePolicy;
use napi::bindgen_prelude::{Buffer, Function, Object};
use napi::Env;
use napi_derive::napi;

use crate::error::{invalid, ok};
use crate::generator::JsGenerator;
use crate::inputs;
use crate::js::Js;

/// What to evaluate: `generator` names a reference generator, or `jsGenerator` names
/// the JavaScript generator the `fivergo` package's `evaluate` dispatches to.
#[napi(object, object_to_js = false)]
pub struct EvalOptions {
    /// The subcategory to train for (its catalogue entry is passed to training).
    pub subcategory: String,
    /// A reference generator: `echo`, `quilt`, `jingle_synth`, `espeak_guide`, `markov_text`.
    pub generator: Option<String>,
    /// The name of a JavaScript generator reached through `dispatch`.
    pub js_generator: Option<String>,
    /// The seller's training files (PNG, JPEG, WebP, WAV or UTF-8 text).
    pub own: Vec<Buffer>,
    /// Another style's files, for style fidelity.
    pub other: Option<Vec<Buffer>>,
    /// The briefs to generate (default: one).
    #[napi(ts_type = "BriefInput[]")]
    pub briefs: Option<Vec<serde_json::Value>>,
    /// The seeds (default 1–4), whole numbers from 0 to 2^53 − 1.
    pub seeds: Option<Vec<f64>>,
    /// Instructions given to training.
    pub instructions: Option<String>,
    /// A policy as JSON (default: the SPEC's).
    pub policy: Option<String>,
}

/// Measures a generator: trains it on `own`, generates every brief with every seed
/// twice, marks each output as a client draft, and compares the outputs with `own`
/// and `other`. Resolves to the report, with its markdown rendering as `table`.
#[napi(catch_unwind, ts_return_type = "Promise<EvalReport>")]
pub fn evaluate<'env>(
    env: &'env Env,
    options: EvalOptions,
    #[napi(ts_arg_type = "(call: GeneratorCall) => void")] dispatch: Option<Function<Js, ()>>,
) -> napi::Result<Object<'env>> {
    let policy = match &options.policy {
        Some(json) => ok(CorePolicy::from_json(json))?,
        None => CorePolicy::default(),
    };
    let generator: Arc<dyn Generator> = match (options.generator, options.js_generator, dispatch) {
        (Some(name), None, _) => ok(by_name(&name))?,
        (None, Some(name), Some(dispatch)) => {
            let tsfn = Arc::new(
                dispatch
                    .build_threadsafe_function::<Js>()
                    .weak::<true>()
                    .build()?,
            );
            Arc::new(JsGenerator::new(name, tsfn, &policy))
        }
        _ => {
            return Err(crate::error::core_err(&invalid(
                "generator",
                "give a reference generator's name or a JavaScript generator",
            )))
        }
    };
    let entry = ok(policy
        .catalogue
        .get(&options.subcategory)
        .cloned()
        .ok_or_else(|| invalid("subcategory", format!("unknown `{}`", options.subcategory))))?;
    let defaults = EvalConfig::default();
    let seeds = match options.seeds {
        Some(s) => s
            .into_iter()
            .map(|v| ok(inputs::seed(Some(v))))
            .collect::<napi::Result<_>>()?,
        None => defaults.seeds,
    };
    let briefs = match options.briefs {
        Some(b) => b
            .into_iter()
            .map(|v| ok(inputs::brief(v)))
            .collect::<napi::Result<_>>()?,
        None => defaults.briefs,
    };
    let samples = |files: Vec<Buffer>| {
        files
            .into_iter()
            .map(|b| Sample::new(b.to_vec()))
            .collect::<Vec<_>>()
    };
    let config = EvalConfig {
        briefs,
        seeds,
        instructions: options.instructions.or(defaults.instructions),
        policy,
        marks: defaults.marks,
    };
    let (own, other) = (samples(options.own), options.other.map(samples));
    // On a thread of its own, as the hub's async commands (see `crate::hub`).
    crate::hub::promise(env, move || {
        let report = ok(eval::evaluate(
            generator.as_ref(),
            &entry,
            &own,
            other.as_deref(),
            &config,
        ))?;
        let mut json =
            serde_json::to_value(&report).map_err(|e| napi::Error::from_reason(e.to_string()))?;
        json["table"] = report.to_table().into();
        Js::of(&json)
    })
}
