//! The `Hub` class: `fivergo_core::Hub` (shareable between threads, no lock of its
//! own) with Python types. Each call releases the GIL while the core works (training
//! and generation included), so other Python threads keep running and may call the
//! hub meanwhile; Python generators reacquire it for their own calls.
//!
//! Every argument is converted with [`Arg`] / [`Int`], so a wrong type or an
//! out-of-range number is an `InvalidInputError` / `InvalidTypeError` with `.code`;
//! every call runs the core inside [`PyHub::with`], which turns a panic into an
//! `InternalError` and re-raises a Python generator's exception to this call only.

use crate::convert::{enum_arg, from_py, money, to_json, to_py, Arg, Int};
use crate::errors::{panic_err, refused_err, to_py_err, type_err, value_err, CallFrame};
use crate::gateway::PyPaymentGateway;
use crate::generator::PyGenerator;
use crate::media::PyArtifact;
use crate::values::*;
use fivergo_core::generator::GeneratorChoice;
use fivergo_core::*;
use pyo3::prelude::*;
use pyo3::types::{IntoPyDict, PyBytes, PyDict, PyMapping, PyString, PyType};
use std::sync::{Arc, Mutex, PoisonError};

/// The marketplace engine: every rule of the SPEC over a store (memory by default;
/// `Hub.open("sqlite:path")` for a database). Commands return an `Outcome`
/// (`.value`, `.events`); refusals raise a `FivergoError` subclass whose `.events`
/// holds what settling recorded before the refusal.
#[pyclass(frozen, module = "fivergo._fivergo", name = "Hub")]
pub struct PyHub {
    hub: Hub,
    currency: Currency,
    clock: Option<PyManualClock>,
    /// The `SimulatedGateway` or the Python gateway object the hub charges.
    gateway: Py<PyAny>,
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
    fivergo_core::generator::by_name(name)
        .map_err(|e| value_err("generator", format!("{e} (or a Python object)")))
}

/// A stored file's reference: the dict an order's `draft` / `clean` or an asset's
/// `content` holds, or a `sha256` string.
fn file_arg(obj: &Bound<'_, PyAny>, limits: &LimitsPolicy) -> PyResult<BlobRef> {
    match obj.extract::<String>() {
        Ok(sha256) => Ok(BlobRef {
            sha256,
            len: 0,
            media_type: "application/octet-stream".into(),
            width: None,
            height: None,
            duration_ms: None,
        }),
        Err(_) => from_py("file reference", obj, limits),
    }
}

/// The generator registry `generators=` describes, built by the core
/// (`GeneratorRegistry::from_spec`): `None` is the default (echo everywhere), a `str`
/// names the registry (`"echo"`, `"reference"` or `"none"`), a mapping maps
/// subcategories (and `"*"`, the registry for the rest) to a generator name or a
/// Python generator object. Unknown keys and names are the core's `invalid_input`
/// naming `generators.<key>`.
fn registry(
    py: Python<'_>,
    policy: &Policy,
    generators: Option<&Bound<'_, PyAny>>,
) -> PyResult<GeneratorRegistry> {
    let mut spec: Vec<(String, GeneratorChoice)> = Vec::new();
    match generators {
        None => {}
        Some(g) if g.is_none() => {}
        Some(g) => {
            if let Ok(name) = g.cast::<PyString>() {
                spec.push(("*".to_owned(), GeneratorChoice::Named(name.to_string())));
            } else if let Ok(map) = g.cast::<PyMapping>() {
                for item in map.items()?.iter() {
                    let (key, choice): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item.extract()?;
                    let key = key.cast::<PyString>().map(|k| k.to_string()).map_err(|_| {
                        type_err(
                            "generators",
                            "the keys of generators are subcategory slugs (str) or \"*\"",
                        )
                    })?;
                    let field = format!("generators.{key}");
                    let choice = match choice.cast::<PyString>() {
                        Ok(name) => GeneratorChoice::Named(name.to_string()),
                        Err(_) => GeneratorChoice::Host(Arc::new(PyGenerator::new(
                            &choice, policy, &field,
                        )?)),
                    };
                    spec.push((key, choice));
                }
            } else {
                let type_name = g.get_type().name()?.to_string();
                return Err(type_err(
                    "generators",
                    format!("generators is a registry name (str) or a dict, not a {type_name}"),
                ));
            }
        }
    }
    GeneratorRegistry::from_spec(spec, &policy.catalogue).map_err(|e| to_py_err(py, &e))
}

/// Builds the hub with the chosen clock, gateway and generators (see [`registry`]);
/// also returns the gateway object for `Hub.gateway`.
fn builder(
    py: Python<'_>,
    policy: &Policy,
    clock: Option<&PyManualClock>,
    gateway: Option<&Bound<'_, PyAny>>,
    generators: Option<&Bound<'_, PyAny>>,
) -> PyResult<(HubBuilder, Py<PyAny>)> {
    let registry = registry(py, policy, generators)?;
    let builder = Hub::builder().policy(policy.clone()).generators(registry);
    // The gateway: a `SimulatedGateway` (default: a fresh one) or a Python object
    // with `charge(request)`; `Hub.gateway` returns that very object.
    let (builder, gateway) = match gateway.filter(|g| !g.is_none()) {
        None => {
            let simulated = PyGateway::default();
            let handle = simulated.0.clone();
            (
                builder.gateway(handle),
                Bound::new(py, simulated)?.into_any().unbind(),
            )
        }
        Some(g) => match g.cast::<PyGateway>() {
            Ok(simulated) => (
                builder.gateway(simulated.get().0.clone()),
                g.clone().unbind(),
            ),
            Err(_) => (
                builder.gateway(PyPaymentGateway::new(g)?),
                g.clone().unbind(),
            ),
        },
    };
    let builder = match clock {
        Some(c) => builder.clock(c.0.clone()),
        None => builder.clock(SystemClock),
    };
    Ok((builder, gateway))
}

