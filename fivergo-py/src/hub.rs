//! The `Hub` class: `fivergo_core::Hub` behind a mutex, every command and read of the
//! core with Python types. Each call releases the GIL while the core works (training
//! and generation included), so other Python threads keep running; Python generators
//! reacquire it for their own calls.

use crate::convert::{enum_arg, from_py, json_to_py, money, to_json};
use crate::errors::{to_py_err, Stash};
use crate::generator::PyGenerator;
use crate::media::PyArtifact;
use crate::values::*;
use fivergo_core::*;
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyDict, PyType};
use std::sync::{Arc, Mutex, PoisonError};

/// The marketplace engine: every rule of the SPEC over in-memory state. Commands
/// return an `Outcome` (`.value`, `.events`); refusals raise a `FivergoError` subclass.
#[pyclass(frozen, module = "fivergo._fivergo", name = "Hub")]
pub struct PyHub {
    hub: Mutex<Hub>,
    stash: Stash,
    currency: Currency,
    clock: Option<PyManualClock>,
    gateway: PyGateway,
}

thread_local! {
    /// The hubs (by address) whose lock this thread holds: a generator running inside
    /// one must not lock it again.
    static HELD: std::cell::RefCell<Vec<usize>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A value for `Outcome.value`.
type Conv<T> = fn(Python<'_>, T) -> PyResult<Py<PyAny>>;

fn none(py: Python<'_>, _: ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
}

fn id<T: std::fmt::Display>(py: Python<'_>, id: T) -> PyResult<Py<PyAny>> {
    Ok(id.to_string().into_pyobject(py)?.into_any().unbind())
}

fn text_of<T: serde::Serialize>(value: &T) -> PyResult<String> {
    Ok(to_json(value)?.as_str().unwrap_or_default().to_owned())
}

fn status(py: Python<'_>, s: JobStatus) -> PyResult<Py<PyAny>> {
    Ok(text_of(&s)?.into_pyobject(py)?.into_any().unbind())
}

fn strs(items: &[String]) -> Vec<&str> {
    items.iter().map(String::as_str).collect()
}

/// A generator of the core by name, or a Python object's wrapper.
pub(crate) fn named_generator(name: &str) -> PyResult<Arc<dyn Generator>> {
    fivergo_core::generator::by_name(name).map_err(|e| PyValueError::new_err(format!("{e} (or a Python object)")))
}

/// Builds the hub with the chosen clock, gateway and generators: `"reference"` (the
/// core's reference registry), or a dict of subcategory → generator name or Python
/// object over the default registry (echo for the rest).
fn builder(
    policy: &Policy,
    clock: Option<&PyManualClock>,
    gateway: &PyGateway,
    generators: Option<&Bound<'_, PyAny>>,
    stash: &Stash,
) -> PyResult<HubBuilder> {
    let mut registry = GeneratorRegistry::default();
    if let Some(generators) = generators {
        if let Ok(name) = generators.extract::<String>() {
            registry = match name.as_str() {
                "reference" => GeneratorRegistry::reference(),
                "echo" => GeneratorRegistry::default(),
                other => return Err(PyValueError::new_err(format!("unknown registry `{other}` (\"reference\" or \"echo\")"))),
            };
        } else {
            let generators = generators.cast::<PyDict>().map_err(|_| PyTypeError::new_err("generators is \"reference\" or a dict"))?;
            for (subcategory, generator) in generators.iter() {
                let generator: Arc<dyn Generator> = match generator.extract::<String>() {
                    Ok(name) => named_generator(&name)?,
                    Err(_) => Arc::new(PyGenerator::new(&generator, policy.media.limits.clone(), stash.clone())?),
                };
                registry.register(subcategory.extract::<String>()?, generator);
            }
        }
    }
    let builder = Hub::builder().policy(policy.clone()).gateway(gateway.0.clone()).generators(registry);
    Ok(match clock {
        Some(c) => builder.clock(c.0.clone()),
        None => builder.clock(SystemClock),
    })
}

impl PyHub {
    fn wrap(hub: Hub, stash: Stash, clock: Option<PyManualClock>, gateway: PyGateway) -> Self {
        let currency = hub.policy().currency;
        Self { hub: Mutex::new(hub), stash, currency, clock, gateway }
    }

    /// Runs `f` on the hub with the GIL released; re-raises a Python generator's exception.
    /// A generator calling back into the hub that runs it gets a `RuntimeError` instead
    /// of a deadlock.
    fn with<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut Hub) -> Result<R, Error> + Send) -> PyResult<R> {
        let me = self as *const Self as usize;
        if HELD.with(|held| held.borrow().contains(&me)) {
            return Err(PyRuntimeError::new_err("a generator may not call the hub that is running it"));
        }
        let (result, raised) = py.detach(|| {
            let mut hub = self.hub.lock().unwrap_or_else(PoisonError::into_inner);
            HELD.with(|held| held.borrow_mut().push(me));
            let result = f(&mut hub);
            HELD.with(|held| held.borrow_mut().retain(|h| *h != me));
            (result, self.stash.take())
        });
        if let Some(err) = raised {
            return Err(err);
        }
        result.map_err(|e| to_py_err(py, &e))
    }

    /// Runs a command and converts its outcome.
    fn command<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut Hub) -> Result<Outcome<T>, Error> + Send,
        conv: Conv<T>,
    ) -> PyResult<PyOutcome> {
        let outcome = self.with(py, f)?;
        Ok(PyOutcome::new(conv(py, outcome.value)?, outcome.events))
    }

    fn money(&self, obj: &Bound<'_, PyAny>) -> PyResult<Money> {
        money(obj, self.currency)
    }
}

