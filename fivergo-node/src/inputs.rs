//! JavaScript arguments converted into the core's types. Only conversion: every
//! check on the values is the core's.

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
#[napi(object)]
pub struct OfferInput {
    /// The total price.
    #[napi(ts_type = "MoneyInput")]
    pub price: Value,
    /// The part of the price for work beyond the AI generation (refundable, F2).
    #[napi(ts_type = "MoneyInput")]
    pub non_ai_work: Value,
    /// Revisions included.
    pub revisions: u32,
    /// Hours the revisions stay open after the first download.
    pub revision_window_hours: u32,
    /// Free terms.
    pub terms: Option<String>,
}

/// Steps of a manual clock; all default to zero.
#[napi(object)]
pub struct ClockStep {
    /// Days.
    pub days: Option<i64>,
    /// Hours.
    pub hours: Option<i64>,
    /// Minutes.
    pub minutes: Option<i64>,
    /// Seconds.
    pub seconds: Option<i64>,
}

impl ClockStep {
    /// The step as a duration.
    pub fn duration(&self) -> chrono::Duration {
        chrono::Duration::days(self.days.unwrap_or(0))
            + chrono::Duration::hours(self.hours.unwrap_or(0))
            + chrono::Duration::minutes(self.minutes.unwrap_or(0))
            + chrono::Duration::seconds(self.seconds.unwrap_or(0))
    }
}

/// A JavaScript generator serving a subcategory.
#[napi(object)]
pub struct JsGeneratorSpec {
    /// The subcategory it serves.
    pub subcategory: String,
    /// Its name, recorded in trained styles.
    pub name: String,
}

/// How to build a hub.
#[napi(object)]
pub struct HubOptions {
    /// The policy as JSON (`Policy#toJsonString()`); the default policy when absent.
    pub policy: Option<String>,
    /// Starts a manual clock at this instant (moved by `advanceClock` / `setClock`);
    /// the system clock when absent.
    pub start: Option<chrono::DateTime<chrono::Utc>>,
    /// Restores a snapshot (`hub.snapshot()`); its policy replaces `policy`.
    pub snapshot: Option<String>,
    /// Rebuilds the hub by replaying an event log (`hub.eventsJson()`).
    pub replay: Option<String>,
    /// Subcategories served by JavaScript generators (called through `dispatch`).
    pub js_generators: Option<Vec<JsGeneratorSpec>>,
    /// The built-in generators under the JavaScript ones: `echo` (the default: a
    /// placeholder everywhere) or `reference` (the core's offline reference
    /// generators: quilt images, jingle synth, espeak guide voice, Markov text).
    #[napi(ts_type = "'echo' | 'reference'")]
    pub builtin_generators: Option<String>,
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
    let field = |k: &str| v.get(k).ok_or_else(|| invalid("price", format!("missing `{k}`")));
    let count = |k: &str| -> Result<u32, CoreError> {
        field(k)?.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| invalid(k, "a whole number"))
    };
    let unit = parse_enum("unit", field("unit")?.as_str().unwrap_or_default())?;
    match field("type")?.as_str() {
        Some("per_unit") => Ok(PriceSpec::PerUnit { unit, unit_price: money(field("unit_price")?, currency)? }),
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
        revisions: o.revisions,
        revision_window_hours: o.revision_window_hours,
        terms: o.terms.clone().unwrap_or_default(),
    })
}

/// A seed: a non-negative integer (default 1).
pub fn seed(seed: Option<i64>) -> Result<u64, CoreError> {
    u64::try_from(seed.unwrap_or(1)).map_err(|_| invalid("seed", "must not be negative"))
}
