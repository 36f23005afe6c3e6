//! Another app through the same host: token auth, a connection-scope webhook (one URL per
//! installation) and custom objects, provisioned at install (D27), whose records the workers
//! write.

mod shop {
    appstudio::include_app!("../tests/apps/custom_objects.json");
}

use std::sync::{Arc, Mutex};
use std::time::Duration;

use appstudio::api::DynamicField;
use appstudio::engine::{EngineConfig, Mapping};
use appstudio::value::{Choice, Secret};
use appstudio_host::{Host, HostConfig, Key};
use appstudio_testing::{FakeActiveCampaign, FakeConfig};
use axum::Json;
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use shop::workflows::sync_orders::mapping::SourceField;

use crate::support::{AC_TOKEN, Url, until};

/// A stand-in Shoply API: the account, and webhook subscriptions (their URLs).
async fn shoply(subscribed: Arc<Mutex<Vec<String>>>) -> String {
    let (on_create, on_delete) = (subscribed.clone(), subscribed);
    let app = axum::Router::new()
        .route(
            "/me",
            get(|| async { Json(json!({"id": 4, "name": "Shoply"})) }),
        )
        .route(
            "/webhooks",
            post(move |Json(body): Json<Value>| async move {
                let url = body["url"].as_str().unwrap_or_default().to_owned();
                on_create.lock().unwrap().push(url);
                Json(json!({"id": "wh1"}))
            }),
        )
        .route(
            "/webhooks/{id}",
            delete(move || async move {
                on_delete.lock().unwrap().clear();
                Json(json!({}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_with_custom_objects_and_a_connection_scope_webhook() {
    let subscribed = Arc::new(Mutex::new(Vec::new()));
    let origin = shoply(subscribed.clone()).await;
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        tokens: vec![AC_TOKEN.into()],
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = HostConfig::new(
        format!("sqlite://{}", dir.path().join("host.db").display()),
        &base,
        Key::generate(),
    );
    config.engine = EngineConfig::default().with_override("https://api.shoply.example", &origin);
    config.idle_poll = Duration::from_millis(20);
    let host = Host::<shop::App>::open(config).await.unwrap();
    let router = host.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });

    let token = || shop::auth::ApiKey {
        token: Secret::new("shoply-key"),
    };
    let conn = host
        .engine()
        .connect(token(), Some(ac.account()))
        .await
        .unwrap();
    // the schemas exist before the mapping offers their fields; install provisions again,
    // which finds them current and writes nothing
    conn.provision_objects().await.unwrap();
    let mut wf = conn.workflow(shop::workflows::SyncOrders);
    wf.select(shop::workflows::sync_orders::CustomData {
        store: Choice::new("main", "Main store"),
    })
    .unwrap();
    let options = wf.map_options().await.unwrap();
    let to = DynamicField::in_group;
    let mapping = Mapping::new()
        .map(SourceField::ContactEmail, to("contact", "email"))
        .map(SourceField::OrderNumber, to("shoply_order", "externalId"))
        .map(SourceField::OrderTotal, to("shoply_order", "total"))
        .map(SourceField::OrderStatus, to("shoply_order", "status"));
    wf.set_mapping(&mapping, &options).unwrap();
    let schema_calls = |ac: &FakeActiveCampaign| {
        let methods: Vec<String> = ac
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/api/3/customObjects/schemas"))
            .map(|r| r.method)
            .collect();
        let reads = methods.iter().filter(|m| *m == "GET").count();
        (reads, methods.len() - reads)
    };
    let (reads, writes) = schema_calls(&ac);
    assert_eq!(writes, 1);
    let installed = host.install(ac.account(), token(), wf).await.unwrap();
    assert_eq!(ac.schemas(AC_TOKEN).len(), 1);
    // install provisioned again: it read the schemas, found them current, wrote nothing
    assert_eq!(schema_calls(&ac), (reads + 1, 1));
    assert_eq!(
        *subscribed.lock().unwrap(),
        vec![installed.url().to_owned()]
    );

    let workers = host.start_workers(1);
    let order = json!({"buyer": {"email": "ann@example.com"},
                       "order": {"number": "A-1", "total": 12.5, "status": "paid"}});
    let r = reqwest::Client::new()
        .post(installed.url())
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    until("the record", async || ac.records(AC_TOKEN).len() == 1).await;
    workers.stop().await;
    assert_eq!(ac.records(AC_TOKEN)[0]["externalId"], "A-1");

    host.uninstall(&installed.id).await.unwrap();
    assert!(subscribed.lock().unwrap().is_empty());
}
