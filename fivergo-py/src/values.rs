//! Frozen value classes: the core's records (events, findings, sellers, models,
//! orders ...) held as their Rust value, plus `Money`, `Policy`, `Brief`, `PriceSpec`,
//! `ManualClock`, `SimulatedGateway`, `CancelHandle` and `Outcome`.
//!
//! Records expose `to_dict()` (plain JSON types, the serde form), `to_json()`,
//! `from_json()` / `from_dict()`, `==`, a readable `repr`, a few typed getters, and
//! every other field as an attribute in native types (money → `Decimal`, instants →
//! `datetime`).

use crate::convert::{from_py, json_to_py, native, to_json, Arg, Int};
use crate::errors::{guarded, to_py_err, type_err, value_err};
use fivergo_core::{Currency, Money, Policy};
use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::types::PyType;
use rust_decimal::Decimal;
use serde_json::Value;

/// Renders `Name(field=value, ...)` from a record's top-level JSON fields.
fn repr_of(name: &str, value: &Value) -> String {
    match value {
        Value::Object(fields) => {
            let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{name}({})", parts.join(", "))
        }
        other => format!("{name}({other})"),
    }
}

macro_rules! record {
    ($name:ident, $py:literal, $ty:ty, $doc:literal $(, { $($extra:tt)* })?) => {
        #[doc = $doc]
        #[pyclass(frozen, from_py_object, module = "fivergo._fivergo", name = $py)]
        #[derive(Clone)]
        pub struct $name(pub $ty);

        #[pymethods]
        impl $name {
            /// The value as a plain dict of JSON types (ids and enums as strings, money as
            /// `{"amount", "currency"}`, instants as RFC 3339 strings).
            fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                guarded(py, || json_to_py(py, &to_json(&self.0)?))
            }

            /// The value as JSON (the core's serde form).
            fn to_json(&self) -> PyResult<String> {
                serde_json::to_string(&self.0).map_err(|e| value_err("value", e.to_string()))
            }

            /// Parses the JSON `to_json` wrote.
            #[classmethod]
            fn from_json(_cls: &Bound<'_, PyType>, json: Arg<String>) -> PyResult<Self> {
                let json: &str = &json;
                guarded(_cls.py(), || serde_json::from_str(json).map(Self).map_err(|e| value_err("json", format!("invalid {}: {e}", $py))))
            }

            /// Builds the value from the dict `to_dict` returned.
            #[classmethod]
            fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
                guarded(data.py(), || from_py($py, data, &Policy::default().limits).map(Self))
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other.cast::<Self>().is_ok_and(|o| o.get().0 == self.0)
            }

            fn __repr__(&self) -> PyResult<String> {
                Ok(repr_of($py, &to_json(&self.0)?))
            }

            /// Any field of the record, in native types.
            fn __getattr__(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
                guarded(py, || match to_json(&self.0)?.get(name) {
                    Some(v) => native(py, name, v),
                    None => Err(PyAttributeError::new_err(format!("{} has no field `{name}`", $py))),
                })
            }

            $($($extra)*)?
        }
    };
}

