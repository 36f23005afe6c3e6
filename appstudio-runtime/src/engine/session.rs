//! Sending requests for a connection: credentials (D8), token refresh with one refresh at a
//! time per connection (D9), session re-verification, origin overrides.

use std::sync::Mutex;

use crate::json::Value;

use super::Inner;
use super::auth::{self, Credentials, Tokens};
use super::error::{Error, ErrorKind, Result};
use super::http::{self, Bases, Body, Request, Response};
use crate::ir::{self, AuthMethod, Target};
use crate::lock::unpoisoned;
use crate::net::body;
use crate::net::retry::{self, Outcome};

/// A connected account's state, shared by every task using the connection.
pub(crate) struct ConnState {
    /// The auth entry.
    pub auth: &'static ir::Auth,
    /// What the user entered.
    pub credentials: Credentials,
    /// Current tokens (oauth2, session), with the number of renewals so far (so a task that
    /// waited for a renewal knows another task already made it).
    pub tokens: Mutex<(Tokens, u64)>,
    /// Held while refreshing, so one refresh runs at a time however many requests wait.
    pub refresh_lock: tokio::sync::Mutex<()>,
    /// Set when refreshing failed for good: every later request fails fast.
    pub broken: Mutex<Option<Error>>,
    /// `api.base_url` rendered with the subdomain.
    pub base_url: String,
    /// The ActiveCampaign account (API URL and token) this connection belongs to.
    pub activecampaign: Option<crate::activecampaign::Client>,
    /// `api.rate_limit` at user level: this connection's buckets.
    pub user_limit: Option<super::limit::Buckets>,
    /// `${data.connection.*}` and the connection-scope webhook subscriptions (D24).
    pub scope: std::sync::Arc<super::scope::ScopeStore>,
    /// The `account_id` `describe_connection` gave (routes application-scope webhooks).
    pub account_id: Mutex<Option<Value>>,
    /// Told of renewed tokens before they are used (D28).
    pub on_renewal: Mutex<Option<TokenHook>>,
}

/// Told of a connection's renewed [`Tokens`] (an oauth2 refresh, a new session) before any
/// request uses them, so that a host commits them to its store first: a provider that rotates
/// refresh tokens has revoked the old one, and a crash right after the refresh must not lose
/// the new one (D28). The future's error fails the request that needed the renewal; the new
/// tokens are kept in memory all the same (they are the only valid ones).
pub type TokenHook = std::sync::Arc<
    dyn Fn(Tokens) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<()>> + Send>>
        + Send
        + Sync,
>;

impl ConnState {
    /// The current tokens and their generation.
    fn current(&self) -> (Tokens, u64) {
        unpoisoned(self.tokens.lock()).clone()
    }

    /// Refreshes (oauth2) or re-verifies (session) unless another task already did since
    /// `seen` was read.
    pub(crate) async fn renew(&self, inner: &Inner, seen: u64) -> Result<()> {
        let _one_at_a_time = self.refresh_lock.lock().await;
        if let Some(e) = unpoisoned(self.broken.lock()).clone() {
            return Err(e);
        }
        let (current, generation) = self.current();
        if generation != seen {
            return Ok(());
        }
        let renewed = match &self.auth.method {
            AuthMethod::OAuth2(o) => auth::refresh(inner, o, &self.credentials, &current).await,
            AuthMethod::Session {
                verify_url,
                request_body,
            } => {
                let mut last = None;
                let mut ok = None;
                for _ in 0..auth::MAX_REFRESH_ATTEMPTS {
                    match auth::session_login(
                        inner,
                        verify_url,
                        request_body.as_ref(),
                        &self.credentials,
                        Some(&current),
                        self.user_limit.as_ref(),
                    )
                    .await
                    {
                        Ok(t) => {
                            ok = Some(t);
                            break;
                        }
                        Err(e) => last = Some(e),
                    }
                }
                ok.ok_or_else(|| {
                    Error::new(
                        ErrorKind::ReconnectNeeded,
                        format!(
                            "the session could not be re-established ({}): reconnect the account",
                            last.map_or_else(String::new, |e| e.message().to_owned())
                        ),
                    )
                })
            }
            _ => return Ok(()),
        };
        match renewed {
            Ok(t) => {
                // committed before published: no request uses tokens the host has not stored
                let hook = unpoisoned(self.on_renewal.lock()).clone();
                let committed = match hook {
                    Some(hook) => hook(t.clone()).await,
                    None => Ok(()),
                };
                *unpoisoned(self.tokens.lock()) = (t, generation + 1);
                committed
            }
            Err(e) => {
                *unpoisoned(self.broken.lock()) = Some(e.clone());
                Err(e)
            }
        }
    }
}

/// One run of commands: the engine, and the connection when there is one.
pub(crate) struct Session<'a> {
    /// The engine.
    pub inner: &'a Inner,
    /// The connection.
    pub conn: Option<&'a ConnState>,
}

