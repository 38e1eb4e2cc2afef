//! Conversions between Python values and the core's types: the core's wire form
//! (`fivergo_core::wire`) out, JSON-like values, money (`Money`, `decimal.Decimal`),
//! instants (timezone-aware `datetime`) and enums (snake_case strings) in. Nothing
//! here decides a rule.

use crate::errors::{argument_err, to_py_err, type_err, value_err};
use chrono::{DateTime, FixedOffset, Utc};
use fivergo_core::wire::{to_wire, Wire};
use fivergo_core::{Currency, Error, LimitsPolicy, Money};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// An argument PyO3 converts to `T`, refused as `invalid_input` when it cannot be:
/// an `InvalidTypeError` (also a `TypeError`) for a wrong type, an
/// `InvalidInputError` (also a `ValueError`) for a malformed value. PyO3 adds the
/// argument's name as a note.
pub struct Arg<T>(pub T);

impl<'a, 'py, T: FromPyObject<'a, 'py>> FromPyObject<'a, 'py> for Arg<T> {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        T::extract(obj)
            .map(Arg)
            .map_err(|e| argument_err(obj.py(), "argument", e.into()))
    }
}

impl<T> std::ops::Deref for Arg<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// An integer argument of Rust type `T`: anything but an `int` is an
/// `InvalidTypeError`; an `int` outside `T`'s range an `InvalidInputError` with
/// `.min`, `.max` and `.got`.
pub struct Int<T>(pub T);

/// The range of an integer argument type.
pub trait Bounds {
    /// The smallest value, as text.
    fn min() -> String;
    /// The largest value, as text.
    fn max() -> String;
}

macro_rules! bounds {
    ($($t:ty),*) => {$(
        impl Bounds for $t {
            fn min() -> String { <$t>::MIN.to_string() }
            fn max() -> String { <$t>::MAX.to_string() }
        }
    )*};
}
bounds!(u8, u16, u32, u64, usize, i64);

impl<'a, 'py, T: FromPyObject<'a, 'py> + Bounds> FromPyObject<'a, 'py> for Int<T> {
    type Error = PyErr;
    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
            let type_name = obj
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default();
            return Err(type_err(
                "argument",
                format!("expected an int, got {type_name}"),
            ));
        }
        T::extract(obj).map(Int).map_err(|_| {
            let got = obj
                .str()
                .map(|s| s.to_string())
                .unwrap_or_else(|_| "an integer too large to print".into());
            Python::attach(|py| {
                to_py_err(
                    py,
                    &Error::out_of_range("argument", "value", T::min(), T::max(), got),
                )
            })
        })
    }
}

impl<T> std::ops::Deref for Int<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A JSON value as plain Python (dict, list, str, int, float, bool, None).
pub fn json_to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            _ => n
                .as_f64()
                .unwrap_or(f64::NAN)
                .into_pyobject(py)?
                .into_any()
                .unbind(),
        },
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Value::Object(fields) => {
            let dict = PyDict::new(py);
            for (k, v) in fields {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any().unbind()
        }
    })
}

/// A [`Wire`] value as Python: `None`, `bool`, `int`, `float`, `str`, an aware UTC
/// `datetime` for an instant, a [`PyMoney`](crate::values::PyMoney) for money, a
/// `list` for a list and a `dict` for a record. Which values are instants and which
/// are money is the core's to say (by type, see `fivergo_core::wire`): nothing here
/// looks at field names.
pub fn wire_to_py(py: Python<'_>, wire: &Wire) -> PyResult<Py<PyAny>> {
    Ok(match wire {
        Wire::Null => py.None(),
        Wire::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Wire::Int(i) => i.into_pyobject(py)?.into_any().unbind(),
        Wire::UInt(u) => u.into_pyobject(py)?.into_any().unbind(),
        Wire::Float(f) => f.into_pyobject(py)?.into_any().unbind(),
        Wire::Str(s) => PyString::new(py, s).into_any().unbind(),
        Wire::Instant(at) => at.into_pyobject(py)?.into_any().unbind(),
        Wire::Money(m) => Bound::new(py, crate::values::PyMoney(*m))?
            .into_any()
            .unbind(),
        Wire::List(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(wire_to_py(py, item)?)?;
            }
            list.into_any().unbind()
        }
        Wire::Record(fields) => record_to_py(py, fields)?.into_any().unbind(),
    })
}

/// The fields of a [`Wire::Record`] as a `dict`, in order.
pub fn record_to_py<'py>(
    py: Python<'py>,
    fields: &[(std::borrow::Cow<'static, str>, Wire)],
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in fields {
        dict.set_item(k.as_ref(), wire_to_py(py, v)?)?;
    }
    Ok(dict)
}

/// The wire form of a core value (`to_wire`); the core's types always convert, a
/// failure is an `InvalidInputError` naming `value`.
pub fn wire_of<T: serde::Serialize + ?Sized>(value: &T) -> PyResult<Wire> {
    to_wire(value).map_err(|e| Python::attach(|py| to_py_err(py, &e)))
}

/// A core value in its wire form as Python (see [`wire_to_py`]).
pub fn to_py<T: serde::Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    wire_to_py(py, &wire_of(value)?)
}

