//! From jaq's syntax tree to the op tree: `None` for anything outside the native subset (the
//! program then runs on jaq, as before).

use crate::json::Value;
use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{BinaryOp, Pattern, Term};
use jaq_core::ops;
use jaq_core::path::{Opt, Part};

use super::op::{Builtin, Cmp, Format, Math, Op, Part as StrPiece, Step};
use super::regex::Pattern as Regex;

/// Variables in scope: name (with `$`) → slot; globals first.
pub(super) struct Scope<'s> {
    names: Vec<(&'s str, usize)>,
    /// Slots given so far (globals included).
    pub(super) slots: usize,
}

impl<'s> Scope<'s> {
    pub(super) fn new(globals: &[&'s str]) -> Scope<'s> {
        Scope {
            names: globals.iter().enumerate().map(|(i, n)| (*n, i)).collect(),
            slots: globals.len(),
        }
    }

    fn lookup(&self, name: &str) -> Option<usize> {
        let name = name.strip_prefix('$').unwrap_or(name);
        self.names
            .iter()
            .rev()
            .find(|(n, _)| n.strip_prefix('$').unwrap_or(n) == name)
            .map(|(_, s)| *s)
    }

    /// Lowers `body` with `name` bound to a new slot; gives the slot.
    fn bind(&mut self, name: &'s str, body: &Term<&'s str>) -> Option<(usize, Op)> {
        let slot = self.slots;
        self.slots += 1;
        self.names.push((name, slot));
        let op = lower(body, self);
        self.names.pop();
        Some((slot, op?))
    }
}

/// The op of `term`, if all of it is in the subset.
pub(super) fn lower<'s>(term: &Term<&'s str>, scope: &mut Scope<'s>) -> Option<Op> {
    let b = |t: &Term<&'s str>, scope: &mut Scope<'s>| lower(t, scope).map(Box::new);
    Some(match term {
        Term::Id => Op::Id,
        // a literal with an exponent keeps its text in jaq (`1e17` prints as `1E+17`)
        Term::Num(text) if text.contains(['e', 'E']) => return None,
        Term::Num(text) => Op::Lit(Value::Number(text.parse().ok()?)),
        Term::Str(fmt, parts) => string(fmt.as_deref(), parts, scope)?,
        Term::Arr(None) => Op::Lit(Value::Array(Vec::new().into())),
        Term::Arr(Some(t)) => Op::Arr(b(t, scope)?),
        Term::Obj(entries) => object(entries, scope)?,
        Term::Neg(t) => match lower(t, scope)? {
            Op::Lit(Value::Number(n)) if n.as_i64().is_some_and(|i| i != i64::MIN && i != 0) => {
                Op::Lit(Value::from(-n.as_i64()?))
            }
            op => Op::Neg(Box::new(op)),
        },
        Term::BinOp(l, op, r) => binary(l, op, r, scope)?,
        Term::Fold(kind, source, Pattern::Var(x), args) if *kind == "reduce" => {
            let [init, update] = &args[..] else {
                return None;
            };
            let source = b(source, scope)?;
            let init = b(init, scope)?;
            let (slot, update) = scope.bind(x, update)?;
            if !bounded(&update, &mut Vec::new()) {
                return None;
            }
            Op::Reduce {
                source,
                slot,
                init,
                update: Box::new(update),
            }
        }
        Term::TryCatch(t, c) => Op::Try(
            b(t, scope)?,
            match c {
                Some(c) => Some(b(c, scope)?),
                None => None,
            },
        ),
        Term::IfThenElse(branches, other) => {
            let mut lowered = Vec::with_capacity(branches.len());
            for (c, t) in branches {
                lowered.push((lower(c, scope)?, lower(t, scope)?));
            }
            let other = match other {
                Some(e) => lower(e, scope)?,
                None => Op::Id,
            };
            Op::If(lowered, Box::new(other))
        }
        Term::Call(name, args) => call(name, args, scope)?,
        Term::Var(name) => Op::Var(scope.lookup(name)?),
        Term::Path(base, path) => {
            let base = b(base, scope)?;
            let mut steps = Vec::with_capacity(path.0.len());
            for (part, opt) in &path.0 {
                let step = match part {
                    Part::Index(t) => match lower(t, scope)? {
                        Op::Lit(Value::String(k)) => Step::Key(k.to_string()),
                        op => Step::Index(op),
                    },
                    Part::Range(None, None) => Step::Iter,
                    Part::Range(from, to) => Step::Slice(
                        match from {
                            Some(t) => Some(lower(t, scope)?),
                            None => None,
                        },
                        match to {
                            Some(t) => Some(lower(t, scope)?),
                            None => None,
                        },
                    ),
                };
                steps.push((step, matches!(opt, Opt::Optional)));
            }
            match (*base, steps.is_empty()) {
                (base, true) => base,
                (Op::Path(inner, mut first), false) => {
                    first.extend(steps);
                    Op::Path(inner, first)
                }
                (base, false) => Op::Path(Box::new(base), steps),
            }
        }
        // `..`, `def`, `label`/`break`, `foreach`, destructuring: jaq runs them
        _ => return None,
    })
}

fn binary<'s>(
    l: &Term<&'s str>,
    op: &BinaryOp<&'s str>,
    r: &Term<&'s str>,
    scope: &mut Scope<'s>,
) -> Option<Op> {
    let both =
        |scope: &mut Scope<'s>| Some((Box::new(lower(l, scope)?), Box::new(lower(r, scope)?)));
    Some(match op {
        BinaryOp::Pipe(None) => {
            let (l, r) = both(scope)?;
            Op::Pipe(l, r)
        }
        BinaryOp::Pipe(Some(Pattern::Var(x))) => {
            let source = Box::new(lower(l, scope)?);
            let (slot, body) = scope.bind(x, r)?;
            Op::Bind(source, slot, Box::new(body))
        }
        BinaryOp::Comma => {
            let (l, r) = both(scope)?;
            Op::Comma(l, r)
        }
        BinaryOp::Alt => {
            let (l, r) = both(scope)?;
            Op::Alt(l, r)
        }
        BinaryOp::And => {
            let (l, r) = both(scope)?;
            Op::And(l, r)
        }
        BinaryOp::Or => {
            let (l, r) = both(scope)?;
            Op::Or(l, r)
        }
        BinaryOp::Math(m) => {
            let (l, r) = both(scope)?;
            let m = match m {
                ops::Math::Add => Math::Add,
                ops::Math::Sub => Math::Sub,
                ops::Math::Mul => Math::Mul,
                ops::Math::Div => Math::Div,
                ops::Math::Rem => Math::Rem,
            };
            if l.at_most_one() {
                Op::MathOne(l, m, r)
            } else {
                Op::Math(l, m, r)
            }
        }
        BinaryOp::Cmp(c) => {
            let (l, r) = both(scope)?;
            let c = match c {
                ops::Cmp::Eq => Cmp::Eq,
                ops::Cmp::Ne => Cmp::Ne,
                ops::Cmp::Lt => Cmp::Lt,
                ops::Cmp::Le => Cmp::Le,
                ops::Cmp::Gt => Cmp::Gt,
                ops::Cmp::Ge => Cmp::Ge,
            };
            Op::Cmp(l, c, r)
        }
        // assignments and destructuring: jaq runs them
        _ => return None,
    })
}