impl Session<'_> {
    /// The app.
    pub(crate) fn app(&self) -> &'static ir::App {
        self.inner.app
    }

    /// Base URLs for relative paths.
    pub(crate) fn bases(&self) -> Bases<'_> {
        Bases {
            api: self.conn.map(|c| c.base_url.as_str()),
            activecampaign: self
                .conn
                .and_then(|c| c.activecampaign.as_ref())
                .map(|c| c.url()),
        }
    }

    /// Sends a request to `target` with the right credentials; renews tokens on expiry or 401.
    pub(crate) async fn send(&self, target: Target, request: Request) -> Result<Response> {
        let mut renewed = false;
        loop {
            let seen = self.conn.map(|c| c.current());
            if let (Some(conn), Some((t, generation)), Target::Connection) =
                (self.conn, &seen, target)
                && needs_token(&conn.auth.method)
                && (t.expired() || t.access.is_none())
                && !renewed
            {
                conn.renew(self.inner, *generation).await?;
                renewed = true;
                continue;
            }
            let response = self
                .send_with_retries(target, &request, seen.as_ref().map(|(t, _)| t))
                .await?;
            if response.status == 401
                && target == Target::Connection
                && !renewed
                && let (Some(conn), Some((_, generation))) = (self.conn, &seen)
                && needs_token(&conn.auth.method)
            {
                conn.renew(self.inner, *generation).await?;
                renewed = true;
                continue;
            }
            return check_status(response);
        }
    }

    /// Sends with the retry policy and, for connection requests, `api.rate_limit`.
    async fn send_with_retries(
        &self,
        target: Target,
        request: &Request,
        tokens: Option<&Tokens>,
    ) -> Result<Response> {
        let method = http::method(request.method);
        let policy = &self.inner.config.retry;
        policy
            .run(
                retry::idempotent(&method),
                request.url.path(),
                || async move {
                    self.throttle(target, request.method).await;
                    match self.send_once(target, request, tokens).await {
                        Ok(r) => {
                            let outcome = Outcome::Status(r.status, r.retry_after);
                            (Ok(r), Some(outcome))
                        }
                        Err((e, outcome)) => (Err(e), outcome),
                    }
                },
            )
            .await
    }

    /// Waits for the rate limit `target` has: the ActiveCampaign account's, or
    /// `api.rate_limit` for connection requests.
    async fn throttle(&self, target: Target, method: ir::Method) {
        match target {
            Target::ActiveCampaign => {
                if let Some(ac) = self.conn.and_then(|c| c.activecampaign.as_ref()) {
                    ac.throttle().await;
                }
            }
            Target::Connection => {
                let user = self.conn.and_then(|c| c.user_limit.as_ref());
                self.inner.throttle(method, user).await;
            }
            Target::External => {}
        }
    }

    /// One attempt; a failure says how it ended (`None`: not worth retrying).
    async fn send_once(
        &self,
        target: Target,
        request: &Request,
        tokens: Option<&Tokens>,
    ) -> std::result::Result<Response, (Error, Option<Outcome>)> {
        let url = match target {
            Target::ActiveCampaign => request.url.clone(),
            Target::Connection | Target::External => {
                (self.inner.config.overrides.apply(request.url.clone())).map_err(|e| (e, None))?
            }
        };
        let mut req = self.inner.client.request(http::method(request.method), url);
        let has = |name: &str| {
            request
                .headers
                .iter()
                .any(|(h, _)| h.eq_ignore_ascii_case(name))
        };
        for (name, value) in &request.headers {
            req = req.header(name.as_str(), value.as_str());
        }
        if !has("accept") {
            req = req.header("Accept", "application/json");
        }
        match &request.body {
            Some(Body::Json(v)) => {
                if !has("content-type") {
                    req = req.header("Content-Type", "application/json");
                }
                req = req.body(serde_json::to_vec(v).unwrap_or_default());
            }
            Some(Body::Form(f)) => {
                if !has("content-type") {
                    req = req.header("Content-Type", "application/x-www-form-urlencoded");
                }
                req = req.body(f.clone());
            }
            None => {}
        }
        match (target, self.conn) {
            (Target::Connection, Some(conn)) => {
                let default = Tokens::default();
                req = auth::apply(
                    req,
                    &conn.auth.method,
                    &conn.credentials,
                    tokens.unwrap_or(&default),
                );
            }
            (Target::ActiveCampaign, Some(conn)) => {
                if let Some(ac) = &conn.activecampaign {
                    req = req.header("Api-Token", ac.token().expose());
                }
            }
            _ => {}
        }
        let answer = body::exchange(req, self.inner.config.timeout)
            .await
            .map_err(|(e, outcome)| (http::failure(e), Some(outcome)))?;
        Ok(Response {
            status: answer.status,
            body: http::parse_body(&answer.body),
            retry_after: answer.retry_after,
        })
    }
}

fn needs_token(method: &AuthMethod) -> bool {
    matches!(method, AuthMethod::OAuth2(_) | AuthMethod::Session { .. })
}

/// A non-2xx response as an error carrying its status and an excerpt of its body.
fn check_status(response: Response) -> Result<Response> {
    if (200..300).contains(&response.status) {
        return Ok(response);
    }
    let mut e = Error::remote(
        response.status,
        format!(
            "the API answered {}: {}",
            response.status,
            http::excerpt(&response.body)
        ),
    );
    if response.status == 401 || response.status == 403 {
        e = Error::remote(
            response.status,
            format!(
                "the API refused the credentials ({}): {}",
                response.status,
                http::excerpt(&response.body)
            ),
        );
    }
    Err(e)
}
