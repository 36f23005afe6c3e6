//! What the engine sends to connect, as the stand-in endpoints receive it: oauth2 token
//! requests with `include_client_id` false (HTTP Basic) and true (in the form, with
//! `token_request_body`'s fields), a refresh made before a known expiry rather than after a
//! 401, and a session login (credentials as HTTP Basic, `request_body` as JSON) whose token is
//! then sent on API requests.

mod notes {
    appstudio::include_app!("tests/apps/oauth_notes.json");
}
mod notes_in_body {
    appstudio::include_app!("tests/apps/oauth_body.json");
}

use std::time::{Duration, Instant};

use appstudio::engine::Tokens;
use appstudio::value::Secret;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request};

use crate::support::{get, ok};

const ORIGIN: &str = "https://*.notes.example";
const REDIRECT: &str = "https://ac.example/cb";
/// HTTP Basic of `ac-notes:shh`, the apps' client id and secret.
const CLIENT_BASIC: &str = "Basic YWMtbm90ZXM6c2ho";

/// The requests `server` received at `at`, in order.
async fn received(server: &MockServer, at: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == at)
        .collect()
}

/// A form body as its pairs, in order.
fn form(r: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&r.body).into_owned().collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn header(r: &Request, name: &str) -> Option<String> {
    r.headers
        .get(name)
        .map(|v| v.to_str().unwrap_or_default().to_owned())
}

/// A token endpoint at `at` answering each request with `answers` in turn (the last one
/// again after them), and `GET /api/me`.
async fn provider(at: &str, answers: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    let n = std::sync::atomic::AtomicUsize::new(0);
    Mock::given(method("POST"))
        .and(path(at.to_owned()))
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            ok(answers[i.min(answers.len() - 1)].clone())
        })
        .mount(&server)
        .await;
    get(&server, "/api/me", json!({"id": "u1", "name": "Ada"})).await;
    server
}

