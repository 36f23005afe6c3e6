//! Webhook subscriptions by scope (D24), counted at a stand-in provider on loopback: a
//! workflow-scope intake is registered once per workflow instance, a connection-scope one
//! once per connection, an application-scope one once per app; `update` runs when the URL or
//! the selection changes; create and delete are idempotent across retries and restarts; never
//! two registrations, never an orphan after the last delete.

use std::time::Duration;

use appstudio::engine::{Delivery, Engine, Incoming, WebhookAction, WorkflowState};
use serde_json::json;

use crate::support::fake_activecampaign;
use crate::support::hook_apps::{by_application, by_connection, by_workflow, by_workflow_plain};
use crate::support::provider::Provider;

const URL: &str = "https://hooks.example/in/1";

#[tokio::test]
async fn workflow_scope_registers_once_per_workflow_and_follows_changes() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let engine = Engine::<by_workflow::App>::new(provider.config()).unwrap();
    let conn = by_workflow::connect(&engine, "A", ac.account()).await;
    let mut one = by_workflow::workflow(&conn, "f_1").await;
    let mut two = by_workflow::workflow(&conn, "f_2").await;

    let created = one.create_webhook(URL).await.unwrap();
    assert_eq!(created.action, WebhookAction::Created);
    assert_eq!(created.output, Some(appstudio::json!({"hook_id": 101})));
    assert_eq!(
        created.log,
        [format!("subscribing the workflow hook at {URL}")]
    );
    // two workflows: two subscriptions
    assert_eq!(
        two.create_webhook(URL).await.unwrap().action,
        WebhookAction::Created
    );
    assert_eq!(provider.counts(), (2, 0, 0, 2));
    // create again: current, nothing sent
    let again = one.create_webhook(URL).await.unwrap();
    assert_eq!(
        (again.action, again.output),
        (WebhookAction::Unchanged, None)
    );
    assert_eq!(provider.counts(), (2, 0, 0, 2));

    // a new URL: one update, still one live subscription for the workflow
    let moved = one
        .create_webhook("https://hooks.example/in/2")
        .await
        .unwrap();
    assert_eq!(moved.action, WebhookAction::Updated);
    assert_eq!(provider.counts(), (2, 1, 0, 2));
    assert_eq!(
        provider.book().live[&101],
        json!({"url": "https://hooks.example/in/2", "scope": "workflow", "form": "f_1"})
    );
    // a new selection: `update_webhook` sends it with the URL registered
    by_workflow::select(&mut one, "f_9").await;
    let reselected = one.update_webhook().await.unwrap();
    assert_eq!(reselected.action, WebhookAction::Updated);
    assert_eq!(provider.book().live[&101]["form"], "f_9");
    assert_eq!(provider.counts(), (2, 2, 0, 2));

    // a restart from the stored state: the record decides, nothing is sent
    let stored = serde_json::to_string(&one.state()).unwrap();
    let engine = Engine::<by_workflow::App>::new(provider.config()).unwrap();
    let conn = by_workflow::connect(&engine, "A", ac.account()).await;
    let state: WorkflowState<by_workflow::workflows::SyncEvents> =
        serde_json::from_str(&stored).unwrap();
    let mut one = conn.resume(state).unwrap();
    let after = one
        .create_webhook("https://hooks.example/in/2")
        .await
        .unwrap();
    assert_eq!(after.action, WebhookAction::Unchanged);
    assert_eq!(provider.counts(), (2, 2, 0, 2));

    // delete twice: one unsubscribe
    let deleted = one.delete_webhook().await.unwrap();
    assert_eq!(deleted.action, WebhookAction::Deleted);
    assert_eq!(provider.counts(), (2, 2, 1, 1));
    let twice = one.delete_webhook().await.unwrap();
    assert_eq!(twice.action, WebhookAction::NotRegistered);
    two.delete_webhook().await.unwrap();
    assert_eq!(provider.counts(), (2, 2, 2, 0));
}

