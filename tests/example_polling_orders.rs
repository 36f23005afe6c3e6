//! The polling example through setup and two polling cycles: a session login, a store
//! selection, `initial_setup`, a cycle of two cursor pages of orders into ActiveCampaign
//! contacts, and a next cycle that starts where the first ended.

appstudio::include_app!("examples/polling_orders/app.json", allow(AS1003));

use appstudio::engine::{AcAccount, Credentials, Engine, EngineConfig, PollStop};
use appstudio_runtime::testing::{FakeActiveCampaign, FakeConfig};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORDERS: &str = "/admin/api/2024-04/stores/11/orders";

fn order(id: u64, email: &str, first: &str, updated: &str) -> Value {
    json!({"id": id, "order_number": 1000 + id, "total_price": "42.50", "created_at": updated,
           "updated_at": updated,
           "customer": {"email": email, "first_name": first, "last_name": "Doe", "orders_count": 1}})
}

async fn shoplane() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/api/sessions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "sess-1", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let get = |p: &str, body: Value| {
        Mock::given(method("GET"))
            .and(path(p.to_owned()))
            .and(header("authorization", "Bearer sess-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    get(
        "/admin/api/2024-04/shop",
        json!({"shop": {"id": 5, "name": "Acme Shop", "domain": "acme.example"}}),
    )
    .mount(&server)
    .await;
    get(
        "/admin/api/2024-04/stores",
        json!({"stores": [{"id": 11, "name": "Main street"}]}),
    )
    .mount(&server)
    .await;
    let orders = |params: &[(&str, &str)], body: Value| {
        let mut m = Mock::given(method("GET")).and(path(ORDERS));
        for (k, v) in params {
            m = m.and(query_param(*k, *v));
        }
        m.respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    // initial_setup: the newest order
    orders(
        &[("limit", "1")],
        json!({"orders": [order(1, "old@example.com", "Old", "2026-11-01T00:00:00Z")]}),
    )
    .mount(&server)
    .await;
    // cycle 1: two pages after 2026-11-01
    orders(
        &[
            ("updated_at_min", "2026-11-01T00:00:00Z"),
            ("cursor", ""),
            ("limit", "100"),
        ],
        json!({"orders": [
            order(2, "ann@example.com", "Ann", "2026-11-02T00:00:00Z"),
            order(3, "bob@example.com", "Bob", "2026-11-03T00:00:00Z")],
         "next_cursor": "page-2"}),
    )
    .expect(1)
    .mount(&server)
    .await;
    orders(
        &[("cursor", "page-2")],
        json!({"orders": [order(4, "ann@example.com", "Annie", "2026-11-04T00:00:00Z")], "next_cursor": null}),
    )
    .expect(1)
    .mount(&server)
    .await;
    // cycle 2: nothing newer than the last order seen
    orders(
        &[("updated_at_min", "2026-11-04T00:00:00Z")],
        json!({"orders": []}),
    )
    .expect(1)
    .mount(&server)
    .await;
    server
}

#[tokio::test]
async fn orders_are_polled_into_contacts_cycle_after_cycle() {
    let server = shoplane().await;
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await;
    let mut config = EngineConfig::default();
    config
        .overrides
        .add("https://*.shoplane.example", server.uri());
    let engine = Engine::of::<App>(config).expect("engine");
    let credentials = Credentials::default()
        .with("subdomain", "acme")
        .with("username", "owner@acme.example")
        .with("password", "pw");
    let account = AcAccount {
        url: ac.url(),
        token: ac.token().into(),
    };
    let conn = engine
        .connect("shoplane-session", credentials, Some(account))
        .await
        .expect("session login");
    let d = conn.describe("import-orders").await.expect("describe");
    assert_eq!(d.account_id, json!("5"));
    assert_eq!(d.description, json!("Acme Shop (acme.example)"));

    let mut wf = conn.workflow("import-orders").expect("workflow");
    let stores = wf.options("store", None).await.expect("stores");
    assert_eq!(
        stores,
        vec![json!({"display": "Main street", "value": "11"})]
    );
    wf.select(json!({"store": stores[0]})).expect("select");
    let (resource, display) = wf.describe_selection().await.expect("describe selection");
    assert_eq!(
        (resource, display),
        (json!("11"), json!("Store Main street"))
    );
    let (source, target) = wf.map_options().await.expect("map options");
    assert_eq!(source.len(), 8);
    assert_eq!(target.len(), 4 + 105);
    wf.set_mapping(
        &json!({"email": "email", "first_name": "firstName", "total_price": "4"}),
        &target,
    )
    .expect("mapping");

    wf.initial_setup().await.expect("initial setup");
    assert_eq!(
        wf.polling_state,
        Some(
            json!({"updated_since": "2026-11-01T00:00:00Z", "max_seen": "2026-11-01T00:00:00Z", "cursor": ""})
        )
    );
    let cycle = wf.poll().await.expect("cycle 1");
    assert_eq!((cycle.requests, cycle.stop), (2, PollStop::Done));
    assert_eq!(cycle.processed.len(), 3);
    assert_eq!(cycle.errors().count(), 0);
    assert_eq!(
        wf.polling_state.as_ref().map(|s| s["max_seen"].clone()),
        Some(json!("2026-11-04T00:00:00Z"))
    );
    let contacts = ac.contacts(ac.token());
    let summary: Vec<(Value, Value, Value, Value)> = contacts
        .iter()
        .map(|c| {
            (
                c["email"].clone(),
                c["firstName"].clone(),
                c["fieldValues"].clone(),
                c["tags"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                json!("ann@example.com"),
                json!("Annie"),
                json!([{"field": "4", "value": "42.50"}]),
                json!(["shoplane-customer"])
            ),
            (
                json!("bob@example.com"),
                json!("Bob"),
                json!([{"field": "4", "value": "42.50"}]),
                json!(["shoplane-customer"])
            ),
        ]
    );

    let cycle = wf.poll().await.expect("cycle 2");
    assert_eq!((cycle.requests, cycle.stop), (1, PollStop::NoResults));
    assert_eq!(ac.contacts(ac.token()).len(), 2);
}
