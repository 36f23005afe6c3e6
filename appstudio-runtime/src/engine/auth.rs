//! Connecting an account: credentials on requests (D8), oauth2 (authorization URL, code
//! exchange, refresh per D9), session tokens (re-verified on expiry), `verify_url` checks.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::json::{Map, Value};

use super::Inner;
use super::error::{Error, ErrorKind, Result};
use super::expand::Vars;
use super::http::{self, parse_body};
use crate::ir::{self, AuthMethod, OAuth2};
use crate::value::Secret;

/// Refresh (or re-verification) attempts before the connection needs reconnecting (D9).
pub(super) const MAX_REFRESH_ATTEMPTS: u32 = 3;

/// What the user entered to connect: the auth entry's defined fields (`username`,
/// `password`, `token`, `subdomain`).
#[derive(Clone, Default)]
pub struct Credentials {
    fields: HashMap<String, Secret>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Credentials");
        for (k, v) in &self.fields {
            if k == "subdomain" || k == "username" {
                d.field(k, &v.expose());
            } else {
                d.field(k, v);
            }
        }
        d.finish()
    }
}

impl Credentials {
    /// Credentials from a typed credentials value (`auth::*` of the generated API) or any
    /// JSON object of strings.
    pub fn from_json(value: &Value) -> Result<Credentials> {
        let Value::Object(members) = value else {
            return Err(Error::invalid("credentials must be a JSON object"));
        };
        let mut fields = HashMap::new();
        for (k, v) in members {
            if v.is_null() {
                continue;
            }
            fields.insert(k.to_string(), Secret::new(crate::value::json_text(v)));
        }
        Ok(Credentials { fields })
    }

    /// Adds or replaces one field.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.fields
            .insert(name.to_owned(), Secret::new(value.into()));
        self
    }

    /// One field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(Secret::expose)
    }

    /// The subdomain, checked to be one DNS label so it cannot change the host (D2).
    pub fn subdomain(&self) -> Result<Option<&str>> {
        let Some(s) = self.get("subdomain") else {
            return Ok(None);
        };
        let ok = !s.is_empty()
            && s.len() <= 63
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if ok {
            Ok(Some(s))
        } else {
            Err(Error::invalid(format!(
                "subdomain `{s}` is not a valid DNS label (letters, digits and `-`, at most 63)"
            )))
        }
    }

    /// Checks that every defined field of `auth` is present.
    pub fn check(&self, auth: &ir::Auth) -> Result<()> {
        for f in auth.defined_fields.iter() {
            let name = f.name.as_str();
            if self.get(name).is_none_or(str::is_empty) {
                return Err(Error::invalid(format!(
                    "auth `{}` needs `{name}` ({})",
                    auth.key, f.label
                )));
            }
        }
        self.subdomain().map(drop)
    }
}

/// An access token with its expiry.
///
/// Serializes (to store a connection between runs, see [`super::Engine::restore`]) as
/// `{"access", "refresh", "expires_at"}`, the expiry in Unix seconds.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(into = "StoredTokens", from = "StoredTokens")]
pub struct Tokens {
    /// Sent as `Authorization: Bearer …`.
    pub access: Option<Secret>,
    /// Used to get a new access token (oauth2).
    pub refresh: Option<Secret>,
    /// When the access token expires.
    pub expires_at: Option<Instant>,
}

/// [`Tokens`] as stored: the expiry as wall-clock time, which outlives the process.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredTokens {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    access: Option<Secret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh: Option<Secret>,
    /// Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

impl From<Tokens> for StoredTokens {
    fn from(t: Tokens) -> StoredTokens {
        let expires_at = t.expires_at.map(|at| {
            let left = at.saturating_duration_since(Instant::now());
            let wall = std::time::SystemTime::now() + left;
            wall.duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
        StoredTokens {
            access: t.access,
            refresh: t.refresh,
            expires_at,
        }
    }
}

impl From<StoredTokens> for Tokens {
    fn from(s: StoredTokens) -> Tokens {
        // an expiry in the past is now: the token is refreshed before its next use
        let expires_at = s.expires_at.map(|secs| {
            let wall = std::time::UNIX_EPOCH + Duration::from_secs(secs);
            let left = wall
                .duration_since(std::time::SystemTime::now())
                .unwrap_or_default();
            Instant::now() + left
        });
        Tokens {
            access: s.access,
            refresh: s.refresh,
            expires_at,
        }
    }
}

impl Tokens {
    /// Tokens from a token endpoint's answer; a missing refresh token keeps `previous`'s.
    pub(crate) fn from_response(body: &Value, previous: Option<&Tokens>) -> Result<Tokens> {
        let access = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ReconnectNeeded,
                    "the token response has no `access_token`",
                )
            })?;
        let refresh = body
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(Secret::new)
            .or_else(|| previous.and_then(|p| p.refresh.clone()));
        let expires_in = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        };
        Ok(Tokens {
            access: Some(Secret::new(access)),
            refresh,
            expires_at: expires_in
                .filter(|s| s.is_finite() && *s > 0.0)
                .map(|s| Instant::now() + Duration::from_secs_f64(s.min(1e9))),
        })
    }

    /// Whether the access token is known to be expired (with a few seconds of margin).
    pub fn expired(&self) -> bool {
        self.expires_at
            .is_some_and(|t| Instant::now() + Duration::from_secs(5) >= t)
    }
}

