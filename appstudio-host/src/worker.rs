//! Workers (D28): claim a stored event under a lease (extended while the run goes on),
//! `receive` it with the installation's workflow, commit the run's outcome with the states in one transaction; retry transient
//! failures with exponential backoff and jitter; dead-letter the rest.

use std::sync::Arc;
use std::time::{Duration, Instant};

use appstudio_runtime::engine::{Delivery, Error as EngineError, ErrorKind, Incoming};
use serde_json::Value;
use tokio::sync::watch;

use crate::shared::Inner;
use crate::store::{Claimed, Finish, now_ms};

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

/// Whether a failure may pass if tried again later: 429, 5xx, timeouts and unreachable
/// hosts (the engine reports those as 5xx), and a store that failed to take renewed tokens.
fn transient(kind: ErrorKind) -> bool {
    matches!(kind, ErrorKind::RateLimited | ErrorKind::Remote5xx)
}

/// The delay before attempt `attempts + 1`: `base · 2^(attempts-1)` up to `max`, then a random
/// part of it ("equal jitter": between half and all of it), so that events failing together
/// are not retried together.
pub(crate) fn backoff(base: Duration, max: Duration, attempts: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempts.saturating_sub(1).min(20));
    let full = exp.min(max);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

/// Runs one claimed event and commits what came of it.
async fn process(inner: &Inner, owner: &str, event: &Claimed) -> Result<(), crate::Error> {
    let Some(live) = inner.registry.get(&event.installation_id) else {
        return inner
            .store
            .bury(event, owner, "the installation is no longer in memory")
            .await;
    };
    let headers: serde_json::Map<String, Value> =
        serde_json::from_str(&event.headers).unwrap_or_default();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
        .collect();
    let max = inner.config.engine.max_webhook_body;
    let incoming = match Incoming::from_http_limited(
        max,
        event.content_type.as_deref(),
        &event.body,
        &event.query,
        pairs.iter().copied(),
    ) {
        Ok(i) => i,
        Err(e) => return inner.store.bury(event, owner, &e.to_string()).await,
    };
    let mut workflow = live.run.lock().await;
    let started = Instant::now();
    let delivered = {
        // the lease is extended every third of it while the run goes on
        let lease_ms = inner.config.lease.as_millis() as i64;
        let run = workflow.receive(incoming);
        tokio::pin!(run);
        loop {
            tokio::select! {
                out = &mut run => break out,
                _ = tokio::time::sleep(inner.config.lease / 3) => {
                    match inner.store.extend_lease(event.id, owner, lease_ms).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(event = event.id, "the lease was lost during the run"),
                        Err(e) => tracing::warn!(event = event.id, error = %e, "the lease could not be extended"),
                    }
                }
            }
        }
    };
    let duration_ms = started.elapsed().as_millis() as i64;
    let finish = match delivered {
        Ok(Delivery::Processed { processed, .. }) => Finish {
            output: Some(processed.output.to_string()),
            log: Some(Value::from(processed.log).to_string()),
            ..finish("processed", duration_ms)
        },
        Ok(Delivery::Ignored { reason }) => Finish {
            output: Some(Value::String(reason).to_string()),
            ..finish("ignored", duration_ms)
        },
        Ok(Delivery::Responded(r)) => Finish {
            output: Some(r.body.to_string()),
            ..finish("responded", duration_ms)
        },
        Err(e) => failed(inner, event, &e, duration_ms),
    };
    let states = live.states(&inner.config.key, &workflow, &inner.engine.state())?;
    let committed = inner.store.finish(event, owner, &finish, &states).await?;
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

/// A run's record without output or error.
fn finish(status: &'static str, duration_ms: i64) -> Finish {
    Finish {
        status,
        output: None,
        log: None,
        error: None,
        error_kind: None,
        step: None,
        location: None,
        duration_ms,
        retry_at: None,
    }
}

/// A failed run: retried later when transient and attempts are left, else a dead letter.
fn failed(inner: &Inner, event: &Claimed, e: &EngineError, duration_ms: i64) -> Finish {
    let attempts = u32::try_from(event.attempts).unwrap_or(u32::MAX);
    let retry_at = (transient(e.kind()) && attempts < inner.config.max_attempts).then(|| {
        let delay = backoff(
            inner.config.backoff_base,
            inner.config.backoff_max,
            attempts,
        );
        now_ms() + delay.as_millis() as i64
    });
    let file = &inner.engine.app().file;
    Finish {
        error: Some(e.to_string()),
        error_kind: Some(format!("{:?}", e.kind())),
        step: e.step().map(str::to_owned),
        location: e.loc().map(|loc| format!("{file}:{loc}")),
        retry_at,
        ..finish("failed", duration_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_its_bounds_with_jitter() {
        let (base, max) = (Duration::from_millis(100), Duration::from_secs(1));
        for attempt in 1..=10 {
            let d = backoff(base, max, attempt);
            let full = (base * 2u32.pow(attempt - 1)).min(max);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
        assert!(transient(ErrorKind::RateLimited) && transient(ErrorKind::Remote5xx));
        assert!(!transient(ErrorKind::Remote4xx) && !transient(ErrorKind::Jq));
    }
}