record!(PyEvent, "Event", fivergo_core::Recorded, "An event as the store recorded it: `.id`, `.partition`, `.sequence`, `.position`, `.recorded_at`, and the event's `.type` (`\"model_created\"` ...) and fields.", {
    /// The event's kind, e.g. `"model_created"` (also `.type`).
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind()
    }
    /// `<seller>/event-<sequence>`: unique across the marketplace.
    #[getter]
    fn id(&self) -> String {
        self.0.id.to_string()
    }
    /// The seller whose partition holds it.
    #[getter]
    fn partition(&self) -> String {
        self.0.partition.to_string()
    }
    /// Its rank in the partition, from 1.
    #[getter]
    fn sequence(&self) -> u64 {
        self.0.sequence
    }
    /// Its rank in the store, from 1: what `events_since` cursors count.
    #[getter]
    fn position(&self) -> u64 {
        self.0.position
    }
});
record!(
    PyFinding,
    "Finding",
    fivergo_core::Finding,
    "A review finding about a model's asset set (A4, A8): code, severity, asset, rule, message.",
    {
        /// Stable snake_case code.
        #[getter]
        fn code(&self) -> &str {
            &self.0.code
        }
        /// The SPEC rule.
        #[getter]
        fn rule(&self) -> &str {
            &self.0.rule
        }
        /// `"warning"` or `"error"`.
        #[getter]
        fn severity(&self) -> PyResult<String> {
            Ok(to_json(&self.0.severity)?
                .as_str()
                .unwrap_or_default()
                .to_owned())
        }
        /// The asset it concerns, or `None` for findings about the whole set.
        #[getter]
        fn asset(&self) -> Option<String> {
            self.0.asset.as_ref().map(|a| a.to_string())
        }
        /// A sentence for the seller.
        #[getter]
        fn message(&self) -> &str {
            &self.0.message
        }
    }
);
record!(
    PySeller,
    "Seller",
    fivergo_core::Seller,
    "A seller: level, Pro flag, Gigs, payment methods, balance and reputation."
);
record!(
    PyModel,
    "CreationModel",
    fivergo_core::CreationModel,
    "A seller's AI creation model.",
    {
        /// Whether the settings changed since the live version was trained (A7).
        #[getter]
        fn stale(&self) -> bool {
            self.0.is_stale()
        }
    }
);
record!(PyOrder, "Order", fivergo_core::Order, "A client's order.");
record!(
    PyJob,
    "TrainingJob",
    fivergo_core::training::TrainingJob,
    "A training job."
);
record!(
    PyGeneration,
    "GenerationJob",
    fivergo_core::GenerationJob,
    "A queued generation: request, status, attempt, worker, outcome, failure."
);
record!(
    PySubscription,
    "Subscription",
    fivergo_core::Subscription,
    "A seller's monthly subscription.",
    {
        /// `"active"`, `"cancelling"`, `"past_due"` or `"ended"`.
        #[getter]
        fn state_name(&self) -> &'static str {
            self.0.state_name()
        }
    }
);
record!(
    PyQuota,
    "QuotaStatus",
    fivergo_core::QuotaStatus,
    "A model's training quota: used, limit, renews_at.",
    {
        /// Trainings counted in the window.
        #[getter]
        fn used(&self) -> u32 {
            self.0.used
        }
        /// Trainings allowed in the window.
        #[getter]
        fn limit(&self) -> u32 {
            self.0.limit
        }
        /// When a new window starts (`None` before subscribing).
        #[getter]
        fn renews_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
            self.0.renews_at
        }
    }
);
record!(
    PyQuote,
    "Quote",
    fivergo_core::Quote,
    "A price quote with its lines and total.",
    {
        /// The total, as a `Decimal` in the policy currency.
        #[getter]
        fn total(&self) -> Decimal {
            self.0.total.amount()
        }
    }
);
record!(
    PyListing,
    "Listing",
    fivergo_core::Listing,
    "A published model as clients see it."
);
record!(
    PyCharge,
    "Charge",
    fivergo_core::subscription::Charge,
    "A subscription charge."
);
record!(
    PyCreation,
    "Creation",
    fivergo_core::model::Creation,
    "A paid creation of a model (M5)."
);
record!(
    PyAsset,
    "Asset",
    fivergo_core::Asset,
    "An asset of a seller's library."
);
record!(
    PyPartition,
    "Partition",
    fivergo_core::Partition,
    "Everything of one seller's partition: seller, assets, models, jobs, subscriptions, orders."
);
record!(
    PyPriceSpec,
    "PriceSpec",
    fivergo_core::PriceSpec,
    "A model's price: per unit (P2) or base plus increments (P3).",
    {
        /// P2: `unit_price` for each unit (`"item"`, `"seconds"` or `"words"`); plain amounts
        /// are in `currency` (default USD).
        #[staticmethod]
        #[pyo3(signature = (unit, unit_price, currency=None))]
        fn per_unit(
            py: Python<'_>,
            unit: Arg<String>,
            unit_price: &Bound<'_, PyAny>,
            currency: Option<Arg<String>>,
        ) -> PyResult<Self> {
            let unit: &str = &unit;
            let currency: Option<&str> = currency.as_ref().map(|a| a.0.as_str());
            let currency = currency_arg(currency)?;
            let unit = crate::convert::enum_arg("pricing unit", unit)?;
            guarded(py, || {
                Ok(Self(fivergo_core::PriceSpec::PerUnit {
                    unit,
                    unit_price: crate::convert::money(unit_price, currency)?,
                }))
            })
        }

        /// P3: `base_price` covers `base_quantity` units, then `increment_price` per `increment_quantity`.
        #[staticmethod]
        #[pyo3(signature = (unit, base_quantity, base_price, increment_quantity, increment_price, currency=None))]
        fn base_increments(
            unit: Arg<String>,
            base_quantity: Int<u32>,
            base_price: &Bound<'_, PyAny>,
            increment_quantity: Int<u32>,
            increment_price: &Bound<'_, PyAny>,
            currency: Option<Arg<String>>,
        ) -> PyResult<Self> {
            let unit: &str = &unit;
            let base_quantity: u32 = base_quantity.0;
            let increment_quantity: u32 = increment_quantity.0;
            let currency: Option<&str> = currency.as_ref().map(|a| a.0.as_str());
            let currency = currency_arg(currency)?;
            Ok(Self(fivergo_core::PriceSpec::BaseIncrements {
                unit: crate::convert::enum_arg("pricing unit", unit)?,
                base_quantity,
                base_price: crate::convert::money(base_price, currency)?,
                increment_quantity,
                increment_price: crate::convert::money(increment_price, currency)?,
            }))
        }
    }
);

