//! The historical-sync example: a workflow-scope webhook (create saves the hook id, delete
//! uses it), live orders through the webhook, and the one-time backfill through the
//! `historical_data_intake` poll, whose results share the webhook's `data_pipeline`.

use appstudio::api::DynamicField;
use appstudio::engine::{Delivery, Engine, Incoming, Mapping, PollStop};
use appstudio::value::Secret;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::apps::order_history::workflows::SyncNewOrders;
use crate::support::apps::order_history::workflows::sync_new_orders::{
    CustomData, mapping::SourceField, options,
};
use crate::support::apps::order_history::{App, auth};
use crate::support::{config, fake_activecampaign, get, ok};

fn order(id: u64, email: &str, orders_count: u64) -> Value {
    json!({"id": id, "total_price": "10.00",
           "customer": {"email": email, "first_name": "F", "last_name": "L", "orders_count": orders_count}})
}

#[tokio::test]
async fn webhook_and_backfill_share_the_pipeline() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/api/sessions"))
        .respond_with(ok(json!({"access_token": "s", "expires_in": 3600})))
        .mount(&server)
        .await;
    get(
        &server,
        "/admin/api/2024-04/shop",
        json!({"shop": {"id": 5, "name": "Acme Shop"}}),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/admin/api/2024-04/webhooks"))
        .and(body_partial_json(
            json!({"webhook": {"topic": "orders/create", "address": "https://hooks.example/o/1"}}),
        ))
        .respond_with(ok(json!({"webhook": {"id": 901}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/admin/api/2024-04/webhooks/901"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // 100 orders on page 1 (so the poll iterates), 1 on page 2
    let page1: Vec<Value> = (1..=100)
        .map(|i| order(i, &format!("c{}@example.com", i % 3), 2))
        .collect();
    Mock::given(method("GET"))
        .and(path("/admin/api/2024-04/orders"))
        .and(query_param("page", "1"))
        .respond_with(ok(json!({"orders": page1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/api/2024-04/orders"))
        .and(query_param("page", "2"))
        .respond_with(ok(json!({"orders": [order(101, "new@example.com", 1)]})))
        .expect(1)
        .mount(&server)
        .await;

    let ac = fake_activecampaign().await;
    let mut config = config("https://*.shoplane.example", &server);
    // ~400 ActiveCampaign calls: not at the production 5 per second in a test
    config.activecampaign_rate = 1000;
    let engine = Engine::<App>::new(config).expect("engine");
    let credentials = auth::ShoplaneSession {
        subdomain: "acme".into(),
        username: "u".into(),
        password: Secret::new("p"),
    };
    let account = ac.account();
    let conn = engine
        .connect(credentials, Some(account))
        .await
        .expect("connect");
    let mut wf = conn.workflow(SyncNewOrders);
    let tags = wf
        .options(options::FirstOrderTag)
        .await
        .expect("static options");
    wf.select(CustomData {
        first_order_tag: tags[0].clone(),
    })
    .expect("select");
    wf.describe_selection().await.expect("describe selection");
    let map_options = wf.map_options().await.expect("map options");
    let mapping = Mapping::new()
        .map(SourceField::Email, DynamicField::new("email"))
        .map(SourceField::FirstName, DynamicField::new("firstName"));
    wf.set_mapping(&mapping, &map_options).expect("mapping");

    wf.create_webhook("https://hooks.example/o/1")
        .await
        .expect("create");
    assert_eq!(
        wf.saved().workflow.get("hook_id"),
        Some(&appstudio::json!(901))
    );
    let live = json!({"topic": "orders/create", "order": order(500, "live@example.com", 1)});
    match wf.receive(Incoming::json(live)).await.expect("receive") {
        Delivery::Processed { processed, .. } => {
            assert_eq!(
                processed.output["tags"],
                json!(["shoplane-customer", "shoplane-first-order"])
            );
        }
        other => panic!("{other:?}"),
    }

    let cycle = wf
        .historical_sync()
        .await
        .expect("backfill")
        .expect("the first sync runs");
    assert_eq!((cycle.requests, cycle.stop), (2, PollStop::Done));
    assert_eq!(cycle.processed.len(), 101);
    assert_eq!(cycle.errors().count(), 0);
    let emails: Vec<Value> = ac
        .contacts(ac.token())
        .iter()
        .map(|c| c["email"].clone())
        .collect();
    assert_eq!(
        emails,
        [
            json!("live@example.com"),
            json!("c1@example.com"),
            json!("c2@example.com"),
            json!("c0@example.com"),
            json!("new@example.com")
        ]
    );
    wf.delete_webhook().await.expect("delete");
}
