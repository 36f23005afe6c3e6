//! Issue 9: remote data nested deeply, programs building deep values, and long programs.
//! None of them may overflow a stack (which would abort this whole test binary) or stall the
//! async executor; each ends in a matchable error.

mod deep {
    appstudio::include_app!("tests/apps/deep_values.json", allow(AS1003));
}

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use appstudio::engine::{Connection, Engine, EngineConfig, ErrorKind};
use appstudio::value::Secret;
use serde_json::json;
use wiremock::MockServer;

use crate::support::{config, get};
use deep::workflows::{BuildDeep, BuildDeepObject, ParseNested, RunLong};

const ORIGIN: &str = "https://api.deep.example";

/// `depth` nested arrays, as JSON text.
fn nested(depth: usize) -> String {
    "[".repeat(depth) + &"]".repeat(depth)
}

async fn connect(config: EngineConfig) -> Connection<deep::auth::ApiKey> {
    let engine = Engine::<deep::App>::new(config).expect("engine");
    let credentials = deep::auth::ApiKey {
        token: Secret::new("k1"),
    };
    engine.connect(credentials, None).await.expect("connect")
}

/// An API field holding 5,000 nested arrays, passed through `fromjson`: a jq error, not a
/// stack overflow of the tokio worker.
#[tokio::test]
async fn fromjson_of_a_deeply_nested_remote_field_is_an_error() {
    let server = MockServer::start().await;
    get(&server, "/me", json!({"id": 1, "nested": nested(5_000)})).await;
    let conn = connect(config(ORIGIN, &server)).await;
    let err = conn.describe(ParseNested).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Jq, "{err}");
    assert!(err.message().contains("deeper than"), "{err}");
}

/// Shallow enough, the same field parses.
#[tokio::test]
async fn fromjson_of_a_shallow_remote_field_parses() {
    let server = MockServer::start().await;
    get(&server, "/me", json!({"id": 1, "nested": nested(100)})).await;
    let conn = connect(config(ORIGIN, &server)).await;
    let d = conn.describe(ParseNested).await.unwrap();
    assert_eq!(d.account_id, json!("1"), "{d:?}");
}

/// Programs building values 100,000 levels deep (arrays, objects): an error, not an abort when
/// the value is dropped.
#[tokio::test]
async fn programs_building_deep_values_fail() {
    let server = MockServer::start().await;
    get(&server, "/me", json!({"id": 1})).await;
    let conn = connect(config(ORIGIN, &server)).await;
    for err in [
        conn.describe(BuildDeep).await.unwrap_err(),
        conn.describe(BuildDeepObject).await.unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Jq, "{err}");
        assert!(err.message().contains("deeper than"), "{err}");
    }
}

/// A program running until its time budget (1 s here) does not stall the executor: a ticker on
/// the same current-thread runtime keeps ticking.
#[tokio::test(flavor = "current_thread")]
async fn a_long_program_does_not_stall_the_executor() {
    let server = MockServer::start().await;
    get(&server, "/me", json!({"id": 1})).await;
    let mut cfg = config(ORIGIN, &server);
    cfg.jq_limits.time = Duration::from_secs(1);
    let conn = connect(cfg).await;
    let ticks = Arc::new(AtomicUsize::new(0));
    let counter = ticks.clone();
    let ticker = tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_millis(10));
        loop {
            every.tick().await;
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    let err = conn.describe(RunLong).await.unwrap_err();
    ticker.abort();
    assert_eq!(err.kind(), ErrorKind::Jq, "{err}");
    let ticks = ticks.load(Ordering::Relaxed);
    // about 100 in a second; a stalled executor gets one or two
    assert!(ticks >= 20, "only {ticks} ticks while jq ran");
}