fn currency_arg(code: Option<&str>) -> PyResult<Currency> {
    match code {
        None => Ok(Currency::Usd),
        Some(c) => Python::attach(|py| c.parse::<Currency>().map_err(|e| to_py_err(py, &e))),
    }
}

/// An amount of money in a currency; hub methods also take a plain `Decimal` (in the
/// policy currency) wherever they take `Money`.
#[pyclass(frozen, eq, hash, module = "fivergo._fivergo", name = "Money")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyMoney(pub Money);

#[pymethods]
impl PyMoney {
    /// `Money(Decimal("12.50"), "EUR")`; the amount may be a `Decimal`, an `int` or a decimal string.
    #[new]
    #[pyo3(signature = (amount, currency=Arg("USD".to_owned())))]
    #[pyo3(text_signature = "(amount, currency='USD')")]
    fn new(py: Python<'_>, amount: &Bound<'_, PyAny>, currency: Arg<String>) -> PyResult<Self> {
        let currency: &str = &currency;
        let currency = currency_arg(Some(currency))?;
        guarded(py, || crate::convert::money(amount, currency).map(Self))
    }
    /// The amount.
    #[getter]
    fn amount(&self) -> Decimal {
        self.0.amount()
    }
    /// The ISO currency code (`"USD"`, `"EUR"` ...).
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.currency().code()
    }
    /// Rounded to the currency's minor units, half away from zero (P5).
    fn rounded(&self) -> Self {
        Self(self.0.rounded())
    }
    fn __repr__(&self) -> String {
        format!(
            "Money('{}', '{}')",
            self.0.amount(),
            self.0.currency().code()
        )
    }
    fn __str__(&self) -> String {
        self.0.to_string()
    }
}

/// Every number of the SPEC: fees, quotas, limits, the catalogue.
#[pyclass(frozen, from_py_object, module = "fivergo._fivergo", name = "Policy")]
#[derive(Clone)]
pub struct PyPolicy(pub Policy);

