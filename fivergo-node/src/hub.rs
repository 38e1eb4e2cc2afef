//! `Hub`: the core's [`Hub`](fivergo_core::Hub) for JavaScript.
//!
//! Threading: the core hub needs no lock of its own (commands on one seller run one
//! after another inside it, on different sellers in parallel). Commands that may run
//! a generator (`runTraining`, `playgroundGenerate`, `orderDraft`, `acceptOffer`,
//! `requestRevision`) are async: each runs on a thread of its own (not the libuv
//! pool: a JavaScript generator that awaits another async command while its caller
//! waits for it would otherwise exhaust the pool's four threads and deadlock), and
//! a JavaScript generator they call runs on the main thread meanwhile. Every other
//! method is synchronous; none waits on a generation, so a synchronous call made
//! while a draft renders simply runs.
//!
//! Every method catches a panic of the engine (`catch_unwind`): it throws a
//! `FivergoError` with code `internal_error` and the panic's message instead of
//! aborting the process.

use std::panic::AssertUnwindSafe;

use fivergo_core::blob::BlobRef;
use fivergo_core::clock::ManualClock;
use fivergo_core::generator::GeneratorRegistry;
use fivergo_core::hub::{CommandResult, Hub as CoreHub, Outcome};
use fivergo_core::ids::{AssetId, GenerationId, JobId, ModelId, OrderId};
use fivergo_core::store::Cursor;
use fivergo_core::subscription::SimulatedGateway;
use napi::bindgen_prelude::{Function, Object};
use napi::Env;
use napi_derive::napi;

use crate::error::{core_err, done, invalid, ok};
use crate::generator::JsGenerator;
use crate::inputs::{self, HubOptions, JsInstant};
use crate::js::{artifact_napi, events, parse_json, Js};

/// The embedded marketplace engine: every rule of the SPEC over a store (memory, or
/// a SQLite file with `Hub.open`), with a simulated payment gateway.
#[napi]
pub struct Hub {
    pub(crate) inner: CoreHub,
    pub(crate) clock: Option<ManualClock>,
    pub(crate) gateway: SimulatedGateway,
}

/// A command's result as JavaScript: `{value, events}`.
pub(crate) fn outcome<T>(
    o: Outcome<T>,
    value: impl FnOnce(T) -> napi::Result<Js>,
) -> napi::Result<Js> {
    Ok(Js::obj([
        ("value", value(o.value)?),
        ("events", events(&o.events)?),
    ]))
}

/// The value of a command that returns nothing.
pub(crate) fn unit<T>(_: T) -> napi::Result<Js> {
    Ok(Js::Null)
}

/// The value of a command that returns an id.
pub(crate) fn id<T: std::fmt::Display>(id: T) -> napi::Result<Js> {
    Ok(Js::Str(id.to_string()))
}

/// A stored file's reference: the object an order's `draft` / `clean` or an asset's
/// `content` holds, or a `sha256` string.
fn file_ref(value: serde_json::Value) -> Result<BlobRef, fivergo_core::Error> {
    match value {
        serde_json::Value::String(sha256) => Ok(BlobRef {
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
/// panic rejects it with `internal_error` and the panic's message.
pub(crate) fn promise<'env>(
    env: &'env Env,
    work: impl FnOnce() -> napi::Result<Js> + Send + 'static,
) -> napi::Result<Object<'env>> {
    let (deferred, promise) = env.create_deferred()?;
    let spawned = std::thread::Builder::new()
        .name("fivergo-call".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(work))
                .unwrap_or_else(|payload| Err(panicked(payload)));
            match result {
                Ok(value) => deferred.resolve(move |_| Ok(value)),
                Err(e) => deferred.reject(e),
            }
        });
    spawned.map_err(|e| {
        core_err(&fivergo_core::Error::Internal {
            message: format!("no thread for the call: {e}"),
        })
    })?;
    Ok(promise)
}

/// The `internal_error` of a caught panic, with its message.
pub(crate) fn panicked(payload: Box<dyn std::any::Any + Send>) -> napi::Error {
    let message = match (
        payload.downcast_ref::<&str>(),
        payload.downcast_ref::<String>(),
    ) {
        (Some(s), _) => (*s).to_owned(),
        (_, Some(s)) => s.clone(),
        _ => "a panic without a message".to_owned(),
    };
    core_err(&fivergo_core::Error::Internal { message })
}

