//! A host on loopback with a stateful stand-in Formly API and the fake ActiveCampaign: the
//! inbound example's app, installed through the typed API.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use appstudio::api::DynamicField;
use appstudio::engine::{EngineConfig, Mapping, RetryPolicy};
use appstudio::value::Choice;
use appstudio_host::{Host, HostConfig, Installation, Key, Workers};
use appstudio_testing::{FakeActiveCampaign, FakeConfig};
use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use sqlx::Row;
use tempfile::TempDir;

use super::App;
use super::auth::FormlyOauth;
use super::workflows::ImportFormResponses;
use super::workflows::import_form_responses::CustomData;

/// The secrets the test greps the database for.
pub const ACCESS: &str = "fm-access-9d1e4b7a";
pub const REFRESH: &str = "fm-refresh-5c2f8e13";
pub const AC_TOKEN: &str = "ac-api-token-3b7e91f0d2";
/// The admin routes' bearer token.
pub const ADMIN: &str = "admin-token-for-tests";

/// The stand-in's state: webhook subscriptions (id → URL) and the rotating tokens.
#[derive(Default)]
pub struct Provider {
    pub subscriptions: BTreeMap<String, String>,
    /// Tokens issued so far; only the last refresh token is accepted (a rotating provider).
    pub generation: u32,
    /// `expires_in` of the tokens issued (3600 unless a test sets it).
    pub expires_in: Option<u64>,
    /// Refreshes refused for a stale refresh token.
    pub stale_refreshes: u32,
    /// When set, the database files are copied from the first folder to the second when a
    /// webhook is deleted: the store as a crash at that moment would leave it.
    pub snapshot: Option<(PathBuf, PathBuf)>,
}

type Shared = Arc<Mutex<Provider>>;

/// A stand-in Formly API: oauth2 with rotating refresh tokens, the account, a form's
/// questions, and webhook subscriptions kept in memory.
pub struct Formly {
    pub url: String,
    pub state: Shared,
}

impl Formly {
    pub async fn start() -> Formly {
        let state = Shared::default();
        let app = axum::Router::new()
            .route("/oauth/token", post(token))
            .route(
                "/api/v1/me",
                get(|| async {
                    Json(json!({"account": {"id": 77, "name": "Acme"},
                                "user": {"email": "ops@acme.example"}}))
                }),
            )
            .route(
                "/api/v1/forms/{id}",
                get(|| async {
                    Json(json!({"form": {"questions": [
                        {"id": "q_name", "title": "Your first name", "type": "short_text"},
                    ]}}))
                }),
            )
            .route("/api/v1/webhooks", post(subscribe))
            .route(
                "/api/v1/webhooks/{id}",
                delete(unsubscribe).put(resubscribe),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Formly { url, state }
    }

    /// The URLs subscribed.
    pub fn subscribed(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .subscriptions
            .values()
            .cloned()
            .collect()
    }
}

/// The token endpoint: a code, or the latest refresh token, gives the next generation.
async fn token(State(state): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut p = state.lock().unwrap();
    if form.get("grant_type").map(String::as_str) == Some("refresh_token") {
        let latest = format!("{REFRESH}-{}", p.generation);
        if form.get("refresh_token") != Some(&latest) {
            p.stale_refreshes += 1;
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": "invalid_grant"})),
            )
                .into_response();
        }
    }
    p.generation += 1;
    let n = p.generation;
    Json(
        json!({"access_token": format!("{ACCESS}-{n}"), "refresh_token": format!("{REFRESH}-{n}"),
                "expires_in": p.expires_in.unwrap_or(3600)}),
    )
    .into_response()
}

async fn subscribe(
    State(state): State<Shared>,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut p = state.lock().unwrap();
    let id = format!("wh_{}", p.subscriptions.len() + 1);
    p.subscriptions.insert(
        id.clone(),
        body["url"].as_str().unwrap_or_default().to_owned(),
    );
    (StatusCode::CREATED, Json(json!({"webhook": {"id": id}})))
}

