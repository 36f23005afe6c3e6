//! A fake ActiveCampaign API v3 on loopback, for tests (this crate's and users'): the
//! "Fake server contract" of the project's ActiveCampaign notes — `Api-Token` accounts,
//! contacts, custom fields (105 seeded per account), tags and contactTags, lists, accounts,
//! deals, custom objects — with per-account rate limiting, fault injection and a request log.
//!
//! ```no_run
//! # async fn f() {
//! use appstudio_runtime::testing::FakeActiveCampaign;
//! let ac = FakeActiveCampaign::start().await;
//! // point a client or an engine at `ac.url()` with `ac.token()`
//! assert!(ac.contacts(ac.token()).is_empty());
//! # }
//! ```

mod routes;
mod state;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use state::Account;

/// How the fake behaves.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Accepted `Api-Token`s; each is one account with its own data and rate limit.
    pub tokens: Vec<String>,
    /// Requests per second per account (token bucket of that capacity); `None`: unlimited.
    pub rate_limit: Option<u32>,
    /// `Retry-After` seconds of a rate-limited answer.
    pub retry_after: u64,
    /// Custom contact fields seeded per account (text, date, dropdown and listbox among them).
    pub seed_fields: usize,
    /// Creating a tag whose name exists gives 422 `duplicate` (else the existing tag).
    pub duplicate_tag_is_error: bool,
    /// An unknown field id in `fieldValues` gives 422 `field_invalid` (else it is ignored).
    pub unknown_field_is_error: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            tokens: vec!["test-token".into()],
            rate_limit: Some(5),
            retry_after: 1,
            seed_fields: 105,
            duplicate_tag_is_error: true,
            unknown_field_is_error: false,
        }
    }
}

/// A failure to inject: the next `times` matching requests get `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Status to answer (429 carries `Retry-After`).
    pub status: u16,
    /// How many requests get it.
    pub times: u32,
    /// `Retry-After` of a 429 (else the configured one).
    pub retry_after: Option<u64>,
    /// Only requests whose path starts with this (such as `/api/3/contact`).
    pub path_prefix: Option<String>,
}

/// One request the fake received under `/api/3/`.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Raw query string.
    pub query: Option<String>,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// JSON body, `null` when none or not JSON.
    pub body: Value,
    /// Status answered.
    pub status: u16,
    /// When it arrived.
    pub at: Instant,
}

/// Token bucket of one account.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

struct Shared {
    config: FakeConfig,
    accounts: HashMap<String, Account>,
    buckets: HashMap<String, Bucket>,
    faults: Vec<Fault>,
    log: Vec<LoggedRequest>,
}

impl Shared {
    fn new(config: FakeConfig) -> Shared {
        let accounts = config
            .tokens
            .iter()
            .map(|t| (t.clone(), Account::seeded(config.seed_fields)))
            .collect();
        Shared {
            config,
            accounts,
            buckets: HashMap::new(),
            faults: Vec::new(),
            log: Vec::new(),
        }
    }

