//! D19, credentials stay on the API's origin, and the response size cap, against stand-in
//! APIs on loopback: a `next_page_url` on another origin is not followed, a redirect to
//! another origin is not followed (so it carries no credential and no `Referer`), by the
//! engine and by the ActiveCampaign client alike; an answer over the cap is one request and
//! an error of its own kind.

mod links {
    appstudio::include_app!("tests/apps/paged_links.json");
}

use std::time::Duration;

use appstudio::activecampaign::{Client, ClientConfig};
use appstudio::engine::{Connection, Engine, ErrorKind, RetryPolicy};
use appstudio::value::Secret;
use serde_json::{Value, json};
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{displays, engine, ok};
use links::workflows::LinkContacts;
use links::workflows::link_contacts::options::{Folder, List};

/// The app's API origin, which the engine rewrites to the stand-in's.
const ORIGIN: &str = "https://api.links.example";

/// The stand-in Links API: `/v1/me` checks the key (`X-Api-Key: Key <token>`, D8).
async fn links_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .and(header("x-api-key", "Key lk_secret"))
        .respond_with(ok(json!({"id": "acct-1", "name": "Links"})))
        .mount(&server)
        .await;
    server
}

/// Another origin, answering everything, recording what it gets.
async fn elsewhere() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({"lists": [{"id": "x", "name": "Stolen"}]})))
        .mount(&server)
        .await;
    server
}

async fn connect(engine: &Engine<links::App>) -> Connection<links::auth::ApiKey> {
    let credentials = links::auth::ApiKey {
        token: Secret::new("lk_secret"),
    };
    engine.connect(credentials, None).await.expect("connect")
}

fn lists(names: &[&str], next: Value) -> ResponseTemplate {
    let lists: Vec<Value> = names
        .iter()
        .map(|n| json!({"id": n.to_lowercase(), "name": n}))
        .collect();
    ok(json!({"lists": lists, "next": next}))
}

/// What `other` received, as (header, value) lists.
async fn received(other: &MockServer) -> Vec<Vec<(String, String)>> {
    other
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_next_page_url_on_the_same_origin_is_followed() {
    let api = links_api().await;
    Mock::given(method("GET"))
        .and(path("/v1/lists"))
        .and(query_param("page", "1"))
        .respond_with(lists(
            &["A", "B"],
            json!(format!("{ORIGIN}/v1/lists?cursor=2")),
        ))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/lists"))
        .and(query_param("cursor", "2"))
        .and(header("x-api-key", "Key lk_secret"))
        .respond_with(lists(&["C"], json!(null)))
        .expect(1)
        .mount(&api)
        .await;
    let engine = engine::<links::App>(ORIGIN, &api);
    let conn = connect(&engine).await;
    let options = conn.workflow(LinkContacts).options(List).await.unwrap();
    assert_eq!(displays(&options), ["A", "B", "C"]);
}

#[tokio::test]
async fn a_next_page_url_on_another_origin_is_not_followed() {
    let api = links_api().await;
    let other = elsewhere().await;
    let next = format!("{}/v1/lists?page=2", other.uri());
    Mock::given(method("GET"))
        .and(path("/v1/lists"))
        .respond_with(lists(&["A", "B"], json!(next)))
        .expect(1)
        .mount(&api)
        .await;
    let engine = engine::<links::App>(ORIGIN, &api);
    let conn = connect(&engine).await;
    let e = conn
        .workflow(LinkContacts)
        .options(List)
        .await
        .expect_err("a next page elsewhere is refused");
    assert_eq!(received(&other).await.len(), 0, "nothing is sent elsewhere");
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    let message = e.message();
    assert!(message.contains(ORIGIN), "{message}");
    assert!(message.contains(&other.uri()), "{message}");
}

#[tokio::test]
async fn a_redirect_on_the_same_origin_is_followed() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/v1/me2"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/me2"))
        .and(header("x-api-key", "Key lk_secret"))
        .respond_with(ok(json!({"id": "acct-1", "name": "Links"})))
        .expect(1..)
        .mount(&api)
        .await;
    let engine = engine::<links::App>(ORIGIN, &api);
    connect(&engine).await;
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let api = links_api().await;
    let other = elsewhere().await;
    Mock::given(method("GET"))
        .and(path("/v1/lists"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/v1/lists", other.uri()).as_str()),
        )
        .mount(&api)
        .await;
    let engine = engine::<links::App>(ORIGIN, &api);
    let conn = connect(&engine).await;
    let e = conn
        .workflow(LinkContacts)
        .options(List)
        .await
        .expect_err("a redirect elsewhere is not followed");
    for headers in received(&other).await {
        for (name, value) in &headers {
            let name = name.to_ascii_lowercase();
            assert!(
                !matches!(
                    name.as_str(),
                    "x-api-key" | "authorization" | "cookie" | "referer"
                ),
                "{name}: {value} went to another origin"
            );
        }
    }
    assert_eq!(received(&other).await.len(), 0, "nothing is sent elsewhere");
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.message().contains(&other.uri()), "{e}");
    assert!(e.message().contains(&api.uri()), "{e}");
    assert!(e.message().contains("not followed"), "{e}");
    let asked = api
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/v1/lists")
        .count();
    assert_eq!(asked, 1, "a redirect not followed is not retried");
}

