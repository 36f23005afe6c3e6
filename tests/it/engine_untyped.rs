//! The untyped layer's own checks (`appstudio::engine::dynamic`), on purpose on the
//! string-keyed API: every name in a string and every value as JSON is checked when it runs,
//! and these are the errors the typed API cannot even express — an auth entry, workflow or
//! form field the app does not have, a missing credential, a selection or mapping that is not
//! what the form or the map step asks for. The typed API's own tests are in the other modules.

use appstudio::engine::dynamic::{Credentials, DynEngine, DynWorkflowState};
use serde_json::json;
use wiremock::MockServer;

use crate::engine_outbound_sms::{ORIGIN, refuse_credentials, textbolt};
use crate::support::apps::outbound_sms::App;
use crate::support::config;

/// An untyped engine of the outbound example against the stand-in Textbolt API.
fn engine(server: &MockServer) -> DynEngine {
    DynEngine::new(App::ir(), config(ORIGIN, server)).expect("engine")
}

/// The credentials of `textbolt-account-sid` the stand-in accepts.
fn credentials() -> Credentials {
    Credentials::default()
        .with("username", "AC0001")
        .with("password", "s3cret")
}

/// A missing credential and a selection the form does not accept: what the generated
/// `auth::*` and `CustomData` types rule out at compile time.
#[tokio::test]
async fn missing_credentials_and_bad_selections_are_refused() {
    let server = textbolt().await;
    refuse_credentials(&server).await;
    let engine = engine(&server);
    let err = engine
        .connect(
            "textbolt-account-sid",
            Credentials::default().with("username", "x"),
            None,
        )
        .await
        .unwrap_err();
    assert!(err.message().contains("password"), "{err}");

    let conn = engine
        .connect("textbolt-account-sid", credentials(), None)
        .await
        .unwrap();
    let mut wf = conn.workflow("send-sms").unwrap();
    // a choice without its `display`
    let err = wf
        .select(json!({"from_number": {"value": "+1"}}))
        .unwrap_err();
    assert!(err.message().contains("from_number"), "{err}");
    // a text field's value that is not a string
    let err = wf
        .select(json!({"from_number": {"value": "+1", "display": "x"}, "message": {"value": 3}}))
        .unwrap_err();
    assert!(err.message().contains("message"), "{err}");
    // a required field left out
    let err = wf
        .select(json!({"from_number": {"value": "+1", "display": "x"}}))
        .unwrap_err();
    assert!(err.message().contains("message"), "{err}");
    // a field the form does not have
    let err = wf
        .select(json!({"from_number": {"value": "+1", "display": "x"},
                       "message": {"value": "hi"}, "subject": {"value": "?"}}))
        .unwrap_err();
    assert!(
        err.message()
            .contains("workflow `send-sms` has no form field `subject`"),
        "{err}"
    );
    // after all that, a good selection is taken
    wf.select(json!({"from_number": {"value": "+1", "display": "x"}, "message": {"value": "hi"}}))
        .unwrap();
}

/// Auth entries, workflows and form fields named in strings are looked up when they are used.
#[tokio::test]
async fn unknown_names_are_refused() {
    let server = textbolt().await;
    let engine = engine(&server);
    let err = engine
        .connect("no-such-auth", credentials(), None)
        .await
        .unwrap_err();
    assert!(
        err.message().contains("no auth `no-such-auth` in the app"),
        "{err}"
    );

    let conn = engine
        .connect("textbolt-account-sid", credentials(), None)
        .await
        .unwrap();
    let err = conn.workflow("send-mms").unwrap_err();
    assert!(err.message().contains("no workflow `send-mms`"), "{err}");
    let err = conn.describe("send-mms").await.unwrap_err();
    assert!(err.message().contains("no workflow `send-mms`"), "{err}");
    // a workflow of the other auth entry is not this connection's (its `auth`)
    let err = conn.workflow("subscribe-contact").unwrap_err();
    assert!(
        err.message()
            .contains("connects with auth `textbolt-api-key`, not with this connection's"),
        "{err}"
    );

    let mut wf = conn.workflow("send-sms").unwrap();
    let err = wf.options("to_number", None).await.unwrap_err();
    assert!(
        err.message()
            .contains("workflow `send-sms` has no form field `to_number`"),
        "{err}"
    );
    let err = wf
        .choose("to_number", json!({"value": "+1", "display": "x"}))
        .unwrap_err();
    assert!(err.message().contains("no form field `to_number`"), "{err}");

    // a stored state names its workflow: one the app does not have is not resumed
    let mut state: DynWorkflowState = wf.state();
    state.workflow = "send-mms".to_owned();
    let err = conn.resume(state).unwrap_err();
    assert!(err.message().contains("no workflow `send-mms`"), "{err}");
}