impl Hub {
    /// Runs a synchronous command and converts its outcome.
    pub(crate) fn command<T>(
        &self,
        run: impl FnOnce(&CoreHub) -> CommandResult<T>,
        value: impl FnOnce(T) -> napi::Result<Js>,
    ) -> napi::Result<Js> {
        outcome(done(run(&self.inner))?, value)
    }

    fn task<'env>(
        &self,
        env: &'env Env,
        work: impl FnOnce(&CoreHub) -> napi::Result<Js> + Send + 'static,
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
}

#[napi]
impl Hub {
    /// Builds a hub. `dispatch` is the JavaScript side of the generators named in
    /// `options.jsGenerators` (the `fivergo` package's `Hub` passes it; see lib.js).
    #[napi(constructor, catch_unwind)]
    pub fn new(
        options: Option<HubOptions>,
        #[napi(ts_arg_type = "(call: GeneratorCall) => void")] dispatch: Option<Function<Js, ()>>,
    ) -> napi::Result<Self> {
        let o = options.unwrap_or(HubOptions {
            policy: None,
            start: None,
            store: None,
            js_generators: None,
            builtin_generators: None,
        });
        let policy = match &o.policy {
            Some(json) => ok(fivergo_core::Policy::from_json(json))?,
            None => fivergo_core::Policy::default(),
        };
        let mut generators = match o.builtin_generators.as_deref() {
            None | Some("echo") => GeneratorRegistry::default(),
            Some("reference") => GeneratorRegistry::reference(),
            Some(other) => {
                return Err(core_err(&invalid(
                    "builtinGenerators",
                    format!("`{other}` is not `echo` or `reference`"),
                )))
            }
        };
        if let Some(specs) = o.js_generators.filter(|s| !s.is_empty()) {
            let dispatch = dispatch.ok_or_else(|| {
                core_err(&invalid(
                    "dispatch",
                    "JavaScript generators need a dispatch function",
                ))
            })?;
            let tsfn = std::sync::Arc::new(
                dispatch
                    .build_threadsafe_function::<Js>()
                    .weak::<true>()
                    .build()?,
            );
            for spec in specs {
                let generator = JsGenerator::new(spec.name, tsfn.clone(), &policy);
                generators.register(spec.subcategory, std::sync::Arc::new(generator));
            }
        }
        let gateway = SimulatedGateway::default();
        let start = o.start.map(|at| inputs::instant("start", at)).transpose();
        let clock = ok(start.and_then(|at| at.map(ManualClock::try_at).transpose()))?;
        let mut builder = CoreHub::builder()
            .policy(policy)
            .gateway(gateway.clone())
            .generators(generators);
        if let Some(c) = &clock {
            builder = builder.clock(c.clone());
        }
        let inner = ok(builder.open(o.store.as_deref().unwrap_or("memory:")))?;
        Ok(Self {
            inner,
            clock,
            gateway,
        })
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
    #[napi(catch_unwind)]
    pub fn advance_clock(
        &self,
        step: crate::inputs::ClockStep,
    ) -> napi::Result<chrono::DateTime<chrono::Utc>> {
        ok(step
            .duration()
            .and_then(|by| self.manual_clock_core()?.advance(by)))
    }

    /// Sets the manual clock (from its current instant to year 9000: it never runs
    /// backwards); returns the new instant.
    #[napi(catch_unwind)]
    pub fn set_clock(
        &self,
        #[napi(ts_arg_type = "Date")] at: JsInstant,
    ) -> napi::Result<chrono::DateTime<chrono::Utc>> {
        ok(inputs::instant("at", at).and_then(|at| self.manual_clock_core()?.set(at)))
    }

    /// Makes the simulated gateway decline a payment method (or approve it again).
    #[napi(catch_unwind)]
    pub fn decline_payment_method(&self, method: String, declined: Option<bool>) {
        self.gateway.set_declined(method, declined.unwrap_or(true));
    }

    /// Every charge the simulated gateway took.
    #[napi(catch_unwind, ts_return_type = "GatewayCharge[]")]
    pub fn gateway_charges(&self) -> napi::Result<Js> {
        let charges = self.gateway.charges().into_iter().map(|c| {
            Ok(Js::obj([
                ("idempotencyKey", Js::Str(c.idempotency_key)),
                ("method", Js::Str(c.method.id.to_string())),
                ("amount", Js::of(&c.amount)?),
            ]))
        });
        charges.collect::<napi::Result<Vec<_>>>().map(Js::Arr)
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
    #[napi(
        catch_unwind,
        ts_return_type = "{ events: FivergoEvent[]; next: number }"
    )]
    pub fn events_since(&self, cursor: Option<f64>, limit: Option<f64>) -> napi::Result<Js> {
        let cursor = ok(inputs::u64_arg("cursor", cursor.unwrap_or(0.0)))?;
        let limit = ok(inputs::u32_arg("limit", limit.unwrap_or(1000.0)))?;
        let page = ok(self.inner.events_since(Cursor(cursor), limit as usize))?;
        Ok(Js::obj([
            ("events", events(&page.events)?),
            ("next", Js::Num(page.next.0 as f64)),
        ]))
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
    pub fn tick(&self) -> napi::Result<Js> {
        self.command(|h| h.tick(), unit)
    }

    // ----- async commands (may run a generator) --------------------------------------

    /// Runs a queued training with the subcategory's generator off the main thread
    /// and resolves to its final status (T4). The hub stays usable meanwhile.
    #[napi(catch_unwind, ts_return_type = "Promise<Outcome<JobStatus>>")]
    pub fn run_training<'env>(&self, env: &'env Env, job: String) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            outcome(done(hub.run_training(&JobId::from(job)))?, |s| Js::of(&s))
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
            let claimed = done(hub.claim_job(&worker))?;
            let Some(job) = claimed.value else {
                return outcome(claimed, |_| Ok(Js::Null));
            };
            let mut finished = done(hub.finish_job(job.execute()))?;
            finished.events.splice(0..0, claimed.events);
            outcome(finished, |report| Js::of(&report))
        })
    }

    /// A playground generation (G2): `{artifact: id, content}`.
    #[napi(
        catch_unwind,
        ts_return_type = "Promise<Outcome<{ artifact: string; content: Artifact }>>"
    )]
    pub fn playground_generate<'env>(
        &self,
        env: &'env Env,
        seller: String,
        model: String,
        #[napi(ts_arg_type = "BriefInput")] brief: serde_json::Value,
        seed: Option<f64>,
    ) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            let (b, s) = (ok(inputs::brief(brief))?, ok(inputs::seed(seed))?);
            let out = done(hub.playground_generate(&seller, &ModelId::from(model), b, s))?;
            outcome(out, |(file, content)| {
                Ok(Js::obj([
                    ("artifact", Js::of(&file)?),
                    ("content", artifact_napi(&content)?),
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
        #[napi(ts_arg_type = "BriefInput")] brief: serde_json::Value,
        seed: Option<f64>,
    ) -> napi::Result<Object<'env>> {
        self.task(env, move |hub| {
            let (b, s) = (ok(inputs::brief(brief))?, ok(inputs::seed(seed))?);
            outcome(
                done(hub.order_draft(&client, &ModelId::from(model), b, s))?,
                id,
            )
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
            let s = ok(inputs::seed(seed))?;
            outcome(
                done(hub.accept_offer(&client, &OrderId::from(order), s))?,
                unit,
            )
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
                done(hub.request_revision(&client, &OrderId::from(order), &note))?,
                unit,
            )
        })
    }

    // ----- reads ---------------------------------------------------------------------

    /// A seller (balance, gigs, reputation, ...).
    #[napi(catch_unwind, ts_return_type = "Seller")]
    pub fn seller(&self, seller: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.seller(&seller))?)
    }

    /// A model, for its owner (M7, D1), with `stale` (A7).
    #[napi(catch_unwind, ts_return_type = "CreationModel")]
    pub fn model(&self, seller: String, model: String) -> napi::Result<Js> {
        let m = ok(self.inner.model(&seller, &ModelId::from(model)))?;
        Ok(Js::of(&m)?.with("stale", Js::Bool(m.is_stale())))
    }

    /// The seller's models, oldest first.
    #[napi(catch_unwind, ts_return_type = "CreationModel[]")]
    pub fn models(&self, seller: String) -> napi::Result<Js> {
        let models = ok(self.inner.models(&seller))?
            .into_iter()
            .map(|m| Ok(Js::of(&m)?.with("stale", Js::Bool(m.is_stale()))));
        models.collect::<napi::Result<Vec<_>>>().map(Js::Arr)
    }

    /// What clients see of a published model (D1).
    #[napi(catch_unwind, ts_return_type = "Listing")]
    pub fn listing(&self, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.listing(&ModelId::from(model)))?)
    }

    /// Creations clients bought from a model (M5), for its owner.
    #[napi(catch_unwind, ts_return_type = "Creation[]")]
    pub fn creations(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.creations(&seller, &ModelId::from(model)))?)
    }

    /// What the seller may do now (`createModels`, `train`, `playground`, `publish`,
    /// `serveClients`, `assistantAutoReplies`), each `{allowed, refusal}` with the
    /// error the command would throw now (E1, E2, S2–S4).
    #[napi(catch_unwind, ts_return_type = "Entitlements")]
    pub fn entitlements(&self, seller: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.entitlements(&seller))?)
    }

    /// The training quota of a model now (T1–T3, T5).
    #[napi(catch_unwind, ts_return_type = "QuotaStatus")]
    pub fn quota(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.quota(&seller, &ModelId::from(model)))?)
    }

    /// Best-practice findings of the model's selected assets (A4, A8).
    #[napi(catch_unwind, ts_return_type = "Finding[]")]
    pub fn findings(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.findings(&seller, &ModelId::from(model)))?)
    }

    /// Every unmet publish requirement (M2); empty when publishable.
    #[napi(catch_unwind, ts_return_type = "Requirement[]")]
    pub fn publish_checklist(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self
            .inner
            .publish_checklist(&seller, &ModelId::from(model)))?)
    }

    /// The seller's latest subscription with its `stateName`, or `null`.
    #[napi(catch_unwind, ts_return_type = "Subscription | null")]
    pub fn subscription(&self, seller: String) -> napi::Result<Js> {
        match ok(self.inner.subscription(&seller))? {
            Some(s) => Ok(Js::of(&s)?.with("stateName", Js::Str(s.state_name().into()))),
            None => Ok(Js::Null),
        }
    }

    /// An order as `actor` sees it: all of it for its seller, without `clean` for
    /// its client until approved and paid (G1), `forbidden` for anyone else.
    #[napi(catch_unwind, ts_return_type = "Order")]
    pub fn order(&self, actor: String, order: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.order(&actor, &OrderId::from(order)))?)
    }

    /// The orders a client placed, oldest first.
    #[napi(catch_unwind, ts_return_type = "Order[]")]
    pub fn client_orders(&self, client: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.client_orders(&client))?)
    }

    /// A training job, for the seller whose model it trains (D1).
    #[napi(catch_unwind, ts_return_type = "TrainingJob")]
    pub fn job(&self, seller: String, job: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.job(&seller, &JobId::from(job)))?)
    }

    /// A queued generation, for whoever asked for it or the model's seller: status,
    /// attempt, worker, outcome or failure.
    #[napi(catch_unwind, ts_return_type = "GenerationJob")]
    pub fn generation(&self, actor: String, job: String) -> napi::Result<Js> {
        Js::of(&ok(self
            .inner
            .generation(&actor, &GenerationId::from(job)))?)
    }

    /// An asset of the seller's library, for that seller (D1).
    #[napi(catch_unwind, ts_return_type = "Asset")]
    pub fn asset(&self, seller: String, asset: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.asset(&seller, &AssetId::from(asset)))?)
    }

    /// The seller's library, oldest first.
    #[napi(catch_unwind, ts_return_type = "Asset[]")]
    pub fn assets(&self, seller: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.assets(&seller))?)
    }

    /// The watermarked draft of an order, for its client (G1).
    #[napi(catch_unwind, ts_return_type = "Artifact")]
    pub fn draft(&self, client: String, order: String) -> napi::Result<Js> {
        artifact_napi(&ok(self.inner.draft(&client, &OrderId::from(order)))?)
    }

    /// A stored file, decoded, for an actor who may read it: `file` is a file
    /// reference (an order's `draft` / `clean`, an asset's `content`) or its
    /// `sha256`. A seller reads their partition's files; a client their orders'
    /// drafts, and a clean file once approved and paid (G1).
    #[napi(catch_unwind, ts_return_type = "Artifact")]
    pub fn artifact(
        &self,
        actor: String,
        #[napi(ts_arg_type = "FileRef | string")] file: serde_json::Value,
    ) -> napi::Result<Js> {
        artifact_napi(&ok(
            file_ref(file).and_then(|f| self.inner.artifact(&actor, &f))
        )?)
    }

    /// A stored file's bytes, by reference or `sha256`, for an actor who may read it
    /// (as `artifact`).
    #[napi(catch_unwind)]
    pub fn file(
        &self,
        actor: String,
        #[napi(ts_arg_type = "FileRef | string")] file: serde_json::Value,
    ) -> napi::Result<napi::bindgen_prelude::Buffer> {
        Ok(
            ok(file_ref(file).and_then(|f| self.inner.file(&actor, &f)))?
                .as_bytes()
                .to_vec()
                .into(),
        )
    }

    /// A trained style (`{generator, format, data}`) of the seller's models, by the
    /// file reference a model's `live.style` holds.
    #[napi(catch_unwind, ts_return_type = "TrainedStyle")]
    pub fn trained_style(
        &self,
        seller: String,
        #[napi(ts_arg_type = "FileRef | string")] file: serde_json::Value,
    ) -> napi::Result<Js> {
        Js::of(&ok(
            file_ref(file).and_then(|f| self.inner.trained_style(&seller, &f))
        )?)
    }

    /// A quote for `quantity` units of a published model (P1–P5).
    #[napi(catch_unwind, ts_return_type = "Quote")]
    pub fn quote(&self, model: String, quantity: f64) -> napi::Result<Js> {
        let quantity = ok(inputs::u32_arg("quantity", quantity))?;
        Js::of(&ok(self.inner.quote(&ModelId::from(model), quantity))?)
    }

    /// Traces a leaked draft file (PNG, WAV, ...) to its order by the invisible
    /// payload (W2): `{order, confidence}` or `null`.
    #[napi(
        catch_unwind,
        ts_return_type = "{ order: string; confidence: number } | null"
    )]
    pub fn trace(&self, file: napi::bindgen_prelude::Buffer) -> napi::Result<Js> {
        let a = ok(fivergo_core::media::decode(
            &file,
            &self.inner.policy().media.limits,
        ))?;
        Ok(match ok(self.inner.trace(&a))? {
            Some((order, confidence)) => Js::obj([
                ("order", Js::Str(order.to_string())),
                ("confidence", Js::Num(f64::from(confidence))),
            ]),
            None => Js::Null,
        })
    }

    /// Cancels a queued or running training at its next progress tick (T4); a
    /// JavaScript generator's pending call is abandoned at once (its late answer is
    /// ignored).
    #[napi(catch_unwind)]
    pub fn cancel(&self, job: String) -> napi::Result<()> {
        ok(self.inner.cancel_handle(&JobId::from(job))).map(|token| token.cancel())
    }
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
    pub fn partition(&self, seller: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.admin().partition(&seller))?)
    }

    /// Any order, all of it.
    #[napi(catch_unwind, ts_return_type = "Order")]
    pub fn order(&self, order: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.admin().order(&OrderId::from(order)))?)
    }

    /// Any training job.
    #[napi(catch_unwind, ts_return_type = "TrainingJob")]
    pub fn job(&self, job: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.admin().job(&JobId::from(job)))?)
    }

    /// Any queued generation.
    #[napi(catch_unwind, ts_return_type = "GenerationJob")]
    pub fn generation(&self, job: String) -> napi::Result<Js> {
        Js::of(&ok(self
            .inner
            .admin()
            .generation(&GenerationId::from(job)))?)
    }

    /// An asset of any library.
    #[napi(catch_unwind, ts_return_type = "Asset")]
    pub fn asset(&self, asset: String) -> napi::Result<Js> {
        Js::of(&ok(self.inner.admin().asset(&AssetId::from(asset)))?)
    }

    /// Any stored file, decoded, by reference or `sha256`.
    #[napi(catch_unwind, ts_return_type = "Artifact")]
    pub fn artifact(
        &self,
        #[napi(ts_arg_type = "FileRef | string")] file: serde_json::Value,
    ) -> napi::Result<Js> {
        artifact_napi(&ok(
            file_ref(file).and_then(|f| self.inner.admin().artifact(&f))
        )?)
    }

    /// Any stored file's bytes, by reference or `sha256`.
    #[napi(catch_unwind)]
    pub fn file(
        &self,
        #[napi(ts_arg_type = "FileRef | string")] file: serde_json::Value,
    ) -> napi::Result<napi::bindgen_prelude::Buffer> {
        Ok(
            ok(file_ref(file).and_then(|f| self.inner.admin().file(&f)))?
                .as_bytes()
                .to_vec()
                .into(),
        )
    }
}
