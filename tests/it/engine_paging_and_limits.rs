//! `"pagination": true` for the `limitoffset` and `cursor` styles (the `page` style runs in
//! the crm_objects example), `api.rate_limit` in its user (read/write) and flat app forms, and
//! request timeouts, against mock APIs on loopback.

mod shelf {
    appstudio::include_app!("tests/apps/paged_offset.json");
}
mod stream {
    appstudio::include_app!("tests/apps/paged_cursor.json");
}

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use appstudio::engine::{Connection, Engine, ErrorKind, MAX_PAGES, RetryPolicy};
use appstudio::value::{Choice, Secret};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{config, displays, engine, ok};
use shelf::workflows::ShelveContacts;
use shelf::workflows::shelve_contacts::options as shelf_options;
use stream::workflows::StreamContacts;
use stream::workflows::stream_contacts::options as stream_options;

// ------------------------------------------------------------------ limitoffset, token auth

async fn shelf_api() -> MockServer {
    let server = MockServer::start().await;
    for key in ["k1", "k2"] {
        Mock::given(method("GET"))
            .and(path("/v1/me"))
            // a token without `token_prefix` is sent alone (D8)
            .and(header("x-api-key", key))
            .respond_with(ok(json!({"id": key, "name": "Shelf"})))
            .mount(&server)
            .await;
    }
    server
}

async fn shelf_connection(
    engine: &Engine<shelf::App>,
    key: &str,
) -> Connection<shelf::auth::ApiKey> {
    let credentials = shelf::auth::ApiKey {
        token: Secret::new(key),
    };
    engine.connect(credentials, None).await.unwrap()
}

fn shelf(name: &str) -> Value {
    json!({"id": name.to_lowercase(), "name": name})
}

