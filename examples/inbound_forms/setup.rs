//! The inbound example's pieces shared by its two runs: the stand-in Formly API, the form
//! responses it posts, and the workflow's setup (connect, dependent dropdowns, selection,
//! mapping to contact fields). `scenario.rs` (`cargo run --example inbound_forms`) feeds the
//! set-up workflow directly; the `host` example installs it in a host and serves its webhook.
//! Included with `#[path]` beside `App`, `auth` and `workflows` of `include_app!`.

use appstudio::api::DynamicField;
use appstudio::engine::{AcAccount, Engine, EngineConfig, Mapping, Workflow};
use appstudio::value::Text;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::App;
use super::auth;
use super::workflows::ImportFormResponses;
use super::workflows::import_form_responses::{CustomData, options};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// An answer to a question of the "Newsletter signup" form.
pub fn answer(question: &str, value: Value) -> Value {
    json!({"question_id": question, "value": value})
}

/// A form response as Formly posts it to the webhook.
pub fn response(account: &str, form: &str, id: &str, email: &str, answers: Vec<Value>) -> Value {
    json!({
        "event_type": "form_response.submitted",
        "account_id": account,
        "form_id": form,
        "form": {"id": form, "title": "Newsletter signup"},
        "response": {"id": id, "submitted_at": "2026-11-23T09:00:00Z",
                     "respondent": {"email": email}, "answers": answers},
    })
}

/// The stand-in Formly API: oauth, the account, workspaces, forms, questions, webhooks.
pub async fn stand_in_formly() -> MockServer {
    let server = MockServer::start().await;
    let get = |p: &str, body: Value| {
        Mock::given(method("GET"))
            .and(path(p.to_owned()))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "fm-access", "refresh_token": "fm-refresh", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    get(
        "/api/v1/me",
        json!({"account": {"id": 77, "name": "Acme"}, "user": {"email": "ops@acme.example"}}),
    )
    .mount(&server)
    .await;
    get("/api/v1/workspaces", json!({"workspaces": [{"id": "ws_1", "name": "Marketing"}, {"id": "ws_2", "name": "Sales"}]}))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/workspaces/ws_1/forms"))
        .and(query_param("status", "published"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"forms": [
            {"id": "f_42", "title": "Newsletter signup", "archived": false},
            {"id": "f_9", "title": "Old survey", "archived": true},
        ]})))
        .mount(&server)
        .await;
    get(
        "/api/v1/forms/f_42",
        json!({"form": {"questions": [
            {"id": "q_name", "title": "Your first name", "type": "short_text"},
            {"id": "q_topics", "title": "Topics you like", "type": "multiple_choice"},
            {"id": "intro", "title": "Welcome!", "type": "statement"},
        ]}}),
    )
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"webhook": {"id": "wh_1"}})))
        .mount(&server)
        .await;
    server
}

/// The engine's configuration: Formly's origin (`https://*.formly.example`) sent to the
/// stand-in at `formly`.
pub fn engine_config(formly: &str) -> EngineConfig {
    EngineConfig::default().with_override("https://*.formly.example", formly)
}

/// The customer's Formly credentials (oauth2 on their subdomain).
pub fn credentials() -> auth::FormlyOauth {
    auth::FormlyOauth {
        subdomain: "acme".into(),
    }
}

/// The options as `display` texts.
fn displays(choices: &[appstudio::value::Choice]) -> String {
    let names: Vec<&str> = choices.iter().map(|c| c.display.as_str()).collect();
    format!("[{}]", names.join(", "))
}

/// Connects [`credentials`] and the ActiveCampaign account `ac`, and sets the workflow up:
/// the first workspace and form, tagging, an extra tag, and a mapping of the email, the first
/// name and the topics (into the `Interests` custom field). `say` receives a line per step.
/// The webhook is not registered yet.
pub async fn set_up(
    engine: &Engine<App>,
    ac: AcAccount,
    say: &mut impl FnMut(String),
) -> Result<Workflow<ImportFormResponses>> {
    // connect: oauth2 on the customer's subdomain, plus the ActiveCampaign account
    let url = engine.authorization_url(&credentials(), "https://ac.example/cb", "s1")?;
    say(format!("authorize at {url}"));
    let conn = engine
        .connect_oauth2(
            credentials(),
            "code-from-redirect",
            "https://ac.example/cb",
            Some(ac),
        )
        .await?;
    let description = conn.describe(ImportFormResponses).await?;
    say(format!(
        "connected: {} (account {})",
        description.description, description.account_id
    ));

    // select: dependent dropdowns, then the whole form
    let mut wf = conn.workflow(ImportFormResponses);
    let workspaces = wf.options(options::Workspace).await?;
    say(format!("workspaces: {}", displays(&workspaces)));
    let workspace = workspaces[0].clone();
    let forms = wf
        .options(options::Form {
            workspace: workspace.clone(),
        })
        .await?;
    say(format!(
        "forms of {}: {}",
        workspace.display,
        displays(&forms)
    ));
    let tagging = wf.options(options::Tagging).await?;
    wf.select(CustomData {
        workspace,
        form: forms[0].clone(),
        tagging: tagging[0].clone(),
        extra_tag: Some(Text::from("webinar-2026")),
    })?;
    let selected = wf.describe_selection().await?;
    say(format!(
        "selected {} (resource {})",
        selected.display, selected.resource_id
    ));

    // map: form questions → contact fields (from ActiveCampaign, 105 custom fields)
    let options = wf.map_options().await?;
    say(format!(
        "map {} source fields to {} ActiveCampaign fields",
        options.source.len(),
        options.target.len()
    ));
    let interests = options
        .target_titled("Interests")
        .ok_or("no Interests field in ActiveCampaign")?
        .clone();
    let mapping = Mapping::new()
        .map(
            DynamicField::new("respondent_email"),
            DynamicField::new("email"),
        )
        .map(DynamicField::new("q_name"), DynamicField::new("firstName"))
        .map(DynamicField::new("q_topics"), interests);
    wf.set_mapping(&mapping, &options)?;
    Ok(wf)
}

/// A form response for the selected form (form `f_42` of account `77`), as Formly posts it.
pub fn sample() -> Value {
    response(
        "77",
        "f_42",
        "r1",
        "ada@example.com",
        vec![
            answer("q_name", json!("Ada")),
            answer("q_topics", json!(["Books", "Music"])),
        ],
    )
}
