//! When to retry a request: 429 waits for `Retry-After`; 502/503/504 and connection errors
//! back off exponentially with full jitter, capped; a request that is not idempotent is
//! retried only when it certainly was not processed (a 429, or no connection at all).

use std::time::Duration;

use crate::ir::Method;

/// How a request attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP status, with `Retry-After` in seconds when given.
    Status(u16, Option<u64>),
    /// No connection could be made: the request was not sent.
    NotConnected,
    /// The connection failed during the request (timeout, reset): it may have been processed.
    Broken,
}

/// The retry policy.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// First backoff step.
    pub base: Duration,
    /// Longest backoff.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl Outcome {
    /// How a request that got no response ended: refused before sending, or broken after.
    pub fn of_transport(e: &reqwest::Error) -> Outcome {
        if e.is_connect() {
            Outcome::NotConnected
        } else {
            Outcome::Broken
        }
    }
}

/// `Retry-After` in seconds, when a response gives it so.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Whether repeating the request cannot do more than doing it once.
pub fn idempotent(method: Method) -> bool {
    !matches!(method, Method::Post | Method::Patch)
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1` (attempts count from 1), or `None` to
    /// stop.
    pub fn delay(&self, attempt: u32, method: Method, outcome: Outcome) -> Option<Duration> {
        self.delay_for(attempt, idempotent(method), outcome)
    }

    /// [`RetryPolicy::delay`] for a request known to be idempotent or not (an upsert sent with
    /// POST is).
    pub fn delay_for(&self, attempt: u32, idempotent: bool, outcome: Outcome) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        match outcome {
            Outcome::Status(429, Some(secs)) => {
                let wait = Duration::from_secs(secs);
                (wait <= self.max_retry_after).then_some(wait)
            }
            Outcome::Status(429, None) | Outcome::NotConnected => Some(self.backoff(attempt)),
            Outcome::Status(502..=504, _) | Outcome::Broken if idempotent => {
                Some(self.backoff(attempt))
            }
            _ => None,
        }
    }

    /// Full jitter: uniform in `[0, min(max_delay, base · 2^(attempt-1))]`.
    fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20))
            .min(self.max_delay);
        cap.mul_f64(fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Method::Post, Outcome::Status(429, Some(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(
            p.delay(1, Method::Get, Outcome::Status(429, Some(3600))),
            None
        );
        assert!(
            p.delay(1, Method::Get, Outcome::Status(503, None))
                .is_some()
        );
        assert!(p.delay(1, Method::Put, Outcome::Broken).is_some());
        assert_eq!(p.delay(1, Method::Post, Outcome::Status(503, None)), None);
        assert_eq!(p.delay(1, Method::Post, Outcome::Broken), None);
        assert!(p.delay(1, Method::Post, Outcome::NotConnected).is_some());
        assert_eq!(p.delay(1, Method::Get, Outcome::Status(500, None)), None);
        assert_eq!(p.delay(1, Method::Get, Outcome::Status(404, None)), None);
        assert_eq!(p.delay(5, Method::Get, Outcome::Status(503, None)), None);
        for attempt in 1..5 {
            let d = p
                .delay(attempt, Method::Get, Outcome::Status(502, None))
                .unwrap();
            assert!(d <= p.max_delay && d <= p.base * (1 << (attempt - 1)));
        }
    }
}