#[pymethods]
impl PyHub {
    /// A hub with a policy (default: the SPEC's), a `ManualClock` (default: the system
    /// clock), a `SimulatedGateway` (default: a fresh one) and generators: `"reference"`
    /// (the core's reference generators), or a dict of subcategory → a generator name
    /// (`"echo"`, `"quilt"`, `"jingle_synth"`, `"espeak_guide"`, `"markov_text"`) or a
    /// Python object with `train` / `generate` (the echo generator serves the rest).
    #[new]
    #[pyo3(signature = (policy=None, clock=None, gateway=None, generators=None))]
    fn new(
        py: Python<'_>,
        policy: Option<PyPolicy>,
        clock: Option<PyManualClock>,
        gateway: Option<PyGateway>,
        generators: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let policy = policy.map(|p| p.0).unwrap_or_default();
        let gateway = gateway.unwrap_or_default();
        let stash = Stash::default();
        let hub = builder(&policy, clock.as_ref(), &gateway, generators, &stash)?.build().map_err(|e| to_py_err(py, &e))?;
        Ok(Self::wrap(hub, stash, clock, gateway))
    }

    /// A hub restored from `snapshot()` JSON (its policy, state and event log).
    #[classmethod]
    #[pyo3(signature = (snapshot, clock=None, gateway=None, generators=None))]
    fn restore(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        snapshot: &str,
        clock: Option<PyManualClock>,
        gateway: Option<PyGateway>,
        generators: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let snapshot: Snapshot = serde_json::from_str(snapshot).map_err(|e| PyValueError::new_err(format!("invalid snapshot: {e}")))?;
        let gateway = gateway.unwrap_or_default();
        let stash = Stash::default();
        let hub = builder(&snapshot.policy, clock.as_ref(), &gateway, generators, &stash)?
            .restore(snapshot)
            .map_err(|e| to_py_err(py, &e))?;
        Ok(Self::wrap(hub, stash, clock, gateway))
    }

