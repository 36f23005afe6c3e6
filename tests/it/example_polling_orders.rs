//! The polling example through setup and two polling cycles: a session login, a store
//! selection, `initial_setup`, a cycle of two cursor pages of orders into ActiveCampaign
//! contacts, a restart (tokens and workflow state stored and restored), and a next cycle that
//! starts where the first ended; an expired session logged in again; against an API that never
//! stops paging, the request and result caps of a cycle.

use std::sync::atomic::{AtomicUsize, Ordering};

use appstudio::api::DynamicField;
use appstudio::engine::{
    Connection, Engine, ErrorKind, MAX_REQUESTS, MAX_RESULTS, Mapping, PollStop,
    SelectionDescription, WorkflowState,
};
use appstudio::value::{Choice, Secret};
use appstudio_testing::FakeActiveCampaign;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::apps::polling_orders::App;
use crate::support::apps::polling_orders::auth::ShoplaneSession;
use crate::support::apps::polling_orders::workflows::ImportOrders;
use crate::support::apps::polling_orders::workflows::import_orders::{
    CustomData, mapping::SourceField, options,
};
use crate::support::{fake_activecampaign, get, ok};

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
        .respond_with(ok(json!({"access_token": "sess-1", "expires_in": 3600})))
        .expect(1)
        .mount(&server)
        .await;
    let get = |p: &str, body: Value| {
        Mock::given(method("GET"))
            .and(path(p.to_owned()))
            .and(header("authorization", "Bearer sess-1"))
            .respond_with(ok(body))
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
    // initial_setup: the newest order
    orders(
        &[("limit", "1")],
        json!({"orders": [order(1, "old@example.com", "Old", "2026-11-01T00:00:00Z")]}),
    )
    .mount(&server)
    .await;
    server
}

/// The orders of two cycles, each page requested once.
async fn mount_cycles(server: &MockServer) {
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
    .mount(server)
    .await;
    orders(
        &[("cursor", "page-2")],
        json!({"orders": [order(4, "ann@example.com", "Annie", "2026-11-04T00:00:00Z")], "next_cursor": null}),
    )
    .expect(1)
    .mount(server)
    .await;
    // cycle 2: nothing newer than the last order seen
    orders(
        &[("updated_at_min", "2026-11-04T00:00:00Z")],
        json!({"orders": []}),
    )
    .expect(1)
    .mount(server)
    .await;
}

/// The orders endpoint with these query parameters.
fn orders(params: &[(&str, &str)], body: Value) -> Mock {
    let mut m = Mock::given(method("GET")).and(path(ORDERS));
    for (k, v) in params {
        m = m.and(query_param(*k, *v));
    }
    m.respond_with(ok(body))
}

/// An engine for the app against the mock.
fn engine(server: &MockServer) -> Engine<App> {
    crate::support::engine::<App>("https://*.shoplane.example", server)
}

fn credentials() -> ShoplaneSession {
    ShoplaneSession {
        subdomain: "acme".into(),
        username: "owner@acme.example".into(),
        password: Secret::new("pw"),
    }
}

/// An engine for the app against the mock and the fake, connected (the session login).
async fn connect(server: &MockServer, ac: &FakeActiveCampaign) -> Connection<ShoplaneSession> {
    engine(server)
        .connect(credentials(), Some(ac.account()))
        .await
        .expect("session login")
}