/// An ActiveCampaign client of the stand-in with fast retries, up to `attempts`.
fn quick_client(stand_in: &MockServer, attempts: u32) -> Client {
    let config = ClientConfig {
        retry: RetryPolicy {
            max_attempts: attempts,
            base: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        },
        requests_per_second: 1000,
        ..ClientConfig::default()
    };
    Client::with_config(&stand_in.uri(), "ac_secret".into(), config).unwrap()
}

#[tokio::test]
async fn activecampaign_redirects_to_another_origin_carry_no_api_token() {
    let stand_in = MockServer::start().await;
    let other = elsewhere().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/api/3/tags", other.uri()).as_str()),
        )
        .mount(&stand_in)
        .await;
    let ac = quick_client(&stand_in, 2);
    let e = ac
        .get("tags", &[])
        .await
        .expect_err("the redirect is not followed");
    for headers in received(&other).await {
        for (name, value) in &headers {
            assert!(
                !name.eq_ignore_ascii_case("api-token") && !name.eq_ignore_ascii_case("referer"),
                "{name}: {value} went to another origin"
            );
        }
    }
    assert_eq!(received(&other).await.len(), 0, "nothing is sent elsewhere");
    assert!(e.to_string().contains("not followed"), "{e}");
}

#[tokio::test]
async fn an_answer_over_the_size_cap_is_one_request_and_its_own_error() {
    let api = links_api().await;
    let huge = vec![b' '; (16 << 20) + 1];
    Mock::given(method("GET"))
        .and(path("/v1/lists"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(huge))
        .mount(&api)
        .await;
    let engine = engine::<links::App>(ORIGIN, &api);
    let conn = connect(&engine).await;
    let e = conn
        .workflow(LinkContacts)
        .options(List)
        .await
        .expect_err("too large");
    let lists = api
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/v1/lists")
        .count();
    assert_eq!(lists, 1, "an answer over the cap is not asked again: {e}");
    assert_eq!(e.kind(), ErrorKind::ResponseTooLarge, "{e}");
    assert!(e.message().contains("16 MiB"), "{e}");
}

#[tokio::test]
async fn activecampaign_answers_over_the_size_cap_are_not_asked_again() {
    let stand_in = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b' '; (16 << 20) + 1]))
        .mount(&stand_in)
        .await;
    let ac = quick_client(&stand_in, 3);
    let e = ac.get("tags", &[]).await.expect_err("too large");
    let asked = stand_in.received_requests().await.unwrap_or_default().len();
    assert_eq!(asked, 1, "an answer over the cap is not asked again: {e}");
    assert!(e.to_string().contains("16 MiB"), "{e}");
    assert!(e.too_large, "{e:?}");
    let kind = appstudio::engine::Error::from(e).kind();
    assert_eq!(kind, appstudio::engine::ErrorKind::ResponseTooLarge);
}

/// A pipe whose second `!http` takes its whole `url` from the first one's answer.
async fn folders(api: &MockServer, next: String) {
    Mock::given(method("GET"))
        .and(path("/v1/folders/start"))
        .respond_with(ok(json!({"next": next})))
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/folders"))
        .and(header("x-api-key", "Key lk_secret"))
        .respond_with(ok(json!({"folders": [{"id": "f1", "name": "Inbox"}]})))
        .mount(api)
        .await;
}

#[tokio::test]
async fn a_url_from_an_answer_is_sent_with_credentials_only_on_the_api_origin() {
    let api = links_api().await;
    folders(&api, format!("{ORIGIN}/v1/folders")).await;
    let links = engine::<links::App>(ORIGIN, &api);
    let conn = connect(&links).await;
    let options = conn.workflow(LinkContacts).options(Folder).await.unwrap();
    assert_eq!(displays(&options), ["Inbox"]);

    let api = links_api().await;
    let other = elsewhere().await;
    folders(&api, format!("{}/v1/folders", other.uri())).await;
    let links = engine::<links::App>(ORIGIN, &api);
    let conn = connect(&links).await;
    let e = conn
        .workflow(LinkContacts)
        .options(Folder)
        .await
        .expect_err("a URL elsewhere is refused");
    assert_eq!(received(&other).await.len(), 0, "nothing is sent elsewhere");
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.message().contains(ORIGIN), "{e}");
    assert!(e.message().contains(&other.uri()), "{e}");
}
