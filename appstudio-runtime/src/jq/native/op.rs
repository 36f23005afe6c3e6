//! The native programs' op tree: a jq program of the common integration subset, lowered from
//! jaq's syntax tree (`lower.rs`) and run on `serde_json` values (`eval.rs`).

use crate::json::Value;

use super::regex::Pattern;

/// A jq filter: from one input, a stream of outputs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// `.`
    Id,
    /// A constant (`1`, `"a"`, `null`, `true`, `false`, `[]`, `{}`).
    Lit(Value),
    /// `$x`: a global variable (an expansion) or a local one (`as`, `reduce`), by slot.
    Var(usize),
    /// `f | g`
    Pipe(Box<Op>, Box<Op>),
    /// `f as $x | g`: each output of `f` in slot `x` while `g` runs on the input.
    Bind(Box<Op>, usize, Box<Op>),
    /// `f, g`
    Comma(Box<Op>, Box<Op>),
    /// `f // g`
    Alt(Box<Op>, Box<Op>),
    /// `f and g`
    And(Box<Op>, Box<Op>),
    /// `f or g`
    Or(Box<Op>, Box<Op>),
    /// `-f`
    Neg(Box<Op>),
    /// `f + g`, `f - g`, …
    Math(Box<Op>, Math, Box<Op>),
    /// `f + g`, … where `f` gives at most one output (known when lowered): each output of
    /// `g` moves into its result instead of being copied.
    MathOne(Box<Op>, Math, Box<Op>),
    /// `f == g`, `f < g`, …
    Cmp(Box<Op>, Cmp, Box<Op>),
    /// `f` followed by path steps (`.a`, `.[0]`, `.[]`, `.[1:2]`, each maybe `?`).
    Path(Box<Op>, Vec<(Step, bool)>),
    /// `[f]`; `[]` is a literal.
    Arr(Box<Op>),
    /// `{k: v, …}`
    Obj(Vec<(Op, Op)>),
    /// A string with interpolations, each formatted by the format (`@text` without one).
    Str(Format, Vec<Part>),
    /// `@base64`, `@uri`, … applied to the input.
    Fmt(Format),
    /// `if c then t elif … else e end` (no `else`: `.`).
    If(Vec<(Op, Op)>, Box<Op>),
    /// `try f catch g` (no `catch`: nothing).
    Try(Box<Op>, Option<Box<Op>>),
    /// `reduce src as $x (init; update)`
    Reduce {
        /// The elements.
        source: Box<Op>,
        /// The element's slot.
        slot: usize,
        /// The first accumulator.
        init: Box<Op>,
        /// The next accumulator, from the accumulator (`.`) and the element.
        update: Box<Op>,
    },
    /// `empty`
    Empty,
    /// `error`, `error(f)`
    Error(Box<Op>),
    /// A built-in filter and its arguments.
    Call(Builtin, Vec<Op>),
    /// `test(re)`, `test(re; flags)` (each argument gives at most one output), with the
    /// pattern compiled when both are literals.
    Test(Box<Op>, Option<Box<Op>>, Option<Box<Pattern>>),
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// `.name` or `.["name"]`: a key known when the program compiles.
    Key(String),
    /// `.[f]`: a key or an index computed from the path's input.
    Index(Op),
    /// `.[]`
    Iter,
    /// `.[f:g]`, either bound missing.
    Slice(Option<Op>, Option<Op>),
}

/// A part of a string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// Literal text.
    Text(String),
    /// `\(f)`
    Interp(Op),
}

/// How a value becomes text in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `@text` (and plain strings): a string as it is, anything else as JSON.
    Text,
    /// `@json`: as JSON.
    Json,
    /// `@base64`
    Base64,
    /// `@uri`: percent-encoded but for unreserved characters.
    Uri,
    /// `@html`
    Html,
}

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Math {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The built-in filters of the subset (name, arity).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Length,
    Utf8ByteLength,
    Keys,
    KeysUnsorted,
    Has,
    Contains,
    Map,
    MapValues,
    Select,
    ToString,
    ToNumber,
    ToJson,
    FromJson,
    Type,
    Join,
    Split,
    AsciiDowncase,
    AsciiUpcase,
    LtrimStr,
    RtrimStr,
    StartsWith,
    EndsWith,
    ToEntries,
    FromEntries,
    WithEntries,
    Add,
    Any,
    AnyF,
    All,
    AllF,
    First,
    FirstF,
    Last,
    LastF,
    Sort,
    SortBy,
    Unique,
    UniqueBy,
    GroupBy,
    Min,
    Max,
    MinBy,
    MaxBy,
    Floor,
    Ceil,
    Round,
    Fabs,
    Sqrt,
    Not,
    Values,
    Nulls,
    Strings,
    Numbers,
    Arrays,
    Objects,
    Booleans,
    Iterables,
    Scalars,
    Reverse,
    Range1,
    Range2,
    Limit,
    IsEmpty,
    Trim,
    Ltrim,
    Rtrim,
    Abs,
    ToArray,
}

