//! Compiled jq programs of the IR, compiled once per process and shared by every task.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use super::error::{Error, ErrorKind, Result};
use crate::ir;
use crate::jq::{self, Program};

static CACHE: LazyLock<RwLock<HashMap<String, Arc<Program>>>> = LazyLock::new(Default::default);

/// The compiled program of `jq`.
pub fn get(jq: &ir::Jq) -> Result<Arc<Program>> {
    let key = format!("{}\u{0}{}", jq.vars.len(), jq.program);
    if let Some(p) = CACHE.read().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(p.clone());
    }
    let names: Vec<String> = (0..jq.vars.len()).map(|i| format!("__as_{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let program = jq::compile(&jq.program, &names).map_err(|diags| {
        let first = diags
            .first()
            .map_or_else(String::new, |d| d.message.clone());
        Error::new(
            ErrorKind::Config,
            format!("jq program does not compile: {first}"),
        )
    })?;
    let program = Arc::new(program);
    CACHE
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .entry(key)
        .or_insert(program.clone());
    Ok(program)
}
