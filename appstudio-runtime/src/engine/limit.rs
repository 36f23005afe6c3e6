//! Token buckets: `api.rate_limit` for connection requests (user or app level, read and
//! write buckets, or one bucket for the flat form).

use std::time::Duration;

use tokio::time::Instant;

use crate::ir::{Method, Quota, RateLimit};

/// A token bucket of `capacity` requests refilled evenly over `period`. Waiters are served
/// in arrival order (the state lock is a fair queue and is held while waiting).
#[derive(Debug)]
pub struct Bucket {
    state: tokio::sync::Mutex<(f64, Instant)>,
    capacity: f64,
    per_second: f64,
}

impl Bucket {
    /// `requests` per `period` seconds.
    pub fn new(requests: u32, period: u32) -> Bucket {
        let capacity = f64::from(requests.max(1));
        Bucket {
            state: tokio::sync::Mutex::new((capacity, Instant::now())),
            capacity,
            per_second: capacity / f64::from(period.max(1)),
        }
    }

    /// Waits for one token.
    pub async fn acquire(&self) {
        let mut state = self.state.lock().await;
        loop {
            let now = Instant::now();
            let (tokens, last) = *state;
            let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.per_second)
                .min(self.capacity);
            if tokens >= 1.0 {
                *state = (tokens - 1.0, now);
                return;
            }
            *state = (tokens, now);
            tokio::time::sleep(Duration::from_secs_f64((1.0 - tokens) / self.per_second)).await;
        }
    }
}

/// The buckets of one `api.rate_limit` level.
#[derive(Debug)]
pub struct Buckets {
    read: Bucket,
    /// `None` in the flat form: reads and writes share `read`.
    write: Option<Bucket>,
}

impl Buckets {
    /// Buckets for a rate limit.
    pub fn new(limit: &RateLimit) -> Buckets {
        let bucket = |q: &Quota| Bucket::new(q.requests, q.period);
        Buckets {
            read: bucket(&limit.read),
            write: (!limit.shared).then(|| bucket(&limit.write)),
        }
    }

    /// Waits for a token for a request with `method` (GET, HEAD and OPTIONS read).
    pub async fn acquire(&self, method: Method) {
        match (&self.write, method) {
            (Some(write), Method::Post | Method::Put | Method::Patch | Method::Delete) => {
                write.acquire().await
            }
            _ => self.read.acquire().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_bucket_spreads_requests_over_its_period() {
        let b = std::sync::Arc::new(Bucket::new(5, 1));
        let start = Instant::now();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let b = b.clone();
                tokio::spawn(async move {
                    b.acquire().await;
                    Instant::now()
                })
            })
            .collect();
        let mut times = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap().duration_since(start));
        }
        times.sort();
        // 5 at once, then one every 200 ms: the 20th after 3 s.
        assert!(times[4] < Duration::from_millis(1));
        assert!(times[19] >= Duration::from_millis(2999), "{times:?}");
        // never more than 5 in any one-second window
        for (i, t) in times.iter().enumerate() {
            let in_window = times[i..]
                .iter()
                .filter(|u| **u < *t + Duration::from_millis(999))
                .count();
            assert!(in_window <= 5, "{times:?}");
        }
    }
}
