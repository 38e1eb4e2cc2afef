//! Frozen value classes: the core's records (events, findings, sellers, models,
//! orders ...) held as their Rust value, plus `Money`, `Policy`, `Brief`, `PriceSpec`,
//! `ManualClock`, `SimulatedGateway`, `CancelHandle` and `Outcome`.
//!
//! A record has one typed getter per field of its wire form (`fivergo_core::wire`):
//! money is a `Money`, an instant an aware UTC `datetime`, a nested record a `dict`,
//! a list a `list`. The wire form is converted once, on the first read, and kept with
//! the object. Records also expose `to_dict()` (plain JSON types, the store's JSON),
//! `to_json()`, `from_json()` / `from_dict()`, `==` and a readable `repr`.

use crate::convert::{from_py, json_to_py, record_to_py, to_json, to_plain, wire_of, Arg, Int};
use crate::errors::{guarded, to_py_err, type_err, value_err};
use fivergo_core::wire::Wire;
use fivergo_core::{Currency, Money, Policy};
use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
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

/// A record's wire form as a `dict` of its fields.
fn record_dict<T: serde::Serialize>(py: Python<'_>, what: &str, value: &T) -> PyResult<Py<PyDict>> {
    match wire_of(value)? {
        Wire::Record(fields) => Ok(record_to_py(py, &fields)?.unbind()),
        other => Err(value_err(
            "value",
            format!("a {what} is not a record on the wire: {other:?}"),
        )),
    }
}

/// Defines a record class over a core type: `new`, a clone that forgets the cache,
/// the common methods and one getter per listed field of the wire form (a field the
/// core left out, such as an absent optional one, reads `None`). The test suite checks
/// that every key of `to_dict()` is an attribute, so a field the core adds cannot go
/// missing here unnoticed.
macro_rules! record {
    (
        $name:ident, $py:literal, $ty:ty, $doc:literal,
        fields { $( $(#[$fmeta:meta])* $field:ident ),* $(,)? }
        $(, { $($extra:tt)* })?
    ) => {
        #[doc = $doc]
        #[pyclass(frozen, from_py_object, module = "fivergo._fivergo", name = $py)]
        pub struct $name {
            /// The core's value.
            pub value: $ty,
            /// Its wire form as a dict, converted on the first read.
            wire: PyOnceLock<Py<PyDict>>,
        }

        impl $name {
            /// Wraps a core value (nothing is converted yet).
            pub fn new(value: $ty) -> Self {
                Self { value, wire: PyOnceLock::new() }
            }

            /// The wire form's fields, converted once.
            fn fields<'py>(&self, py: Python<'py>) -> PyResult<&Bound<'py, PyDict>> {
                let dict = self
                    .wire
                    .get_or_try_init(py, || guarded(py, || record_dict(py, $py, &self.value)))?;
                Ok(dict.bind(py))
            }

            /// One field of the wire form; `None` when the core left it out.
            #[allow(dead_code)]
            fn field(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
                Ok(self.fields(py)?.get_item(name)?.map_or_else(|| py.None(), Bound::unbind))
            }
        }

        impl Clone for $name {
            fn clone(&self) -> Self {
                Self::new(self.value.clone())
            }
        }

        #[pymethods]
        impl $name {
            $(
                $(#[$fmeta])*
                #[getter]
                fn $field(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                    self.field(py, stringify!($field).trim_start_matches("r#"))
                }
            )*

            /// The value as a plain dict of JSON types (ids and enums as strings, money as
            /// `{"amount", "currency"}`, instants as RFC 3339 strings).
            fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                guarded(py, || to_plain(py, &self.value))
            }

            /// The value as JSON (the core's serde form).
            fn to_json(&self) -> PyResult<String> {
                serde_json::to_string(&self.value).map_err(|e| value_err("value", e.to_string()))
            }

            /// Parses the JSON `to_json` wrote.
            #[classmethod]
            fn from_json(_cls: &Bound<'_, PyType>, json: Arg<String>) -> PyResult<Self> {
                let json: &str = &json;
                guarded(_cls.py(), || serde_json::from_str(json).map(Self::new).map_err(|e| value_err("json", format!("invalid {}: {e}", $py))))
            }

            /// Builds the value from the dict `to_dict` returned (or one with `Money`,
            /// `Decimal` and `datetime` values, as the attributes hold them).
            #[classmethod]
            fn from_dict(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
                guarded(data.py(), || from_py($py, data, &Policy::default().limits).map(Self::new))
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other.cast::<Self>().is_ok_and(|o| o.get().value == self.value)
            }

            fn __repr__(&self) -> PyResult<String> {
                Ok(repr_of($py, &to_json(&self.value)?))
            }

            /// Pickles (and copies) as `from_json(to_json())`.
            fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                let json = slf.get().to_json()?;
                Ok((slf.get_type().getattr("from_json")?, (json,)))
            }

            $($($extra)*)?
        }
    };
}

