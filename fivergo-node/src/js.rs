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
//! Building an object property by property through napi is what a read used to spend
//! its time on (V8 looks up a map transition and internalizes the key for each
//! property). So the value is first packed in Rust into two strings, opcodes and
//! text (`Packer`), and one call to a small decoder compiled once per environment
//! ([`DECODER`]) builds it in JavaScript, where each record shape has its own object
//! literal (a fast map, keys interned once). Values holding a `Buffer` (artifacts) and
//! a thread whose decoder is unavailable take the direct path, [`wire_value`] and
//! `napi_define_properties`; both give the same values (`test/wire.test.mjs`).
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
    pub fn str(s: impl Into<std::borrow::Cow<'static, str>>) -> Js {
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

/// A word-at-a-time multiplicative hash for the caches below: they hash short names,
/// addresses and lists of addresses, where SipHash's setup dominates.
#[derive(Default)]
struct Fast(u64);

impl Fast {
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for Fast {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.word(u64::from_le_bytes(last) ^ (rest.len() as u64) << 56);
    }
    fn write_usize(&mut self, n: usize) {
        self.word(n as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fast>>;

/// Most distinct field names cached per thread: the core has a few hundred; the cap
/// only guards against a map whose keys look like field names.
const MAX_CACHED_KEYS: usize = 4096;

/// Field names and their camelCase JavaScript names, NUL-terminated for
/// `napi_define_properties` (leaked: a bounded set of names). A field name the core
/// writes is a `&'static str`, found by its address without reading it.
#[derive(Default)]
struct Names {
    by_text: FastMap<Box<str>, &'static CStr>,
    by_address: FastMap<(usize, usize), Option<&'static CStr>>,
}

impl Names {
    /// The JavaScript name of a record key, if it is a field name.
    #[allow(clippy::ptr_arg)] // `Borrowed` says the name is `'static`: found by address.
    fn get(&mut self, key: &Cow<'static, str>) -> Option<&'static CStr> {
        match key {
            Cow::Borrowed(k) => {
                let address = (k.as_ptr() as usize, k.len());
                if let Some(name) = self.by_address.get(&address) {
                    return *name;
                }
                let name = self.by_text(k);
                if self.by_address.len() < MAX_CACHED_KEYS {
                    self.by_address.insert(address, name);
                }
                name
            }
            Cow::Owned(k) => self.by_text(k),
        }
    }

    fn by_text(&mut self, key: &str) -> Option<&'static CStr> {
        if !is_field_name(key) {
            return None;
        }
        if let Some(name) = self.by_text.get(key) {
            return Some(*name);
        }
        if self.by_text.len() >= MAX_CACHED_KEYS {
            return None;
        }
        // A field name holds no NUL byte (checked above).
        let name: &'static CStr = Box::leak(CString::new(camel(key)).ok()?.into_boxed_c_str());
        self.by_text.insert(key.into(), name);
        Some(name)
    }
}

thread_local! {
    /// The names the direct path uses.
    static KEYS: RefCell<Names> = RefCell::new(Names::default());
}

/// The JavaScript name of a field, if cached or cacheable.
#[allow(clippy::ptr_arg)] // as `Names::get`
fn field_key(key: &Cow<'static, str>) -> Option<&'static CStr> {
    KEYS.with(|names| names.borrow_mut().get(key))
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

/// A wire value as a JavaScript value, built property by property.
///
/// # Safety
/// `env` must be the live environment of the calling thread.
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
        // SAFETY: napi passes the live environment of this thread.
        unsafe {
            match packed(env, &val)? {
                Some(value) => Ok(value),
                None => js_value(env, val),
            }
        }
    }
}

// ----- the packed path ------------------------------------------------------------------

/// Builds a value from its packed form: `decode(ops, text)`, where `ops` is a string of
/// UTF-16 code units (opcodes, lengths, numbers as their IEEE 754 bits, little end
/// first) and `text` the strings in order. A record shape is announced once (op 10, with its keys) and gets an object
/// literal factory; later records of that shape name it (op 9). Must match
/// `Packer`.
pub const DECODER: &str = r#"(function () {
  'use strict'
  let ops = '', text = '', o = 0, t = 0
  const shapes = []
  const len = () => {
    const a = ops.charCodeAt(o++)
    return a < 0x8000 ? a : (a - 0x8000) * 0x10000 + ops.charCodeAt(o++)
  }
  const str = () => {
    const n = len()
    const s = text.slice(t, t + n)
    t += n
    return s
  }
  const bits = new Uint16Array(4)
  const f64 = new Float64Array(bits.buffer)
  const num = () => {
    bits[0] = ops.charCodeAt(o)
    bits[1] = ops.charCodeAt(o + 1)
    bits[2] = ops.charCodeAt(o + 2)
    bits[3] = ops.charCodeAt(o + 3)
    o += 4
    return f64[0]
  }
  function next() {
    switch (ops.charCodeAt(o++)) {
      case 0: return null
      case 1: return true
      case 2: return false
      case 3: return str()
      case 4: return ops.charCodeAt(o++)
      case 5: return num()
      case 6: return new Date(num())
      case 7: return { amount: str(), currency: str() }
      case 8: {
        const n = len()
        const a = new Array(n)
        for (let i = 0; i < n; i++) a[i] = next()
        return a
      }
      case 9: return shapes[len()](next)
      case 10: {
        const id = len()
        const n = len()
        const keys = []
        for (let i = 0; i < n; i++) keys.push(str())
        shapes[id] = new Function('d', 'return {' + keys.map((k) => JSON.stringify(k) + ': d()').join(', ') + '}')
        return shapes[id](next)
      }
      case 11: {
        const n = len()
        const obj = {}
        for (let i = 0; i < n; i++) {
          const k = str()
          Object.defineProperty(obj, k, { value: next(), writable: true, enumerable: true, configurable: true })
        }
        return obj
      }
    }
    throw new Error('fivergo: a packed value the decoder does not know')
  }
  return function decode(o_, t_) {
    ops = o_
    text = t_
    o = 0
    t = 0
    try {
      return next()
    } finally {
      ops = text = ''
    }
  }
})()"#;

/// Most record shapes announced to one decoder; past it a record goes as a map.
const MAX_SHAPES: usize = 4096;

/// This thread's decoder, the record shapes it knows, and the packing buffers.
struct Packing {
    env: sys::napi_env,
    /// The compiled decoder, or null when it could not be compiled (direct path).
    decode: sys::napi_ref,
    /// Shapes (their keys' cached names, by address) → id.
    shapes: FastMap<Box<[usize]>, u32>,
    names: Names,
    ops: Vec<u16>,
    text: String,
    keys: Vec<usize>,
    names_buf: Vec<&'static CStr>,
}

thread_local! {
    static PACKING: RefCell<Option<Packing>> = const { RefCell::new(None) };
    static DIRECT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Internal (used by `test/wire.test.mjs`): builds this thread's values through
/// `napi_define_properties` (`true`) instead of the packed decoder, to compare paths.
#[napi_derive::napi(js_name = "__wireDirect")]
pub fn wire_direct(direct: bool) {
    DIRECT.with(|d| d.set(direct));
}

// Opcodes of the packed form (see `DECODER`).
const NULL: u16 = 0;
const TRUE: u16 = 1;
const FALSE: u16 = 2;
const STR: u16 = 3;
const SMALL: u16 = 4;
const NUM: u16 = 5;
const DATE: u16 = 6;
const MONEY: u16 = 7;
const LIST: u16 = 8;
const SHAPED: u16 = 9;
const NEW_SHAPE: u16 = 10;
const MAP: u16 = 11;

/// Packs a value: opcodes, text, and the shapes it announces.
struct Packer<'a> {
    p: &'a mut Packing,
    /// Shapes announced by this value (removed again if it never reaches JavaScript).
    announced: Vec<Box<[usize]>>,
}

impl Packer<'_> {
    fn len(&mut self, n: usize) {
        if n < 0x8000 {
            self.p.ops.push(n as u16);
        } else {
            self.p.ops.push(0x8000 | (n >> 16) as u16);
            self.p.ops.push(n as u16);
        }
    }

    fn str(&mut self, s: &str) {
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.len(units);
        self.p.text.push_str(s);
    }

    /// A number as its IEEE 754 bits, four code units (a small whole one as one).
    fn number(&mut self, op: u16, n: f64) {
        if op == NUM
            && n.fract() == 0.0
            && (0.0..65536.0).contains(&n)
            && n.to_bits() != (-0.0f64).to_bits()
        {
            self.p.ops.extend([SMALL, n as u16]);
            return;
        }
        let bits = n.to_bits();
        self.p.ops.extend([
            op,
            bits as u16,
            (bits >> 16) as u16,
            (bits >> 32) as u16,
            (bits >> 48) as u16,
        ]);
    }

    /// The shape of a record whose keys are `self.p.names_buf`: `(id, new)`, or `None`
    /// past [`MAX_SHAPES`].
    fn shape(&mut self) -> Option<(u32, bool)> {
        let p = &mut *self.p;
        p.keys.clear();
        p.keys
            .extend(p.names_buf.iter().map(|n| n.as_ptr() as usize));
        if let Some(id) = p.shapes.get(p.keys.as_slice()) {
            return Some((*id, false));
        }
        if p.shapes.len() >= MAX_SHAPES {
            return None;
        }
        let id = p.shapes.len() as u32;
        let key: Box<[usize]> = p.keys.as_slice().into();
        p.shapes.insert(key.clone(), id);
        self.announced.push(key);
        Some((id, true))
    }

    /// A record with the keys in `self.p.names_buf`; `false` when it must go as a map.
    fn record_head(&mut self) -> bool {
        match self.shape() {
            Some((id, false)) => {
                self.p.ops.push(SHAPED);
                self.len(id as usize);
                true
            }
            Some((id, true)) => {
                self.p.ops.push(NEW_SHAPE);
                self.len(id as usize);
                let names = std::mem::take(&mut self.p.names_buf);
                self.len(names.len());
                for name in &names {
                    self.str(name.to_str().unwrap_or_default());
                }
                self.p.names_buf = names;
                true
            }
            None => false,
        }
    }

    fn wire(&mut self, w: &Wire) {
        match w {
            Wire::Null => self.p.ops.push(NULL),
            Wire::Bool(true) => self.p.ops.push(TRUE),
            Wire::Bool(false) => self.p.ops.push(FALSE),
            Wire::Int(i) => self.number(NUM, *i as f64),
            Wire::UInt(u) => self.number(NUM, *u as f64),
            Wire::Float(f) => self.number(NUM, *f),
            Wire::Str(s) => {
                self.p.ops.push(STR);
                self.str(s);
            }
            Wire::Instant(at) => self.number(DATE, at.timestamp_millis() as f64),
            Wire::Money(m) => {
                use std::fmt::Write;
                self.p.ops.push(MONEY);
                let start = self.p.text.len();
                let _ = write!(self.p.text, "{}", m.amount());
                let written = self.p.text.len() - start;
                self.len(written);
                self.str(m.currency().code());
            }
            Wire::List(items) => {
                self.p.ops.push(LIST);
                self.len(items.len());
                for item in items {
                    self.wire(item);
                }
            }
            Wire::Record(fields) => {
                self.p.names_buf.clear();
                let mut shaped = true;
                for (k, _) in fields {
                    match self.p.names.get(k) {
                        Some(name) => self.p.names_buf.push(name),
                        None => {
                            shaped = false;
                            break;
                        }
                    }
                }
                if shaped && self.record_head() {
                    for (_, v) in fields {
                        self.wire(v);
                    }
                    return;
                }
                // A map (keys are ids): keys as they are, field names camelCase.
                self.p.ops.push(MAP);
                self.len(fields.len());
                for (k, v) in fields {
                    match self.p.names.get(k) {
                        Some(name) => self.str(name.to_str().unwrap_or_default()),
                        None if is_field_name(k) => self.str(&camel(k)),
                        None => self.str(k),
                    }
                    self.wire(v);
                }
            }
        }
    }

    fn js(&mut self, j: &Js) {
        match j {
            Js::Wire(w) => self.wire(w),
            Js::List(items) => {
                self.p.ops.push(LIST);
                self.len(items.len());
                for item in items {
                    self.js(item);
                }
            }
            Js::Obj(fields) => {
                self.p.names_buf.clear();
                self.p.names_buf.extend(fields.iter().map(|(k, _)| *k));
                if !self.record_head() {
                    self.p.ops.push(MAP);
                    self.len(fields.len());
                    for (k, v) in fields {
                        self.str(k.to_str().unwrap_or_default());
                        self.js(v);
                    }
                    return;
                }
                for (_, v) in fields {
                    self.js(v);
                }
            }
            // Never reached: `packable` sends these down the direct path.
            Js::Bytes(_) | Js::Merge(..) => self.p.ops.push(NULL),
        }
    }
}

/// Whether a value has no `Buffer` (the packed form carries none).
fn packable(j: &Js) -> bool {
    match j {
        Js::Wire(_) => true,
        Js::List(items) => items.iter().all(packable),
        Js::Obj(fields) => fields.iter().all(|(_, v)| packable(v)),
        Js::Bytes(_) | Js::Merge(..) => false,
    }
}

/// Compiles the decoder in `env`; a null reference when it cannot (the direct path
/// then serves this thread).
unsafe fn compile(env: sys::napi_env) -> sys::napi_ref {
    // SAFETY (whole body): `env` is the live environment of this thread.
    unsafe {
        let mut source = std::ptr::null_mut();
        let mut func = std::ptr::null_mut();
        let mut reference = std::ptr::null_mut();
        let ok = sys::napi_create_string_utf8(
            env,
            DECODER.as_ptr().cast(),
            DECODER.len() as isize,
            &mut source,
        ) == sys::Status::napi_ok
            && sys::napi_run_script(env, source, &mut func) == sys::Status::napi_ok
            && sys::napi_create_reference(env, func, 1, &mut reference) == sys::Status::napi_ok;
        if !ok {
            let mut thrown = std::ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut thrown);
            return std::ptr::null_mut();
        }
        reference
    }
}