fn object<'s>(
    entries: &[(Term<&'s str>, Option<Term<&'s str>>)],
    scope: &mut Scope<'s>,
) -> Option<Op> {
    let mut kvs = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        let (key, value) = match (k, v) {
            (k, Some(v)) => (lower(k, scope)?, lower(v, scope)?),
            // `{$x}`: `{x: $x}`
            (Term::Var(name), None) => {
                let key = name.strip_prefix('$').unwrap_or(name);
                (Op::Lit(Value::from(key)), Op::Var(scope.lookup(name)?))
            }
            // `{a}`, `{"a"}`: `{a: .a}`
            (k, None) => match lower(k, scope)? {
                Op::Lit(Value::String(key)) => (
                    Op::Lit(Value::String(key.clone())),
                    Op::Path(Box::new(Op::Id), vec![(Step::Key(key.to_string()), false)]),
                ),
                _ => return None,
            },
        };
        kvs.push((key, value));
    }
    Some(if kvs.is_empty() {
        Op::Lit(Value::Object(crate::json::Map::new()))
    } else {
        Op::Obj(kvs)
    })
}

fn format(name: Option<&str>) -> Option<Format> {
    Some(match name {
        None | Some("@text") => Format::Text,
        Some("@json") => Format::Json,
        Some("@base64") => Format::Base64,
        Some("@uri") => Format::Uri,
        Some("@html") => Format::Html,
        // `@base64d` (a shim), `@csv`, `@tsv`, `@sh`: jaq runs them
        _ => return None,
    })
}

