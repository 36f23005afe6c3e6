//! The scheduler (D28) under a manual clock: the polling example's app installed in a host,
//! its cycles run by the workers when the clock says they are due, a schedule missed while
//! the host was down run once, a `single` import run once, uninstall removing the schedule.

mod shoplane {
    appstudio::include_app!("../examples/polling_orders/app.json", allow(AS1003));
}

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use appstudio::api::DynamicField;
use appstudio::engine::Mapping;
use appstudio::ir::ImportKind;
use appstudio::value::Secret;
use appstudio_host::{Clock, Host, Installation, Key, Workers};
use appstudio_testing::{FakeActiveCampaign, FakeConfig};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use shoplane::auth::ShoplaneSession;
use shoplane::workflows::ImportOrders;
use shoplane::workflows::import_orders::{CustomData, mapping::SourceField, options};
use tempfile::TempDir;

use crate::support::{AC_TOKEN, ADMIN, config, until};

const HALF_HOUR: Duration = Duration::from_secs(1800);

/// The stand-in's orders, and the cycles it saw (requests of a first page).
#[derive(Default)]
struct Shop {
    orders: Vec<Value>,
    cycles: usize,
    /// Requests of a first page to answer 503 before answering.
    unavailable: usize,
}

type Shared = Arc<Mutex<Shop>>;