/// The value built by the decoder, or `None` for the direct path (a `Buffer` inside,
/// no decoder on this thread, or direct mode).
unsafe fn packed(env: sys::napi_env, value: &Js) -> napi::Result<Option<sys::napi_value>> {
    if DIRECT.with(|d| d.get()) || !packable(value) {
        return Ok(None);
    }
    PACKING.with(|cell| {
        let mut state = cell.borrow_mut();
        if state.as_ref().is_none_or(|p| p.env != env) {
            *state = Some(Packing {
                env,
                // SAFETY: `env` is the live environment of this thread.
                decode: unsafe { compile(env) },
                shapes: FastMap::default(),
                names: Names::default(),
                ops: Vec::with_capacity(256),
                text: String::with_capacity(1024),
                keys: Vec::new(),
                names_buf: Vec::new(),
            });
        }
        let packing = state.as_mut().expect("set above");
        if packing.decode.is_null() {
            return Ok(None);
        }
        packing.ops.clear();
        packing.text.clear();
        let mut packer = Packer {
            p: packing,
            announced: Vec::new(),
        };
        packer.js(value);
        let announced = packer.announced;
        // SAFETY: `env` is live; the decoder runs no code but its own (no re-entry).
        let built = unsafe { decode(env, packing.decode, &packing.ops, &packing.text) };
        // Big values leave big buffers behind: give them back.
        if packing.text.capacity() > 1 << 20 {
            packing.text = String::with_capacity(1024);
            packing.ops = Vec::with_capacity(256);
        }
        match built {
            Ok(value) => Ok(Some(value)),
            Err(_) => {
                // The decoder never saw these shapes: forget them; the direct path
                // builds this value.
                for key in announced {
                    packing.shapes.remove(&key);
                }
                Ok(None)
            }
        }
    })
}

