//! jq front end shared by the code generator (build-time checks) and the engine.
//!
//! Programs are parsed and compiled with [jaq](https://github.com/01mf02/jaq) ([`check`],
//! [`compile`]); a compiled [`Program`] runs on `serde_json` values ([`Program::run`]).
//! Problems in a program are reported as [`JqDiag`]s located in the program text, so the code
//! generator can point at the exact token inside `app.json`.
//! As in jq, a program made only of blanks and comments is `.`.
//!
//! # Expansions
//!
//! The `${…}` expansions of an app's programs are jq variables, never spliced text (D2 in
//! ARCHITECTURE.md): [`rewrite_expansions`] turns the `N`-th into `$__as_N`
//! ([`expansion_var`]), and the engine binds it to the expansion's value.
//!
//! # Sandbox
//!
//! Filters that reach outside the program are rejected at compile time with a dedicated
//! message: `env`, `$ENV`, `input`, `inputs`, `halt`, `halt_error`, `input_filename`,
//! `$__loc__`, `debug`, `stderr`, `input_line_number`, `get_search_list` (and a few more of the
//! same kind), and `import`/`include` directives. Their definitions are not even loaded.
//!
//! # Values
//!
//! The engine runs on a thin wrapper around `jaq_json::Val` whose path updates follow jq (a
//! `null` being updated becomes an object or an array, so `{} | .a.b = 1` gives
//! `{"a":{"b":1}}`; deleting a key keeps the order of the others). Numbers from the input keep
//! their literal (`1.0` stays `1.0`, large integers stay exact); computed numbers are printed
//! the way jq 1.7 prints them (`1.5 * 2` gives `3`, `1e17` prints as `1E+17`, `nan` as `null`).
//!
//! # Known differences
//!
//! Where jaq differs from jq 1.7, a jq-level definition prepended to every program ("shim") or a
//! native filter written here restores jq's behaviour: `join` and `type` (natives: nulls join
//! as empty, numbers and booleans are printed), `from_entries`/`with_entries` (`k`/`v`, `name`,
//! non-string keys, as jq 1.5 accepted them), regex flags (`s`, `m`, `p` as jq reads them),
//! `capture` (unmatched groups are `null`), `flatten` with a negative depth (an error),
//! `implode` (invalid code points become U+FFFD), `gmtime`/`mktime` fractions, `"x" * 0`,
//! `ltrimstr`/`rtrimstr` on non-strings, `limit` with a negative count, `last(empty)`,
//! `del`/`delpaths` (several paths, order kept), `walk` (bottom-up), `transpose`, `reverse` on
//! strings and `null`, `todate` (whole seconds), `@base64d` without padding, `@csv`, `@tsv`,
//! `leaf_paths`, `ascii`, `IN`, `INDEX`, `JOIN`, `tostream`/`fromstream`/`truncate_stream`,
//! `test`/`match`/`capture`/`scan`/`sub`/`gsub` with `null` flags, `tonumber`, `fromjson` (exactly
//! one value), `contains` (type mismatch is an error), `has`, `indices`, `length`, division by
//! zero (an error), `%` on non-integers (truncates), slices with fractional bounds, indexing an
//! object with a number (an error), number printing (`1.5 * 2` gives `3`, not `3.0`).
//!
//! Remaining differences, not fixed:
//!
//! - Error messages are jaq's or written here (e.g. `cannot index "x" with "b"` where jq says
//!   `Cannot index string with "b"`); `try … catch .` sees these texts.
//! - A string with several generator interpolations (`"\(1,2) \(3,4)"`) yields its outputs in
//!   a different order (jaq varies the last interpolation fastest, jq the first).
//! - Not supported, so the build fails with a syntax or unknown-filter error: destructuring
//!   alternatives (`?//`), `builtins`, `$__prog_args`, `@base32`/`@base32d`, the array form
//!   of the regex filters (`test(["re", "flags"])`).
//! - `fromdateiso8601` also accepts fractional seconds and offsets (jq rejects them).
//! - `indices`/`index`/`rindex` on strings count code points (jq 1.7 counts bytes).
//! - `.[] |= empty` removes every element (jq 1.7 removes every other one, a known jq bug).
//! - Integer arithmetic is exact beyond 2^53 (jq rounds to a double).
//! - Number literals keep their text when printed unchanged, as in jq 1.7 (`1.50` prints as
//!   `1.50`); converted to JSON, a literal with a fraction or an exponent is a float
//!   (`1E2` gives `100.0`).
//! - An error in the left side of `a // b` propagates, as in jq 1.6.
//! - Object keys keep jq's order inside the program; the order of a `serde_json` object
//!   depends on its `preserve_order` feature (sorted without it).
//!
//! The differential test (`tests/jq_differential.rs`) runs a corpus of integration programs and
//! every program of the example apps through this runtime and the `jq` tool (1.6, 1.7 or 1.8),
//! with version marks for the places where jq versions disagree.
//!
//! # Limits
//!
//! Every run is bounded ([`Limits`], [`Program::run_with_limits`]): [`MAX_OUTPUTS`] outputs,
//! [`MAX_OUTPUT_BYTES`] of output and of any string or array built, [`MAX_STEPS`] evaluation
//! steps and [`MAX_TIME`] of wall-clock time (a loop that does not end, such as
//! `last(repeat(1))`), and [`MAX_STACK`] of recursion (`def f: f + 1; f`): a deep recursion
//! moves to a thread with a stack of that size instead of overflowing the caller's. An exceeded
//! limit is [`JqError::Limit`], which `try` cannot catch. Values nested deeper than
//! [`MAX_DEPTH`] cannot be converted.
//!
//! No recursion over data is unbounded (D23 in ARCHITECTURE.md): `fromjson` refuses text
//! nested deeper than [`MAX_DEPTH`] (found by an iterative scan, [`shape`], before the
//! recursive parser runs; an error `try` can catch), an array or object a program builds
//! (`[f]`, `{a: f}`) nested deeper than [`MAX_DEPTH`] stops the run with a limit error, and
//! outputs are dropped without recursion. Paths updated in place (`.a = .`, `setpath`) are not
//! bounded this way: their depth grows by one per step at most, and a run that needs more than
//! [`Program::run_quick`]'s few steps runs on a thread with a large stack.
#![warn(missing_docs)]

