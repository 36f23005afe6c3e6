//! Conversions between jq values and JSON, and jq's number printing.

use super::*;

/// Why a value cannot be written as JSON.
pub(in crate::jq) enum WriteError {
    /// The value nests deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The text would be longer than the given maximum.
    TooLong,
}

/// Writes a number the way jq 1.7 prints it.
fn write_num(n: &Num, out: &mut String) {
    match n {
        Num::Float(f) => write_f64(*f, out),
        // literals (from the input or the program) keep their digits, like jq 1.7
        Num::Int(_) | Num::BigInt(_) => {
            let _ = write!(out, "{n}");
        }
        Num::Dec(_) => write_literal(&n.to_string(), out),
    }
}

/// Writes a number literal the way jq 1.7 prints it (decNumber's scientific string): the
/// digits kept, an exponent only when there is one above zero or the number is tiny
/// (`1.50`, `1E+17`, `1.5E+300`, `0.00001`, `1E-7`).
pub(in crate::jq) fn write_literal(text: &str, out: &mut String) {
    let (neg, body) = match text.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i64>().ok()),
        None => (body, Some(0)),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = int.chars().chain(frac.chars()).collect();
    let Some(exp) =
        exp.filter(|_| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
    else {
        out.push_str(text);
        return;
    };
    let exp = exp - frac.len() as i64;
    let coef = digits.trim_start_matches('0');
    let coef = if coef.is_empty() { "0" } else { coef };
    let adjusted = exp + coef.len() as i64 - 1;
    if neg {
        out.push('-');
    }
    if exp <= 0 && adjusted >= -6 {
        let point = coef.len() as i64 + exp;
        if exp == 0 {
            out.push_str(coef);
        } else if point > 0 {
            out.push_str(&coef[..point as usize]);
            out.push('.');
            out.push_str(&coef[point as usize..]);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-point) as usize));
            out.push_str(coef);
        }
    } else {
        out.push_str(&coef[..1]);
        if coef.len() > 1 {
            out.push('.');
            out.push_str(&coef[1..]);
        }
        let sign = if adjusted < 0 { '-' } else { '+' };
        let _ = write!(out, "E{sign}{}", adjusted.abs());
    }
}

/// Writes a double like jq: 17 significant digits at most, `1e+17`, `1e-05`, `null` for NaN.
pub(in crate::jq) fn write_f64(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("null");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f > 0.0 { "" } else { "-" });
        out.push_str("1.7976931348623157e+308");
        return;
    }
    if f == 0.0 {
        out.push_str(if f.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    if f < 0.0 {
        out.push('-');
    }
    // shortest round-trip digits and exponent
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let nd = digits.len() as i32;
    let decpt = exp + 1;
    if decpt <= -4 || decpt > nd + 15 {
        out.push_str(&digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exp.abs());
    } else if decpt <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-decpt) as usize));
        out.push_str(&digits);
    } else if decpt >= nd {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (decpt - nd) as usize));
    } else {
        out.push_str(&digits[..decpt as usize]);
        out.push('.');
        out.push_str(&digits[decpt as usize..]);
    }
}

pub(in crate::jq) fn write_str(s: &[u8], out: &mut String) {
    out.push('"');
    for c in String::from_utf8_lossy(s).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes compact JSON the way jq does (`tojson`, `tostring`, interpolation), failing once
/// `out` is longer than `max` bytes.
pub(in crate::jq) fn write_json(
    v: &Val,
    out: &mut String,
    depth: usize,
    max: usize,
) -> Result<(), WriteError> {
    if depth > MAX_DEPTH {
        return Err(WriteError::TooDeep);
    }
    if out.len() > max {
        return Err(WriteError::TooLong);
    }
    match v {
        Val::Null => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Num(n) => write_num(n, out),
        Val::TStr(s) | Val::BStr(s) => write_str(s, out),
        Val::Arr(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(x, out, depth + 1, max)?;
            }
            out.push(']');
        }
        Val::Obj(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(k, out, depth + 1, max)?;
                out.push(':');
                write_json(x, out, depth + 1, max)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn too_deep() -> JqError {
    JqError::Limit(format!("a value is nested deeper than {MAX_DEPTH} levels"))
}

/// Converts JSON to a jq value (numbers with a fraction or exponent keep their literal).
pub(in crate::jq) fn from_json(v: &crate::json::Value) -> Result<V, JqError> {
    fn go(v: &crate::json::Value, depth: usize) -> Result<Val, JqError> {
        use crate::json::Value;
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        Ok(match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Val::Num(Num::from_integral(i))
                } else if let Some(u) = n.as_u64() {
                    Val::Num(Num::from_integral(u))
                } else {
                    // the text of a double is serde_json's, not the literal of the input: only
                    // a plain one (`1.0`, `2.50`) is kept as a literal
                    let text = n.to_string();
                    match n.as_f64() {
                        Some(f) if text.contains(['e', 'E']) => Val::Num(Num::Float(f)),
                        _ => <Val as jaq_core::ValT>::from_num(&text)
                            .map_err(|e| JqError::InvalidValue(e.to_string()))?,
                    }
                }
            }
            Value::String(s) => text(s),
            Value::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for x in a {
                    items.push(go(x, depth + 1)?);
                }
                Val::Arr(items.into())
            }
            Value::Object(o) => {
                let mut map = Map::with_capacity_and_hasher(o.len(), Default::default());
                for (k, x) in o {
                    map.insert(text(k), go(x, depth + 1)?);
                }
                Val::obj(map)
            }
        })
    }
    go(v, 0).map(V)
}

