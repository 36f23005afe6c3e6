//! A polling cycle or a historical sync as a worker runs it (D28): the cycle's record for the
//! run log, and when its schedule is due next, committed with the workflow's states (its
//! polling state) in one transaction.

use std::time::{Duration, Instant};

use appstudio_runtime::engine::dynamic::DynWorkflow;
use appstudio_runtime::engine::{Error as EngineError, PollCycle};
use appstudio_runtime::ir::ImportKind;
use serde_json::json;

use crate::outcome::{failed, finish, leased};
use crate::shared::Inner;
use crate::store::{Claimed, Finish, NextRun};

/// Runs the cycle `event` stands for (`event.source`: `poll` or `historical`); its record,
/// and its schedule's next run (`None` while the event is retried: it stays queued).
pub(crate) async fn run(
    inner: &Inner,
    event: &Claimed,
    owner: &str,
    workflow: &mut DynWorkflow,
) -> (Finish, Option<NextRun>) {
    let started = Instant::now();
    let historical = event.source == "historical";
    let ran: Result<Option<PollCycle>, EngineError> = if historical {
        leased(inner, event, owner, workflow.historical_sync()).await
    } else {
        leased(inner, event, owner, workflow.poll()).await.map(Some)
    };
    let duration_ms = started.elapsed().as_millis() as i64;
    let record = match &ran {
        Err(e) => failed(inner, event, e, duration_ms),
        Ok(None) => Finish {
            output: Some(json!("the historical sync had completed").to_string()),
            ..finish("ignored", duration_ms)
        },
        Ok(Some(cycle)) => of_cycle(inner, event, cycle, duration_ms),
    };
    if record.retry_at.is_some() {
        return (record, None);
    }
    let completed = match &ran {
        Ok(Some(cycle)) => cycle.completed(),
        Ok(None) => true,
        Err(_) => false,
    };
    let now = inner.config.clock.now_ms();
    let next_at = if historical {
        // a sync given up on is tried again later, from where it stopped
        (!completed).then(|| now + millis(inner.config.backoff_max))
    } else {
        next_poll(inner, event, workflow, now).await
    };
    let next = NextRun {
        kind: event.source.clone(),
        next_at,
    };
    (record, Some(next))
}

/// When the next polling cycle is due: `every` after now, unless the import is `single` and
/// its cycle completed.
async fn next_poll(
    inner: &Inner,
    event: &Claimed,
    workflow: &DynWorkflow,
    now: i64,
) -> Option<i64> {
    let schedule = workflow.schedule()?;
    let import = match inner.store.schedules(&event.installation_id).await {
        Ok(rows) => rows
            .into_iter()
            .find(|r| r.kind == "poll")
            .and_then(|r| r.import),
        Err(e) => {
            tracing::warn!(error = %e, "the import option could not be read; the first offered applies");
            None
        }
    };
    let kind = match import.as_deref() {
        Some("single") => Some(ImportKind::Single),
        Some("recurring") => Some(ImportKind::Recurring),
        _ => None,
    };
    let schedule = match kind {
        Some(kind) => schedule.clone().choose(kind).unwrap_or(schedule),
        None => schedule,
    };
    (!schedule.finished()).then(|| now + millis(schedule.every))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A cycle's record: its counts, `post_poll`'s output and every log line; failed (and
/// retried when transient) when a step failed; processed otherwise, with the results that
/// failed counted in its error (the polling state has moved past them: they are not retried).
fn of_cycle(inner: &Inner, event: &Claimed, cycle: &PollCycle, duration_ms: i64) -> Finish {
    let failed_results: Vec<&EngineError> = cycle.errors().collect();
    let output = json!({
        "requests": cycle.requests,
        "results": cycle.processed.len(),
        "failed": failed_results.len(),
        "stop": format!("{:?}", cycle.stop),
        "post_poll": cycle.post_poll_output(),
    });
    let with_output = |record: Finish| Finish {
        output: Some(output.to_string()),
        log: serde_json::to_string(&cycle.log).ok(),
        ..record
    };
    if let Some(e) = cycle.failure() {
        return with_output(failed(inner, event, e, duration_ms));
    }
    match failed_results.first() {
        None => with_output(finish("processed", duration_ms)),
        Some(first) => with_output(Finish {
            status: "processed",
            retry_at: None,
            error: Some(format!(
                "{} of {} results failed; the first: {first}",
                failed_results.len(),
                cycle.processed.len()
            )),
            ..failed(inner, event, first, duration_ms)
        }),
    }
}
