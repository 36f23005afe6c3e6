//! jq at run time: the compiled programs of the IR (shared per process through
//! [`crate::jq::cached`]), and where they run ([`run_here`], else [`run`]).
//!
//! A program runs first on the caller's thread for at most [`QUICK_STEPS`] steps, which is
//! where almost every program of an app ends (a few microseconds). One that needs more steps
//! or a deeper recursion runs again, from the start, on [`POOL_THREADS`] dedicated threads with
//! a large stack (programs have no side effects), and the task waits for it without holding
//! its async worker: a long program does not stall other tasks (issue 9). A program not yet
//! compiled is compiled there too.

use std::sync::mpsc;
use std::sync::{Arc, LazyLock, Mutex};

use crate::json::Value;

use super::error::{Error, ErrorKind, Result};
use crate::ir;
use crate::jq::{self, Limits, Program};
use crate::lock::unpoisoned;

/// `__as_0`, `__as_1`, …: the names of a program's expansion variables.
static NAMES: LazyLock<Vec<String>> =
    LazyLock::new(|| (0..jq::MAX_EXPANSIONS).map(jq::expansion_var).collect());

/// Steps a program may take on the caller's (async) thread before it moves to the pool.
pub(super) use crate::jq::QUICK_STEPS;

/// Threads running the programs that need more than [`QUICK_STEPS`].
pub(super) const POOL_THREADS: usize = 4;

/// The variable names of `jq`.
fn names(jq: &ir::Jq) -> Result<Vec<&'static str>> {
    let names: Vec<&str> = NAMES
        .iter()
        .take(jq.vars.len())
        .map(String::as_str)
        .collect();
    if names.len() < jq.vars.len() {
        return Err(Error::config(format!(
            "a jq program with more than {} expansions (AS0505 at build time)",
            jq::MAX_EXPANSIONS
        )));
    }
    Ok(names)
}

/// `program` compiled with the variables `names`, once per process.
fn compiled(program: &str, names: &[&str]) -> Result<Arc<Program>> {
    jq::cached(program, names).map_err(|diags| {
        let first = diags
            .first()
            .map_or_else(String::new, |d| d.message.clone());
        Error::new(
            ErrorKind::Config,
            format!("jq program does not compile: {first}"),
        )
    })
}

/// Runs the program of `jq` on `input` with the values of its variables, within `limits` (on
/// its native op tree when it has one and `native`), on the pool: for a program [`run_here`]
/// did not finish (not compiled yet, or longer than [`QUICK_STEPS`]).
pub(super) async fn run(
    jq: &ir::Jq,
    input: Value,
    vars: Vec<Value>,
    limits: Limits,
    native: bool,
) -> Result<Vec<Value>> {
    let names = names(jq)?;
    let native = native && jq.native;
    let program = jq::cached_if_compiled(&jq.program, &names);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let text = match program {
        Some(_) => None,
        None => Some(jq.program.clone()),
    };
    let job: Job = Box::new(move || {
        let program = match (program, text) {
            (Some(p), _) => Ok(p),
            (None, text) => compiled(text.as_deref().unwrap_or_default(), &names),
        };
        let out = program.and_then(|p| Ok(p.run_on_large_stack(native, &input, &vars, &limits)?));
        // the caller may have gone (its task cancelled): nobody to answer
        let _ = tx.send(out);
    });
    submit(job, jq::large_stack(&limits))?;
    rx.await
        .map_err(|_| Error::new(ErrorKind::Jq, "the jq program stopped without an answer"))?
}

/// The run of `jq` on this thread, if it is compiled already and ends within [`QUICK_STEPS`]
/// (`None`: it is to run on the pool, [`run`]).
pub(super) fn run_here(
    jq: &ir::Jq,
    input: &Value,
    vars: &[Value],
    limits: &Limits,
    native: bool,
) -> Option<Result<Vec<Value>>> {
    let names = match names(jq) {
        Ok(names) => names,
        Err(e) => return Some(Err(e)),
    };
    // the build decided which programs run natively
    let native = native && jq.native;
    let program = jq::cached_if_compiled(&jq.program, &names)?;
    let out = program.run_quick(native, input, vars, limits, QUICK_STEPS)?;
    Some(out.map_err(Error::from))
}

/// A program run for the pool.
type Job = Box<dyn FnOnce() + Send>;

/// The pool's queue, and the stack its threads were started with.
type Pool = (mpsc::Sender<Job>, usize);

/// The pool, once started.
static POOL: LazyLock<Mutex<Option<Pool>>> = LazyLock::new(|| Mutex::new(None));

/// Queues `job` on the pool, starting it (or a new one with a larger stack) if needed.
fn submit(job: Job, stack: usize) -> Result<()> {
    let mut pool = unpoisoned(POOL.lock());
    let job = match &*pool {
        Some((tx, size)) if *size >= stack => match tx.send(job) {
            Ok(()) => return Ok(()),
            Err(mpsc::SendError(job)) => job,
        },
        _ => job,
    };
    let tx = start(stack.max(jq::large_stack(&Limits::default())))?;
    tx.0.send(job)
        .map_err(|_| Error::new(ErrorKind::Jq, "the jq threads stopped"))?;
    *pool = Some(tx);
    Ok(())
}

/// Starts [`POOL_THREADS`] threads with `stack` bytes of stack taking jobs from one queue.
fn start(stack: usize) -> Result<Pool> {
    let (tx, rx) = mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let mut started = 0;
    for i in 0..POOL_THREADS {
        let rx = rx.clone();
        let thread = std::thread::Builder::new()
            .name(format!("appstudio-jq-{i}"))
            .stack_size(stack)
            .spawn(move || {
                loop {
                    // the lock is held only while waiting for the next job
                    let job = unpoisoned(rx.lock()).recv();
                    match job {
                        // a panic in a program (a bug) drops its answer, not the thread
                        Ok(job) => {
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        }
                        Err(_) => return,
                    }
                }
            });
        if thread.is_ok() {
            started += 1;
        }
    }
    if started == 0 {
        return Err(Error::new(
            ErrorKind::Jq,
            "no thread with a large stack can be started to run jq programs",
        ));
    }
    Ok((tx, stack))
}
