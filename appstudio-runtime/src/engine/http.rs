//! `!http` requests: the URL rules of D5, expansions in paths, params and headers (D2), JSON and
//! form bodies (D4), the response as JSON (D3), bounded response sizes, origin overrides for
//! tests.

use crate::json::{Map, Value};

use std::time::Duration;

use super::error::{Error, ErrorKind, Result};
use super::expand::{Vars, push_text};
use crate::ir::{Http, Method, Namespace, StrTemplate, Target};
use crate::net::body::{self, Answer, BodyError, MAX_BODY_BYTES};

/// A request ready to send.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// Method.
    pub method: Method,
    /// Absolute URL.
    pub url: url::Url,
    /// Headers from `app.json` (credentials are added when sending).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Option<Body>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// JSON.
    Json(Value),
    /// `application/x-www-form-urlencoded` (D4).
    Form(String),
}

/// A response: status and body as JSON (empty → `null`, non-JSON → a string).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Response {
    /// HTTP status.
    pub status: u16,
    /// The body.
    pub body: Value,
    /// `Retry-After`, when given.
    pub retry_after: Option<Duration>,
}

/// Rewrites outgoing URLs whose origin matches a pattern, so tests can point an app at
/// servers on loopback: `https://*.formly.example` → `http://127.0.0.1:4000`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    rules: Vec<(String, String)>,
}

impl Overrides {
    /// Adds a rule: `from` is an origin (`scheme://host[:port]`) whose host may start with a
    /// `*.` wildcard label; `to` replaces the matched origin.
    pub fn add(&mut self, from: impl Into<String>, to: impl Into<String>) {
        self.rules
            .push((from.into(), to.into().trim_end_matches('/').to_owned()));
    }

    /// Applies the first matching rule.
    pub(crate) fn apply(&self, url: url::Url) -> Result<url::Url> {
        let origin = url.origin().ascii_serialization();
        for (from, to) in &self.rules {
            if origin_matches(from, &origin) {
                let rest = &url.as_str()[origin.len()..];
                return url::Url::parse(&format!("{to}{rest}"))
                    .map_err(|e| Error::config(format!("override `{to}` gives a bad URL: {e}")));
            }
        }
        Ok(url)
    }
}

fn origin_matches(pattern: &str, origin: &str) -> bool {
    match pattern.split_once("://*.") {
        Some((scheme, suffix)) => origin
            .strip_prefix(scheme)
            .and_then(|r| r.strip_prefix("://"))
            .and_then(|host| host.strip_suffix(suffix))
            .is_some_and(|label| label.ends_with('.') && !label[..label.len() - 1].contains('.')),
        None => pattern.trim_end_matches('/') == origin,
    }
}

/// Where a request goes: the connection's base URL, or the ActiveCampaign account's.
pub(crate) struct Bases<'a> {
    /// `api.base_url`, rendered.
    pub api: Option<&'a str>,
    /// The ActiveCampaign account's API URL.
    pub activecampaign: Option<&'a str>,
}

/// Builds the request of an `!http` command.
pub(crate) fn prepare(
    http: &Http,
    vars: &Vars,
    bases: &Bases,
    search: Option<(&str, &str)>,
) -> Result<Request> {
    let mut url = target_url(http, vars, bases)?;
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in http.params.iter() {
            for text in param_values(vars.template(value)?) {
                query.append_pair(name, &text);
            }
        }
        if let Some((param, term)) = search {
            query.append_pair(param, term);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let headers = http
        .headers
        .iter()
        .map(|(name, value)| Ok((name.to_string(), vars.header(name, value)?)))
        .collect::<Result<Vec<_>>>()?;
    let body = match &http.body {
        None => None,
        Some(t) => {
            let value = vars.template(t)?;
            Some(if http.form {
                Body::Form(form_encode(&value)?)
            } else {
                Body::Json(value)
            })
        }
    };
    Ok(Request {
        method: http.method,
        url,
        headers,
        body,
    })
}

fn target_url(http: &Http, vars: &Vars, bases: &Bases) -> Result<url::Url> {
    let parse = |s: &str| {
        url::Url::parse(s).map_err(|e| Error::invalid(format!("`{s}` is not a valid URL: {e}")))
    };
    if let Some(u) = &http.url {
        // A `url` that is one expansion is a whole URL (e.g. a next-page link); otherwise its
        // expansions are path segments.
        let text = match u {
            StrTemplate::Value(_) => vars.text(u)?,
            _ => vars.url_path(u)?,
        };
        let url = parse(&text)?;
        if let StrTemplate::Value(e) = u
            && matches!(e.ns, Namespace::PipedContent | Namespace::PollingState)
            && http.target == Target::Connection
        {
            same_origin_as_api(&url, bases.api)?;
        }
        return Ok(url);
    }
    let Some(p) = &http.path else {
        return Err(Error::config("`!http` has neither `url` nor `path`"));
    };
    let path = vars.url_path(p)?;
    if is_absolute(&path) {
        if http.target == Target::ActiveCampaign {
            return Err(Error::config(
                "`target: activecampaign` takes a relative `path` (such as `api/3/tags`)",
            ));
        }
        return parse(&path);
    }
    let base = match http.target {
        Target::ActiveCampaign => bases
            .activecampaign
            .ok_or_else(|| Error::config("no ActiveCampaign account to send this request to"))?,
        Target::Connection | Target::External => bases
            .api
            .filter(|b| !b.is_empty())
            .ok_or_else(|| Error::config("a relative `path` needs `api.base_url`"))?,
    };
    parse(&join(base, &path))
}

/// A whole URL taken from a remote answer (`${piped_content…}`, `${polling_state…}`) and sent
/// with the connection's credentials must be on the origin of `api.base_url` (D19), like a
/// `next_page_url`; an app without `base_url` has no origin to check against.
fn same_origin_as_api(url: &url::Url, api: Option<&str>) -> Result<()> {
    let Some(base) = api.and_then(|b| url::Url::parse(b).ok()) else {
        return Ok(());
    };
    let (to, origin) = (url.origin(), base.origin());
    if to == origin && to.is_tuple() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "the `url` taken from a remote answer points to {}, another origin than the API's {}: \
         it was not sent, so the connection's credentials stay on the API's origin",
        to.ascii_serialization(),
        origin.ascii_serialization()
    )))
}

