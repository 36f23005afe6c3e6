//! Bounds on one evaluation: steps, stack and sizes (see "Limits" in the module doc).
//!
//! The state of the running evaluation lives in thread-locals, set by [`Budget::enter`] for
//! the duration of a run: jaq calls the value type's operations and native filters without
//! any context of ours. Outside an evaluation every check passes.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// Steps counted in the fast path before the slow path takes more from the budget.
const CHUNK: u64 = 1 << 12;

/// The exit code of the `halt` exception that stops an evaluation which exceeded a limit;
/// `try` cannot catch it (and the sandbox leaves no `halt` to programs).
pub(super) const HALT: i32 = i32::MIN + 0x6a71;

/// Which limit an evaluation exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trip {
    /// More than this many steps.
    Steps(u64),
    /// More than this many bytes of stack.
    Stack(usize),
    /// A string or array larger than this.
    Size(usize),
    /// Longer than this.
    Time(Duration),
    /// A value nested deeper than this many levels.
    Depth(usize),
    /// More than this many arrays or objects stored into others by updates.
    Stores(u64),
}

impl Trip {
    /// The message of the [`super::JqError::Limit`].
    pub(super) fn message(self) -> String {
        match self {
            Trip::Steps(n) => {
                format!("more than {n} evaluation steps (a loop or a recursion that does not end?)")
            }
            Trip::Stack(n) => format!(
                "recursion deeper than {} KiB of stack (a recursive definition that does not \
                 end?)",
                n / 1024
            ),
            Trip::Size(n) => format!("a string or an array larger than {n} bytes or elements"),
            Trip::Time(d) => format!(
                "ran longer than {} ms (a loop or a recursion that does not end?)",
                d.as_millis()
            ),
            Trip::Depth(n) => format!("a value nested deeper than {n} levels"),
            Trip::Stores(n) => format!(
                "more than {n} arrays or objects stored by updates (`.a = .` nests a value one \
                 level deeper each time)"
            ),
        }
    }
}

/// State of the evaluation running on this thread.
#[derive(Clone, Copy)]
struct State {
    active: bool,
    /// Steps left beyond those in [`FUEL`].
    steps_left: u64,
    steps: u64,
    stack: usize,
    max_size: usize,
    /// Arrays or objects updates may still store ([`store`]).
    stores_left: u64,
    /// When the evaluation started, and how long it may run.
    time: Option<(Instant, Duration)>,
    tripped: Option<Trip>,
}

const IDLE: State = State {
    active: false,
    steps_left: 0,
    steps: 0,
    stack: 0,
    max_size: usize::MAX,
    stores_left: u64::MAX,
    time: None,
    tripped: None,
};

thread_local! {
    /// Steps left in the current chunk (the fast path of [`tick`]).
    static FUEL: Cell<u64> = const { Cell::new(u64::MAX) };
    /// Lowest stack address the evaluation may reach; 0 outside an evaluation.
    static STACK_LOW: Cell<usize> = const { Cell::new(0) };
    static STATE: Cell<State> = const { Cell::new(IDLE) };
}

/// The address of a local variable: the current depth of the stack (which grows down).
#[inline(always)]
fn stack_here() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The bounds of the evaluation running on this thread, while it lives.
pub(super) struct Budget {
    saved: (u64, usize, State),
}

impl Budget {
    /// Starts counting against `steps`, `stack` (bytes of stack below the caller's frame),
    /// `max_size` (largest string in bytes or array in elements an operation may build) and
    /// `time` (checked every few thousand steps).
    pub(super) fn enter(steps: u64, stack: usize, max_size: usize, time: Duration) -> Budget {
        let saved = (FUEL.get(), STACK_LOW.get(), STATE.get());
        let first = steps.min(CHUNK);
        FUEL.set(first);
        STACK_LOW.set(stack_here().saturating_sub(stack).max(1));
        STATE.set(State {
            active: true,
            steps_left: steps - first,
            steps,
            stack,
            max_size,
            stores_left: super::MAX_STORES,
            time: Some((Instant::now(), time)),
            tripped: None,
        });
        Budget { saved }
    }

