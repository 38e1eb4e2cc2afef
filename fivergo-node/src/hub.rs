//! `Hub`: the core's [`Hub`](fivergo_core::Hub) for JavaScript.
//!
//! Threading: the core hub needs no lock of its own (commands on one seller run one
//! after another inside it, on different sellers in parallel). Commands that may run
//! a generator (`runTraining`, `playgroundGenerate`, `orderDraft`, `acceptOffer`,
//! `requestRevision`, `workOnce`) are async: each runs on a thread of its own (not
//! the libuv pool: a JavaScript generator that awaits another async command while its
//! caller waits for it would otherwise exhaust the pool's four threads and deadlock),
//! and a JavaScript generator or gateway they call runs on the main thread meanwhile.
//! Every other method is synchronous; none waits on a generation, so a synchronous
//! call made while a draft renders simply runs.
//!
//! Every method catches a panic of the engine (`catch_unwind`): it throws a
//! `FivergoError` with code `internal_error` and the panic's message instead of
//! aborting the process.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use fivergo_core::blob::BlobRef;
use fivergo_core::clock::ManualClock;
use fivergo_core::generator::{GeneratorChoice, GeneratorRegistry};
use fivergo_core::hub::{CommandResult, Hub as CoreHub, Outcome};
use fivergo_core::ids::{AssetId, GenerationId, JobId, ModelId, OrderId};
use fivergo_core::policy::Policy as CorePolicy;
use fivergo_core::store::Cursor;
use fivergo_core::subscription::SimulatedGateway;
use fivergo_core::wire::Wire;
use napi::bindgen_prelude::{Buffer, Function, Object};
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::calls::{dispatch_of, Dispatch};
use crate::error::{internal, invalid, reply, throw, Failure, Reply, R};
use crate::gateway::JsGateway;
use crate::generator::JsGenerator;
use crate::inputs::{self, HubOptions, JsInstant};
use crate::js::{artifact, parse_json, Js};

/// The embedded marketplace engine: every rule of the SPEC over a store (memory, or
/// a SQLite or PostgreSQL database with `Hub.open`), charging through the simulated
/// payment gateway or the host's own (`gateway`).
#[napi]
pub struct Hub {
    pub(crate) inner: CoreHub,
    pub(crate) clock: Option<ManualClock>,
    /// The simulated gateway, when the hub charges through it.
    pub(crate) gateway: Option<SimulatedGateway>,
}

/// A command's result as JavaScript: `{value, events}`.
pub(crate) fn outcome<T>(o: Outcome<T>, value: impl FnOnce(T) -> R) -> R {
    Ok(Js::Obj(vec![
        (c"value", value(o.value)?),
        (c"events", Js::of(&o.events)?),
    ]))
}

/// The value of a command that returns nothing.
pub(crate) fn unit<T>(_: T) -> R {
    Ok(Js::NULL)
}

/// The value of a command that returns an id.
pub(crate) fn id<T: std::fmt::Display>(id: T) -> R {
    Ok(Js::str(id.to_string()))
}

/// A core value in its wire form.
pub(crate) fn wire<T: serde::Serialize>(value: T) -> R {
    Ok(Js::of(&value)?)
}

/// A stored file's reference: the object an order's `draft` / `clean` or an asset's
/// `content` holds, or a `sha256` string.
fn file_ref(value: Value) -> Result<BlobRef, fivergo_core::Error> {
    match value {
        Value::String(sha256) => Ok(BlobRef {
            sha256,
            len: 0,
            media_type: "application/octet-stream".into(),
            width: None,
            height: None,
            duration_ms: None,
        }),
        other => parse_json("file", other),
    }
}

