//! The one way the runtime takes a standard lock.

use std::sync::{LockResult, PoisonError};

/// The guard of `result` (a `lock`, `read` or `write`), also when a thread panicked while
/// holding it: what the runtime keeps behind a lock is whole between statements, so one
/// panicking task must not wedge every other.
pub fn unpoisoned<G>(result: LockResult<G>) -> G {
    result.unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[test]
    fn a_poisoned_lock_still_gives_its_value() {
        let m = Mutex::new(1);
        let _ = std::panic::catch_unwind(|| {
            let _guard = m.lock().unwrap();
            panic!("poison");
        });
        assert!(m.is_poisoned());
        *unpoisoned(m.lock()) += 1;
        assert_eq!(*unpoisoned(m.lock()), 2);
    }
}
