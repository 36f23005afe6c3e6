//! What the built-ins compute on values: lengths, keys and entries, containment, joining and
//! splitting, sorting by keys, ranges.

use std::borrow::Cow;

use crate::json::{Map, Value};

use super::super::ctx::{Ctx, NULL, Out, Res, Stop, fail};
use super::super::op::Builtin as B;
use super::super::paths::index;
use super::super::value::{self as jv, Num, excerpt, truthy, type_name};
use super::text;

pub(in crate::jq::native) fn length(v: &Value) -> Result<Value, Stop> {
    Ok(match v {
        Value::Null => Value::from(0),
        Value::Bool(_) => return Err(fail(format!("boolean ({}) has no length", excerpt(v)))),
        Value::Number(n) => match Num::of(n)? {
            Num::Int(i) => Value::from(i.checked_abs().ok_or(Stop::Unsupported)?),
            Num::Float(f) => Num::Float(f.abs()).to_value()?,
        },
        Value::String(s) => Value::from(s.chars().count()),
        Value::Array(a) => Value::from(a.len()),
        Value::Object(o) => Value::from(o.len()),
    })
}

pub(in crate::jq::native) fn has(v: &Value, k: &Value) -> Result<bool, Stop> {
    match (v, k) {
        (Value::Object(o), Value::String(k)) => Ok(jv::get(o, k).is_some()),
        (Value::Array(a), Value::Number(n)) => {
            let i = Num::of(n)?.f64();
            Ok(i >= 0.0 && i < a.len() as f64)
        }
        (x, y) => Err(fail(format!(
            "cannot check whether {} has a {} key",
            type_name(x),
            type_name(y)
        ))),
    }
}

pub(in crate::jq::native) fn contains(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(l), Value::Object(r)) => r
            .iter()
            .all(|(k, r)| jv::get(l, k).is_some_and(|l| contains(l, r))),
        (Value::Array(l), Value::Array(r)) => r.iter().all(|r| l.iter().any(|l| contains(l, r))),
        (Value::String(l), Value::String(r)) => l.contains(r.as_str()),
        _ => jv::equal(a, b),
    }
}

/// `join($sep)` as jq 1.6/1.7 define it.
pub(in crate::jq::native) fn join(v: &Value, sep: &Value) -> Result<Value, Stop> {
    let items: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        Value::Object(o) => o.values().collect(),
        other => {
            return Err(fail(format!(
                "cannot iterate over {} ({})",
                type_name(other),
                excerpt(other)
            )));
        }
    };
    let sep = match sep {
        Value::String(s) => s.as_str(),
        Value::Null => "",
        other => {
            return Err(fail(format!(
                "string and {} ({}) cannot be added",
                type_name(other),
                excerpt(other)
            )));
        }
    };
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match item {
            Value::Null => {}
            Value::String(s) => out.push_str(s),
            Value::Bool(_) | Value::Number(_) => {
                let _ = jv::write_json(item, &mut out, usize::MAX);
            }
            other => {
                return Err(fail(format!(
                    "string ({}) and {} ({}) cannot be added",
                    excerpt(&Value::String(out.into())),
                    type_name(other),
                    excerpt(other)
                )));
            }
        }
    }
    Ok(Value::String(out.into()))
}

pub(in crate::jq::native) fn to_entries(v: &Value) -> Result<Value, Stop> {
    let entry = |k: Value, x: &Value| {
        let mut e = Map::with_capacity(2);
        e.insert("key", k);
        e.insert("value", x.clone());
        Value::Object(e)
    };
    match v {
        Value::Array(a) => Ok(Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| entry(Value::from(i), x))
                .collect(),
        )),
        Value::Object(m) => Ok(Value::Array(
            m.iter()
                .map(|(k, x)| entry(Value::String(k.clone()), x))
                .collect(),
        )),
        other => Err(fail(format!(
            "{} ({}) has no keys",
            type_name(other),
            excerpt(other)
        ))),
    }
}

/// `from_entries` as the shim defines it (`key`, `k`, `name`, `Name`, `K`, `Key`; `value`,
/// `Value`, `v`; a key that is not a string as its JSON).
pub(in crate::jq::native) fn from_entries(v: &Value, max: usize) -> Result<Value, Stop> {
    let Value::Array(entries) = v else {
        return Err(fail(format!(
            "cannot iterate over {} ({})",
            type_name(v),
            excerpt(v)
        )));
    };
    let mut map = Map::with_capacity(entries.len());
    for e in entries {
        let get = |name: &str| index(Cow::Borrowed(e), &Value::String(name.into()));
        let key = get("key")?;
        let key = if key.is_null() {
            let mut k = Cow::Borrowed(&NULL);
            for name in ["k", "name", "Name", "K", "Key"] {
                let c = get(name)?;
                if truthy(&c) {
                    k = c;
                    break;
                }
            }
            k
        } else {
            key
        };
        let key = match &*key {
            Value::String(s) => s.clone(),
            other => text(other, max)?.into(),
        };
        let value = if has(e, &Value::String("value".into())).unwrap_or(false) {
            get("value")?
        } else if has(e, &Value::String("Value".into())).unwrap_or(false) {
            get("Value")?
        } else {
            get("v")?
        };
        map.insert(key, value.into_owned());
    }
    Ok(Value::Object(map))
}

/// The elements of an array, for sorting.
pub(in crate::jq::native) fn array(v: &Value, what: &str) -> Result<Vec<Value>, Stop> {
    match v {
        Value::Array(a) => Ok(a.to_vec()),
        other => Err(fail(format!(
            "{} ({}) cannot be {what}, as it is not an array",
            type_name(other),
            excerpt(other)
        ))),
    }
}

/// `sort_by`, `group_by`, `unique_by`, `min_by`, `max_by` from elements sorted by key.
pub(in crate::jq::native) fn by(b: B, keyed: Vec<(Value, Value)>) -> Value {
    match b {
        B::SortBy => Value::Array(keyed.into_iter().map(|(_, x)| x).collect()),
        B::GroupBy | B::UniqueBy => {
            let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
            for (k, x) in keyed {
                match groups.last_mut() {
                    Some((gk, g)) if jv::equal(gk, &k) => g.push(x),
                    _ => groups.push((k, vec![x])),
                }
            }
            Value::Array(
                groups
                    .into_iter()
                    .filter_map(|(_, g)| {
                        if b == B::GroupBy {
                            Some(Value::Array(g.into()))
                        } else {
                            g.into_iter().next()
                        }
                    })
                    .collect(),
            )
        }
        B::MinBy => keyed.into_iter().next().map_or(Value::Null, |(_, x)| x),
        _ => keyed.into_iter().last().map_or(Value::Null, |(_, x)| x),
    }
}

/// `range(from; to)`: numbers from `from` up to `to`, by 1.
pub(in crate::jq::native) fn range<'a, 'g: 'a>(
    from: &Value,
    to: &Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let (Value::Number(f), Value::Number(t)) = (from, to) else {
        return Err(fail("range bounds must be numeric"));
    };
    match (Num::of(f)?, Num::of(t)?) {
        (Num::Int(mut i), Num::Int(t)) => {
            while i < t {
                cx.step()?;
                out(Cow::Owned(Value::from(i)), cx)?;
                i += 1;
            }
        }
        (f, t) => {
            let (mut x, t) = (f.f64(), t.f64());
            while x < t {
                cx.step()?;
                out(Cow::Owned(Num::Float(x).to_value()?), cx)?;
                x += 1.0;
            }
        }
    }
    Ok(())
}
