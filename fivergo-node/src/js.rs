//! Values on their way to JavaScript, converted once from the core's wire form.
//!
//! Every record the core hands out goes through [`fivergo_core::wire::to_wire`], which
//! says by type which values are instants and which are money. [`Js`] carries that
//! [`Wire`] tree (plus the few things the binding composes around it: `{value,
//! events}`, artifacts with their `Buffer`) to the thread that owns the JavaScript
//! environment, where [`ToNapiValue`] builds the JavaScript value in one pass:
//! instants become `Date`s, money `{amount: "25.00", currency: "USD"}`, records plain
//! objects with camelCase keys, lists arrays. Nothing is guessed from a field's name
//! and no JSON text is written or parsed on the way.
//!
//! Keys: a record's field names (`renews_at`) become camelCase (`renewsAt`); a map's
//! keys are ids (`ana/asset-1`) and stay as they are. The wire form does not tell a
//! struct from a map, so a key is converted only when it looks like a field name
//! (ASCII lowercase letters, digits and `_`): no id minted by the core does, since ids
//! hold a `/`. Converted keys are cached, so a hot read allocates no key.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::hash::{BuildHasherDefault, Hasher};

use fivergo_core::error::Error as CoreError;
use fivergo_core::generator::Artifact;
use fivergo_core::money::{Currency, Money};
use fivergo_core::wire::{to_wire, Wire};
use napi::bindgen_prelude::{Buffer, ToNapiValue, TypeName};
use napi::{sys, ValueType};
use serde::Serialize;
use serde_json::Value;

use crate::error::invalid;