/// Vars that only know the subdomain: what auth URLs and `api.base_url` may use.
pub(super) fn subdomain_vars<'a>(subdomain: Option<&'a str>) -> Vars<'a> {
    Vars {
        subdomain,
        ..Vars::default()
    }
}

/// Adds the connection's credentials to a request (D8).
pub(super) fn apply(
    req: reqwest::RequestBuilder,
    method: &AuthMethod,
    credentials: &Credentials,
    tokens: &Tokens,
) -> reqwest::RequestBuilder {
    match method {
        AuthMethod::OAuth2(_) | AuthMethod::Session { .. } => match &tokens.access {
            Some(t) => req.bearer_auth(t.expose()),
            None => req,
        },
        AuthMethod::Basic { .. } => req.basic_auth(
            credentials.get("username").unwrap_or_default(),
            credentials.get("password"),
        ),
        AuthMethod::Token {
            header_key,
            token_prefix,
            ..
        } => {
            let token = credentials.get("token").unwrap_or_default();
            let value = match token_prefix.as_deref().filter(|p| !p.is_empty()) {
                Some(prefix) => format!("{prefix} {token}"),
                None => token.to_owned(),
            };
            req.header(&**header_key, value)
        }
    }
}

/// The URL to send the user to (oauth2), with `state` and `redirect_uri`.
pub(super) fn authorization_url(
    inner: &Inner,
    o: &OAuth2,
    credentials: &Credentials,
    redirect_uri: &str,
    state: &str,
) -> Result<url::Url> {
    let vars = subdomain_vars(credentials.subdomain()?);
    let base = vars.url_path(&o.authorization_base_url)?;
    let mut url = url::Url::parse(&base).map_err(|e| {
        Error::config(format!(
            "`authorization_base_url` `{base}` is not a URL: {e}"
        ))
    })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &o.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &o.scopes.join(" "))
        .append_pair("state", state);
    let _ = inner;
    Ok(url)
}

/// A token request (code exchange or refresh): form body, client credentials in the body
/// (`include_client_id`) or as HTTP Basic.
pub(super) async fn token_request(
    inner: &Inner,
    o: &OAuth2,
    url: &ir::StrTemplate,
    credentials: &Credentials,
    grant: &[(&str, &str)],
    previous: Option<&Tokens>,
) -> Result<Tokens> {
    let vars = subdomain_vars(credentials.subdomain()?);
    let url = url::Url::parse(&vars.url_path(url)?)
        .map_err(|e| Error::config(format!("token URL is not a URL: {e}")))?;
    let url = inner.config.overrides.apply(url)?;
    let body = {
        let mut form = form_urlencoded::Serializer::new(String::new());
        let mut names: Vec<String> = Vec::new();
        for (k, v) in grant {
            form.append_pair(k, v);
            names.push((*k).to_owned());
        }
        if let Some(extra) = &o.token_request_body {
            for (k, v) in form_urlencoded::parse(extra.as_bytes()) {
                if !names.iter().any(|n| *n == k) {
                    form.append_pair(&k, &v);
                }
            }
        }
        if o.include_client_id {
            form.append_pair("client_id", &o.client_id);
            form.append_pair("client_secret", &o.client_secret);
        }
        form.finish()
    };
    let mut req = inner
        .client
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body);
    if !o.include_client_id {
        req = req.basic_auth(&*o.client_id, Some(&*o.client_secret));
    }
    let answer = http::exchange(req, inner.config.timeout).await?;
    let (status, body) = (answer.status, parse_body(&answer.body));
    if !(200..300).contains(&status) {
        let kind = if status >= 500 {
            ErrorKind::Remote5xx
        } else {
            ErrorKind::ReconnectNeeded
        };
        return Err(Error::new(
            kind,
            format!(
                "the token endpoint answered {status}: {}",
                http::excerpt(&body)
            ),
        ));
    }
    Tokens::from_response(&body, previous)
}

/// Exchanges an authorization code for tokens.
pub(super) async fn exchange_code(
    inner: &Inner,
    o: &OAuth2,
    credentials: &Credentials,
    code: &str,
    redirect_uri: &str,
) -> Result<Tokens> {
    token_request(
        inner,
        o,
        &o.token_url,
        credentials,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ],
        None,
    )
    .await
}

