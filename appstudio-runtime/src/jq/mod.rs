//! jq front end shared by the code generator (build-time checks) and the engine.
//!
//! Programs are parsed and compiled with [jaq](https://github.com/01mf02/jaq) ([`check`],
//! [`compile`]); a compiled [`Program`] runs on `serde_json` values ([`Program::run`]).
//! Problems in a program are reported as [`JqDiag`]s located in the program text, so the code
//! generator can point at the exact token inside `app.json`.
//! As in jq, a program made only of blanks and comments is `.`.
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
//! the way jq prints them (`1.5 * 2` gives `3`, `1e17` prints as `1e+17`, `nan` as `null`).
//!
//! # Known differences
//!
//! Where jaq differs from jq 1.7, a jq-level definition prepended to every program ("shim") or a
//! native filter written here restores jq's behaviour: `join` (nulls are empty, numbers and
//! booleans are printed), `from_entries`/`with_entries` (`k`/`v`, `name`, non-string keys),
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
//! # Limits
//!
//! [`Program::run`] stops after [`MAX_OUTPUTS`] outputs, and values nested deeper than
//! [`MAX_DEPTH`] cannot be converted. jaq itself has no bound on evaluation depth: a program
//! that recurses without end (`def f: f + 1; f`) overflows the stack. Remote JSON cannot cause
//! this (its nesting is bounded by the JSON parser), only the program text, which the app's
//! author controls; a program can also loop without producing outputs (`last(repeat(1))`).
#![warn(missing_docs)]

use std::ops::Range;

use jaq_core::{Ctx, Vars};

use value::D;

/// Maximum number of outputs [`Program::run`] collects before failing with [`JqError::Limit`].
pub const MAX_OUTPUTS: usize = 10_000;

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

/// A compiled jq program, ready to run many times (`Send + Sync`).
pub struct Program {
    filter: jaq_core::Filter<D>,
    vars: usize,
}

impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Program")
            .field("vars", &self.vars)
            .finish_non_exhaustive()
    }
}

/// Parses and compiles `program` with the given global variables (names without `$`).
/// Returns all problems found.
pub fn check(program: &str, vars: &[&str]) -> Result<(), Vec<JqDiag>> {
    compile(program, vars).map(drop)
}

/// Compiles `program` with the given global variables (same checks as [`check`]).
pub fn compile(program: &str, vars: &[&str]) -> Result<Program, Vec<JqDiag>> {
    let filter = front::compile(program, vars)?;
    Ok(Program {
        filter,
        vars: vars.len(),
    })
}

impl Program {
    /// Runs the program on `input` with the values of the global variables in the order given
    /// to [`compile`]; returns all outputs.
    pub fn run(
        &self,
        input: &serde_json::Value,
        vars: &[serde_json::Value],
    ) -> Result<Vec<serde_json::Value>, JqError> {
        if vars.len() != self.vars {
            return Err(JqError::VarCount {
                expected: self.vars,
                found: vars.len(),
            });
        }
        let input = value::from_json(input)?;
        let vars = vars
            .iter()
            .map(value::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        let ctx = Ctx::<D>::new(&self.filter.lut, Vars::new(vars));
        let mut out = Vec::new();
        for result in self.filter.id.run((ctx, input)) {
            match result {
                Ok(v) => {
                    if out.len() == MAX_OUTPUTS {
                        return Err(JqError::Limit(format!("more than {MAX_OUTPUTS} outputs")));
                    }
                    out.push(value::to_json(&v)?);
                }
                Err(exn) => return Err(value::exn_to_error(exn)),
            }
        }
        Ok(out)
    }
}

mod front;
mod prelude;
mod value;

#[cfg(test)]
mod tests;