record!(
    PyEvent,
    "Event",
    fivergo_core::Recorded,
    "An event as the store recorded it: the envelope (`.id`, `.partition`, `.sequence`, `.position`, `.recorded_at`), its `.type` (also `.kind`), and the fields of its kind as attributes (`event.model`, `event.at` ...).",
    fields {
        /// `<seller>/event-<sequence>`: unique across the marketplace.
        id,
        /// The seller whose partition holds it.
        partition,
        /// Its rank in the partition, from 1.
        sequence,
        /// Its rank in the store, from 1: what `events_since` cursors count.
        position,
        /// When the store recorded it (UTC).
        recorded_at,
        /// The event's kind, e.g. `"model_created"`.
        r#type,
    },
    {
        /// The event's kind, e.g. `"model_created"` (also `.type`).
        #[getter]
        fn kind(&self) -> &'static str {
            self.value.kind()
        }

        /// A field of the event's kind (`event.model`, `event.at` ...), in its wire
        /// form; `AttributeError` when this kind has no such field.
        fn __getattr__(&self, py: Python<'_>, name: &str) -> PyResult<Py<PyAny>> {
            match self.fields(py)?.get_item(name)? {
                Some(value) => Ok(value.unbind()),
                None => Err(PyAttributeError::new_err(format!(
                    "a {} event has no field `{name}`",
                    self.value.kind()
                ))),
            }
        }

        /// The fields of the event's kind (the envelope left out), as a dict.
        #[getter]
        fn data<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            let data = self.fields(py)?.copy()?;
            for key in ["id", "partition", "sequence", "position", "recorded_at", "type"] {
                if data.contains(key)? {
                    data.del_item(key)?;
                }
            }
            Ok(data)
        }
    }
);
record!(
    PyFinding,
    "Finding",
    fivergo_core::Finding,
    "A review finding about a model's asset set (A4, A8): code, severity, asset, rule, message.",
    fields {
        /// Stable snake_case code.
        code,
        /// `"warning"` or `"error"`.
        severity,
        /// The asset it concerns, or `None` for findings about the whole set.
        asset,
        /// The SPEC rule.
        rule,
        /// A sentence for the seller.
        message,
    }
);
record!(
    PySeller,
    "Seller",
    fivergo_core::Seller,
    "A seller: level, Pro flag, Gigs, payment methods, balance and reputation.",
    fields {
        /// The host's id for the seller.
        id,
        /// `"new"`, `"level_1"`, `"level_2"` or `"top_rated"`.
        level,
        /// The Pro flag, beside the level.
        pro,
        /// Subcategory slugs the seller has a Gig in (C2).
        gigs,
        /// Available balance (`Money`), used first for renewals (S2).
        balance,
        /// Stored cards and PayPal accounts: dicts with `id`, `kind`, `label`.
        payment_methods,
        /// Reputation figures (R1-R3): `success_score_orders`, `rating_sum`, `rating_count`.
        reputation,
    }
);
record!(
    PyModel,
    "CreationModel",
    fivergo_core::CreationModel,
    "A seller's AI creation model.",
    fields {
        /// The model id.
        id,
        /// The seller who owns it (D1).
        owner,
        /// The catalogue slug (C2).
        subcategory,
        /// Generated when training first starts (C3), else `None`.
        name,
        /// `"draft"`, `"training"`, `"ready"`, `"published"`, `"unpublished"` or `"archived"` (M3).
        status,
        /// When it was created.
        created_at,
        /// Selected asset ids, in selection order.
        assets,
        /// The seller's instructions (A5).
        instructions,
        /// When the seller attested originality (A9).
        attested_at,
        /// The live trained version (a dict), or `None` before a training succeeded.
        live,
        /// Bumped by every change of assets, instructions or tags (A7).
        settings_rev,
        /// The training queued or running, if any.
        active_job,
        /// Playground generations so far (M2).
        playground_generations,
        /// The price (a dict, P1-P5), or `None`.
        price,
        /// Where clients meet it (M4): `gigs` and `on_profile`.
        placement,
        /// Orders clients bought from it (M5).
        creations,
        /// Issue reports (M6).
        reports,
    },
    {
        /// Whether the settings changed since the live version was trained (A7).
        #[getter]
        fn stale(&self) -> bool {
            self.value.is_stale()
        }
    }
);
record!(
    PyOrder,
    "Order",
    fivergo_core::Order,
    "A client's order.",
    fields {
        /// The order id.
        id,
        /// The invisible payload of each draft delivered, in order (`None` where none fit, W2).
        draft_payloads,
        /// The buyer (D2).
        client,
        /// The model's owner.
        seller,
        /// The model.
        model,
        /// `"immediate_download"` or `"custom_offer"` (G3).
        path,
        /// What the client asked for: `text`, `quantity`, `tags`.
        brief,
        /// The generation seed.
        seed,
        /// Where it stands (`"drafted"`, `"released"`, `"completed"` ...).
        status,
        /// The quote (immediate download), or `None`.
        quote,
        /// The custom offer (V2), or `None`.
        offer,
        /// The watermarked draft's file reference, or `None`.
        draft,
        /// The clean file's reference, or `None` (held back until approved and paid, G1).
        clean,
        /// The client approved the current delivery.
        approved,
        /// When the payment completed.
        paid_at,
        /// When the clean file was first downloaded (starts the revision window).
        downloaded_at,
        /// The client's revision notes.
        revision_notes,
        /// When the client approved the final delivery or accepted it.
        completed_at,
        /// The review (R2), or `None`.
        review,
        /// Whether the client made the delivery public (D3).
        delivery_public,
        /// Partial refunds issued so far (F2).
        refunded,
        /// When the order was created.
        created_at,
    }
);
record!(
    PyJob,
    "TrainingJob",
    fivergo_core::training::TrainingJob,
    "A training job.",
    fields {
        /// The job id.
        id,
        /// The model trained.
        model,
        /// Its owner.
        seller,
        /// `"queued"`, `"running"`, `"succeeded"`, `"failed"` or `"cancelled"` (T4).
        status,
        /// 0-100.
        progress_pct,
        /// The quota window it counts against (T1, T2).
        window,
        /// The assets it trains on (D5).
        assets,
        /// The instructions it trains with (A5).
        instructions,
        /// The model's settings revision when queued (A7).
        settings_rev,
        /// When it was queued.
        queued_at,
        /// When it finished, if it did.
        finished_at,
        /// Why it failed, if it did.
        failure,
        /// While running: until when its runner holds it.
        lease_until,
        /// How many times a runner started it.
        attempt,
        /// Who runs it, while running.
        worker,
        /// Someone asked the running job to stop.
        cancel_requested,
    }
);
record!(
    PyGeneration,
    "GenerationJob",
    fivergo_core::GenerationJob,
    "A queued generation: request, status, attempt, worker, outcome, failure.",
    fields {
        /// The generation id.
        id,
        /// What to make (a dict with `type`: `playground`, `order_draft`, `accept_offer`, `revision`).
        request,
        /// `"queued"`, `"running"`, `"succeeded"`, `"failed"` or `"cancelled"`.
        status,
        /// When it was queued.
        queued_at,
        /// How many times a worker started it.
        attempt,
        /// Who runs it, while running.
        worker,
        /// While running: until when its worker holds it.
        lease_until,
        /// Someone asked the running job to stop.
        cancel_requested,
        /// What it made, once succeeded.
        outcome,
        /// Why it failed, if it did.
        failure,
        /// When it ended.
        finished_at,
    }
);
record!(
    PySubscription,
    "Subscription",
    fivergo_core::Subscription,
    "A seller's monthly subscription.",
    fields {
        /// The subscription id.
        id,
        /// The subscriber.
        seller,
        /// The subscription date: billing months and quota renewals count from it (T3).
        anchor,
        /// The payment method of the first payment.
        method,
        /// Where it stands: a dict with `state` (`active`, `past_due` with `since` and
        /// `period`, `ended` with `at` and `reason`).
        status,
        /// Set by cancel, cleared by resume (S3).
        cancel_at_period_end,
        /// Billing months paid so far.
        paid_periods,
        /// Every charge, by period.
        charges,
        /// When the paid period in progress ends (`None` once ended).
        current_period_end,
        /// When the next renewal is charged (`None` when it will not renew: cancelled, past due, ended).
        renews_at,
    },
    {
        /// `"active"`, `"cancelling"`, `"past_due"` or `"ended"`.
        #[getter]
        fn state_name(&self) -> &'static str {
            self.value.state_name()
        }
    }
);
record!(
    PyQuota,
    "QuotaStatus",
    fivergo_core::QuotaStatus,
    "A model's training quota: window, used, limit, renews_at.",
    fields {
        /// The quota window (T1, T2).
        window,
        /// Trainings counted in the window.
        used,
        /// Trainings allowed in the window.
        limit,
        /// When a new window starts (`None` before subscribing).
        renews_at,
    }
);
record!(
    PyQuote,
    "Quote",
    fivergo_core::Quote,
    "A price quote with its lines and total.",
    fields {
        /// The pricing unit.
        unit,
        /// The amount asked for, in that unit.
        quantity,
        /// Each line (P5).
        lines,
        /// The total (`Money`), rounded to the minor unit (P5).
        total,
        /// Edits the price includes (P1).
        included_edits,
    }
);
record!(
    PyListing,
    "Listing",
    fivergo_core::Listing,
    "A published model as clients see it.",
    fields {
        /// The model.
        model,
        /// Its owner.
        seller,
        /// Its name.
        name,
        /// Its subcategory.
        subcategory,
        /// Its price (a dict).
        price,
        /// Where it is shown.
        placement,
    }
);
record!(
    PyCharge,
    "Charge",
    fivergo_core::subscription::Charge,
    "A subscription charge.",
    fields {
        /// `"<subscription>/<period>"`: a period is never charged twice (S5).
        idempotency_key,
        /// The billing month paid.
        period,
        /// The fee.
        amount,
        /// Where it was taken from: `{"type": "balance"}` or a payment method with its reference.
        source,
        /// When it was taken.
        at,
    }
);
record!(
    PyChargeRequest,
    "ChargeRequest",
    fivergo_core::subscription::ChargeRequest,
    "What a payment gateway is asked to charge (`gateway.charge(request)`).",
    fields {
        /// The same key for the same period on every retry (S5): never charge a key twice.
        idempotency_key,
        /// Who pays.
        seller,
        /// The stored method: a dict with `id`, `kind` (`"card"` or `"paypal"`) and `label`.
        method,
        /// How much.
        amount,
    }
);
record!(
    PyCreation,
    "Creation",
    fivergo_core::model::Creation,
    "A paid creation of a model (M5).",
    fields {
        /// The order.
        order,
        /// The buyer.
        client,
        /// When it was paid.
        purchased_at,
    }
);
record!(
    PyAsset,
    "Asset",
    fivergo_core::Asset,
    "An asset of a seller's library.",
    fields {
        /// The asset id.
        id,
        /// The seller whose library holds it.
        owner,
        /// Where it comes from (a dict with `type`).
        source,
        /// `"image"`, `"audio"` or `"text"`.
        modality,
        /// Facts about the content (only those known).
        meta,
        /// Style, content type and details labels (A6).
        tags,
        /// When it entered the library.
        added_at,
        /// Its rank in the seller's library.
        seq,
        /// The file's reference, when the library holds it, else `None`.
        content,
    }
);
record!(
    PyPartition,
    "Partition",
    fivergo_core::Partition,
    "Everything of one seller's partition: seller, assets, models, jobs, subscriptions, orders, generations.",
    fields {
        /// The seller the partition belongs to.
        id,
        /// Ids minted so far, by kind.
        counters,
    },
    {
        /// The seller, once registered.
        #[getter]
        fn seller(&self) -> Option<PySeller> {
            self.value.seller.clone().map(PySeller::new)
        }
        /// The seller's library, by asset id.
        #[getter]
        fn assets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            by_id(py, self.value.assets.iter().map(|(k, v)| (k.to_string(), PyAsset::new(v.clone()))))
        }
        /// The seller's models, by model id.
        #[getter]
        fn models<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            by_id(py, self.value.models.iter().map(|(k, v)| (k.to_string(), PyModel::new(v.clone()))))
        }
        /// Training jobs of the seller's models, by job id.
        #[getter]
        fn jobs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            by_id(py, self.value.jobs.iter().map(|(k, v)| (k.to_string(), PyJob::new(v.clone()))))
        }
        /// The seller's subscriptions, oldest first.
        #[getter]
        fn subscriptions(&self) -> Vec<PySubscription> {
            self.value.subscriptions.iter().cloned().map(PySubscription::new).collect()
        }
        /// Client orders on the seller's models, by order id.
        #[getter]
        fn orders<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            by_id(py, self.value.orders.iter().map(|(k, v)| (k.to_string(), PyOrder::new(v.clone()))))
        }
        /// Generations queued for workers, by generation id.
        #[getter]
        fn generations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
            by_id(py, self.value.generations.iter().map(|(k, v)| (k.to_string(), PyGeneration::new(v.clone()))))
        }
    }
);

