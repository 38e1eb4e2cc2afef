//! The one form in which every record leaves the core for a binding.
//!
//! The core's types serialize with serde to JSON for the store. A binding needs a
//! little more than JSON: which strings are instants and which objects are money.
//! [`to_wire`] runs a value's own `Serialize` into a [`Wire`] tree that says so by
//! type, not by guessing from field names: instant fields are marked in their type
//! definitions (`#[serde(with = "crate::wire::instant")]`, invisible in the JSON), and
//! [`Money`] is recognised by its type. Python turns a `Wire` into `datetime`,
//! `Money`, `dict` and `list`; Node into `Date`, `{amount, currency}`, objects and
//! arrays with camelCase keys. Files never travel inside records: an asset, a draft or
//! a style is a [`BlobRef`](crate::BlobRef) (`{sha256, len, media_type}`) that the
//! host fetches with an actor-scoped read.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use fivergo_core::wire::{to_wire, Wire};
//! use fivergo_core::{Currency, Event, Money, SellerId};
//! let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
//! let event = Event::BalanceCredited {
//!     seller: SellerId::from("ana"),
//!     amount: Money::parse("25", Currency::Usd).unwrap(),
//!     at,
//! };
//! let wire = to_wire(&event).unwrap();
//! assert_eq!(wire.get("type"), Some(&Wire::Str("balance_credited".into())));
//! assert_eq!(wire.get("at"), Some(&Wire::Instant(at)));
//! assert!(matches!(wire.get("amount"), Some(Wire::Money(m)) if m.currency() == Currency::Usd));
//! // The JSON of a wire value is the store's JSON.
//! assert_eq!(wire.to_json(), serde_json::to_value(&event).unwrap());
//! ```

use crate::error::Error;
use crate::money::Money;
use chrono::{DateTime, Utc};
use serde::ser::{self, Serialize, Serializer};
use std::borrow::Cow;
use std::cell::Cell;

/// The serde name that marks an instant (see [`instant`]).
const INSTANT: &str = "$fivergo::Instant";
/// The serde name that marks an amount (see [`Money`]'s `Serialize`).
const MONEY: &str = "$fivergo::Money";

/// A typed value that [`to_wire`] takes as it is, instead of reading back its text.
#[derive(Clone, Copy)]
enum Carried {
    Instant(DateTime<Utc>),
    Money(Money),
}

thread_local! {
    /// The typed value behind the marked newtype being written, with the address of
    /// the value passed to `serialize_newtype_struct`: any serializer writes the value's
    /// serde form (JSON: text), while [`to_wire`] takes the typed value, with no text
    /// formatted and parsed back.
    static CARRIED: Cell<Option<(usize, Carried)>> = const { Cell::new(None) };
}

/// Writes `value` as the newtype `name` and leaves `typed` for [`to_wire`] to take.
fn carry<S: Serializer, T: Serialize>(
    s: S,
    name: &'static str,
    value: &T,
    typed: Carried,
) -> Result<S::Ok, S::Error> {
    CARRIED.set(Some((address(value), typed)));
    s.serialize_newtype_struct(name, value)
}

fn address<T: ?Sized>(value: &T) -> usize {
    (value as *const T).cast::<()>() as usize
}

/// How [`Money`] serializes: the fields `amount` (decimal text) and `currency`, marked
/// so that [`to_wire`] gives [`Wire::Money`].
pub(crate) fn serialize_money<S: Serializer>(money: &Money, s: S) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    #[serde(rename = "Money")]
    struct Fields {
        amount: rust_decimal::Decimal,
        currency: crate::money::Currency,
    }
    let fields = Fields {
        amount: money.amount(),
        currency: money.currency(),
    };
    carry(s, MONEY, &fields, Carried::Money(*money))
}