/// Runs `work` on a thread of its own and returns the Promise of its value; a
/// refusal rejects it with the same `FivergoError` a synchronous call throws, a panic
/// with `internal_error` and the panic's message.
pub(crate) fn promise<'env>(
    env: &'env Env,
    work: impl FnOnce() -> R + Send + 'static,
) -> napi::Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred()?;
    let spawned = std::thread::Builder::new()
        .name("fivergo-call".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(work))
                .unwrap_or_else(|payload| Err(panicked(payload)));
            deferred.resolve(move |env| match result {
                Ok(value) => Ok(value),
                // SAFETY: the resolver runs on the JavaScript thread of `env`.
                Err(failure) => Err(unsafe { failure.into_napi(env.raw()) }),
            })
        });
    spawned.map_err(|e| throw(env, internal(format!("no thread for the call: {e}"))))?;
    Ok(promise)
}

/// The `internal_error` of a caught panic, with its message.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> Failure {
    let message = match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "a panic without a message".to_owned(),
    };
    internal(message)
}

/// The generators option as the core's spec: a registry's name (`echo`,
/// `reference`, `none`), or an object of subcategory (or `*`) to a generator's name
/// or `{js: name}`, a JavaScript generator reached through `dispatch`.
fn generator_spec(
    spec: Option<Value>,
    dispatch: Option<&Arc<Dispatch>>,
    policy: &CorePolicy,
) -> Result<Vec<(String, GeneratorChoice)>, fivergo_core::Error> {
    let entries = match spec {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::String(registry)) => {
            return Ok(vec![("*".into(), GeneratorChoice::Named(registry))])
        }
        Some(Value::Object(entries)) => entries,
        Some(_) => {
            return Err(invalid(
                "generators",
                "a registry (echo, reference, none) or an object of subcategory to generator",
            ))
        }
    };
    let choice = |key: &str, value: Value| match value {
        Value::String(name) => Ok(GeneratorChoice::Named(name)),
        Value::Object(o) => match (o.get("js").and_then(Value::as_str), dispatch, o.len()) {
            (Some(name), Some(dispatch), 1) => Ok(GeneratorChoice::Host(Arc::new(
                JsGenerator::new(name.to_owned(), dispatch.clone(), policy),
            ))),
            (Some(_), None, 1) => Err(invalid(
                &format!("generators.{key}"),
                "a JavaScript generator needs the dispatch function (the package's Hub passes it)",
            )),
            _ => Err(invalid(
                &format!("generators.{key}"),
                "a generator's name or {js: name}",
            )),
        },
        _ => Err(invalid(
            &format!("generators.{key}"),
            "a generator's name or a JavaScript generator",
        )),
    };
    entries
        .into_iter()
        .map(|(key, value)| Ok((key.clone(), choice(&key, value)?)))
        .collect()
}

impl Hub {
    /// Runs a synchronous command and converts its outcome.
    pub(crate) fn command<T>(
        &self,
        run: impl FnOnce(&CoreHub) -> CommandResult<T>,
        value: impl FnOnce(T) -> R,
    ) -> R {
        outcome(run(&self.inner)?, value)
    }

