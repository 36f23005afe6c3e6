//! Running an op tree on `serde_json` values. Each op gives its outputs to a callback, one at
//! a time, as jq's generators do; an output is borrowed from the input (or the program)
//! wherever it can be, so a path like `.a.b` copies nothing until a value is built from it.

use std::borrow::Cow;

use crate::json::Value;

use super::builtins;
use super::construct::{format, object, string};
use super::ctx::{Ctx, NULL, Out, Res, Stop, fail, size};
use super::math::{math, math_owned, neg};
use super::op::{Builtin, Cmp, Op, Step};
use super::paths::{index, index_key, iterate, slice};
use super::regex::Pattern;
use super::value::{self as jv, Num, excerpt, truthy, type_name};

/// Runs `op` on `input`, giving each output to `out`.
pub(super) fn run<'a, 'g: 'a>(
    op: &'a Op,
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    cx.step()?;
    match op {
        Op::Id => out(Cow::Borrowed(input), cx),
        Op::Lit(v) => out(Cow::Borrowed(v), cx),
        Op::Var(slot) => {
            let v = cx.var(*slot);
            out(v, cx)
        }
        Op::Empty => Ok(()),
        Op::Pipe(f, g) => run(f, input, cx, &mut |v, cx| pipe(g, v, cx, out)),
        Op::Bind(f, slot, g) => run(f, input, cx, &mut |v, cx| {
            cx.set(*slot, v.into_owned());
            run(g, input, cx, out)
        }),
        Op::Comma(f, g) => {
            run(f, input, cx, out)?;
            run(g, input, cx, out)
        }
        Op::Alt(f, g) => {
            let mut any = false;
            run(f, input, cx, &mut |v, cx| {
                if truthy(&v) {
                    any = true;
                    out(v, cx)
                } else {
                    Ok(())
                }
            })?;
            if any { Ok(()) } else { run(g, input, cx, out) }
        }
        Op::And(f, g) => run(f, input, cx, &mut |l, cx| {
            if !truthy(&l) {
                return out(Cow::Owned(Value::Bool(false)), cx);
            }
            run(g, input, cx, &mut |r, cx| {
                out(Cow::Owned(Value::Bool(truthy(&r))), cx)
            })
        }),
        Op::Or(f, g) => run(f, input, cx, &mut |l, cx| {
            if truthy(&l) {
                return out(Cow::Owned(Value::Bool(true)), cx);
            }
            run(g, input, cx, &mut |r, cx| {
                out(Cow::Owned(Value::Bool(truthy(&r))), cx)
            })
        }),
        Op::Neg(f) => run(f, input, cx, &mut |v, cx| match &*v {
            Value::Number(n) => out(Cow::Owned(neg(Num::of(n)?)?), cx),
            other => Err(fail(format!(
                "{} ({}) cannot be negated",
                type_name(other),
                excerpt(other)
            ))),
        }),
        // jq runs the right side first: its outputs are the outer loop
        Op::Math(f, m, g) => run(g, input, cx, &mut |r, cx| {
            run(f, input, cx, &mut |l, cx| {
                let v = math(l, *m, &r, cx.max_size)?;
                out(Cow::Owned(v), cx)
            })
        }),
        Op::MathOne(f, m, g) => run(g, input, cx, &mut |r, cx| {
            let mut r = Some(r);
            run(f, input, cx, &mut |l, cx| {
                // `f` gives at most one output; were there another, jaq would run it
                let r = r.take().ok_or(Stop::Unsupported)?;
                let v = math_owned(l, *m, r, cx.max_size)?;
                out(Cow::Owned(v), cx)
            })
        }),
        Op::Cmp(f, c, g) => run(g, input, cx, &mut |r, cx| {
            run(f, input, cx, &mut |l, cx| {
                let ord = jv::compare(&l, &r);
                let b = match c {
                    Cmp::Eq => ord.is_eq(),
                    Cmp::Ne => ord.is_ne(),
                    Cmp::Lt => ord.is_lt(),
                    Cmp::Le => ord.is_le(),
                    Cmp::Gt => ord.is_gt(),
                    Cmp::Ge => ord.is_ge(),
                };
                out(Cow::Owned(Value::Bool(b)), cx)
            })
        }),
        Op::Path(base, steps) => run(base, input, cx, &mut |v, cx| path(steps, v, input, cx, out)),
        Op::Arr(f) => {
            let mut items = Vec::new();
            let max = cx.max_size;
            run(f, input, cx, &mut |v, _| {
                if items.len() >= max {
                    return Err(size(max));
                }
                items.push(v.into_owned());
                Ok(())
            })?;
            out(Cow::Owned(Value::Array(items.into())), cx)
        }
        Op::Obj(kvs) => object(kvs, input, cx, out),
        Op::Str(fmt, parts) => string(*fmt, parts, input, cx, out),
        Op::Fmt(fmt) => {
            let text = format(*fmt, input, cx.max_size)?;
            out(Cow::Owned(Value::String(text.into())), cx)
        }
        Op::If(branches, other) => cond(branches, other, input, cx, out),
        Op::Try(body, catch) => {
            // an error of the consumer passes through; only the body's are caught
            let mut downstream = None;
            let r = run(body, input, cx, &mut |v, cx| match out(v, cx) {
                Ok(()) => Ok(()),
                Err(e) => {
                    downstream = Some(e);
                    Err(Stop::Done)
                }
            });
            if let Some(e) = downstream {
                return Err(e);
            }
            match (r, catch) {
                (Err(Stop::Error(e)), Some(c)) => {
                    let e = error_value(e);
                    run(c, &e, cx, &mut |v, cx| out(Cow::Owned(v.into_owned()), cx))
                }
                (Err(Stop::Error(_)), None) => Ok(()),
                (r, _) => r,
            }
        }
        Op::Reduce {
            source,
            slot,
            init,
            update,
        } => run(init, input, cx, &mut |acc, cx| {
            let mut acc = Some(acc.into_owned());
            run(source, input, cx, &mut |x, cx| {
                cx.set(*slot, x.into_owned());
                let Some(current) = acc.take() else {
                    return Ok(());
                };
                run(update, &current, cx, &mut |v, _| {
                    acc = Some(v.into_owned());
                    Ok(())
                })
            })?;
            out(Cow::Owned(acc.unwrap_or(Value::Null)), cx)
        }),
        Op::Error(f) => run(f, input, cx, &mut |v, _| Err(Stop::Error(v.into_owned()))),
        Op::Call(b, args) => builtins::call(*b, args, input, cx, out),
        Op::Test(_, _, Some(pattern)) => match input {
            Value::String(s) => out(Cow::Owned(Value::Bool(pattern.test(s))), cx),
            _ => Err(Stop::Unsupported),
        },
        Op::Test(re, flags, None) => run(re, input, cx, &mut |re, cx| match flags {
            None => out(Cow::Owned(Value::Bool(test(input, &re, &NULL, cx)?)), cx),
            Some(flags) => run(flags, input, cx, &mut |f, cx| {
                out(Cow::Owned(Value::Bool(test(input, &re, &f, cx)?)), cx)
            }),
        }),
    }
}