/// `base` and `path` joined with exactly one `/` (D5).
pub(crate) fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

fn is_absolute(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Query values of one parameter: scalars as text, lists repeated, `null` left out.
fn param_values(v: Value) -> Vec<String> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.into_iter().flat_map(param_values).collect(),
        other => {
            let mut s = String::new();
            push_text(&other, &mut s);
            vec![s]
        }
    }
}

/// A body object form-encoded: strings as they are, other values as compact JSON.
pub(crate) fn form_encode(v: &Value) -> Result<String> {
    let Value::Object(members) = v else {
        return Err(Error::config("a form-encoded body must be a JSON object"));
    };
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in members {
        for text in param_values(v.clone()) {
            out.append_pair(k, &text);
        }
    }
    Ok(out.finish())
}

/// Parses a response body: empty → `null`, JSON → the value, anything else → a string.
pub(crate) fn parse_body(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    Value::from_slice(bytes)
        .unwrap_or_else(|_| Value::from(String::from_utf8_lossy(bytes).into_owned()))
}

/// A failed attempt in the engine's terms.
pub(crate) fn failure(e: BodyError) -> Error {
    match e {
        BodyError::TooLarge { status } => Error::new(
            ErrorKind::ResponseTooLarge,
            format!(
                "the API answered {status} with a body larger than {} MiB ({MAX_BODY_BYTES} \
                 bytes), which is not read",
                MAX_BODY_BYTES >> 20
            ),
        ),
        BodyError::Transport(e) => transport(e),
    }
}

/// Sends a request once and reads its answer within `timeout` (auth requests, which are not
/// retried).
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    timeout: Duration,
) -> Result<Answer> {
    body::exchange(request, timeout)
        .await
        .map_err(|(e, _)| failure(e))
}

/// A transport failure (connection refused, timeout, reset), or a redirect to another
/// origin that was not followed (D19: [`ErrorKind::InvalidInput`], like a `next_page_url`
/// elsewhere).
fn transport(e: reqwest::Error) -> Error {
    let kind = if crate::net::is_cross_origin_redirect(&e) {
        ErrorKind::InvalidInput
    } else {
        ErrorKind::Remote5xx
    };
    Error::new(kind, body::describe(e))
}

/// The method for reqwest.
pub(crate) fn method(m: Method) -> reqwest::Method {
    match m {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
        Method::Options => reqwest::Method::OPTIONS,
    }
}

/// A short excerpt of a response body for error messages.
pub(crate) fn excerpt(body: &Value) -> String {
    let mut s = String::new();
    push_text(body, &mut s);
    if s.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|i| s.is_char_boundary(*i))
            .unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// `{"body": v}` when the consumers read `.body` (D3), else `v`.
pub(crate) fn shape(wrap_body: bool, v: Value) -> Value {
    if wrap_body {
        let mut m = Map::new();
        m.insert("body".to_owned(), v);
        Value::Object(m)
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_with_exactly_one_slash() {
        assert_eq!(
            join("https://a.example/v1/", "/items"),
            "https://a.example/v1/items"
        );
        assert_eq!(
            join("https://a.example/v1", "items"),
            "https://a.example/v1/items"
        );
    }

    #[test]
    fn overrides_match_origins_and_wildcards() {
        let mut o = Overrides::default();
        o.add("https://*.formly.example", "http://127.0.0.1:9");
        o.add("https://api.textbolt.example", "http://127.0.0.1:8/");
        let u = |s: &str| o.apply(url::Url::parse(s).unwrap()).unwrap().to_string();
        assert_eq!(
            u("https://acme.formly.example/oauth/token?x=1"),
            "http://127.0.0.1:9/oauth/token?x=1"
        );
        assert_eq!(
            u("https://a.b.formly.example/x"),
            "https://a.b.formly.example/x"
        );
        assert_eq!(
            u("https://api.textbolt.example/v2/sms"),
            "http://127.0.0.1:8/v2/sms"
        );
        assert_eq!(
            u("https://evil.example/formly.example"),
            "https://evil.example/formly.example"
        );
    }

    #[test]
    fn bodies() {
        assert_eq!(parse_body(b""), Value::Null);
        assert_eq!(parse_body(b" \n"), Value::Null);
        assert_eq!(parse_body(b"{\"a\":1}"), crate::json!({"a": 1}));
        assert_eq!(parse_body(b"OK"), Value::String("OK".into()));
        assert_eq!(
            parse_body(&[0xff, 0xfe]),
            Value::String("\u{fffd}\u{fffd}".into())
        );
        let form =
            form_encode(&crate::json!({"To": "+1 555", "Body": "a&b=c", "n": 2, "skip": null}))
                .unwrap();
        assert_eq!(form, "To=%2B1+555&Body=a%26b%3Dc&n=2");
    }
}