/// A record field or value as a binding receives it.
///
/// ```
/// use fivergo_core::wire::{to_wire, Wire};
/// use fivergo_core::{Currency, Money};
/// assert_eq!(to_wire(&Some(3u8)).unwrap(), Wire::Int(3));
/// assert_eq!(to_wire(&None::<u8>).unwrap(), Wire::Null);
/// assert_eq!(to_wire(&u64::MAX).unwrap(), Wire::UInt(u64::MAX));
/// let price = Money::parse("9.99", Currency::Usd).unwrap();
/// assert_eq!(to_wire(&price).unwrap(), Wire::Money(price)); // by type, not by shape
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Wire {
    /// No value (`None`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer above `i64::MAX`.
    UInt(u64),
    /// A float (scores, similarities).
    Float(f64),
    /// A string: ids, texts, enum names (borrowed for the names of enum variants).
    Str(Cow<'static, str>),
    /// An instant, UTC.
    Instant(DateTime<Utc>),
    /// An amount with its currency.
    Money(Money),
    /// A list.
    List(Vec<Wire>),
    /// A record or map: field names as the core's serde writes them (snake_case), in order.
    Record(Vec<(Cow<'static, str>, Wire)>),
}

impl Wire {
    /// The field `key` of a record; `None` for a missing field or a non-record.
    ///
    /// ```
    /// use fivergo_core::wire::Wire;
    /// let r = Wire::Record(vec![("n".into(), Wire::Int(3))]);
    /// assert_eq!(r.get("n"), Some(&Wire::Int(3)));
    /// assert_eq!(r.get("m"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<&Wire> {
        match self {
            Wire::Record(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as the store's JSON: instants as RFC 3339, money as
    /// `{"amount": "25.00", "currency": "USD"}`.
    ///
    /// ```
    /// use fivergo_core::wire::Wire;
    /// use fivergo_core::{Currency, Money};
    /// let m = Wire::Money(Money::parse("1.5", Currency::Usd).unwrap());
    /// assert_eq!(m.to_json(), serde_json::json!({"amount": "1.5", "currency": "USD"}));
    /// ```
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Wire::Null => Value::Null,
            Wire::Bool(b) => Value::Bool(*b),
            Wire::Int(i) => Value::from(*i),
            Wire::UInt(u) => Value::from(*u),
            Wire::Float(f) => Value::from(*f),
            Wire::Str(s) => Value::String(s.to_string()),
            Wire::Instant(at) => serde_json::to_value(at).unwrap_or(Value::Null),
            Wire::Money(m) => serde_json::to_value(m).unwrap_or(Value::Null),
            Wire::List(items) => Value::Array(items.iter().map(Wire::to_json).collect()),
            Wire::Record(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Serializes `value` into its [`Wire`] form.
///
/// Every type of the core converts; a `Serialize` impl that fails (a map with
/// non-string keys) is `invalid_input` naming `value`.
///
/// ```
/// use fivergo_core::wire::{to_wire, Wire};
/// assert_eq!(to_wire(&(1u8, "a")).unwrap(), Wire::List(vec![Wire::Int(1), Wire::Str("a".into())]));
/// ```
pub fn to_wire<T: Serialize + ?Sized>(value: &T) -> Result<Wire, Error> {
    value
        .serialize(WireSerializer)
        .map_err(|e| Error::InvalidInput {
            field: "value".into(),
            reason: e.0,
        })
}

/// Serde `with` module that marks a `DateTime<Utc>` field as an instant on the wire
/// (the JSON is chrono's RFC 3339, unchanged).
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Stamp {
///     #[serde(with = "fivergo_core::wire::instant")]
///     at: chrono::DateTime<chrono::Utc>,
/// }
/// let at = chrono::DateTime::UNIX_EPOCH;
/// let w = fivergo_core::wire::to_wire(&Stamp { at }).unwrap();
/// assert_eq!(w.get("at"), Some(&fivergo_core::wire::Wire::Instant(at)));
/// ```
pub mod instant {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the instant inside a newtype that only [`super::to_wire`] looks at.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use fivergo_core::wire::instant;
    /// let at: DateTime<Utc> = "2026-01-31T10:00:00Z".parse().unwrap();
    /// let mut json = Vec::new();
    /// instant::serialize(&at, &mut serde_json::Serializer::new(&mut json)).unwrap();
    /// assert_eq!(json, br#""2026-01-31T10:00:00Z""#); // plain RFC 3339 in JSON
    /// ```
    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        super::carry(s, super::INSTANT, at, super::Carried::Instant(*at))
    }

    /// Reads chrono's RFC 3339.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use fivergo_core::wire::instant;
    /// let mut json = serde_json::Deserializer::from_str(r#""2026-01-31T10:00:00+01:00""#);
    /// let at: DateTime<Utc> = instant::deserialize(&mut json).unwrap();
    /// assert_eq!(at.to_rfc3339(), "2026-01-31T09:00:00+00:00");
    /// ```
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        DateTime::<Utc>::deserialize(d)
    }
}

/// [`instant`] for an `Option<DateTime<Utc>>` field.
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Stamp {
///     #[serde(with = "fivergo_core::wire::instant_opt")]
///     at: Option<chrono::DateTime<chrono::Utc>>,
/// }
/// let w = fivergo_core::wire::to_wire(&Stamp { at: None }).unwrap();
/// assert_eq!(w.get("at"), Some(&fivergo_core::wire::Wire::Null));
/// ```
pub mod instant_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// `None` as null, an instant as [`super::instant`] writes it.
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use fivergo_core::wire::instant_opt;
    /// let at: Option<DateTime<Utc>> = Some("2026-01-31T10:00:00Z".parse().unwrap());
    /// let mut json = Vec::new();
    /// instant_opt::serialize(&at, &mut serde_json::Serializer::new(&mut json)).unwrap();
    /// assert_eq!(json, br#""2026-01-31T10:00:00Z""#);
    /// json.clear();
    /// instant_opt::serialize(&None, &mut serde_json::Serializer::new(&mut json)).unwrap();
    /// assert_eq!(json, b"null");
    /// ```
    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_some(&Marked(at)),
            None => s.serialize_none(),
        }
    }

    /// Reads null or chrono's RFC 3339.
    ///
    /// ```
    /// use fivergo_core::wire::instant_opt;
    /// let mut json = serde_json::Deserializer::from_str("null");
    /// assert_eq!(instant_opt::deserialize(&mut json).unwrap(), None);
    /// let mut json = serde_json::Deserializer::from_str(r#""2026-01-31T10:00:00Z""#);
    /// assert_eq!(instant_opt::deserialize(&mut json).unwrap().unwrap().timestamp(), 1_769_853_600);
    /// ```
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }

    struct Marked<'a>(&'a DateTime<Utc>);

    impl serde::Serialize for Marked<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            super::instant::serialize(self.0, s)
        }
    }
}