/// Refreshes oauth2 tokens through `refresh_url` (else `token_url`), up to
/// [`MAX_REFRESH_ATTEMPTS`] times; then the connection needs reconnecting.
pub(super) async fn refresh(
    inner: &Inner,
    o: &OAuth2,
    credentials: &Credentials,
    tokens: &Tokens,
) -> Result<Tokens> {
    let Some(refresh) = tokens.refresh.clone() else {
        return Err(Error::new(
            ErrorKind::ReconnectNeeded,
            "the access token expired and the provider gave no refresh token: reconnect the account",
        ));
    };
    let url = o.refresh_url.as_ref().unwrap_or(&o.token_url);
    let mut last = None;
    for attempt in 1..=MAX_REFRESH_ATTEMPTS {
        match token_request(
            inner,
            o,
            url,
            credentials,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.expose()),
            ],
            Some(tokens),
        )
        .await
        {
            Ok(t) => return Ok(t),
            Err(e) => {
                tracing::warn!(attempt, error = %e, "oauth2 refresh failed");
                last = Some(e);
            }
        }
    }
    Err(Error::new(
        ErrorKind::ReconnectNeeded,
        format!(
            "the oauth2 refresh failed {MAX_REFRESH_ATTEMPTS} times ({}): reconnect the account",
            last.map_or_else(String::new, |e| e.message().to_owned())
        ),
    ))
}

/// `type: session`: POSTs the credentials (HTTP Basic, plus `request_body` as JSON) to
/// `verify_url`; 200 with `access_token` gives the session token.
pub(super) async fn session_login(
    inner: &Inner,
    verify_url: &ir::StrTemplate,
    request_body: Option<&ir::Template>,
    credentials: &Credentials,
    previous: Option<&Tokens>,
    user_limit: Option<&super::limit::Buckets>,
) -> Result<Tokens> {
    let vars = subdomain_vars(credentials.subdomain()?);
    let url = url::Url::parse(&vars.url_path(verify_url)?)
        .map_err(|e| Error::config(format!("`verify_url` is not a URL: {e}")))?;
    let url = inner.config.overrides.apply(url)?;
    let body = match request_body {
        Some(t) => vars.template(t)?,
        None => Value::Object(Map::new()),
    };
    inner.throttle(ir::Method::Post, user_limit).await;
    let request = inner
        .client
        .post(url)
        .basic_auth(
            credentials.get("username").unwrap_or_default(),
            credentials.get("password"),
        )
        .json(&body);
    let answer = http::exchange(request, inner.config.timeout).await?;
    let (status, body) = (answer.status, parse_body(&answer.body));
    if status != 200 {
        return Err(Error::new(
            if status >= 500 {
                ErrorKind::Remote5xx
            } else {
                ErrorKind::ReconnectNeeded
            },
            format!("`verify_url` answered {status}: the credentials were not accepted"),
        ));
    }
    Tokens::from_response(&body, previous)
}

/// `type: basic` and `type: token`: GET `verify_url` with the credentials; only 200 is valid.
/// The request counts against `api.rate_limit` (`user_limit`: the new connection's buckets).
pub(super) async fn verify(
    inner: &Inner,
    auth: &ir::Auth,
    credentials: &Credentials,
    user_limit: Option<&super::limit::Buckets>,
) -> Result<()> {
    let verify_url = match &auth.method {
        AuthMethod::Basic { verify_url } | AuthMethod::Token { verify_url, .. } => verify_url,
        _ => return Ok(()),
    };
    let vars = subdomain_vars(credentials.subdomain()?);
    let url = url::Url::parse(&vars.url_path(verify_url)?)
        .map_err(|e| Error::config(format!("`verify_url` is not a URL: {e}")))?;
    let url = inner.config.overrides.apply(url)?;
    let req = apply(
        inner.client.get(url),
        &auth.method,
        credentials,
        &Tokens::default(),
    );
    inner.throttle(ir::Method::Get, user_limit).await;
    let status = http::exchange(req, inner.config.timeout).await?.status;
    if status != 200 {
        return Err(Error::new(
            if status >= 500 {
                ErrorKind::Remote5xx
            } else {
                ErrorKind::InvalidInput
            },
            format!("`verify_url` answered {status}: the credentials were not accepted"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_store_their_expiry_as_wall_clock_time() {
        let tokens = Tokens {
            access: Some(Secret::new("a")),
            refresh: Some(Secret::new("r")),
            expires_at: Some(Instant::now() + Duration::from_secs(3600)),
        };
        let stored = serde_json::to_value(&tokens).unwrap();
        assert_eq!(stored["access"], "a");
        assert_eq!(stored["refresh"], "r");
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let at = stored["expires_at"].as_u64().unwrap();
        assert!((unix + 3598..=unix + 3601).contains(&at), "{at} vs {unix}");
        let back: Tokens = serde_json::from_value(stored).unwrap();
        let left = back.expires_at.unwrap() - Instant::now();
        assert!(left > Duration::from_secs(3590) && left <= Duration::from_secs(3601));
        assert_eq!(back.access, tokens.access);
        // an expiry already past reads as now; no expiry stays none
        let past: Tokens =
            serde_json::from_value(serde_json::json!({"access": "a", "expires_at": 5})).unwrap();
        assert!(past.expires_at.unwrap() <= Instant::now());
        let none: Tokens = serde_json::from_value(serde_json::json!({"access": "a"})).unwrap();
        assert!(none.expires_at.is_none() && none.refresh.is_none());
    }
}
