//! A fake ActiveCampaign API v3 on loopback, for tests of apps that `appstudio` runs (there
//! `appstudio::testing`, feature `testing`): the "Fake server contract" of the project's ActiveCampaign notes — `Api-Token` accounts,
//! contacts, custom fields (105 seeded per account), field values, tags and contactTags,
//! lists and contactLists, CRM accounts, account contacts and deals, custom objects and
//! webhooks — with per-account rate limiting, fault injection ([`Fault`], and random failures
//! with [`Chaos`]) and a request log.
//!
//! Wire conventions follow the real API: ids are strings, collections carry
//! `meta.total` as a string (custom objects: numbers plus `count`, `limit`, `offset`),
//! `limit` defaults to 20 and is capped at 100, unknown filters are ignored, and every
//! error body has the shape the real endpoint uses.
//!
//! ```no_run
//! # async fn f() {
//! use appstudio_testing::FakeActiveCampaign;
//! let ac = FakeActiveCampaign::start().await;
//! // point a client or an engine at `ac.url()` with `ac.token()`
//! assert!(ac.contacts(ac.token()).is_empty());
//! # }
//! ```
//!
//! Test-only control routes (no token, not rate limited): `POST /__fake/reset`,
//! `POST /__fake/fail` (`{"status", "times", "retry_after", "path_prefix"}`),
//! `GET /__fake/requests` (`DELETE` clears it), `POST /__fake/seed` (the account of the
//! `Api-Token` header, else of `"token"` in the body, else the first one) and
//! `GET /__fake/contacts` (a snapshot, same account rule).
#![warn(missing_docs, unreachable_pub)]

mod chaos;
mod config;
mod contacts;
mod crm;
mod deals;
mod fields;
mod lists;
mod objects;
mod records;
mod render;
mod routes;
mod seed;
mod state;
mod tags;
mod webhooks;
mod wire;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use appstudio_runtime::engine::AcAccount;
use appstudio_runtime::lock::unpoisoned;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub use chaos::Chaos;
pub use config::FakeConfig;
use state::Account;

/// A failure to inject: the next `times` matching requests get `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Status to answer (429 carries `Retry-After`).
    pub status: u16,
    /// How many requests get it.
    pub times: u32,
    /// `Retry-After` of a 429 (else the configured one).
    pub retry_after: Option<u64>,
    /// Only requests whose path starts with this (such as `/api/3/contact`); `None`: all.
    pub path_prefix: Option<String>,
}

/// One request the fake answered (every one except the control routes).
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

/// One account: its data and its rate-limit bucket, behind one lock.
#[derive(Debug)]
struct Slot {
    data: Account,
    bucket: Option<Bucket>,
}

impl Slot {
    fn new(config: &FakeConfig) -> Slot {
        Slot {
            data: Account::seeded(config.seed_fields),
            bucket: None,
        }
    }

    /// Takes a token; `Err(())` when the bucket is empty, else the tokens left.
    fn admit(&mut self, rate: u32) -> Result<u32, ()> {
        let rate = f64::from(rate.max(1));
        let now = Instant::now();
        let b = self.bucket.get_or_insert(Bucket {
            tokens: rate,
            last: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(rate);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            // whole tokens left, for RateLimit-Remaining
            Ok(b.tokens.floor().clamp(0.0, f64::from(u32::MAX)) as u32)
        } else {
            Err(())
        }
    }
}

/// Everything the server shares; the account map itself never changes after start.
struct Shared {
    config: FakeConfig,
    accounts: HashMap<String, Mutex<Slot>>,
    faults: Mutex<Vec<Fault>>,
    chaos: Mutex<Option<chaos::Dice>>,
    log: Mutex<Vec<LoggedRequest>>,
}

impl Shared {
    fn new(config: FakeConfig) -> Shared {
        let accounts = config
            .tokens
            .iter()
            .map(|t| (t.clone(), Mutex::new(Slot::new(&config))))
            .collect();
        Shared {
            config,
            accounts,
            faults: Mutex::new(Vec::new()),
            chaos: Mutex::new(None),
            log: Mutex::new(Vec::new()),
        }
    }

    fn reset(&self) {
        for slot in self.accounts.values() {
            *lock(slot) = Slot::new(&self.config);
        }
        lock(&self.faults).clear();
        *lock(&self.chaos) = None;
        lock(&self.log).clear();
    }

