//! What a worker's run comes to (D28): the record committed for it ([`Finish`]), whether a
//! failure is retried and when, and the lease kept while the run goes on.

use std::future::Future;
use std::time::Duration;

use appstudio_runtime::engine::{Error as EngineError, ErrorKind};

use crate::shared::Inner;
use crate::store::{Claimed, Finish, now_ms};

/// Whether a failure may pass if tried again later: 429, 5xx, timeouts and unreachable
/// hosts (the engine reports those as 5xx), and a store that failed to take renewed tokens.
pub(crate) fn transient(kind: ErrorKind) -> bool {
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

/// A run's record without output or error.
pub(crate) fn finish(status: &'static str, duration_ms: i64) -> Finish {
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
pub(crate) fn failed(inner: &Inner, event: &Claimed, e: &EngineError, duration_ms: i64) -> Finish {
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

/// Runs `run` while extending `owner`'s lease of `event` every third of the lease.
pub(crate) async fn leased<T>(
    inner: &Inner,
    event: &Claimed,
    owner: &str,
    run: impl Future<Output = T>,
) -> T {
    let lease_ms = inner.config.lease.as_millis() as i64;
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
