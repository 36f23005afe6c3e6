//! Fixed values in mappings (`source_fields`, D26): a target mapped to a fixed value gets its
//! `id` whatever the source holds. Inbound, a grouped mapping (contact + deal) into the fake
//! ActiveCampaign with a deal stage chosen among the account's stages (loaded options);
//! outbound, a static target list whose fixed values are generated enums, to a stand-in API.
//! Values a target does not offer are refused when the mapping is set, and a saved mapping
//! with fixed values round-trips through the state JSON.

mod app {
    appstudio::include_app!("tests/apps/fixed_values.json");
}

use app::workflows::forward_contacts::mapping::{SourceField, TargetField, fixed};
use app::workflows::{ForwardContacts, ImportDeals, import_deals};
use appstudio::api::{DynamicField, FixedValue};
use appstudio::engine::{Connection, Mapping};
use appstudio::value::{Choice, Secret};
use appstudio_testing::FakeActiveCampaign;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{engine, fake_activecampaign, get, ok};

async fn leads_api() -> MockServer {
    let server = MockServer::start().await;
    get(&server, "/me", json!({"id": 8, "name": "Leads Inc"})).await;
    Mock::given(method("POST"))
        .and(path("/leads"))
        .respond_with(ok(json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

fn credentials() -> app::auth::ApiKey {
    app::auth::ApiKey {
        token: Secret::new("k1"),
    }
}

async fn connect(
    server: &MockServer,
    ac: Option<&FakeActiveCampaign>,
) -> Connection<app::auth::ApiKey> {
    engine::<app::App>("https://api.leads.example", server)
        .connect(credentials(), ac.map(FakeActiveCampaign::account))
        .await
        .expect("connect")
}

/// The generated enums of a static target's fixed values: named by title, ids as app.json
/// writes them (a number stays a number).
#[test]
fn static_fixed_values_are_generated_enums() {
    assert_eq!(
        fixed::Status::ALL,
        [fixed::Status::Subscribed, fixed::Status::Unsubscribed]
    );
    assert_eq!(fixed::Status::Subscribed.id(), "subscribed");
    assert_eq!(fixed::Priority::High.title(), "High");
    assert_eq!(FixedValue::from(fixed::Priority::High).id(), &json!(2));
    assert_eq!(
        FixedValue::from(fixed::Status::Subscribed).id(),
        &json!("subscribed")
    );
}

/// Outbound: the fixed status and priority reach the stand-in whatever the contact holds;
/// the options offer them with their titles.
#[tokio::test]
async fn a_static_target_gets_its_fixed_values() {
    let server = leads_api().await;
    let conn = connect(&server, None).await;
    let mut wf = conn.workflow(ForwardContacts);
    let options = wf.map_options().await.expect("map options");
    let status = options
        .target
        .iter()
        .find(|o| o.key == TargetField::Status)
        .expect("status");
    let titles: Vec<&str> = status.fixed.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, ["Subscribed", "Unsubscribed"]);
    assert_eq!(
        options.fixed_titled(&TargetField::Priority, "Low"),
        Some(&FixedValue::new(1))
    );

    let mapping = Mapping::new()
        .map(SourceField::Email, TargetField::Email)
        .map(SourceField::FirstName, TargetField::Name)
        .fixed(TargetField::Status, fixed::Status::Subscribed)
        .fixed(TargetField::Priority, fixed::Priority::High);
    wf.set_mapping(&mapping, &options).expect("mapping");
    let contact = json!({"email": "ada@example.com", "firstName": "Ada", "status": "bounced"});
    wf.process(contact).await.expect("process");
    let sent = server.received_requests().await.unwrap();
    let lead = sent
        .iter()
        .find(|r| r.url.path() == "/leads")
        .expect("a lead");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&lead.body).unwrap(),
        json!({"email": "ada@example.com", "name": "Ada", "status": "subscribed", "priority": 2})
    );
}

