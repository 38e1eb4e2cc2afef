//! `evaluate`: the core's evaluation harness (`fivergo_core::eval`) for a reference
//! generator by name or a JavaScript generator, run off the main thread.

use std::sync::Arc;

use fivergo_core::eval::{self, EvalConfig, Sample};
use fivergo_core::generator::{by_name, Generator};
use fivergo_core::policy::Policy as CorePolicy;
use napi::bindgen_prelude::{Buffer, Function, Object};
use napi::Env;
use napi_derive::napi;

use crate::calls::dispatch_of;
use crate::error::{invalid, throw, R};
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
    #[napi(ts_arg_type = "(call: DispatchCall) => unknown")] dispatch: Option<Function<Js, ()>>,
) -> napi::Result<Object<'env>> {
    let work = prepare(options, dispatch).map_err(|f| throw(env, f))?;
    // On a thread of its own, as the hub's async commands (see `crate::hub`).
    crate::hub::promise(env, work)
}

/// Checks the options and returns the evaluation to run.
fn prepare(
    options: EvalOptions,
    dispatch: Option<Function<'_, Js, ()>>,
) -> R<impl FnOnce() -> R + Send + 'static> {
    let policy = match &options.policy {
        Some(json) => CorePolicy::from_json(json)?,
        None => CorePolicy::default(),
    };
    let generator: Arc<dyn Generator> = match (options.generator, options.js_generator, dispatch) {
        (Some(name), None, _) => by_name(&name)?,
        (None, Some(name), Some(dispatch)) => Arc::new(JsGenerator::new(
            name,
            Arc::new(dispatch_of(&dispatch)?),
            &policy,
        )),
        _ => {
            return Err(invalid(
                "generator",
                "give a reference generator's name or a JavaScript generator",
            )
            .into())
        }
    };
    let entry = policy
        .catalogue
        .get(&options.subcategory)
        .cloned()
        .ok_or_else(|| invalid("subcategory", format!("unknown `{}`", options.subcategory)))?;
    let defaults = EvalConfig::default();
    let seeds = match options.seeds {
        Some(s) => s
            .into_iter()
            .map(|v| inputs::seed(Some(v)))
            .collect::<Result<_, _>>()?,
        None => defaults.seeds,
    };
    let briefs = match options.briefs {
        Some(b) => b.into_iter().map(inputs::brief).collect::<Result<_, _>>()?,
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
    Ok(move || {
        let report = eval::evaluate(generator.as_ref(), &entry, &own, other.as_deref(), &config)?;
        let table = fivergo_core::wire::Wire::Str(report.to_table().into());
        Ok(Js::of(&report)?.with("table", table))
    })
}