fn string<'s>(
    fmt: Option<&str>,
    parts: &[StrPart<&'s str, Term<&'s str>>],
    scope: &mut Scope<'s>,
) -> Option<Op> {
    let format = format(fmt)?;
    let mut pieces: Vec<StrPiece> = Vec::with_capacity(parts.len());
    let text = |pieces: &mut Vec<StrPiece>, s: &str| match pieces.last_mut() {
        Some(StrPiece::Text(t)) => t.push_str(s),
        _ => pieces.push(StrPiece::Text(s.to_owned())),
    };
    for part in parts {
        match part {
            StrPart::Str(s) => text(&mut pieces, s),
            StrPart::Char(c) => text(&mut pieces, c.encode_utf8(&mut [0; 4])),
            StrPart::Term(t) => pieces.push(StrPiece::Interp(lower(t, scope)?)),
        }
    }
    Some(match &pieces[..] {
        [] => Op::Lit(Value::String(String::new().into())),
        [StrPiece::Text(t)] => Op::Lit(Value::String(t.clone().into())),
        _ => Op::Str(format, pieces),
    })
}

fn call<'s>(name: &str, args: &[Term<&'s str>], scope: &mut Scope<'s>) -> Option<Op> {
    use Builtin as B;
    let mut lowered = Vec::with_capacity(args.len());
    for a in args {
        lowered.push(lower(a, scope)?);
    }
    let builtin = match (name, lowered.len()) {
        ("empty", 0) => return Some(Op::Empty),
        ("null", 0) => return Some(Op::Lit(Value::Null)),
        ("true", 0) => return Some(Op::Lit(Value::Bool(true))),
        ("false", 0) => return Some(Op::Lit(Value::Bool(false))),
        ("error", 0) => return Some(Op::Error(Box::new(Op::Id))),
        ("error", 1) => return Some(Op::Error(Box::new(lowered.pop()?))),
        (fmt, 0) if fmt.starts_with('@') => return Some(Op::Fmt(format(Some(fmt))?)),
        ("not", 0) => B::Not,
        ("length", 0) => B::Length,
        ("utf8bytelength", 0) => B::Utf8ByteLength,
        ("keys", 0) => B::Keys,
        ("keys_unsorted", 0) => B::KeysUnsorted,
        ("has", 1) => B::Has,
        ("contains", 1) => B::Contains,
        ("map", 1) => B::Map,
        ("map_values", 1) => B::MapValues,
        ("select", 1) => B::Select,
        ("tostring", 0) => B::ToString,
        ("tonumber", 0) => B::ToNumber,
        ("tojson", 0) => B::ToJson,
        ("fromjson", 0) => B::FromJson,
        ("type", 0) => B::Type,
        ("join", 1) => B::Join,
        ("split", 1) => B::Split,
        ("ascii_downcase", 0) => B::AsciiDowncase,
        ("ascii_upcase", 0) => B::AsciiUpcase,
        ("ltrimstr", 1) => B::LtrimStr,
        ("rtrimstr", 1) => B::RtrimStr,
        ("startswith", 1) => B::StartsWith,
        ("endswith", 1) => B::EndsWith,
        ("to_entries", 0) => B::ToEntries,
        ("from_entries", 0) => B::FromEntries,
        ("with_entries", 1) => B::WithEntries,
        ("add", 0) => B::Add,
        ("any", 0) => B::Any,
        ("any", 1) => B::AnyF,
        ("all", 0) => B::All,
        ("all", 1) => B::AllF,
        ("first", 0) => B::First,
        ("first", 1) => B::FirstF,
        ("last", 0) => B::Last,
        ("last", 1) => B::LastF,
        ("sort", 0) => B::Sort,
        ("sort_by", 1) => B::SortBy,
        ("unique", 0) => B::Unique,
        ("unique_by", 1) => B::UniqueBy,
        ("group_by", 1) => B::GroupBy,
        ("min", 0) => B::Min,
        ("max", 0) => B::Max,
        ("min_by", 1) => B::MinBy,
        ("max_by", 1) => B::MaxBy,
        ("floor", 0) => B::Floor,
        ("ceil", 0) => B::Ceil,
        ("round", 0) => B::Round,
        ("fabs", 0) => B::Fabs,
        ("sqrt", 0) => B::Sqrt,
        ("abs", 0) => B::Abs,
        ("values", 0) => B::Values,
        ("nulls", 0) => B::Nulls,
        ("strings", 0) => B::Strings,
        ("numbers", 0) => B::Numbers,
        ("arrays", 0) => B::Arrays,
        ("objects", 0) => B::Objects,
        ("booleans", 0) => B::Booleans,
        ("iterables", 0) => B::Iterables,
        ("scalars", 0) => B::Scalars,
        ("reverse", 0) => B::Reverse,
        ("range", 1) => B::Range1,
        ("range", 2) => B::Range2,
        ("limit", 2) => B::Limit,
        ("isempty", 1) => B::IsEmpty,
        ("trim", 0) => B::Trim,
        ("ltrim", 0) => B::Ltrim,
        ("rtrim", 0) => B::Rtrim,
        ("toarray", 0) => B::ToArray,
        ("test", 1 | 2) => return test(lowered),
        _ => return None,
    };
    Some(Op::Call(builtin, lowered))
}

