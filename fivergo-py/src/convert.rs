//! Conversions between Python values and the core's types: JSON-like values, money
//! (`decimal.Decimal`), instants (timezone-aware `datetime`), enums (snake_case
//! strings), briefs and price specs. Nothing here decides a rule.

use chrono::{DateTime, FixedOffset, Utc};
use fivergo_core::{Currency, Money};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

/// A JSON value as plain Python (dict, list, str, int, float, bool, None).
pub fn json_to_py(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(match value {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any().unbind(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any().unbind(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any().unbind(),
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

/// A JSON value as native Python: money objects (`{"amount", "currency"}`) become
/// `Decimal`, RFC 3339 strings under `at`, keys ending in `_at` and `deadline` become aware
/// `datetime`s; everything else as [`json_to_py`].
pub fn native(py: Python<'_>, key: &str, value: &Value) -> PyResult<Py<PyAny>> {
    match value {
        Value::Object(o) if o.len() == 2 && o.contains_key("currency") => {
            if let Some(amount) = o.get("amount").and_then(Value::as_str).and_then(|a| a.parse::<Decimal>().ok()) {
                return Ok(amount.into_pyobject(py)?.into_any().unbind());
            }
            json_to_py(py, value)
        }
        Value::String(s) if key == "at" || key.ends_with("_at") || key == "deadline" => match DateTime::parse_from_rfc3339(s) {
            Ok(at) => Ok(at.with_timezone(&Utc).into_pyobject(py)?.into_any().unbind()),
            Err(_) => json_to_py(py, value),
        },
        Value::Object(o) => {
            let dict = PyDict::new(py);
            for (k, v) in o {
                dict.set_item(k, native(py, k, v)?)?;
            }
            Ok(dict.into_any().unbind())
        }
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(native(py, key, item)?)?;
            }
            Ok(list.into_any().unbind())
        }
        _ => json_to_py(py, value),
    }
}

/// A Python value as JSON: dicts (string keys), lists, tuples, str, int, float, bool,
/// None; `Decimal` as its string, `datetime` as ISO 8601; anything else is a `TypeError`.
pub fn py_to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
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
        return Ok(Value::from(obj.extract::<u64>()?));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinities are not JSON"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_string()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key: String = k.extract().map_err(|_| PyTypeError::new_err("JSON object keys must be strings"))?;
            map.insert(key, py_to_json(&v)?);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj.try_iter()?.map(|item| py_to_json(&item?)).collect::<PyResult<Vec<_>>>().map(Value::Array);
    }
    let type_name = obj.get_type().name()?.to_string();
    match type_name.as_str() {
        "Decimal" => Ok(Value::String(obj.str()?.to_string())),
        "datetime" | "date" => Ok(Value::String(obj.call_method0("isoformat")?.extract()?)),
        _ => Err(PyTypeError::new_err(format!("a {type_name} is not JSON-like"))),
    }
}

/// Deserializes a core type from a Python JSON-like value.
pub fn from_py<T: serde::de::DeserializeOwned>(what: &str, obj: &Bound<'_, PyAny>) -> PyResult<T> {
    serde_json::from_value(py_to_json(obj)?).map_err(|e| PyValueError::new_err(format!("invalid {what}: {e}")))
}

/// Serializes a core type to JSON; the core's types always serialize.
pub fn to_json<T: serde::Serialize>(value: &T) -> PyResult<Value> {
    serde_json::to_value(value).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A snake_case enum (`"level_2"`, `"image"`, `"card"` ...) parsed by the core's serde.
pub fn enum_arg<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> PyResult<T> {
    serde_json::from_value(Value::String(text.to_owned())).map_err(|e| PyValueError::new_err(format!("invalid {what} `{text}`: {e}")))
}

/// An instant from an aware `datetime`; naive datetimes are refused with a `TypeError`.
pub fn instant(obj: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
    let aware: DateTime<FixedOffset> = obj.extract().map_err(|e| {
        PyTypeError::new_err(format!("expected a timezone-aware datetime (naive datetimes are ambiguous): {e}"))
    })?;
    Ok(aware.with_timezone(&Utc))
}

/// Money from a `Money`, a `Decimal`, an `int` or a decimal string (in `currency`).
/// Floats are refused: they cannot hold cents exactly.
pub fn money(obj: &Bound<'_, PyAny>, currency: Currency) -> PyResult<Money> {
    if let Ok(m) = obj.cast::<crate::values::PyMoney>() {
        return Ok(m.get().0);
    }
    if obj.is_instance_of::<PyFloat>() || obj.is_instance_of::<PyBool>() {
        return Err(PyTypeError::new_err("money must be a Decimal, an int, a decimal string or a Money, not a float"));
    }
    let amount: Decimal = if let Ok(s) = obj.cast::<PyString>() {
        s.to_string().trim().parse().map_err(|e| PyValueError::new_err(format!("`{s}` is not a decimal amount: {e}")))?
    } else {
        obj.extract().map_err(|_| PyTypeError::new_err("money must be a Decimal, an int, a decimal string or a Money"))?
    };
    Ok(Money::new(amount, currency))
}
