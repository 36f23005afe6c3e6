//! [`Client`]: authenticated calls to one account, through the account's rate limiter and the
//! retry policy.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use super::error::ApiError;
use crate::lock::unpoisoned;
use crate::net::body::{self, Answer, BodyError};
use crate::net::limit::Bucket;
use crate::net::retry::{Outcome, RetryPolicy};
use crate::value::Secret;

/// How a [`Client`] behaves.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Requests per second to one account (D13: 5, ActiveCampaign's documented limit). Every
    /// client of the same account in the process shares one limiter, however its URL is
    /// spelled (case, default port, trailing `/`, `/api/3`, `localhost` for `127.0.0.1`).
    pub requests_per_second: u32,
    /// When calls are retried (429 after `Retry-After`; 502/503/504 and connection errors
    /// with jittered backoff; POSTs that are not upserts only when nothing was sent).
    pub retry: RetryPolicy,
    /// Timeout of one request.
    pub timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            requests_per_second: 5,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// A client of one ActiveCampaign account (API v3, `Api-Token`). Cheap to clone.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    http: reqwest::Client,
    /// The account's API URL, without a trailing `/` or `/api/3`.
    base: String,
    token: Secret,
    limiter: Arc<Bucket>,
    config: ClientConfig,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("url", &self.shared.base)
            .field("token", &self.shared.token)
            .finish()
    }
}

/// Limiters by (account key, requests per second); see [`account_key`].
type Limiters = HashMap<(String, u32), Arc<Bucket>>;

/// One limiter per account in the process.
static LIMITERS: LazyLock<Mutex<Limiters>> = LazyLock::new(Default::default);

fn limiter(base: &str, rps: u32) -> Arc<Bucket> {
    let mut map = unpoisoned(LIMITERS.lock());
    map.entry((account_key(base), rps))
        .or_insert_with(|| Arc::new(Bucket::new(rps, 1)))
        .clone()
}

/// The account an API URL names, however it is spelled, so every spelling shares one limiter
/// (D13): scheme and host in lower case, the port always written (443 and 80 included), the
/// path without a trailing `/`, and `localhost` as `127.0.0.1` (the address it resolves to
/// on loopback, where the fake and test servers listen).
fn account_key(base: &str) -> String {
    let Ok(url) = url::Url::parse(base) else {
        return base.to_ascii_lowercase();
    };
    let host = match url.host_str() {
        Some(h) if h.eq_ignore_ascii_case("localhost") => "127.0.0.1".to_owned(),
        Some(h) => h.to_ascii_lowercase(),
        None => String::new(),
    };
    let port = url.port_or_known_default().unwrap_or(0);
    let path = url.path().trim_end_matches('/');
    format!("{}://{host}:{port}{path}", url.scheme())
}

/// The API URL as the client keeps it: no trailing `/`, no `/api/3`.
fn normalize(url: &str) -> Result<String, ApiError> {
    let trimmed = url.trim().trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/api/3").unwrap_or(trimmed);
    match url::Url::parse(trimmed) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(trimmed.to_owned())
        }
        _ => Err(ApiError {
            status: None,
            retry_after: None,
            message: Some(format!(
                "`{trimmed}` is not an ActiveCampaign API URL (such as https://acme.api-us1.com)"
            )),
            errors: Vec::new(),
            raw: String::new(),
            too_large: false,
        }),
    }
}

impl Client {
    /// A client of the account at `url` (such as `https://acme.api-us1.com`, with or without
    /// `/api/3`) with its `Api-Token`.
    pub fn new(url: &str, token: Secret) -> Result<Client, ApiError> {
        Client::with_config(url, token, ClientConfig::default())
    }

    /// [`Client::new`] with a configuration.
    pub fn with_config(url: &str, token: Secret, config: ClientConfig) -> Result<Client, ApiError> {
        let http = crate::net::http_client(None).map_err(ApiError::transport)?;
        Client::with(http, url, token, config)
    }