/// `include_client_id` false: the client credentials go as HTTP Basic, never in the form; the
/// code exchange's form is exactly the grant. A token that expires within seconds is refreshed
/// before the next request (at `refresh_url`, with the refresh token), so the API never sees
/// it; a refreshed token good for an hour is not refreshed again.
#[tokio::test]
async fn a_token_near_its_expiry_is_refreshed_before_the_request() {
    let server = provider(
        "/oauth/token",
        vec![json!({"access_token": "t1", "refresh_token": "r1", "expires_in": 2})],
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/oauth/refresh"))
        .respond_with(ok(
            json!({"access_token": "t2", "refresh_token": "r2", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    let engine = crate::support::engine::<notes::App>(ORIGIN, &server);
    let credentials = notes::auth::NotesOauth {
        subdomain: "acme".into(),
    };
    let conn = engine
        .connect_oauth2(credentials, "c0de", REDIRECT, None)
        .await
        .expect("connect");
    conn.describe(notes::workflows::AddNote)
        .await
        .expect("describe");
    conn.describe(notes::workflows::AddNote)
        .await
        .expect("describe again");

    let exchange = received(&server, "/oauth/token").await;
    assert_eq!(exchange.len(), 1);
    assert_eq!(
        form(&exchange[0]),
        pairs(&[
            ("grant_type", "authorization_code"),
            ("code", "c0de"),
            ("redirect_uri", REDIRECT)
        ])
    );
    assert_eq!(
        header(&exchange[0], "authorization").as_deref(),
        Some(CLIENT_BASIC)
    );
    assert_eq!(
        header(&exchange[0], "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let refreshes = received(&server, "/oauth/refresh").await;
    assert_eq!(refreshes.len(), 1, "one refresh, before the first request");
    assert_eq!(
        form(&refreshes[0]),
        pairs(&[("grant_type", "refresh_token"), ("refresh_token", "r1")])
    );
    assert_eq!(
        header(&refreshes[0], "authorization").as_deref(),
        Some(CLIENT_BASIC)
    );
    let sent: Vec<Option<String>> = received(&server, "/api/me")
        .await
        .iter()
        .map(|r| header(r, "authorization"))
        .collect();
    assert_eq!(
        sent,
        [Some("Bearer t2".to_owned()), Some("Bearer t2".to_owned())],
        "the expiring token never reached the API"
    );
    let tokens = conn.tokens();
    assert_eq!(tokens.refresh.as_ref().map(Secret::expose), Some("r2"));
}

/// Restored tokens with a known expiry a moment away are refreshed before use too; restored
/// tokens good for an hour are used as they are.
#[tokio::test]
async fn restored_tokens_are_refreshed_only_near_their_expiry() {
    let server = provider(
        "/oauth/refresh",
        vec![json!({"access_token": "fresh", "expires_in": 3600})],
    )
    .await;
    let engine = crate::support::engine::<notes::App>(ORIGIN, &server);
    let restore = |access: &str, left: Duration| {
        let tokens = Tokens {
            access: Some(Secret::new(access)),
            refresh: Some(Secret::new("r1")),
            expires_at: Some(Instant::now() + left),
        };
        let credentials = notes::auth::NotesOauth {
            subdomain: "acme".into(),
        };
        engine.restore(credentials, tokens, None).expect("restore")
    };
    let good = restore("good", Duration::from_secs(3600));
    good.describe(notes::workflows::AddNote)
        .await
        .expect("describe");
    assert!(received(&server, "/oauth/refresh").await.is_empty());
    let expiring = restore("expiring", Duration::from_secs(1));
    expiring
        .describe(notes::workflows::AddNote)
        .await
        .expect("describe");
    let refreshes = received(&server, "/oauth/refresh").await;
    assert_eq!(refreshes.len(), 1);
    assert_eq!(
        form(&refreshes[0]),
        pairs(&[("grant_type", "refresh_token"), ("refresh_token", "r1")]),
        "the refresh token went to the token endpoint"
    );
    let sent: Vec<Option<String>> = received(&server, "/api/me")
        .await
        .iter()
        .map(|r| header(r, "authorization"))
        .collect();
    assert_eq!(
        sent,
        [
            Some("Bearer good".to_owned()),
            Some("Bearer fresh".to_owned())
        ]
    );
    // the refresh answer had no refresh token: the previous one is kept
    assert_eq!(
        expiring.tokens().refresh.as_ref().map(Secret::expose),
        Some("r1")
    );
}

/// `include_client_id` true: `client_id` and `client_secret` are form fields and no
/// `Authorization` header is sent; `token_request_body`'s fields are added to the grant, except
/// those the grant already has (`grant_type`), on the code exchange and on the refresh, which
/// goes to `token_url` when there is no `refresh_url`.
#[tokio::test]
async fn client_credentials_and_token_request_body_in_the_form() {
    let server = provider(
        "/oauth/token",
        vec![
            json!({"access_token": "t1", "refresh_token": "r1", "expires_in": 1}),
            json!({"access_token": "t2", "expires_in": 3600}),
        ],
    )
    .await;
    let engine = crate::support::engine::<notes_in_body::App>(ORIGIN, &server);
    let credentials = notes_in_body::auth::NotesOauth {
        subdomain: "acme".into(),
    };
    let conn = engine
        .connect_oauth2(credentials, "c0de", REDIRECT, None)
        .await
        .expect("connect");
    conn.describe(notes_in_body::workflows::AddNote)
        .await
        .expect("describe");
    let token = received(&server, "/oauth/token").await;
    assert_eq!(token.len(), 2, "the exchange, then the refresh");
    assert_eq!(
        form(&token[0]),
        pairs(&[
            ("grant_type", "authorization_code"),
            ("code", "c0de"),
            ("redirect_uri", REDIRECT),
            ("audience", "notes-api"),
            ("client_id", "ac-notes"),
            ("client_secret", "shh"),
        ])
    );
    assert_eq!(
        form(&token[1]),
        pairs(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "r1"),
            ("audience", "notes-api"),
            ("client_id", "ac-notes"),
            ("client_secret", "shh"),
        ])
    );
    for r in &token {
        assert_eq!(
            header(r, "authorization"),
            None,
            "no HTTP Basic with include_client_id"
        );
    }
}

/// `type: session`: the login POSTs the username and password as HTTP Basic and
/// `request_body` as JSON to `verify_url` (the subdomain in its host); the session token it
/// answers is then the bearer of API requests.
#[tokio::test]
async fn session_credentials_as_sent_and_the_token_as_then_used() {
    use crate::support::apps::polling_orders as shop;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/api/sessions"))
        .respond_with(ok(json!({"access_token": "sess-1", "expires_in": 3600})))
        .mount(&server)
        .await;
    get(
        &server,
        "/admin/api/2024-04/stores",
        json!({"stores": [{"id": 11, "name": "Main street"}]}),
    )
    .await;
    let engine = crate::support::engine::<shop::App>("https://*.shoplane.example", &server);
    let credentials = shop::auth::ShoplaneSession {
        subdomain: "acme".into(),
        username: "owner@acme.example".into(),
        password: Secret::new("pw: with colon"),
    };
    let conn = engine.connect(credentials, None).await.expect("login");
    let wf = conn.workflow(shop::workflows::ImportOrders);
    wf.options(shop::workflows::import_orders::options::Store)
        .await
        .expect("stores");

    let logins = received(&server, "/admin/api/sessions").await;
    assert_eq!(logins.len(), 1);
    let login = &logins[0];
    // base64 of `owner@acme.example:pw: with colon` (a password may hold a colon)
    assert_eq!(
        header(login, "authorization").as_deref(),
        Some("Basic b3duZXJAYWNtZS5leGFtcGxlOnB3OiB3aXRoIGNvbG9u")
    );
    assert_eq!(
        header(login, "content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        serde_json::from_slice::<Value>(&login.body).unwrap(),
        json!({"grant_type": "password", "client": "activecampaign"})
    );
    let stores = received(&server, "/admin/api/2024-04/stores").await;
    assert_eq!(stores.len(), 1);
    assert_eq!(
        header(&stores[0], "authorization").as_deref(),
        Some("Bearer sess-1")
    );
}
