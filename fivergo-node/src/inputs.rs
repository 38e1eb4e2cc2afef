//! JavaScript arguments converted into the core's types. Only conversion: every
//! check on the values is the core's — except what a JavaScript number or `Date`
//! cannot say by its type: numbers arrive as doubles, so [`whole`] refuses NaN,
//! infinities, fractions and values outside the Rust type's range (never a silent
//! coercion: `-1` is not 4 294 967 295, `1.7` is not 1), and [`instant`] refuses an
//! invalid `Date`.

use fivergo_core::asset::{AssetMeta, AssetSource};
use fivergo_core::error::Error as CoreError;
use fivergo_core::generator::Brief;
use fivergo_core::money::Currency;
use fivergo_core::order::CustomOffer;
use fivergo_core::pricing::PriceSpec;
use napi_derive::napi;
use serde_json::Value;

use crate::error::invalid;
use crate::js::{money, parse_enum, parse_json, snake_keys};

/// A card or PayPal account (S2).
#[napi(object)]
pub struct PaymentMethodInput {
    /// The method's id, used by `subscribe`.
    pub id: String,
    /// `card` or `paypal`.
    #[napi(ts_type = "PaymentMethodKind")]
    pub kind: String,
    /// A label for messages ("Visa ending 4242").
    pub label: Option<String>,
}

/// Where a model is shown (M4).
#[napi(object)]
pub struct PlacementInput {
    /// Gigs the model appears on.
    pub gigs: Vec<String>,
    /// Whether it appears on the seller's profile.
    pub on_profile: Option<bool>,
}

/// A custom offer (V2).
#[napi(object, object_to_js = false)]
pub struct OfferInput {
    /// The total price.
    #[napi(ts_type = "MoneyInput")]
    pub price: Value,
    /// The part of the price for work beyond the AI generation (refundable, F2).
    #[napi(ts_type = "MoneyInput")]
    pub non_ai_work: Value,
    /// Revisions included (a whole number, 0 to 4 294 967 295).
    pub revisions: f64,
    /// Hours the revisions stay open after the first download (a whole number, at
    /// most the policy's `orders.max_offer_window_hours`).
    pub revision_window_hours: f64,
    /// Free terms.
    pub terms: Option<String>,
}

/// Steps of a manual clock, whole numbers (negative: back); all default to zero.
#[napi(object, object_to_js = false)]
pub struct ClockStep {
    /// Days.
    pub days: Option<f64>,
    /// Hours.
    pub hours: Option<f64>,
    /// Minutes.
    pub minutes: Option<f64>,
    /// Seconds.
    pub seconds: Option<f64>,
}

impl ClockStep {
    /// The step as a duration; `invalid_input` for a part that is not a whole
    /// number or a sum no duration holds.
    pub fn duration(&self) -> Result<chrono::Duration, CoreError> {
        let part = |field: &str, v: Option<f64>| {
            whole(field, v.unwrap_or(0.0), -MAX_SAFE, MAX_SAFE).map(|v| v as i64)
        };
        fivergo_core::clock::step(
            part("days", self.days)?,
            part("hours", self.hours)?,
            part("minutes", self.minutes)?,
            part("seconds", self.seconds)?,
        )
    }
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// `value` when it is a whole number within `min..=max`; otherwise `invalid_input`
/// naming `field`, the range and what was given (NaN, an infinity, a fraction or a
/// number out of range).
///
/// ```
/// use fivergo_node::inputs::whole;
/// assert_eq!(whole("quantity", 3.0, 0.0, 10.0).unwrap(), 3.0);
/// for bad in [-1.0, 1.7, f64::NAN, f64::INFINITY, 11.0] {
///     assert_eq!(whole("quantity", bad, 0.0, 10.0).unwrap_err().code(), "invalid_input");
/// }
/// ```
pub fn whole(field: &str, value: f64, min: f64, max: f64) -> Result<f64, CoreError> {
    if value.is_finite() && value.fract() == 0.0 && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(CoreError::out_of_range(
            field,
            "value (a whole number)",
            min,
            max,
            value,
        ))
    }
}

