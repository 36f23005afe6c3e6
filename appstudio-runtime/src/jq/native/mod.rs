//! Native programs (issue 12): a jq program that stays inside the common integration subset
//! (paths, pipes, construction, interpolation, conditionals, `reduce`, `try`, variables and the
//! built-ins of [`op::Builtin`]) is lowered from jaq's syntax tree into an op tree that runs
//! directly on `serde_json` values, borrowing from the input wherever it can: no conversion
//! into jaq's values and back. Anything else (`def`, `..`, `foreach`, `label`, assignments,
//! regular expressions, dates, destructuring, a `reduce` that could nest its accumulator ever
//! deeper) is not lowered, and the program runs on jaq as before.
//!
//! The answers are the jaq path's: the same number rules (integers exact, doubles printed as
//! jq prints them), order, error texts where `catch` shows them, and the same limits (steps,
//! time, sizes, outputs). The differential tests run every corpus program both ways.

mod builtins;
mod construct;
mod ctx;
mod eval;
mod lower;
mod math;
mod op;
mod paths;
mod regex;
mod value;

use crate::json::Value;
use jaq_core::load::{Lexer, Parser};

use super::{JqError, Limits, MAX_DEPTH};
use ctx::{Ctx, Stop};
pub(crate) use op::Op;

/// How a native run ended.
pub(crate) enum Ran {
    /// Its outputs, or its error.
    Done(Result<Vec<Value>, JqError>),
    /// This input needs the jaq path (see [`eval::Stop::Unsupported`]).
    Jaq,
    /// The step budget of `limits` ran out.
    Steps,
}

/// A program lowered to an op tree.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Native {
    op: Op,
    /// Variable slots: the globals, then one per binding.
    slots: usize,
    /// The global variables.
    globals: usize,
}

/// Lowers `program` (global variables `vars`, names without `$`), if all of it is in the
/// subset.
pub(crate) fn lower(program: &str, vars: &[&str]) -> Option<Native> {
    let tokens = Lexer::new(program).lex().ok()?;
    let term = Parser::new(&tokens).parse(|p| p.term()).ok()?;
    let names: Vec<String> = vars.iter().map(|v| format!("${v}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut scope = lower::Scope::new(&names);
    let op = lower::lower(&term, &mut scope)?;
    Some(Native {
        op,
        slots: scope.slots,
        globals: vars.len(),
    })
}

impl Native {
    /// Runs on `input` with the global variables' values: all outputs, within `limits`.
    pub(crate) fn run(&self, input: &Value, vars: &[Value], limits: &Limits) -> Ran {
        if vars.len() != self.globals {
            return Ran::Done(Err(JqError::VarCount {
                expected: self.globals,
                found: vars.len(),
            }));
        }
        let mut cx = Ctx::new(vars, self.slots, limits);
        let mut outputs = Vec::new();
        let mut bytes = limits.output_bytes;
        let r = eval::run(&self.op, input, &mut cx, &mut |v, _| {
            if outputs.len() == limits.outputs {
                return Err(Stop::Limit(format!("more than {} outputs", limits.outputs)));
            }
            let v = v.into_owned();
            bytes = within(&v, bytes).ok_or_else(|| {
                Stop::Limit(format!(
                    "outputs larger than {} bytes in all, or nested deeper than {MAX_DEPTH} levels",
                    limits.output_bytes
                ))
            })?;
            outputs.push(v);
            Ok(())
        });
        Ran::Done(match r {
            Ok(()) | Err(Stop::Done) => Ok(outputs),
            Err(Stop::Unsupported) => return Ran::Jaq,
            Err(Stop::Steps) => return Ran::Steps,
            Err(Stop::Error(e)) => Err(JqError::Runtime(match e {
                Value::String(s) => s.to_string(),
                other => {
                    let mut text = String::new();
                    let _ = value::write_json(&other, &mut text, 1 << 16);
                    format!("{text} (not a string)")
                }
            })),
            Err(Stop::Limit(m)) => Err(JqError::Limit(m)),
        })
    }
}

/// What is left of `bytes` after `v` (its size as compact JSON, numbers counting 8 bytes, as
/// the jaq path counts); `None` if it is larger, or nested deeper than [`MAX_DEPTH`]. No
/// recursion.
fn within(v: &Value, mut bytes: usize) -> Option<usize> {
    let mut stack: Vec<(&Value, usize)> = vec![(v, 0)];
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return None;
        }
        let size = match v {
            Value::String(s) => s.len() + 2,
            Value::Number(_) => 8,
            Value::Array(a) => {
                stack.extend(a.iter().map(|x| (x, depth + 1)));
                5
            }
            Value::Object(o) => {
                for (k, x) in o {
                    bytes = bytes.checked_sub(k.len() + 3)?;
                    stack.push((x, depth + 1));
                }
                5
            }
            _ => 5,
        };
        bytes = bytes.checked_sub(size)?;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests;