/// A stand-in Shoplane API: a session login, the shop, one store, and its orders updated
/// after `updated_at_min`, on one page.
async fn shoplane(shop: Shared) -> String {
    let app = axum::Router::new()
        .route(
            "/admin/api/sessions",
            post(|| async { Json(json!({"access_token": "sess-1", "expires_in": 86400})) }),
        )
        .route(
            "/admin/api/2024-04/shop",
            get(|| async {
                Json(json!({"shop": {"id": 5, "name": "Acme Shop", "domain": "acme.example"}}))
            }),
        )
        .route(
            "/admin/api/2024-04/stores",
            get(|| async { Json(json!({"stores": [{"id": 11, "name": "Main street"}]})) }),
        )
        .route("/admin/api/2024-04/stores/11/orders", get(orders))
        .with_state(shop);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

async fn orders(
    State(shop): State<Shared>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let mut shop = shop.lock().unwrap();
    if q.get("limit").map(String::as_str) == Some("1") {
        // initial_setup: the newest order before any the test adds
        let newest = order(0, "old@example.com", "2026-11-01T00:00:00Z");
        return Json(json!({"orders": [newest]})).into_response();
    }
    if shop.unavailable > 0 {
        shop.unavailable -= 1;
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    shop.cycles += 1;
    let since = q.get("updated_at_min").cloned().unwrap_or_default();
    let newer: Vec<Value> = shop
        .orders
        .iter()
        .filter(|o| o["updated_at"].as_str().unwrap_or_default() > since.as_str())
        .cloned()
        .collect();
    Json(json!({"orders": newer, "next_cursor": null})).into_response()
}

fn order(id: u64, email: &str, updated: &str) -> Value {
    json!({"id": id, "order_number": 1000 + id, "total_price": "42.50", "created_at": updated,
           "updated_at": updated,
           "customer": {"email": email, "first_name": "Ann", "last_name": "Doe", "orders_count": 1}})
}

/// A host of the polling app on a file, with a manual clock, the stand-in and the fake.
struct Polling {
    dir: TempDir,
    key: Key,
    clock: Clock,
    shop: Shared,
    url: String,
    ac: FakeActiveCampaign,
    host: Host<shoplane::App>,
}

impl Polling {
    async fn start() -> Polling {
        let shop = Shared::default();
        let url = shoplane(shop.clone()).await;
        let ac = FakeActiveCampaign::start_with(FakeConfig {
            tokens: vec![AC_TOKEN.into()],
            rate_limit: None,
            ..FakeConfig::default()
        })
        .await;
        let (dir, key) = (tempfile::tempdir().unwrap(), Key::generate());
        let clock = Clock::manual(SystemTime::now());
        let host = open(&dir, &key, &clock, &url).await;
        Polling {
            dir,
            key,
            clock,
            shop,
            url,
            ac,
            host,
        }
    }

    /// The host opened again from its file (the workers of the old one stopped).
    async fn restart(&mut self) {
        self.host = open(&self.dir, &self.key, &self.clock, &self.url).await;
    }

    /// Connects, selects the store, maps the order's email and installs.
    async fn install(&self) -> Installation {
        let credentials = || ShoplaneSession {
            subdomain: "acme".into(),
            username: "owner@acme.example".into(),
            password: Secret::new("pw"),
        };
        let conn = self
            .host
            .engine()
            .connect(credentials(), Some(self.ac.account()))
            .await
            .unwrap();
        conn.describe(ImportOrders).await.unwrap();
        let mut wf = conn.workflow(ImportOrders);
        let stores = wf.options(options::Store).await.unwrap();
        wf.select(CustomData {
            store: stores[0].clone(),
            customer_tag: None,
        })
        .unwrap();
        wf.describe_selection().await.unwrap();
        let map_options = wf.map_options().await.unwrap();
        let mapping = Mapping::new().map(SourceField::Email, DynamicField::new("email"));
        wf.set_mapping(&mapping, &map_options).unwrap();
        self.host
            .install(self.ac.account(), credentials(), wf)
            .await
            .unwrap()
    }

    fn cycles(&self) -> usize {
        self.shop.lock().unwrap().cycles
    }

    fn add_order(&self, id: u64, email: &str, updated: &str) {
        self.shop
            .lock()
            .unwrap()
            .orders
            .push(order(id, email, updated));
    }

    fn emails(&self) -> Vec<String> {
        self.ac
            .contacts(AC_TOKEN)
            .iter()
            .filter_map(|c| c["email"].as_str().map(str::to_owned))
            .collect()
    }

    /// Waits until `n` cycles ran and their runs are committed for good.
    async fn until_cycles(&self, id: &str, n: usize) {
        until(&format!("{n} cycles committed"), async || {
            let runs = self.host.store().runs(id).await.unwrap();
            self.cycles() == n
                && runs.len() == n
                && runs
                    .iter()
                    .all(|r| ["processed", "dead"].contains(&r.status.as_str()))
        })
        .await;
    }

    /// Lets idle workers look for due schedules many times (their idle poll is 20 ms), then
    /// checks no further cycle ran.
    async fn settle(&self, expected: usize) {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(self.cycles(), expected, "a cycle ran that was not due");
    }
}

async fn open(dir: &TempDir, key: &Key, clock: &Clock, url: &str) -> Host<shoplane::App> {
    let db = format!("sqlite://{}", dir.path().join("host.db").display());
    let mut c = config(&db, "http://127.0.0.1:9", key.clone(), url);
    c.engine = c.engine.with_override("https://*.shoplane.example", url);
    c.clock = clock.clone();
    Host::open(c).await.unwrap()
}

/// Cycles run when the clock says they are due (every 1800 s, the intake's `frequency`);
/// each commits its polling state, so the next imports only what is newer; after five hours
/// of downtime the missed schedule runs once, and the next is half an hour after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cycles_follow_the_clock_and_a_missed_schedule_runs_once() {
    let mut p = Polling::start().await;
    p.add_order(1, "ann@example.com", "2026-11-02T00:00:00Z");
    let installed = p.install().await;
    assert_eq!(installed.webhook_url, None);
    let workers: Workers = p.host.start_workers(2);
    // due at install
    p.until_cycles(&installed.id, 1).await;
    assert_eq!(p.emails(), ["ann@example.com"]);
    let runs = p.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(runs[0].status, "processed", "{runs:?}");
    let output: Value = serde_json::from_str(runs[0].output.as_deref().unwrap()).unwrap();
    assert_eq!(
        (&output["requests"], &output["results"], &output["stop"]),
        (&json!(1), &json!(1), &json!("Done"))
    );

    p.clock.advance(HALF_HOUR - Duration::from_secs(60));
    p.settle(1).await;
    p.add_order(2, "bob@example.com", "2026-11-03T00:00:00Z");
    p.clock.advance(Duration::from_secs(60));
    p.until_cycles(&installed.id, 2).await;
    // the polling state moved past Ann's order: only Bob's is new
    assert_eq!(p.emails(), ["ann@example.com", "bob@example.com"]);

    // five hours down: one cycle when the host is back, not ten
    workers.stop().await;
    p.clock.advance(Duration::from_secs(5 * 3600));
    p.restart().await;
    let workers = p.host.start_workers(2);
    p.until_cycles(&installed.id, 3).await;
    p.settle(3).await;
    let schedules = p.host.store().schedules(&installed.id).await.unwrap();
    assert_eq!(schedules.len(), 1);
    assert_eq!(
        schedules[0].next_at,
        Some(p.clock.now_ms() + HALF_HOUR.as_millis() as i64),
        "{schedules:?}"
    );
    p.clock.advance(HALF_HOUR);
    p.until_cycles(&installed.id, 4).await;
    workers.stop().await;
}

/// A `single` import (the `schedule` step's second option) stops after its cycle;
/// `recurring` chosen again makes it due at once; uninstalling removes the schedule.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_import_runs_once_and_uninstall_removes_the_schedule() {
    let p = Polling::start().await;
    let installed = p.install().await;
    p.host
        .choose_import(&installed.id, ImportKind::Single)
        .await
        .unwrap();
    let workers = p.host.start_workers(1);
    p.until_cycles(&installed.id, 1).await;
    p.clock.advance(HALF_HOUR * 4);
    p.settle(1).await;
    // as the admin route shows it
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin = format!(
        "http://{}/admin/installations/{}/schedules",
        listener.local_addr().unwrap(),
        installed.id
    );
    let router = p.host.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let listed: Value = reqwest::Client::new()
        .get(&admin)
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["schedules"],
        json!([{"kind": "poll", "import": "single", "next_at_ms": null, "queued_event": null}])
    );

    p.host
        .choose_import(&installed.id, ImportKind::Recurring)
        .await
        .unwrap();
    p.until_cycles(&installed.id, 2).await;

    p.host.uninstall(&installed.id).await.unwrap();
    assert!(p.host.installations().await.unwrap().is_empty());
    assert!(
        p.host
            .store()
            .schedules(&installed.id)
            .await
            .unwrap()
            .is_empty()
    );
    p.clock.advance(HALF_HOUR * 4);
    p.settle(2).await;
    workers.stop().await;
}

/// A cycle failing on a 503 is retried with backoff (the schedule stays queued meanwhile) and
/// its run records the attempts; the orders come once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_cycle_is_retried_then_delivered() {
    let p = Polling::start().await;
    p.add_order(1, "ann@example.com", "2026-11-02T00:00:00Z");
    let installed = p.install().await;
    p.shop.lock().unwrap().unavailable = 2;
    let workers = p.host.start_workers(2);
    p.until_cycles(&installed.id, 1).await;
    let runs = p.host.store().runs(&installed.id).await.unwrap();
    assert_eq!(
        (runs[0].status.as_str(), runs[0].attempts),
        ("processed", 3),
        "{runs:?}"
    );
    assert_eq!(p.emails(), ["ann@example.com"]);
    let schedules = p.host.store().schedules(&installed.id).await.unwrap();
    assert_eq!(schedules[0].queued_event, None);
    workers.stop().await;
}
