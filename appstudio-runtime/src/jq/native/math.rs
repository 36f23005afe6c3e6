//! Arithmetic: numbers (exact on 64-bit integers, else doubles), strings, arrays and objects.

use std::borrow::Cow;

use crate::json::{Map, Value};

use super::ctx::{Stop, fail, size};
use super::op::Math;
use super::value::{self as jv, Num, excerpt, type_name};

pub(super) fn neg(n: Num) -> Result<Value, Stop> {
    match n {
        // `-0` is a double negative zero in jq
        Num::Int(0) => Err(Stop::Unsupported),
        Num::Int(i) => i.checked_neg().map(Value::from).ok_or(Stop::Unsupported),
        Num::Float(f) => Num::Float(-f).to_value(),
    }
}

/// `l op r` where `r` may be owned: what it holds moves into the result.
pub(super) fn math_owned(
    l: Cow<'_, Value>,
    m: Math,
    r: Cow<'_, Value>,
    max: usize,
) -> Result<Value, Stop> {
    use Value::{Array, Null, Object};
    let r = match (m, r) {
        (Math::Add, Cow::Owned(r)) => r,
        (m, r) => return math(l, m, &r, max),
    };
    Ok(match (l, r) {
        (l, Null) => l.into_owned(),
        (l, r) if l.is_null() => r,
        (l, Object(y)) if l.is_object() => {
            let Object(mut x) = l.into_owned() else {
                unreachable!()
            };
            if x.is_empty() {
                return Ok(Object(y));
            }
            x.extend(y);
            Object(x)
        }
        (l, Array(y)) if l.is_array() => concat(l, y.into_iter(), max)?,
        (l, r) => return math(l, m, &r, max),
    })
}

/// Array `l` followed by the elements `y`.
fn concat(
    l: Cow<'_, Value>,
    y: impl ExactSizeIterator<Item = Value>,
    max: usize,
) -> Result<Value, Stop> {
    let Value::Array(mut x) = l.into_owned() else {
        unreachable!("`l` is an array")
    };
    if x.len() + y.len() > max {
        return Err(size(max));
    }
    x.extend(y);
    Ok(Value::Array(x))
}

/// `l op r`.
pub(super) fn math(l: Cow<'_, Value>, m: Math, r: &Value, max: usize) -> Result<Value, Stop> {
    use Value::{Array, Null, Number, Object, String as Str};
    let mismatch = |l: &Value, verb: &str| {
        fail(format!(
            "{} ({}) and {} ({}) cannot be {verb}",
            type_name(l),
            excerpt(l),
            type_name(r),
            excerpt(r)
        ))
    };
    Ok(match (m, l, r) {
        (m, l, Number(y)) if matches!(&*l, Number(_)) => {
            let Number(x) = &*l else { unreachable!() };
            arith(Num::of(x)?, m, Num::of(y)?)?
        }
        (Math::Mul, l, Number(n)) if l.is_string() => {
            let Str(x) = &*l else { unreachable!() };
            repeat(x, Num::of(n)?, max)?
        }
        (Math::Mul, l, Str(x)) if l.is_number() => {
            let Number(n) = &*l else { unreachable!() };
            repeat(x, Num::of(n)?, max)?
        }
        (Math::Add, l, Null) => l.into_owned(),
        (Math::Add, l, r) if l.is_null() => r.clone(),
        (Math::Add, l, Str(y)) if l.is_string() => {
            let Str(x) = l.into_owned() else {
                unreachable!()
            };
            if x.len() + y.len() > max {
                return Err(size(max));
            }
            // a long string of its own is appended to in place
            let mut s = x.into_string();
            s.push_str(y);
            Str(s.into())
        }
        (Math::Add, l, Array(y)) if l.is_array() => concat(l, y.iter().cloned(), max)?,
        (Math::Add, l, Object(y)) if l.is_object() => {
            let Object(mut x) = l.into_owned() else {
                unreachable!()
            };
            for (k, v) in y {
                x.insert(k.clone(), v.clone());
            }
            Object(x)
        }
        (Math::Sub, l, Array(y)) if l.is_array() => {
            let Array(x) = l.into_owned() else {
                unreachable!()
            };
            Array(
                x.into_iter()
                    .filter(|v| !y.iter().any(|w| jv::equal(v, w)))
                    .collect(),
            )
        }
        (Math::Mul, l, Object(y)) if l.is_object() => {
            let Object(x) = l.into_owned() else {
                unreachable!()
            };
            Object(deep_merge(x, y))
        }
        (Math::Div, l, Str(sep)) if l.is_string() => {
            let Str(x) = &*l else { unreachable!() };
            jv::split(x, sep)
        }
        (Math::Add, l, _) => return Err(mismatch(&l, "added")),
        (Math::Sub, l, _) => return Err(mismatch(&l, "subtracted")),
        (Math::Mul, l, _) => return Err(mismatch(&l, "multiplied")),
        (Math::Div, l, _) => return Err(mismatch(&l, "divided")),
        (Math::Rem, l, _) => return Err(mismatch(&l, "divided (remainder)")),
    })
}

/// `"s" * n`: `s` repeated `n` times (rounded down), `null` for a negative `n`.
fn repeat(s: &str, n: Num, max: usize) -> Result<Value, Stop> {
    let n = n.f64();
    if n < 0.0 {
        return Ok(Value::Null);
    }
    let times = n.floor() as usize;
    if s.len().saturating_mul(times) > max {
        return Err(size(max));
    }
    Ok(Value::String(s.repeat(times).into()))
}

fn deep_merge(mut x: Map, y: &Map) -> Map {
    for (k, v) in y {
        match (x.get_mut(k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => {
                let a = std::mem::take(a);
                x.insert(k.clone(), Value::Object(deep_merge(a, b)));
            }
            _ => {
                x.insert(k.clone(), v.clone());
            }
        }
    }
    x
}

/// Arithmetic on numbers: exact on integers while it stays exact, else on doubles.
fn arith(x: Num, m: Math, y: Num) -> Result<Value, Stop> {
    if let (Num::Int(a), Num::Int(b)) = (x, y) {
        let exact = match m {
            Math::Add => a.checked_add(b),
            Math::Sub => a.checked_sub(b),
            Math::Mul => a.checked_mul(b),
            Math::Div if b != 0 && a % b == 0 => a.checked_div(b),
            Math::Rem if b != 0 => a.checked_rem(b),
            _ => None,
        };
        if let Some(v) = exact {
            return Ok(Value::from(v));
        }
        if !matches!(m, Math::Div | Math::Rem) {
            // jaq's integers go on exactly past 64 bits
            return Err(Stop::Unsupported);
        }
    }
    let (a, b) = (x.f64(), y.f64());
    Num::Float(match m {
        Math::Add => a + b,
        Math::Sub => a - b,
        Math::Mul => a * b,
        Math::Div if b == 0.0 => {
            return Err(fail(format!(
                "{} (number) and {} (number) cannot be divided because the divisor is zero",
                Num::Float(a).to_value()?,
                Num::Float(b).to_value()?
            )));
        }
        Math::Div => a / b,
        Math::Rem => {
            // jq truncates both sides to integers
            let (a, b) = (a.trunc() as i64, b.trunc() as i64);
            if b == 0 {
                return Err(fail(format!(
                    "{a} (number) and {b} (number) cannot be divided because the divisor is zero"
                )));
            }
            return Ok(Value::from(a.checked_rem(b).unwrap_or(0)));
        }
    })
    .to_value()
}