/// The jq string of `s`: one allocation for the bytes (`Val::from(String)` makes three).
fn text(s: &str) -> Val {
    Val::utf8_str(s.as_bytes().to_vec())
}

/// A JSON number from its text, or the nearest double (infinities become the largest).
fn number(text: &str) -> crate::json::Value {
    match text.parse::<crate::json::Number>() {
        // a number keeps its text, even one no double can hold
        Ok(n) if n.as_f64().is_some_and(f64::is_finite) => crate::json::Value::Number(n),
        _ => float(text.parse().unwrap_or(f64::NAN)),
    }
}

/// A computed double as JSON, as jq prints it: integral values as integers, NaN as null.
pub(in crate::jq) fn float(f: f64) -> crate::json::Value {
    use crate::json::Value;
    if f.is_nan() {
        Value::Null
    } else if f.is_infinite() {
        Value::from(if f > 0.0 { f64::MAX } else { f64::MIN })
    } else if f.fract() == 0.0 && f.abs() < 1e17 {
        Value::from(f as i64)
    } else {
        Value::from(f)
    }
}

/// Converts a jq value to JSON, counting its size as compact JSON (numbers count 8 bytes)
/// against `bytes`.
pub(in crate::jq) fn to_json(v: &V, bytes: &mut usize) -> Result<crate::json::Value, JqError> {
    let max = *bytes;
    let mut take = |n: usize| match bytes.checked_sub(n) {
        Some(left) => {
            *bytes = left;
            Ok(())
        }
        None => Err(JqError::Limit(format!(
            "outputs larger than {max} bytes in all"
        ))),
    };
    fn go(
        v: &Val,
        depth: usize,
        take: &mut impl FnMut(usize) -> Result<(), JqError>,
    ) -> Result<crate::json::Value, JqError> {
        use crate::json::Value;
        if depth > MAX_DEPTH {
            return Err(too_deep());
        }
        take(match v {
            Val::TStr(s) | Val::BStr(s) => s.len() + 2,
            Val::Num(_) => 8,
            _ => 5,
        })?;
        Ok(match v {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(Num::Int(i)) => Value::from(*i as i64),
            Val::Num(Num::Float(f)) => float(*f),
            Val::Num(n @ (Num::BigInt(_) | Num::Dec(_))) => number(&n.to_string()),
            Val::TStr(s) | Val::BStr(s) => Value::from(String::from_utf8_lossy(s).into_owned()),
            Val::Arr(a) => Value::Array(
                a.iter()
                    .map(|x| go(x, depth + 1, take))
                    .collect::<Result<Vec<_>, _>>()?
                    .into(),
            ),
            Val::Obj(o) => {
                let mut map = crate::json::Map::with_capacity(o.len());
                for (k, x) in o.iter() {
                    let k: String = match k {
                        Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into(),
                        k => {
                            return Err(JqError::InvalidValue(format!(
                                "object key {} is not a string",
                                V(k.clone())
                            )));
                        }
                    };
                    take(k.len() + 3)?;
                    map.insert(k, go(x, depth + 1, take)?);
                }
                Value::Object(map)
            }
        })
    }
    go(&v.0, 0, &mut take)
}

/// The message of a jq error: a string as it is, anything else as JSON.
pub(in crate::jq) fn exn_to_error(exn: Exn<'_, V>) -> JqError {
    match exn.get_err() {
        Ok(e) => {
            let v = e.into_val();
            JqError::Runtime(match &v.0 {
                Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into_owned(),
                _ => format!("{v} (not a string)"),
            })
        }
        Err(exn) => match exn.get_halt() {
            Ok(code) if crate::jq::limits::is_limit_halt(code) => {
                JqError::Limit("the evaluation was stopped".into())
            }
            Ok(code) => JqError::Runtime(format!("the program halted with code {code}")),
            Err(_) => JqError::Runtime("unexpected control flow (break or tail call)".into()),
        },
    }
}
