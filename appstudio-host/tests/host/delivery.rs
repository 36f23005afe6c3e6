//! Workers: retries of transient failures, dead letters, redeliveries, order.

use appstudio_testing::Fault;

use crate::support::{Url, World, response, until};

fn fail(w: &World, status: u16, times: u32) {
    w.ac.fail(Fault {
        status,
        times,
        retry_after: None,
        path_prefix: None,
    });
}

/// ActiveCampaign answering 503 for a while: the event is retried with backoff (the engine
/// itself tries once here) and delivered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_failures_are_retried_and_delivered_once() {
    let w = World::start().await;
    let installed = w.install().await;
    fail(&w, 503, 2);
    w.post_ok(installed.url(), &response("r1", "ada@example.com", "Ada"))
        .await;
    let workers = w.workers(2);
    until("the run", async || w.event_statuses().await == ["done"]).await;
    workers.stop().await;
    assert_eq!(w.contacts().len(), 1);
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(runs[0].status, "processed");
    assert!(runs[0].attempts >= 2, "{runs:?}");
    assert!(w.host.store().dead_letters().await.unwrap().is_empty());
}

/// An event failing at every attempt is a dead letter after `max_attempts` (4 here), with the
/// error, its step and its place in app.json; a permanent failure (422) is one at once; a
/// dead letter replayed is delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_that_always_fails_is_a_dead_letter_and_replays() {
    let w = World::start().await;
    let installed = w.install().await;
    fail(&w, 503, 1_000);
    w.post_ok(installed.url(), &response("r1", "ada@example.com", "Ada"))
        .await;
    let workers = w.workers(1);
    until("the dead letter", async || {
        w.event_statuses().await == ["dead"]
    })
    .await;
    let dead = w.host.store().dead_letters().await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].attempts, 4);
    assert_eq!(dead[0].error_kind.as_deref(), Some("Remote5xx"));
    assert_eq!(dead[0].step.as_deref(), Some("data_pipeline.target"));
    let location = dead[0].location.as_deref().unwrap_or_default();
    assert!(location.contains("app.json:"), "{dead:?}");
    assert!(
        dead[0].error.as_deref().unwrap_or_default().contains("503"),
        "{dead:?}"
    );
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(runs[0].status, "dead");

    w.ac.reset();
    fail(&w, 422, 1_000);
    w.post_ok(installed.url(), &response("r2", "bob@example.com", "Bob"))
        .await;
    until("the second dead letter", async || {
        w.event_statuses().await == ["dead", "dead"]
    })
    .await;
    let dead = w.host.store().dead_letters().await.unwrap();
    assert_eq!(
        (dead[1].attempts, dead[1].error_kind.as_deref()),
        (1, Some("Remote4xx"))
    );
    assert!(w.contacts().is_empty());

    // replayed once ActiveCampaign is back: delivered, and no longer a dead letter
    w.ac.reset();
    assert!(w.host.replay(dead[0].event_id).await.unwrap());
    assert!(
        !w.host.replay(dead[0].event_id).await.unwrap(),
        "only a dead letter replays"
    );
    until("the replayed run", async || {
        w.event_statuses().await == ["done", "dead"]
    })
    .await;
    workers.stop().await;
    assert_eq!(w.contacts().len(), 1);
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(
        (runs[0].status.as_str(), runs[0].attempts),
        ("processed", 1)
    );
    assert_eq!(w.host.store().dead_letters().await.unwrap().len(), 1);
}

/// The same body delivered again within the dedup window is acknowledged, not stored again,
/// and processed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_delivery_is_processed_once() {
    let w = World::start().await;
    let installed = w.install().await;
    let event = response("r1", "ada@example.com", "Ada");
    let (first, _) = w.post(installed.url(), &event).await;
    let (second, stored) = w.post(installed.url(), &event).await;
    assert_eq!((first, second, stored), (200, 200, 0));
    let workers = w.workers(2);
    until("the run", async || w.event_statuses().await == ["done"]).await;
    // delivered again after processing: still once
    let (third, stored) = w.post(installed.url(), &event).await;
    assert_eq!((third, stored), (200, 0));
    workers.stop().await;
    assert_eq!(w.event_statuses().await, ["done"]);
    let syncs =
        w.ac.requests()
            .iter()
            .filter(|r| r.path.starts_with("/api/3/contact/sync"))
            .count();
    assert_eq!(syncs, 1);
}

