//! The CRM example: inbound, Pipewise deal events through a grouped mapping into
//! `ActiveCampaign.sync` (contact, account and deal, related); outbound, an ActiveCampaign
//! contact read by id, a personalized Pipewise deal, an `!http` call to ActiveCampaign and
//! `ActiveCampaignDeal.sync`.

use appstudio::api::DynamicField;
use appstudio::engine::{Delivery, Incoming, Mapping};
use appstudio::value::Text;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::support::apps::crm_objects::workflows::{
    CreateDeal, SyncDeals, create_deal, sync_deals,
};
use crate::support::apps::crm_objects::{App, auth};
use crate::support::{engine, fake_activecampaign, get, ok};

async fn pipewise() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ok(
            json!({"access_token": "pw", "refresh_token": "r", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    get(
        &server,
        "/v1/users/me",
        json!({"data": {"email": "ops@globex.example", "company": {"id": 3, "name": "Globex"}}}),
    )
    .await;
    // paginated (page style, parser total_pages): two pages
    for page in [1, 2] {
        Mock::given(method("GET"))
            .and(path("/v1/pipelines"))
            .and(query_param("page", page.to_string()))
            .and(query_param("per_page", "100"))
            .respond_with(ok(
                json!({"data": [{"id": 6 + page, "name": format!("Pipeline {page}")}],
                                    "meta": {"total_pages": 2}}),
            ))
            .mount(&server)
            .await;
    }
    get(
        &server,
        "/v1/labels",
        json!({"data": [{"name": "VIP"}, {"name": "Partner"}]}),
    )
    .await;
    get(
        &server,
        "/v1/pipelines/7/stages",
        json!({"data": [{"id": 2, "name": "Won", "position": 2}, {"id": 1, "name": "New", "position": 1}]}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v1/webhooks"))
        .respond_with(ok(json!({"data": {"id": "wh9"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/deals"))
        .and(body_partial_json(
            json!({"deal": {"title": "Ada Lovelace - Website inquiry",
                                               "person": {"email": "ada@globex.example"}}}),
        ))
        .respond_with(ok(
            json!({"data": {"id": 55, "value": "2500", "currency": "EUR"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn event(pipeline: u64, email: &str) -> Value {
    json!({"company_id": 3, "pipeline_id": pipeline,
           "custom_fields": "{\"lead_source\": \"Webinar\"}",
           "data": {"person": {"email": email, "first_name": "Ada", "last_name": "Lovelace",
                               "labels": ["VIP", "Other"]},
                    "organization": {"name": "Globex", "website": "globex.example"},
                    "deal": {"title": "Big deal", "value": 12.5, "currency": "EUR",
                             "expected_close_date": "2026-12-01"}}})
}

#[tokio::test]
async fn deals_sync_in_and_out() {
    let server = pipewise().await;
    let ac = fake_activecampaign().await;
    let engine = engine::<App>("https://*.pipewise.example", &server);
    let account = ac.account();
    let conn = engine
        .connect_oauth2(
            auth::PipewiseOauth {},
            "code",
            "https://ac.example/cb",
            Some(account),
        )
        .await
        .expect("connect");
    assert_eq!(
        conn.describe(SyncDeals).await.expect("describe").account_id,
        json!("3")
    );

    // inbound
    let mut wf = conn.workflow(SyncDeals);
    let pipelines = wf
        .options(sync_deals::options::Pipeline)
        .await
        .expect("pipelines");
    assert_eq!(pipelines.len(), 2, "both pages: {pipelines:?}");
    let labels = wf
        .options(sync_deals::options::Labels)
        .await
        .expect("labels");
    wf.select(sync_deals::CustomData {
        pipeline: pipelines[0].clone(),
        labels: vec![labels[0].clone()],
    })
    .expect("select");
    wf.describe_selection().await.expect("describe selection");
    let options = wf.map_options().await.expect("map options");
    assert_eq!(options.source.len(), 11);
    let groups: Vec<&str> = options
        .target
        .iter()
        .filter_map(|t| t.key.group.as_deref())
        .collect();
    assert!(groups.contains(&"contact") && groups.contains(&"account") && groups.contains(&"deal"));
    use sync_deals::mapping::SourceField;
    let to = DynamicField::in_group;
    let mapping = Mapping::new()
        .map(SourceField::ContactEmail, to("contact", "email"))
        .map(SourceField::ContactFirstName, to("contact", "firstName"))
        .map(SourceField::ContactLastName, to("contact", "lastName"))
        .map(SourceField::AccountOrgName, to("account", "name"))
        .map(SourceField::AccountOrgWebsite, to("account", "accountUrl"))
        .map(SourceField::DealTitle, to("deal", "title"))
        .map(SourceField::DealValue, to("deal", "value"))
        .map(SourceField::DealCurrency, to("deal", "currency"));
    wf.set_mapping(&mapping, &options).expect("mapping");
    wf.create_webhook("https://hooks.example/pw")
        .await
        .expect("webhook");
    let out = match wf
        .receive(Incoming::json(event(7, "ada@globex.example")))
        .await
        .expect("receive")
    {
        Delivery::Processed { processed, .. } => processed,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        out.log,
        ["Pipewise deal event for ada@globex.example in pipeline Pipeline 1"]
    );
    assert_eq!(out.output["contact-id"], 1);
    assert_eq!(out.output["account_id"], 1);
    assert_eq!(out.output["account_contact_id"], 1);
    assert_eq!(out.output["deal_id"], 1);
    let contacts = ac.contacts(ac.token());
    assert_eq!(contacts[0]["tags"], json!(["Pipewise - VIP"]));
    // another pipeline's event is not ours
    assert!(matches!(
        wf.receive(Incoming::json(event(8, "x@globex.example")))
            .await
            .expect("receive"),
        Delivery::Ignored { .. }
    ));

    // outbound: the contact by id, a personalized title, then a deal in ActiveCampaign
    let mut out_wf = conn.workflow(CreateDeal);
    let pipelines = out_wf
        .options(create_deal::options::Pipeline)
        .await
        .expect("pipelines");
    out_wf
        .choose(create_deal::fields::Pipeline, pipelines[0].clone())
        .expect("choose");
    assert_eq!(
        out_wf.chosen(create_deal::fields::Pipeline),
        Some(pipelines[0].clone())
    );
    assert_eq!(out_wf.chosen(create_deal::fields::Stage), None);
    assert!(out_wf.selection().is_none(), "the form is half filled in");
    let stages = out_wf
        .options(create_deal::options::Stage {
            pipeline: pipelines[0].clone(),
        })
        .await
        .expect("stages");
    assert_eq!(stages[0].display, "New", "sorted by position");
    out_wf
        .select(create_deal::CustomData {
            pipeline: pipelines[0].clone(),
            stage: stages[0].clone(),
            deal_title: Text::from("%FIRSTNAME% %LASTNAME% - Website inquiry"),
            deal_value: Some(Text::from("2500")),
        })
        .expect("select");
    let run = out_wf.process(json!({"id": "1"})).await.expect("outbound");
    assert_eq!(run.source["email"], "ada@globex.example");
    assert_eq!(
        run.log,
        ["Created Pipewise deal 55 and ActiveCampaign deal 2"]
    );
    let deal = ac
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.path == "/api/3/deals")
        .expect("deal written");
    assert_eq!(
        deal.body["deal"]["value"], 250000,
        "a whole-value expansion keeps its type"
    );
    assert_eq!(deal.body["deal"]["contact"], "1");
}