#[tokio::test]
async fn orders_are_polled_into_contacts_cycle_after_cycle() {
    let server = shoplane().await;
    mount_cycles(&server).await;
    let ac = fake_activecampaign().await;
    let conn = connect(&server, &ac).await;
    let d = conn.describe(ImportOrders).await.expect("describe");
    assert_eq!(d.account_id, json!("5"));
    assert_eq!(d.description, json!("Acme Shop (acme.example)"));

    let mut wf = conn.workflow(ImportOrders);
    let stores = wf.options(options::Store).await.expect("stores");
    assert_eq!(stores, vec![Choice::new("11", "Main street")]);
    wf.select(CustomData {
        store: stores[0].clone(),
        customer_tag: None,
    })
    .expect("select");
    let selected = wf.describe_selection().await.expect("describe selection");
    assert_eq!(
        selected,
        SelectionDescription {
            resource_id: appstudio::json!("11"),
            display: "Store Main street".to_owned(),
        }
    );
    let map_options = wf.map_options().await.expect("map options");
    assert_eq!(map_options.source.len(), 8);
    assert_eq!(map_options.target.len(), 4 + 105);
    let mapping = Mapping::new()
        .map(SourceField::Email, DynamicField::new("email"))
        .map(SourceField::FirstName, DynamicField::new("firstName"))
        .map(SourceField::TotalPrice, DynamicField::new("4"));
    wf.set_mapping(&mapping, &map_options).expect("mapping");

    wf.initial_setup().await.expect("initial setup");
    assert_eq!(
        wf.polling_state(),
        Some(
            &appstudio::json!({"updated_since": "2026-11-01T00:00:00Z", "max_seen": "2026-11-01T00:00:00Z", "cursor": ""})
        )
    );
    let cycle = wf.poll().await.expect("cycle 1");
    assert_eq!((cycle.requests, cycle.stop), (2, PollStop::Done));
    assert_eq!(cycle.processed.len(), 3);
    assert_eq!(cycle.errors().count(), 0);
    // post_poll's `!print_c` reaches the cycle's log, with the state the cycle ended on
    let post_poll: Vec<&str> = cycle
        .log
        .iter()
        .filter(|l| l.step == "data_intake.post_poll")
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        post_poll,
        [
            "Shoplane order poll finished; the next cycle imports orders updated after 2026-11-04T00:00:00Z"
        ]
    );
    assert_eq!(
        cycle.post_poll_output(),
        Some(&appstudio::json::Value::Null)
    );
    assert_eq!(
        wf.polling_state().map(|s| s["max_seen"].clone()),
        Some(appstudio::json!("2026-11-04T00:00:00Z"))
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

    // the process restarts between cycles: tokens and workflow state go through storage,
    // a new engine restores the connection (no new login) and resumes the workflow
    let tokens = serde_json::to_string(&conn.tokens()).expect("tokens");
    let state = serde_json::to_string(&wf.state()).expect("state");
    drop((wf, conn));
    let engine = engine(&server);
    let conn = engine
        .restore(
            credentials(),
            serde_json::from_str(&tokens).expect("stored tokens"),
            Some(ac.account()),
        )
        .expect("restore");
    let mut wf = conn
        .resume(serde_json::from_str::<WorkflowState<ImportOrders>>(&state).expect("stored state"))
        .expect("resume");
    assert_eq!(
        wf.polling_state().map(|s| s["max_seen"].clone()),
        Some(appstudio::json!("2026-11-04T00:00:00Z"))
    );
    // the selection and the mapping come back typed
    assert_eq!(
        wf.selection(),
        Some(CustomData {
            store: stores[0].clone(),
            customer_tag: None,
        })
    );
    assert_eq!(wf.mapping(), Some(mapping));
    let cycle = wf.poll().await.expect("cycle 2");
    assert_eq!((cycle.requests, cycle.stop), (1, PollStop::NoResults));
    assert_eq!(ac.contacts(ac.token()).len(), 2);
}

/// An orders API that always has another page: `per_page` new orders without a customer
/// email, and a next cursor.
struct Endless {
    per_page: usize,
    served: AtomicUsize,
}

impl Respond for Endless {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        let orders: Vec<Value> = (0..self.per_page)
            .map(|i| {
                let mut o = order(
                    (n * self.per_page + i) as u64,
                    "",
                    "X",
                    "2026-11-05T00:00:00Z",
                );
                o["customer"]["email"] = Value::Null;
                o
            })
            .collect();
        ok(json!({"orders": orders, "next_cursor": format!("page-{}", n + 1)}))
    }
}