/// `test(re)`, `test(re; flags)`: native where each argument gives at most one output; a
/// literal pattern is compiled now (one that does not compile leaves the program to jaq).
fn test(mut args: Vec<Op>) -> Option<Op> {
    if !args.iter().all(Op::at_most_one) {
        return None;
    }
    let flags = if args.len() == 2 { args.pop() } else { None };
    let re = args.pop()?;
    let compiled = match (&re, &flags) {
        (Op::Lit(r), None) => Some(Regex::new(r, &Value::Null)?),
        (Op::Lit(r), Some(Op::Lit(f))) => Some(Regex::new(r, f)?),
        _ => None,
    };
    Some(Op::Test(
        Box::new(re),
        flags.map(Box::new),
        compiled.map(Box::new),
    ))
}

/// Whether a `reduce` update cannot nest its accumulator deeper at every step: no array,
/// object or deepening built-in (`to_entries`, `group_by`, …) is built around a value that
/// comes from the accumulator (`.`, or a variable bound from it). Each step of an update
/// that passes adds no depth, so the accumulator stays as deep as the values it is made of;
/// one that fails runs on jaq, whose values keep their depth bounded.
fn bounded(op: &Op, tainted: &mut Vec<usize>) -> bool {
    match op {
        Op::Arr(a) => !from_acc(a, tainted) && bounded(a, tainted),
        Op::Obj(kvs) => kvs
            .iter()
            .all(|(k, v)| !from_acc(v, tainted) && bounded(k, tainted) && bounded(v, tainted)),
        Op::Call(
            Builtin::ToEntries
            | Builtin::GroupBy
            | Builtin::Map
            | Builtin::MapValues
            | Builtin::WithEntries
            | Builtin::ToArray,
            _,
        ) => false,
        Op::Bind(src, slot, body) => {
            if from_acc(src, tainted) {
                tainted.push(*slot);
            }
            bounded(src, tainted) && bounded(body, tainted)
        }
        Op::Id | Op::Lit(_) | Op::Var(_) | Op::Empty | Op::Fmt(_) => true,
        Op::Path(base, steps) => {
            bounded(base, tainted)
                && steps.iter().all(|(s, _)| match s {
                    Step::Index(i) => bounded(i, tainted),
                    Step::Slice(a, b) => [a, b].into_iter().flatten().all(|o| bounded(o, tainted)),
                    Step::Key(_) | Step::Iter => true,
                })
        }
        Op::Pipe(a, b)
        | Op::Comma(a, b)
        | Op::Alt(a, b)
        | Op::And(a, b)
        | Op::Or(a, b)
        | Op::Math(a, _, b)
        | Op::MathOne(a, _, b)
        | Op::Cmp(a, _, b) => bounded(a, tainted) && bounded(b, tainted),
        Op::Neg(a) | Op::Error(a) => bounded(a, tainted),
        Op::Str(_, parts) => parts.iter().all(|p| match p {
            StrPiece::Text(_) => true,
            StrPiece::Interp(op) => bounded(op, tainted),
        }),
        Op::If(branches, other) => {
            bounded(other, tainted)
                && branches
                    .iter()
                    .all(|(c, t)| bounded(c, tainted) && bounded(t, tainted))
        }
        Op::Try(a, b) => bounded(a, tainted) && b.as_ref().is_none_or(|b| bounded(b, tainted)),
        Op::Reduce { .. } => false,
        Op::Call(_, args) => args.iter().all(|a| bounded(a, tainted)),
        Op::Test(..) => true,
    }
}