#[pymethods]
impl PyPolicy {
    /// The default policy, or one parsed from JSON (missing fields keep their defaults).
    #[new]
    #[pyo3(signature = (json=None))]
    fn new(py: Python<'_>, json: Option<Arg<String>>) -> PyResult<Self> {
        let json: Option<&str> = json.as_ref().map(|a| a.0.as_str());
        match json {
            None => Ok(Self(Policy::default())),
            Some(j) => guarded(py, || {
                Policy::from_json(j)
                    .map(Self)
                    .map_err(|e| to_py_err(py, &e))
            }),
        }
    }
    /// A policy from a dict (missing fields keep their defaults; validated).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let json = crate::convert::py_to_json(data, &Policy::default().limits)?.to_string();
        guarded(py, || {
            Policy::from_json(&json)
                .map(Self)
                .map_err(|e| to_py_err(py, &e))
        })
    }
    /// The complete policy as pretty JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }
    /// The complete policy as a dict.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_to_py(py, &to_json(&self.0)?)
    }
    /// The monthly subscription fee (S1) as a `Decimal`.
    #[getter]
    fn monthly_fee(&self) -> Decimal {
        self.0.monthly_fee().amount()
    }
    /// The policy currency code.
    #[getter]
    fn currency(&self) -> &'static str {
        self.0.currency.code()
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Self>().is_ok_and(|o| o.get().0 == self.0)
    }
    fn __repr__(&self) -> String {
        format!(
            "Policy(currency='{}', monthly_fee='{}')",
            self.0.currency.code(),
            self.0.monthly_fee().amount()
        )
    }
}

/// A clock that moves only when told: for tests, simulations and replays.
#[pyclass(
    frozen,
    from_py_object,
    module = "fivergo._fivergo",
    name = "ManualClock"
)]
#[derive(Clone)]
pub struct PyManualClock(pub fivergo_core::ManualClock);

#[pymethods]
impl PyManualClock {
    /// A clock reading `start` (a timezone-aware `datetime` from 1970 to year 9000).
    #[new]
    fn new(py: Python<'_>, start: &Bound<'_, PyAny>) -> PyResult<Self> {
        let start = crate::convert::instant("start", start)?;
        guarded(py, || {
            fivergo_core::ManualClock::try_at(start)
                .map(Self)
                .map_err(|e| to_py_err(py, &e))
        })
    }
    /// The current reading (UTC).
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        fivergo_core::Clock::now(&self.0)
    }
    /// Moves to `instant` (a timezone-aware `datetime` from the clock's current
    /// instant to year 9000: it never runs backwards); raises `InvalidInputError`
    /// outside that range.
    fn set(&self, py: Python<'_>, instant: &Bound<'_, PyAny>) -> PyResult<()> {
        let instant = crate::convert::instant("instant", instant)?;
        guarded(py, || {
            self.0.set(instant).map(drop).map_err(|e| to_py_err(py, &e))
        })
    }
    /// Moves forward by a `timedelta`; raises `InvalidInputError` for a negative
    /// step or one past year 9000, and stays where it was.
    fn advance(&self, py: Python<'_>, by: Arg<chrono::Duration>) -> PyResult<()> {
        let by: chrono::Duration = by.0;
        guarded(py, || {
            self.0.advance(by).map(drop).map_err(|e| to_py_err(py, &e))
        })
    }
    fn __repr__(&self) -> String {
        format!(
            "ManualClock({})",
            fivergo_core::Clock::now(&self.0).to_rfc3339()
        )
    }
}

/// A payment gateway that approves every charge except for methods told to decline,
/// and never charges one idempotency key twice.
#[pyclass(
    frozen,
    from_py_object,
    module = "fivergo._fivergo",
    name = "SimulatedGateway"
)]
#[derive(Clone, Default)]
pub struct PyGateway(pub fivergo_core::SimulatedGateway);