/// A core value as plain JSON types (`to_dict()`): the JSON of its wire form, which is
/// the store's JSON (instants as RFC 3339, money as `{"amount", "currency"}`).
pub fn to_plain<T: serde::Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    json_to_py(py, &wire_of(value)?.to_json())
}

/// A Python value as JSON: dicts (string keys), lists, tuples, str, int, float, bool,
/// None; `Money` as `{"amount", "currency"}`, `Decimal` as its string, `datetime` as
/// ISO 8601 (what a record's attributes hold, so they go back in as they came out). Anything else is an
/// `InvalidTypeError`; a value nested deeper than `limits.max_json_depth` an
/// `InvalidInputError`, found before converting any deeper (no recursion past it).
pub fn py_to_json(obj: &Bound<'_, PyAny>, limits: &LimitsPolicy) -> PyResult<Value> {
    json_at(obj, limits, 0).map_err(|e| Python::attach(|py| argument_err(py, "value", e)))
}

fn json_at(obj: &Bound<'_, PyAny>, limits: &LimitsPolicy, depth: u32) -> PyResult<Value> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return obj
            .extract::<u64>()
            .map(Value::from)
            .map_err(|_| value_err("value", "an int outside the 64-bit range is not JSON"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| value_err("value", "NaN and infinities are not JSON"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_string()));
    }
    let nested = obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>();
    if nested && depth >= limits.max_json_depth {
        return Python::attach(|py| Err(to_py_err(py, &limits.too_deep("value"))));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key: String = k
                .extract()
                .map_err(|_| type_err("value", "JSON object keys must be strings"))?;
            map.insert(key, json_at(&v, limits, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if nested {
        return obj
            .try_iter()?
            .map(|item| json_at(&item?, limits, depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    if let Ok(m) = obj.cast::<crate::values::PyMoney>() {
        return serde_json::to_value(m.get().0).map_err(|e| value_err("value", e.to_string()));
    }
    let type_name = obj.get_type().name()?.to_string();
    match type_name.as_str() {
        "Decimal" => Ok(Value::String(obj.str()?.to_string())),
        "datetime" | "date" => Ok(Value::String(obj.call_method0("isoformat")?.extract()?)),
        _ => Err(type_err("value", format!("a {type_name} is not JSON-like"))),
    }
}

/// Deserializes a core type from a Python JSON-like value (nested at most
/// `limits.max_json_depth`).
pub fn from_py<T: serde::de::DeserializeOwned>(
    what: &str,
    obj: &Bound<'_, PyAny>,
    limits: &LimitsPolicy,
) -> PyResult<T> {
    serde_json::from_value(py_to_json(obj, limits)?).map_err(|e| value_err(what, e.to_string()))
}

/// Serializes a core type to JSON; the core's types always serialize.
pub fn to_json<T: serde::Serialize>(value: &T) -> PyResult<Value> {
    serde_json::to_value(value).map_err(|e| value_err("value", e.to_string()))
}

/// A snake_case enum (`"level_2"`, `"image"`, `"card"` ...) parsed by the core's serde.
pub fn enum_arg<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> PyResult<T> {
    serde_json::from_value(Value::String(text.to_owned()))
        .map_err(|e| value_err(what, format!("`{text}`: {e}")))
}

/// An instant from an aware `datetime`; anything else (a naive `datetime` included)
/// is an `InvalidTypeError`.
pub fn instant(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let aware: DateTime<FixedOffset> = obj.extract().map_err(|e| {
        type_err(
            what,
            format!("expected a timezone-aware datetime (naive datetimes are ambiguous): {e}"),
        )
    })?;
    Ok(aware.with_timezone(&Utc))
}

/// Money from a `Money`, a `Decimal`, an `int` or a decimal string (in `currency`).
/// Floats are refused: they cannot hold cents exactly; so are NaN, infinities and
/// numbers beyond a decimal's 96 bits. The policy's limits are the core's to check.
pub fn money(obj: &Bound<'_, PyAny>, currency: Currency) -> PyResult<Money> {
    if let Ok(m) = obj.cast::<crate::values::PyMoney>() {
        return Ok(m.get().0);
    }
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyBool>() {
        return Err(type_err(
            "amount",
            "money must be a Decimal, an int, a decimal string or a Money, not a float",
        ));
    }
    let amount: Decimal = if let Ok(s) = obj.cast::<PyString>() {
        s.to_string()
            .trim()
            .parse()
            .map_err(|e| value_err("amount", format!("`{s}` is not a decimal amount: {e}")))?
    } else if obj.is_instance_of::<PyInt>() || obj.get_type().name().is_ok_and(|n| n == "Decimal") {
        obj.extract().map_err(|_| {
            let got = obj.str().map(|s| s.to_string()).unwrap_or_default();
            value_err(
                "amount",
                format!("{got} is not a finite decimal of at most 28 digits"),
            )
        })?
    } else {
        return Err(type_err(
            "amount",
            "money must be a Decimal, an int, a decimal string or a Money",
        ));
    };
    Ok(Money::new(amount, currency))
}
