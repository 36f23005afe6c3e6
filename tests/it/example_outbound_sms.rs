//! The outbound example's `subscribe-contact` workflow end to end, with an API key against a
//! stand-in Textbolt API and the fake ActiveCampaign on loopback: the tag dropdown searched
//! with a term (`search_term`, sent where app.json puts it), the static mapping, then a
//! contact pushed through `data_pipeline`: subscribed in Textbolt, found in ActiveCampaign and
//! tagged there. (`send-sms` runs in `engine_outbound_sms`; the `!error` branch of this
//! workflow in `commands_halt_extract`.)

use appstudio::engine::{Connection, Mapping};
use appstudio::value::{Choice, Secret};
use appstudio_testing::FakeActiveCampaign;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::support::apps::outbound_sms as app;
use crate::support::{engine, fake_activecampaign, ok};
use app::auth::TextboltApiKey;
use app::workflows::SubscribeContact;
use app::workflows::subscribe_contact::mapping::{SourceField, TargetField};
use app::workflows::subscribe_contact::{CustomData, options};

const ORIGIN: &str = "https://api.textbolt.example";

/// Textbolt for the API key `tb-key`: the account, one list, and subscribing to it.
pub(crate) async fn textbolt() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/account"))
        .and(header("authorization", "Bearer tb-key"))
        .respond_with(ok(json!({"account_sid": "AC0001", "friendly_name": "Acme",
                                "owner_email": "ops@acme.example"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/lists"))
        .and(query_param("page_size", "100"))
        .respond_with(ok(
            json!({"lists": [{"id": "L1", "name": "VIP", "subscriber_count": 3}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/lists/L1/subscribers"))
        .respond_with(ok(json!({"subscriber": {"id": "S9"}})))
        .mount(&server)
        .await;
    server
}

/// The fake ActiveCampaign with two contact tags, a deal tag and the contact `ada@example.com`.
pub(crate) async fn activecampaign() -> FakeActiveCampaign {
    let ac = fake_activecampaign().await;
    ac.seed(
        ac.token(),
        json!({"tags": ["VIP customers", "Newsletter", {"tag": "VIP deals", "tagType": "deal"}],
               "contacts": [{"email": "ada@example.com", "firstName": "Ada"}]}),
    );
    ac
}

/// Connected with the API key and the ActiveCampaign account; the list and the tag chosen
/// (the tag found by searching `vip`), and the mapping set.
pub(crate) async fn set_up(
    server: &MockServer,
    ac: &FakeActiveCampaign,
) -> (
    Connection<TextboltApiKey>,
    appstudio::engine::Workflow<SubscribeContact>,
) {
    let conn = engine::<app::App>(ORIGIN, server)
        .connect(
            TextboltApiKey {
                token: Secret::new("tb-key"),
            },
            Some(ac.account()),
        )
        .await
        .expect("connect");
    let mut wf = conn.workflow(SubscribeContact);
    let lists = wf.options(options::List).await.expect("lists");
    assert_eq!(lists, [Choice::new("L1", "VIP (3 subscribers)")]);
    let tags = wf.search(options::Tag, "vip").await.expect("tags");
    assert_eq!(
        tags.iter().map(|t| t.display.as_str()).collect::<Vec<_>>(),
        ["VIP customers"],
        "the term filtered the tags, and the jq kept contact tags"
    );
    wf.select(CustomData {
        list: lists[0].clone(),
        tag: tags[0].clone(),
    })
    .expect("select");
    let map = wf.map_options().await.expect("map options");
    let mapping = Mapping::new()
        .map(SourceField::Email, TargetField::Email)
        .map(SourceField::Phone, TargetField::MobileNumber)
        .map(SourceField::FirstName, TargetField::FirstName);
    wf.set_mapping(&mapping, &map).expect("mapping");
    (conn, wf)
}

/// `search_term: "search"`: the term typed into the tag dropdown is the `search` query
/// parameter of the dropdown's request to ActiveCampaign, beside the app's own `limit`.
#[tokio::test]
async fn the_search_term_is_sent_as_the_fields_search_parameter() {
    let server = textbolt().await;
    let ac = activecampaign().await;
    let (_conn, wf) = set_up(&server, &ac).await;
    let searches: Vec<String> = ac
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/api/3/tags")
        .filter_map(|r| r.query)
        .collect();
    assert_eq!(searches.len(), 1, "{searches:?}");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(searches[0].as_bytes())
        .into_owned()
        .collect();
    assert!(
        pairs.contains(&("search".into(), "vip".into())),
        "{pairs:?}"
    );
    assert!(pairs.contains(&("limit".into(), "100".into())), "{pairs:?}");
    // without a term, no `search` parameter
    ac.clear_requests();
    wf.options(options::Tag).await.expect("tags");
    let plain = ac
        .requests()
        .into_iter()
        .find(|r| r.path == "/api/3/tags")
        .and_then(|r| r.query)
        .unwrap_or_default();
    assert!(!plain.contains("search"), "{plain}");
}

/// The contact goes to Textbolt as the mapping says, is found in ActiveCampaign by its email
/// and tagged with the chosen tag; `!print_c` reports it.
#[tokio::test]
async fn a_contact_is_subscribed_and_tagged() {
    let server = textbolt().await;
    let ac = activecampaign().await;
    let (_conn, mut wf) = set_up(&server, &ac).await;
    let contact = json!({"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace",
                         "phone": "+15557654321"});
    let done = wf.process(contact).await.expect("process");
    let subscribed = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/v2/lists/L1/subscribers")
        .expect("subscribed in Textbolt");
    assert_eq!(
        serde_json::from_slice::<Value>(&subscribed.body).unwrap(),
        json!({"subscriber": {"email": "ada@example.com", "mobile_number": "+15557654321",
                              "first_name": "Ada"},
               "source": "activecampaign", "double_opt_in": false})
    );
    let contacts = ac.contacts(ac.token());
    let ada = contacts
        .iter()
        .find(|c| c["email"] == "ada@example.com")
        .expect("ada");
    assert_eq!(ada["tags"], json!(["VIP customers"]));
    assert_eq!(
        done.log,
        [format!(
            "Subscribed ada@example.com to VIP (3 subscribers) (subscriber S9) and tagged \
             contact {} with VIP customers",
            ada["id"].as_str().expect("an id")
        )]
    );
}
