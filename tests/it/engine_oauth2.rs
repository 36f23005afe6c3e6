//! oauth2 against a mock provider on loopback: the authorization URL, the code exchange, and
//! D9 refresh — once for 20 concurrent requests, rotated refresh tokens kept, and a
//! reconnect-needed error after three failed attempts.

mod app {
    appstudio::include_app!("tests/apps/oauth_notes.json");
}

use app::auth::NotesOauth;
use app::workflows::AddNote;
use appstudio::engine::{Engine, ErrorKind, Tokens};
use appstudio::value::Secret;
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::ok;

/// HTTP Basic of the app's client credentials (`ac-notes:shh`): `include_client_id` is false.
const CLIENT_BASIC: &str = "Basic YWMtbm90ZXM6c2ho";

fn engine(server: &MockServer) -> Engine<app::App> {
    crate::support::engine::<app::App>("https://*.notes.example", server)
}

fn credentials() -> NotesOauth {
    NotesOauth {
        subdomain: "acme".into(),
    }
}

async fn me(server: &MockServer, token: &str, status: u16) {
    let response = if status == 200 {
        ok(json!({"id": "u1", "name": "Ada"}))
    } else {
        ResponseTemplate::new(status).set_body_json(json!({"error": "invalid_token"}))
    };
    Mock::given(method("GET"))
        .and(path("/api/me"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(response)
        .mount(server)
        .await;
}

#[tokio::test]
async fn authorization_url_and_code_exchange() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", CLIENT_BASIC))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=c0de"))
        .respond_with(ok(json!({
            "access_token": "t1", "refresh_token": "r1", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    me(&server, "t1", 200).await;
    let engine = engine(&server);
    let url = engine
        .authorization_url(&credentials(), "https://ac.example/cb", "st4te")
        .unwrap();
    assert_eq!(url.host_str(), Some("acme.notes.example"));
    let q: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for pair in [
        ("response_type", "code"),
        ("client_id", "ac-notes"),
        ("state", "st4te"),
        ("scope", "notes:read notes:write"),
        ("redirect_uri", "https://ac.example/cb"),
    ] {
        assert!(q.contains(&(pair.0.into(), pair.1.into())), "{q:?}");
    }
    let conn = engine
        .connect_oauth2(credentials(), "c0de", "https://ac.example/cb", None)
        .await
        .unwrap();
    let d = conn.describe(AddNote).await.unwrap();
    assert_eq!(d.description, json!("Ada"));
}

#[tokio::test]
async fn twenty_concurrent_requests_refresh_once_and_keep_the_rotated_token() {
    let server = MockServer::start().await;
    me(&server, "old", 401).await;
    me(&server, "t2", 200).await;
    Mock::given(method("POST"))
        .and(path("/oauth/refresh"))
        .and(body_string_contains("grant_type=refresh_token"))
        .and(body_string_contains("refresh_token=r1"))
        .respond_with(
            ok(json!({"access_token": "t2", "refresh_token": "r2", "expires_in": 3600}))
                // Slow enough that every request is waiting on the one refresh.
                .set_delay(std::time::Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let tokens = Tokens {
        access: Some(Secret::new("old")),
        refresh: Some(Secret::new("r1")),
        ..Tokens::default()
    };
    let conn = engine.restore(credentials(), tokens, None).unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let conn = conn.clone();
            tokio::spawn(async move { conn.describe(AddNote).await })
        })
        .collect();
    for t in tasks {
        let d = t.await.unwrap().unwrap();
        assert_eq!(d.account_id, json!("u1"));
    }
    let after = conn.tokens();
    assert_eq!(after.access.as_ref().map(Secret::expose), Some("t2"));
    assert_eq!(after.refresh.as_ref().map(Secret::expose), Some("r2"));
    // The token endpoint saw exactly one refresh (checked by `expect(1)` on drop).
}

#[tokio::test]
async fn three_failed_refreshes_need_a_reconnect() {
    let server = MockServer::start().await;
    me(&server, "old", 401).await;
    Mock::given(method("POST"))
        .and(path("/oauth/refresh"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .expect(3)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let tokens = Tokens {
        access: Some(Secret::new("old")),
        refresh: Some(Secret::new("r1")),
        ..Tokens::default()
    };
    let conn = engine.restore(credentials(), tokens, None).unwrap();
    let err = conn.describe(AddNote).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ReconnectNeeded, "{err}");
    assert!(err.to_string().contains("reconnect"), "{err}");
    assert_eq!(err.workflow(), Some("add-note"));
    // Later requests fail fast without hammering the token endpoint again.
    let again = conn.describe(AddNote).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::ReconnectNeeded);
}

#[tokio::test]
async fn a_subdomain_cannot_change_the_host() {
    let server = MockServer::start().await;
    let engine = engine(&server);
    for bad in ["evil.example/x", "a b", "-acme", ""] {
        let err = engine
            .authorization_url(
                &NotesOauth {
                    subdomain: bad.into(),
                },
                "https://cb",
                "s",
            )
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}: {err}");
    }
}

/// A token endpoint that accepts the connection and never answers fails the code exchange
/// after the engine's timeout, instead of hanging `connect_oauth2`.
#[tokio::test]
async fn a_token_endpoint_that_never_answers_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ok(json!({"access_token": "t1"})).set_delay(std::time::Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let mut config = crate::support::config("https://*.notes.example", &server);
    config.timeout = std::time::Duration::from_millis(200);
    let engine = Engine::<app::App>::new(config).unwrap();
    let started = std::time::Instant::now();
    let err = engine
        .connect_oauth2(credentials(), "c0de", "https://ac.example/cb", None)
        .await
        .expect_err("the token request times out");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// D28: a renewal hook sees the rotated tokens before any request uses them: the request
/// that needed the refresh is sent only after the hook's future finished.
#[tokio::test]
async fn the_renewal_hook_commits_tokens_before_their_use() {
    use std::sync::{Arc, Mutex};
    let server = MockServer::start().await;
    me(&server, "old", 401).await;
    me(&server, "t2", 200).await;
    Mock::given(method("POST"))
        .and(path("/oauth/refresh"))
        .respond_with(ok(
            json!({"access_token": "t2", "refresh_token": "r2", "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    let engine = engine(&server);
    let tokens = Tokens {
        access: Some(Secret::new("old")),
        refresh: Some(Secret::new("r1")),
        ..Tokens::default()
    };
    let conn = engine.restore(credentials(), tokens, None).unwrap();
    let seen: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
    let log = seen.clone();
    let s2 = Arc::new(server);
    conn.on_token_renewal(Arc::new(move |t: Tokens| {
        let (log, s2) = (log.clone(), s2.clone());
        Box::pin(async move {
            // the requests to `/api/me` with the new token so far: none yet
            let with_new = s2
                .received_requests()
                .await
                .unwrap_or_default()
                .iter()
                .filter(|r| r.url.path() == "/api/me")
                .filter(|r| {
                    r.headers
                        .get("authorization")
                        .is_some_and(|v| v == "Bearer t2")
                })
                .count();
            let refresh = t.refresh.as_ref().map(Secret::expose).unwrap_or_default();
            log.lock().unwrap().push((refresh.to_owned(), with_new));
            Ok(())
        })
    }));
    conn.describe(AddNote).await.unwrap();
    assert_eq!(*seen.lock().unwrap(), vec![("r2".to_owned(), 0)]);

    // a failing hook fails the request that needed the renewal; the tokens are kept
    let conn = engine
        .restore(
            credentials(),
            Tokens {
                access: Some(Secret::new("old")),
                refresh: Some(Secret::new("r1")),
                ..Tokens::default()
            },
            None,
        )
        .unwrap();
    conn.on_token_renewal(Arc::new(|_| {
        Box::pin(async { Err(appstudio::engine::Error::config("the store is down")) })
    }));
    let err = conn.describe(AddNote).await.unwrap_err();
    assert!(err.message().contains("the store is down"), "{err}");
    assert_eq!(
        conn.tokens().refresh.as_ref().map(Secret::expose),
        Some("r2")
    );
}
