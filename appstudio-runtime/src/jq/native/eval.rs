//! Running an op tree on `serde_json` values. Each op gives its outputs to a callback, one at
//! a time, as jq's generators do; an output is borrowed from the input (or the program)
//! wherever it can be, so a path like `.a.b` copies nothing until a value is built from it.

use std::borrow::Cow;
use std::time::Instant;

use serde_json::{Map, Value};

use super::super::limits::Trip;
use super::builtins;
use super::op::{Cmp, Format, Math, Op, Part, Step};
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
    match v {
        Cow::Borrowed(r) => run(g, r, cx, out),
        Cow::Owned(o) => run(g, &o, cx, &mut |w, cx| out(Cow::Owned(w.into_owned()), cx)),
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

fn neg(n: Num) -> Result<Value, Stop> {
    match n {
        // `-0` is a double negative zero in jq
        Num::Int(0) => Err(Stop::Unsupported),
        Num::Int(i) => i.checked_neg().map(Value::from).ok_or(Stop::Unsupported),
        Num::Float(f) => Num::Float(-f).to_value(),
    }
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
            let Str(mut x) = l.into_owned() else {
                unreachable!()
            };
            if x.len() + y.len() > max {
                return Err(size(max));
            }
            x.push_str(y);
            Str(x)
        }
        (Math::Add, l, Array(y)) if l.is_array() => {
            let Array(mut x) = l.into_owned() else {
                unreachable!()
            };
            if x.len() + y.len() > max {
                return Err(size(max));
            }
            x.extend(y.iter().cloned());
            Array(x)
        }
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
            builtins::split(x, sep)
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
    Ok(Value::String(s.repeat(times)))
}

fn deep_merge(mut x: Map<String, Value>, y: &Map<String, Value>) -> Map<String, Value> {
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

/// The path steps after `v`; index expressions run on the path's input `root`.
fn path<'a, 'g: 'a>(
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
        Cow::Borrowed(Value::Object(m)) => Ok(m.get(k).map_or(Cow::Borrowed(&NULL), Cow::Borrowed)),
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

/// `{k: v, …}`: the product of the entries' outputs, the first entry's the outer loop.
fn object<'a, 'g: 'a>(
    kvs: &'a [(Op, Op)],
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let mut entries: Vec<Vec<(String, Value)>> = Vec::with_capacity(kvs.len());
    let mut single = true;
    for (k, v) in kvs {
        let mut keys = Vec::new();
        run(k, input, cx, &mut |key, _| match key.into_owned() {
            Value::String(s) => {
                keys.push(s);
                Ok(())
            }
            other => Err(fail(format!(
                "object keys must be strings, not {} ({})",
                type_name(&other),
                excerpt(&other)
            ))),
        })?;
        let mut values = Vec::new();
        run(v, input, cx, &mut |x, _| {
            values.push(x.into_owned());
            Ok(())
        })?;
        let mut pairs = Vec::with_capacity(keys.len() * values.len());
        for key in &keys {
            for x in &values {
                pairs.push((key.clone(), x.clone()));
            }
        }
        single &= pairs.len() == 1;
        entries.push(pairs);
    }
    if single {
        let mut map = Map::with_capacity(entries.len());
        for mut pairs in entries {
            if let Some((k, v)) = pairs.pop() {
                map.insert(k, v);
            }
        }
        return out(Cow::Owned(Value::Object(map)), cx);
    }
    product(&entries, Map::new(), cx, out)
}

fn product<'a, 'g: 'a>(
    entries: &[Vec<(String, Value)>],
    map: Map<String, Value>,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let Some((first, rest)) = entries.split_first() else {
        return out(Cow::Owned(Value::Object(map)), cx);
    };
    for (k, v) in first {
        let mut next = map.clone();
        next.insert(k.clone(), v.clone());
        product(rest, next, cx, out)?;
    }
    Ok(())
}

/// A string with interpolations: the product of their outputs, the first varying fastest
/// (as jq does).
fn string<'a, 'g: 'a>(
    fmt: Format,
    parts: &'a [Part],
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let mut texts: Vec<Vec<String>> = Vec::new();
    for part in parts {
        if let Part::Interp(op) = part {
            let mut all = Vec::new();
            let max = cx.max_size;
            run(op, input, cx, &mut |v, _| {
                all.push(format(fmt, &v, max)?);
                Ok(())
            })?;
            if all.is_empty() {
                return Ok(());
            }
            texts.push(all);
        }
    }
    let mut at = vec![0usize; texts.len()];
    loop {
        let mut s = String::new();
        let mut n = 0;
        for part in parts {
            match part {
                Part::Text(t) => s.push_str(t),
                Part::Interp(_) => {
                    s.push_str(&texts[n][at[n]]);
                    n += 1;
                }
            }
        }
        if s.len() > cx.max_size {
            return Err(size(cx.max_size));
        }
        out(Cow::Owned(Value::String(s)), cx)?;
        // the next combination, the first interpolation fastest
        let mut i = 0;
        loop {
            if i == at.len() {
                return Ok(());
            }
            at[i] += 1;
            if at[i] < texts[i].len() {
                break;
            }
            at[i] = 0;
            i += 1;
        }
    }
}

/// A value as the text of format `fmt`.
pub(super) fn format(fmt: Format, v: &Value, max: usize) -> Result<String, Stop> {
    let too_long = || size(max);
    let text = || jv::to_text(v, max).map_err(|()| too_long());
    Ok(match fmt {
        Format::Text => text()?,
        Format::Json => {
            let mut s = String::new();
            jv::write_json(v, &mut s, max).map_err(|()| too_long())?;
            s
        }
        Format::Base64 => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(text()?)
        }
        Format::Uri => {
            const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
                .remove(b'-')
                .remove(b'_')
                .remove(b'.')
                .remove(b'~');
            percent_encoding::utf8_percent_encode(&text()?, KEEP).to_string()
        }
        Format::Html => {
            let t = text()?;
            let mut s = String::with_capacity(t.len());
            for c in t.chars() {
                match c {
                    '<' => s.push_str("&lt;"),
                    '>' => s.push_str("&gt;"),
                    '&' => s.push_str("&amp;"),
                    '\'' => s.push_str("&apos;"),
                    '"' => s.push_str("&quot;"),
                    c => s.push(c),
                }
            }
            s
        }
    })
}