use std::ops::Range;

use jaq_core::{Ctx, Vars};

use value::D;

/// Maximum number of outputs [`Program::run`] collects before failing with [`JqError::Limit`].
pub const MAX_OUTPUTS: usize = 10_000;

/// Maximum size of all outputs of one run together, as compact JSON (numbers count 8 bytes);
/// also the largest string (in bytes) or array (in elements) an operation may build.
pub const MAX_OUTPUT_BYTES: usize = 16 << 20;

/// Maximum number of evaluation steps of one run (arithmetic, indexing, iteration, object
/// construction, and each call of a recursive definition count one step).
pub const MAX_STEPS: u64 = 50_000_000;

/// Steps a run takes on its caller's thread (an async worker's, say) before it goes on, from
/// the start, on a thread with a large stack ([`large_stack`]): few enough that nothing built
/// meanwhile needs more than a small stack to drop, and that the work done again there is a
/// few tens of microseconds at most.
pub const QUICK_STEPS: u64 = 1024;

/// Maximum stack (in bytes) the recursion of one run may use.
pub const MAX_STACK: usize = 128 << 20;

/// Maximum wall-clock time of one run (checked every few thousand steps).
pub const MAX_TIME: std::time::Duration = std::time::Duration::from_secs(5);

/// Stack a run may use on the caller's thread; a run that needs more starts again on a
/// thread of its own, whose stack holds [`Limits::stack`].
pub const INLINE_STACK: usize = 256 << 10;

/// The most arrays or objects the updates of one run may store into others (`.a = .`): each
/// can nest a value one level deeper, so a run builds nothing deeper than this many levels
/// past [`MAX_DEPTH`], whatever its time and steps.
pub const MAX_STORES: u64 = 1_000_000;

/// Stack to drop one level of a value built by jaq (measured: about 50 bytes in release
/// builds, about 400 in debug builds).
const DROP_FRAME: usize = 512;

/// The stack a thread running [`Program::run_on_large_stack`] with `limits` needs: twice the
/// recursion allowed (room for what runs between two checks of the stack depth), 16 MiB, and
/// room to drop a value nested [`MAX_STORES`] levels deep (jaq drops its values recursively).
/// Only the pages a run touches are ever committed.
pub fn large_stack(limits: &Limits) -> usize {
    limits
        .stack
        .saturating_mul(2)
        .saturating_add(16 << 20)
        .saturating_add(MAX_STORES as usize * DROP_FRAME)
}