impl PyHub {
    fn wrap(hub: Hub, clock: Option<PyManualClock>, gateway: Py<PyAny>) -> Self {
        let currency = hub.policy().currency;
        Self {
            hub,
            currency,
            clock,
            gateway,
        }
    }

    /// Runs `f` on the hub with the GIL released: re-raises the exception a Python
    /// generator raised during this very call (not another thread's or another
    /// call's, see [`CallFrame`]), and turns a panic into `InternalError`.
    fn with<R: Send, E: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Hub) -> Result<R, E> + Send,
        err: impl FnOnce(Python<'_>, E) -> PyErr,
    ) -> PyResult<R> {
        crate::gateway::refuse_reentry()?;
        let frame = CallFrame::enter();
        let result =
            py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&self.hub))));
        if let Some(raised) = frame.take() {
            return Err(raised);
        }
        match result {
            Ok(result) => result.map_err(|e| err(py, e)),
            Err(payload) => Err(panic_err(py, payload)),
        }
    }

    fn limits(&self) -> &LimitsPolicy {
        &self.hub.policy().limits
    }

    /// A read: its error is a `FivergoError`.
    fn read<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Hub) -> Result<R, Error> + Send,
    ) -> PyResult<R> {
        self.with(py, f, |py, e| to_py_err(py, &e))
    }

    /// Runs a command and converts its outcome.
    fn command<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Hub) -> CommandResult<T> + Send,
        conv: Conv<T>,
    ) -> PyResult<PyOutcome> {
        let outcome = self.with(py, f, |py, r| refused_err(py, &r))?;
        Ok(PyOutcome::new(conv(py, outcome.value)?, outcome.events))
    }

    fn money(&self, obj: &Bound<'_, PyAny>) -> PyResult<Money> {
        money(obj, self.currency)
    }
}

#[pymethods]
impl PyHub {
    /// A hub over a fresh memory store.
    ///
    /// - `policy`: a `Policy` (default: the SPEC's);
    /// - `clock`: a `ManualClock` (default: the system clock);
    /// - `gateway`: a `SimulatedGateway` (default: a fresh one) or any object with a
    ///   `charge(request: ChargeRequest) -> str` method: return the processor's
    ///   reference, raise `ChargeDeclined(reason)` for a decline (S2); any other
    ///   exception or return value, or an answer later than the object's `deadline_ms`
    ///   (default 10 000), means the processor did not answer (nothing is recorded;
    ///   the engine retries with the same idempotency key, S5). It must not call the
    ///   hub (the engine holds the charge's lock): such a call raises `RuntimeError`;
    /// - `generators`: `None` (the default: the echo generator everywhere), a registry
    ///   name (`"echo"`, `"reference"`: the core's reference generators, `"none"`), or
    ///   a dict of subcategory → a generator name (`"echo"`, `"quilt"`,
    ///   `"jingle_synth"`, `"espeak_guide"`, `"markov_text"`) or a Python object with
    ///   `train` / `generate`, with `"*"` naming the registry for the rest. An unknown
    ///   subcategory, generator or registry raises `InvalidInputError` (C1).
    #[new]
    #[pyo3(signature = (policy=None, clock=None, gateway=None, generators=None))]
    fn new(
        py: Python<'_>,
        policy: Option<Arg<PyPolicy>>,
        clock: Option<Arg<PyManualClock>>,
        gateway: Option<&Bound<'_, PyAny>>,
        generators: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let policy = policy.map(|p| p.0 .0).unwrap_or_default();
        let clock = clock.map(|c| c.0);
        let (builder, gateway) = builder(py, &policy, clock.as_ref(), gateway, generators)?;
        let hub = builder.build().map_err(|e| to_py_err(py, &e))?;
        Ok(Self::wrap(hub, clock, gateway))
    }