/// Without `update`, a change deletes the registration and creates it again: still one live.
#[tokio::test]
async fn without_update_a_change_deletes_then_creates() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let engine = Engine::<by_workflow_plain::App>::new(provider.config()).unwrap();
    let conn = by_workflow_plain::connect(&engine, "A", ac.account()).await;
    let mut wf = by_workflow_plain::workflow(&conn, "f_1").await;
    wf.create_webhook(URL).await.unwrap();
    let moved = wf
        .create_webhook("https://hooks.example/in/2")
        .await
        .unwrap();
    assert_eq!(moved.action, WebhookAction::Recreated);
    assert_eq!(moved.output, Some(appstudio::json!({"hook_id": 102})));
    assert_eq!(provider.counts(), (2, 0, 1, 1));
    assert_eq!(
        provider.book().live[&102]["url"],
        "https://hooks.example/in/2"
    );
    wf.delete_webhook().await.unwrap();
    assert_eq!(provider.counts(), (2, 0, 2, 0));
}

#[tokio::test]
async fn connection_scope_registers_once_per_connection() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let engine = Engine::<by_connection::App>::new(provider.config()).unwrap();
    let a = by_connection::connect(&engine, "A", ac.account()).await;
    let b = by_connection::connect(&engine, "B", ac.account()).await;
    let mut a1 = by_connection::workflow(&a, "f_1").await;
    let mut a2 = by_connection::workflow(&a, "f_2").await;
    let mut b1 = by_connection::workflow(&b, "f_1").await;

    assert_eq!(
        a1.create_webhook(URL).await.unwrap().action,
        WebhookAction::Created
    );
    let joined = a2.create_webhook(URL).await.unwrap();
    assert_eq!(
        (joined.action, joined.output),
        (WebhookAction::Joined, None)
    );
    assert!(joined.log.is_empty());
    assert_eq!(provider.counts(), (1, 0, 0, 1));
    // another connection: its own subscription
    b1.create_webhook(URL).await.unwrap();
    assert_eq!(provider.counts(), (2, 0, 0, 2));
    let record = &a.state().subscriptions["account-event"];
    assert_eq!(record.url, URL);
    assert_eq!(record.users.len(), 2);

    // the first to leave sends nothing; the last deletes
    assert_eq!(
        a1.delete_webhook().await.unwrap().action,
        WebhookAction::Left
    );
    assert_eq!(provider.counts(), (2, 0, 0, 2));
    assert_eq!(
        a2.delete_webhook().await.unwrap().action,
        WebhookAction::Deleted
    );
    assert_eq!(provider.counts(), (2, 0, 1, 1));
    assert!(a.state().subscriptions.is_empty());
    assert_eq!(
        a2.delete_webhook().await.unwrap().action,
        WebhookAction::NotRegistered
    );
    b1.delete_webhook().await.unwrap();
    assert_eq!(provider.counts(), (2, 0, 2, 0));
}

/// Two workflows of one connection creating at the same time: one registration, the other
/// joins (the provider answers slowly, so both calls overlap).
#[tokio::test]
async fn concurrent_creates_of_one_connection_register_once() {
    let provider = Provider::start_with(Duration::from_millis(100)).await;
    let ac = fake_activecampaign().await;
    let engine = Engine::<by_connection::App>::new(provider.config()).unwrap();
    let conn = by_connection::connect(&engine, "A", ac.account()).await;
    let mut one = by_connection::workflow(&conn, "f_1").await;
    let mut two = by_connection::workflow(&conn, "f_2").await;
    let (x, y) = tokio::join!(one.create_webhook(URL), two.create_webhook(URL));
    let mut actions = [x.unwrap().action, y.unwrap().action];
    actions.sort_by_key(|a| format!("{a:?}"));
    assert_eq!(actions, [WebhookAction::Created, WebhookAction::Joined]);
    assert_eq!(provider.counts(), (1, 0, 0, 1));
}