/// A dict of records by id, in id order.
fn by_id<'py, T: IntoPyObject<'py>>(
    py: Python<'py>,
    items: impl Iterator<Item = (String, T)>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (id, item) in items {
        dict.set_item(id, item)?;
    }
    Ok(dict)
}

record!(
    PyPriceSpec,
    "PriceSpec",
    fivergo_core::PriceSpec,
    "A model's price: per unit (P2) or base plus increments (P3).",
    fields {
        /// `"per_unit"` (P2) or `"base_increments"` (P3).
        r#type,
        /// The pricing unit: `"item"`, `"seconds"` or `"words"`.
        unit,
        /// P2: the price of one unit, else `None`.
        unit_price,
        /// P3: the amount the base price covers, else `None`.
        base_quantity,
        /// P3: the price of the base amount, else `None`.
        base_price,
        /// P3: the size of each further increment, else `None`.
        increment_quantity,
        /// P3: the price of each increment, else `None`.
        increment_price,
    },
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
                Ok(Self::new(fivergo_core::PriceSpec::PerUnit {
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
            Ok(Self::new(fivergo_core::PriceSpec::BaseIncrements {
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

/// An amount of money in a currency: a value (`==` and `hash` by amount and currency,
/// `Money('25', 'USD') == Money('25.00', 'USD')`), ordered within one currency
/// (comparing two currencies raises `InvalidInputError`). Every money attribute of a
/// record is a `Money`; hub methods also take a plain `Decimal` (in the policy
/// currency) wherever they take `Money`.
#[pyclass(frozen, module = "fivergo._fivergo", name = "Money")]
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
    /// `==` / `!=` with another `Money` (amount and currency; never equal to a bare
    /// `Decimal`); `<`, `<=`, `>`, `>=` within one currency, `InvalidInputError` across
    /// currencies (the core's `currency_mismatch` reason).
    fn __richcmp__(
        &self,
        py: Python<'_>,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<Self>() else {
            return Ok(py.NotImplemented());
        };
        let other = other.get().0;
        let answer = match op {
            CompareOp::Eq => self.0 == other,
            CompareOp::Ne => self.0 != other,
            _ => {
                let order = self
                    .0
                    .cmp_amount(&other)
                    .map_err(|e| value_err("other", e.to_string()))?;
                op.matches(order)
            }
        };
        Ok(pyo3::types::PyBool::new(py, answer)
            .to_owned()
            .into_any()
            .unbind())
    }
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.0.hash(&mut hasher);
        hasher.finish()
    }
    /// Pickles as `Money(amount, currency)`.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyType>, (String, &'static str))> {
        let m = slf.get().0;
        Ok((
            slf.get_type(),
            (m.amount().to_string(), m.currency().code()),
        ))
    }
    /// `Money('25.00', 'USD')`.
    fn __repr__(&self) -> String {
        format!(
            "Money('{}', '{}')",
            self.0.amount(),
            self.0.currency().code()
        )
    }
    /// `25.00 USD`: at least the currency's minor units.
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
    /// The monthly subscription fee (S1).
    #[getter]
    fn monthly_fee(&self) -> PyMoney {
        PyMoney(self.0.monthly_fee())
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
    /// Every charge taken, one `ChargeRequest` per idempotency key, in key order.
    fn charges(&self) -> Vec<PyChargeRequest> {
        self.0
            .charges()
            .into_iter()
            .map(PyChargeRequest::new)
            .collect()
    }
    /// Makes the next `calls` charges time out (the engine hears "unavailable" and
    /// retries with the same key, S5); with `after_charging`, each takes the charge
    /// first (the answer is what got lost).
    #[pyo3(signature = (calls, after_charging=Arg(false)))]
    #[pyo3(text_signature = "($self, calls, after_charging=False)")]
    fn time_out_next(&self, calls: Int<u32>, after_charging: Arg<bool>) {
        self.0.time_out_next(calls.0, after_charging.0);
    }
    /// How many times the gateway was called, repeated keys and time-outs included.
    fn calls(&self) -> u64 {
        self.0.calls()
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
        self.events.iter().cloned().map(PyEvent::new).collect()
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