    fn task<'env>(
        &self,
        env: &'env Env,
        work: impl FnOnce(&CoreHub) -> R + Send + 'static,
    ) -> napi::Result<Object<'env>> {
        let hub = self.inner.clone();
        promise(env, move || work(&hub))
    }

    fn manual_clock_core(&self) -> Result<&ManualClock, fivergo_core::Error> {
        self.clock.as_ref().ok_or_else(|| {
            invalid(
                "clock",
                "this hub runs on the system clock; pass `start` for a manual one",
            )
        })
    }

    fn simulated(&self) -> Result<&SimulatedGateway, fivergo_core::Error> {
        self.gateway.as_ref().ok_or_else(|| {
            invalid(
                "gateway",
                "this hub charges through the host's gateway, not the simulated one",
            )
        })
    }

    fn build(
        env: &Env,
        options: Option<HubOptions>,
        dispatch: Option<Function<'_, Js, ()>>,
    ) -> R<Self> {
        let o = options.unwrap_or_default();
        let policy = match &o.policy {
            Some(json) => CorePolicy::from_json(json)?,
            None => CorePolicy::default(),
        };
        let tsfn = dispatch
            .as_ref()
            .map(dispatch_of)
            .transpose()?
            .map(Arc::new);
        let spec = generator_spec(o.generators, tsfn.as_ref(), &policy)?;
        let generators = GeneratorRegistry::from_spec(spec, &policy.catalogue)?;
        let start = o.start.map(|at| inputs::instant("start", at)).transpose()?;
        let clock = start.map(ManualClock::try_at).transpose()?;
        let mut builder = CoreHub::builder().policy(policy).generators(generators);
        let simulated = match (o.gateway, &dispatch, &tsfn) {
            (None, _, _) => {
                let gateway = SimulatedGateway::default();
                builder = builder.gateway(gateway.clone());
                Some(gateway)
            }
            (Some(g), Some(f), Some(tsfn)) => {
                let deadline_ms = match g.deadline_ms {
                    Some(ms) => inputs::whole("gateway.deadlineMs", ms, 1.0, 3_600_000.0)? as u32,
                    None => inputs::GATEWAY_DEADLINE_MS,
                };
                builder = builder.gateway(JsGateway::new(env, f, tsfn.clone(), deadline_ms)?);
                None
            }
            (Some(_), _, _) => return Err(invalid(
                "gateway",
                "a JavaScript gateway needs the dispatch function (the package's Hub passes it)",
            )
            .into()),
        };
        if let Some(c) = &clock {
            builder = builder.clock(c.clone());
        }
        let inner = builder.open(o.store.as_deref().unwrap_or("memory:"))?;
        Ok(Self {
            inner,
            clock,
            gateway: simulated,
        })
    }
}