/// With the intake's delivery id configured (the response's id), a redelivery whose bytes
/// differ (another send time) is still stored once; another response is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivery_with_the_same_delivery_id_is_stored_once() {
    let w = World::start().await;
    let installed = w.install().await;
    let db = crate::support::database_url(&w.db_path());
    let mut c = crate::support::config(&db, &w.base, w.key.clone(), &w.formly.url);
    c.delivery_ids.insert(
        "form_response.submitted".into(),
        appstudio_host::DeliveryId::Pointer("/response/id".into()),
    );
    let host = appstudio_host::Host::<crate::App>::open(c).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = host.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let url = installed.url().replace(&w.base, &base);
    let mut event = response("r1", "ada@example.com", "Ada");
    let (_, first) = w.post(&url, &event).await;
    event["response"]["submitted_at"] = "2026-11-23T09:05:00Z".into();
    let (_, again) = w.post(&url, &event).await;
    let (_, other) = w
        .post(&url, &response("r2", "bob@example.com", "Bob"))
        .await;
    assert_eq!((first, again, other), (1, 0, 1));
    // without the delivery id, the changed body is another delivery
    let (_, plain) = w.post(installed.url(), &event).await;
    assert_eq!(plain, 1);
}

/// Events of one installation run one at a time, in the order received, with several
/// workers and a failure in the middle: the contact ends with the last name, and
/// ActiveCampaign saw the names in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_of_one_installation_run_in_order() {
    let w = World::start().await;
    let installed = w.install().await;
    let names: Vec<String> = (1..=6).map(|i| format!("v{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        let (status, _) = w
            .post(
                installed.url(),
                &response(&format!("r{i}"), "ada@example.com", name),
            )
            .await;
        assert_eq!(status, 200);
    }
    fail(&w, 503, 1);
    let workers = w.workers(3);
    until("every run", async || {
        w.event_statuses().await.iter().all(|s| s == "done")
    })
    .await;
    workers.stop().await;
    let sent: Vec<String> =
        w.ac.requests()
            .iter()
            .filter(|r| r.path.starts_with("/api/3/contact/sync") && r.status < 300)
            .map(|r| {
                r.body["contact"]["firstName"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
    assert_eq!(sent, names);
    assert_eq!(w.contacts()[0]["firstName"], "v6");
}

/// ActiveCampaign's 5 requests per second per account hold across workers: three
/// installations of one account, each response an event of all three, three workers running
/// them at once, and a fake that answers 429 past 5 per second never has to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_activecampaign_rate_holds_across_workers() {
    let fake = appstudio_testing::FakeConfig {
        tokens: vec![crate::support::AC_TOKEN.into()],
        rate_limit: Some(5),
        ..appstudio_testing::FakeConfig::default()
    };
    let w = World::start_with(appstudio_host::Key::generate(), fake).await;
    let mut installed = Vec::new();
    for _ in 0..3 {
        installed.push(w.install().await);
    }
    w.ac.clear_requests();
    for n in 0..2 {
        let email = format!("rate-{n}@example.com");
        w.post_ok(installed[0].url(), &response(&format!("r{n}"), &email, "R"))
            .await;
    }
    let workers = w.workers(3);
    crate::support::until_within("six runs", std::time::Duration::from_secs(30), async || {
        w.event_statuses().await == ["done"; 6]
    })
    .await;
    workers.stop().await;
    let requests = w.ac.requests();
    assert!(requests.len() >= 6, "{} requests", requests.len());
    let limited = requests.iter().filter(|r| r.status == 429).count();
    assert_eq!(
        limited,
        0,
        "{limited} of {} requests were rate limited",
        requests.len()
    );
    for one in &installed {
        let runs = w.host.store().runs(&one.id).await.unwrap();
        assert!(runs.iter().all(|r| r.status == "processed"), "{runs:?}");
    }
}

/// Dedup keys past the window are pruned: one seen now stays when pruning before it, goes
/// when pruning after it, and the same body is then stored again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dedup_keys_past_the_window_are_pruned() {
    let w = World::start().await;
    let installed = w.install().await;
    let event = response("r1", "ada@example.com", "Ada");
    assert_eq!(w.post_ok(installed.url(), &event).await, 1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let store = w.host.store();
    assert_eq!(store.prune_dedup(now - 3_600_000).await.unwrap(), 0);
    assert_eq!(w.post_ok(installed.url(), &event).await, 0);
    assert_eq!(store.prune_dedup(now + 60_000).await.unwrap(), 1);
    assert_eq!(w.post_ok(installed.url(), &event).await, 1);
}
