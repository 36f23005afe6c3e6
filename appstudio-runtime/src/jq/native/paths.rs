//! One path step on a value: `.k`, `.[k]`, `.[]`, `.[from:to]`; borrowed from the value it
//! steps into wherever that is borrowed (`eval::path` strings steps together).

use std::borrow::Cow;

use crate::json::Value;

use super::ctx::{Ctx, NULL, Out, Res, Stop, fail};
use super::value::{self as jv, Num, excerpt, type_name};

/// `.[k]` for a key known when the program compiled.
pub(super) fn index_key<'a>(v: Cow<'a, Value>, k: &str) -> Result<Cow<'a, Value>, Stop> {
    match v {
        Cow::Borrowed(Value::Object(m)) => {
            Ok(jv::get(m, k).map_or(Cow::Borrowed(&NULL), Cow::Borrowed))
        }
        Cow::Owned(Value::Object(m)) => Ok(Cow::Owned(m.get(k).cloned().unwrap_or(Value::Null))),
        v if v.is_null() => Ok(Cow::Borrowed(&NULL)),
        v => Err(fail(format!("cannot index {} with \"{k}\"", type_name(&v)))),
    }
}

/// `.[k]` for a computed key or index.
pub(super) fn index<'a>(v: Cow<'a, Value>, k: &Value) -> Result<Cow<'a, Value>, Stop> {
    match (v, k) {
        (v, Value::String(s)) if v.is_object() || v.is_null() => index_key(v, s),
        (v, Value::Number(n)) if v.is_array() || v.is_null() => {
            let f = Num::of(n)?.f64().floor();
            if !f.is_finite() {
                return Ok(Cow::Borrowed(&NULL));
            }
            let i = f as i64;
            match v {
                Cow::Borrowed(Value::Array(a)) => Ok(at(a.len(), i)
                    .and_then(|i| a.get(i))
                    .map_or(Cow::Borrowed(&NULL), Cow::Borrowed)),
                // an item is taken by a shallow clone (its containers are shared)
                Cow::Owned(Value::Array(a)) => Ok(Cow::Owned(
                    at(a.len(), i)
                        .and_then(|i| a.get(i).cloned())
                        .unwrap_or(Value::Null),
                )),
                _ => Ok(Cow::Borrowed(&NULL)),
            }
        }
        (v, k) => Err(fail(format!(
            "cannot index {} with {}",
            type_name(&v),
            match k {
                Value::String(s) => format!("\"{s}\""),
                other => type_name(other).to_owned(),
            }
        ))),
    }
}

/// The position of index `i` (negative from the end) in `len` elements.
fn at(len: usize, i: i64) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    usize::try_from(i).ok().filter(|i| *i < len)
}

/// `.[]`
pub(super) fn iterate<'a, 'g: 'a>(
    v: Cow<'a, Value>,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    match v {
        Cow::Borrowed(Value::Array(a)) => a.iter().try_for_each(|x| out(Cow::Borrowed(x), cx)),
        Cow::Borrowed(Value::Object(m)) => m.values().try_for_each(|x| out(Cow::Borrowed(x), cx)),
        Cow::Owned(Value::Array(a)) => a.into_iter().try_for_each(|x| out(Cow::Owned(x), cx)),
        Cow::Owned(Value::Object(m)) => m.into_iter().try_for_each(|(_, x)| out(Cow::Owned(x), cx)),
        v => Err(fail(format!(
            "cannot iterate over {}",
            match &*v {
                Value::Null => "null".to_owned(),
                other => format!("{} ({})", type_name(other), excerpt(other)),
            }
        ))),
    }
}

/// `.[from:to]` of an array or a string (code points); `null` stays `null`.
pub(super) fn slice(v: &Value, from: &Value, to: &Value) -> Result<Value, Stop> {
    let bound = |b: &Value, len: usize, default: usize| -> Result<usize, Stop> {
        match b {
            Value::Null => Ok(default),
            Value::Number(n) => {
                let f = Num::of(n)?.f64();
                let i = if f < 0.0 {
                    (len as f64 + f).max(0.0)
                } else {
                    f
                };
                Ok((i.floor() as usize).min(len))
            }
            other => Err(fail(format!(
                "start and end indices of an array slice must be numbers, not {}",
                type_name(other)
            ))),
        }
    };
    match v {
        Value::Null => Ok(Value::Null),
        Value::Array(a) => {
            let (f, t) = (bound(from, a.len(), 0)?, bound(to, a.len(), a.len())?);
            Ok(Value::Array(if f < t {
                a[f..t].to_vec().into()
            } else {
                Vec::new().into()
            }))
        }
        Value::String(s) => {
            let chars: Vec<char> = s.chars().collect();
            let (f, t) = (
                bound(from, chars.len(), 0)?,
                bound(to, chars.len(), chars.len())?,
            );
            Ok(Value::String(if f < t {
                chars[f..t].iter().collect()
            } else {
                String::new().into()
            }))
        }
        other => Err(fail(format!(
            "cannot index {} with object",
            type_name(other)
        ))),
    }
}