    /// A hub over the store at `url`: `"sqlite:path/fivergo.db"` (created and migrated
    /// when needed; its files in `path/fivergo.db.blobs/`) or `"memory:"`. Several hubs
    /// and processes may open one SQLite file at once. Other arguments as `Hub(...)`.
    #[classmethod]
    #[pyo3(signature = (url, policy=None, clock=None, gateway=None, generators=None))]
    fn open(
        _cls: &Bound<'_, PyType>,
        py: Python<'_>,
        url: Arg<String>,
        policy: Option<Arg<PyPolicy>>,
        clock: Option<Arg<PyManualClock>>,
        gateway: Option<&Bound<'_, PyAny>>,
        generators: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let policy = policy.map(|p| p.0 .0).unwrap_or_default();
        let clock = clock.map(|c| c.0);
        let (builder, gateway) = builder(py, &policy, clock.as_ref(), gateway, generators)?;
        let opened = py.detach(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.open(&url)))
        });
        let hub = opened
            .map_err(|p| panic_err(py, p))?
            .map_err(|e| to_py_err(py, &e))?;
        Ok(Self::wrap(hub, clock, gateway))
    }

    // ----- reads ------------------------------------------------------------------

    /// The policy.
    #[getter]
    fn policy(&self) -> PyPolicy {
        PyPolicy(self.hub.policy().clone())
    }
    /// The manual clock the hub reads, or `None` for the system clock.
    #[getter]
    fn clock(&self) -> Option<PyManualClock> {
        self.clock.clone()
    }
    /// The payment gateway the hub charges: its `SimulatedGateway` or the object
    /// passed as `gateway`.
    #[getter]
    fn gateway(&self, py: Python<'_>) -> Py<PyAny> {
        self.gateway.clone_ref(py)
    }
    /// The hub's current time (UTC).
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.hub.now()
    }
    /// Up to `limit` recorded events after `cursor` (0: from the start), in the
    /// store's order, from every process: the outbox. Returns `(events, next_cursor)`.
    #[pyo3(signature = (cursor=Int(0), limit=Int(1000)))]
    #[pyo3(text_signature = "($self, cursor=0, limit=1000)")]
    fn events_since(
        &self,
        py: Python<'_>,
        cursor: Int<u64>,
        limit: Int<usize>,
    ) -> PyResult<(Vec<PyEvent>, u64)> {
        let cursor: u64 = cursor.0;
        let limit: usize = limit.0;
        let page = self.read(py, |h| h.events_since(Cursor(cursor), limit))?;
        Ok((
            page.events.into_iter().map(PyEvent::new).collect(),
            page.next.0,
        ))
    }
    /// The reads that serve anyone, for the host's own tools (support, audits,
    /// migrations); every other read takes the actor it answers.
    fn admin(slf: Py<Self>) -> PyAdmin {
        PyAdmin { hub: slf }
    }
    /// A seller.
    fn seller(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<PySeller> {
        let seller: &str = &seller;
        self.read(py, |h| h.seller(seller).map(PySeller::new))
    }
    /// A seller's model (M7: owner only).
    fn model(&self, py: Python<'_>, seller: Arg<String>, model: Arg<String>) -> PyResult<PyModel> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.read(py, |h| h.model(seller, &model.into()).map(PyModel::new))
    }
    /// A seller's models, oldest first.
    fn models(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<Vec<PyModel>> {
        let seller: &str = &seller;
        self.read(py, |h| {
            Ok(h.models(seller)?.into_iter().map(PyModel::new).collect())
        })
    }
    /// A seller's library, in the order the assets were added.
    fn assets(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<Vec<PyAsset>> {
        let seller: &str = &seller;
        self.read(py, |h| {
            Ok(h.assets(seller)?.into_iter().map(PyAsset::new).collect())
        })
    }
    /// A published model's listing (G5).
    fn listing(&self, py: Python<'_>, model: Arg<String>) -> PyResult<PyListing> {
        let model: &str = &model;
        self.read(py, |h| h.listing(&model.into()).map(PyListing::new))
    }
    /// A model's paid creations (M5).
    fn creations(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<Vec<PyCreation>> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.read(py, |h| {
            Ok(h.creations(seller, &model.into())?
                .into_iter()
                .map(PyCreation::new)
                .collect())
        })
    }
    /// What the seller may do now: a dict of capability (`create_models`, `train`,
    /// `playground`, `publish`, `serve_clients`, `assistant_auto_replies`) to
    /// `{"allowed": bool, "refusal": None | {"code", "rule", "message", ...}}`, the
    /// refusal being the error the command would raise now (E1, E2, S2-S4).
    fn entitlements(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<Py<PyAny>> {
        let seller: &str = &seller;
        let now = self.read(py, |h| h.entitlements(seller))?;
        to_py(py, &now)
    }
    /// A model's training quota (T1-T3, T5).
    fn quota(&self, py: Python<'_>, seller: Arg<String>, model: Arg<String>) -> PyResult<PyQuota> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.read(py, |h| h.quota(seller, &model.into()).map(PyQuota::new))
    }
    /// Review findings about a model's selected assets (A4, A8).
    fn findings(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<Vec<PyFinding>> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.read(py, |h| {
            Ok(h.findings(seller, &model.into())?
                .into_iter()
                .map(PyFinding::new)
                .collect())
        })
    }
    /// Every unmet publish requirement (M2), as strings or dicts (`{"playground_generation": {...}}`).
    fn publish_checklist(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<Py<PyAny>> {
        let seller: &str = &seller;
        let model: &str = &model;
        let missing = self.read(py, |h| h.publish_checklist(seller, &model.into()))?;
        to_py(py, &missing)
    }
    /// The seller's latest subscription, or `None`.
    fn subscription(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
    ) -> PyResult<Option<PySubscription>> {
        let seller: &str = &seller;
        self.read(py, |h| Ok(h.subscription(seller)?.map(PySubscription::new)))
    }
    /// An order as `actor` sees it: all of it for its seller, without `clean` for
    /// its client until approved and paid (G1), `ForbiddenError` for anyone else.
    fn order(&self, py: Python<'_>, actor: Arg<String>, order: Arg<String>) -> PyResult<PyOrder> {
        let actor: &str = &actor;
        let order: &str = &order;
        self.read(py, |h| h.order(actor, &order.into()).map(PyOrder::new))
    }
    /// The orders a client placed, oldest first.
    fn client_orders(&self, py: Python<'_>, client: Arg<String>) -> PyResult<Vec<PyOrder>> {
        let client: &str = &client;
        self.read(py, |h| {
            Ok(h.client_orders(client)?
                .into_iter()
                .map(PyOrder::new)
                .collect())
        })
    }
    /// A training job, for the seller whose model it trains (D1).
    fn job(&self, py: Python<'_>, seller: Arg<String>, job: Arg<String>) -> PyResult<PyJob> {
        let seller: &str = &seller;
        let job: &str = &job;
        self.read(py, |h| h.job(seller, &job.into()).map(PyJob::new))
    }
    /// An asset of the seller's library, for that seller (D1).
    fn asset(&self, py: Python<'_>, seller: Arg<String>, asset: Arg<String>) -> PyResult<PyAsset> {
        let seller: &str = &seller;
        let asset: &str = &asset;
        self.read(py, |h| h.asset(seller, &asset.into()).map(PyAsset::new))
    }
    /// The client's watermarked draft of an order.
    fn draft(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
    ) -> PyResult<PyArtifact> {
        let client: &str = &client;
        let order: &str = &order;
        self.read(py, |h| h.draft(client, &order.into()).map(PyArtifact))
    }
    /// A stored file, decoded, for an actor who may read it: `file` is a file
    /// reference dict (an order's `draft` / `clean`, an asset's `content`) or its
    /// `sha256`. A seller reads their partition's files; a client their orders'
    /// drafts, and a clean file once approved and paid (G1).
    fn artifact(
        &self,
        py: Python<'_>,
        actor: Arg<String>,
        file: &Bound<'_, PyAny>,
    ) -> PyResult<PyArtifact> {
        let actor: &str = &actor;
        let file = file_arg(file, self.limits())?;
        self.read(py, |h| h.artifact(actor, &file).map(PyArtifact))
    }
    /// A stored file's bytes, by reference dict or `sha256`, for an actor who may
    /// read it (as `artifact`).
    fn file<'py>(
        &self,
        py: Python<'py>,
        actor: Arg<String>,
        file: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let actor: &str = &actor;
        let file = file_arg(file, self.limits())?;
        let blob = self.read(py, |h| h.file(actor, &file))?;
        Ok(PyBytes::new(py, blob.as_bytes()))
    }
    /// A trained style (`{"generator", "format", "data"}`) of the seller's models,
    /// by the file reference a model's `live["style"]` holds.
    fn trained_style(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        file: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let seller: &str = &seller;
        let file = file_arg(file, self.limits())?;
        let style = self.read(py, |h| h.trained_style(seller, &file))?;
        to_py(py, &style)
    }
    /// The price of `quantity` units of a published model (P1-P3).
    fn quote(&self, py: Python<'_>, model: Arg<String>, quantity: Int<u32>) -> PyResult<PyQuote> {
        let model: &str = &model;
        let quantity: u32 = quantity.0;
        self.read(py, |h| h.quote(&model.into(), quantity).map(PyQuote::new))
    }
    /// Which order a leaked draft came from (W2): `(order, confidence)` or `None`.
    fn trace(&self, py: Python<'_>, artifact: Arg<PyArtifact>) -> PyResult<Option<(String, f32)>> {
        let artifact: PyArtifact = artifact.0;
        self.read(py, |h| {
            Ok(h.trace(&artifact.0)?.map(|(o, c)| (o.to_string(), c)))
        })
    }
    /// A handle that cancels a queued or running job of this process.
    fn cancel_handle(&self, py: Python<'_>, job: Arg<String>) -> PyResult<PyCancelHandle> {
        let job: &str = &job;
        self.read(py, |h| h.cancel_handle(&job.into()).map(PyCancelHandle))
    }

    // ----- sellers (E) ----------------------------------------------------------------

    /// Registers a seller at `level` (`"new"`, `"level_1"`, `"level_2"`, `"top_rated"`).
    #[pyo3(signature = (seller, level, pro=Arg(false)))]
    #[pyo3(text_signature = "($self, seller, level, pro=False)")]
    fn register_seller(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        level: Arg<String>,
        pro: Arg<bool>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let level: &str = &level;
        let pro: bool = pro.0;
        let level: SellerLevel = enum_arg("seller level", level)?;
        self.command(py, |h| h.register_seller(seller, level, pro), none)
    }
    /// Changes a seller's level or Pro flag (E2: dropping below unpublishes).
    #[pyo3(signature = (seller, level, pro=Arg(false)))]
    #[pyo3(text_signature = "($self, seller, level, pro=False)")]
    fn set_seller_level(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        level: Arg<String>,
        pro: Arg<bool>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let level: &str = &level;
        let pro: bool = pro.0;
        let level: SellerLevel = enum_arg("seller level", level)?;
        self.command(py, |h| h.set_seller_level(seller, level, pro), none)
    }
    /// Records a Gig of the seller in a subcategory (C2).
    fn add_gig(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        subcategory: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let subcategory: &str = &subcategory;
        self.command(py, |h| h.add_gig(seller, subcategory), none)
    }
    /// Credits the seller's balance (S2: renewals draw on it first).
    fn credit_balance(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let amount = self.money(amount)?;
        self.command(py, |h| h.credit_balance(seller, amount), none)
    }
    /// Stores a payment method (`kind`: `"card"` or `"paypal"`).
    #[pyo3(signature = (seller, method, kind, label=Arg("payment method".to_owned())))]
    #[pyo3(text_signature = "($self, seller, method, kind, label='payment method')")]
    fn add_payment_method(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        method: Arg<String>,
        kind: Arg<String>,
        label: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let method: &str = &method;
        let kind: &str = &kind;
        let label: &str = &label;
        let method = PaymentMethod::new(method, enum_arg("payment method kind", kind)?, label);
        self.command(py, |h| h.add_payment_method(seller, method), none)
    }

    // ----- assets (A) -------------------------------------------------------------------

    /// Adds an asset described by `meta` (an AssetMeta dict); `source` is `"portfolio"`,
    /// `"work_sample"` or `"upload"`. Value: the asset id.
    #[pyo3(signature = (seller, source, modality, meta=None, tags=Arg(Vec::new())))]
    fn add_asset(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        source: &Bound<'_, PyAny>,
        modality: Arg<String>,
        meta: Option<&Bound<'_, PyAny>>,
        tags: Arg<Vec<String>>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let modality: &str = &modality;
        let tags: Vec<String> = tags.0;
        let source = source_arg(source, self.limits())?;
        let modality: Modality = enum_arg("modality", modality)?;
        let meta: AssetMeta = meta
            .map(|m| from_py("asset meta", m, self.limits()))
            .transpose()?
            .unwrap_or_default();
        self.command(
            py,
            |h| h.add_asset(seller, source, modality, meta, &strs(&tags)),
            id,
        )
    }
    /// Uploads a file (PNG, JPEG, WebP, WAV or UTF-8 text), measured by the core (A3).
    /// Value: the asset id.
    #[pyo3(signature = (seller, source, data, file_name=None, tags=Arg(Vec::new())))]
    fn upload_asset(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        source: &Bound<'_, PyAny>,
        data: Arg<Vec<u8>>,
        file_name: Option<Arg<String>>,
        tags: Arg<Vec<String>>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let data: Vec<u8> = data.0;
        let file_name: Option<&str> = file_name.as_ref().map(|a| a.0.as_str());
        let tags: Vec<String> = tags.0;
        let source = source_arg(source, self.limits())?;
        self.command(
            py,
            |h| h.upload_asset(seller, source, &data, file_name, &strs(&tags)),
            id,
        )
    }
    /// Adds and removes tags of an asset (A6, A7: its models become stale).
    #[pyo3(signature = (seller, asset, add=Arg(Vec::new()), remove=Arg(Vec::new())))]
    fn tag_asset(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        asset: Arg<String>,
        add: Arg<Vec<String>>,
        remove: Arg<Vec<String>>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let asset: &str = &asset;
        let add: Vec<String> = add.0;
        let remove: Vec<String> = remove.0;
        self.command(
            py,
            |h| h.tag_asset(seller, &asset.into(), &strs(&add), &strs(&remove)),
            none,
        )
    }
    /// Selects assets for a model (A1-A3).
    fn select_assets(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
        assets: Arg<Vec<String>>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        let assets: Vec<String> = assets.0;
        let assets: Vec<AssetId> = assets.into_iter().map(AssetId::from).collect();
        self.command(
            py,
            |h| h.select_assets(seller, &model.into(), &assets),
            none,
        )
    }
    /// Selects "All" (A2). Value: the skipped assets as `(asset_id, FivergoError)` pairs.
    fn select_all_assets(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.command(
            py,
            |h| h.select_all_assets(seller, &model.into()),
            |py, skipped| {
                let pairs: Vec<(String, Py<PyAny>)> = skipped
                    .iter()
                    .map(|(a, e)| (a.to_string(), to_py_err(py, e).into_value(py).into_any()))
                    .collect();
                Ok(pairs.into_pyobject(py)?.into_any().unbind())
            },
        )
    }
    /// Deselects assets of a model.
    fn deselect_assets(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
        assets: Arg<Vec<String>>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        let assets: Vec<String> = assets.0;
        let assets: Vec<AssetId> = assets.into_iter().map(AssetId::from).collect();
        self.command(
            py,
            |h| h.deselect_assets(seller, &model.into(), &assets),
            none,
        )
    }
    /// Sets (or clears, with `None`) a model's instructions (A5).
    fn set_instructions(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
        instructions: Option<Arg<String>>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        let instructions: Option<&str> = instructions.as_ref().map(|a| a.0.as_str());
        self.command(
            py,
            |h| h.set_instructions(seller, &model.into(), instructions),
            none,
        )
    }
    /// The seller attests the assets are their own original work (A9).
    fn attest_originality(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.command(py, |h| h.attest_originality(seller, &model.into()), none)
    }

    // ----- models (C, M) ----------------------------------------------------------------

    /// Creates a model in a subcategory of one of the seller's Gigs. Value: the model id.
    fn create_model(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        subcategory: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let subcategory: &str = &subcategory;
        self.command(py, |h| h.create_model(seller, subcategory), id)
    }
    /// Sets a model's price (P2-P5).
    fn set_price(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
        price: Arg<PyPriceSpec>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        let price: PyPriceSpec = price.0;
        self.command(
            py,
            |h| h.set_price(seller, &model.into(), price.value),
            none,
        )
    }
    /// Sets where the model shows: on Gigs and / or the profile (M4).
    #[pyo3(signature = (seller, model, gigs, on_profile=Arg(false)))]
    #[pyo3(text_signature = "($self, seller, model, gigs, on_profile=False)")]
    fn set_placement(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
        gigs: Arg<Vec<String>>,
        on_profile: Arg<bool>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        let gigs: Vec<String> = gigs.0;
        let on_profile: bool = on_profile.0;
        let placement = Placement {
            gigs: gigs.into_iter().collect(),
            on_profile,
        };
        self.command(
            py,
            |h| h.set_placement(seller, &model.into(), placement),
            none,
        )
    }
    /// Publishes a model; refuses with every unmet requirement at once (M2).
    fn publish(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.command(py, |h| h.publish(seller, &model.into()), none)
    }
    /// Unpublishes a model (M3).
    fn unpublish(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.command(py, |h| h.unpublish(seller, &model.into()), none)
    }
    /// Archives a model (M3).
    fn archive(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.command(py, |h| h.archive(seller, &model.into()), none)
    }
    /// Reports an issue with a model, or with one of its creations when `order` is given (M6).
    #[pyo3(signature = (reporter, model, text, order=None))]
    fn report_issue(
        &self,
        py: Python<'_>,
        reporter: Arg<String>,
        model: Arg<String>,
        text: Arg<String>,
        order: Option<Arg<String>>,
    ) -> PyResult<PyOutcome> {
        let reporter: &str = &reporter;
        let model: &str = &model;
        let text: &str = &text;
        let order: Option<&str> = order.as_ref().map(|a| a.0.as_str());
        let target = match order {
            Some(o) => ReportTarget::Creation { order: o.into() },
            None => ReportTarget::Model,
        };
        self.command(
            py,
            |h| h.report_issue(reporter, &model.into(), target, text),
            none,
        )
    }

    // ----- training (T) -------------------------------------------------------------------

    /// Queues a training job (T4), taking quota (T1, T2, T5). Value: the job id.
    fn start_training(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        self.command(py, |h| h.start_training(seller, &model.into()), id)
    }
    /// Runs a queued job to its end with the GIL released. Value: `"succeeded"`,
    /// `"failed"` or `"cancelled"`. An exception a Python generator raised is re-raised.
    fn run_training(&self, py: Python<'_>, job: Arg<String>) -> PyResult<PyOutcome> {
        let job: &str = &job;
        self.command(py, |h| h.run_training(&job.into()), status)
    }
    /// Starts a queued job and returns its `TrainingRun`, to execute outside the hub.
    fn begin_training(
        &self,
        py: Python<'_>,
        job: Arg<String>,
    ) -> PyResult<(PyTrainingRun, Vec<PyEvent>)> {
        let job: &str = &job;
        let outcome = self.with(
            py,
            |h| h.begin_training(&job.into()),
            |py, r| refused_err(py, &r),
        )?;
        let run = PyTrainingRun {
            run: Mutex::new(Some(outcome.value)),
            hub: self.hub.clone(),
        };
        Ok((run, outcome.events.into_iter().map(PyEvent::new).collect()))
    }
    /// Records what a `TrainingRun` produced. Value: the job's final status.
    fn finish_training(
        &self,
        py: Python<'_>,
        result: Arg<PyRef<'_, PyTrainingResult>>,
    ) -> PyResult<PyOutcome> {
        let result = result.0 .0.clone();
        self.command(py, |h| h.finish_training(result), status)
    }
    /// Cancels a queued job (T4).
    fn cancel_training(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        job: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let job: &str = &job;
        self.command(py, |h| h.cancel_training(seller, &job.into()), none)
    }
    // ----- jobs for workers -----------------------------------------------------------------

    /// Queues a generation for a worker; `request` is a dict such as
    /// `{"type": "order_draft", "client": "bob", "model": "ana/model-1", "brief":
    /// {"text": "koi", "quantity": 1}, "seed": 7}` (types: `playground`, `order_draft`,
    /// `accept_offer`, `revision`). Checked now and again when a worker starts it.
    /// Value: the generation id.
    fn queue_generation(&self, py: Python<'_>, request: &Bound<'_, PyAny>) -> PyResult<PyOutcome> {
        let request: fivergo_core::GenerationRequest =
            from_py("generation request", request, self.limits())?;
        self.command(py, |h| h.queue_generation(request), id)
    }
    /// A queued generation: status, attempt, worker, outcome (`{"type": "draft",
    /// "order": ...}` or a playground file) or failure.
    /// For whoever asked for it or the model's seller (D1, D2).
    fn generation(
        &self,
        py: Python<'_>,
        actor: Arg<String>,
        job: Arg<String>,
    ) -> PyResult<PyGeneration> {
        let actor: &str = &actor;
        let job: &str = &job;
        self.read(py, |h| h.generation(actor, &job.into()))
            .map(PyGeneration::new)
    }
    /// Cancels a queued generation; only whoever asked for it may.
    fn cancel_generation(
        &self,
        py: Python<'_>,
        actor: Arg<String>,
        job: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let actor: &str = &actor;
        let job: &str = &job;
        self.command(py, |h| h.cancel_generation(actor, &job.into()), none)
    }
    /// As worker `worker`: claims the job that waited longest (a training or a queued
    /// generation), runs it with the GIL released (renewing its lease from its
    /// progress) and records its outcome. Value: `{"work": {"kind", "id"}, "attempt",
    /// "status"}`, or `None` when no job was ready. `fivergo.run_worker` loops on it.
    fn work_once(&self, py: Python<'_>, worker: Arg<String>) -> PyResult<PyOutcome> {
        let worker: &str = &worker;
        let worked = |h: &Hub| -> CommandResult<Option<fivergo_core::JobReport>> {
            let claimed = h.claim_job(worker)?;
            let Some(job) = claimed.value else {
                return Ok(Outcome {
                    value: None,
                    events: claimed.events,
                });
            };
            let mut events = claimed.events;
            let finished = h.finish_job(job.execute()).map_err(|mut r| {
                r.events.splice(0..0, events.clone());
                r
            })?;
            events.extend(finished.events);
            Ok(Outcome {
                value: Some(finished.value),
                events,
            })
        };
        self.command(py, worked, |py, report| to_py(py, &report))
    }

    /// Generates in the playground (M2); watermarked until subscribed. Value:
    /// `(artifact_id, Artifact)`.
    #[pyo3(signature = (seller, model, brief, seed=Int(1)))]
    #[pyo3(text_signature = "($self, seller, model, brief, seed=1)")]
    fn playground_generate(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        model: Arg<String>,
        brief: &Bound<'_, PyAny>,
        seed: Int<u64>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let model: &str = &model;
        let seed: u64 = seed.0;
        let brief = brief_arg(brief)?;
        self.command(
            py,
            |h| h.playground_generate(seller, &model.into(), brief, seed),
            |py, (file, art)| {
                Ok((to_py(py, &file)?, PyArtifact(art))
                    .into_pyobject(py)?
                    .into_any()
                    .unbind())
            },
        )
    }

    // ----- subscription (S) ---------------------------------------------------------------

    /// Subscribes with a stored payment method, charging the first month (S1). Value:
    /// the subscription id.
    fn subscribe(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        method: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let method: &str = &method;
        self.command(py, |h| h.subscribe(seller, &method.into()), id)
    }
    /// Settles whatever the calendar made due (renewals, ends, trainings whose runner
    /// vanished) in every seller the store's due index names; the events say what.
    fn tick(&self, py: Python<'_>) -> PyResult<PyOutcome> {
        self.command(py, |h| h.tick(), none)
    }
    /// Settles and returns the current period's `Charge`, or `None` (S2).
    fn renew_subscription(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        self.command(
            py,
            |h| h.renew_subscription(seller),
            |py, c| Ok(c.map(PyCharge::new).into_pyobject(py)?.into_any().unbind()),
        )
    }
    /// Pays a past-due renewal (S2).
    fn pay_past_due(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        self.command(py, |h| h.pay_past_due(seller), none)
    }
    /// Cancels at the end of the paid period (S3). Value: when it ends (`datetime`).
    fn cancel_subscription(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        self.command(
            py,
            |h| h.cancel_subscription(seller),
            |py, at| Ok(at.into_pyobject(py)?.into_any().unbind()),
        )
    }
    /// Resumes a cancelling subscription (S3).
    fn resume_subscription(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        self.command(py, |h| h.resume_subscription(seller), none)
    }

    // ----- orders (G, V, F, R, D) -----------------------------------------------------------

    /// Orders a draft from a published model (G1, G3). Value: the order id.
    #[pyo3(signature = (client, model, brief, seed=Int(1)))]
    #[pyo3(text_signature = "($self, client, model, brief, seed=1)")]
    fn order_draft(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        model: Arg<String>,
        brief: &Bound<'_, PyAny>,
        seed: Int<u64>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let model: &str = &model;
        let seed: u64 = seed.0;
        let brief = brief_arg(brief)?;
        self.command(
            py,
            |h| h.order_draft(client, &model.into(), brief, seed),
            id,
        )
    }
    /// Asks the seller for a custom offer (G3). Value: the order id.
    fn contact_seller(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        model: Arg<String>,
        brief: &Bound<'_, PyAny>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let model: &str = &model;
        let brief = brief_arg(brief)?;
        self.command(py, |h| h.contact_seller(client, &model.into(), brief), id)
    }
    /// Sends a custom offer (V2).
    #[pyo3(signature = (seller, order, price, non_ai_work, revisions, revision_window_hours, terms=Arg("".to_owned())))]
    #[pyo3(
        text_signature = "($self, seller, order, price, non_ai_work, revisions, revision_window_hours, terms='')"
    )]
    #[allow(clippy::too_many_arguments)]
    fn send_custom_offer(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        order: Arg<String>,
        price: &Bound<'_, PyAny>,
        non_ai_work: &Bound<'_, PyAny>,
        revisions: Int<u32>,
        revision_window_hours: Int<u32>,
        terms: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let order: &str = &order;
        let revisions: u32 = revisions.0;
        let revision_window_hours: u32 = revision_window_hours.0;
        let terms: &str = &terms;
        let offer = CustomOffer {
            price: self.money(price)?,
            non_ai_work: self.money(non_ai_work)?,
            revisions,
            revision_window_hours,
            terms: terms.to_owned(),
        };
        self.command(
            py,
            |h| h.send_custom_offer(seller, &order.into(), offer),
            none,
        )
    }
    /// Accepts the offer; the draft is generated.
    #[pyo3(signature = (client, order, seed=Int(1)))]
    #[pyo3(text_signature = "($self, client, order, seed=1)")]
    fn accept_offer(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
        seed: Int<u64>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        let seed: u64 = seed.0;
        self.command(py, |h| h.accept_offer(client, &order.into(), seed), none)
    }
    /// Approves the draft (G1).
    fn approve(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        self.command(py, |h| h.approve(client, &order.into()), none)
    }
    /// Records the client's payment of the quoted price (G1).
    fn record_payment(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        let amount = self.money(amount)?;
        self.command(
            py,
            |h| h.record_payment(client, &order.into(), amount),
            none,
        )
    }
    /// The clean file, once approved and paid (G1). Value: the `Artifact`.
    fn download(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        self.command(
            py,
            |h| h.download(client, &order.into()),
            |py, a| Ok(Bound::new(py, PyArtifact(a))?.into_any().unbind()),
        )
    }
    /// Always refused: AI assets have no source file (G4).
    fn request_source_file(
        &self,
        py: Python<'_>,
        actor: Arg<String>,
        order: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let actor: &str = &actor;
        let order: &str = &order;
        self.command(py, |h| h.request_source_file(actor, &order.into()), none)
    }
    /// Asks the one revision (V1, V2); a new draft is generated.
    fn request_revision(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
        note: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        let note: &str = &note;
        self.command(
            py,
            |h| h.request_revision(client, &order.into(), note),
            none,
        )
    }
    /// Accepts a released delivery (R1).
    fn accept_delivery(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        self.command(py, |h| h.accept_delivery(client, &order.into()), none)
    }
    /// Leaves a review of 1-5 stars (R2, R3).
    #[pyo3(signature = (client, order, stars, text=Arg("".to_owned())))]
    #[pyo3(text_signature = "($self, client, order, stars, text='')")]
    fn review(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
        stars: Int<u8>,
        text: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        let stars: u8 = stars.0;
        let text: &str = &text;
        self.command(py, |h| h.review(client, &order.into(), stars, text), none)
    }
    /// Always refused: no full refunds for AI assets (F1).
    fn request_full_refund(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        self.command(py, |h| h.request_full_refund(client, &order.into()), none)
    }
    /// Refunds part of the non-AI work (F2).
    fn issue_partial_refund(
        &self,
        py: Python<'_>,
        seller: Arg<String>,
        order: Arg<String>,
        amount: &Bound<'_, PyAny>,
    ) -> PyResult<PyOutcome> {
        let seller: &str = &seller;
        let order: &str = &order;
        let amount = self.money(amount)?;
        self.command(
            py,
            |h| h.issue_partial_refund(seller, &order.into(), amount),
            none,
        )
    }
    /// Makes a delivery public or private (D2, D3).
    fn set_delivery_public(
        &self,
        py: Python<'_>,
        client: Arg<String>,
        order: Arg<String>,
        public: Arg<bool>,
    ) -> PyResult<PyOutcome> {
        let client: &str = &client;
        let order: &str = &order;
        let public: bool = public.0;
        self.command(
            py,
            |h| h.set_delivery_public(client, &order.into(), public),
            none,
        )
    }

    fn __repr__(&self) -> String {
        format!("Hub(now={})", self.hub.now().to_rfc3339())
    }
}

/// An asset source: `"portfolio"`, `"work_sample"`, `"upload"`, or a dict such as
/// `{"type": "client_delivery", "order": "order-1", "public": True}`.
fn source_arg(obj: &Bound<'_, PyAny>, limits: &LimitsPolicy) -> PyResult<AssetSource> {
    match obj.extract::<String>() {
        Ok(name) => from_py(
            "asset source",
            &[("type", name)].into_py_dict(obj.py())?.into_any(),
            limits,
        ),
        Err(_) if obj.is_instance_of::<PyDict>() => from_py("asset source", obj, limits),
        Err(_) => Err(type_err("source", "an asset source is a string or a dict")),
    }
}

/// A started training, to execute outside the hub (e.g. on a worker thread) and hand
/// back with `Hub.finish_training`.
#[pyclass(frozen, module = "fivergo._fivergo", name = "TrainingRun")]
pub struct PyTrainingRun {
    run: Mutex<Option<TrainingRun>>,
    /// Finishes the job when `execute` raises (there is no result to hand back then).
    hub: Hub,
}

#[pymethods]
impl PyTrainingRun {
    /// The job id.
    #[getter]
    fn job(&self) -> Option<String> {
        self.run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|r| r.job().to_string())
    }
    /// Runs the generator with the GIL released; `progress(fraction)` is called as it
    /// advances. Runs once. When it raises — the generator's exception, the
    /// progress callback's (which stops the run), or an `InternalError` — the job has
    /// been finished as failed first, its quota given back (T4): there is no result
    /// to hand to `Hub.finish_training` then.
    #[pyo3(signature = (progress=None))]
    fn execute(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<PyTrainingResult> {
        crate::gateway::refuse_reentry()?;
        let run = self
            .run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let run = run.ok_or_else(|| value_err("run", "this training run was executed already"))?;
        let (job, attempt, cancel) = (run.job().clone(), run.attempt(), run.cancel_token());
        let frame = CallFrame::enter();
        let ran = py.detach(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run.execute(&mut |fraction| {
                    if let Some(cb) = &progress {
                        Python::attach(|py| {
                            if let Err(e) = cb.call1(py, (fraction,)) {
                                CallFrame::stash(e);
                                cancel.cancel();
                            }
                        });
                    }
                })
            }))
        });
        let (raised, result) = match (frame.take(), ran) {
            (None, Ok(result)) => return Ok(PyTrainingResult(result)),
            (Some(raised), Ok(result)) => (raised, result),
            (_, Err(payload)) => (
                panic_err(py, payload),
                TrainingResult {
                    job: job.clone(),
                    attempt,
                    result: Err(TrainError::Cancelled),
                    progress_pct: Vec::new(),
                },
            ),
        };
        let reason = match &result.result {
            Err(TrainError::Failed(reason)) => reason.clone(),
            _ => format!("the training run raised: {}", raised.value(py)),
        };
        let failed = TrainingResult {
            result: Err(TrainError::Failed(reason)),
            ..result
        };
        let finished = py.detach(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.hub.finish_training(failed)
            }))
        });
        if let Ok(Err(refused)) = finished {
            // The job could not be recorded as failed (a store outage): its lease
            // ends it later (T4). The caller learns why next to its exception.
            let note = format!(
                "job {job} could not be finished as failed: {}",
                refused.error
            );
            raised.value(py).call_method1("add_note", (note,))?;
        }
        Err(raised)
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

