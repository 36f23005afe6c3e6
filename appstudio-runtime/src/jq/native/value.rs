//! jq's rules for `serde_json` values on the native path: numbers and arithmetic, truth,
//! order and equality, type names, and text (`tostring`, `tojson`, interpolation), the same
//! as the jaq path's (`super::super::value`).

use std::cmp::Ordering;

use crate::json::{Map, Number, Str, Value};

use super::super::value::json::{float, write_f64, write_literal, write_str};
use super::ctx::{NULL, Stop};

/// A number as arithmetic sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Num {
    /// An integer (from the input, a literal, or exact integer arithmetic).
    Int(i64),
    /// Anything else, as a double.
    Float(f64),
}

impl Num {
    /// A JSON number for arithmetic; an integer beyond 64 bits is [`Stop::Unsupported`]
    /// (jaq computes with it exactly).
    pub(super) fn of(n: &Number) -> Result<Num, Stop> {
        if let Some(i) = n.as_i64() {
            return Ok(Num::Int(i));
        }
        if n.is_u64() || !n.to_string().contains(['.', 'e', 'E']) {
            return Err(Stop::Unsupported);
        }
        Ok(Num::Float(n.as_f64().unwrap_or(f64::NAN)))
    }

    pub(super) fn f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }

    /// As JSON: an integer as it is; a double as jq prints it (integral ones as integers,
    /// NaN as null). A double that jq prints with an exponent but JSON would hold as an
    /// integer (`1e16`), or infinite, is [`Stop::Unsupported`]: its text would differ.
    pub(super) fn to_value(self) -> Result<Value, Stop> {
        match self {
            Num::Int(i) => Ok(Value::from(i)),
            Num::Float(f) if f.is_infinite() || (f.fract() == 0.0 && f.abs() >= 1e16) => {
                Err(Stop::Unsupported)
            }
            Num::Float(f) if f == 0.0 && f.is_sign_negative() => Err(Stop::Unsupported),
            Num::Float(f) => Ok(float(f)),
        }
    }
}

/// `false` and `null` are false; everything else is true.
pub(super) fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

/// jq's type name.
pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The type name of `v` as a value, shared: `type` builds no string.
pub(super) fn type_value(v: &Value) -> &'static Value {
    static NAMES: std::sync::LazyLock<[Value; 6]> = std::sync::LazyLock::new(|| {
        ["null", "boolean", "number", "string", "array", "object"].map(Value::from)
    });
    &NAMES[match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }]
}

/// `m[k]`: a small object (most of an event's) is searched in order, which costs less than
/// hashing the key.
pub(super) fn get<'m>(m: &'m Map, k: &str) -> Option<&'m Value> {
    if m.len() <= 8 {
        m.iter().find_map(|(key, v)| (key == k).then_some(v))
    } else {
        m.get(k)
    }
}

fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Bool(false) => 1,
        Value::Bool(true) => 2,
        Value::Number(_) => 3,
        Value::String(_) => 4,
        Value::Array(_) => 5,
        Value::Object(_) => 6,
    }
}

/// Compares numbers: exactly as 64-bit integers, else as doubles.
pub(super) fn cmp_num(a: &Number, b: &Number) -> Ordering {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => {
            let (x, y) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
    }
}

/// jq's order: `null < false < true < numbers < strings < arrays < objects`; arrays
/// element-wise; objects by their sorted keys, then by their values in that order.
pub(super) fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => cmp_num(x, y),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                match compare(p, q) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let (kx, ky) = (sorted_keys(x), sorted_keys(y));
            match kx.cmp(&ky) {
                Ordering::Equal => {}
                other => return other,
            }
            for k in kx {
                match compare(x.get(k).unwrap_or(&NULL), y.get(k).unwrap_or(&NULL)) {
                    Ordering::Equal => {}
                    other => return other,
                }
            }
            Ordering::Equal
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Equality by jq's order (`1 == 1.0`; objects whatever the order of their keys).
pub(super) fn equal(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

/// An object's keys, sorted by code point.
pub(super) fn sorted_keys(o: &Map) -> Vec<&Str> {
    let mut keys: Vec<&Str> = o.keys().collect();
    keys.sort();
    keys
}

/// Writes `v` as compact JSON the way jq prints it (numbers as the jaq path prints them);
/// `Err` once `out` grows past `max` bytes.
pub(super) fn write_json(v: &Value, out: &mut String, max: usize) -> Result<(), ()> {
    if out.len() > max {
        return Err(());
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_str(s.as_bytes(), out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out, max)?;
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(k.as_bytes(), out);
                out.push(':');
                write_json(x, out, max)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// A JSON number as jq prints it: integers as they are, a plain literal with its digits
/// (`1.50`), one with an exponent as a double.
fn write_number(n: &Number, out: &mut String) {
    if n.is_i64() || n.is_u64() {
        out.push_str(&n.to_string());
        return;
    }
    let text = n.to_string();
    if text.contains(['e', 'E']) {
        write_f64(n.as_f64().unwrap_or(f64::NAN), out);
    } else {
        write_literal(&text, out);
    }
}

/// `tostring`: a string as it is, anything else as JSON.
pub(super) fn to_text(v: &Value, max: usize) -> Result<String, ()> {
    match v {
        Value::String(s) => Ok(s.to_string()),
        other => {
            let mut out = String::new();
            write_json(other, &mut out, max)?;
            Ok(out)
        }
    }
}

/// How an error message shows a value: its JSON, cut to about 11 bytes as jq does.
pub(super) fn excerpt(v: &Value) -> String {
    let mut text = String::new();
    let _ = write_json(v, &mut text, 64);
    if text.len() > 11 {
        let mut end = 10;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    text
}

/// `split($sep)` (and `string / string`): an empty separator splits into characters, an
/// empty string into nothing.
pub(super) fn split(s: &str, sep: &str) -> Value {
    if s.is_empty() {
        return Value::Array(Vec::new().into());
    }
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars()
            .map(|c| Value::from(c.encode_utf8(&mut [0; 4]) as &str))
            .collect()
    } else {
        s.split(sep).map(Value::from).collect()
    };
    Value::Array(parts.into())
}