impl Op {
    /// Whether this op gives at most one output for any input (a conservative answer: `false`
    /// where unsure).
    pub(crate) fn at_most_one(&self) -> bool {
        let all = |ops: &[Op]| ops.iter().all(Op::at_most_one);
        match self {
            Op::Id | Op::Lit(_) | Op::Var(_) | Op::Empty | Op::Fmt(_) | Op::Arr(_) => true,
            Op::Comma(..) => false,
            Op::Neg(a) | Op::Error(a) => a.at_most_one(),
            Op::Test(..) => true,
            Op::Pipe(a, b)
            | Op::Bind(a, _, b)
            | Op::Alt(a, b)
            | Op::And(a, b)
            | Op::Or(a, b)
            | Op::Math(a, _, b)
            | Op::MathOne(a, _, b)
            | Op::Cmp(a, _, b) => a.at_most_one() && b.at_most_one(),
            Op::Path(base, steps) => {
                base.at_most_one()
                    && steps.iter().all(|(s, _)| match s {
                        Step::Key(_) => true,
                        Step::Index(i) => i.at_most_one(),
                        Step::Slice(a, b) => [a, b].into_iter().flatten().all(Op::at_most_one),
                        Step::Iter => false,
                    })
            }
            Op::Obj(kvs) => kvs.iter().all(|(k, v)| k.at_most_one() && v.at_most_one()),
            Op::Str(_, parts) => parts.iter().all(|p| match p {
                Part::Text(_) => true,
                Part::Interp(op) => op.at_most_one(),
            }),
            Op::If(branches, other) => {
                other.at_most_one()
                    && branches
                        .iter()
                        .all(|(c, t)| c.at_most_one() && t.at_most_one())
            }
            Op::Try(a, b) => a.at_most_one() && b.as_deref().is_none_or(Op::at_most_one),
            Op::Reduce { init, .. } => init.at_most_one(),
            Op::Call(Builtin::FirstF | Builtin::LastF | Builtin::IsEmpty, _) => true,
            Op::Call(Builtin::Range1 | Builtin::Range2 | Builtin::Limit, _) => false,
            Op::Call(_, args) => all(args),
        }
    }

    /// Calls `f` on this op and every op inside it.
    pub(crate) fn visit(&self, f: &mut impl FnMut(&Op)) {
        f(self);
        match self {
            Op::Id | Op::Lit(_) | Op::Var(_) | Op::Empty | Op::Fmt(_) => {}
            Op::Pipe(a, b)
            | Op::Bind(a, _, b)
            | Op::Comma(a, b)
            | Op::Alt(a, b)
            | Op::And(a, b)
            | Op::Or(a, b)
            | Op::Math(a, _, b)
            | Op::MathOne(a, _, b)
            | Op::Cmp(a, _, b) => {
                a.visit(f);
                b.visit(f);
            }
            Op::Neg(a) | Op::Arr(a) | Op::Error(a) => a.visit(f),
            Op::Path(base, steps) => {
                base.visit(f);
                for (step, _) in steps {
                    match step {
                        Step::Index(i) => i.visit(f),
                        Step::Slice(a, b) => {
                            for o in [a, b].into_iter().flatten() {
                                o.visit(f);
                            }
                        }
                        Step::Key(_) | Step::Iter => {}
                    }
                }
            }
            Op::Obj(kvs) => {
                for (k, v) in kvs {
                    k.visit(f);
                    v.visit(f);
                }
            }
            Op::Str(_, parts) => {
                for p in parts {
                    if let Part::Interp(op) = p {
                        op.visit(f);
                    }
                }
            }
            Op::If(branches, other) => {
                for (c, t) in branches {
                    c.visit(f);
                    t.visit(f);
                }
                other.visit(f);
            }
            Op::Try(a, b) => {
                a.visit(f);
                if let Some(b) = b {
                    b.visit(f);
                }
            }
            Op::Reduce {
                source,
                init,
                update,
                ..
            } => {
                source.visit(f);
                init.visit(f);
                update.visit(f);
            }
            Op::Call(_, args) => {
                for a in args {
                    a.visit(f);
                }
            }
            Op::Test(re, flags, _) => {
                re.visit(f);
                if let Some(flags) = flags {
                    flags.visit(f);
                }
            }
        }
    }
}
