//! A webhook workflow's historical sync (D25, D28): queued at install, run once by a worker
//! (its results through the webhook's pipeline), never again, a restart included.

mod history {
    appstudio::include_app!("../examples/order_history/app.json");
}

use std::time::{Duration, SystemTime};

use appstudio::api::DynamicField;
use appstudio::engine::Mapping;
use appstudio::value::Secret;
use appstudio_host::{Clock, Host, Key};
use appstudio_testing::{FakeActiveCampaign, FakeConfig};
use history::auth::ShoplaneSession;
use history::workflows::SyncNewOrders;
use history::workflows::sync_new_orders::{CustomData, mapping::SourceField, options};
use serde_json::{Value, json};
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{AC_TOKEN, config, until};

const ORDERS: &str = "/admin/api/2024-04/orders";

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The stand-in Shoplane: a login, the shop, webhooks, and two orders on one page.
async fn shoplane() -> MockServer {
    let server = MockServer::start().await;
    let routes = [
        (
            "POST",
            "/admin/api/sessions",
            json!({"access_token": "s", "expires_in": 86400}),
        ),
        (
            "GET",
            "/admin/api/2024-04/shop",
            json!({"shop": {"id": 5, "name": "Acme Shop"}}),
        ),
        (
            "POST",
            "/admin/api/2024-04/webhooks",
            json!({"webhook": {"id": 901}}),
        ),
        ("DELETE", "/admin/api/2024-04/webhooks/901", json!({})),
        (
            "GET",
            ORDERS,
            json!({"orders": [order(1, "old@example.com"), order(2, "older@example.com")]}),
        ),
    ];
    for (verb, at, body) in routes {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ok(body))
            .mount(&server)
            .await;
    }
    server
}

fn order(id: u64, email: &str) -> Value {
    json!({"id": id, "total_price": "10.00",
           "customer": {"email": email, "first_name": "F", "last_name": "L", "orders_count": 2}})
}

async fn open(dir: &TempDir, key: &Key, clock: &Clock, url: &str) -> Host<history::App> {
    let db = format!("sqlite://{}", dir.path().join("host.db").display());
    let mut c = config(&db, "http://127.0.0.1:9", key.clone(), url);
    c.engine = c.engine.with_override("https://*.shoplane.example", url);
    c.clock = clock.clone();
    Host::open(c).await.unwrap()
}

/// Requests the stand-in got for the orders.
async fn order_requests(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap_or_default();
    requests.iter().filter(|r| r.url.path() == ORDERS).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_historical_sync_runs_once_per_installation() {
    let server = shoplane().await;
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        tokens: vec![AC_TOKEN.into()],
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await;
    let (dir, key) = (tempfile::tempdir().unwrap(), Key::generate());
    let clock = Clock::manual(SystemTime::now());
    let host = open(&dir, &key, &clock, &server.uri()).await;
    let credentials = || ShoplaneSession {
        subdomain: "acme".into(),
        username: "u".into(),
        password: Secret::new("p"),
    };
    let conn = host
        .engine()
        .connect(credentials(), Some(ac.account()))
        .await
        .unwrap();
    let mut wf = conn.workflow(SyncNewOrders);
    let tags = wf.options(options::FirstOrderTag).await.unwrap();
    wf.select(CustomData {
        first_order_tag: tags[0].clone(),
    })
    .unwrap();
    wf.describe_selection().await.unwrap();
    let map_options = wf.map_options().await.unwrap();
    let mapping = Mapping::new().map(SourceField::Email, DynamicField::new("email"));
    wf.set_mapping(&mapping, &map_options).unwrap();
    let installed = host.install(ac.account(), credentials(), wf).await.unwrap();
    assert!(installed.webhook_url.is_some());

    let workers = host.start_workers(2);
    until("the historical sync", async || {
        let runs = host.store().runs(&installed.id).await.unwrap();
        runs.len() == 1 && runs[0].status == "processed"
    })
    .await;
    let contacts = ac.contacts(AC_TOKEN);
    let emails: Vec<&str> = contacts
        .iter()
        .filter_map(|c| c["email"].as_str())
        .collect();
    assert_eq!(emails, ["old@example.com", "older@example.com"]);
    let schedules = host.store().schedules(&installed.id).await.unwrap();
    assert_eq!(
        (schedules[0].kind.as_str(), schedules[0].next_at),
        ("historical", None)
    );
    assert_eq!(order_requests(&server).await, 1);

    // days later, after a restart: nothing more
    workers.stop().await;
    clock.advance(Duration::from_secs(3 * 24 * 3600));
    let host = open(&dir, &key, &clock, &server.uri()).await;
    let workers = host.start_workers(2);
    tokio::time::sleep(Duration::from_millis(300)).await;
    workers.stop().await;
    assert_eq!(order_requests(&server).await, 1);
    assert_eq!(host.store().runs(&installed.id).await.unwrap().len(), 1);
}
