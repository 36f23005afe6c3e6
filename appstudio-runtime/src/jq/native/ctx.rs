//! What every part of a native run shares: why a run stops, its variables and budget
//! ([`Ctx`]), and the callback that takes an op's outputs.

use std::borrow::Cow;
use std::time::Instant;

use crate::json::Value;

use super::super::limits::Trip;
use super::regex::Pattern;

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
    Stop::Error(Value::String(message.into().into()))
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
    /// The last pattern compiled while running (`test($re)`): used again while `$re` stays.
    pub(super) pattern: Option<Pattern>,
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
            pattern: None,
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

    pub(super) fn var<'a>(&self, slot: usize) -> Cow<'a, Value>
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

    pub(super) fn set(&mut self, slot: usize, v: Value) {
        let i = slot - self.globals.len();
        if let Some(s) = self.locals.get_mut(i) {
            *s = v;
        }
    }
}

/// The callback that takes an op's outputs.
pub(super) type Out<'o, 'a, 'g> = &'o mut dyn FnMut(Cow<'a, Value>, &mut Ctx<'g>) -> Res;
