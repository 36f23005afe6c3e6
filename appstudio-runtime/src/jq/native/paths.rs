//! Path steps: `.k`, `.[f]`, `.[]`, `.[f:g]`, each maybe `?`; borrowed from the value they
//! step into wherever it is borrowed.

use std::borrow::Cow;

use serde_json::Value;

use super::eval::{Ctx, NULL, Out, Res, Stop, fail, run};
use super::op::{Op, Step};
use super::value::{self as jv, Num, excerpt, type_name};

/// The path steps after `v`; index expressions run on the path's input `root`.
pub(super) fn path<'a, 'g: 'a>(
    steps: &'a [(Step, bool)],
    v: Cow<'a, Value>,
    root: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let Some(((step, optional), rest)) = steps.split_first() else {
        return out(v, cx);
    };
    cx.step()?;
    let r = match step {
        Step::Key(k) => match index_key(v, k) {
            Ok(x) => path(rest, x, root, cx, out),
            Err(e) => Err(e),
        },
        Step::Iter => iterate(v, cx, &mut |x, cx| path(rest, x, root, cx, out)),
        Step::Index(i) => run(i, root, cx, &mut |k, cx| {
            let x = index(v.clone(), &k)?;
            path(rest, x, root, cx, out)
        }),
        Step::Slice(from, to) => {
            let bound = |op: &'a Option<Op>, cx: &mut Ctx<'g>| -> Result<Vec<Value>, Stop> {
                let mut all = Vec::new();
                match op {
                    None => all.push(Value::Null),
                    Some(op) => run(op, root, cx, &mut |b, _| {
                        all.push(b.into_owned());
                        Ok(())
                    })?,
                }
                Ok(all)
            };
            let (froms, tos) = (bound(from, cx)?, bound(to, cx)?);
            let mut r = Ok(());
            'outer: for t in &tos {
                for f in &froms {
                    let x = slice(&v, f, t)?;
                    r = path(rest, Cow::Owned(x), root, cx, out);
                    if r.is_err() {
                        break 'outer;
                    }
                }
            }
            r
        }
    };
    match r {
        Err(Stop::Error(_)) if *optional => Ok(()),
        r => r,
    }
}

/// `.[k]` for a key known when the program compiled.
fn index_key<'a>(v: Cow<'a, Value>, k: &str) -> Result<Cow<'a, Value>, Stop> {
    match v {
        Cow::Borrowed(Value::Object(m)) => {
            Ok(jv::get(m, k).map_or(Cow::Borrowed(&NULL), Cow::Borrowed))
        }
        Cow::Owned(Value::Object(mut m)) => Ok(Cow::Owned(m.remove(k).unwrap_or(Value::Null))),
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
                Cow::Owned(Value::Array(mut a)) => Ok(Cow::Owned(
                    at(a.len(), i).map_or(Value::Null, |i| a.swap_remove(i)),
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
fn slice(v: &Value, from: &Value, to: &Value) -> Result<Value, Stop> {
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
                a[f..t].to_vec()
            } else {
                Vec::new()
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
                String::new()
            }))
        }
        other => Err(fail(format!(
            "cannot index {} with object",
            type_name(other)
        ))),
    }
}