/// Calls the decoder with the packed strings.
unsafe fn decode(
    env: sys::napi_env,
    decoder: sys::napi_ref,
    ops: &[u16],
    text: &str,
) -> napi::Result<sys::napi_value> {
    // SAFETY (whole body): `env` is live and `decoder` a reference of it.
    unsafe {
        let mut func = std::ptr::null_mut();
        napi::check_status!(sys::napi_get_reference_value(env, decoder, &mut func))?;
        let mut args = [std::ptr::null_mut(); 2];
        napi::check_status!(sys::napi_create_string_utf16(
            env,
            ops.as_ptr(),
            ops.len() as isize,
            &mut args[0]
        ))?;
        args[1] = string(env, text)?;
        let mut recv = std::ptr::null_mut();
        napi::check_status!(sys::napi_get_undefined(env, &mut recv))?;
        let mut out = std::ptr::null_mut();
        let status = sys::napi_call_function(env, recv, func, 2, args.as_ptr(), &mut out);
        if status != sys::Status::napi_ok {
            let mut thrown = std::ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut thrown);
            return Err(napi::Error::from_reason("the wire decoder failed"));
        }
        Ok(out)
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
        assert_eq!(
            field_key(&Cow::Borrowed("current_period_end")),
            Some(c"currentPeriodEnd")
        );
        assert_eq!(field_key(&Cow::Owned("ana/model-1".into())), None);
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

/// What a read costs before the binding sees it: the core's read and its wire form.
/// Run with `cargo test --release -p fivergo-node -- --ignored --nocapture core_share`.
#[cfg(test)]
mod core_share {
    use std::time::Instant;

    use fivergo_core::wire::to_wire;
    use fivergo_core::*;

    fn per_call<T>(mut f: impl FnMut() -> T) -> f64 {
        for _ in 0..2_000 {
            std::hint::black_box(f());
        }
        let n = 20_000;
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(f());
        }
        t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
    }

    #[test]
    #[ignore = "a measurement, not a check"]
    fn core_share() {
        let hub = Hub::builder().build().unwrap();
        hub.register_seller("ana", SellerLevel::Level2, false)
            .unwrap();
        hub.add_gig("ana", "tattoo").unwrap();
        let card = seller::PaymentMethod::new("card", seller::PaymentMethodKind::Card, "Visa");
        hub.add_payment_method("ana", card).unwrap();
        hub.subscribe("ana", &"card".into()).unwrap();
        let seller = hub.seller("ana").unwrap();
        let sub = hub.subscription("ana").unwrap().unwrap();
        println!("µs per call: seller read {:.2}, its to_wire {:.2}; subscription read {:.2}, its to_wire {:.2}",
            per_call(|| hub.seller("ana").unwrap()),
            per_call(|| to_wire(&seller).unwrap()),
            per_call(|| hub.subscription("ana").unwrap()),
            per_call(|| to_wire(&sub).unwrap()),
        );
        let fee = seller.balance;
        let at = sub.anchor;
        println!(
            "µs per call: to_wire of one Money {:.2}, of one Charge (money + instant) {:.2}; a DateTime as Wire::Instant directly {:.3}",
            per_call(|| to_wire(&fee).unwrap()),
            per_call(|| to_wire(&sub.charges[0]).unwrap()),
            per_call(|| fivergo_core::wire::Wire::Instant(std::hint::black_box(at))),
        );
    }
}
