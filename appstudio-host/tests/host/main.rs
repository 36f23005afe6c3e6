//! The host on a real SQLite file and real HTTP on 127.0.0.1 (D28): the inbound example's app
//! installed through the typed API, its webhook fed over HTTP, workers delivering into the
//! fake ActiveCampaign.

// AS1003: the example's free-text fields have no `options`.
appstudio::include_app!("../examples/inbound_forms/app.json", allow(AS1003));

mod chaos;
#[cfg(unix)]
mod crash;
mod delivery;
mod example;
mod historical;
mod intake_batch;
mod objects;
mod schedule;
mod signal;
mod support;
mod tokens;
mod update;

use appstudio::engine::WebhookAction;
use serde_json::json;
use sqlx::Row;
use support::{AC_TOKEN, ACCESS, REFRESH, Url, World, response, until};

/// Acknowledged = stored: the 2xx comes after the row is in the database (no worker runs
/// yet); a worker then puts the contact into ActiveCampaign and records the run. A response
/// of another account is routed to no installation and stored for none. `/healthz` and the
/// admin routes answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acknowledged_event_is_stored_then_delivered() {
    let w = World::start().await;
    let installed = w.install().await;
    assert!(installed.url().starts_with(&format!("{}/hooks/", w.base)));
    assert_eq!(installed.account_id.as_deref(), Some("77"));
    assert_eq!(w.formly.subscribed(), vec![installed.url().to_owned()]);

    let (status, stored) = w
        .post(installed.url(), &response("r1", "ada@example.com", "Ada"))
        .await;
    assert_eq!((status, stored), (200, 1));
    let rows = w
        .sql("SELECT status, body, installation_id FROM events")
        .await;
    assert_eq!(
        rows.len(),
        1,
        "the event is in the database when acknowledged"
    );
    assert_eq!(rows[0].get::<String, _>(0), "pending");
    let body: Vec<u8> = rows[0].get(1);
    assert!(String::from_utf8_lossy(&body).contains("ada@example.com"));
    assert_eq!(rows[0].get::<String, _>(2), installed.id);
    assert!(
        w.contacts().is_empty(),
        "nothing is delivered on the request path"
    );

    let (status, stored) = w
        .post(
            installed.url(),
            &json!({"account_id": "78", "form_id": "f_42"}),
        )
        .await;
    assert_eq!((status, stored), (200, 0));

    let workers = w.workers(2);
    until("the contact", async || w.contacts().len() == 1).await;
    let contact = &w.contacts()[0];
    assert_eq!(
        (contact["email"].as_str(), contact["firstName"].as_str()),
        (Some("ada@example.com"), Some("Ada"))
    );
    until("the run", async || w.event_statuses().await == ["done"]).await;
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].status.as_str(), runs[0].attempts),
        ("processed", 1)
    );
    assert!(runs[0].output.is_some() && runs[0].duration_ms.is_some());
    workers.stop().await;

    // `/healthz`, and the admin routes (behind the bearer token) list the installation
    let health = w
        .client
        .get(format!("{}/healthz", w.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let admin = format!("{}/admin/installations", w.base);
    let refused = w.client.get(&admin).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    let listed: serde_json::Value = w
        .client
        .get(&admin)
        .bearer_auth(support::ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["installations"][0]["id"], installed.id.as_str());
    assert_eq!(listed["installations"][0]["webhook_url"], installed.url());
}

/// After a restart (the host opened again from its file, on another address) the
/// installation is there, its registration is updated to its new URL, and its events are
/// delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_host_restores_its_installations() {
    let mut w = World::start().await;
    let installed = w.install().await;
    w.restart().await;
    let listed = w.host.installations().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, installed.id);
    let url = listed[0].url().to_owned();
    assert!(url.starts_with(&w.base));
    // the host came back on another address: its registration is updated to the new URL,
    // once (a second pass sends nothing)
    assert_ne!(w.formly.subscribed(), vec![url.clone()]);
    let actions = w.host.update_webhooks().await.unwrap();
    assert_eq!(
        actions,
        vec![(installed.id.clone(), WebhookAction::Updated)]
    );
    assert_eq!(w.formly.subscribed(), vec![url.clone()]);
    let again = w.host.update_webhooks().await.unwrap();
    assert_eq!(
        again,
        vec![(installed.id.clone(), WebhookAction::Unchanged)]
    );
    w.post_ok(&url, &response("r9", "grace@example.com", "Grace"))
        .await;
    let workers = w.workers(1);
    until("the contact", async || w.contacts().len() == 1).await;
    workers.stop().await;
}