    /// Takes a token from the account's bucket; false when empty.
    fn admit(&mut self, token: &str) -> bool {
        let Some(rate) = self.config.rate_limit else {
            return true;
        };
        let rate = f64::from(rate.max(1));
        let now = Instant::now();
        let b = self.buckets.entry(token.to_owned()).or_insert(Bucket {
            tokens: rate,
            last: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// The injected failure for this path, if one is left.
    fn fault(&mut self, path: &str) -> Option<(u16, Option<u64>)> {
        let i = self.faults.iter().position(|f| {
            f.times > 0 && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        let f = &mut self.faults[i];
        f.times -= 1;
        let out = (f.status, f.retry_after);
        if f.times == 0 {
            self.faults.remove(i);
        }
        Some(out)
    }
}

/// The fake server; it stops when dropped.
pub struct FakeActiveCampaign {
    addr: SocketAddr,
    token: String,
    shared: Arc<Mutex<Shared>>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeActiveCampaign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeActiveCampaign")
            .field("url", &self.url())
            .finish()
    }
}

impl Drop for FakeActiveCampaign {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

impl FakeActiveCampaign {
    /// Starts a fake with [`FakeConfig::default`] on 127.0.0.1 (an OS-assigned port).
    pub async fn start() -> FakeActiveCampaign {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts a fake with a configuration.
    ///
    /// # Panics
    /// If no port on 127.0.0.1 can be bound (a test environment problem).
    pub async fn start_with(config: FakeConfig) -> FakeActiveCampaign {
        let token = config.tokens.first().cloned().unwrap_or_default();
        let shared = Arc::new(Mutex::new(Shared::new(config)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0 for the fake ActiveCampaign");
        let addr = listener.local_addr().expect("local address");
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeActiveCampaign {
            addr,
            token,
            shared,
            task,
        }
    }

    /// The API URL (`http://127.0.0.1:PORT`; the API is under `/api/3/`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The first configured token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Injects a failure (as `POST /__fake/fail`).
    pub fn fail(&self, fault: Fault) {
        lock(&self.shared).faults.push(fault);
    }

    /// The requests received under `/api/3/`, in order.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared).log.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared).log.clear();
    }

    /// Back to the seeded state (as `POST /__fake/reset`).
    pub fn reset(&self) {
        let mut s = lock(&self.shared);
        let config = s.config.clone();
        *s = Shared::new(config);
    }

    /// The contacts of an account, each with `fieldValues: [{field, value}]` and `tags`
    /// (names).
    pub fn contacts(&self, token: &str) -> Vec<Value> {
        lock(&self.shared)
            .accounts
            .get(token)
            .map(Account::contact_snapshot)
            .unwrap_or_default()
    }

    /// Preloads data (as `POST /__fake/seed`): `{"fields", "tags", "lists", "contacts"}`.
    pub fn seed(&self, token: &str, seed: Value) {
        if let Some(a) = lock(&self.shared).accounts.get_mut(token) {
            a.seed(&seed);
        }
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut r = (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        body.to_string(),
    )
        .into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn too_many(retry_after: u64, rate: Option<u32>) -> Response {
    let mut r = json_response(429, &json!({"message": "Too Many Requests"}));
    let h = r.headers_mut();
    h.insert("retry-after", HeaderValue::from(retry_after));
    if let Some(rate) = rate {
        h.insert("ratelimit-limit", HeaderValue::from(rate));
        h.insert("ratelimit-remaining", HeaderValue::from(0));
    }
    r
}

async fn handle(State(shared): State<Arc<Mutex<Shared>>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, 32 << 20)
        .await
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let method = parts.method.as_str().to_owned();
    if let Some(control) = path.strip_prefix("/__fake/") {
        return control_route(&shared, &method, control, &bytes);
    }
    let parsed: Option<Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
        Some(Value::Null)
    } else {
        serde_json::from_slice(&bytes).ok()
    };
    let token = header(&parts.headers, "api-token");
    let mut s = lock(&shared);
    let (status, response) = answer(
        &mut s,
        &method,
        &path,
        query.as_deref(),
        token,
        parsed.as_ref(),
    );
    s.log.push(LoggedRequest {
        method,
        path,
        query,
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect(),
        body: parsed.unwrap_or(Value::Null),
        status,
        at: Instant::now(),
    });
    response
}

/// Auth, faults, rate limit, then the route.
fn answer(
    s: &mut Shared,
    method: &str,
    path: &str,
    query: Option<&str>,
    token: Option<String>,
    body: Option<&Value>,
) -> (u16, Response) {
    let Some(rest) = path.strip_prefix("/api/3/") else {
        return (404, json_response(404, &json!({"message": "Not Found"})));
    };
    let token = match token {
        Some(t) if s.accounts.contains_key(&t) => t,
        _ => return (403, json_response(403, &json!({"message": "Forbidden"}))),
    };
    if let Some((status, retry_after)) = s.fault(path) {
        let r = if status == 429 {
            too_many(retry_after.unwrap_or(s.config.retry_after), None)
        } else {
            json_response(
                status,
                &json!({"message": format!("injected failure {status}")}),
            )
        };
        return (status, r);
    }
    if !s.admit(&token) {
        return (429, too_many(s.config.retry_after, s.config.rate_limit));
    }
    let Some(body) = body else {
        return (400, json_response(400, &json!({})));
    };
    let query: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let config = s.config.clone();
    let account = s.accounts.get_mut(&token).expect("checked above");
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let (status, value) = routes::route(account, &config, method, &segments, &query, body);
    (status, json_response(status, &value))
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn control_route(shared: &Mutex<Shared>, method: &str, route: &str, body: &[u8]) -> Response {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let mut s = lock(shared);
    match (method, route) {
        ("POST", "reset") => {
            let config = s.config.clone();
            *s = Shared::new(config);
            json_response(200, &json!({}))
        }
        ("POST", "fail") => {
            let fault = Fault {
                status: body["status"]
                    .as_u64()
                    .and_then(|n| u16::try_from(n).ok())
                    .unwrap_or(503),
                times: body["times"]
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .unwrap_or(1),
                retry_after: body["retry_after"].as_u64(),
                path_prefix: body["path_prefix"].as_str().map(str::to_owned),
            };
            s.faults.push(fault);
            json_response(200, &json!({}))
        }
        ("GET", "requests") => {
            let start = s.log.first().map(|r| r.at);
            let log: Vec<Value> = s
                .log
                .iter()
                .map(|r| {
                    json!({"method": r.method, "path": r.path, "query": r.query,
                           "body": r.body, "status": r.status,
                           "ms": start.map_or(Duration::ZERO, |t| r.at.duration_since(t)).as_millis() as u64})
                })
                .collect();
            json_response(200, &json!({ "requests": log }))
        }
        ("POST", "seed") => {
            let token = body["token"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| s.config.tokens.first().cloned())
                .unwrap_or_default();
            match s.accounts.get_mut(&token) {
                Some(a) => {
                    a.seed(&body);
                    json_response(200, &json!({}))
                }
                None => json_response(404, &json!({"message": "no such account"})),
            }
        }
        _ => json_response(404, &json!({"message": "Not Found"})),
    }
}