/// Bounds on one run of a [`Program`] ([`Program::run_with_limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum number of outputs ([`MAX_OUTPUTS`]).
    pub outputs: usize,
    /// Maximum size of the outputs as compact JSON, and of a string or array built
    /// ([`MAX_OUTPUT_BYTES`]).
    pub output_bytes: usize,
    /// Maximum number of evaluation steps ([`MAX_STEPS`]).
    pub steps: u64,
    /// Maximum stack used by recursion, in bytes ([`MAX_STACK`]).
    pub stack: usize,
    /// Maximum wall-clock time ([`MAX_TIME`]).
    pub time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            outputs: MAX_OUTPUTS,
            output_bytes: MAX_OUTPUT_BYTES,
            steps: MAX_STEPS,
            stack: MAX_STACK,
            time: MAX_TIME,
        }
    }
}

/// Maximum nesting depth of a value converted between JSON and jq (input, variables, outputs,
/// `tojson`).
pub const MAX_DEPTH: usize = 256;

/// What kind of problem a [`JqDiag`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JqDiagKind {
    /// The text is not a jq program (lexing or parsing failed).
    Syntax,
    /// A filter, variable, label or module is not defined (or called with the wrong arity).
    Undefined,
    /// The program reaches outside the sandbox (`env`, `input`, `import`, …).
    Sandbox,
    /// The program nests too deep or is too long to be compiled safely
    /// ([`MAX_PROGRAM_NESTING`], [`MAX_PROGRAM_TOKENS`]).
    Size,
}

/// A problem in a jq program, located in the program text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JqDiag {
    /// What kind of problem this is.
    pub kind: JqDiagKind,
    /// What is wrong, lower-case, no trailing period, names the token in backticks.
    pub message: String,
    /// Byte range in the program text of the offending token.
    pub span: Range<usize>,
    /// Optional hint, such as "did you mean `length`?".
    pub help: Option<String>,
}

/// A jq runtime error.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum JqError {
    /// The program raised an error (a failed operation or `error(...)`); the jq error message.
    #[error("the jq program failed: {0}")]
    Runtime(String),
    /// The program exceeded a limit (number of outputs, nesting depth).
    #[error("the jq program exceeded a limit: {0}")]
    Limit(String),
    /// A value cannot be converted to or from JSON.
    #[error("the jq program produced a value that is not valid JSON: {0}")]
    InvalidValue(String),
    /// The number of variable values differs from the number of variables compiled in.
    #[error("the jq program expects {expected} variable value(s) but got {found}")]
    VarCount {
        /// Number of global variables given to [`compile`].
        expected: usize,
        /// Number of values given to [`Program::run`].
        found: usize,
    },
}

/// A compiled jq program, ready to run many times (`Send + Sync`): on its native op tree
/// when it lowers to one ([`Program::is_native`]), else on jaq.
pub struct Program {
    filter: jaq_core::Filter<D>,
    vars: usize,
    native: Option<native::Native>,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("vars", &self.vars)
            .field("native", &self.native.is_some())
            .finish_non_exhaustive()
    }
}

/// Parses and compiles `program` with the given global variables (names without `$`).
/// Returns all problems found.
pub fn check(program: &str, vars: &[&str]) -> Result<(), Vec<JqDiag>> {
    front::compile(program, vars, false).map(drop)
}

/// Compiles `program` with the given global variables (same checks as [`check`]), and
/// lowers it to a native op tree when it is in the native subset.
pub fn compile(program: &str, vars: &[&str]) -> Result<Program, Vec<JqDiag>> {
    let filter = front::compile(program, vars, true)?;
    Ok(Program {
        filter,
        vars: vars.len(),
        native: native::lower(program, vars),
    })
}

/// Whether `program`, one that compiles ([`check`]), runs natively, without jaq (the native
/// subset: paths, construction, conditionals, `reduce`, `try`, variables, common built-ins).
/// Only parses: the code generator asks it of every program it has checked already.
pub fn is_native(program: &str, vars: &[&str]) -> bool {
    native::lower(program, vars).is_some()
}