#[tokio::test]
async fn limitoffset_pages_until_total_items() {
    let server = shelf_api().await;
    let pages = [
        ("0", vec!["A", "B"]),
        ("2", vec!["C", "D"]),
        ("4", vec!["E"]),
    ];
    for (offset, names) in pages {
        let shelves: Vec<Value> = names.into_iter().map(shelf).collect();
        Mock::given(method("GET"))
            .and(path("/v1/shelves"))
            .and(query_param("limit", "2"))
            .and(query_param("offset", offset))
            .and(query_param("sort", "name"))
            .respond_with(ok(json!({"shelves": shelves, "total": 5})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let engine = engine::<shelf::App>("https://api.shelf.example", &server);
    let conn = shelf_connection(&engine, "k1").await;
    let wf = conn.workflow(ShelveContacts);
    let options = wf.options(shelf_options::Shelf).await.unwrap();
    assert_eq!(displays(&options), ["A", "B", "C", "D", "E"]);
    assert_eq!(options[4], Choice::new("e", "E"));
}

#[tokio::test]
async fn a_repeated_page_stops_paging() {
    let server = shelf_api().await;
    // an API that ignores `offset` and says nothing of the total
    Mock::given(method("GET"))
        .and(path("/v1/shelves"))
        .respond_with(ok(json!({"shelves": [shelf("A"), shelf("B")]})))
        .expect(2)
        .mount(&server)
        .await;
    let engine = engine::<shelf::App>("https://api.shelf.example", &server);
    let conn = shelf_connection(&engine, "k1").await;
    let wf = conn.workflow(ShelveContacts);
    let options = wf.options(shelf_options::Shelf).await.unwrap();
    assert_eq!(displays(&options), ["A", "B"]);
}

#[tokio::test]
async fn user_limits_split_reads_and_writes_and_belong_to_each_connection() {
    let server = shelf_api().await;
    Mock::given(method("GET"))
        .and(path("/v1/shelves"))
        .respond_with(ok(json!({"shelves": [shelf("A")], "total": 1})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/labels/search"))
        .respond_with(ok(json!({"labels": ["vip"]})))
        .mount(&server)
        .await;
    // 3 reads and 3 writes per 2 seconds for each connection
    let engine = engine::<shelf::App>("https://api.shelf.example", &server);
    let start = Instant::now();
    let first = shelf_connection(&engine, "k1").await; // read 1: verify_url
    let wf = first.workflow(ShelveContacts);
    wf.options(shelf_options::Shelf).await.unwrap(); // reads 2, 3
    wf.options(shelf_options::Shelf).await.unwrap();
    for _ in 0..3 {
        wf.options(shelf_options::Label).await.unwrap(); // writes 1-3: a bucket of their own
    }
    // another connection has its own buckets
    let second = shelf_connection(&engine, "k2").await;
    let other = second.workflow(ShelveContacts);
    other.options(shelf_options::Shelf).await.unwrap();
    other.options(shelf_options::Label).await.unwrap();
    let quick = start.elapsed();
    assert!(
        quick < Duration::from_millis(1500),
        "nothing waited yet, took {quick:?}"
    );
    // the first connection's fourth read waits for its window
    wf.options(shelf_options::Shelf).await.unwrap();
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(1900),
        "the 4th read within 2 s went through after {waited:?}"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 10);
}

#[tokio::test]
async fn a_slow_api_times_out_reads_retried_and_writes_not() {
    let server = shelf_api().await;
    let slow = |body: Value| ok(body).set_delay(Duration::from_secs(5));
    Mock::given(method("GET"))
        .and(path("/v1/shelves"))
        .respond_with(slow(json!({"shelves": [], "total": 0})))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/labels/search"))
        .respond_with(slow(json!({"labels": []})))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = config("https://api.shelf.example", &server);
    config.timeout = Duration::from_millis(300);
    config.retry = RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let engine = Engine::<shelf::App>::new(config).unwrap();
    let conn = shelf_connection(&engine, "k1").await;
    let wf = conn.workflow(ShelveContacts);
    let start = Instant::now();
    let err = wf.options(shelf_options::Shelf).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Remote5xx, "{err}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    // a POST that timed out may have been processed: it is not sent again
    let err = wf.options(shelf_options::Label).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Remote5xx, "{err}");
}

// ------------------------------------------------------------------- cursor, basic auth

async fn stream_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Basic YW5uOnB3"))
        .respond_with(ok(json!({"id": 7, "name": "Ann"})))
        .mount(&server)
        .await;
    server
}

async fn stream_connection(engine: &Engine<stream::App>) -> Connection<stream::auth::Login> {
    let credentials = stream::auth::Login {
        username: "ann".into(),
        password: Secret::new("pw"),
    };
    engine.connect(credentials, None).await.unwrap()
}

fn channels(names: &[&str], next: Value) -> ResponseTemplate {
    let channels: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": n.to_lowercase(), "name": n}))
        .collect();
    ok(json!({"channels": channels, "next": next}))
}

#[tokio::test]
async fn cursor_pages_follow_the_next_token_until_there_is_none() {
    let server = stream_api().await;
    Mock::given(method("GET"))
        .and(path("/channels"))
        .and(query_param("limit", "2"))
        .and(query_param("sort", "age"))
        .and(query_param_is_missing("next_cursor"))
        .respond_with(channels(&["News", "Sales"], json!("c/2?&=")))
        .expect(1)
        .mount(&server)
        .await;
    // the token is sent as it came, encoded in the query
    Mock::given(method("GET"))
        .and(path("/channels"))
        .and(query_param("next_cursor", "c/2?&="))
        .respond_with(channels(&["Support"], json!(null)))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine::<stream::App>("https://api.stream.example", &server);
    let conn = stream_connection(&engine).await;
    let wf = conn.workflow(StreamContacts);
    let options = wf.options(stream_options::Channel).await.unwrap();
    assert_eq!(displays(&options), ["News", "Sales", "Support"]);
}

#[tokio::test]
async fn a_repeated_cursor_stops_paging() {
    let server = stream_api().await;
    Mock::given(method("GET"))
        .and(path("/channels"))
        .and(query_param_is_missing("next_cursor"))
        .respond_with(channels(&["News"], json!("again")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/channels"))
        .and(query_param("next_cursor", "again"))
        .respond_with(channels(&["Sales"], json!("again")))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine::<stream::App>("https://api.stream.example", &server);
    let conn = stream_connection(&engine).await;
    let wf = conn.workflow(StreamContacts);
    let options = wf.options(stream_options::Channel).await.unwrap();
    assert_eq!(displays(&options), ["News", "Sales"]);
}

/// An API whose every page names a new next page.
struct Endless(AtomicUsize);

impl Respond for Endless {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        channels(&[&format!("C{n}")], json!(format!("after-{n}")))
    }
}

#[tokio::test]
async fn endless_cursors_stop_at_the_page_cap() {
    let server = stream_api().await;
    Mock::given(method("GET"))
        .and(path("/channels"))
        .respond_with(Endless(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    // under `{"app": {"requests": 50, "period": 1}}`: one bucket for reads and writes
    let engine = engine::<stream::App>("https://api.stream.example", &server);
    let start = Instant::now();
    let conn = stream_connection(&engine).await;
    let wf = conn.workflow(StreamContacts);
    let options = wf.options(stream_options::Channel).await.unwrap();
    assert_eq!(options.len(), MAX_PAGES);
    assert_eq!(options[MAX_PAGES - 1].display, "C99");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1 + MAX_PAGES);
    // 101 requests at 50 a second: the last one waits for the third window
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(1900), "took {took:?}");
}

#[tokio::test]
async fn the_app_limit_is_shared_by_every_connection() {
    let server = stream_api().await;
    let engine = engine::<stream::App>("https://api.stream.example", &server);
    // 60 connections, one `verify_url` request each: the 51st waits for the next second
    let start = Instant::now();
    for _ in 0..60 {
        stream_connection(&engine).await;
    }
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(900), "took {took:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 60);
}
