//! Leases and tokens across crashes.

use std::time::Duration;

use crate::support::{Url, World, response};

/// A rotating provider, tokens that expire at once (every use refreshes), and a crash right
/// when a refreshed token is first used: the store at that moment (its files copied by the
/// stand-in while it answers that request) already holds the new refresh token, so the host
/// restarted from it refreshes with the latest token, which the provider accepts. Without
/// the commit before use it would hold the revoked one, and the uninstall would fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_a_refresh_keeps_the_rotated_refresh_token() {
    let mut w = World::start().await;
    w.formly.state.lock().unwrap().expires_in = Some(1);
    let installed = w.install().await;
    w.restart().await;
    let crashed = tempfile::tempdir().unwrap();
    w.formly.state.lock().unwrap().snapshot =
        Some((w.dir.path().to_owned(), crashed.path().to_owned()));
    // uninstalling refreshes, then sends `delete` with the new token: the snapshot is taken then
    w.host.uninstall(&installed.id).await.unwrap();
    assert!(
        w.formly.state.lock().unwrap().snapshot.is_none(),
        "no snapshot was taken"
    );
    assert!(w.formly.subscribed().is_empty());

    w.restart_at(crashed).await;
    let listed = w.host.installations().await.unwrap();
    assert_eq!(
        listed.len(),
        1,
        "the crash came before the uninstall committed"
    );
    let generation = w.formly.state.lock().unwrap().generation;
    w.host.uninstall(&installed.id).await.unwrap();
    let p = w.formly.state.lock().unwrap();
    assert_eq!(p.stale_refreshes, 0, "a revoked refresh token was used");
    assert_eq!(
        p.generation,
        generation + 1,
        "the restarted host refreshed once"
    );
}

/// A worker that took an event and died (its lease never released) does not hold it for
/// ever: once the lease expires another worker takes it, as a further attempt; the dead
/// worker's late commit is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_is_claimed_again() {
    let w = World::start().await;
    let installed = w.install().await;
    for (i, email) in ["a@example.com", "b@example.com"].iter().enumerate() {
        let (status, stored) = w
            .post(installed.url(), &response(&format!("r{i}"), email, "A"))
            .await;
        assert_eq!((status, stored), (200, 1));
    }
    let store = w.host.store();
    let first = store
        .claim("crashed", 100)
        .await
        .unwrap()
        .expect("an event");
    assert_eq!(first.attempts, 1);
    // leased, and the installation's next event waits behind it
    assert!(store.claim("other", 100).await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(150)).await;
    let again = store
        .claim("other", 60_000)
        .await
        .unwrap()
        .expect("the expired lease's event");
    assert_eq!((again.id, again.attempts), (first.id, 2));
    assert!(store.claim("third", 100).await.unwrap().is_none());
    // a lease extended by its owner is not taken; another's extension is refused
    assert!(store.extend_lease(again.id, "other", 60_000).await.unwrap());
    assert!(
        !store
            .extend_lease(again.id, "crashed", 60_000)
            .await
            .unwrap()
    );
}
