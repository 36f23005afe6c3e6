//! The rate-limiting primitive: a sliding window of request start times.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// At most `requests` in any window of `period`: a sliding log of the last requests' start
/// times (a token bucket would allow twice as many in a window after a burst). Waiters are
/// served in arrival order (the lock is a fair queue and is held while waiting).
#[derive(Debug)]
pub(crate) struct Bucket {
    sent: tokio::sync::Mutex<VecDeque<Instant>>,
    requests: usize,
    period: Duration,
}

impl Bucket {
    /// `requests` per `period` seconds.
    pub(crate) fn new(requests: u32, period: u32) -> Bucket {
        Bucket {
            sent: tokio::sync::Mutex::new(VecDeque::new()),
            requests: requests.max(1) as usize,
            period: Duration::from_secs(u64::from(period.max(1))),
        }
    }

    /// Waits until one more request fits in the window.
    pub(crate) async fn acquire(&self) {
        let mut sent = self.sent.lock().await;
        loop {
            let now = Instant::now();
            while sent
                .front()
                .is_some_and(|t| now.duration_since(*t) >= self.period)
            {
                sent.pop_front();
            }
            if sent.len() < self.requests {
                sent.push_back(now);
                return;
            }
            let oldest = sent.front().copied().unwrap_or(now);
            tokio::time::sleep_until(oldest + self.period).await;
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