/// A cycle against an API that never stops paging; the results fail in the pipeline (no
/// email), before any request to ActiveCampaign.
async fn runaway_cycle(per_page: usize) -> (appstudio::engine::PollCycle, usize) {
    let server = shoplane().await;
    Mock::given(method("GET"))
        .and(path(ORDERS))
        .and(query_param("limit", "100"))
        .respond_with(Endless {
            per_page,
            served: AtomicUsize::new(0),
        })
        .with_priority(1)
        .mount(&server)
        .await;
    let ac = fake_activecampaign().await;
    let conn = connect(&server, &ac).await;
    let mut wf = conn.workflow(ImportOrders);
    wf.select(CustomData {
        store: Choice::new("11", "Main street"),
        customer_tag: None,
    })
    .expect("select");
    wf.describe_selection().await.expect("resource id");
    let map_options = wf.map_options().await.expect("map options");
    let mapping = Mapping::new().map(SourceField::Email, DynamicField::new("email"));
    wf.set_mapping(&mapping, &map_options).expect("mapping");
    wf.initial_setup().await.expect("initial setup");
    ac.clear_requests();
    let cycle = wf.poll().await.expect("cycle");
    let ac_requests = ac.requests().len();
    (cycle, ac_requests)
}

#[tokio::test]
async fn a_cycle_stops_after_its_request_cap() {
    let (cycle, ac_requests) = runaway_cycle(1).await;
    assert_eq!(cycle.stop, PollStop::RequestCap);
    assert_eq!(cycle.requests, MAX_REQUESTS);
    // every result went through the pipeline, and failed there on its own
    assert_eq!(cycle.processed.len(), MAX_REQUESTS);
    assert_eq!(cycle.errors().count(), MAX_REQUESTS);
    let first = cycle.errors().next().unwrap();
    assert_eq!(first.kind(), ErrorKind::InvalidInput, "{first}");
    assert!(first.to_string().contains("email"), "{first}");
    assert_eq!(ac_requests, 0);
}

#[tokio::test]
async fn a_cycle_stops_requesting_after_its_result_cap() {
    let (cycle, _) = runaway_cycle(300).await;
    assert_eq!(cycle.stop, PollStop::ResultCap);
    // 4 pages of 300 pass 1,000; the last page is still processed whole
    assert_eq!(cycle.requests, MAX_RESULTS.div_ceil(300));
    assert_eq!(cycle.processed.len(), 1200);
}

/// Session tokens: `sess-1` for six seconds (one, with the engine's five seconds of margin),
/// then `sess-2`.
struct Sessions(AtomicUsize);

impl Respond for Sessions {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        let expires_in = if n == 1 { 6 } else { 3600 };
        ok(json!({"access_token": format!("sess-{n}"), "expires_in": expires_in}))
    }
}

#[tokio::test]
async fn an_expired_session_logs_in_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/api/sessions"))
        .respond_with(Sessions(AtomicUsize::new(0)))
        .expect(2)
        .mount(&server)
        .await;
    get(
        &server,
        "/admin/api/2024-04/stores",
        json!({"stores": [{"id": 11, "name": "Main street"}]}),
    )
    .await;
    let ac = fake_activecampaign().await;
    let conn = connect(&server, &ac).await;
    let wf = conn.workflow(ImportOrders);
    wf.options(options::Store)
        .await
        .expect("with the first session");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    wf.options(options::Store)
        .await
        .expect("with the second session");
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .filter_map(|r| r.headers.get("authorization"))
        .map(|h| h.to_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(sent, ["Bearer sess-1", "Bearer sess-2"]);
    let stored = serde_json::to_value(conn.tokens()).unwrap();
    assert_eq!(stored["access"], "sess-2");
}
