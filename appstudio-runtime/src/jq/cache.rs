//! The process-wide cache of compiled programs ([`cached`]).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, OnceLock, RwLock};

use super::{JqDiag, Program, compile};
use crate::lock::unpoisoned;

/// Maximum number of distinct (program, variables) pairs [`cached`] keeps; past it, programs
/// are compiled on every call (the programs of an app are far fewer).
pub const MAX_CACHED: usize = 4096;

/// The outcome of compiling one (program, variables) pair, computed once.
type Slot = Arc<OnceLock<Result<Arc<Program>, Vec<JqDiag>>>>;

/// For each program text, its variable names and their slot.
type Cache = HashMap<String, Vec<(Vec<String>, Slot)>>;

static CACHE: LazyLock<RwLock<(Cache, usize)>> = LazyLock::new(Default::default);

/// [`compile`]s `program` with the variables `vars` once per process and shares the result.
///
/// Every call with the same program text and the same variable names (in the same order)
/// returns the same [`Program`] (or the same diagnostics), from any thread: the first caller
/// compiles it while the others with the same pair wait, and callers with other pairs do not.
/// Entries are never evicted; past [`MAX_CACHED`] pairs, programs are compiled on each call.
/// Meant for the programs of an app (a bounded set), not for text that varies per request.
pub fn cached(program: &str, vars: &[&str]) -> Result<Arc<Program>, Vec<JqDiag>> {
    match slot(program, vars) {
        Some(slot) => slot
            .get_or_init(|| compile(program, vars).map(Arc::new))
            .clone(),
        None => compile(program, vars).map(Arc::new),
    }
}

/// The program [`cached`] compiled for this pair, if it did so already (and it compiled);
/// never compiles.
pub fn cached_if_compiled(program: &str, vars: &[&str]) -> Option<Arc<Program>> {
    let cache = unpoisoned(CACHE.read());
    let found = cache.0.get(program).into_iter().flatten();
    let (_, slot) = found.into_iter().find(|(names, _)| same(names, vars))?;
    slot.get()?.as_ref().ok().cloned()
}

fn same(names: &[String], vars: &[&str]) -> bool {
    names.len() == vars.len() && names.iter().zip(vars).all(|(n, v)| n == v)
}

/// The slot of the pair, created if missing; `None` if the cache is full.
fn slot(program: &str, vars: &[&str]) -> Option<Slot> {
    {
        let cache = unpoisoned(CACHE.read());
        let found = cache.0.get(program).into_iter().flatten();
        if let Some((_, slot)) = found.into_iter().find(|(names, _)| same(names, vars)) {
            return Some(slot.clone());
        }
    }
    let mut cache = unpoisoned(CACHE.write());
    let (map, len) = &mut *cache;
    let entries = map.get(program);
    if let Some((_, slot)) = entries.into_iter().flatten().find(|(n, _)| same(n, vars)) {
        return Some(slot.clone());
    }
    if *len >= MAX_CACHED {
        return None;
    }
    *len += 1;
    let slot = Slot::default();
    let names = vars.iter().map(|v| v.to_string()).collect();
    map.entry(program.to_string())
        .or_default()
        .push((names, slot.clone()));
    Some(slot)
}