/// Why a value could not become a [`Wire`].
#[derive(Debug)]
struct WireError(String);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WireError {}

impl ser::Error for WireError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        WireError(msg.to_string())
    }
}

struct WireSerializer;

type R = Result<Wire, WireError>;

impl ser::Serializer for WireSerializer {
    type Ok = Wire;
    type Error = WireError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Variant<Seq>;
    type SerializeMap = Map;
    type SerializeStruct = Struct;
    type SerializeStructVariant = Variant<Struct>;

    fn serialize_bool(self, v: bool) -> R {
        Ok(Wire::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> R {
        Ok(Wire::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> R {
        Ok(Wire::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> R {
        Ok(Wire::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> R {
        Ok(Wire::Int(v))
    }
    fn serialize_u8(self, v: u8) -> R {
        Ok(Wire::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> R {
        Ok(Wire::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> R {
        Ok(Wire::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> R {
        Ok(i64::try_from(v).map_or(Wire::UInt(v), Wire::Int))
    }
    fn serialize_f32(self, v: f32) -> R {
        Ok(Wire::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> R {
        Ok(Wire::Float(v))
    }
    fn serialize_char(self, v: char) -> R {
        Ok(Wire::Str(v.to_string().into()))
    }
    fn serialize_str(self, v: &str) -> R {
        Ok(Wire::Str(v.to_owned().into()))
    }
    fn serialize_bytes(self, v: &[u8]) -> R {
        Ok(Wire::List(
            v.iter().map(|b| Wire::Int((*b).into())).collect(),
        ))
    }
    fn serialize_none(self) -> R {
        Ok(Wire::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(Wire::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        Ok(Wire::Null)
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> R {
        Ok(Wire::Str(Cow::Borrowed(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> R {
        if name != INSTANT && name != MONEY {
            return value.serialize(WireSerializer);
        }
        match CARRIED.take() {
            Some((at, Carried::Instant(instant))) if at == address(value) && name == INSTANT => {
                Ok(Wire::Instant(instant))
            }
            Some((at, Carried::Money(money))) if at == address(value) && name == MONEY => {
                Ok(Wire::Money(money))
            }
            _ => Err(WireError(format!("`{name}` written without its value"))),
        }
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        Ok(Wire::Record(vec![(
            Cow::Borrowed(variant),
            value.serialize(WireSerializer)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, WireError> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, WireError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, WireError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq>, WireError> {
        Ok(Variant(variant, Seq(Vec::with_capacity(len))))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, WireError> {
        Ok(Map(Vec::with_capacity(len.unwrap_or(0)), None))
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Struct, WireError> {
        Ok(Struct(Vec::with_capacity(len)))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Struct>, WireError> {
        Ok(Variant(variant, Struct(Vec::with_capacity(len))))
    }
}

struct Seq(Vec<Wire>);

impl Seq {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WireError> {
        self.0.push(value.serialize(WireSerializer)?);
        Ok(())
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WireError> {
        self.push(value)
    }
    fn end(self) -> R {
        Ok(Wire::List(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WireError> {
        self.push(value)
    }
    fn end(self) -> R {
        Ok(Wire::List(self.0))
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WireError> {
        self.push(value)
    }
    fn end(self) -> R {
        Ok(Wire::List(self.0))
    }
}

/// A map: keys must come out as strings (or numbers, written as their text).
struct Map(Vec<(Cow<'static, str>, Wire)>, Option<Cow<'static, str>>);

impl ser::SerializeMap for Map {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), WireError> {
        self.1 = Some(match key.serialize(WireSerializer)? {
            Wire::Str(s) => s,
            Wire::Int(i) => i.to_string().into(),
            Wire::UInt(u) => u.to_string().into(),
            other => {
                return Err(WireError(format!(
                    "a map key must be a string, not {other:?}"
                )))
            }
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WireError> {
        let key = self
            .1
            .take()
            .ok_or_else(|| WireError("a map value without its key".into()))?;
        self.0.push((key, value.serialize(WireSerializer)?));
        Ok(())
    }
    fn end(self) -> R {
        Ok(Wire::Record(self.0))
    }
}

/// A struct: a record of its fields.
struct Struct(Vec<(Cow<'static, str>, Wire)>);

impl ser::SerializeStruct for Struct {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WireError> {
        self.0
            .push((Cow::Borrowed(key), value.serialize(WireSerializer)?));
        Ok(())
    }
    fn end(self) -> R {
        Ok(Wire::Record(self.0))
    }
}

/// An enum variant holding fields: `{variant: {...}}` or `{variant: [...]}`.
struct Variant<T>(&'static str, T);

impl ser::SerializeTupleVariant for Variant<Seq> {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WireError> {
        self.1.push(value)
    }
    fn end(self) -> R {
        Ok(Wire::Record(vec![(
            Cow::Borrowed(self.0),
            Wire::List(self.1 .0),
        )]))
    }
}

impl ser::SerializeStructVariant for Variant<Struct> {
    type Ok = Wire;
    type Error = WireError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WireError> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> R {
        Ok(Wire::Record(vec![(
            Cow::Borrowed(self.0),
            Wire::Record(self.1 .0),
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R: M1 — money keeps its currency on the wire; instants are typed, not guessed.
    #[test]
    fn money_and_instants_are_recognised_by_type_not_by_name() {
        #[derive(serde::Serialize)]
        struct Odd {
            // A string that looks like an instant, under an instant-like name, stays text.
            created_at: String,
            #[serde(with = "crate::wire::instant")]
            when: DateTime<Utc>,
            #[serde(with = "crate::wire::instant_opt")]
            maybe: Option<DateTime<Utc>>,
            price: Money,
        }
        let when = DateTime::UNIX_EPOCH;
        let w = to_wire(&Odd {
            created_at: "2026-01-01T00:00:00Z".into(),
            when,
            maybe: Some(when),
            price: Money::parse("2.50", crate::Currency::Usd).unwrap(),
        })
        .unwrap();
        assert_eq!(
            w.get("created_at"),
            Some(&Wire::Str("2026-01-01T00:00:00Z".into()))
        );
        assert_eq!(w.get("when"), Some(&Wire::Instant(when)));
        assert_eq!(w.get("maybe"), Some(&Wire::Instant(when)));
        assert!(matches!(w.get("price"), Some(Wire::Money(m)) if m.amount().to_string() == "2.50"));
    }

    // R: M1 — a marked newtype reaches the wire only with its own typed value: the
    // value left for another address, or none, is refused rather than read as text.
    #[test]
    fn a_marker_without_its_value_is_refused() {
        use serde::Serializer as _;
        let text = "2026-01-01T00:00:00Z";
        let err = WireSerializer
            .serialize_newtype_struct(INSTANT, text)
            .unwrap_err();
        assert!(err.0.contains("without its value"), "{err}");
        let usd = Money::zero(crate::Currency::Usd);
        CARRIED.set(Some((0, Carried::Money(usd))));
        assert!(WireSerializer
            .serialize_newtype_struct(MONEY, &1u8)
            .is_err());
        // Carried for this address but under the other marker: refused too.
        let one = 1u8;
        CARRIED.set(Some((address(&one), Carried::Money(usd))));
        assert!(WireSerializer
            .serialize_newtype_struct(INSTANT, &one)
            .is_err());
        // The JSON of money and instants is unchanged by the marks.
        assert_eq!(
            serde_json::to_string(&usd).unwrap(),
            r#"{"amount":"0","currency":"USD"}"#
        );
    }
}