#[napi]
impl Hub {
    /// Builds a hub. `dispatch` is the JavaScript side of the generators given as
    /// `{js: name}` in `options.generators` and of the gateway (the `fivergo`
    /// package's `Hub` passes it; see lib.js).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        options: Option<HubOptions>,
        #[napi(ts_arg_type = "(call: DispatchCall) => unknown")] dispatch: Option<Function<Js, ()>>,
    ) -> napi::Result<Self> {
        Self::build(env, options, dispatch).map_err(|f| throw(env, f))
    }

    // ----- clock, gateway, outbox ---------------------------------------------------

    /// The current instant of the hub's clock.
    #[napi(catch_unwind)]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.now()
    }

    /// Moves the manual clock (whole days, hours, minutes, seconds; negative: back)
    /// and returns the new instant; a negative step or one past year 9000 throws
    /// `invalid_input` and the clock stays (it never runs backwards).
    #[napi(catch_unwind, ts_return_type = "Date")]
    pub fn advance_clock(&self, step: crate::inputs::ClockStep) -> Reply {
        reply(|| {
            let by = step.duration()?;
            Ok(Js::date(self.manual_clock_core()?.advance(by)?))
        })
    }

    /// Sets the manual clock (from its current instant to year 9000: it never runs
    /// backwards); returns the new instant.
    #[napi(catch_unwind, ts_return_type = "Date")]
    pub fn set_clock(&self, #[napi(ts_arg_type = "Date")] at: JsInstant) -> Reply {
        reply(|| {
            let at = inputs::instant("at", at)?;
            Ok(Js::date(self.manual_clock_core()?.set(at)?))
        })
    }

    /// Makes the simulated gateway decline a payment method (or approve it again);
    /// `invalid_input` for a hub with the host's gateway.
    #[napi(catch_unwind, ts_return_type = "void")]
    pub fn decline_payment_method(&self, method: String, declined: Option<bool>) -> Reply<()> {
        reply(|| {
            let gateway = self.simulated()?;
            gateway.set_declined(method, declined.unwrap_or(true));
            Ok(())
        })
    }

    /// Every charge the simulated gateway took; `invalid_input` for a hub with the
    /// host's gateway.
    #[napi(catch_unwind, ts_return_type = "GatewayCharge[]")]
    pub fn gateway_charges(&self) -> Reply {
        reply(|| {
            let charges = self.simulated()?.charges().into_iter().map(|c| {
                Ok(Js::Obj(vec![
                    (c"idempotencyKey", Js::str(c.idempotency_key)),
                    (c"method", Js::str(c.method.id.to_string())),
                    (c"amount", Js::of(&c.amount)?),
                ]))
            });
            Ok(Js::List(charges.collect::<R<Vec<_>>>()?))
        })
    }

    /// The policy in force.
    #[napi(catch_unwind)]
    pub fn policy(&self) -> crate::policy::Policy {
        crate::policy::Policy {
            inner: self.inner.policy().clone(),
        }
    }

    /// Up to `limit` (default 1000) recorded events after `cursor` (default 0: from
    /// the start), in the store's order, from every process: the outbox. Resolves to
    /// `{events, next}`; pass `next` to the following call.
    #[napi(catch_unwind, ts_return_type = "EventPage")]
    pub fn events_since(&self, cursor: Option<f64>, limit: Option<f64>) -> Reply {
        reply(|| {
            let cursor = inputs::u64_arg("cursor", cursor.unwrap_or(0.0))?;
            let limit = inputs::u32_arg("limit", limit.unwrap_or(1000.0))?;
            let page = self.inner.events_since(Cursor(cursor), limit as usize)?;
            Ok(Js::Obj(vec![
                (c"events", Js::of(&page.events)?),
                (c"next", Js::num(page.next.0 as f64)),
            ]))
        })
    }

    /// The reads that serve anyone, for the host's own tools (support, audits,
    /// migrations); every other read takes the actor it answers.
    #[napi(catch_unwind)]
    pub fn admin(&self) -> Admin {
        Admin {
            inner: self.inner.clone(),
        }
    }

    /// Settles whatever is due now (renewals, ends, trainings whose runner vanished)
    /// in every seller the store's due index names: what a scheduler calls.
    #[napi(catch_unwind, ts_return_type = "Outcome<null>")]
    pub fn tick(&self) -> Reply {
        reply(|| self.command(|h| h.tick(), unit))
    }

    // ----- async commands (may run a generator) --------------------------------------

    /// Runs a queued training with the subcategory's generator off the main thread
    /// and resolves to its final status (T4). The hub stays usable meanwhile.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<JobStatus>>")]
    pub fn run_training<'env>(&self, env: &'env Env, job: String) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            outcome(hub.run_training(&JobId::from(job))?, wire)
        })
    }

    /// As worker `worker`: claims the job that waited longest (a queued training or
    /// generation, or one whose worker's lease ran out), runs it off the main thread
    /// (its progress renews the lease) and records its outcome. Resolves to
    /// `{work, attempt, status}`, or `null` when no job was ready. `runWorker` in the
    /// package loops on it.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<JobReport | null>>")]
    pub fn work_once<'env>(&self, env: &'env Env, worker: String) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            let claimed = hub.claim_job(&worker)?;
            let Some(job) = claimed.value else {
                return outcome(claimed, unit);
            };
            let mut finished = hub.finish_job(job.execute())?;
            finished.events.splice(0..0, claimed.events);
            outcome(finished, wire)
        })
    }

    /// A playground generation (G2): `{artifact: id, content}`.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<PlaygroundResult>>")]
    pub fn playground_generate<'env>(
        &self,
        env: &'env Env,
        seller: String,
        model: String,
        #[napi(ts_arg_type = "BriefInput")] brief: Value,
        seed: Option<f64>,
    ) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            let (b, s) = (inputs::brief(brief)?, inputs::seed(seed)?);
            let out = hub.playground_generate(&seller, &ModelId::from(model), b, s)?;
            outcome(out, |(file, content)| {
                Ok(Js::Obj(vec![
                    (c"artifact", Js::of(&file)?),
                    (c"content", artifact(&content)?),
                ]))
            })
        })
    }

    /// Immediate-download order (G3): a watermarked draft; resolves to the order id.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<string>>")]
    pub fn order_draft<'env>(
        &self,
        env: &'env Env,
        client: String,
        model: String,
        #[napi(ts_arg_type = "BriefInput")] brief: Value,
        seed: Option<f64>,
    ) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            let (b, s) = (inputs::brief(brief)?, inputs::seed(seed)?);
            outcome(hub.order_draft(&client, &ModelId::from(model), b, s)?, id)
        })
    }

    /// The client accepts a custom offer; the model generates the draft (V2).
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<null>>")]
    pub fn accept_offer<'env>(
        &self,
        env: &'env Env,
        client: String,
        order: String,
        seed: Option<f64>,
    ) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            let s = inputs::seed(seed)?;
            outcome(hub.accept_offer(&client, &OrderId::from(order), s)?, unit)
        })
    }

    /// The included revision (V1): the model generates the revised draft.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<null>>")]
    pub fn request_revision<'env>(
        &self,
        env: &'env Env,
        client: String,
        order: String,
        note: String,
    ) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            outcome(
                hub.request_revision(&client, &OrderId::from(order), &note)?,
                unit,
            )
        })
    }

    // ----- reads ---------------------------------------------------------------------

    /// A seller (balance, gigs, reputation, ...).
    #[napi(catch_unwind, ts_return_type = "Seller")]
    pub fn seller(&self, seller: String) -> Reply {
        reply(|| wire(self.inner.seller(&seller)?))
    }

    /// A model, for its owner (M7, D1), with `stale` (A7).
    #[napi(catch_unwind, ts_return_type = "CreationModel")]
    pub fn model(&self, seller: String, model: String) -> Reply {
        reply(|| model_js(&self.inner.model(&seller, &ModelId::from(model))?))
    }

    /// The seller's models, oldest first.
    #[napi(catch_unwind, ts_return_type = "CreationModel[]")]
    pub fn models(&self, seller: String) -> Reply {
        reply(|| {
            let models = self.inner.models(&seller)?;
            Ok(Js::List(models.iter().map(model_js).collect::<R<_>>()?))
        })
    }

    /// What clients see of a published model (D1).
    #[napi(catch_unwind, ts_return_type = "Listing")]
    pub fn listing(&self, model: String) -> Reply {
        reply(|| wire(self.inner.listing(&ModelId::from(model))?))
    }

    /// Creations clients bought from a model (M5), for its owner.
    #[napi(catch_unwind, ts_return_type = "Creation[]")]
    pub fn creations(&self, seller: String, model: String) -> Reply {
        reply(|| wire(self.inner.creations(&seller, &ModelId::from(model))?))
    }

    /// What the seller may do now (`createModels`, `train`, `playground`, `publish`,
    /// `serveClients`, `assistantAutoReplies`), each `{allowed, refusal}` with the
    /// error the command would throw now (E1, E2, S2–S4).
    #[napi(catch_unwind, ts_return_type = "Entitlements")]
    pub fn entitlements(&self, seller: String) -> Reply {
        reply(|| wire(self.inner.entitlements(&seller)?))
    }

    /// The training quota of a model now (T1–T3, T5).
    #[napi(catch_unwind, ts_return_type = "QuotaStatus")]
    pub fn quota(&self, seller: String, model: String) -> Reply {
        reply(|| wire(self.inner.quota(&seller, &ModelId::from(model))?))
    }

    /// Best-practice findings of the model's selected assets (A4, A8).
    #[napi(catch_unwind, ts_return_type = "Finding[]")]
    pub fn findings(&self, seller: String, model: String) -> Reply {
        reply(|| wire(self.inner.findings(&seller, &ModelId::from(model))?))
    }

    /// Every unmet publish requirement (M2); empty when publishable.
    #[napi(catch_unwind, ts_return_type = "Requirement[]")]
    pub fn publish_checklist(&self, seller: String, model: String) -> Reply {
        reply(|| {
            wire(
                self.inner
                    .publish_checklist(&seller, &ModelId::from(model))?,
            )
        })
    }

    /// The seller's latest subscription with its `stateName`, or `null`.
    #[napi(catch_unwind, ts_return_type = "Subscription | null")]
    pub fn subscription(&self, seller: String) -> Reply {
        reply(|| match self.inner.subscription(&seller)? {
            Some(s) => {
                let state = Wire::Str(s.state_name().into());
                Ok(Js::of(&s)?.with("state_name", state))
            }
            None => Ok(Js::NULL),
        })
    }

    /// An order as `actor` sees it: all of it for its seller, without `clean` for
    /// its client until approved and paid (G1), `forbidden` for anyone else.
    #[napi(catch_unwind, ts_return_type = "Order")]
    pub fn order(&self, actor: String, order: String) -> Reply {
        reply(|| wire(self.inner.order(&actor, &OrderId::from(order))?))
    }

    /// The orders a client placed, oldest first.
    #[napi(catch_unwind, ts_return_type = "Order[]")]
    pub fn client_orders(&self, client: String) -> Reply {
        reply(|| wire(self.inner.client_orders(&client)?))
    }

    /// A training job, for the seller whose model it trains (D1).
    #[napi(catch_unwind, ts_return_type = "TrainingJob")]
    pub fn job(&self, seller: String, job: String) -> Reply {
        reply(|| wire(self.inner.job(&seller, &JobId::from(job))?))
    }

    /// A queued generation, for whoever asked for it or the model's seller: status,
    /// attempt, worker, outcome or failure.
    #[napi(catch_unwind, ts_return_type = "GenerationJob")]
    pub fn generation(&self, actor: String, job: String) -> Reply {
        reply(|| wire(self.inner.generation(&actor, &GenerationId::from(job))?))
    }

    /// An asset of the seller's library, for that seller (D1).
    #[napi(catch_unwind, ts_return_type = "Asset")]
    pub fn asset(&self, seller: String, asset: String) -> Reply {
        reply(|| wire(self.inner.asset(&seller, &AssetId::from(asset))?))
    }

    /// The seller's library, oldest first.
    #[napi(catch_unwind, ts_return_type = "Asset[]")]
    pub fn assets(&self, seller: String) -> Reply {
        reply(|| wire(self.inner.assets(&seller)?))
    }

    /// The watermarked draft of an order, for its client (G1).
    #[napi(catch_unwind, ts_return_type = "Artifact")]
    pub fn draft(&self, client: String, order: String) -> Reply {
        reply(|| {
            Ok(artifact(
                &self.inner.draft(&client, &OrderId::from(order))?,
            )?)
        })
    }

    /// A stored file, decoded, for an actor who may read it: `file` is a file
    /// reference (an order's `draft` / `clean`, an asset's `content`) or its
    /// `sha256`. A seller reads their partition's files; a client their orders'
    /// drafts, and a clean file once approved and paid (G1).
    #[napi(catch_unwind, ts_return_type = "Artifact")]
    pub fn artifact(
        &self,
        actor: String,
        #[napi(ts_arg_type = "FileRef | string")] file: Value,
    ) -> Reply {
        reply(|| Ok(artifact(&self.inner.artifact(&actor, &file_ref(file)?)?)?))
    }

    /// A stored file's bytes, by reference or `sha256`, for an actor who may read it
    /// (as `artifact`).
    #[napi(catch_unwind, ts_return_type = "Buffer")]
    pub fn file(
        &self,
        actor: String,
        #[napi(ts_arg_type = "FileRef | string")] file: Value,
    ) -> Reply {
        reply(|| {
            let bytes = self.inner.file(&actor, &file_ref(file)?)?;
            Ok(Js::Bytes(bytes.as_bytes().to_vec()))
        })
    }

    /// A trained style (`{generator, format, data}`) of the seller's models, by the
    /// file reference a model's `live.style` holds.
    #[napi(catch_unwind, ts_return_type = "TrainedStyle")]
    pub fn trained_style(
        &self,
        seller: String,
        #[napi(ts_arg_type = "FileRef | string")] file: Value,
    ) -> Reply {
        reply(|| wire(self.inner.trained_style(&seller, &file_ref(file)?)?))
    }

    /// A quote for `quantity` units of a published model (P1–P5).
    #[napi(catch_unwind, ts_return_type = "Quote")]
    pub fn quote(&self, model: String, quantity: f64) -> Reply {
        reply(|| {
            let quantity = inputs::u32_arg("quantity", quantity)?;
            wire(self.inner.quote(&ModelId::from(model), quantity)?)
        })
    }

    /// Traces a leaked draft file (PNG, WAV, ...) to its order by the invisible
    /// payload (W2): `{order, confidence}` or `null`.
    #[napi(catch_unwind, ts_return_type = "Trace | null")]
    pub fn trace(&self, file: Buffer) -> Reply {
        reply(|| {
            let a = fivergo_core::media::decode(&file, &self.inner.policy().media.limits)?;
            Ok(match self.inner.trace(&a)? {
                Some((order, confidence)) => Js::Obj(vec![
                    (c"order", Js::str(order.to_string())),
                    (c"confidence", Js::num(f64::from(confidence))),
                ]),
                None => Js::NULL,
            })
        })
    }

    /// Cancels a queued or running training at its next progress tick (T4); a
    /// JavaScript generator's pending call is abandoned at once (its late answer is
    /// ignored).
    #[napi(catch_unwind, ts_return_type = "void")]
    pub fn cancel(&self, job: String) -> Reply<()> {
        reply(|| {
            self.inner.cancel_handle(&JobId::from(job))?.cancel();
            Ok(())
        })
    }
}

