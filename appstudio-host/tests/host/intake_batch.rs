//! Group commit (D28): concurrent requests are stored in shared transactions, and each is
//! acknowledged once its own events are committed, exactly once.

use std::collections::BTreeMap;
use std::slice::from_ref;
use std::time::Duration;

use appstudio_host::store::NewEvent;
use futures::future::join_all;
use sqlx::Row;

use crate::support::{Url, World, response};

/// 200 distinct form responses and 50 repeats of some of them, all posted at once: every
/// request is acknowledged; each distinct body is stored exactly once (one event, one run),
/// whichever of its deliveries came first, and the `appstudio-stored` headers add up to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_are_each_stored_once_and_acknowledged() {
    let w = World::start().await;
    let installed = w.install().await;
    let url = installed.url();
    let body = |i: usize| response(&format!("r{i}"), &format!("p{i}@example.com"), "P");
    let bodies: Vec<_> = (0..200).chain((0..200).step_by(4)).map(body).collect();
    let answers = join_all(bodies.iter().map(|b| w.post(url, b))).await;
    assert!(
        answers.iter().all(|(status, _)| *status == 200),
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(_, n)| *n == 0 || *n == 1),
        "{answers:?}"
    );
    let stored: i64 = answers.iter().map(|(_, n)| n).sum();
    assert_eq!(stored, 200, "{answers:?}");

    let mut per_response = BTreeMap::<String, usize>::new();
    for row in w.sql("SELECT body FROM events").await {
        let body: Vec<u8> = row.get(0);
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let id = json["response"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        *per_response.entry(id).or_default() += 1;
    }
    assert_eq!(per_response.len(), 200);
    assert!(per_response.values().all(|n| *n == 1), "{per_response:?}");
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(runs.len(), 200);
    assert!(runs.iter().all(|r| r.status == "received"));
}

/// `Store::enqueue_requests`, the group commit's transaction: a body repeated within one
/// batch is stored for its first request only, and again once the dedup window has passed;
/// a batch holding an event the store refuses (no such installation) stores nothing; a
/// batch larger than one statement's rows stores every event, a repeat in a later statement
/// not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_dedups_within_itself_and_commits_all_or_nothing() {
    let w = World::start().await;
    let installed = w.install().await;
    let store = w.host.store();
    let event = |installation: &str, body: &str| NewEvent {
        installation_id: installation.to_owned(),
        content_type: Some("application/json".into()),
        query: String::new(),
        headers: "{}".into(),
        body: body.as_bytes().to_vec(),
        dedup_key: format!("test:{body}"),
    };
    let (a, b) = (event(&installed.id, "{}"), event(&installed.id, "[]"));
    let minute = 60_000;
    let stored = store
        .enqueue_requests(&[from_ref(&a), from_ref(&a), from_ref(&b)], minute)
        .await
        .unwrap();
    assert_eq!(stored, [1, 0, 1]);
    assert_eq!(store.enqueue(from_ref(&a), minute).await.unwrap(), 0);

    // a window of 1 ms has passed: both bodies are new again
    tokio::time::sleep(Duration::from_millis(5)).await;
    let stored = store
        .enqueue_requests(&[&[a.clone(), b.clone()]], 1)
        .await
        .unwrap();
    assert_eq!(stored, [2]);

    let unknown = event("no-such-installation", "\"x\"");
    let c = event(&installed.id, "1");
    let refused = store
        .enqueue_requests(&[from_ref(&c), from_ref(&unknown)], minute)
        .await;
    assert!(refused.is_err());
    assert_eq!(store.count_events("pending").await.unwrap(), 4);
    // `c` was rolled back with the batch: it is new
    assert_eq!(store.enqueue(&[c], minute).await.unwrap(), 1);

    let many: Vec<NewEvent> = (0..1200)
        .map(|i| event(&installed.id, &format!("[{i}]")))
        .chain([event(&installed.id, "[0]")])
        .collect();
    let requests: Vec<&[NewEvent]> = many.iter().map(from_ref).collect();
    let stored = store.enqueue_requests(&requests, minute).await.unwrap();
    assert!(stored[..1200].iter().all(|n| *n == 1));
    assert_eq!(stored[1200], 0);
    assert_eq!(store.count_events("pending").await.unwrap(), 5 + 1200);
    assert_eq!(
        w.host.store().runs(&installed.id).await.unwrap().len(),
        5 + 1200
    );
}
