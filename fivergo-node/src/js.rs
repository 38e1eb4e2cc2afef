//! Conversions between the core's serde JSON and native JavaScript values.
//!
//! The core's types serialize with serde; [`Js::from_json`] turns that JSON into a
//! JavaScript value with camelCase keys and `Date`s for instants (keys `at`, `*_at`,
//! `anchor`, `start`, `end`, `since` holding RFC 3339 strings). Tags stay as serde writes them
//! (`type: "model_created"`), money stays `{amount: "25.00", currency: "USD"}`.
//! Artifacts become `{type, bytes}` with the encoded file (PNG, WAV, UTF-8).

use fivergo_core::error::Error as CoreError;
use fivergo_core::event::Recorded;
use fivergo_core::generator::Artifact;
use fivergo_core::money::{Currency, Money};
use napi::bindgen_prelude::{Buffer, Null, ToNapiValue, TypeName};
use napi::{sys, ValueType};
use serde::Serialize;
use serde_json::Value;

use crate::error::{core_err, invalid};

/// A JavaScript value built on any thread and created on the main thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Js {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A `Date`, in milliseconds since the epoch.
    Date(f64),
    /// A `Buffer`.
    Bytes(Vec<u8>),
    /// An array.
    Arr(Vec<Js>),
    /// A plain object, keys in order.
    Obj(Vec<(String, Js)>),
}

impl Js {
    /// Converts serde JSON: camelCase keys, instants as dates.
    pub fn from_json(value: Value) -> Js {
        convert(value, None)
    }

    /// Serializes `value` with serde and converts it.
    pub fn of<T: Serialize>(value: &T) -> napi::Result<Js> {
        serde_json::to_value(value)
            .map(Js::from_json)
            .map_err(|e| napi::Error::from_reason(e.to_string()))
    }

    /// A plain object from key/value pairs.
    pub fn obj<const N: usize>(fields: [(&str, Js); N]) -> Js {
        Js::Obj(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    }

    /// An instant.
    pub fn date(at: chrono::DateTime<chrono::Utc>) -> Js {
        Js::Date(at.timestamp_millis() as f64)
    }

    /// Adds (or replaces) a field of an object; other values are left alone.
    pub fn with(mut self, key: &str, value: Js) -> Js {
        if let Js::Obj(fields) = &mut self {
            fields.retain(|(k, _)| k != key);
            fields.push((key.to_owned(), value));
        }
        self
    }
}

fn is_instant_key(key: &str) -> bool {
    key == "at"
        || key.ends_with("_at")
        || key.ends_with("_until")
        || matches!(key, "anchor" | "start" | "end" | "since")
}

/// `renews_at` → `renewsAt`.
pub fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' && !out.is_empty() {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `renewsAt` → `renews_at`.
pub fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn convert(value: Value, key: Option<&str>) -> Js {
    match value {
        Value::Null => Js::Null,
        Value::Bool(b) => Js::Bool(b),
        Value::Number(n) => Js::Num(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => match key
            .filter(|k| is_instant_key(k))
            .and_then(|_| chrono::DateTime::parse_from_rfc3339(&s).ok())
        {
            Some(at) => Js::Date(at.timestamp_millis() as f64),
            None => Js::Str(s),
        },
        Value::Array(items) => Js::Arr(items.into_iter().map(|v| convert(v, None)).collect()),
        Value::Object(map) => Js::Obj(
            map.into_iter()
                .map(|(k, v)| (camel(&k), convert(v, Some(&k))))
                .collect(),
        ),
    }
}

/// JSON written by JavaScript callers (camelCase keys) back to the core's snake_case.
pub fn snake_keys(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(snake_keys).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (snake(&k), snake_keys(v)))
                .collect(),
        ),
        other => other,
    }
}

/// An artifact: `{type: "image", width, height, bytes}` (PNG), `{type: "audio",
/// sampleRate, channels, durationMs, bytes}` (WAV) or `{type: "text", text, bytes}`.
pub fn artifact(a: &Artifact) -> Result<Js, CoreError> {
    let bytes = Js::Bytes(fivergo_core::media::encode(a)?);
    Ok(match a {
        Artifact::Image(img) => Js::obj([
            ("type", Js::Str("image".into())),
            ("width", Js::Num(img.width.into())),
            ("height", Js::Num(img.height.into())),
            ("bytes", bytes),
        ]),
        Artifact::Audio(au) => Js::obj([
            ("type", Js::Str("audio".into())),
            ("sampleRate", Js::Num(au.sample_rate.into())),
            ("channels", Js::Num(au.channels.into())),
            ("durationMs", Js::Num(au.duration_ms() as f64)),
            ("bytes", bytes),
        ]),
        Artifact::Text(t) => Js::obj([
            ("type", Js::Str("text".into())),
            ("text", Js::Str(t.clone())),
            ("bytes", bytes),
        ]),
    })
}

