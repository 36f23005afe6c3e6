//! Workers (D28): claim a stored event under a lease (extended while the run goes on), run it
//! with the installation's workflow (`receive` a webhook request; a polling cycle or a
//! historical sync: `cycle.rs`), and commit the run's outcome with the states in one
//! transaction; retry transient failures with exponential backoff and jitter; dead-letter the
//! rest. An idle worker queues the schedules that are due.

use std::sync::Arc;
use std::time::Instant;

use appstudio_runtime::engine::dynamic::DynWorkflow;
use appstudio_runtime::engine::{Delivery, Incoming};
use appstudio_runtime::json::Value;
use tokio::sync::watch;

use crate::outcome::{failed, finish, leased};
use crate::shared::Inner;
use crate::store::{Claimed, Finish};

/// One worker: runs events until `stop` turns true.
pub(crate) async fn run(inner: Arc<Inner>, owner: String, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        // registered before claiming, so an event stored meanwhile wakes this worker
        let woken = inner.wake.notified();
        let lease = inner.config.lease.as_millis() as i64;
        match inner.store.claim(&owner, lease).await {
            Ok(Some(event)) => {
                if let Err(e) = process(&inner, &owner, &event).await {
                    // nothing committed: the lease expires and the event runs again
                    tracing::error!(event = event.id, error = %e, "a run could not be committed");
                }
            }
            Ok(None) => {
                match inner.store.queue_due(inner.config.clock.now_ms()).await {
                    Ok(0) => {}
                    Ok(_) => continue,
                    Err(e) => tracing::error!(error = %e, "queueing the due schedules failed"),
                }
                prune(&inner).await;
                tokio::select! {
                    _ = woken => {}
                    _ = tokio::time::sleep(inner.config.idle_poll) => {}
                    _ = stop.changed() => {}
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming an event failed");
                tokio::time::sleep(inner.config.idle_poll).await;
            }
        }
    }
}

/// Prunes the dedup keys past the window, at most once a minute (any idle worker).
async fn prune(inner: &Inner) {
    use std::sync::atomic::Ordering;
    let now = crate::store::now_ms();
    let last = inner.pruned_at.load(Ordering::Relaxed);
    if now - last < 60_000
        || inner
            .pruned_at
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let window = i64::try_from(inner.config.dedup_window.as_millis()).unwrap_or(i64::MAX);
    if let Err(e) = inner.store.prune_dedup(now.saturating_sub(window)).await {
        tracing::warn!(error = %e, "pruning the dedup keys failed");
    }
}

/// Runs one claimed event and commits what came of it.
async fn process(inner: &Inner, owner: &str, event: &Claimed) -> Result<(), crate::Error> {
    let Some(live) = inner.registry.get(&event.installation_id) else {
        return inner
            .store
            .bury(event, owner, "the installation is no longer in memory")
            .await;
    };
    let mut workflow = live.run.lock().await;
    let (record, next_run) = match event.source.as_str() {
        "webhook" => match deliver(inner, event, owner, &mut workflow).await {
            Ok(record) => (record, None),
            Err(unreadable) => return inner.store.bury(event, owner, &unreadable).await,
        },
        "poll" | "historical" => crate::cycle::run(inner, event, owner, &mut workflow).await,
        other => {
            let error = format!("an event of unknown source `{other}`");
            return inner.store.bury(event, owner, &error).await;
        }
    };
    let mut states = live.states(&inner.config.key, &workflow, &inner.engine.state())?;
    states.next_run = next_run;
    let committed = inner.store.finish(event, owner, &record, &states).await?;
    if committed {
        live.refresh_snapshot(&workflow);
    } else {
        tracing::warn!(
            event = event.id,
            "the lease expired during the run; another worker has it"
        );
    }
    Ok(())
}

/// Runs a stored webhook request through the workflow; `Err` with the reason when the
/// request cannot be read back.
async fn deliver(
    inner: &Inner,
    event: &Claimed,
    owner: &str,
    workflow: &mut DynWorkflow,
) -> Result<Finish, String> {
    let headers: appstudio_runtime::json::Map =
        serde_json::from_str(&event.headers).unwrap_or_default();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
        .collect();
    let incoming = Incoming::from_http_limited(
        inner.config.engine.max_webhook_body,
        event.content_type.as_deref(),
        &event.body,
        &event.query,
        pairs.iter().copied(),
    )
    .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let delivered = leased(inner, event, owner, workflow.receive(incoming)).await;
    let duration_ms = started.elapsed().as_millis() as i64;
    Ok(match delivered {
        Ok(Delivery::Processed { processed, .. }) => Finish {
            output: Some(processed.output.to_string()),
            log: Some(serde_json::Value::from(processed.log).to_string()),
            ..finish("processed", duration_ms)
        },
        Ok(Delivery::Ignored { reason }) => Finish {
            output: Some(Value::from(reason).to_string()),
            ..finish("ignored", duration_ms)
        },
        Ok(Delivery::Responded(r)) => Finish {
            output: Some(r.body.to_string()),
            ..finish("responded", duration_ms)
        },
        Err(e) => failed(inner, event, &e, duration_ms),
    })
}