/// A fixed value must be one its target offers: another target's value, a value of a target
/// without `source_fields`, and an unknown loaded value are refused, naming the option and
/// what it allows.
#[tokio::test]
async fn fixed_values_a_target_does_not_offer_are_refused() {
    let server = leads_api().await;
    let conn = connect(&server, None).await;
    let mut wf = conn.workflow(ForwardContacts);
    let options = wf.map_options().await.expect("map options");
    let base = Mapping::new().map(SourceField::Email, TargetField::Email);

    let wrong = base
        .clone()
        .fixed(TargetField::Status, fixed::Priority::High);
    let err = wf.set_mapping(&wrong, &options).unwrap_err();
    assert_eq!(
        err.message(),
        "`2` is not a fixed value of the target option `Status` (`status`); its `source_fields` \
         are `subscribed` (Subscribed), `unsubscribed` (Unsubscribed)"
    );
    let none = base.clone().fixed(TargetField::Name, "Ada");
    let err = wf.set_mapping(&none, &options).unwrap_err();
    assert!(
        err.message()
            .contains("the target option `Name` (`name`) offers no fixed values"),
        "{err}"
    );
    assert!(wf.mapping().is_none(), "nothing saved");
    assert!(wf.state().dynamic().mapping.is_none());
}

/// Inbound, grouped: the deal stage is one of the account's stages (loaded by
/// `ActiveCampaign.fields`); the deal the fake ActiveCampaign receives is in that stage,
/// whatever stage the lead had. An unknown stage is refused; the saved mapping round-trips
/// through the state JSON.
#[tokio::test]
async fn a_grouped_mapping_puts_a_fixed_deal_stage_under_the_deal() {
    let ac = fake_activecampaign().await;
    let server = leads_api().await;
    let conn = connect(&server, Some(&ac)).await;
    let mut wf = conn.workflow(ImportDeals);
    wf.select(import_deals::CustomData {
        board: Choice::new("sales", "Sales"),
    })
    .expect("select");
    let options = wf.map_options().await.expect("map options");
    let stage = DynamicField::in_group("deal", "stage");
    let stage_option = options
        .target
        .iter()
        .find(|o| o.key == stage)
        .expect("stage");
    let titles: Vec<&str> = stage_option
        .fixed
        .iter()
        .map(|f| f.title.as_str())
        .collect();
    assert_eq!(titles, ["To Contact", "In Contact"], "the account's stages");
    let in_contact = options
        .fixed_titled(&stage, "In Contact")
        .expect("a stage")
        .clone();

    use import_deals::mapping::SourceField;
    let to = DynamicField::in_group;
    let base = Mapping::new()
        .map(SourceField::Email, to("contact", "email"))
        .map(SourceField::Name, to("contact", "firstName"))
        .map(SourceField::Name, to("account", "name"))
        .map(SourceField::LeadTitle, to("deal", "title"))
        .map(SourceField::LeadStage, stage.clone());
    let err = wf
        .set_mapping(
            &base.clone().fixed(stage.clone(), FixedValue::new("99")),
            &options,
        )
        .unwrap_err();
    assert!(
        err.message().contains(
            "`99` is not a fixed value of the target option `Stage` (`stage` of group `deal`); \
             its `source_fields` are `1` (To Contact), `2` (In Contact)"
        ),
        "{err}"
    );
    let mapping = base.fixed(stage.clone(), in_contact);
    wf.set_mapping(&mapping, &options).expect("mapping");

    // saved as App Studio saves a mapping, the fixed value beside its group's entries
    let saved = wf.state().dynamic().mapping.clone().expect("saved");
    assert_eq!(saved["deal"]["_fixed"], json!({"stage": "2"}));
    assert_eq!(saved["deal"]["lead_stage"], "stage");
    let stored = serde_json::to_string(&wf.state()).unwrap();
    let mut wf = conn
        .resume(serde_json::from_str(&stored).unwrap())
        .expect("resume");
    assert_eq!(wf.mapping(), Some(mapping));

    let out = wf
        .process(json!({"lead": {"email": "ada@example.com", "name": "Ada",
                                  "title": "Website inquiry", "stage": "1"}}))
        .await
        .expect("process");
    assert_eq!(
        out.transformed,
        json!({"contact": {"email": "ada@example.com", "firstName": "Ada"},
               "account": {"name": "Ada"},
               "deal": {"title": "Website inquiry", "stage": "2"}})
    );
    let deal = ac
        .requests()
        .into_iter()
        .rfind(|r| r.method == "POST" && r.path == "/api/3/deals")
        .expect("a deal written");
    assert_eq!(deal.body["deal"]["stage"], "2", "{}", deal.body);
    assert_eq!(deal.body["deal"]["title"], "Website inquiry");
}