#[pymethods]
impl PyGateway {
    /// A gateway that approves everything.
    #[new]
    fn new() -> Self {
        Self::default()
    }
    /// Makes `method` decline (or approve again).
    #[pyo3(signature = (method, declined=Arg(true)))]
    #[pyo3(text_signature = "($self, method, declined=True)")]
    fn set_declined(&self, method: Arg<String>, declined: Arg<bool>) {
        let method: &str = &method;
        let declined: bool = declined.0;
        self.0.set_declined(method, declined);
    }
    /// Every charge taken: dicts with `idempotency_key`, `seller`, `method` (dict) and `amount` (`Decimal`).
    fn charges(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAny>>> {
        self.0
            .charges()
            .iter()
            .map(|c| native(py, "charge", &to_json(c)?))
            .collect()
    }
}

/// Cancels a training job: the running generator sees it at its next progress tick.
#[pyclass(frozen, module = "fivergo._fivergo", name = "CancelHandle")]
pub struct PyCancelHandle(pub fivergo_core::CancelToken);

#[pymethods]
impl PyCancelHandle {
    /// Asks the job to stop.
    fn cancel(&self) {
        self.0.cancel();
    }
    /// Whether cancellation was asked.
    #[getter]
    fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// What a hub command returned: its `value` and the `events` it emitted (settling
/// included), in order.
#[pyclass(frozen, module = "fivergo._fivergo", name = "Outcome")]
pub struct PyOutcome {
    value: Py<PyAny>,
    events: Vec<fivergo_core::Recorded>,
}

impl PyOutcome {
    /// An outcome with a converted value.
    pub fn new(value: Py<PyAny>, events: Vec<fivergo_core::Recorded>) -> Self {
        Self { value, events }
    }
}

#[pymethods]
impl PyOutcome {
    /// The command's value (an id, an artifact, `None` ...).
    #[getter]
    fn value(&self, py: Python<'_>) -> Py<PyAny> {
        self.value.clone_ref(py)
    }
    /// The events the command emitted.
    #[getter]
    fn events(&self) -> Vec<PyEvent> {
        self.events.iter().cloned().map(PyEvent).collect()
    }
    /// The kinds of the events, in order.
    fn kinds(&self) -> Vec<&'static str> {
        self.events.iter().map(|e| e.kind()).collect()
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "Outcome(value={}, events={:?})",
            self.value.bind(py).repr()?,
            self.kinds()
        ))
    }
}

/// What a client asks for: a text, a quantity (units of the price) and tags.
#[pyclass(frozen, eq, module = "fivergo._fivergo", name = "Brief")]
#[derive(Clone, PartialEq)]
pub struct PyBrief(pub fivergo_core::Brief);

#[pymethods]
impl PyBrief {
    /// `Brief("a koi", quantity=1, tags=[])`.
    #[new]
    #[pyo3(signature = (text, quantity=Int(1), tags=Arg(Vec::new())))]
    #[pyo3(text_signature = "(text, quantity=1, tags=[])")]
    fn new(text: Arg<String>, quantity: Int<u32>, tags: Arg<Vec<String>>) -> Self {
        let text: String = text.0;
        let quantity: u32 = quantity.0;
        let tags: Vec<String> = tags.0;
        let mut brief = fivergo_core::Brief::new(text).with_quantity(quantity);
        brief.tags = tags;
        Self(brief)
    }
    /// The text.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }
    /// The quantity.
    #[getter]
    fn quantity(&self) -> u32 {
        self.0.quantity
    }
    /// The tags.
    #[getter]
    fn tags(&self) -> Vec<String> {
        self.0.tags.clone()
    }
    fn __repr__(&self) -> String {
        format!(
            "Brief({:?}, quantity={}, tags={:?})",
            self.0.text, self.0.quantity, self.0.tags
        )
    }
}

/// A brief from a `Brief` or a plain string (one unit).
pub fn brief_arg(obj: &Bound<'_, PyAny>) -> PyResult<fivergo_core::Brief> {
    if let Ok(b) = obj.cast::<PyBrief>() {
        return Ok(b.get().0.clone());
    }
    let text = obj
        .extract::<String>()
        .map_err(|_| type_err("brief", "a brief is a str or a Brief"))?;
    Ok(fivergo_core::Brief::new(text))
}
