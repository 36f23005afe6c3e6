//! Changing an installed workflow's selection with the typed API (D28): a copy from
//! `Host::workflow`, a new form selected, `Host::update`; the installation then takes the new
//! form's responses and ignores the old one's, a restart included.

use appstudio::api::DynamicField;
use appstudio::engine::{Mapping, WebhookAction};
use appstudio::value::Choice;
use serde_json::Value;

use crate::support::{Url, World, response, until};
use crate::workflows::ImportFormResponses;
use crate::workflows::import_form_responses::CustomData;

/// A response to form `form`.
fn to_form(form: &str, id: &str, email: &str) -> Value {
    let mut r = response(id, email, "Ada");
    r["form_id"] = form.into();
    r["form"]["id"] = form.into();
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_selection_is_stored_and_runs() {
    let mut w = World::start().await;
    let installed = w.install().await;
    let mut wf = w
        .host
        .workflow::<ImportFormResponses>(&installed.id)
        .unwrap();
    wf.select(CustomData {
        workspace: Choice::new("ws_1", "Marketing"),
        form: Choice::new("f_43", "Event registration"),
        tagging: Choice::new("none", "Do not add a form tag"),
        extra_tag: None,
    })
    .unwrap();
    wf.describe_selection().await.unwrap();
    let options = wf.map_options().await.unwrap();
    let mapping = Mapping::new().map(
        DynamicField::new("respondent_email"),
        DynamicField::new("email"),
    );
    wf.set_mapping(&mapping, &options).unwrap();
    // the app's subscription is application-wide: it does not carry the form, nothing is sent
    let action = w.host.update(&installed.id, wf).await.unwrap();
    assert_eq!(action, Some(WebhookAction::Unchanged));
    assert_eq!(w.formly.subscribed(), [installed.url()]);

    w.restart().await;
    let listed = w.host.installations().await.unwrap();
    let url = listed[0].url();
    w.post_ok(url, &to_form("f_42", "r1", "old@example.com"))
        .await;
    w.post_ok(url, &to_form("f_43", "r2", "new@example.com"))
        .await;
    let workers = w.workers(1);
    until("both runs", async || {
        w.event_statuses().await == ["done", "done"]
    })
    .await;
    workers.stop().await;
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    let statuses: Vec<&str> = runs.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["ignored", "processed"], "{runs:?}");
    let emails: Vec<Value> = w.contacts().iter().map(|c| c["email"].clone()).collect();
    assert_eq!(emails, ["new@example.com"]);
}
