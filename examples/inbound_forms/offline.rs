//! The inbound example's workflow set up without the network (selection, and a mapping from
//! options as the map step would load them), and its webhook events: what the pipeline
//! benchmark runs and the test of its one data path checks.

use appstudio::activecampaign::{Field, contact_options};
use appstudio::api::DynamicField;
use appstudio::engine::{Engine, EngineConfig, MapOptions, Mapping, Tokens, Workflow};
use appstudio::value::{Choice, Secret, Text};
use serde_json::json;

use super::App;
use super::auth;
use super::workflows::ImportFormResponses;
use super::workflows::import_form_responses::CustomData;

/// The selection and mapping of the example's scenario.
pub const TAGGING: &str = "form_name";
/// The extra tag selected.
pub const EXTRA_TAG: &str = "webinar-2026";

/// Form response `i`: four answers, one of them a list.
pub fn event(i: usize) -> String {
    json!({
        "event_type": "form_response.submitted", "account_id": "77", "form_id": "f_42",
        "form": {"id": "f_42", "title": "Newsletter signup"},
        "response": {"id": format!("r{i}"), "submitted_at": "2026-11-23T09:00:00Z",
                     "respondent": {"email": format!("person{i}@example.com")},
                     "answers": [
                         {"question_id": "q_name", "value": format!("Name {i}")},
                         {"question_id": "q_topics", "value": ["Books", "Music", "Travel"]},
                         {"question_id": "q_company", "value": "Acme Corporation"},
                         {"question_id": "q_size", "value": i % 500},
                     ]},
    })
    .to_string()
}

/// The workflow, selected and mapped, its jq on the native path or not.
pub fn workflow(native: bool) -> Workflow<ImportFormResponses> {
    let config = EngineConfig {
        native_jq: native,
        ..EngineConfig::default()
    };
    let engine = Engine::<App>::new(config).expect("engine");
    let tokens = Tokens {
        access: Some(Secret::new("token")),
        expires_at: None,
        ..Tokens::default()
    };
    let credentials = auth::FormlyOauth {
        subdomain: "acme".into(),
    };
    let conn = engine
        .restore(credentials, tokens, None)
        .expect("connection");
    let mut wf = conn.workflow(ImportFormResponses);
    wf.select(CustomData {
        workspace: Choice::new("ws_1", "Marketing"),
        form: Choice::new("f_42", "Newsletter signup"),
        tagging: Choice::new(TAGGING, "Tag contacts with the form name"),
        extra_tag: Some(Text::from(EXTRA_TAG)),
    })
    .expect("select");
    let interests = Field {
        id: "3".into(),
        title: "Interests".into(),
        ..Field::default()
    };
    let sources: Vec<appstudio::json::Value> = ["respondent_email", "q_name", "q_topics"]
        .iter()
        .map(|id| appstudio::json!({"id": id, "title": id}))
        .collect();
    let targets: Vec<appstudio::json::Value> = contact_options(&[interests], None)
        .iter()
        .map(Into::into)
        .collect();
    let options = MapOptions::from_json(&sources, &targets);
    let field = DynamicField::new;
    let mapping = Mapping::new()
        .map(field("respondent_email"), field("email"))
        .map(field("q_name"), field("firstName"))
        .map(field("q_topics"), field("3"));
    wf.set_mapping(&mapping, &options).expect("mapping");
    wf
}
