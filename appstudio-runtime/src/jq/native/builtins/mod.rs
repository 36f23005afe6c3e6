//! The built-in filters of the native subset, with the jaq path's semantics (jq 1.7's where
//! the shims restore them, `super::super::prelude`).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::jq::MAX_DEPTH;
use crate::json::{Map, Value};

mod values;

use values::{array, by, contains, from_entries, has, join, length, range, to_entries};

use super::ctx::{Ctx, NULL, Out, Res, Stop, fail};
use super::eval::{pipe, run};
use super::op::{Builtin as B, Op};
use super::paths::{index, iterate};
use super::value::{self as jv, Num, excerpt, truthy, type_name};

/// Runs built-in `b` with `args` on `input`.
pub(super) fn call<'a, 'g: 'a>(
    b: B,
    args: &'a [Op],
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let arg = |i: usize| &args[i];
    let one = |v: Value, cx: &mut Ctx<'g>, out: Out<'_, 'a, 'g>| out(Cow::Owned(v), cx);
    match b {
        B::Not => one(Value::Bool(!truthy(input)), cx, out),
        B::Length => one(length(input)?, cx, out),
        B::Utf8ByteLength => match input {
            Value::String(s) => one(Value::from(s.len()), cx, out),
            other => Err(fail(format!(
                "{} ({}) only strings have UTF-8 byte length",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::Keys | B::KeysUnsorted => match input {
            Value::Object(m) => {
                let keys: Vec<Value> = if b == B::Keys {
                    jv::sorted_keys(m)
                        .into_iter()
                        .map(|k| Value::String(k.clone()))
                        .collect()
                } else {
                    m.keys().map(|k| Value::String(k.clone())).collect()
                };
                one(Value::Array(keys.into()), cx, out)
            }
            Value::Array(a) => one(
                Value::Array((0..a.len()).map(Value::from).collect()),
                cx,
                out,
            ),
            other => Err(fail(format!(
                "{} ({}) has no keys",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::Has => each(arg(0), input, cx, out, |k| has(input, &k).map(Value::Bool)),
        B::Contains => each(arg(0), input, cx, out, |x| {
            if type_name(input) != type_name(&x) {
                return Err(fail(format!(
                    "{} ({}) and {} ({}) cannot have their containment checked",
                    type_name(input),
                    excerpt(input),
                    type_name(&x),
                    excerpt(&x)
                )));
            }
            Ok(Value::Bool(contains(input, &x)))
        }),
        B::Map => {
            let mut items = Vec::new();
            iterate(Cow::Borrowed(input), cx, &mut |x, cx| {
                pipe(arg(0), x, cx, &mut |y, _| {
                    items.push(y.into_owned());
                    Ok(())
                })
            })?;
            one(Value::Array(items.into()), cx, out)
        }
        B::MapValues => match input {
            Value::Object(m) => {
                let mut map = Map::with_capacity(m.len());
                for (k, x) in m {
                    if let Some(y) = first(arg(0), x, cx)? {
                        map.insert(k.clone(), y);
                    }
                }
                one(Value::Object(map), cx, out)
            }
            Value::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for x in a {
                    if let Some(y) = first(arg(0), x, cx)? {
                        items.push(y);
                    }
                }
                one(Value::Array(items.into()), cx, out)
            }
            other => Err(fail(format!(
                "cannot iterate over {} ({})",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::Select => run(arg(0), input, cx, &mut |c, cx| {
            if truthy(&c) {
                out(Cow::Borrowed(input), cx)
            } else {
                Ok(())
            }
        }),
        B::ToString => {
            let max = cx.max_size;
            match input {
                Value::String(_) => out(Cow::Borrowed(input), cx),
                other => one(Value::String(text(other, max)?.into()), cx, out),
            }
        }
        B::ToJson => {
            let mut s = String::new();
            jv::write_json(input, &mut s, cx.max_size)
                .map_err(|()| super::ctx::size(cx.max_size))?;
            one(Value::String(s.into()), cx, out)
        }
        B::FromJson => match input {
            Value::String(s) => match Value::from_slice_with_depth(s.as_bytes(), MAX_DEPTH + 1) {
                Ok(v) => one(v, cx, out),
                Err(e) if e.is_too_deep() => Err(fail(format!(
                    "cannot parse JSON nested deeper than {MAX_DEPTH} levels (`fromjson`)"
                ))),
                Err(e) => Err(fail(format!("{e} (while parsing '{s}')"))),
            },
            other => Err(fail(format!(
                "{} ({}) cannot be parsed as JSON, only a string can",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::ToNumber => match input {
            Value::Number(_) => out(Cow::Borrowed(input), cx),
            Value::String(s) => {
                let t = s.trim();
                match t.parse::<crate::json::Number>() {
                    Ok(n) if !t.starts_with(['[', '{']) => one(Value::Number(n), cx, out),
                    _ => Err(fail(format!("cannot parse {} as a number", excerpt(input)))),
                }
            }
            other => Err(fail(format!(
                "{} ({}) cannot be parsed as a number",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::Type => out(Cow::Borrowed(jv::type_value(input)), cx),
        B::Join => each(arg(0), input, cx, out, |sep| join(input, &sep)),
        B::Split => each(arg(0), input, cx, out, |sep| match (input, &sep) {
            (Value::String(s), Value::String(sep)) => Ok(jv::split(s, sep)),
            _ => Err(fail(format!(
                "split input and separator must be strings, not {} and {}",
                type_name(input),
                type_name(&sep)
            ))),
        }),
        B::AsciiDowncase | B::AsciiUpcase => match input {
            Value::String(s) => one(
                Value::String(if b == B::AsciiDowncase {
                    s.to_ascii_lowercase().into()
                } else {
                    s.to_ascii_uppercase().into()
                }),
                cx,
                out,
            ),
            other => Err(fail(format!(
                "{} ({}) cannot be case-converted, only a string can",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::LtrimStr | B::RtrimStr => each(arg(0), input, cx, out, |x| {
            Ok(match (input, &x) {
                (Value::String(s), Value::String(p)) => Value::String(
                    if b == B::LtrimStr {
                        s.strip_prefix(p.as_str())
                    } else {
                        s.strip_suffix(p.as_str())
                    }
                    .unwrap_or(s)
                    .to_owned()
                    .into(),
                ),
                _ => input.clone(),
            })
        }),
        B::StartsWith | B::EndsWith => each(arg(0), input, cx, out, |x| match (input, &x) {
            (Value::String(s), Value::String(p)) => Ok(Value::Bool(if b == B::StartsWith {
                s.starts_with(p.as_str())
            } else {
                s.ends_with(p.as_str())
            })),
            _ => Err(fail(format!(
                "{} requires string inputs",
                if b == B::StartsWith {
                    "startswith()"
                } else {
                    "endswith()"
                }
            ))),
        }),
        B::Trim | B::Ltrim | B::Rtrim => match input {
            Value::String(s) => one(
                Value::String(
                    match b {
                        B::Trim => s.trim(),
                        B::Ltrim => s.trim_start(),
                        _ => s.trim_end(),
                    }
                    .to_owned()
                    .into(),
                ),
                cx,
                out,
            ),
            other => Err(fail(format!(
                "{} ({}) cannot be trimmed",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::ToEntries => one(to_entries(input)?, cx, out),
        B::FromEntries => one(from_entries(input, cx.max_size)?, cx, out),
        B::WithEntries => {
            let Value::Array(entries) = to_entries(input)? else {
                return Err(fail("to_entries gave no array"));
            };
            let mut mapped = Vec::with_capacity(entries.len());
            for e in &entries {
                run(arg(0), e, cx, &mut |y, _| {
                    mapped.push(y.into_owned());
                    Ok(())
                })?;
            }
            one(
                from_entries(&Value::Array(mapped.into()), cx.max_size)?,
                cx,
                out,
            )
        }
        B::Add => add(Cow::Borrowed(input), cx, out),
        B::Any | B::All => {
            let want = b == B::Any;
            let mut found = !want;
            iterate(Cow::Borrowed(input), cx, &mut |x, _| {
                if truthy(&x) == want {
                    found = want;
                    return Err(Stop::Done);
                }
                Ok(())
            })
            .or_else(done)?;
            one(Value::Bool(found), cx, out)
        }
        B::AnyF | B::AllF => {
            let want = b == B::AnyF;
            let mut found = !want;
            iterate(Cow::Borrowed(input), cx, &mut |x, cx| {
                pipe(arg(0), x, cx, &mut |c, _| {
                    if truthy(&c) == want {
                        found = want;
                        return Err(Stop::Done);
                    }
                    Ok(())
                })
            })
            .or_else(done)?;
            one(Value::Bool(found), cx, out)
        }
        B::First => out(index(Cow::Borrowed(input), &Value::from(0))?, cx),
        B::Last => out(index(Cow::Borrowed(input), &Value::from(-1))?, cx),
        B::FirstF => {
            let mut got = None;
            run(arg(0), input, cx, &mut |v, _| {
                got = Some(v);
                Err(Stop::Done)
            })
            .or_else(done)?;
            match got {
                Some(v) => out(v, cx),
                None => Ok(()),
            }
        }
        B::LastF => {
            let mut got = None;
            run(arg(0), input, cx, &mut |v, _| {
                got = Some(v);
                Ok(())
            })?;
            // jq 1.7: `last(empty)` is `null` (the shim's `reduce`)
            out(got.unwrap_or(Cow::Borrowed(&NULL)), cx)
        }
        B::Sort => {
            let mut items = array(input, "sorted")?;
            items.sort_by(jv::compare);
            one(Value::Array(items.into()), cx, out)
        }
        B::SortBy | B::GroupBy | B::UniqueBy | B::MinBy | B::MaxBy => {
            let items = array(input, "sorted")?;
            let mut keyed = Vec::with_capacity(items.len());
            for x in items {
                let mut key = Vec::new();
                run(arg(0), &x, cx, &mut |k, _| {
                    key.push(k.into_owned());
                    Ok(())
                })?;
                keyed.push((Value::Array(key.into()), x));
            }
            keyed.sort_by(|a, b| jv::compare(&a.0, &b.0));
            one(by(b, keyed), cx, out)
        }
        B::Unique => {
            let mut items = array(input, "sorted")?;
            items.sort_by(jv::compare);
            items.dedup_by(|a, b| jv::equal(a, b));
            one(Value::Array(items.into()), cx, out)
        }
        B::Min | B::Max => {
            let items = array(input, "sorted")?;
            let pick = items.into_iter().reduce(|a, x| {
                let keep_a = match jv::compare(&a, &x) {
                    Ordering::Less => b == B::Min,
                    Ordering::Greater => b == B::Max,
                    Ordering::Equal => b == B::Min,
                };
                if keep_a { a } else { x }
            });
            one(pick.unwrap_or(Value::Null), cx, out)
        }
        B::Floor | B::Ceil | B::Round | B::Fabs | B::Sqrt | B::Abs => match input {
            Value::Number(n) => {
                let num = Num::of(n)?;
                if let (Num::Int(i), B::Floor | B::Ceil | B::Round) = (num, b) {
                    return one(Value::from(i), cx, out);
                }
                if let (Num::Int(i), B::Abs) = (num, b)
                    && let Some(a) = i.checked_abs()
                {
                    return one(Value::from(a), cx, out);
                }
                let f = num.f64();
                let r = match b {
                    B::Floor => f.floor(),
                    B::Ceil => f.ceil(),
                    B::Round => f.round(),
                    B::Sqrt => f.sqrt(),
                    _ => f.abs(),
                };
                one(Num::Float(r).to_value()?, cx, out)
            }
            other => Err(fail(format!(
                "{} ({}) number required",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::Values
        | B::Nulls
        | B::Strings
        | B::Numbers
        | B::Arrays
        | B::Objects
        | B::Booleans
        | B::Iterables
        | B::Scalars => {
            let keep = match b {
                B::Values => !input.is_null(),
                B::Nulls => input.is_null(),
                B::Strings => input.is_string(),
                B::Numbers => input.is_number(),
                B::Arrays => input.is_array(),
                B::Objects => input.is_object(),
                B::Booleans => input.is_boolean(),
                B::Iterables => input.is_array() || input.is_object(),
                _ => !(input.is_array() || input.is_object()),
            };
            if keep {
                out(Cow::Borrowed(input), cx)
            } else {
                Ok(())
            }
        }
        B::Reverse => match input {
            Value::Array(a) => one(Value::Array(a.iter().rev().cloned().collect()), cx, out),
            Value::String(s) => one(Value::String(s.chars().rev().collect()), cx, out),
            Value::Null => one(Value::Array(Vec::new().into()), cx, out),
            other => Err(fail(format!(
                "cannot reverse {} ({})",
                type_name(other),
                excerpt(other)
            ))),
        },
        B::ToArray => match input {
            Value::Array(_) => out(Cow::Borrowed(input), cx),
            other => one(Value::Array(vec![other.clone()].into()), cx, out),
        },
        B::Range1 => run(arg(0), input, cx, &mut |n, cx| {
            range(&Value::from(0), &n, cx, out)
        }),
        B::Range2 => run(arg(0), input, cx, &mut |from, cx| {
            run(arg(1), input, cx, &mut |to, cx| range(&from, &to, cx, out))
        }),
        B::Limit => run(arg(0), input, cx, &mut |n, cx| {
            let n = match &*n {
                Value::Number(n) => Num::of(n)?.f64(),
                other => {
                    return Err(fail(format!(
                        "invalid limit: {} ({})",
                        type_name(other),
                        excerpt(other)
                    )));
                }
            };
            if n <= 0.0 {
                // jq 1.7: a negative limit outputs everything (the shim)
                return if n < 0.0 {
                    run(arg(1), input, cx, out)
                } else {
                    Ok(())
                };
            }
            let mut left = n.ceil() as u64;
            run(arg(1), input, cx, &mut |v, cx| {
                out(v, cx)?;
                left -= 1;
                if left == 0 { Err(Stop::Done) } else { Ok(()) }
            })
            .or_else(done)
        }),
        B::IsEmpty => {
            let mut empty = true;
            run(arg(0), input, cx, &mut |_, _| {
                empty = false;
                Err(Stop::Done)
            })
            .or_else(done)?;
            one(Value::Bool(empty), cx, out)
        }
    }
}

/// A consumer's stop (`first`, `limit`, `any`): the stream ended well.
fn done(s: Stop) -> Res {
    match s {
        Stop::Done => Ok(()),
        other => Err(other),
    }
}

fn text(v: &Value, max: usize) -> Result<String, Stop> {
    jv::to_text(v, max).map_err(|()| super::ctx::size(max))
}

/// For each output `x` of `f` (run on the input), `g(x)`: a filter whose argument is a `$`
/// parameter.
fn each<'a, 'g: 'a>(
    f: &'a Op,
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
    mut g: impl FnMut(Value) -> Result<Value, Stop>,
) -> Res {
    run(f, input, cx, &mut |x, cx| {
        let v = g(x.into_owned())?;
        out(Cow::Owned(v), cx)
    })
}

/// `add`: the sum of the input's elements (`null` for none); elements of an owned input move
/// into the sum.
pub(super) fn add<'a, 'g: 'a>(
    input: Cow<'a, Value>,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    // objects only: one object with room for all their entries, moved in when owned
    let room = match &*input {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => Some(
            items
                .iter()
                .filter_map(Value::as_object)
                .map(Map::len)
                .sum(),
        ),
        _ => None,
    };
    if let Some(room) = room {
        let mut sum = Map::with_capacity(room);
        match input {
            Cow::Owned(Value::Array(items)) => {
                for x in items {
                    if let Value::Object(m) = x {
                        sum.extend(m);
                    }
                }
            }
            other => {
                for m in other
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_object)
                {
                    sum.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        return out(Cow::Owned(Value::Object(sum)), cx);
    }
    let mut sum = Value::Null;
    let max = cx.max_size;
    iterate(input, cx, &mut |x, _| {
        let acc = Cow::Owned(std::mem::take(&mut sum));
        sum = super::math::math_owned(acc, super::op::Math::Add, x, max)?;
        Ok(())
    })?;
    out(Cow::Owned(sum), cx)
}

/// The first output of `f` on `x`, if any.
fn first<'g>(f: &Op, x: &Value, cx: &mut Ctx<'g>) -> Result<Option<Value>, Stop> {
    let mut got = None;
    run(f, x, cx, &mut |v, _| {
        got = Some(v.into_owned());
        Err(Stop::Done)
    })
    .or_else(done)?;
    Ok(got)
}