/// A value for JavaScript: a core value in its wire form, a file's bytes, or an
/// object or array the binding composes around them. Built on any thread, converted
/// on the JavaScript one.
#[derive(Debug, Clone, PartialEq)]
pub enum Js {
    /// A core value (or a scalar: `Wire::Str`, `Wire::Null`, ...).
    Wire(Wire),
    /// A `Buffer`.
    Bytes(Vec<u8>),
    /// A plain object the binding composes; its keys are JavaScript names already.
    Obj(Vec<(&'static CStr, Js)>),
    /// An array.
    List(Vec<Js>),
    /// A core record with more fields the binding sets over it (a training asset
    /// with its file's bytes as `content`).
    Merge(Wire, Vec<(&'static CStr, Js)>),
}

impl Js {
    /// `null`.
    pub const NULL: Js = Js::Wire(Wire::Null);

    /// A core value in its wire form (`invalid_input` naming `value` if its
    /// `Serialize` fails, which no type of the core does).
    pub fn of<T: Serialize + ?Sized>(value: &T) -> Result<Js, CoreError> {
        to_wire(value).map(Js::Wire)
    }

    /// A string.
    pub fn str(s: impl Into<String>) -> Js {
        Js::Wire(Wire::Str(s.into()))
    }

    /// A number.
    pub fn num(n: f64) -> Js {
        Js::Wire(Wire::Float(n))
    }

    /// A boolean.
    pub fn bool(b: bool) -> Js {
        Js::Wire(Wire::Bool(b))
    }

    /// An instant, as a `Date`.
    pub fn date(at: chrono::DateTime<chrono::Utc>) -> Js {
        Js::Wire(Wire::Instant(at))
    }

    /// Adds a field to a core record (`stale` of a model, `state_name` of a
    /// subscription: values the core computes but does not serialize); other values
    /// are returned unchanged. `key` is written as the core writes its fields.
    pub fn with(self, key: &'static str, value: Wire) -> Js {
        match self {
            Js::Wire(Wire::Record(mut fields)) => {
                fields.push((Cow::Borrowed(key), value));
                Js::Wire(Wire::Record(fields))
            }
            other => other,
        }
    }
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

/// Whether a record key is a field name (converted to camelCase) rather than a map
/// key such as an id (kept as it is).
fn is_field_name(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// FNV-1a: the key cache hashes short ASCII names, where SipHash's setup dominates.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Most distinct field names cached per thread: the core has a few hundred; the cap
/// only guards against a map whose keys look like field names.
const MAX_CACHED_KEYS: usize = 4096;

thread_local! {
    /// Field name → its camelCase JavaScript name, NUL-terminated for
    /// `napi_define_properties` (leaked: a bounded set of names).
    static KEYS: RefCell<HashMap<Box<str>, &'static CStr, BuildHasherDefault<Fnv>>> =
        RefCell::new(HashMap::default());
}

/// The JavaScript name of a field, if cached or cacheable.
fn field_key(key: &str) -> Option<&'static CStr> {
    if !is_field_name(key) {
        return None;
    }
    KEYS.with(|keys| {
        if let Some(k) = keys.borrow().get(key) {
            return Some(*k);
        }
        let mut keys = keys.borrow_mut();
        if keys.len() >= MAX_CACHED_KEYS {
            return None;
        }
        // A field name holds no NUL byte (checked above).
        let name: &'static CStr = Box::leak(CString::new(camel(key)).ok()?.into_boxed_c_str());
        keys.insert(key.into(), name);
        Some(name)
    })
}

/// A data property (enumerable, writable, configurable: V8's fast path).
fn property(
    utf8name: *const c_char,
    name: sys::napi_value,
    value: sys::napi_value,
) -> sys::napi_property_descriptor {
    sys::napi_property_descriptor {
        utf8name,
        name,
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: sys::PropertyAttributes::writable
            | sys::PropertyAttributes::enumerable
            | sys::PropertyAttributes::configurable,
        data: std::ptr::null_mut(),
    }
}

// SAFETY (every function below): `env` is the live environment of the calling
// JavaScript thread, as napi passes it to a conversion; each created value is
// checked before use.

unsafe fn string(env: sys::napi_env, s: &str) -> napi::Result<sys::napi_value> {
    let mut out = std::ptr::null_mut();
    unsafe {
        if s.is_ascii() {
            napi::check_status!(sys::napi_create_string_latin1(
                env,
                s.as_ptr().cast(),
                s.len() as isize,
                &mut out
            ))?;
        } else {
            napi::check_status!(sys::napi_create_string_utf8(
                env,
                s.as_ptr().cast(),
                s.len() as isize,
                &mut out
            ))?;
        }
    }
    Ok(out)
}

unsafe fn number(env: sys::napi_env, n: f64) -> napi::Result<sys::napi_value> {
    let mut out = std::ptr::null_mut();
    unsafe { napi::check_status!(sys::napi_create_double(env, n, &mut out))? };
    Ok(out)
}

unsafe fn object(
    env: sys::napi_env,
    properties: &[sys::napi_property_descriptor],
) -> napi::Result<sys::napi_value> {
    let mut obj = std::ptr::null_mut();
    unsafe {
        napi::check_status!(sys::napi_create_object(env, &mut obj))?;
        if !properties.is_empty() {
            napi::check_status!(sys::napi_define_properties(
                env,
                obj,
                properties.len(),
                properties.as_ptr()
            ))?;
        }
    }
    Ok(obj)
}

unsafe fn array(
    env: sys::napi_env,
    len: usize,
    mut item: impl FnMut(usize) -> napi::Result<sys::napi_value>,
) -> napi::Result<sys::napi_value> {
    let mut arr = std::ptr::null_mut();
    unsafe {
        napi::check_status!(sys::napi_create_array_with_length(env, len, &mut arr))?;
        for i in 0..len {
            let v = item(i)?;
            napi::check_status!(sys::napi_set_element(env, arr, i as u32, v))?;
        }
    }
    Ok(arr)
}

/// `{amount: "25.00", currency: "USD"}`.
unsafe fn money_value(env: sys::napi_env, m: &Money) -> napi::Result<sys::napi_value> {
    unsafe {
        let amount = string(env, &m.amount().to_string())?;
        let currency = string(env, m.currency().code())?;
        object(
            env,
            &[
                property(c"amount".as_ptr(), std::ptr::null_mut(), amount),
                property(c"currency".as_ptr(), std::ptr::null_mut(), currency),
            ],
        )
    }
}

/// A wire value as a JavaScript value.
pub unsafe fn wire_value(env: sys::napi_env, w: &Wire) -> napi::Result<sys::napi_value> {
    let mut out = std::ptr::null_mut();
    unsafe {
        match w {
            Wire::Null => napi::check_status!(sys::napi_get_null(env, &mut out))?,
            Wire::Bool(b) => napi::check_status!(sys::napi_get_boolean(env, *b, &mut out))?,
            Wire::Int(i) => out = number(env, *i as f64)?,
            Wire::UInt(u) => out = number(env, *u as f64)?,
            Wire::Float(f) => out = number(env, *f)?,
            Wire::Str(s) => out = string(env, s)?,
            Wire::Instant(at) => napi::check_status!(sys::napi_create_date(
                env,
                at.timestamp_millis() as f64,
                &mut out
            ))?,
            Wire::Money(m) => out = money_value(env, m)?,
            Wire::List(items) => out = array(env, items.len(), |i| wire_value(env, &items[i]))?,
            Wire::Record(fields) => {
                let mut props = Vec::with_capacity(fields.len());
                for (key, value) in fields {
                    let value = wire_value(env, value)?;
                    props.push(match field_key(key) {
                        Some(name) => property(name.as_ptr(), std::ptr::null_mut(), value),
                        None => {
                            let name = match key {
                                Cow::Borrowed(k) if is_field_name(k) => string(env, &camel(k))?,
                                Cow::Owned(k) if is_field_name(k) => string(env, &camel(k))?,
                                _ => string(env, key)?,
                            };
                            property(std::ptr::null(), name, value)
                        }
                    });
                }
                out = object(env, &props)?;
            }
        }
    }
    Ok(out)
}

unsafe fn properties(
    env: sys::napi_env,
    fields: Vec<(&'static CStr, Js)>,
) -> napi::Result<Vec<sys::napi_property_descriptor>> {
    let mut props = Vec::with_capacity(fields.len());
    for (key, value) in fields {
        let value = unsafe { js_value(env, value)? };
        props.push(property(key.as_ptr(), std::ptr::null_mut(), value));
    }
    Ok(props)
}

/// A composed value as a JavaScript value.
unsafe fn js_value(env: sys::napi_env, value: Js) -> napi::Result<sys::napi_value> {
    unsafe {
        match value {
            Js::Wire(w) => wire_value(env, &w),
            Js::Bytes(b) => Buffer::to_napi_value(env, Buffer::from(b)),
            Js::List(items) => {
                let mut items = items.into_iter();
                array(env, items.len(), |_| match items.next() {
                    Some(item) => js_value(env, item),
                    None => Err(napi::Error::from_reason("list shorter than its length")),
                })
            }
            Js::Obj(fields) => {
                let props = properties(env, fields)?;
                object(env, &props)
            }
            Js::Merge(record, fields) => {
                let obj = wire_value(env, &record)?;
                let props = properties(env, fields)?;
                napi::check_status!(sys::napi_define_properties(
                    env,
                    obj,
                    props.len(),
                    props.as_ptr()
                ))?;
                Ok(obj)
            }
        }
    }
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
        unsafe { js_value(env, val) }
    }
}

/// An artifact: `{type: "image", width, height, bytes}` (PNG), `{type: "audio",
/// sampleRate, channels, durationMs, bytes}` (WAV) or `{type: "text", text, bytes}`.
pub fn artifact(a: &Artifact) -> Result<Js, CoreError> {
    let bytes = Js::Bytes(fivergo_core::media::encode(a)?);
    Ok(match a {
        Artifact::Image(img) => Js::Obj(vec![
            (c"type", Js::str("image")),
            (c"width", Js::num(img.width.into())),
            (c"height", Js::num(img.height.into())),
            (c"bytes", bytes),
        ]),
        Artifact::Audio(au) => Js::Obj(vec![
            (c"type", Js::str("audio")),
            (c"sampleRate", Js::num(au.sample_rate.into())),
            (c"channels", Js::num(au.channels.into())),
            (c"durationMs", Js::num(au.duration_ms() as f64)),
            (c"bytes", bytes),
        ]),
        Artifact::Text(t) => Js::Obj(vec![
            (c"type", Js::str("text")),
            (c"text", Js::str(t.clone())),
            (c"bytes", bytes),
        ]),
    })
}

// ----- arguments: JSON written by JavaScript callers, read back with serde ------------

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_become_camel_case_and_ids_stay() {
        assert_eq!(camel("renews_at"), "renewsAt");
        assert_eq!(camel("level_2"), "level2");
        assert_eq!(snake("unitPrice"), "unit_price");
        assert!(is_field_name("renews_at"));
        assert!(!is_field_name("ana_b/asset-1"));
        assert!(!is_field_name(""));
        assert_eq!(field_key("current_period_end"), Some(c"currentPeriodEnd"));
        assert_eq!(field_key("ana/model-1"), None);
    }

    #[test]
    fn with_adds_a_field_to_records_only() {
        let r = Js::Wire(Wire::Record(vec![])).with("stale", Wire::Bool(true));
        assert_eq!(
            r,
            Js::Wire(Wire::Record(vec![("stale".into(), Wire::Bool(true))]))
        );
        assert_eq!(Js::NULL.with("stale", Wire::Bool(true)), Js::NULL);
    }
}