    /// The injected failure for this path, if one is left (consumed).
    fn fault(&self, path: &str) -> Option<(u16, Option<u64>)> {
        let mut faults = lock(&self.faults);
        let i = faults.iter().position(|f| {
            f.times > 0 && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        let f = &mut faults[i];
        f.times -= 1;
        let out = (f.status, f.retry_after);
        if f.times == 0 {
            faults.remove(i);
        }
        Some(out)
    }

    /// The status of a random failure of the next request, when chaos is on and it fails.
    fn chaos(&self) -> Option<u16> {
        lock(&self.chaos).as_mut()?.roll()
    }

    fn add_fault(&self, fault: Fault) {
        if fault.times > 0 {
            lock(&self.faults).push(fault);
        }
    }
}

/// Locks, recovering from a poisoned lock (a panicking test thread must not wedge the fake).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    unpoisoned(m.lock())
}

/// The fake server, on `127.0.0.1` at an OS-assigned port, running on the tokio runtime
/// that started it; it stops when dropped.
pub struct FakeActiveCampaign {
    addr: SocketAddr,
    token: String,
    shared: Arc<Shared>,
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

impl FakeActiveCampaign {
    /// Starts a fake with [`FakeConfig::default`].
    ///
    /// # Panics
    /// If no port on 127.0.0.1 can be bound (a test environment problem).
    pub async fn start() -> FakeActiveCampaign {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts a fake with a configuration.
    ///
    /// # Panics
    /// If no port on 127.0.0.1 can be bound (a test environment problem).
    pub async fn start_with(config: FakeConfig) -> FakeActiveCampaign {
        let token = config.tokens.first().cloned().unwrap_or_default();
        let shared = Arc::new(Shared::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0 for the fake ActiveCampaign");
        let addr = listener.local_addr().expect("local address of the fake");
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        // no Nagle delay: a client's small requests are answered at once
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
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

    /// The API URL, `http://127.0.0.1:PORT` (no trailing slash; the API is under `/api/3/`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The first configured token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The account of the first token, to connect an engine to this server.
    pub fn account(&self) -> AcAccount {
        AcAccount {
            url: self.url(),
            token: self.token.as_str().into(),
        }
    }

    /// Injects a failure (as `POST /__fake/fail`).
    pub fn fail(&self, fault: Fault) {
        self.shared.add_fault(fault);
    }

    /// Turns random failures on (`Some`, drawing from its seed from now on) or off (`None`).
    /// They come after the injected [`Fault`]s and before the rate limit and any data: a
    /// request that fails this way changes nothing. [`FakeActiveCampaign::reset`] turns
    /// them off.
    pub fn chaos(&self, chaos: Option<Chaos>) {
        *lock(&self.shared.chaos) = chaos.map(chaos::Dice::new);
    }

    /// The requests answered so far (all but the control routes), in order, rate-limited
    /// and failed ones included.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Back to the seeded state, with empty rate-limit buckets, no faults or chaos and an
    /// empty log (as `POST /__fake/reset`).
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// The contacts of an account in wire shape, each with `fieldValues: [{field, value}]`,
    /// `tags` (names) and `lists` (`[{list, status}]`). Empty for an unknown token.
    pub fn contacts(&self, token: &str) -> Vec<Value> {
        self.with_account(token, contacts::snapshot)
    }

    /// What `read` gives of the data of the account of `token`; the default for an unknown
    /// token.
    fn with_account<T: Default>(&self, token: &str, read: impl FnOnce(&Account) -> T) -> T {
        self.shared
            .accounts
            .get(token)
            .map(|slot| read(&lock(slot).data))
            .unwrap_or_default()
    }

    /// Preloads data into an account (as `POST /__fake/seed`): `{"fields": [{title, type,
    /// perstag?, options?: [labels]}], "tags": [names], "lists": [names], "contacts":
    /// [{email, firstName, lastName, phone, fieldValues: [{field: id|title|perstag, value}],
    /// tags: [names], lists: [ids|names]}], "accounts": [...], "deals": [...],
    /// "schemas": [...], "records": [{schemaId, externalId, fields, relationships}]}`.
    /// Entries that cannot be read are skipped; an unknown token does nothing.
    pub fn seed(&self, token: &str, seed: Value) {
        if let Some(slot) = self.shared.accounts.get(token) {
            lock(slot).data.seed(&seed);
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

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // the only await: nothing is locked yet
    let bytes: Option<Bytes> = axum::body::to_bytes(body, 32 << 20).await.ok();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let method = parts.method.as_str().to_ascii_uppercase();
    let token = header(&parts.headers, "api-token");
    if let Some(control) = path.strip_prefix("/__fake/") {
        return control_route(&shared, &method, control, token, bytes.as_deref());
    }
    let parsed: Option<Value> = match &bytes {
        Some(b) if b.iter().all(u8::is_ascii_whitespace) => Some(Value::Null),
        Some(b) => serde_json::from_slice(b).ok(),
        None => None,
    };
    let (status, response) = answer(
        &shared,
        &method,
        &path,
        query.as_deref(),
        token.as_deref(),
        parsed.as_ref(),
    );
    lock(&shared.log).push(LoggedRequest {
        method,
        path,
        query,
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: parsed.unwrap_or(Value::Null),
        status,
        at: Instant::now(),
    });
    response
}

/// Auth, faults, chaos, rate limit, body, then the route.
fn answer(
    shared: &Shared,
    method: &str,
    path: &str,
    query: Option<&str>,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Response) {
    let Some(rest) = path.strip_prefix("/api/3/") else {
        return (404, json_response(404, &json!({"message": "Not Found"})));
    };
    let Some(slot) = token.and_then(|t| shared.accounts.get(t)) else {
        return (403, json_response(403, &json!({"message": "Forbidden"})));
    };
    let injected = shared
        .fault(path)
        .or_else(|| shared.chaos().map(|status| (status, None)));
    if let Some((status, retry_after)) = injected {
        let r = if status == 429 {
            too_many(retry_after.unwrap_or(shared.config.retry_after), None)
        } else {
            json_response(
                status,
                &json!({"message": format!("Injected failure {status}")}),
            )
        };
        return (status, r);
    }
    let mut slot = lock(slot);
    let remaining = match shared.config.rate_limit {
        Some(rate) => match slot.admit(rate) {
            Ok(left) => Some((rate, left)),
            Err(()) => {
                return (
                    429,
                    too_many(shared.config.retry_after, shared.config.rate_limit),
                );
            }
        },
        None => None,
    };
    let (status, value) = match body {
        None => (400, json!({})),
        Some(body) => {
            let req = wire::Req {
                method,
                path: rest
                    .trim_end_matches('/')
                    .split('/')
                    .map(|s| {
                        percent_encoding::percent_decode_str(s)
                            .decode_utf8_lossy()
                            .into_owned()
                    })
                    .collect(),
                query: form_urlencoded::parse(query.unwrap_or("").as_bytes())
                    .into_owned()
                    .collect(),
                body,
            };
            routes::route(&mut slot.data, &shared.config, &req)
        }
    };
    drop(slot);
    let mut response = json_response(status, &value);
    if let Some((rate, left)) = remaining {
        let h = response.headers_mut();
        h.insert("ratelimit-limit", HeaderValue::from(rate));
        h.insert("ratelimit-remaining", HeaderValue::from(left));
    }
    (status, response)
}

/// The test-only routes under `/__fake/`.
fn control_route(
    shared: &Shared,
    method: &str,
    route: &str,
    token: Option<String>,
    body: Option<&[u8]>,
) -> Response {
    let body: Value = match body {
        Some(b) if b.iter().all(u8::is_ascii_whitespace) => Value::Null,
        Some(b) => match serde_json::from_slice(b) {
            Ok(v) => v,
            Err(_) => return json_response(400, &json!({})),
        },
        None => return json_response(400, &json!({})),
    };
    // the account of the Api-Token header, else of "token" in the body, else the first
    let account = || {
        token
            .clone()
            .or_else(|| body["token"].as_str().map(str::to_owned))
            .or_else(|| shared.config.tokens.first().cloned())
            .unwrap_or_default()
    };
    match (method, route.trim_end_matches('/')) {
        ("POST", "reset") => {
            shared.reset();
            json_response(200, &json!({}))
        }
        ("POST", "fail") => fail_route(shared, &body),
        ("GET", "requests") => json_response(200, &json!({ "requests": request_log(shared) })),
        ("DELETE", "requests") => {
            lock(&shared.log).clear();
            json_response(200, &json!({}))
        }
        ("POST", "seed") => match shared.accounts.get(&account()) {
            Some(slot) => {
                lock(slot).data.seed(&body);
                json_response(200, &json!({}))
            }
            None => json_response(404, &json!({"message": "No such account"})),
        },
        ("GET", "contacts") => match shared.accounts.get(&account()) {
            Some(slot) => {
                let contacts = contacts::snapshot(&lock(slot).data);
                json_response(200, &json!({ "contacts": contacts }))
            }
            None => json_response(404, &json!({"message": "No such account"})),
        },
        _ => json_response(404, &json!({"message": "Not Found"})),
    }
}

/// `POST /__fake/fail`: the next answers (to a path prefix) fail with a status.
fn fail_route(shared: &Shared, body: &Value) -> Response {
    let status = match body["status"].as_u64().and_then(|n| u16::try_from(n).ok()) {
        Some(s) if (100..1000).contains(&s) => s,
        None if body["status"].is_null() => 503,
        _ => {
            return json_response(422, &json!({"message": "status must be an HTTP status"}));
        }
    };
    shared.add_fault(Fault {
        status,
        times: body["times"]
            .as_u64()
            .map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX)),
        retry_after: body["retry_after"].as_u64(),
        path_prefix: body["path_prefix"].as_str().map(str::to_owned),
    });
    json_response(200, &json!({}))
}

/// `GET /__fake/requests`: the request log, with times from the first request.
fn request_log(shared: &Shared) -> Vec<Value> {
    let log = lock(&shared.log);
    let start = log.first().map(|r| r.at);
    log.iter()
        .map(|r| {
            let headers: serde_json::Map<String, Value> = r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            let ms = start
                .map_or(Duration::ZERO, |t| r.at.duration_since(t))
                .as_millis();
            json!({"method": r.method, "path": r.path, "query": r.query,
                   "headers": headers, "body": r.body, "status": r.status,
                   "ms": u64::try_from(ms).unwrap_or(u64::MAX)})
        })
        .collect()
}
