//! The scheduler's clock ([`Clock`]): the system's, or a manual one a test moves by hand.
//!
//! Only the scheduler reads it (when a polling cycle or a historical sync is due, and when
//! the next one is); leases, backoff and the run log keep the system's time. A manual clock
//! is how a test runs the scheduler "under a paused clock": tokio's paused time cannot be used
//! with a real database and real HTTP servers, whose waits on other threads would let tokio
//! jump its clock to the next timer (a lease, a request's timeout) at any moment.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The time the scheduler goes by. Cheap to clone; clones of a manual clock move together.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// `None`: the system's clock; else the manual clock's milliseconds since the epoch.
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system's clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that stands still at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: SystemTime) -> Clock {
        Clock {
            manual: Some(Arc::new(AtomicI64::new(millis(start)))),
        }
    }

    /// Moves a manual clock forward by `by` (nothing for the system's clock).
    pub fn advance(&self, by: Duration) {
        if let Some(ms) = &self.manual {
            let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
            ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(by))
            })
            .ok();
        }
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_ms(&self) -> i64 {
        match &self.manual {
            Some(ms) => ms.load(Ordering::SeqCst),
            None => millis(SystemTime::now()),
        }
    }
}

/// Milliseconds since the Unix epoch (0 before it).
fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_advanced_and_its_clones_with_it() {
        let start = UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = Clock::manual(start);
        let other = clock.clone();
        assert_eq!(clock.now_ms(), 1_000_000);
        other.advance(Duration::from_secs(90));
        assert_eq!(clock.now_ms(), 1_090_000);
        let system = Clock::system();
        system.advance(Duration::from_secs(3600));
        assert!((system.now_ms() - millis(SystemTime::now())).abs() < 60_000);
    }
}
