//! The inbound example (`cargo run --example inbound_forms`) end to end against the stand-in
//! Formly API and the fake ActiveCampaign.

// The scenario of the example runs `super::App`.
use crate::support::apps::inbound_forms::{App, auth, workflows};

#[path = "../../examples/inbound_forms/scenario.rs"]
mod scenario;
#[path = "../../examples/inbound_forms/setup.rs"]
pub(crate) mod setup;

use serde_json::json;

#[tokio::test]
async fn responses_become_contacts_with_tags_and_fields() {
    let mut lines = Vec::new();
    let outcome = scenario::run(|l| lines.push(l)).await.expect("scenario");
    let text = lines.join("\n");
    assert!(
        text.contains("connected: \"ops@acme.example (Acme)\" (account \"77\")"),
        "{text}"
    );
    assert!(
        text.contains("selected Newsletter signup (Marketing) (resource \"f_42\")"),
        "{text}"
    );
    assert!(
        text.contains("map 5 source fields to 109 ActiveCampaign fields"),
        "{text}"
    );
    let d = &outcome.deliveries;
    assert_eq!(d.len(), 6);
    assert!(
        d[0].starts_with("answered 200 {\"challenge\":\"ch-9\",\"signature\":\""),
        "{}",
        d[0]
    );
    assert!(d[3].contains("ignored: resource id \"f_7\""), "{}", d[3]);
    assert!(d[4].contains("ignored: account id \"78\""), "{}", d[4]);
    let contacts = outcome.contacts;
    assert_eq!(contacts.len(), 2, "{contacts:#?}");
    assert_eq!(contacts[0]["email"], "ada@example.com");
    assert_eq!(
        contacts[0]["firstName"], "Ada L.",
        "the second response updated the contact"
    );
    assert_eq!(
        contacts[0]["fieldValues"],
        json!([{"field": "3", "value": "Books, Music"}])
    );
    assert_eq!(
        contacts[0]["tags"],
        json!(["Formly - Newsletter signup", "webinar-2026"])
    );
    assert_eq!(contacts[1]["email"], "grace@example.com");
    assert_eq!(
        contacts[1]["tags"],
        json!(["Formly - Newsletter signup", "webinar-2026"])
    );
}

/// After a restart (a new engine, tokens and state read back from JSON), an application-scope
/// webhook is routed by the account id the state kept: `describe_connection` is not run again.
#[tokio::test]
async fn a_restored_workflow_routes_by_the_stored_account_id() {
    use appstudio::api::DynamicField;
    use appstudio::engine::dynamic::DynWorkflowState;
    use appstudio::engine::{
        Delivery, Engine, EngineConfig, Incoming, Mapping, Verification, WorkflowState,
    };
    use appstudio::value::Choice;
    use workflows::ImportFormResponses;
    use workflows::import_form_responses::CustomData;

    let formly = setup::stand_in_formly().await;
    let ac = appstudio_testing::FakeActiveCampaign::start().await;
    let config = EngineConfig::default().with_override("https://*.formly.example", formly.uri());
    let credentials = || auth::FormlyOauth {
        subdomain: "acme".into(),
    };

    let (tokens, state) = {
        let engine = Engine::<App>::new(config.clone()).unwrap();
        let conn = engine
            .connect_oauth2(
                credentials(),
                "code",
                "https://ac.example/cb",
                Some(ac.account()),
            )
            .await
            .unwrap();
        conn.describe(ImportFormResponses).await.unwrap();
        let mut wf = conn.workflow(ImportFormResponses);
        wf.select(CustomData {
            workspace: Choice::new("ws_1", "Marketing"),
            form: Choice::new("f_42", "Newsletter signup"),
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
        wf.create_webhook("https://hooks.example/formly/abc123")
            .await
            .unwrap();
        (
            serde_json::to_string(&conn.tokens()).unwrap(),
            serde_json::to_string(&wf.state()).unwrap(),
        )
    };

    let engine = Engine::<App>::new(config).unwrap();
    let conn = engine
        .restore(
            credentials(),
            serde_json::from_str(&tokens).unwrap(),
            Some(ac.account()),
        )
        .unwrap();
    let state: WorkflowState<ImportFormResponses> = serde_json::from_str(&state).unwrap();
    assert_eq!(state.dynamic().account_id, Some(appstudio::json!("77")));
    let mut wf = conn.resume(state).unwrap();
    // verification alone (D28): a challenge is answered, a response let through, nothing sent
    let requests_before = formly.received_requests().await.unwrap().len();
    let challenge = Incoming::from_http(None, b"", "challenge=ch-1", []).unwrap();
    let verified = wf.verify(&challenge).await.unwrap();
    assert!(
        matches!(&verified, Verification::Respond(r) if r.body["challenge"] == "ch-1"),
        "{verified:?}"
    );
    let ours = setup::response("77", "f_42", "r1", "ada@example.com", vec![]);
    let verified = wf.verify(&Incoming::json(ours.clone())).await.unwrap();
    assert!(
        matches!(&verified, Verification::Process(Some(r)) if r.process_payload),
        "{verified:?}"
    );
    assert_eq!(
        formly.received_requests().await.unwrap().len(),
        requests_before
    );
    let theirs = setup::response("78", "f_42", "r2", "eve@example.com", vec![]);
    let delivered = wf.receive(Incoming::json(ours)).await.unwrap();
    assert!(
        matches!(delivered, Delivery::Processed { .. }),
        "{delivered:?}"
    );
    let ignored = wf.receive(Incoming::json(theirs)).await.unwrap();
    assert!(
        matches!(&ignored, Delivery::Ignored { reason } if reason.contains("account id \"78\"")),
        "{ignored:?}"
    );
    let describes = formly
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/api/v1/me")
        .count();
    assert_eq!(
        describes, 1,
        "describe_connection ran again after the restart"
    );
    assert_eq!(ac.contacts(ac.token()).len(), 1);

    // a stored state of another workflow is refused when read as this one
    let mut other: DynWorkflowState = wf.state().into_dynamic();
    other.workflow = "another-workflow".into();
    let err = WorkflowState::<ImportFormResponses>::from_dynamic(other).unwrap_err();
    assert!(
        err.to_string().contains("not of `import-form-responses`"),
        "{err}"
    );
}
