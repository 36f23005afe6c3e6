//! Saved data of every scope is stored and restored (D24): the app's state (application-scope
//! `!save` values and subscriptions), a connection's (account id, connection-scope values and
//! subscriptions) and a workflow's, each as JSON; after a "restart" (a new engine from them)
//! later commands read `${data.connection.*}` and `${data.application.*}` back, as the
//! stand-in provider sees.

use appstudio::engine::dynamic::DynWorkflowState;
use appstudio::engine::{
    ApplicationState, ConnectionState, Delivery, Engine, Incoming, WebhookAction, WorkflowState,
};
use appstudio::value::Secret;
use serde_json::{Value, json};

use crate::support::fake_activecampaign;
use crate::support::hook_apps::{by_application, by_connection};
use crate::support::provider::Provider;

const URL: &str = "https://hooks.example/in/1";

/// The three states of a restart, as JSON text.
struct Stored {
    app: String,
    conn: String,
    workflow: String,
}

fn event(account: &str, email: &str) -> Incoming {
    Incoming::json(json!({"account": account, "email": email}))
}

async fn processed(
    wf: &mut appstudio::engine::Workflow<by_application::workflows::SyncEvents>,
    e: Incoming,
) {
    let delivered = wf.receive(e).await.unwrap();
    assert!(
        matches!(delivered, Delivery::Processed { .. }),
        "{delivered:?}"
    );
}

#[tokio::test]
async fn connection_and_application_values_are_read_back_after_a_restart() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let credentials = || by_application::auth::HooksKey {
        token: Secret::new("key-A"),
    };
    let stored = {
        let engine = Engine::<by_application::App>::new(provider.config()).unwrap();
        let conn = by_application::connect(&engine, "A", ac.account()).await;
        let mut wf = by_application::workflow(&conn, "f_1").await;
        wf.create_webhook(URL).await.unwrap();
        // the pipeline saves the email with scope connection
        processed(&mut wf, event("A", "ada@example.com")).await;
        assert_eq!(conn.state().data["last_email"], "ada@example.com");
        assert_eq!(engine.state().data["app_hook_id"], 101);
        // the workflow's state holds its own values only
        assert!(wf.state().dynamic().data.connection.is_empty());
        Stored {
            app: serde_json::to_string(&engine.state()).unwrap(),
            conn: serde_json::to_string(&conn.state()).unwrap(),
            workflow: serde_json::to_string(&wf.state()).unwrap(),
        }
    };

    let engine = Engine::<by_application::App>::new(provider.config()).unwrap();
    let app: ApplicationState = serde_json::from_str(&stored.app).unwrap();
    engine.restore_state(app);
    let conn = engine.reconnect(credentials(), Some(ac.account())).unwrap();
    let conn_state: ConnectionState = serde_json::from_str(&stored.conn).unwrap();
    assert_eq!(conn_state.account_id, Some(appstudio::json!("A")));
    conn.restore_state(conn_state);
    let state: WorkflowState<by_application::workflows::SyncEvents> =
        serde_json::from_str(&stored.workflow).unwrap();
    let mut wf = conn.resume(state).unwrap();

    // the pipeline reads both scopes' values back
    processed(&mut wf, event("A", "bob@example.com")).await;
    let seen = provider.book().seen.clone();
    assert_eq!(
        seen,
        [
            json!({"email": "ada@example.com", "application_hook": 101, "previous_email": "none"}),
            json!({"email": "bob@example.com", "application_hook": 101, "previous_email": "ada@example.com"}),
        ]
    );
    // the restored record decides: nothing is subscribed again
    let again = wf.create_webhook(URL).await.unwrap();
    assert_eq!(again.action, WebhookAction::Unchanged);
    assert_eq!(provider.counts(), (1, 0, 0, 1));
    // `delete` reads `${data.application.app_hook_id}`: the registration is gone
    let deleted = wf.delete_webhook().await.unwrap();
    assert_eq!(deleted.action, WebhookAction::Deleted);
    assert_eq!(provider.counts(), (1, 0, 1, 0));
}

#[tokio::test]
async fn a_connection_subscription_is_deleted_after_a_restart() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let credentials = || by_connection::auth::HooksKey {
        token: Secret::new("key-A"),
    };
    let (conn_json, wf_json) = {
        let engine = Engine::<by_connection::App>::new(provider.config()).unwrap();
        let conn = by_connection::connect(&engine, "A", ac.account()).await;
        let mut wf = by_connection::workflow(&conn, "f_1").await;
        wf.create_webhook(URL).await.unwrap();
        assert_eq!(conn.state().data["conn_hook_id"], 101);
        (
            serde_json::to_string(&conn.state()).unwrap(),
            serde_json::to_string(&wf.state()).unwrap(),
        )
    };
    let engine = Engine::<by_connection::App>::new(provider.config()).unwrap();
    let conn = engine.reconnect(credentials(), Some(ac.account())).unwrap();
    conn.restore_state(serde_json::from_str(&conn_json).unwrap());
    let state: WorkflowState<by_connection::workflows::SyncEvents> =
        serde_json::from_str(&wf_json).unwrap();
    let mut wf = conn.resume(state).unwrap();
    // a second workflow of the restored connection joins: nothing sent
    let mut other = by_connection::workflow(&conn, "f_2").await;
    assert_eq!(
        other.create_webhook(URL).await.unwrap().action,
        WebhookAction::Joined
    );
    assert_eq!(provider.counts(), (1, 0, 0, 1));
    assert_eq!(
        wf.delete_webhook().await.unwrap().action,
        WebhookAction::Left
    );
    // the last user's `delete` reads `${data.connection.conn_hook_id}` from the stored state
    assert_eq!(
        other.delete_webhook().await.unwrap().action,
        WebhookAction::Deleted
    );
    assert_eq!(provider.counts(), (1, 0, 1, 0));
}

/// A workflow state stored before D24 (no instance id, the connection's values inside) is
/// read: its connection values fill in what the connection lacks, and a restored connection
/// state wins over them.
#[tokio::test]
async fn workflow_states_stored_before_scoped_states_are_read() {
    let provider = Provider::start().await;
    let ac = fake_activecampaign().await;
    let engine = Engine::<by_application::App>::new(provider.config()).unwrap();
    let conn = by_application::connect(&engine, "A", ac.account()).await;
    let wf = by_application::workflow(&conn, "f_1").await;
    let mut old: Value = serde_json::to_value(wf.state()).unwrap();
    let old_map = old.as_object_mut().unwrap();
    old_map.remove("instance");
    old_map["data"]["connection"] = json!({"last_email": "old@example.com"});
    let old: DynWorkflowState = serde_json::from_value(old).unwrap();
    assert_eq!(old.instance.len(), 32, "a new instance id");

    for (restored, previous) in [
        (None, "old@example.com"),
        (Some("new@example.com"), "new@example.com"),
    ] {
        let engine = Engine::<by_application::App>::new(provider.config()).unwrap();
        let conn = by_application::connect(&engine, "A", ac.account()).await;
        if let Some(email) = restored {
            conn.restore_state(ConnectionState {
                data: appstudio::json!({"last_email": email})
                    .as_object()
                    .unwrap()
                    .clone(),
                ..ConnectionState::default()
            });
        }
        let state = WorkflowState::from_dynamic(old.clone()).unwrap();
        let mut wf = conn.resume(state).unwrap();
        processed(&mut wf, event("A", "eve@example.com")).await;
        let last = provider.book().seen.last().cloned().unwrap();
        assert_eq!(last["previous_email"], previous);
    }
}