/// Updating a subscription's URL.
async fn resubscribe(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let mut p = state.lock().unwrap();
    match p.subscriptions.get_mut(&id) {
        Some(url) => {
            *url = body["url"].as_str().unwrap_or_default().to_owned();
            Json(json!({"webhook": {"id": id}})).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Deleting is idempotent (an unknown id is gone already).
async fn unsubscribe(State(state): State<Shared>, Path(id): Path<String>) -> StatusCode {
    let mut p = state.lock().unwrap();
    if let Some((from, to)) = p.snapshot.take() {
        for name in ["host.db", "host.db-wal"] {
            if from.join(name).exists() {
                std::fs::copy(from.join(name), to.join(name)).unwrap();
            }
        }
    }
    p.subscriptions.remove(&id);
    StatusCode::NO_CONTENT
}

/// The webhook URL of an installation that has one.
pub trait Url {
    fn url(&self) -> &str;
}

impl Url for Installation {
    fn url(&self) -> &str {
        self.webhook_url
            .as_deref()
            .expect("a webhook installation has a URL")
    }
}

/// Everything a test runs against.
pub struct World {
    pub dir: TempDir,
    pub formly: Formly,
    pub ac: FakeActiveCampaign,
    pub key: Key,
    pub host: Host<App>,
    /// `http://127.0.0.1:PORT` of the host.
    pub base: String,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

/// Settings fast enough for tests: short backoff, few attempts, one engine attempt per run.
pub fn config(world_db: &str, base: &str, key: Key, formly: &str) -> HostConfig {
    let mut engine = EngineConfig::default().with_override("https://*.formly.example", formly);
    engine.retry = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };
    engine.timeout = Duration::from_secs(5);
    engine.max_webhook_body = 4096;
    let mut c = HostConfig::new(world_db, base, key);
    c.max_attempts = 4;
    c.backoff_base = Duration::from_millis(20);
    c.backoff_max = Duration::from_millis(200);
    c.lease = Duration::from_secs(30);
    c.idle_poll = Duration::from_millis(20);
    c.engine = engine;
    c.admin_token = Some(ADMIN.into());
    c
}

impl World {
    pub async fn start() -> World {
        World::start_with_key(Key::generate()).await
    }

    /// A world whose host seals with `key` (a test that opens the file in another process).
    pub async fn start_with_key(key: Key) -> World {
        let fake = FakeConfig {
            tokens: vec![AC_TOKEN.into()],
            rate_limit: None,
            ..FakeConfig::default()
        };
        World::start_with(key, fake).await
    }

    /// A world whose fake ActiveCampaign is configured by `fake`.
    pub async fn start_with(key: Key, fake: FakeConfig) -> World {
        let dir = tempfile::tempdir().unwrap();
        let formly = Formly::start().await;
        let ac = FakeActiveCampaign::start_with(fake).await;
        let (host, base, server) = serve(&dir, key.clone(), &formly.url).await;
        World {
            dir,
            formly,
            ac,
            key,
            host,
            base,
            client: reqwest::Client::new(),
            server,
        }
    }

    pub fn db_path(&self) -> std::path::PathBuf {
        self.dir.path().join("host.db")
    }

    /// The host stopped and opened again from its file, as after a restart.
    pub async fn restart(&mut self) {
        self.server.abort();
        let (host, base, server) = serve(&self.dir, self.key.clone(), &self.formly.url).await;
        (self.host, self.base, self.server) = (host, base, server);
    }

    /// The host stopped and opened again from the database files in `dir`.
    pub async fn restart_at(&mut self, dir: TempDir) {
        self.dir = dir;
        self.restart().await;
    }

    /// Connects, sets up and installs the inbound example's workflow.
    pub async fn install(&self) -> Installation {
        let credentials = || FormlyOauth {
            subdomain: "acme".into(),
        };
        let engine = self.host.engine();
        let conn = engine
            .connect_oauth2(
                credentials(),
                "code",
                "https://ac.example/cb",
                Some(self.ac.account()),
            )
            .await
            .unwrap();
        conn.describe(ImportFormResponses).await.unwrap();
        let mut wf = conn.workflow(ImportFormResponses);
        wf.select(CustomData {
            workspace: Choice::new("ws_1", "Marketing"),
            form: Choice::new("f_42", "Newsletter signup"),
            tagging: Choice::new("none", "Do not add a form tag"),
            extra_tag: None,
        })
        .unwrap();
        wf.describe_selection().await.unwrap();
        let options = wf.map_options().await.unwrap();
        let mapping = Mapping::new()
            .map(
                DynamicField::new("respondent_email"),
                DynamicField::new("email"),
            )
            .map(DynamicField::new("q_name"), DynamicField::new("firstName"));
        wf.set_mapping(&mapping, &options).unwrap();
        self.host
            .install(self.ac.account(), credentials(), wf)
            .await
            .unwrap()
    }

    /// POSTs a JSON body to a URL; the status and how many events it was stored as (the
    /// `appstudio-stored` header; -1 without it).
    pub async fn post(&self, url: &str, body: &Value) -> (u16, i64) {
        try_post(&self.client, url, body).await.unwrap()
    }

    /// Posts `body` to `url` and checks it was acknowledged (200); the stored event's id.
    pub async fn post_ok(&self, url: &str, body: &Value) -> i64 {
        let (status, stored) = self.post(url, body).await;
        assert_eq!(status, 200, "{url} did not acknowledge {body}");
        stored
    }

    /// Reads the database file with a connection of its own (not the host's store).
    pub async fn sql(&self, query: &str) -> Vec<sqlx::sqlite::SqliteRow> {
        let pool = sqlx::SqlitePool::connect(&database_url(&self.db_path()))
            .await
            .unwrap();
        let rows = sqlx::query(query).fetch_all(&pool).await.unwrap();
        pool.close().await;
        rows
    }

    /// The statuses of the stored events, by id.
    pub async fn event_statuses(&self) -> Vec<String> {
        self.sql("SELECT status FROM events ORDER BY id")
            .await
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// Starts workers.
    pub fn workers(&self, n: usize) -> Workers {
        self.host.start_workers(n)
    }

    /// The contacts in the fake ActiveCampaign.
    pub fn contacts(&self) -> Vec<Value> {
        self.ac.contacts(AC_TOKEN)
    }
}

/// POSTs a JSON body to a URL with `client`; the status and how many events it was stored as
/// (the `appstudio-stored` header; -1 without it), or the error when no answer came.
pub async fn try_post(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
) -> Result<(u16, i64), reqwest::Error> {
    let r = client.post(url).json(body).send().await?;
    let stored = r
        .headers()
        .get(appstudio_host::STORED)
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(-1);
    Ok((r.status().as_u16(), stored))
}

/// The `database_url` of a SQLite file.
pub fn database_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Opens a host on the temp dir's file and serves it on a new port.
async fn serve(
    dir: &TempDir,
    key: Key,
    formly: &str,
) -> (Host<App>, String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let db = database_url(&dir.path().join("host.db"));
    let host = Host::<App>::open(config(&db, &base, key, formly))
        .await
        .unwrap();
    let router = host.router();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (host, base, server)
}

/// Waits until `done` holds (checking every 20 ms), at most 10 s.
pub async fn until(what: &str, done: impl AsyncFnMut() -> bool) {
    until_within(what, Duration::from_secs(10), done).await
}

/// Waits until `done` holds (checking every 20 ms), at most `limit` (a bound that only keeps
/// a broken run from hanging, never a measure of speed).
pub async fn until_within(what: &str, limit: Duration, mut done: impl AsyncFnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done().await {
        assert!(start.elapsed() < limit, "timed out waiting: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A form response as Formly posts it.
pub fn response(id: &str, email: &str, name: &str) -> Value {
    json!({
        "event_type": "form_response.submitted",
        "account_id": "77",
        "form_id": "f_42",
        "form": {"id": "f_42", "title": "Newsletter signup"},
        "response": {"id": id, "submitted_at": "2026-11-23T09:00:00Z",
                     "respondent": {"email": email},
                     "answers": [{"question_id": "q_name", "value": name}]},
    })
}