/// Whether the value of `op` may hold (part of) its input, or of a tainted variable.
fn from_acc(op: &Op, tainted: &[usize]) -> bool {
    match op {
        Op::Id | Op::Fmt(_) => true,
        Op::Var(slot) => tainted.contains(slot),
        // scalars: no depth to carry
        Op::Lit(_)
        | Op::Empty
        | Op::Str(..)
        | Op::Neg(_)
        | Op::Cmp(..)
        | Op::And(..)
        | Op::Or(..) => false,
        Op::Path(base, steps) => {
            from_acc(base, tainted)
                || steps.iter().any(|(s, _)| match s {
                    Step::Index(i) => from_acc(i, tainted),
                    Step::Slice(a, b) => [a, b].into_iter().flatten().any(|o| from_acc(o, tainted)),
                    Step::Key(_) | Step::Iter => false,
                })
        }
        Op::Pipe(a, b) => from_acc(a, tainted) || uses(b, tainted),
        Op::Bind(a, _, b)
        | Op::Comma(a, b)
        | Op::Alt(a, b)
        | Op::Math(a, _, b)
        | Op::MathOne(a, _, b) => from_acc(a, tainted) || from_acc(b, tainted),
        Op::Arr(a) | Op::Error(a) => from_acc(a, tainted),
        Op::Obj(kvs) => kvs.iter().any(|(_, v)| from_acc(v, tainted)),
        Op::If(branches, other) => {
            from_acc(other, tainted) || branches.iter().any(|(_, t)| from_acc(t, tainted))
        }
        Op::Try(a, b) => from_acc(a, tainted) || b.as_ref().is_some_and(|b| from_acc(b, tainted)),
        Op::Reduce { .. } => true,
        // a boolean
        Op::Test(..) => false,
        Op::Call(b, args) => {
            !matches!(b, Builtin::Range1 | Builtin::Range2)
                || args.iter().any(|a| from_acc(a, tainted))
        }
    }
}

/// Whether `op` reads a tainted variable anywhere.
fn uses(op: &Op, tainted: &[usize]) -> bool {
    if tainted.is_empty() {
        return false;
    }
    let mut found = false;
    op.visit(&mut |o| found |= matches!(o, Op::Var(s) if tainted.contains(s)));
    found
}