/// A whole number for a `u32` argument.
pub fn u32_arg(field: &str, value: f64) -> Result<u32, CoreError> {
    whole(field, value, 0.0, f64::from(u32::MAX)).map(|v| v as u32)
}

/// A whole number for a `u64` argument, up to [`MAX_SAFE`].
pub fn u64_arg(field: &str, value: f64) -> Result<u64, CoreError> {
    whole(field, value, 0.0, MAX_SAFE).map(|v| v as u64)
}

/// A JavaScript `Date` as its milliseconds since the epoch (NaN for an invalid
/// one); [`instant`] checks it.
#[derive(Debug, Clone, Copy)]
pub struct JsInstant(pub f64);

impl napi::bindgen_prelude::TypeName for JsInstant {
    fn type_name() -> &'static str {
        "Date"
    }
    fn value_type() -> napi::ValueType {
        napi::ValueType::Object
    }
}

impl napi::bindgen_prelude::FromNapiValue for JsInstant {
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        let mut is_date = false;
        let mut ms = f64::NAN;
        // SAFETY: `env` and `value` are the live handles napi passes to a conversion.
        unsafe {
            napi::check_status!(napi::sys::napi_is_date(env, value, &mut is_date))?;
            if !is_date {
                return Err(napi::Error::new(
                    napi::Status::DateExpected,
                    "expected a Date",
                ));
            }
            napi::check_status!(napi::sys::napi_get_date_value(env, value, &mut ms))?;
        }
        Ok(JsInstant(ms))
    }
}

impl napi::bindgen_prelude::ToNapiValue for JsInstant {
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        value: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        let mut out = std::ptr::null_mut();
        // SAFETY: `env` is the live environment napi passes to a conversion.
        unsafe { napi::check_status!(napi::sys::napi_create_date(env, value.0, &mut out))? };
        Ok(out)
    }
}

/// The instant of a `Date`: `invalid_input` naming `field` for an invalid `Date`
/// (`new Date(NaN)`); the manual clock's range is the core's to check.
pub fn instant(field: &str, at: JsInstant) -> Result<chrono::DateTime<chrono::Utc>, CoreError> {
    let ms = whole(field, at.0, -8.64e15, 8.64e15)?;
    chrono::DateTime::from_timestamp_millis(ms as i64).ok_or_else(|| {
        CoreError::out_of_range(field, "instant", "-262143-01-01", "+262142-12-31", ms)
    })
}

/// How long a JavaScript gateway's `charge` may take, by default, when an async
/// command waits for it (10 s).
pub const GATEWAY_DEADLINE_MS: u32 = 10_000;

/// The host's payment gateway, written in JavaScript and reached through `dispatch`
/// (op `charge`).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct GatewayOptions {
    /// How long an async command (`workOnce`, `runTraining`, ...) waits for `charge`
    /// before the charge counts as unavailable (S5), in milliseconds: a whole number
    /// from 1 to 3 600 000, default 10 000. A synchronous command calls `charge` on
    /// the JavaScript thread and cannot wait for a Promise (see `Gateway`).
    pub deadline_ms: Option<f64>,
}