    /// A hub rebuilt by replaying `events` (e.g. `events()` of another hub) under `policy`.
    #[classmethod]
    #[pyo3(signature = (events, policy=None, clock=None, gateway=None, generators=None))]
    fn replay(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        events: Vec<PyEvent>,
        policy: Option<PyPolicy>,
        clock: Option<PyManualClock>,
        gateway: Option<PyGateway>,
        generators: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let policy = policy.map(|p| p.0).unwrap_or_default();
        let gateway = gateway.unwrap_or_default();
        let stash = Stash::default();
        let events: Vec<Event> = events.into_iter().map(|e| e.0).collect();
        let hub = builder(&policy, clock.as_ref(), &gateway, generators, &stash)?
            .replay(&events)
            .map_err(|e| to_py_err(py, &e))?;
        Ok(Self::wrap(hub, stash, clock, gateway))
    }

    // ----- reads ------------------------------------------------------------------

    /// The policy.
    #[getter]
    fn policy(&self, py: Python<'_>) -> PyResult<PyPolicy> {
        self.with(py, |h| Ok(PyPolicy(h.policy().clone())))
    }
    /// The manual clock the hub reads, or `None` for the system clock.
    #[getter]
    fn clock(&self) -> Option<PyManualClock> {
        self.clock.clone()
    }
    /// The simulated payment gateway.
    #[getter]
    fn gateway(&self) -> PyGateway {
        self.gateway.clone()
    }
    /// The hub's current time (UTC).
    fn now(&self, py: Python<'_>) -> PyResult<chrono::DateTime<chrono::Utc>> {
        self.with(py, |h| Ok(h.now()))
    }
    /// Every event so far: the host's outbox.
    fn events(&self, py: Python<'_>) -> PyResult<Vec<PyEvent>> {
        self.with(py, |h| Ok(h.events().iter().cloned().map(PyEvent).collect()))
    }
    /// The whole state as a dict.
    fn state(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let state = self.with(py, |h| Ok(serde_json::to_value(h.state())))?;
        json_to_py(py, &state.map_err(|e| PyValueError::new_err(e.to_string()))?)
    }
    /// Policy, state and log as JSON, for `Hub.restore`.
    fn snapshot(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |h| Ok(serde_json::to_string(&h.snapshot())))?.map_err(|e| PyValueError::new_err(e.to_string()))
    }
    /// A seller.
    fn seller(&self, py: Python<'_>, seller: &str) -> PyResult<PySeller> {
        self.with(py, |h| h.seller(seller).cloned().map(PySeller))
    }
    /// A seller's model (M7: owner only).
    fn model(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyModel> {
        self.with(py, |h| h.model(seller, &model.into()).cloned().map(PyModel))
    }
    /// A seller's models, oldest first.
    fn models(&self, py: Python<'_>, seller: &str) -> PyResult<Vec<PyModel>> {
        self.with(py, |h| Ok(h.models(seller).into_iter().cloned().map(PyModel).collect()))
    }
    /// A published model's listing (G5).
    fn listing(&self, py: Python<'_>, model: &str) -> PyResult<PyListing> {
        self.with(py, |h| h.listing(&model.into()).map(PyListing))
    }
    /// A model's paid creations (M5).
    fn creations(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<Vec<PyCreation>> {
        self.with(py, |h| Ok(h.creations(seller, &model.into())?.into_iter().map(PyCreation).collect()))
    }
    /// A model's training quota (T1-T3, T5).
    fn quota(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyQuota> {
        self.with(py, |h| h.quota(seller, &model.into()).map(PyQuota))
    }
    /// Review findings about a model's selected assets (A4, A8).
    fn findings(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<Vec<PyFinding>> {
        self.with(py, |h| Ok(h.findings(seller, &model.into())?.into_iter().map(PyFinding).collect()))
    }
    /// Every unmet publish requirement (M2), as strings or dicts (`{"playground_generation": {...}}`).
    fn publish_checklist(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<Py<PyAny>> {
        let missing = self.with(py, |h| h.publish_checklist(seller, &model.into()))?;
        json_to_py(py, &to_json(&missing)?)
    }
    /// The seller's latest subscription, or `None`.
    fn subscription(&self, py: Python<'_>, seller: &str) -> PyResult<Option<PySubscription>> {
        self.with(py, |h| Ok(h.subscription(seller).cloned().map(PySubscription)))
    }
    /// An order.
    fn order(&self, py: Python<'_>, order: &str) -> PyResult<PyOrder> {
        self.with(py, |h| h.order(&order.into()).cloned().map(PyOrder))
    }
    /// A training job.
    fn job(&self, py: Python<'_>, job: &str) -> PyResult<PyJob> {
        self.with(py, |h| h.job(&job.into()).cloned().map(PyJob))
    }
    /// An asset of the library.
    fn asset(&self, py: Python<'_>, asset: &str) -> PyResult<PyAsset> {
        self.with(py, |h| {
            h.state().assets.get(&AssetId::from(asset)).cloned().map(PyAsset).ok_or_else(|| Error::NotFound {
                entity: "asset".into(),
                id: asset.into(),
            })
        })
    }
    /// The client's watermarked draft of an order.
    fn draft(&self, py: Python<'_>, client: &str, order: &str) -> PyResult<PyArtifact> {
        self.with(py, |h| h.draft(client, &order.into()).cloned().map(PyArtifact))
    }
    /// A stored artifact.
    fn artifact(&self, py: Python<'_>, artifact: &str) -> PyResult<PyArtifact> {
        self.with(py, |h| h.artifact(&artifact.into()).cloned().map(PyArtifact))
    }
    /// The price of `quantity` units of a published model (P1-P3).
    fn quote(&self, py: Python<'_>, model: &str, quantity: u32) -> PyResult<PyQuote> {
        self.with(py, |h| h.quote(&model.into(), quantity).map(PyQuote))
    }
    /// Which order a leaked draft came from (W3): `(order, confidence)` or `None`.
    fn trace(&self, py: Python<'_>, artifact: PyArtifact) -> PyResult<Option<(String, f32)>> {
        self.with(py, |h| Ok(h.trace(&artifact.0).map(|(o, c)| (o.to_string(), c))))
    }
    /// A handle that cancels a queued or running job.
    fn cancel_handle(&self, py: Python<'_>, job: &str) -> PyResult<PyCancelHandle> {
        self.with(py, |h| h.cancel_handle(&job.into()).map(PyCancelHandle))
    }

    // ----- sellers (E) ----------------------------------------------------------------

    /// Registers a seller at `level` (`"new"`, `"level_1"`, `"level_2"`, `"top_rated"`).
    #[pyo3(signature = (seller, level, pro=false))]
    fn register_seller(&self, py: Python<'_>, seller: &str, level: &str, pro: bool) -> PyResult<PyOutcome> {
        let level: SellerLevel = enum_arg("seller level", level)?;
        self.command(py, |h| h.register_seller(seller, level, pro), none)
    }
    /// Changes a seller's level or Pro flag (E2: dropping below unpublishes).
    #[pyo3(signature = (seller, level, pro=false))]
    fn set_seller_level(&self, py: Python<'_>, seller: &str, level: &str, pro: bool) -> PyResult<PyOutcome> {
        let level: SellerLevel = enum_arg("seller level", level)?;
        self.command(py, |h| h.set_seller_level(seller, level, pro), none)
    }
    /// Records a Gig of the seller in a subcategory (C2).
    fn add_gig(&self, py: Python<'_>, seller: &str, subcategory: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.add_gig(seller, subcategory), none)
    }
    /// Credits the seller's balance (S5: renewals draw on it first).
    fn credit_balance(&self, py: Python<'_>, seller: &str, amount: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let amount = self.money(amount)?;
        self.command(py, |h| h.credit_balance(seller, amount), none)
    }
    /// Stores a payment method (`kind`: `"card"` or `"paypal"`).
    #[pyo3(signature = (seller, method, kind, label="payment method"))]
    fn add_payment_method(&self, py: Python<'_>, seller: &str, method: &str, kind: &str, label: &str) -> PyResult<PyOutcome> {
        let method = PaymentMethod::new(method, enum_arg("payment method kind", kind)?, label);
        self.command(py, |h| h.add_payment_method(seller, method), none)
    }

    // ----- assets (A) -------------------------------------------------------------------

    /// Adds an asset described by `meta` (an AssetMeta dict); `source` is `"portfolio"`,
    /// `"work_sample"` or `"upload"`. Value: the asset id.
    #[pyo3(signature = (seller, source, modality, meta=None, tags=Vec::new()))]
    fn add_asset(
        &self,
        py: Python<'_>,
        seller: &str,
        source: &Bound<'_, PyAny>,
        modality: &str,
        meta: Option<&Bound<'_, PyAny>>,
        tags: Vec<String>,
    ) -> PyResult<PyOutcome> {
        let source = source_arg(source)?;
        let modality: Modality = enum_arg("modality", modality)?;
        let meta: AssetMeta = meta.map(|m| from_py("asset meta", m)).transpose()?.unwrap_or_default();
        self.command(py, |h| h.add_asset(seller, source, modality, meta, &strs(&tags)), id)
    }
    /// Uploads a file (PNG, JPEG, WebP, WAV or UTF-8 text), measured by the core (A3).
    /// Value: the asset id.
    #[pyo3(signature = (seller, source, data, file_name=None, tags=Vec::new()))]
    fn upload_asset(
        &self,
        py: Python<'_>,
        seller: &str,
        source: &Bound<'_, PyAny>,
        data: Vec<u8>,
        file_name: Option<&str>,
        tags: Vec<String>,
    ) -> PyResult<PyOutcome> {
        let source = source_arg(source)?;
        self.command(py, |h| h.upload_asset(seller, source, &data, file_name, &strs(&tags)), id)
    }
    /// Adds and removes tags of an asset (A6, A7: its models become stale).
    #[pyo3(signature = (seller, asset, add=Vec::new(), remove=Vec::new()))]
    fn tag_asset(&self, py: Python<'_>, seller: &str, asset: &str, add: Vec<String>, remove: Vec<String>) -> PyResult<PyOutcome> {
        self.command(py, |h| h.tag_asset(seller, &asset.into(), &strs(&add), &strs(&remove)), none)
    }
    /// Selects assets for a model (A1-A3).
    fn select_assets(&self, py: Python<'_>, seller: &str, model: &str, assets: Vec<String>) -> PyResult<PyOutcome> {
        let assets: Vec<AssetId> = assets.into_iter().map(AssetId::from).collect();
        self.command(py, |h| h.select_assets(seller, &model.into(), &assets), none)
    }
    /// Selects "All" (A2). Value: the skipped assets as `(asset_id, FivergoError)` pairs.
    fn select_all_assets(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.select_all_assets(seller, &model.into()), |py, skipped| {
            let pairs: Vec<(String, Py<PyAny>)> =
                skipped.iter().map(|(a, e)| (a.to_string(), to_py_err(py, e).into_value(py).into_any())).collect();
            Ok(pairs.into_pyobject(py)?.into_any().unbind())
        })
    }
    /// Deselects assets of a model.
    fn deselect_assets(&self, py: Python<'_>, seller: &str, model: &str, assets: Vec<String>) -> PyResult<PyOutcome> {
        let assets: Vec<AssetId> = assets.into_iter().map(AssetId::from).collect();
        self.command(py, |h| h.deselect_assets(seller, &model.into(), &assets), none)
    }
    /// Sets (or clears, with `None`) a model's instructions (A5).
    fn set_instructions(&self, py: Python<'_>, seller: &str, model: &str, instructions: Option<&str>) -> PyResult<PyOutcome> {
        self.command(py, |h| h.set_instructions(seller, &model.into(), instructions), none)
    }
    /// The seller attests the assets are their own original work (A9).
    fn attest_originality(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.attest_originality(seller, &model.into()), none)
    }

    // ----- models (C, M) ----------------------------------------------------------------

    /// Creates a model in a subcategory of one of the seller's Gigs. Value: the model id.
    fn create_model(&self, py: Python<'_>, seller: &str, subcategory: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.create_model(seller, subcategory), id)
    }
    /// Sets a model's price (P2-P5).
    fn set_price(&self, py: Python<'_>, seller: &str, model: &str, price: PyPriceSpec) -> PyResult<PyOutcome> {
        self.command(py, |h| h.set_price(seller, &model.into(), price.0), none)
    }
    /// Sets where the model shows: on Gigs and / or the profile (M4).
    #[pyo3(signature = (seller, model, gigs, on_profile=false))]
    fn set_placement(&self, py: Python<'_>, seller: &str, model: &str, gigs: Vec<String>, on_profile: bool) -> PyResult<PyOutcome> {
        let placement = Placement { gigs: gigs.into_iter().collect(), on_profile };
        self.command(py, |h| h.set_placement(seller, &model.into(), placement), none)
    }
    /// Publishes a model; refuses with every unmet requirement at once (M2).
    fn publish(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.publish(seller, &model.into()), none)
    }
    /// Unpublishes a model (M3).
    fn unpublish(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.unpublish(seller, &model.into()), none)
    }
    /// Archives a model (M3).
    fn archive(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.archive(seller, &model.into()), none)
    }
    /// Reports an issue with a model, or with one of its creations when `order` is given (M6).
    #[pyo3(signature = (reporter, model, text, order=None))]
    fn report_issue(&self, py: Python<'_>, reporter: &str, model: &str, text: &str, order: Option<&str>) -> PyResult<PyOutcome> {
        let target = match order {
            Some(o) => ReportTarget::Creation { order: o.into() },
            None => ReportTarget::Model,
        };
        self.command(py, |h| h.report_issue(reporter, &model.into(), target, text), none)
    }

    // ----- training (T) -------------------------------------------------------------------

    /// Queues a training job (T4), taking quota (T1, T2, T5). Value: the job id.
    fn start_training(&self, py: Python<'_>, seller: &str, model: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.start_training(seller, &model.into()), id)
    }
    /// Runs a queued job to its end with the GIL released. Value: `"succeeded"`,
    /// `"failed"` or `"cancelled"`. An exception a Python generator raised is re-raised.
    fn run_training(&self, py: Python<'_>, job: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.run_training(&job.into()), status)
    }
    /// Starts a queued job and returns its `TrainingRun`, to execute outside the hub.
    fn begin_training(&self, py: Python<'_>, job: &str) -> PyResult<(PyTrainingRun, Vec<PyEvent>)> {
        let outcome = self.with(py, |h| h.begin_training(&job.into()))?;
        let run = PyTrainingRun { run: Mutex::new(Some(outcome.value)), stash: self.stash.clone() };
        Ok((run, outcome.events.into_iter().map(PyEvent).collect()))
    }
    /// Records what a `TrainingRun` produced. Value: the job's final status.
    fn finish_training(&self, py: Python<'_>, result: &PyTrainingResult) -> PyResult<PyOutcome> {
        let result = result.0.clone();
        self.command(py, |h| h.finish_training(result), status)
    }
    /// Cancels a queued job (T4).
    fn cancel_training(&self, py: Python<'_>, seller: &str, job: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.cancel_training(seller, &job.into()), none)
    }
    /// Generates in the playground (M2); watermarked until subscribed. Value:
    /// `(artifact_id, Artifact)`.
    #[pyo3(signature = (seller, model, brief, seed=1))]
    fn playground_generate(&self, py: Python<'_>, seller: &str, model: &str, brief: &Bound<'_, PyAny>, seed: u64) -> PyResult<PyOutcome> {
        let brief = brief_arg(brief)?;
        self.command(py, |h| h.playground_generate(seller, &model.into(), brief, seed), |py, (id, art)| {
            Ok((id.to_string(), PyArtifact(art)).into_pyobject(py)?.into_any().unbind())
        })
    }

    // ----- subscription (S) ---------------------------------------------------------------

    /// Subscribes with a stored payment method, charging the first month (S1). Value:
    /// the subscription id.
    fn subscribe(&self, py: Python<'_>, seller: &str, method: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.subscribe(seller, &method.into()), id)
    }
    /// Settles whatever the calendar made due (renewals, ends); the events say what.
    fn tick(&self, py: Python<'_>) -> PyResult<PyOutcome> {
        self.command(py, |h| Ok(h.tick()), none)
    }
    /// Settles and returns the current period's `Charge`, or `None` (S2).
    fn renew_subscription(&self, py: Python<'_>, seller: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.renew_subscription(seller), |py, c| Ok(c.map(PyCharge).into_pyobject(py)?.into_any().unbind()))
    }
    /// Pays a past-due renewal (S2).
    fn pay_past_due(&self, py: Python<'_>, seller: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.pay_past_due(seller), none)
    }
    /// Cancels at the end of the paid period (S3). Value: when it ends (`datetime`).
    fn cancel_subscription(&self, py: Python<'_>, seller: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.cancel_subscription(seller), |py, at| Ok(at.into_pyobject(py)?.into_any().unbind()))
    }
    /// Resumes a cancelling subscription (S3).
    fn resume_subscription(&self, py: Python<'_>, seller: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.resume_subscription(seller), none)
    }

    // ----- orders (G, V, F, R, D) -----------------------------------------------------------

    /// Orders a draft from a published model (G1, G3). Value: the order id.
    #[pyo3(signature = (client, model, brief, seed=1))]
    fn order_draft(&self, py: Python<'_>, client: &str, model: &str, brief: &Bound<'_, PyAny>, seed: u64) -> PyResult<PyOutcome> {
        let brief = brief_arg(brief)?;
        self.command(py, |h| h.order_draft(client, &model.into(), brief, seed), id)
    }
    /// Asks the seller for a custom offer (G3). Value: the order id.
    fn contact_seller(&self, py: Python<'_>, client: &str, model: &str, brief: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let brief = brief_arg(brief)?;
        self.command(py, |h| h.contact_seller(client, &model.into(), brief), id)
    }
    /// Sends a custom offer (V2).
    #[pyo3(signature = (seller, order, price, non_ai_work, revisions, revision_window_hours, terms=""))]
    #[allow(clippy::too_many_arguments)]
    fn send_custom_offer(
        &self,
        py: Python<'_>,
        seller: &str,
        order: &str,
        price: &Bound<'_, PyAny>,
        non_ai_work: &Bound<'_, PyAny>,
        revisions: u32,
        revision_window_hours: u32,
        terms: &str,
    ) -> PyResult<PyOutcome> {
        let offer = CustomOffer {
            price: self.money(price)?,
            non_ai_work: self.money(non_ai_work)?,
            revisions,
            revision_window_hours,
            terms: terms.to_owned(),
        };
        self.command(py, |h| h.send_custom_offer(seller, &order.into(), offer), none)
    }
    /// Accepts the offer; the draft is generated.
    #[pyo3(signature = (client, order, seed=1))]
    fn accept_offer(&self, py: Python<'_>, client: &str, order: &str, seed: u64) -> PyResult<PyOutcome> {
        self.command(py, |h| h.accept_offer(client, &order.into(), seed), none)
    }
    /// Approves the draft (G1).
    fn approve(&self, py: Python<'_>, client: &str, order: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.approve(client, &order.into()), none)
    }
    /// Records the client's payment of the quoted price (G1).
    fn record_payment(&self, py: Python<'_>, client: &str, order: &str, amount: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let amount = self.money(amount)?;
        self.command(py, |h| h.record_payment(client, &order.into(), amount), none)
    }
    /// The clean file, once approved and paid (G1). Value: the `Artifact`.
    fn download(&self, py: Python<'_>, client: &str, order: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.download(client, &order.into()), |py, a| Ok(Bound::new(py, PyArtifact(a))?.into_any().unbind()))
    }
    /// Always refused: AI assets have no source file (G4).
    fn request_source_file(&self, py: Python<'_>, actor: &str, order: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.request_source_file(actor, &order.into()), none)
    }
    /// Asks the one revision (V1, V2); a new draft is generated.
    fn request_revision(&self, py: Python<'_>, client: &str, order: &str, note: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.request_revision(client, &order.into(), note), none)
    }
    /// Accepts a released delivery (R1).
    fn accept_delivery(&self, py: Python<'_>, client: &str, order: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.accept_delivery(client, &order.into()), none)
    }
    /// Leaves a review of 1-5 stars (R2, R3).
    #[pyo3(signature = (client, order, stars, text=""))]
    fn review(&self, py: Python<'_>, client: &str, order: &str, stars: u8, text: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.review(client, &order.into(), stars, text), none)
    }
    /// Always refused: no full refunds for AI assets (F1).
    fn request_full_refund(&self, py: Python<'_>, client: &str, order: &str) -> PyResult<PyOutcome> {
        self.command(py, |h| h.request_full_refund(client, &order.into()), none)
    }
    /// Refunds part of the non-AI work (F2).
    fn issue_partial_refund(&self, py: Python<'_>, seller: &str, order: &str, amount: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let amount = self.money(amount)?;
        self.command(py, |h| h.issue_partial_refund(seller, &order.into(), amount), none)
    }
    /// Makes a delivery public or private (D2, D3).
    fn set_delivery_public(&self, py: Python<'_>, client: &str, order: &str, public: bool) -> PyResult<PyOutcome> {
        self.command(py, |h| h.set_delivery_public(client, &order.into(), public), none)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |h| Ok(format!("Hub(events={}, now={})", h.events().len(), h.now().to_rfc3339())))
    }
}

