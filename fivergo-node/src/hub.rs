//! `Hub`: the core's [`Hub`](fivergo_core::Hub) for JavaScript.
//!
//! Threading: the core hub lives in a `Mutex`. Commands that may run a generator
//! (`runTraining`, `playgroundGenerate`, `orderDraft`, `acceptOffer`,
//! `requestRevision`) are async: they run on the libuv thread pool and may wait for
//! the lock there. Every other method is synchronous and only *tries* the lock: the
//! main thread never blocks on it, because a worker holding it may be waiting for
//! the main thread to run a JavaScript generator. A synchronous call made while a
//! generation holds the hub throws `hub_busy`. Training does not hold the lock while
//! the generator trains (`begin_training` → `TrainingRun::execute` →
//! `finish_training`), so the hub keeps serving, `cancel(job)` included.

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use fivergo_core::clock::ManualClock;
use fivergo_core::event::Event;
use fivergo_core::generator::GeneratorRegistry;
use fivergo_core::hub::{Hub as CoreHub, Outcome, Snapshot};
use fivergo_core::ids::{AssetId, JobId, ModelId, OrderId};
use fivergo_core::subscription::SimulatedGateway;
use napi::bindgen_prelude::{AsyncTask, Function};
use napi::{Env, Task};
use napi_derive::napi;

use crate::error::{binding_err, busy, core_err, invalid, ok};
use crate::generator::JsGenerator;
use crate::inputs::{self, HubOptions};
use crate::js::{artifact_napi, events, Js};

/// The shared core hub.
pub(crate) type Shared = Arc<Mutex<CoreHub>>;

/// The embedded marketplace engine: every rule of the SPEC, over in-memory state,
/// with a simulated payment gateway.
#[napi]
pub struct Hub {
    pub(crate) inner: Shared,
    pub(crate) clock: Option<ManualClock>,
    pub(crate) gateway: SimulatedGateway,
}

/// A command's result as JavaScript: `{value, events}`.
pub(crate) fn outcome<T>(o: Outcome<T>, value: impl FnOnce(T) -> napi::Result<Js>) -> napi::Result<Js> {
    Ok(Js::obj([("value", value(o.value)?), ("events", events(&o.events)?)]))
}

/// The value of a command that returns nothing.
pub(crate) fn unit<T>(_: T) -> napi::Result<Js> {
    Ok(Js::Null)
}

/// The value of a command that returns an id.
pub(crate) fn id<T: std::fmt::Display>(id: T) -> napi::Result<Js> {
    Ok(Js::Str(id.to_string()))
}

fn lock_blocking(hub: &Shared) -> MutexGuard<'_, CoreHub> {
    hub.lock().unwrap_or_else(|e| e.into_inner())
}

/// The body of an async command, run on the thread pool.
type Work = Box<dyn FnOnce(&Shared) -> napi::Result<Js> + Send>;

/// An async command: runs its work on the thread pool and resolves to its value.
pub struct HubTask {
    hub: Shared,
    work: Option<Work>,
}

impl Task for HubTask {
    type Output = Js;
    type JsValue = Js;

    fn compute(&mut self) -> napi::Result<Js> {
        let work = self.work.take().ok_or_else(|| binding_err("internal", "task ran twice"))?;
        let hub = self.hub.clone();
        std::panic::catch_unwind(AssertUnwindSafe(|| work(&hub)))
            .unwrap_or_else(|_| Err(binding_err("internal", "the engine panicked; please report this")))
    }

    fn resolve(&mut self, _: Env, output: Js) -> napi::Result<Js> {
        Ok(output)
    }
}

impl Hub {
    /// The core hub, or `hub_busy` when an async command holds it.
    pub(crate) fn lock(&self) -> napi::Result<MutexGuard<'_, CoreHub>> {
        match self.inner.try_lock() {
            Ok(guard) => Ok(guard),
            Err(TryLockError::WouldBlock) => Err(busy()),
            Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
        }
    }

    /// Runs a synchronous command and converts its outcome.
    pub(crate) fn command<T>(
        &self,
        run: impl FnOnce(&mut CoreHub) -> Result<Outcome<T>, fivergo_core::Error>,
        value: impl FnOnce(T) -> napi::Result<Js>,
    ) -> napi::Result<Js> {
        let out = ok(run(&mut *self.lock()?))?;
        outcome(out, value)
    }

    fn task(&self, work: impl FnOnce(&Shared) -> napi::Result<Js> + Send + 'static) -> AsyncTask<HubTask> {
        AsyncTask::new(HubTask { hub: self.inner.clone(), work: Some(Box::new(work)) })
    }

    fn manual_clock(&self) -> napi::Result<&ManualClock> {
        self.clock.as_ref().ok_or_else(|| core_err(&invalid("clock", "this hub runs on the system clock; pass `start` for a manual one")))
    }
}