    /// The first limit exceeded since [`Budget::enter`], if any.
    pub(super) fn tripped(&self) -> Option<Trip> {
        STATE.get().tripped
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        let (fuel, low, state) = self.saved;
        FUEL.set(fuel);
        STACK_LOW.set(low);
        STATE.set(state);
    }
}

/// Records that the running evaluation exceeded a limit (the first one is kept) and returns
/// it: the value type turns it into the error the operation fails with.
fn trip(t: Trip) -> Trip {
    let mut s = STATE.get();
    if s.active && s.tripped.is_none() {
        s.tripped = Some(t);
        STATE.set(s);
        // the next step fails, so an evaluation that goes on after an operation that cannot
        // fail (such as building an array) stops soon
        FUEL.set(0);
    }
    t
}

/// Counts one evaluation step; fails once the running evaluation has no steps left.
#[inline]
pub(super) fn tick() -> Result<(), Trip> {
    let n = FUEL.get();
    if n != 0 {
        FUEL.set(n - 1);
        Ok(())
    } else {
        refill()
    }
}

#[cold]
fn refill() -> Result<(), Trip> {
    let mut s = STATE.get();
    if !s.active {
        FUEL.set(u64::MAX);
        return Ok(());
    }
    if let Some(t) = s.tripped {
        return Err(t);
    }
    if s.steps_left == 0 {
        return Err(trip(Trip::Steps(s.steps)));
    }
    if let Some((start, time)) = s.time
        && start.elapsed() > time
    {
        return Err(trip(Trip::Time(time)));
    }
    let chunk = s.steps_left.min(CHUNK);
    s.steps_left -= chunk;
    STATE.set(s);
    FUEL.set(chunk - 1);
    Ok(())
}

/// The largest string (in bytes) or array (in elements) the running evaluation may build.
pub(super) fn max_size() -> usize {
    STATE.get().max_size
}

/// Fails if a string of `len` bytes or an array of `len` elements is too large to build.
#[inline]
pub(super) fn check_size(len: usize) -> Result<(), Trip> {
    let max = max_size();
    if len > max {
        Err(trip(Trip::Size(max)))
    } else {
        Ok(())
    }
}

/// Counts an array or object that an update stores into another (`.a = …`, `.[0] |= …`,
/// `map_values`): the one way a value nests deeper than the constructors allow, one level per
/// store at most. Fails past [`super::MAX_STORES`], so that what a run builds nests at most
/// that many levels past [`super::MAX_DEPTH`] (what [`super::large_stack`] can drop).
pub(super) fn store() -> Result<(), Trip> {
    let mut s = STATE.get();
    if !s.active {
        return Ok(());
    }
    if s.stores_left == 0 {
        return Err(trip(Trip::Stores(super::MAX_STORES)));
    }
    s.stores_left -= 1;
    STATE.set(s);
    Ok(())
}

/// Marks the running evaluation as having built a value too large (where the operation
/// cannot fail, such as string interpolation).
pub(super) fn note_too_large() {
    let _ = trip(Trip::Size(max_size()));
}

/// Marks the running evaluation as having built a value nested deeper than `max` levels
/// (where the operation cannot fail, such as collecting an array).
pub(super) fn note_too_deep(max: usize) -> Trip {
    trip(Trip::Depth(max))
}

/// The check made on entry to every recursive definition: a step, and the stack depth.
/// `false` when a limit is exceeded: the caller raises a `halt` with [`HALT`], which `try`
/// does not catch.
#[inline]
pub(super) fn enter_def() -> bool {
    if tick().is_err() {
        return false;
    }
    if stack_here() < STACK_LOW.get() {
        let _ = trip(Trip::Stack(STATE.get().stack));
        return false;
    }
    true
}

/// True if `code` is the exit code of the exception raised by an exceeded limit.
pub(super) fn is_limit_halt(code: i32) -> bool {
    code == HALT
}

/// Name of the native filter called first in every recursive definition.
pub(super) const TICK: &str = "_jq_tick";
