//! The account and deal resources against the fake ActiveCampaign: `ActiveCampaignAccount.fields`
//! and `ActiveCampaignDeal.fields` as options, `ActiveCampaignAccount.sync` (create, then match
//! by name) and `ActiveCampaignDeal.sync` in a pipeline with a token-auth API on loopback.

mod ledger {
    appstudio::include_app!("tests/apps/crm_resources.json");
}

use appstudio::activecampaign::Client;
use appstudio::value::Secret;
use appstudio_testing::FakeActiveCampaign;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer};

use crate::support::{displays, engine, ok};
use ledger::workflows::OpenDeals;
use ledger::workflows::open_deals::{CustomData, options};

async fn ledger_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        // `token_prefix` and the token, one space between (D8)
        .and(header("authorization", "Token k1"))
        .respond_with(ok(json!({"id": 4, "name": "Ledger"})))
        .mount(&server)
        .await;
    for (email, company, cents) in [
        ("ann@example.com", "Initech", 125_000),
        ("bob@example.com", "Initech", 990),
    ] {
        Mock::given(method("GET"))
            .and(path("/customers"))
            .and(query_param("email", email))
            .respond_with(ok(json!({"company": company, "balance_cents": cents})))
            .mount(&server)
            .await;
    }
    server
}

/// An id or amount as text: ActiveCampaign writes numbers as strings, the pipeline may not.
fn id(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
}

#[tokio::test]
async fn accounts_are_matched_by_name_and_deals_attached() {
    let ac = FakeActiveCampaign::start().await;
    let server = ledger_api().await;
    let engine = engine::<ledger::App>("https://api.ledger.example", &server);
    let account = ac.account();
    let credentials = ledger::auth::ApiKey {
        token: Secret::new("k1"),
    };
    let conn = engine.connect(credentials, Some(account)).await.unwrap();
    let mut wf = conn.workflow(OpenDeals);

    let account_fields = wf.options(options::AccountField).await.unwrap();
    let deal_fields = wf.options(options::DealField).await.unwrap();
    assert!(
        displays(&account_fields).contains(&"Industry"),
        "{account_fields:?}"
    );
    assert!(
        displays(&deal_fields).contains(&"Source"),
        "{deal_fields:?}"
    );
    wf.select(CustomData {
        account_field: account_fields[0].clone(),
        deal_field: deal_fields[0].clone(),
    })
    .unwrap();

    let first = wf
        .process(json!({"email": "ann@example.com", "firstName": "Ann"}))
        .await
        .unwrap();
    let second = wf
        .process(json!({"email": "bob@example.com", "firstName": "Bob"}))
        .await
        .unwrap();
    // the second customer's company is the same account; each gets its own deal
    assert_eq!(first.output["account"], second.output["account"]);
    assert_ne!(first.output["deal"], second.output["deal"]);

    let client = Client::new(&ac.url(), Secret::new(ac.token())).unwrap();
    let accounts = client.get("accounts", &[]).await.unwrap();
    let names: Vec<&str> = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(
        names.iter().filter(|n| **n == "Initech").count(),
        1,
        "{names:?}"
    );
    let deals = client.get("deals", &[]).await.unwrap();
    let deals = deals["deals"].as_array().unwrap();
    assert_eq!(deals.len(), 2, "{deals:?}");
    for deal in deals {
        assert_eq!(deal["title"], json!("Ledger - Initech"));
        assert_eq!(
            id(&deal["account"]),
            id(&first.output["account"].clone().into())
        );
    }
    let values: Vec<String> = deals.iter().map(|d| id(&d["value"])).collect();
    assert!(values.contains(&"125000".to_owned()), "{values:?}");
}