/// An asset source: `"portfolio"`, `"work_sample"`, `"upload"`, or a dict such as
/// `{"type": "client_delivery", "order": "order-1", "public": True}`.
fn source_arg(obj: &Bound<'_, PyAny>) -> PyResult<AssetSource> {
    match obj.extract::<String>() {
        Ok(name) => from_py("asset source", &[("type", name)].into_py_dict(obj.py())?.into_any()),
        Err(_) if obj.is_instance_of::<PyDict>() => from_py("asset source", obj),
        Err(_) => Err(PyTypeError::new_err("an asset source is a string or a dict")),
    }
}


/// A started training, to execute outside the hub (e.g. on a worker thread) and hand
/// back with `Hub.finish_training`.
#[pyclass(frozen, module = "fivergo._fivergo", name = "TrainingRun")]
pub struct PyTrainingRun {
    run: Mutex<Option<TrainingRun>>,
    stash: Stash,
}

#[pymethods]
impl PyTrainingRun {
    /// The job id.
    #[getter]
    fn job(&self) -> Option<String> {
        self.run.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map(|r| r.job().to_string())
    }
    /// Runs the generator with the GIL released; `progress(fraction)` is called as it
    /// advances. Runs once. A Python generator's exception is re-raised.
    #[pyo3(signature = (progress=None))]
    fn execute(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<PyTrainingResult> {
        let run = self.run.lock().unwrap_or_else(PoisonError::into_inner).take();
        let run = run.ok_or_else(|| PyValueError::new_err("this training run was executed already"))?;
        let stash = &self.stash;
        let result = py.detach(|| {
            run.execute(&mut |fraction| {
                if let Some(cb) = &progress {
                    Python::attach(|py| {
                        if let Err(e) = cb.call1(py, (fraction,)) {
                            stash.put(e);
                        }
                    });
                }
            })
        });
        match self.stash.take() {
            Some(err) => Err(err),
            None => Ok(PyTrainingResult(result)),
        }
    }
}

/// What a `TrainingRun` produced, for `Hub.finish_training`.
#[pyclass(frozen, module = "fivergo._fivergo", name = "TrainingResult")]
pub struct PyTrainingResult(TrainingResult);

#[pymethods]
impl PyTrainingResult {
    /// The job id.
    #[getter]
    fn job(&self) -> String {
        self.0.job.to_string()
    }
    /// Whether the training produced a style.
    #[getter]
    fn succeeded(&self) -> bool {
        self.0.result.is_ok()
    }
}