/// `Hub.admin()`: the host-level reads that serve anyone (support tools, audits,
/// migrations), never for a request made on a user's behalf.
#[pyclass(frozen, module = "fivergo._fivergo", name = "Admin")]
pub struct PyAdmin {
    hub: Py<PyHub>,
}

#[pymethods]
impl PyAdmin {
    /// Everything of one seller's partition.
    fn partition(&self, py: Python<'_>, seller: Arg<String>) -> PyResult<PyPartition> {
        let seller: &str = &seller;
        self.hub
            .get()
            .read(py, |h| h.admin().partition(seller).map(PyPartition::new))
    }
    /// Any order, all of it.
    fn order(&self, py: Python<'_>, order: Arg<String>) -> PyResult<PyOrder> {
        let order: &str = &order;
        self.hub
            .get()
            .read(py, |h| h.admin().order(&order.into()).map(PyOrder::new))
    }
    /// Any training job.
    fn job(&self, py: Python<'_>, job: Arg<String>) -> PyResult<PyJob> {
        let job: &str = &job;
        self.hub
            .get()
            .read(py, |h| h.admin().job(&job.into()).map(PyJob::new))
    }
    /// Any queued generation.
    fn generation(&self, py: Python<'_>, job: Arg<String>) -> PyResult<PyGeneration> {
        let job: &str = &job;
        self.hub
            .get()
            .read(py, |h| h.admin().generation(&job.into()))
            .map(PyGeneration::new)
    }
    /// An asset of any library.
    fn asset(&self, py: Python<'_>, asset: Arg<String>) -> PyResult<PyAsset> {
        let asset: &str = &asset;
        self.hub
            .get()
            .read(py, |h| h.admin().asset(&asset.into()).map(PyAsset::new))
    }
    /// Any stored file, decoded, by reference dict or `sha256`.
    fn artifact(&self, py: Python<'_>, file: &Bound<'_, PyAny>) -> PyResult<PyArtifact> {
        let hub = self.hub.get();
        let file = file_arg(file, hub.limits())?;
        hub.read(py, |h| h.admin().artifact(&file).map(PyArtifact))
    }
    /// Any stored file's bytes, by reference dict or `sha256`.
    fn file<'py>(
        &self,
        py: Python<'py>,
        file: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let hub = self.hub.get();
        let file = file_arg(file, hub.limits())?;
        let blob = hub.read(py, |h| h.admin().file(&file))?;
        Ok(PyBytes::new(py, blob.as_bytes()))
    }
}
