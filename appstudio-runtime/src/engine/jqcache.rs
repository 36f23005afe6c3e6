//! The compiled jq programs of the IR (shared per process through [`crate::jq::cached`]).

use std::sync::{Arc, LazyLock};

use super::error::{Error, ErrorKind, Result};
use crate::ir;
use crate::jq::{self, Program};

/// `__as_0`, `__as_1`, …: the names of a program's expansion variables.
static NAMES: LazyLock<Vec<String>> = LazyLock::new(|| (0..256).map(jq::expansion_var).collect());

/// The compiled program of `jq`.
pub(super) fn get(jq: &ir::Jq) -> Result<Arc<Program>> {
    let names: Vec<&str> = NAMES
        .iter()
        .take(jq.vars.len())
        .map(String::as_str)
        .collect();
    if names.len() < jq.vars.len() {
        return Err(Error::config("a jq program with more than 256 expansions"));
    }
    jq::cached(&jq.program, &names).map_err(|diags| {
        let first = diags
            .first()
            .map_or_else(String::new, |d| d.message.clone());
        Error::new(
            ErrorKind::Config,
            format!("jq program does not compile: {first}"),
        )
    })
}