/// A challenge is answered on the request path by the intake's `verification` (its HMAC with
/// `!sha`), and not stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_challenge_is_answered_synchronously_and_not_stored() {
    let w = World::start().await;
    let installed = w.install().await;
    let r = w
        .client
        .get(format!("{}?challenge=ch-42", installed.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["challenge"], "ch-42");
    assert_eq!(body["signature"].as_str().map(str::len), Some(64), "{body}");
    assert!(w.event_statuses().await.is_empty());
}

/// An unknown URL is 404; a body over the engine's `max_webhook_body` is 413; a body that is
/// not what its content type says is 400; none of them is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_urls_and_oversize_or_malformed_bodies_are_refused_unstored() {
    let w = World::start().await;
    let installed = w.install().await;
    let (status, _) = w
        .post(&format!("{}/hooks/{}", w.base, "0".repeat(64)), &json!({}))
        .await;
    assert_eq!(status, 404);
    let big = json!({"account_id": "77", "pad": "x".repeat(5000)});
    let (status, _) = w.post(installed.url(), &big).await;
    assert_eq!(status, 413);
    let r = w
        .client
        .post(installed.url())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(w.event_statuses().await.is_empty());
    assert!(w.sql("SELECT * FROM runs").await.is_empty());
}

/// Uninstalling deletes the webhook at the provider (the installation was its last user)
/// and removes the installation's data; its URL is then unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uninstall_leaves_no_subscription_and_no_data() {
    let w = World::start().await;
    let installed = w.install().await;
    w.post_ok(installed.url(), &response("r1", "a@example.com", "A"))
        .await;
    assert_eq!(w.formly.subscribed().len(), 1);
    w.host.uninstall(&installed.id).await.unwrap();
    assert!(
        w.formly.subscribed().is_empty(),
        "a subscription is left at the provider"
    );
    assert!(w.host.installations().await.unwrap().is_empty());
    for table in ["installations", "events", "runs", "hooks", "dedup"] {
        assert!(
            w.sql(&format!("SELECT * FROM {table}")).await.is_empty(),
            "{table}"
        );
    }
    let (status, _) = w
        .post(installed.url(), &response("r2", "b@example.com", "B"))
        .await;
    assert_eq!(status, 404);
    assert!(matches!(
        w.host.uninstall(&installed.id).await,
        Err(appstudio_host::Error::NotFound(_))
    ));
}

/// Tokens, credentials and the ActiveCampaign API token are sealed: none is in the database
/// files' bytes, while the plain parts (the workflow's name, a stored body) are, so the
/// search itself works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_not_readable_in_the_database_files() {
    let w = World::start().await;
    let installed = w.install().await;
    w.post_ok(installed.url(), &response("r1", "ada@example.com", "Ada"))
        .await;
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(w.dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let found = |needle: &str| {
        bytes
            .windows(needle.len())
            .any(|win| win == needle.as_bytes())
    };
    assert!(
        found("import-form-responses") && found("ada@example.com"),
        "the search finds plain text"
    );
    for secret in [ACCESS, REFRESH, AC_TOKEN] {
        assert!(!found(secret), "`{secret}` is readable in the database");
    }
    // and the store's types do not show them either
    let debug = format!("{:?}", w.key);
    assert_eq!(debug, "Key(***)");
}

/// `serve` runs the intake and the workers until its shutdown future completes, then stops
/// accepting requests and returns once the workers stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_until_shutdown() {
    let w = World::start().await;
    let installed = w.install().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let host = w.host.clone();
    let served = tokio::spawn(async move {
        host.serve(listener, 2, async {
            let _ = stopped.await;
        })
        .await
    });
    let path = installed.url().trim_start_matches(&w.base).to_owned();
    let url = format!("{base}{path}");
    let (status, stored) = w
        .post(&url, &response("r1", "ada@example.com", "Ada"))
        .await;
    assert_eq!((status, stored), (200, 1));
    until("the contact", async || w.contacts().len() == 1).await;
    stop.send(()).unwrap();
    served.await.unwrap().unwrap();
    assert!(
        w.client.post(&url).json(&json!({})).send().await.is_err(),
        "still accepting"
    );
}