/// A model with `stale` (A7), which the core computes but does not serialize.
fn model_js(m: &fivergo_core::model::CreationModel) -> R {
    Ok(Js::of(m)?.with("stale", Wire::Bool(m.is_stale())))
}

/// `hub.admin()`: the host-level reads that serve anyone (support tools, audits,
/// migrations), never for a request made on a user's behalf.
#[napi]
pub struct Admin {
    inner: CoreHub,
}

#[napi]
impl Admin {
    /// Everything of one seller's partition.
    #[napi(catch_unwind, ts_return_type = "Partition")]
    pub fn partition(&self, seller: String) -> Reply {
        reply(|| wire(self.inner.admin().partition(&seller)?))
    }

    /// Any order, all of it.
    #[napi(catch_unwind, ts_return_type = "Order")]
    pub fn order(&self, order: String) -> Reply {
        reply(|| wire(self.inner.admin().order(&OrderId::from(order))?))
    }

    /// Any training job.
    #[napi(catch_unwind, ts_return_type = "TrainingJob")]
    pub fn job(&self, job: String) -> Reply {
        reply(|| wire(self.inner.admin().job(&JobId::from(job))?))
    }

    /// Any queued generation.
    #[napi(catch_unwind, ts_return_type = "GenerationJob")]
    pub fn generation(&self, job: String) -> Reply {
        reply(|| wire(self.inner.admin().generation(&GenerationId::from(job))?))
    }

    /// An asset of any library.
    #[napi(catch_unwind, ts_return_type = "Asset")]
    pub fn asset(&self, asset: String) -> Reply {
        reply(|| wire(self.inner.admin().asset(&AssetId::from(asset))?))
    }

    /// Any stored file, decoded, by reference or `sha256`.
    #[napi(catch_unwind, ts_return_type = "Artifact")]
    pub fn artifact(&self, #[napi(ts_arg_type = "FileRef | string")] file: Value) -> Reply {
        reply(|| Ok(artifact(&self.inner.admin().artifact(&file_ref(file)?)?)?))
    }

    /// Any stored file's bytes, by reference or `sha256`.
    #[napi(catch_unwind, ts_return_type = "Buffer")]
    pub fn file(&self, #[napi(ts_arg_type = "FileRef | string")] file: Value) -> Reply {
        reply(|| {
            let bytes = self.inner.admin().file(&file_ref(file)?)?;
            Ok(Js::Bytes(bytes.as_bytes().to_vec()))
        })
    }
}
