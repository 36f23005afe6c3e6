//! Running an op tree on `serde_json` values. Each op gives its outputs to a callback, one at
//! a time, as jq's generators do; an output is borrowed from the input (or the program)
//! wherever it can be, so a path like `.a.b` copies nothing until a value is built from it.

use std::borrow::Cow;
use std::time::Instant;

use serde_json::Value;

use super::super::limits::Trip;
use super::builtins;
use super::construct::{format, object, string};
use super::math::{math, math_owned, neg};
use super::op::{Builtin, Cmp, Op, Step};
use super::paths::path;
use super::regex::test;
use super::value::{self as jv, Num, excerpt, truthy, type_name};

/// `null`, to borrow.
pub(super) static NULL: Value = Value::Null;

/// Why a run stopped.
#[derive(Debug)]
pub(super) enum Stop {
    /// A jq error (`error(v)`, a failed operation): `try` catches it.
    Error(Value),
    /// A limit was exceeded: nothing catches it.
    Limit(String),
    /// The step budget ran out (a limit too, unless a larger budget runs it again).
    Steps,
    /// A consumer stopped the stream (`first(f)`, `limit`), not an error.
    Done,
    /// The native path cannot give the jaq path's answer here (integers beyond 64 bits, a
    /// negative zero, a double jq prints with an exponent): the program runs on jaq instead.
    Unsupported,
}

/// A string or array larger than `max`.
pub(super) fn size(max: usize) -> Stop {
    Stop::Limit(Trip::Size(max).message())
}

/// A jq error with a message.
pub(super) fn fail(message: impl Into<String>) -> Stop {
    Stop::Error(Value::String(message.into()))
}

pub(super) type Res = Result<(), Stop>;

/// A run's variables and budget.
pub(super) struct Ctx<'g> {
    pub(super) globals: &'g [Value],
    /// Local slots (after the globals).
    pub(super) locals: Vec<Value>,
    steps: u64,
    max_steps: u64,
    /// Largest string or array an operation may build.
    pub(super) max_size: usize,
    started: Instant,
    time: std::time::Duration,
}

impl<'g> Ctx<'g> {
    pub(super) fn new(globals: &'g [Value], slots: usize, limits: &crate::jq::Limits) -> Self {
        Ctx {
            globals,
            locals: vec![Value::Null; slots.saturating_sub(globals.len())],
            steps: 0,
            max_steps: limits.steps,
            max_size: limits.output_bytes,
            started: Instant::now(),
            time: limits.time,
        }
    }

    /// Counts one step; fails past the step or time budget.
    pub(super) fn step(&mut self) -> Res {
        self.steps += 1;
        if self.steps > self.max_steps {
            return Err(Stop::Steps);
        }
        if self.steps.is_multiple_of(4096) && self.started.elapsed() > self.time {
            return Err(Stop::Limit(Trip::Time(self.time).message()));
        }
        Ok(())
    }

    fn var<'a>(&self, slot: usize) -> Cow<'a, Value>
    where
        'g: 'a,
    {
        match self.globals.get(slot) {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(
                self.locals
                    .get(slot - self.globals.len())
                    .cloned()
                    .unwrap_or(Value::Null),
            ),
        }
    }

    fn set(&mut self, slot: usize, v: Value) {
        let i = slot - self.globals.len();
        if let Some(s) = self.locals.get_mut(i) {
            *s = v;
        }
    }
}

/// The callback that takes an op's outputs.
pub(super) type Out<'o, 'a, 'g> = &'o mut dyn FnMut(Cow<'a, Value>, &mut Ctx<'g>) -> Res;

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
            out(Cow::Owned(Value::Array(items)), cx)
        }
        Op::Obj(kvs) => object(kvs, input, cx, out),
        Op::Str(fmt, parts) => string(*fmt, parts, input, cx, out),
        Op::Fmt(fmt) => {
            let text = format(*fmt, input, cx.max_size)?;
            out(Cow::Owned(Value::String(text)), cx)
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
            None => out(Cow::Owned(Value::Bool(test(input, &re, &NULL)?)), cx),
            Some(flags) => run(flags, input, cx, &mut |f, cx| {
                out(Cow::Owned(Value::Bool(test(input, &re, &f)?)), cx)
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
