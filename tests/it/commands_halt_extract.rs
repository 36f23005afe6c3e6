//! Two commands whose results nothing else checks: `!error` stops a run as `Halted`, located
//! at its place in app.json (the outbound example's `subscribe-contact`, for a contact
//! ActiveCampaign does not have), and `!extract`'s result is what the next command reads (the
//! CRM example's `sync-deals`: a JSON-encoded string of custom fields, parsed, mapped to a
//! contact custom field and written to the fake ActiveCampaign).

use appstudio::api::DynamicField;
use appstudio::engine::{ErrorKind, Mapping};
use appstudio::value::Choice;
use serde_json::json;
use wiremock::MockServer;
use wiremock::matchers::{method, path};

use crate::example_outbound_sms::{activecampaign, set_up, textbolt};
use crate::support::apps::crm_objects;
use crate::support::{engine, fake_activecampaign, get, ok};

/// `!error` in the `!switch` of `subscribe-contact`: no ActiveCampaign contact has the email,
/// so the run halts with the app's message, at the `!error` (line 268 of the example), after
/// the Textbolt subscription and before any tag is added.
#[tokio::test]
async fn error_halts_the_run_where_app_json_says() {
    let server = textbolt().await;
    let ac = activecampaign().await;
    let (_conn, mut wf) = set_up(&server, &ac).await;
    ac.clear_requests();
    let stranger = json!({"email": "grace@example.com", "firstName": "Grace", "phone": "+1555"});
    let err = wf.process(stranger).await.expect_err("halted");
    assert_eq!(err.kind(), ErrorKind::Halted, "{err}");
    assert_eq!(
        err.message(),
        "The contact was subscribed in Textbolt, but no ActiveCampaign contact has that email \
         address, so no tag was added."
    );
    assert_eq!(err.workflow(), Some("subscribe-contact"));
    assert_eq!(err.step(), Some("data_pipeline.target"));
    let loc = err.loc().expect("the `!error`'s place in app.json");
    assert_eq!((loc.line, loc.col), (268, 19), "{err}");
    let subscribed = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v2/lists/L1/subscribers")
        .count();
    assert_eq!(subscribed, 1, "the steps before `!error` ran");
    assert!(
        !ac.requests().iter().any(|r| r.path == "/api/3/contactTags"),
        "nothing after it"
    );
}

/// `!extract` with `to_json` parses the event's `custom_fields` string; the `!jq` after it
/// reads `.custom_fields.lead_source`, which the mapping sends to a contact custom field.
#[tokio::test]
async fn extracts_result_feeds_the_next_command() {
    use crm_objects::workflows::sync_deals::{CustomData, mapping::SourceField};
    let server = MockServer::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ok(json!({"access_token": "pw", "expires_in": 3600})))
        .mount(&server)
        .await;
    get(
        &server,
        "/v1/users/me",
        json!({"data": {"company": {"id": 3}}}),
    )
    .await;
    let ac = fake_activecampaign().await;
    ac.seed(ac.token(), json!({"fields": ["Pipewise lead source"]}));
    let conn = engine::<crm_objects::App>("https://*.pipewise.example", &server)
        .connect_oauth2(
            crm_objects::auth::PipewiseOauth {},
            "code",
            "https://ac.example/cb",
            Some(ac.account()),
        )
        .await
        .expect("connect");
    let mut wf = conn.workflow(crm_objects::workflows::SyncDeals);
    wf.select(CustomData {
        pipeline: Choice::new("7", "Pipeline 1"),
        labels: vec![],
    })
    .expect("select");
    let options = wf.map_options().await.expect("map options");
    let lead_source = options
        .target_titled("Pipewise lead source")
        .expect("the seeded contact field")
        .clone();
    let to = DynamicField::in_group;
    let mapping = Mapping::new()
        .map(SourceField::ContactEmail, to("contact", "email"))
        .map(SourceField::ContactLeadSource, lead_source.clone())
        .map(SourceField::AccountOrgName, to("account", "name"))
        .map(SourceField::DealTitle, to("deal", "title"));
    wf.set_mapping(&mapping, &options).expect("mapping");
    let event = json!({"company_id": 3, "pipeline_id": 7,
        "custom_fields": "{\"lead_source\": \"Webinar\", \"ignored\": [1, 2]}",
        "data": {"person": {"email": "ada@globex.example", "first_name": "Ada"},
                 "organization": {"name": "Globex"},
                 "deal": {"title": "Big deal"}}});
    let out = wf.process(event).await.expect("process");
    assert_eq!(out.source["contact"]["lead_source"], "Webinar");
    let contacts = ac.contacts(ac.token());
    assert_eq!(contacts.len(), 1);
    assert_eq!(
        contacts[0]["fieldValues"],
        json!([{"field": lead_source.id, "value": "Webinar"}])
    );
}