/// A recorded event as a plain object: `id`, `partition`, `sequence`, `position`,
/// `recordedAt` and the event's `type` and fields (files appear as references: read
/// them with `hub.artifact(ref)` / `hub.file(ref)`).
pub fn event(e: &Recorded) -> napi::Result<Js> {
    Js::of(e)
}

/// Events as an array.
pub fn events(events: &[Recorded]) -> napi::Result<Js> {
    events
        .iter()
        .map(event)
        .collect::<napi::Result<Vec<_>>>()
        .map(Js::Arr)
}

/// Money from a decimal string in `currency` or `{amount, currency}`.
pub fn money(value: &Value, currency: Currency) -> Result<Money, CoreError> {
    match value {
        Value::String(s) => Money::parse(s, currency),
        Value::Object(o) => {
            let amount = o
                .get("amount")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("amount", "a decimal string"))?;
            let currency = match o.get("currency") {
                Some(c) => serde_json::from_value(c.clone())
                    .map_err(|e| invalid("currency", e.to_string()))?,
                None => currency,
            };
            Money::parse(amount, currency)
        }
        _ => Err(invalid(
            "amount",
            "money is a decimal string or {amount, currency}, never a number",
        )),
    }
}

/// A core enum from its serde name (`"level_2"`, `"image"`, ...).
pub fn parse_enum<T: serde::de::DeserializeOwned>(field: &str, name: &str) -> Result<T, CoreError> {
    serde_json::from_value(Value::String(name.to_owned()))
        .map_err(|_| invalid(field, format!("unknown value `{name}`")))
}

/// A core type from JavaScript JSON (camelCase keys accepted).
pub fn parse_json<T: serde::de::DeserializeOwned>(
    field: &str,
    value: Value,
) -> Result<T, CoreError> {
    serde_json::from_value(snake_keys(value)).map_err(|e| invalid(field, e.to_string()))
}

/// Wraps [`artifact`] for napi results.
pub fn artifact_napi(a: &Artifact) -> napi::Result<Js> {
    artifact(a).map_err(|e| core_err(&e))
}

impl TypeName for Js {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Js {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        // SAFETY (whole body): `env` is the valid environment napi hands us; every
        // created value is checked before use.
        unsafe {
            match val {
                Js::Null => Null::to_napi_value(env, Null),
                Js::Bool(b) => bool::to_napi_value(env, b),
                Js::Num(n) => f64::to_napi_value(env, n),
                Js::Str(s) => String::to_napi_value(env, s),
                Js::Bytes(b) => Buffer::to_napi_value(env, Buffer::from(b)),
                Js::Date(ms) => {
                    let mut out = std::ptr::null_mut();
                    napi::check_status!(sys::napi_create_date(env, ms, &mut out))?;
                    Ok(out)
                }
                Js::Arr(items) => {
                    let mut arr = std::ptr::null_mut();
                    napi::check_status!(sys::napi_create_array_with_length(
                        env,
                        items.len(),
                        &mut arr
                    ))?;
                    for (i, item) in items.into_iter().enumerate() {
                        let v = Js::to_napi_value(env, item)?;
                        napi::check_status!(sys::napi_set_element(env, arr, i as u32, v))?;
                    }
                    Ok(arr)
                }
                Js::Obj(fields) => {
                    let mut obj = std::ptr::null_mut();
                    napi::check_status!(sys::napi_create_object(env, &mut obj))?;
                    for (k, v) in fields {
                        let key = String::to_napi_value(env, k)?;
                        let v = Js::to_napi_value(env, v)?;
                        napi::check_status!(sys::napi_set_property(env, obj, key, v))?;
                    }
                    Ok(obj)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_become_camel_case_and_instants_dates() {
        let js = Js::from_json(
            serde_json::json!({"renews_at": "2026-03-18T09:00:00Z", "used": 2, "text": "2026-03-18T09:00:00Z"}),
        );
        let Js::Obj(fields) = js else {
            panic!("object")
        };
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert!(matches!(get("renewsAt"), Some(Js::Date(_))));
        assert_eq!(get("text"), Some(Js::Str("2026-03-18T09:00:00Z".into())));
        assert_eq!(get("used"), Some(Js::Num(2.0)));
        assert_eq!(snake("unitPrice"), "unit_price");
        assert_eq!(camel("level_2"), "level2");
    }
}