thread_local! {
    /// Inputs converted into jaq's values on this thread.
    static JAQ_INPUTS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many inputs programs run on jaq have converted into jaq's values on this thread: a
/// diagnostic for tests and benchmarks (an event that meets only native programs adds none).
pub fn jaq_inputs_on_this_thread() -> u64 {
    JAQ_INPUTS.get()
}

/// The error of a run past its step budget.
fn steps_exceeded(steps: u64) -> JqError {
    JqError::Limit(limits::Trip::Steps(steps).message())
}

/// Why an evaluation stopped early.
enum Stop {
    Error(JqError),
    Limit(limits::Trip),
}

impl From<JqError> for Stop {
    fn from(e: JqError) -> Self {
        Stop::Error(e)
    }
}

impl From<Stop> for JqError {
    fn from(s: Stop) -> Self {
        match s {
            Stop::Error(e) => e,
            Stop::Limit(t) => JqError::Limit(t.message()),
        }
    }
}

impl Program {
    /// Whether this program runs on its native op tree.
    pub fn is_native(&self) -> bool {
        self.native.is_some()
    }

    /// The native run within `limits`, if the program has one and this input needs no jaq:
    /// `Err(steps)` when the step budget ran out.
    fn run_native(
        &self,
        native: bool,
        input: &Json,
        vars: &[Json],
        limits: &Limits,
    ) -> Option<Result<Result<Vec<Json>, JqError>, ()>> {
        let op = self.native.as_ref().filter(|_| native)?;
        match op.run(input, vars, limits) {
            native::Ran::Done(r) => Some(Ok(r)),
            native::Ran::Jaq => None,
            native::Ran::Steps => Some(Err(())),
        }
    }

    /// Runs the program on `input` with the values of the global variables in the order given
    /// to [`compile`]; returns all outputs. The run is bounded by the default [`Limits`].
    pub fn run(
        &self,
        input: &serde_json::Value,
        vars: &[serde_json::Value],
    ) -> Result<Vec<serde_json::Value>, JqError> {
        self.run_with_limits(input, vars, &Limits::default())
    }

    /// [`Program::run`] on the engine's own values ([`crate::json::Value`]), without
    /// converting them: what the engine runs.
    pub fn run_json(&self, input: &Json, vars: &[Json]) -> Result<Vec<Json>, JqError> {
        self.run_on(true, input, vars, &Limits::default())
    }

    /// [`Program::run_jaq`] on the engine's own values (the reference for [`Program::run_json`]).
    pub fn run_jaq_json(&self, input: &Json, vars: &[Json]) -> Result<Vec<Json>, JqError> {
        self.run_on(false, input, vars, &Limits::default())
    }

    /// [`Program::run`] with other bounds.
    pub fn run_with_limits(
        &self,
        input: &serde_json::Value,
        vars: &[serde_json::Value],
        limits: &Limits,
    ) -> Result<Vec<serde_json::Value>, JqError> {
        self.run_serde(true, input, vars, limits)
    }

    /// [`Program::run`] on jaq even when the program runs natively: the reference the native
    /// path is compared with (tests, benchmarks).
    pub fn run_jaq(
        &self,
        input: &serde_json::Value,
        vars: &[serde_json::Value],
    ) -> Result<Vec<serde_json::Value>, JqError> {
        self.run_serde(false, input, vars, &Limits::default())
    }

    /// [`Program::run_on`] for `serde_json` values: converted in, and the outputs back.
    fn run_serde(
        &self,
        native: bool,
        input: &serde_json::Value,
        vars: &[serde_json::Value],
        limits: &Limits,
    ) -> Result<Vec<serde_json::Value>, JqError> {
        let vars: Vec<Json> = vars.iter().map(Json::from).collect();
        let outputs = self.run_on(native, &Json::from(input), &vars, limits)?;
        Ok(outputs.iter().map(serde_json::Value::from).collect())
    }

    fn run_on(
        &self,
        native: bool,
        input: &Json,
        vars: &[Json],
        limits: &Limits,
    ) -> Result<Vec<Json>, JqError> {
        // as the engine does: a few steps here, the rest on a thread with a large stack, so
        // that what a long run builds (an in-place update can nest a value one level deeper
        // per step) is never dropped on this thread's stack
        match self.run_quick(native, input, vars, limits, QUICK_STEPS) {
            Some(r) => r,
            None => self.run_on_own_thread(native, input, vars, limits),
        }
    }

    /// Runs the program on this thread within `limits`, but only as far as `steps` evaluation
    /// steps and [`INLINE_STACK`] of stack go: `None` if the run needs more of either than
    /// that and `limits` allow more (then it is to run again with [`Program::run_on_large_stack`]
    /// on a thread with a large stack; programs have no side effects, so running one again is
    /// safe). Constructors bound what they build to [`MAX_DEPTH`], but an in-place update
    /// (`.a = .`) nests a value one level deeper per step: with a small `steps` (such as
    /// [`QUICK_STEPS`]) this is safe on any thread with a stack of the usual size (an async
    /// executor's), with a large one it needs a large stack to drop what it built. With
    /// `native`, a program that lowered runs on its op tree; without, on jaq.
    pub fn run_quick(
        &self,
        native: bool,
        input: &Json,
        vars: &[Json],
        limits: &Limits,
        steps: u64,
    ) -> Option<Result<Vec<Json>, JqError>> {
        if vars.len() != self.vars {
            return Some(Err(JqError::VarCount {
                expected: self.vars,
                found: vars.len(),
            }));
        }
        let inline = Limits {
            stack: limits.stack.min(INLINE_STACK),
            steps: limits.steps.min(steps),
            ..*limits
        };
        // the native path's recursion follows the program, not the data: any stack holds it
        match self.run_native(native, input, vars, &inline) {
            Some(Ok(r)) => return Some(r),
            Some(Err(())) if limits.steps > inline.steps => return None,
            Some(Err(())) => return Some(Err(steps_exceeded(inline.steps))),
            None => {}
        }
        match self.eval(input, vars, &inline) {
            Err(Stop::Limit(limits::Trip::Stack(_))) if limits.stack > inline.stack => None,
            Err(Stop::Limit(limits::Trip::Steps(_))) if limits.steps > inline.steps => None,
            r => Some(r.map_err(JqError::from)),
        }
    }

    /// Runs the program on this thread with all of `limits`, which must have a stack of at
    /// least [`large_stack`]`(limits)` bytes (a thread started with that `stack_size`);
    /// `native` as for [`Program::run_quick`].
    pub fn run_on_large_stack(
        &self,
        native: bool,
        input: &Json,
        vars: &[Json],
        limits: &Limits,
    ) -> Result<Vec<Json>, JqError> {
        if vars.len() != self.vars {
            return Err(JqError::VarCount {
                expected: self.vars,
                found: vars.len(),
            });
        }
        match self.run_native(native, input, vars, limits) {
            Some(Ok(r)) => return r,
            Some(Err(())) => return Err(steps_exceeded(limits.steps)),
            None => {}
        }
        self.eval(input, vars, limits).map_err(JqError::from)
    }

    /// Runs the program on a new thread with a stack large enough for `limits.stack`.
    fn run_on_own_thread(
        &self,
        native: bool,
        input: &Json,
        vars: &[Json],
        limits: &Limits,
    ) -> Result<Vec<Json>, JqError> {
        std::thread::scope(|scope| {
            let thread = std::thread::Builder::new()
                .name("jq-deep-recursion".into())
                .stack_size(large_stack(limits))
                .spawn_scoped(scope, || {
                    self.run_on_large_stack(native, input, vars, limits)
                });
            match thread {
                Ok(thread) => match thread.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(e) => Err(JqError::Limit(format!(
                    "recursion deeper than {} KiB of stack, and no thread with a larger \
                     stack can be started: {e}",
                    INLINE_STACK / 1024
                ))),
            }
        })
    }

    /// Runs the program on this thread.
    fn eval(&self, input: &Json, vars: &[Json], limits: &Limits) -> Result<Vec<Json>, Stop> {
        JAQ_INPUTS.set(JAQ_INPUTS.get() + 1);
        let input = value::from_json(input)?;
        let vars = vars
            .iter()
            .map(value::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        let budget =
            limits::Budget::enter(limits.steps, limits.stack, limits.output_bytes, limits.time);
        let ctx = Ctx::<D>::new(&self.filter.lut, Vars::new(vars));
        let mut out = Vec::new();
        let mut bytes = limits.output_bytes;
        let mut outputs = self.filter.id.run((ctx, input));
        let result = loop {
            match outputs.next() {
                None => break Ok(()),
                Some(Ok(v)) => {
                    if out.len() == limits.outputs {
                        let n = limits.outputs;
                        break Err(JqError::Limit(format!("more than {n} outputs")));
                    }
                    let json = value::to_json(&v, &mut bytes);
                    // an output nested too deeply to convert is dropped without recursion
                    value::drop_deep(v.0);
                    match json {
                        Ok(v) => out.push(v),
                        Err(e) => break Err(e),
                    }
                }
                Some(Err(exn)) => break Err(value::exn_to_error(exn)),
            }
        };
        drop(outputs);
        if let Some(trip) = budget.tripped() {
            return Err(Stop::Limit(trip));
        }
        result?;
        Ok(out)
    }
}

/// The values programs run on inside the engine.
type Json = crate::json::Value;

mod cache;
mod expansions;
mod front;
mod limits;
mod native;
mod prelude;
mod shape;
mod value;

pub use cache::{MAX_CACHED, cached, cached_if_compiled};
pub use expansions::{Rewritten, expansion_var, rewrite_expansions};
pub use front::{MAX_EXPANSIONS, MAX_PROGRAM_NESTING, MAX_PROGRAM_TOKENS};
pub use shape::{JsonShape, shape};

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_depth;