/// How to build a hub.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct HubOptions {
    /// The policy as JSON (`Policy#toJsonString()`); the default policy when absent.
    pub policy: Option<String>,
    /// Starts a manual clock at this instant (moved by `advanceClock` / `setClock`),
    /// from 1970 to year 9000; the system clock when absent.
    #[napi(ts_type = "Date")]
    pub start: Option<JsInstant>,
    /// The store: `memory:` (the default, a fresh one), `sqlite:path/fivergo.db`
    /// (created and migrated when needed; its files in `path/fivergo.db.blobs/`) or
    /// `postgres://...`. `Hub.open(url, options)` sets it.
    pub store: Option<String>,
    /// Which generator serves which subcategory (C1): a registry for all of them
    /// (`echo`, the default placeholder; `reference`, the core's offline reference
    /// generators; `none`), or an object whose keys are subcategories, or `*` for
    /// the registry under them, and whose values are a generator's name (`quilt`,
    /// `jingle_synth`, `espeak_guide`, `markov_text`, `echo`) or `{js: name}`, a
    /// JavaScript generator reached through `dispatch`. An unknown key or name is
    /// `invalid_input` naming `generators.<key>`.
    #[napi(ts_type = "GeneratorSpec")]
    pub generators: Option<Value>,
    /// Charges through the host's gateway, reached through `dispatch`, instead of
    /// the simulated one.
    pub gateway: Option<GatewayOptions>,
}

/// A brief: a string (one unit) or `{text, quantity, tags}`.
pub fn brief(value: Value) -> Result<Brief, CoreError> {
    match value {
        Value::String(text) => Ok(Brief::new(text)),
        Value::Object(mut o) => {
            o.entry("quantity").or_insert(Value::from(1));
            parse_json("brief", Value::Object(o))
        }
        _ => Err(invalid("brief", "a string or {text, quantity, tags}")),
    }
}

/// An asset source: `portfolio`, `work_sample`, `upload`, or
/// `{type: "client_delivery", order, public}`.
pub fn source(value: Value) -> Result<AssetSource, CoreError> {
    match value {
        Value::String(kind) => parse_json("source", serde_json::json!({ "type": kind })),
        other => parse_json("source", other),
    }
}

/// Measured metadata (camelCase keys); `{}` when absent.
pub fn meta(value: Option<Value>) -> Result<AssetMeta, CoreError> {
    value.map_or(Ok(AssetMeta::default()), |v| parse_json("meta", v))
}

/// A price (P1–P5): `{type: "per_unit", unit, unitPrice}` or
/// `{type: "base_increments", unit, baseQuantity, basePrice, incrementQuantity, incrementPrice}`.
pub fn price(value: Value, currency: Currency) -> Result<PriceSpec, CoreError> {
    let v = snake_keys(value);
    let field = |k: &str| {
        v.get(k)
            .ok_or_else(|| invalid("price", format!("missing `{k}`")))
    };
    let count = |k: &str| -> Result<u32, CoreError> {
        field(k)?
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| invalid(k, "a whole number"))
    };
    let unit = parse_enum("unit", field("unit")?.as_str().unwrap_or_default())?;
    match field("type")?.as_str() {
        Some("per_unit") => Ok(PriceSpec::PerUnit {
            unit,
            unit_price: money(field("unit_price")?, currency)?,
        }),
        Some("base_increments") => Ok(PriceSpec::BaseIncrements {
            unit,
            base_quantity: count("base_quantity")?,
            base_price: money(field("base_price")?, currency)?,
            increment_quantity: count("increment_quantity")?,
            increment_price: money(field("increment_price")?, currency)?,
        }),
        _ => Err(invalid("price", "type is `per_unit` or `base_increments`")),
    }
}

/// A custom offer.
pub fn offer(o: &OfferInput, currency: Currency) -> Result<CustomOffer, CoreError> {
    Ok(CustomOffer {
        price: money(&o.price, currency)?,
        non_ai_work: money(&o.non_ai_work, currency)?,
        revisions: u32_arg("revisions", o.revisions)?,
        revision_window_hours: u32_arg("revisionWindowHours", o.revision_window_hours)?,
        terms: o.terms.clone().unwrap_or_default(),
    })
}

/// A seed: a whole number from 0 to 2^53 − 1 (default 1).
pub fn seed(seed: Option<f64>) -> Result<u64, CoreError> {
    u64_arg("seed", seed.unwrap_or(1.0))
}
