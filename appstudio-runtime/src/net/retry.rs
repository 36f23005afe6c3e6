//! When to retry a request, and the one loop that does: 429 waits for `Retry-After` (in
//! seconds or as an HTTP date); 502/503/504 and connection errors back off exponentially with
//! full jitter, capped; a request that is not idempotent is retried only when it certainly
//! was not processed (a 429, or no connection at all).

use std::future::Future;
use std::time::{Duration, SystemTime};

use reqwest::Method;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// How a request attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// An HTTP status, with `Retry-After` when given.
    Status(u16, Option<Duration>),
    /// No connection could be made: the request was not sent.
    NotConnected,
    /// The connection failed during the request (timeout, reset): it may have been processed.
    Broken,
    /// The attempt ended in a way another attempt would repeat: an answer over the size cap,
    /// a redirect not followed (D19). Never retried.
    Final,
}

impl Outcome {
    /// How a request that got no response ended: refused before sending, or broken after.
    pub(crate) fn of_transport(e: &reqwest::Error) -> Outcome {
        if e.is_redirect() {
            Outcome::Final
        } else if e.is_connect() {
            Outcome::NotConnected
        } else {
            Outcome::Broken
        }
    }
}

/// When requests are retried.
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

/// `Retry-After` of a response, in either form: delta-seconds, or an HTTP date (a date in
/// the past means now).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether repeating a request with `method` cannot do more than doing it once.
pub(crate) fn idempotent(method: &Method) -> bool {
    !matches!(*method, Method::POST | Method::PATCH)
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1` (attempts count from 1) of a request
    /// known to be idempotent or not (an upsert sent with POST is), or `None` to stop.
    pub(crate) fn delay(
        &self,
        attempt: u32,
        idempotent: bool,
        outcome: Outcome,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        match outcome {
            Outcome::Status(429, Some(wait)) => (wait <= self.max_retry_after).then_some(wait),
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

    /// Runs `attempt` until it succeeds or the policy says stop, and returns its last result.
    /// Each attempt gives its result and how it ended (`None`: not worth retrying, such as a
    /// request that could not be built). `what` names the request in the log.
    pub(crate) async fn run<T, E, F, Fut>(
        &self,
        idempotent: bool,
        what: &str,
        mut attempt: F,
    ) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = (Result<T, E>, Option<Outcome>)>,
    {
        let mut n = 1;
        loop {
            let (result, outcome) = attempt().await;
            match outcome.and_then(|o| self.delay(n, idempotent, o)) {
                Some(wait) => {
                    tracing::debug!(attempt = n, ?outcome, ?wait, what, "retrying");
                    tokio::time::sleep(wait).await;
                    n += 1;
                }
                None => return result,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[test]
    fn decisions() {
        let p = RetryPolicy::default();
        let delay =
            |attempt, method: Method, outcome| p.delay(attempt, idempotent(&method), outcome);
        let secs = Duration::from_secs;
        assert_eq!(
            delay(1, Method::POST, Outcome::Status(429, Some(secs(2)))),
            Some(secs(2))
        );
        assert_eq!(
            delay(1, Method::GET, Outcome::Status(429, Some(secs(3600)))),
            None
        );
        assert!(delay(1, Method::GET, Outcome::Status(503, None)).is_some());
        assert!(delay(1, Method::PUT, Outcome::Broken).is_some());
        assert_eq!(delay(1, Method::POST, Outcome::Status(503, None)), None);
        assert_eq!(delay(1, Method::PATCH, Outcome::Broken), None);
        assert_eq!(delay(1, Method::POST, Outcome::Broken), None);
        assert!(delay(1, Method::POST, Outcome::NotConnected).is_some());
        assert_eq!(delay(1, Method::GET, Outcome::Status(500, None)), None);
        assert_eq!(delay(1, Method::GET, Outcome::Status(404, None)), None);
        assert_eq!(delay(1, Method::GET, Outcome::Final), None);
        assert_eq!(delay(5, Method::GET, Outcome::Status(503, None)), None);
        for attempt in 1..5 {
            let d = delay(attempt, Method::GET, Outcome::Status(502, None)).unwrap();
            assert!(d <= p.max_delay && d <= p.base * (1 << (attempt - 1)));
        }
        // an upsert sent with POST is idempotent
        assert!(p.delay(1, true, Outcome::Broken).is_some());
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let parse = |v| parse_retry_after(v, now);
        assert_eq!(parse("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        // the obsolete forms HTTP still accepts
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:47 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse("Sun Nov  6 08:49:57 1994"),
            Some(Duration::from_secs(20))
        );
        assert_eq!(parse("Sun, 06 Nov 1994 08:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-1"), None);

        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(90));
        headers.insert(RETRY_AFTER, later.parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(
            wait > Duration::from_secs(85) && wait <= Duration::from_secs(90),
            "{wait:?}"
        );
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(1),
        }
    }

    /// Runs the loop over attempts that end as `outcomes` says, in turn; returns the result
    /// and the number of attempts made.
    async fn attempts(idempotent: bool, outcomes: &[Option<Outcome>]) -> (Result<u32, u32>, u32) {
        let made = AtomicU32::new(0);
        let result = quick()
            .run(idempotent, "test", || async {
                let n = made.fetch_add(1, Ordering::SeqCst);
                let outcome = outcomes[n as usize];
                match outcome {
                    Some(Outcome::Status(200, _)) => (Ok(n), outcome),
                    _ => (Err(n), outcome),
                }
            })
            .await;
        (result, made.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn the_loop_retries_what_the_policy_allows_and_returns_the_last_result() {
        let ok = Some(Outcome::Status(200, None));
        let busy = Some(Outcome::Status(503, None));
        let limited = Some(Outcome::Status(429, Some(Duration::from_millis(5))));
        let broken = Some(Outcome::Broken);
        let refused = Some(Outcome::NotConnected);

        assert_eq!(attempts(true, &[busy, limited, ok]).await, (Ok(2), 3));
        // a POST that may have been processed is not repeated; one never sent is
        assert_eq!(attempts(false, &[broken, ok]).await, (Err(0), 1));
        assert_eq!(attempts(false, &[busy, ok]).await, (Err(0), 1));
        assert_eq!(attempts(false, &[refused, limited, ok]).await, (Ok(2), 3));
        // an attempt that says "not worth retrying" ends the loop
        assert_eq!(attempts(true, &[None, ok]).await, (Err(0), 1));
        // a client error is final; so is a Retry-After longer than the policy's
        assert_eq!(
            attempts(true, &[Some(Outcome::Status(404, None)), ok]).await,
            (Err(0), 1)
        );
        let too_long = Some(Outcome::Status(429, Some(Duration::from_secs(60))));
        assert_eq!(attempts(true, &[too_long, ok]).await, (Err(0), 1));
        // at most `max_attempts`, the last failure returned
        assert_eq!(
            attempts(true, &[busy, busy, busy, busy, ok]).await,
            (Err(3), 4)
        );
    }
}