    /// A client sharing an HTTP connection pool, with a configuration. `http` sends the
    /// `Api-Token` header: it should not follow redirects to another origin (D19; the
    /// clients [`Client::new`] and the engine build do not).
    pub fn with(
        http: reqwest::Client,
        url: &str,
        token: Secret,
        config: ClientConfig,
    ) -> Result<Client, ApiError> {
        let base = normalize(url)?;
        let limiter = limiter(&base, config.requests_per_second.max(1));
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base,
                token,
                limiter,
                config,
            }),
        })
    }

    /// The account's API URL (no `/api/3`).
    pub fn url(&self) -> &str {
        &self.shared.base
    }

    /// The `Api-Token`, for the one place that sends it.
    pub(crate) fn token(&self) -> &Secret {
        &self.shared.token
    }

    /// Waits for the account's rate limiter (every request to the account goes through it).
    pub(crate) async fn throttle(&self) {
        self.shared.limiter.acquire().await;
    }

    /// `GET /api/3/<path>`.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, ApiError> {
        self.call(Method::GET, path, query, None, true).await
    }

    /// `POST /api/3/<path>` with `body` as JSON (serialized once, for every attempt);
    /// `idempotent` when repeating it cannot create twice (an upsert).
    pub async fn post(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
        idempotent: bool,
    ) -> Result<Value, ApiError> {
        let body = json_body(path, body)?;
        self.call(Method::POST, path, &[], Some(&body), idempotent)
            .await
    }

    /// `PUT /api/3/<path>` with `body` as JSON.
    pub async fn put(
        &self,
        path: &str,
        body: &(impl Serialize + ?Sized),
    ) -> Result<Value, ApiError> {
        let body = json_body(path, body)?;
        self.call(Method::PUT, path, &[], Some(&body), true).await
    }

    /// `DELETE /api/3/<path>`.
    pub async fn delete(&self, path: &str) -> Result<Value, ApiError> {
        self.call(Method::DELETE, path, &[], None, true).await
    }

    /// One call with the limiter and the retries; `path` is relative to `/api/3/`. Returns
    /// the parsed body of a 2xx answer (`null` when empty).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&[u8]>,
        idempotent: bool,
    ) -> Result<Value, ApiError> {
        let mut url = url::Url::parse(&format!(
            "{}/api/3/{}",
            self.shared.base,
            path.trim_start_matches('/')
        ))
        .map_err(|e| ApiError::unexpected(0, &format!("bad URL for `{path}`: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        let (url, method) = (&url, &method);
        self.shared
            .config
            .retry
            .run(idempotent, path, || async move {
                self.throttle().await;
                match self.once(method.clone(), url.clone(), body).await {
                    Ok(v) => (Ok(v), None),
                    Err((e, outcome)) => (Err(e), Some(outcome)),
                }
            })
            .await
    }

    /// One attempt; a failure says how it ended.
    async fn once(
        &self,
        method: Method,
        url: url::Url,
        body: Option<&[u8]>,
    ) -> Result<Value, (ApiError, Outcome)> {
        let mut req = self
            .shared
            .http
            .request(method, url)
            .header("Api-Token", self.shared.token.expose())
            .header("Accept", "application/json");
        if let Some(body) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(body.to_vec());
        }
        let Answer {
            status,
            retry_after,
            body: bytes,
        } = body::exchange(req, self.shared.config.timeout)
            .await
            .map_err(|(e, outcome)| {
                let e = match e {
                    BodyError::TooLarge { status } => {
                        ApiError::too_large(status, body::MAX_BODY_BYTES >> 20)
                    }
                    BodyError::Transport(e) => ApiError::transport(e),
                };
                (e, outcome)
            })?;
        if !(200..300).contains(&status) {
            let e = ApiError::from_response(status, retry_after, &bytes);
            return Err((e, Outcome::Status(status, retry_after)));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|_| {
            let e = ApiError::unexpected(status, "a success answer that is not JSON");
            (e, Outcome::Status(status, None))
        })
    }

    /// Every item of a classic collection (`limit=100`, `offset` stepping until `meta.total`,
    /// an empty page, or 1,000 pages). Each page's body goes to `page`.
    pub async fn get_all(
        &self,
        path: &str,
        key: &str,
        query: &[(&str, &str)],
        mut page: impl FnMut(&Value),
    ) -> Result<Vec<Value>, ApiError> {
        let mut out = Vec::new();
        for n in 0..1000usize {
            let offset = (n * 100).to_string();
            let mut q: Vec<(&str, &str)> = query.to_vec();
            q.push(("limit", "100"));
            q.push(("offset", &offset));
            let body = self.get(path, &q).await?;
            page(&body);
            let items = match body.get(key) {
                Some(Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            };
            let done = items.len() < 100
                || super::wire::total(&body).is_some_and(|t| (out.len() + items.len()) as u64 >= t);
            out.extend(items);
            if done {
                break;
            }
        }
        Ok(out)
    }
}

/// `body` as the JSON text of a request to `path`.
fn json_body(path: &str, body: &(impl Serialize + ?Sized)) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(body)
        .map_err(|e| ApiError::unexpected(0, &format!("a body for `{path}` that is not JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter_of(url: &str) -> Arc<Bucket> {
        Client::new(url, "t".into()).unwrap().shared.limiter.clone()
    }

    #[test]
    fn spellings_of_one_account_share_one_limiter() {
        let loopback = limiter_of("http://127.0.0.1:39001");
        for same in [
            "http://localhost:39001",
            "HTTP://LocalHost:39001/",
            "http://127.0.0.1:39001/api/3/",
        ] {
            assert!(Arc::ptr_eq(&loopback, &limiter_of(same)), "{same}");
        }
        let hosted = limiter_of("https://acme.api-us1.com");
        for same in [
            "https://ACME.api-us1.com/",
            "https://acme.api-us1.com:443",
            "https://acme.api-us1.com/api/3",
        ] {
            assert!(Arc::ptr_eq(&hosted, &limiter_of(same)), "{same}");
        }
        assert_eq!(
            account_key("HTTPS://Acme.API-us1.com/"),
            "https://acme.api-us1.com:443"
        );
        assert_eq!(account_key("http://LOCALHOST/x/"), "http://127.0.0.1:80/x");
        for other in ["http://127.0.0.1:39002", "https://acme.api-us1.com:8443"] {
            let limiter = limiter_of(other);
            assert!(!Arc::ptr_eq(&loopback, &limiter), "{other}");
            assert!(!Arc::ptr_eq(&hosted, &limiter), "{other}");
        }
    }
}
