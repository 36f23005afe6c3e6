//! The host on loopback (D28): the inbound example's workflow installed in a host on a SQLite
//! file in a temporary directory, with the example's stand-in Formly API and the fake
//! ActiveCampaign (its rate limit lifted, and the engine's limiter of the account raised).
//!
//! 1. Acknowledgement: no workers; `HOST_BENCH_COUNT` distinct form responses posted by
//!    `HOST_BENCH_CLIENTS` concurrent tasks, each sending its share one after another over a
//!    keep-alive connection; acknowledged webhooks per second and the latency of each request
//!    (sent until its answer is read): p50, p99, max.
//! 2. End to end: `HOST_BENCH_WORKERS` workers started on the stored events; events processed
//!    per second until every one is done (each makes its requests to the fake ActiveCampaign).
//!    The events are one installation's, which runs them one at a time, in order.
//!
//! `cargo bench -p appstudio-host --bench host`; `HOST_BENCH_QUICK=1` runs a few hundred
//! events in seconds (CI).

// AS1003: the example's free-text fields have no `options`.
appstudio::include_app!("../examples/inbound_forms/app.json", allow(AS1003));

// the example's stand-in Formly API and setup (connect, select, map); the bench uses part of it
#[allow(dead_code)]
#[path = "../../examples/inbound_forms/setup.rs"]
mod setup;

use std::sync::Arc;
use std::time::{Duration, Instant};

use appstudio_host::{Host, HostConfig, Key, STORED};
use appstudio_testing::{FakeActiveCampaign, FakeConfig};
use serde_json::json;

/// What the bench does, from the environment.
struct Load {
    count: usize,
    clients: usize,
    workers: usize,
}

impl Load {
    fn from_env() -> Load {
        let quick = std::env::var_os("HOST_BENCH_QUICK").is_some_and(|v| v != "0");
        let var = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let (count, clients) = if quick { (500, 16) } else { (20_000, 64) };
        Load {
            count: var("HOST_BENCH_COUNT", count),
            clients: var("HOST_BENCH_CLIENTS", clients).max(1),
            workers: var("HOST_BENCH_WORKERS", 2),
        }
    }
}

/// The `i`-th form response: distinct (its id and email), ~420 bytes.
fn body(i: usize) -> Vec<u8> {
    setup::response(
        "77",
        "f_42",
        &format!("r{i}"),
        &format!("person{i}@example.com"),
        vec![
            setup::answer("q_name", json!(format!("Name {i}"))),
            setup::answer("q_topics", json!(["Books", "Music"])),
        ],
    )
    .to_string()
    .into_bytes()
}

/// A quantile of sorted latencies, in ms.
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1e3
}

fn main() {
    let load = Load::from_env();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run(load));
}

async fn run(load: Load) {
    let formly = setup::stand_in_formly().await;
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port on 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let db = format!("sqlite://{}", dir.path().join("host.db").display());
    let mut config = HostConfig::new(&db, &base, Key::generate());
    config.engine = setup::engine_config(&formly.uri());
    // the fake has no rate limit: neither has the engine's limiter of the account
    config.engine.activecampaign_rate = 1_000_000;
    let host = Host::<App>::open(config).await.expect("the host opens");
    let workflow = setup::set_up(host.engine(), ac.account(), &mut |_| {})
        .await
        .expect("the workflow is set up");
    let installed = host
        .install(ac.account(), setup::credentials(), workflow)
        .await
        .expect("installed");
    let router = host.router();
    tokio::spawn(async move { axum::serve(listener, router).await });

    // 1. acknowledgement: no workers
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new((0..load.count).map(body).collect());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(load.clients)
        .build()
        .expect("an HTTP client");
    let url = Arc::new(
        installed
            .webhook_url
            .clone()
            .expect("a webhook installation has a URL"),
    );
    let started = Instant::now();
    let tasks: Vec<_> = (0..load.clients)
        .map(|c| {
            let (client, url, bodies) = (client.clone(), url.clone(), bodies.clone());
            let clients = load.clients;
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for i in (c..bodies.len()).step_by(clients) {
                    let sent = Instant::now();
                    let r = client
                        .post(url.as_str())
                        .header("content-type", "application/json")
                        .body(bodies[i].clone())
                        .send()
                        .await
                        .expect("the host answers");
                    let status = r.status().as_u16();
                    let stored = r.headers().get(STORED).cloned();
                    let _ = r.bytes().await.expect("the answer's body");
                    latencies.push(sent.elapsed());
                    assert_eq!(status, 200, "request {i} was not acknowledged");
                    assert_eq!(
                        stored.as_ref().and_then(|v| v.to_str().ok()),
                        Some("1"),
                        "request {i} was not stored once"
                    );
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(load.count);
    for t in tasks {
        latencies.extend(t.await.expect("a client task"));
    }
    let acked = started.elapsed();
    latencies.sort();
    let pending = host.store().count_events("pending").await.expect("count");
    assert_eq!(
        pending, load.count as i64,
        "every acknowledged event is stored"
    );
    println!(
        "host: {:.0} acknowledged/s, p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms \
         ({} webhooks of {} bytes, {} clients, {:.2} s)",
        load.count as f64 / acked.as_secs_f64(),
        quantile(&latencies, 0.50),
        quantile(&latencies, 0.99),
        quantile(&latencies, 1.0),
        load.count,
        bodies[0].len(),
        load.clients,
        acked.as_secs_f64(),
    );

    // 2. end to end: workers run every stored event into the fake ActiveCampaign
    ac.clear_requests();
    let started = Instant::now();
    let workers = host.start_workers(load.workers);
    loop {
        let done = host.store().count_events("done").await.expect("count");
        let dead = host.store().count_events("dead").await.expect("count");
        assert_eq!(dead, 0, "an event failed");
        if done == load.count as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let processed = started.elapsed();
    workers.stop().await;
    let contacts = ac.contacts(ac.token()).len();
    assert_eq!(contacts, load.count, "one contact per event");
    let requests = ac.requests().len() as f64 / load.count as f64;
    println!(
        "host: {:.0} events/s end to end ({} workers, {} events of one installation, \
         {requests:.1} ActiveCampaign requests each, {:.2} s)",
        load.count as f64 / processed.as_secs_f64(),
        load.workers,
        load.count,
        processed.as_secs_f64(),
    );
}