#[napi]
impl Hub {
    /// Builds a hub. `dispatch` is the JavaScript side of the generators named in
    /// `options.jsGenerators` (the `fivergo` package's `Hub` passes it; see lib.js).
    #[napi(constructor)]
    pub fn new(
        options: Option<HubOptions>,
        #[napi(ts_arg_type = "(call: GeneratorCall) => void")] dispatch: Option<Function<Js, ()>>,
    ) -> napi::Result<Self> {
        let o = options.unwrap_or(HubOptions {
            policy: None,
            start: None,
            snapshot: None,
            replay: None,
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
            Some(other) => return Err(core_err(&invalid("builtinGenerators", format!("`{other}` is not `echo` or `reference`")))),
        };
        if let Some(specs) = o.js_generators.filter(|s| !s.is_empty()) {
            let dispatch = dispatch.ok_or_else(|| core_err(&invalid("dispatch", "JavaScript generators need a dispatch function")))?;
            let tsfn = Arc::new(dispatch.build_threadsafe_function::<Js>().weak::<true>().build()?);
            for spec in specs {
                let generator = JsGenerator::new(spec.name, tsfn.clone(), policy.media.limits.clone());
                generators.register(spec.subcategory, Arc::new(generator));
            }
        }
        let gateway = SimulatedGateway::default();
        let clock = o.start.map(ManualClock::at);
        let mut builder = CoreHub::builder().policy(policy).gateway(gateway.clone()).generators(generators);
        if let Some(c) = &clock {
            builder = builder.clock(c.clone());
        }
        let hub = match (o.snapshot, o.replay) {
            (Some(s), _) => {
                let snapshot: Snapshot = ok(serde_json::from_str(&s).map_err(|e| invalid("snapshot", e.to_string())))?;
                ok(builder.restore(snapshot))?
            }
            (None, Some(r)) => {
                let log: Vec<Event> = ok(serde_json::from_str(&r).map_err(|e| invalid("replay", e.to_string())))?;
                ok(builder.replay(&log))?
            }
            (None, None) => ok(builder.build())?,
        };
        Ok(Self { inner: Arc::new(Mutex::new(hub)), clock, gateway })
    }

    // ----- clock, gateway, log ----------------------------------------------------

    /// The current instant of the hub's clock.
    #[napi]
    pub fn now(&self) -> napi::Result<chrono::DateTime<chrono::Utc>> {
        Ok(self.lock()?.now())
    }

    /// Moves the manual clock forward; returns the new instant.
    #[napi]
    pub fn advance_clock(&self, step: crate::inputs::ClockStep) -> napi::Result<chrono::DateTime<chrono::Utc>> {
        let clock = self.manual_clock()?;
        clock.advance(step.duration());
        Ok(self.lock()?.now())
    }

    /// Sets the manual clock; returns the new instant.
    #[napi]
    pub fn set_clock(&self, at: chrono::DateTime<chrono::Utc>) -> napi::Result<chrono::DateTime<chrono::Utc>> {
        self.manual_clock()?.set(at);
        Ok(self.lock()?.now())
    }

    /// Makes the simulated gateway decline a payment method (or approve it again).
    #[napi]
    pub fn decline_payment_method(&self, method: String, declined: Option<bool>) {
        self.gateway.set_declined(method, declined.unwrap_or(true));
    }

    /// Every charge the simulated gateway took.
    #[napi(ts_return_type = "GatewayCharge[]")]
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
    #[napi]
    pub fn policy(&self) -> napi::Result<crate::policy::Policy> {
        Ok(crate::policy::Policy { inner: self.lock()?.policy().clone() })
    }

    /// The event log, oldest first.
    #[napi(ts_return_type = "FivergoEvent[]")]
    pub fn events(&self) -> napi::Result<Js> {
        events(self.lock()?.events())
    }

    /// The event log as the core's JSON, for `new Hub({replay})`.
    #[napi]
    pub fn events_json(&self) -> napi::Result<String> {
        serde_json::to_string(self.lock()?.events()).map_err(|e| napi::Error::from_reason(e.to_string()))
    }

    /// Policy, state and log as JSON, for `new Hub({snapshot})`.
    #[napi]
    pub fn snapshot(&self) -> napi::Result<String> {
        serde_json::to_string(&self.lock()?.snapshot()).map_err(|e| napi::Error::from_reason(e.to_string()))
    }

    /// Settles whatever is due now (renewals, ends): what a scheduler calls.
    #[napi(ts_return_type = "Outcome<null>")]
    pub fn tick(&self) -> napi::Result<Js> {
        let out = self.lock()?.tick();
        outcome(out, unit)
    }

    // ----- async commands (may run a generator) --------------------------------------

    /// Runs a queued training with the subcategory's generator off the main thread
    /// and resolves to its final status (T4). The hub stays usable meanwhile.
    #[napi(ts_return_type = "Promise<Outcome<JobStatus>>")]
    pub fn run_training(&self, job: String) -> AsyncTask<HubTask> {
        self.task(move |hub| {
            let job = JobId::from(job);
            let begun = ok(lock_blocking(hub).begin_training(&job))?;
            let result = begun.value.execute(&mut |_| {});
            let mut finished = ok(lock_blocking(hub).finish_training(result))?;
            finished.events.splice(0..0, begun.events);
            outcome(finished, |s| Js::of(&s))
        })
    }

    /// A playground generation (G2): `{artifact: id, content}`.
    #[napi(ts_return_type = "Promise<Outcome<{ artifact: string; content: Artifact }>>")]
    pub fn playground_generate(
        &self,
        seller: String,
        model: String,
        #[napi(ts_arg_type = "BriefInput")] brief: serde_json::Value,
        seed: Option<i64>,
    ) -> AsyncTask<HubTask> {
        self.task(move |hub| {
            let (b, s) = (ok(inputs::brief(brief))?, ok(inputs::seed(seed))?);
            let out = ok(lock_blocking(hub).playground_generate(&seller, &ModelId::from(model), b, s))?;
            outcome(out, |(id, content)| Ok(Js::obj([("artifact", Js::Str(id.to_string())), ("content", artifact_napi(&content)?)])))
        })
    }

    /// Immediate-download order (G3): a watermarked draft; resolves to the order id.
    #[napi(ts_return_type = "Promise<Outcome<string>>")]
    pub fn order_draft(
        &self,
        client: String,
        model: String,
        #[napi(ts_arg_type = "BriefInput")] brief: serde_json::Value,
        seed: Option<i64>,
    ) -> AsyncTask<HubTask> {
        self.task(move |hub| {
            let (b, s) = (ok(inputs::brief(brief))?, ok(inputs::seed(seed))?);
            outcome(ok(lock_blocking(hub).order_draft(&client, &ModelId::from(model), b, s))?, id)
        })
    }

    /// The client accepts a custom offer; the model generates the draft (V2).
    #[napi(ts_return_type = "Promise<Outcome<null>>")]
    pub fn accept_offer(&self, client: String, order: String, seed: Option<i64>) -> AsyncTask<HubTask> {
        self.task(move |hub| {
            let s = ok(inputs::seed(seed))?;
            outcome(ok(lock_blocking(hub).accept_offer(&client, &OrderId::from(order), s))?, unit)
        })
    }

    /// The included revision (V1): the model generates the revised draft.
    #[napi(ts_return_type = "Promise<Outcome<null>>")]
    pub fn request_revision(&self, client: String, order: String, note: String) -> AsyncTask<HubTask> {
        self.task(move |hub| outcome(ok(lock_blocking(hub).request_revision(&client, &OrderId::from(order), &note))?, unit))
    }

    // ----- reads ---------------------------------------------------------------------

    /// A seller (balance, gigs, reputation, ...).
    #[napi(ts_return_type = "Seller")]
    pub fn seller(&self, seller: String) -> napi::Result<Js> {
        Js::of(ok(self.lock()?.seller(&seller))?)
    }

    /// A model, for its owner (M7, D1), with `stale` (A7).
    #[napi(ts_return_type = "CreationModel")]
    pub fn model(&self, seller: String, model: String) -> napi::Result<Js> {
        let hub = self.lock()?;
        let m = ok(hub.model(&seller, &ModelId::from(model)))?;
        Ok(Js::of(m)?.with("stale", Js::Bool(m.is_stale())))
    }

    /// The seller's models, oldest first.
    #[napi(ts_return_type = "CreationModel[]")]
    pub fn models(&self, seller: String) -> napi::Result<Js> {
        let hub = self.lock()?;
        let models = hub.models(&seller).into_iter().map(|m| Ok(Js::of(m)?.with("stale", Js::Bool(m.is_stale()))));
        models.collect::<napi::Result<Vec<_>>>().map(Js::Arr)
    }

    /// What clients see of a published model (D1).
    #[napi(ts_return_type = "Listing")]
    pub fn listing(&self, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.lock()?.listing(&ModelId::from(model)))?)
    }

    /// Creations clients bought from a model (M5), for its owner.
    #[napi(ts_return_type = "Creation[]")]
    pub fn creations(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.lock()?.creations(&seller, &ModelId::from(model)))?)
    }

    /// The training quota of a model now (T1–T3, T5).
    #[napi(ts_return_type = "QuotaStatus")]
    pub fn quota(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.lock()?.quota(&seller, &ModelId::from(model)))?)
    }

    /// Best-practice findings of the model's selected assets (A4, A8).
    #[napi(ts_return_type = "Finding[]")]
    pub fn findings(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.lock()?.findings(&seller, &ModelId::from(model)))?)
    }

    /// Every unmet publish requirement (M2); empty when publishable.
    #[napi(ts_return_type = "Requirement[]")]
    pub fn publish_checklist(&self, seller: String, model: String) -> napi::Result<Js> {
        Js::of(&ok(self.lock()?.publish_checklist(&seller, &ModelId::from(model)))?)
    }

    /// The seller's latest subscription with its `stateName`, or `null`.
    #[napi(ts_return_type = "Subscription | null")]
    pub fn subscription(&self, seller: String) -> napi::Result<Js> {
        let hub = self.lock()?;
        match hub.subscription(&seller) {
            Some(s) => Ok(Js::of(s)?.with("stateName", Js::Str(s.state_name().into()))),
            None => Ok(Js::Null),
        }
    }

    /// An order (host-level access).
    #[napi(ts_return_type = "Order")]
    pub fn order(&self, order: String) -> napi::Result<Js> {
        Js::of(ok(self.lock()?.order(&OrderId::from(order)))?)
    }

    /// A training job (host-level access).
    #[napi(ts_return_type = "TrainingJob")]
    pub fn job(&self, job: String) -> napi::Result<Js> {
        Js::of(ok(self.lock()?.job(&JobId::from(job)))?)
    }

    /// An asset of any library (host-level access).
    #[napi(ts_return_type = "Asset")]
    pub fn asset(&self, asset: String) -> napi::Result<Js> {
        let hub = self.lock()?;
        let found = hub.state().assets.get(&AssetId::from(asset.as_str()));
        Js::of(ok(found.ok_or(fivergo_core::Error::NotFound { entity: "asset".into(), id: asset }))?)
    }

    /// The seller's library, oldest first.
    #[napi(ts_return_type = "Asset[]")]
    pub fn assets(&self, seller: String) -> napi::Result<Js> {
        let hub = self.lock()?;
        let mut list: Vec<_> = hub.state().assets.values().filter(|a| a.owner.as_str() == seller).collect();
        list.sort_by_key(|a| a.seq);
        Js::of(&list)
    }

    /// The watermarked draft of an order, for its client (G1).
    #[napi(ts_return_type = "Artifact")]
    pub fn draft(&self, client: String, order: String) -> napi::Result<Js> {
        artifact_napi(ok(self.lock()?.draft(&client, &OrderId::from(order)))?)
    }

    /// A stored artifact (host-level access).
    #[napi(ts_return_type = "Artifact")]
    pub fn artifact(&self, artifact: String) -> napi::Result<Js> {
        artifact_napi(ok(self.lock()?.artifact(&artifact.as_str().into()))?)
    }

    /// A quote for `quantity` units of a published model (P1–P5).
    #[napi(ts_return_type = "Quote")]
    pub fn quote(&self, model: String, quantity: u32) -> napi::Result<Js> {
        Js::of(&ok(self.lock()?.quote(&ModelId::from(model), quantity))?)
    }

    /// Traces a leaked draft file (PNG, WAV, ...) to its order by the invisible
    /// payload (W2): `{order, confidence}` or `null`.
    #[napi(ts_return_type = "{ order: string; confidence: number } | null")]
    pub fn trace(&self, file: napi::bindgen_prelude::Buffer) -> napi::Result<Js> {
        let hub = self.lock()?;
        let a = ok(fivergo_core::media::decode(&file, &hub.policy().media.limits))?;
        Ok(match hub.trace(&a) {
            Some((order, confidence)) => {
                Js::obj([("order", Js::Str(order.to_string())), ("confidence", Js::Num(f64::from(confidence)))])
            }
            None => Js::Null,
        })
    }

    /// Cancels a queued or running training at its next progress tick (T4).
    #[napi]
    pub fn cancel(&self, job: String) -> napi::Result<()> {
        ok(self.lock()?.cancel_handle(&JobId::from(job))).map(|token| token.cancel())
    }
}