#[tokio::test]
async fn application_scope_registers_once_and_routes_by_account() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let engine = Engine::<by_application::App>::new(provider.config()).unwrap();
    let a = by_application::connect(&engine, "A", ac.account()).await;
    let b = by_application::connect(&engine, "B", ac.account()).await;
    let mut wa = by_application::workflow(&a, "f_1").await;
    let mut wb = by_application::workflow(&b, "f_1").await;

    let created = wa.create_webhook(URL).await.unwrap();
    assert_eq!(created.action, WebhookAction::Created);
    assert_eq!(created.output, Some(appstudio::json!({"app_hook_id": 101})));
    assert_eq!(
        wb.create_webhook(URL).await.unwrap().action,
        WebhookAction::Joined
    );
    assert_eq!(provider.counts(), (1, 0, 0, 1));
    assert_eq!(engine.state().subscriptions["app-event"].users.len(), 2);

    // each account's events reach only its connection's workflow
    let event =
        |account: &str, email: &str| Incoming::json(json!({"account": account, "email": email}));
    for (wf, ours, theirs) in [(&mut wa, "A", "B"), (&mut wb, "B", "A")] {
        let email = format!("{ours}@example.com");
        let delivered = wf.receive(event(ours, &email)).await.unwrap();
        assert!(
            matches!(&delivered, Delivery::Processed { processed, .. }
                if processed.transformed == json!({"email": email})),
            "{delivered:?}"
        );
        let ignored = wf.receive(event(theirs, "x@example.com")).await.unwrap();
        assert!(
            matches!(&ignored, Delivery::Ignored { reason } if reason.contains("account id")),
            "{ignored:?}"
        );
    }
    let seen: Vec<_> = provider
        .book()
        .seen
        .iter()
        .map(|s| s["email"].clone())
        .collect();
    assert_eq!(seen, [json!("A@example.com"), json!("B@example.com")]);

    // the first connection leaves: still live; the last deletes
    assert_eq!(
        wa.delete_webhook().await.unwrap().action,
        WebhookAction::Left
    );
    assert_eq!(provider.counts(), (1, 0, 0, 1));
    assert_eq!(
        wb.delete_webhook().await.unwrap().action,
        WebhookAction::Deleted
    );
    assert_eq!(provider.counts(), (1, 0, 1, 0));
    assert!(engine.state().subscriptions.is_empty());
}

mod verify_http {
    appstudio::include_app!("tests/apps/verify_http.json", allow(AS1003));
}

/// D28: `verify` runs `verification` without requests: one that needs `!http` is a `Config`
/// error naming the step, and nothing is sent; `receive` runs it with its request.
#[tokio::test]
async fn verification_alone_makes_no_request() {
    use appstudio::engine::{Delivery, ErrorKind, Incoming, Verification};
    use appstudio::value::Secret;
    use serde_json::json;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer};

    let server = MockServer::start().await;
    crate::support::get(&server, "/me", json!({"id": 1, "name": "Hooks"})).await;
    Mock::given(method("GET"))
        .and(path("/signing-key"))
        .respond_with(crate::support::ok(json!({"key": "k-1"})))
        .expect(1)
        .mount(&server)
        .await;
    let engine = crate::support::engine::<verify_http::App>("https://api.hooks.example", &server);
    let credentials = verify_http::auth::HooksKey {
        token: Secret::new("key-1"),
    };
    let conn = engine.connect(credentials, None).await.unwrap();
    let mut wf = conn.workflow(verify_http::workflows::SyncEvents);
    let challenge = || Incoming::from_http(None, b"", "challenge=c1", []).unwrap();
    let err = wf.verify(&challenge()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.message().contains("makes a request"), "{err}");
    assert_eq!(err.step(), Some("data_intake.verification"));
    // a payload is let through without a request
    let through = wf.verify(&Incoming::json(json!({"email": "a@b.c"}))).await;
    assert!(
        matches!(through, Ok(Verification::Process(Some(_)))),
        "{through:?}"
    );
    let delivered = wf.receive(challenge()).await.unwrap();
    assert!(
        matches!(&delivered, Delivery::Responded(r) if r.body == json!({"key": "k-1"})),
        "{delivered:?}"
    );
    // one request to the key in all (`expect(1)`, checked when the server drops)
}