/// `g` on an output of a pipe's left side: borrowed outputs of `g` stay borrowed when the
/// value was; from an owned value they are copied out before it goes.
pub(super) fn pipe<'a, 'g: 'a>(
    g: &'a Op,
    v: Cow<'a, Value>,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    match (v, g) {
        (Cow::Borrowed(r), g) => run(g, r, cx, out),
        // what consumes its input takes it, without a copy
        (v @ Cow::Owned(_), Op::Call(Builtin::Add, args)) if args.is_empty() => {
            cx.step()?;
            builtins::add(v, cx, out)
        }
        (v @ Cow::Owned(_), Op::Path(base, steps))
            if matches!(**base, Op::Id)
                && steps
                    .iter()
                    .all(|(s, _)| matches!(s, Step::Key(_) | Step::Iter)) =>
        {
            cx.step()?;
            // no step reads the path's input: `NULL` stands for it
            path(steps, v, &NULL, cx, out)
        }
        (Cow::Owned(o), g) => run(g, &o, cx, &mut |w, cx| out(Cow::Owned(w.into_owned()), cx)),
    }
}

/// `test` on `input` with a pattern known only when the program runs: compiled once while
/// the same pattern comes again (`map(test($re))`).
fn test(input: &Value, re: &Value, flags: &Value, cx: &mut Ctx<'_>) -> Result<bool, Stop> {
    let Value::String(s) = input else {
        return Err(Stop::Unsupported);
    };
    let pattern = match cx.pattern.take() {
        Some(p) if p.is(re, flags) => p,
        _ => Pattern::new(re, flags).ok_or(Stop::Unsupported)?,
    };
    let found = pattern.test(s);
    cx.pattern = Some(pattern);
    Ok(found)
}

/// The value `catch` sees: an error's value (its message, for errors with one).
fn error_value(e: Value) -> Value {
    e
}

fn cond<'a, 'g: 'a>(
    branches: &'a [(Op, Op)],
    other: &'a Op,
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    match branches.split_first() {
        None => run(other, input, cx, out),
        Some(((c, t), rest)) => run(c, input, cx, &mut |v, cx| {
            if truthy(&v) {
                run(t, input, cx, out)
            } else {
                cond(rest, other, input, cx, out)
            }
        }),
    }
}

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
