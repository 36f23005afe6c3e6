//! Webhook intakes: receiving a request (registering `${webhook.url}` is
//! [`super::subscription`]'s): `verification` (with `!respond`), routing by
//! `resource_id`/`account_id`, then `data_pipeline`.

use std::sync::Arc;

use crate::json::{Map, Str, Value};

use super::ctx::Respond;
use super::error::{Error, Result};
use super::exec;
use super::workflow::{DynWorkflow, Processed};
use crate::ir::{self, IntakeKind};
use crate::lock::unpoisoned;

/// The largest webhook body [`Incoming::from_http`] takes in, and the default of
/// `EngineConfig::max_webhook_body`: 8 MiB (responses are capped at 16 MiB).
pub const DEFAULT_MAX_WEBHOOK_BODY: usize = 8 << 20;

/// A request that reached a webhook.
///
/// The body is taken as its content type says (D22 in ARCHITECTURE.md): JSON for
/// `application/json` and `…+json` types, and when there is no content type; a form
/// (`a=1&b=2`, as a flat object of strings) only for `application/x-www-form-urlencoded`; an
/// empty body is `{}`. Anything else, and a body that is not what its type says, is refused
/// ([`ErrorKind::InvalidInput`](super::ErrorKind::InvalidInput)), never read another way. The
/// exact bytes are kept ([`Incoming::raw`]), which intake commands read as `.raw_body`, so that a
/// signature is checked over exactly what the provider signed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    /// The body: JSON as it is, a form body as a flat object of strings.
    pub body: Value,
    /// The query parameters (`.query_params` in intake commands).
    pub query: Map,
    /// The headers, names in lower case (`.headers` in intake commands).
    pub headers: Map,
    /// The body exactly as received.
    raw: Raw,
}

/// The bytes of a body: as text when they are UTF-8 (the usual case), held once and shared
/// with the payload's `.raw_body`.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Text(Str),
    Bytes(Arc<[u8]>),
}

impl Default for Raw {
    fn default() -> Raw {
        Raw::Text(Str::default())
    }
}

impl Raw {
    fn of(bytes: Vec<u8>) -> Raw {
        match String::from_utf8(bytes) {
            Ok(text) => Raw::Text(Str::from(text)),
            Err(e) => Raw::Bytes(e.into_bytes().into()),
        }
    }

    /// `.raw_body`: the text (bytes that are not UTF-8 become U+FFFD).
    fn into_text(self) -> Str {
        match self {
            Raw::Text(s) => s,
            Raw::Bytes(b) => Str::from(String::from_utf8_lossy(&b).into_owned()),
        }
    }
}

/// How a body is read, from its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyType {
    Json,
    Form,
}

/// The [`BodyType`] of a content type, or why it is refused.
fn body_type(content_type: Option<&str>) -> Result<BodyType> {
    let Some(ct) = content_type else {
        return Ok(BodyType::Json);
    };
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == "application/json" || media.ends_with("+json") {
        Ok(BodyType::Json)
    } else if media == "application/x-www-form-urlencoded" {
        Ok(BodyType::Form)
    } else {
        Err(Error::invalid(format!(
            "the webhook body has content type `{}`; only JSON (`application/json`, `…+json`) \
             and forms (`application/x-www-form-urlencoded`) are taken",
            ct.escape_debug()
        )))
    }
}

impl Incoming {
    /// The body exactly as received (`.raw_body` in intake commands, as text; bytes that are
    /// not UTF-8 become U+FFFD there).
    pub fn raw(&self) -> &[u8] {
        match &self.raw {
            Raw::Text(s) => s.as_bytes(),
            Raw::Bytes(b) => b,
        }
    }

    /// A request with a JSON body and nothing else (its raw bytes are the body as compact
    /// JSON).
    pub fn json(body: impl Into<Value>) -> Incoming {
        let body = body.into();
        Incoming {
            raw: Raw::of(body.to_vec()),
            body,
            ..Incoming::default()
        }
    }

    /// A request as received over HTTP, its body at most [`DEFAULT_MAX_WEBHOOK_BODY`] bytes
    /// (see [`Incoming::from_http_limited`]); `query` is the raw query string.
    pub fn from_http<'a>(
        content_type: Option<&str>,
        body: &[u8],
        query: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Incoming> {
        Incoming::from_http_limited(DEFAULT_MAX_WEBHOOK_BODY, content_type, body, query, headers)
    }

    /// A request as received over HTTP with a body of at most `max_body` bytes (a larger one
    /// is [`ErrorKind::BodyTooLarge`](super::ErrorKind::BodyTooLarge), unparsed). The body is
    /// read as its content type says (see [`Incoming`]); JSON nested 128 levels deep is refused
    /// (`json::MAX_DEPTH`, serde_json's limit).
    pub fn from_http_limited<'a>(
        max_body: usize,
        content_type: Option<&str>,
        body: &[u8],
        query: &str,
        headers: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Incoming> {
        check_size(body.len(), max_body)?;
        let value = if body.iter().all(u8::is_ascii_whitespace) {
            // whatever the content type says: nothing was sent
            Value::Object(Map::new())
        } else if body_type(content_type)? == BodyType::Form {
            pairs(body)
        } else {
            // memory: a value takes 32 bytes parsed, so a body of many tiny ones (`[1,1,…]`, two
            // bytes each) would take 16 times its size; one value per 4 bytes of the limit
            // keeps any body under 8 times the limit
            let values = crate::jq::shape(body).values;
            if values > max_body / 4 {
                return Err(Error::new(
                    super::ErrorKind::BodyTooLarge,
                    format!(
                        "the webhook body holds about {values} JSON values, more than the {} \
                         taken in (one per 4 bytes of the size limit)",
                        max_body / 4
                    ),
                ));
            }
            Value::from_slice(body).map_err(|e| {
                let what = match content_type {
                    Some(_) => "",
                    None => " (it has no content type, so it is read as JSON)",
                };
                Error::invalid(format!("the webhook body is not JSON{what}: {e}"))
            })?
        };
        let query = match pairs(query.as_bytes()) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let headers = headers
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), Value::String(v.to_owned().into())))
            .collect();
        Ok(Incoming {
            body: value,
            query,
            headers,
            raw: Raw::of(body.to_vec()),
        })
    }

    /// What intake commands read: the body's members with `query_params`, `headers` and
    /// `raw_body` (the body's own members of these names win); a body that is not an object
    /// as it is. A copy; [`Incoming::into_payload`] takes the body instead.
    pub fn payload(&self) -> Value {
        self.clone().into_payload().value
    }

    /// The [`payload`](Incoming::payload), made of the body itself rather than a copy of it
    /// (a large body is held once); [`Payload::into_body`] gives the body back.
    pub fn into_payload(self) -> Payload {
        let Incoming {
            body,
            query,
            headers,
            raw,
        } = self;
        match body {
            Value::Object(mut m) => {
                let before = m.len();
                for (key, value) in [
                    ("query_params", Value::Object(query)),
                    ("headers", Value::Object(headers)),
                    ("raw_body", Value::String(raw.into_text())),
                ] {
                    if !m.contains_key(key) {
                        m.insert(key, value);
                    }
                }
                Payload {
                    added: m.len() - before,
                    value: Value::Object(m),
                }
            }
            other => Payload {
                value: other,
                added: 0,
            },
        }
    }
}

/// An [`Incoming`]'s payload that can become its body again (see [`Incoming::into_payload`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Payload {
    value: Value,
    /// How many members were added at the end of the body's object.
    added: usize,
}

impl Payload {
    /// What intake commands read.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The body again: the members the payload added are taken off its end.
    pub fn into_body(self) -> Value {
        match self.value {
            Value::Object(mut m) => {
                for _ in 0..self.added {
                    m.pop();
                }
                Value::Object(m)
            }
            other => other,
        }
    }
}

/// Refuses a body of `len` bytes if it is larger than `max`.
fn check_size(len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(Error::new(
            super::ErrorKind::BodyTooLarge,
            format!("the webhook body has {len} bytes, more than the {max} bytes taken in"),
        ));
    }
    Ok(())
}

/// `a=1&b=2` as `{"a": "1", "b": "2"}` (a repeated key keeps its last value).
fn pairs(bytes: &[u8]) -> Value {
    Value::Object(
        form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned().into())))
            .collect(),
    )
}

/// What became of a request to a webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// `verification` answered it (a challenge); the payload was not processed.
    Responded(Respond),
    /// It belongs to another workflow instance or account (`resource_id`/`account_id` did
    /// not match), or `verification` gave no answer that lets it through.
    Ignored {
        /// Why.
        reason: String,
    },
    /// It went through `data_pipeline`.
    Processed {
        /// The pipeline's run.
        processed: Box<Processed>,
        /// The answer `verification` chose, if any (else 200).
        respond: Option<Respond>,
    },
}

impl DynWorkflow {
    /// The webhook intake of this (inbound) workflow.
    fn webhook(&self) -> Result<&'static ir::Webhook> {
        self.webhook_intake().map(|(_, w)| w)
    }

    /// The webhook intake of this (inbound) workflow, with its name.
    pub(crate) fn webhook_intake(&self) -> Result<(&'static str, &'static ir::Webhook)> {
        let app = self.conn.engine.inner.app;
        match self.wf.data_intake.and_then(|i| app.intakes.get(i)) {
            Some(ir::Intake {
                name,
                kind: IntakeKind::Webhook(w),
                ..
            }) => Ok((&**name, w)),
            _ => Err(Error::config(format!(
                "workflow `{}` does not receive through a webhook intake",
                self.wf.name
            ))),
        }
    }

    /// Whether a payload is for this workflow instance: `account_id` must give the
    /// connection's `describe_connection` account id, and `resource_id` the selected
    /// resource's id (each when the intake has it). `None` if it is, else why not.
    pub async fn routes_elsewhere(&self, payload: &Value) -> Result<Option<String>> {
        let hook = self.webhook()?;
        let session = self.conn.session();
        let mut ctx = self.ctx();
        if let Some(cmd) = &hook.account_id {
            let got = exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.account_id"))?;
            let ours = unpoisoned(self.conn.state.account_id.lock()).clone();
            match ours {
                None => {
                    return Err(self.locate(
                        Error::config(
                            "an application-scope webhook is routed by account id: run \
                             `describe_connection` first",
                        ),
                        "data_intake.account_id",
                    ));
                }
                Some(ours) if !same_id(&ours, &got) => {
                    return Ok(Some(format!(
                        "account id {got} is not this connection's ({ours})"
                    )));
                }
                Some(_) => {}
            }
        }
        if let (Some(cmd), Some(ours)) = (&hook.resource_id, &self.resource_id) {
            let got = exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.resource_id"))?;
            if !same_id(ours, &got) {
                return Ok(Some(format!(
                    "resource id {got} is not the selected one ({ours})"
                )));
            }
        }
        Ok(None)
    }

    /// What the intake's `account_id` command gives for a request, run without a request to
    /// any API (like [`DynWorkflow::verify`]); `None` when the intake has no `account_id`. A
    /// host routes an application-scope request with it before storing one event per
    /// matching installation (D28); [`DynWorkflow::receive`] checks the routing again.
    pub async fn account_of(&self, incoming: &Incoming) -> Result<Option<Value>> {
        let hook = self.webhook()?;
        let Some(cmd) = &hook.account_id else {
            return Ok(None);
        };
        let session = self.conn.session();
        let mut ctx = self.ctx();
        ctx.offline = true;
        exec::run(&session, cmd, incoming.payload(), &mut ctx, &[])
            .await
            .map(Some)
            .map_err(|e| self.locate(e, "data_intake.account_id"))
    }

    /// Runs the intake's `verification` alone, without a request to any API (a command
    /// that would make one is an [`ErrorKind::Config`](super::ErrorKind::Config) error): what
    /// a host answers on its request path before storing the request (D28). Routing and
    /// `data_pipeline` do not run; [`DynWorkflow::receive`] runs the same verification again
    /// (with requests allowed) before processing.
    pub async fn verify(&self, incoming: &Incoming) -> Result<Verification> {
        let hook = self.webhook()?;
        check_size(
            incoming.raw().len(),
            self.conn.engine.inner.config.max_webhook_body,
        )?;
        self.verification(hook, &incoming.payload(), true).await
    }

    /// `verification` on a payload; `offline`: no command may make a request.
    async fn verification(
        &self,
        hook: &'static ir::Webhook,
        payload: &Value,
        offline: bool,
    ) -> Result<Verification> {
        let Some(cmd) = &hook.verification else {
            return Ok(Verification::Process(None));
        };
        let session = self.conn.session();
        let mut ctx = self.ctx();
        ctx.offline = offline;
        exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
            .await
            .map_err(|e| self.locate(e, "data_intake.verification"))?;
        Ok(match ctx.response.take() {
            Some(r) if r.process_payload => Verification::Process(Some(r)),
            Some(r) => Verification::Respond(r),
            None => Verification::Ignore(
                "`verification` gave no `!respond` with `process_payload: true`".into(),
            ),
        })
    }

    /// Receives one request: `verification` first (a challenge is answered, not processed),
    /// then routing, then `data_pipeline` on the payload.
    pub async fn receive(&mut self, incoming: Incoming) -> Result<Delivery> {
        let hook = self.webhook()?;
        check_size(
            incoming.raw().len(),
            self.conn.engine.inner.config.max_webhook_body,
        )?;
        // a body is held once: the payload is made of it, and given back after routing
        let payload = incoming.into_payload();
        let respond = match self.verification(hook, payload.value(), false).await? {
            Verification::Process(respond) => respond,
            Verification::Respond(r) => return Ok(Delivery::Responded(r)),
            Verification::Ignore(reason) => return Ok(Delivery::Ignored { reason }),
        };
        if let Some(reason) = self.routes_elsewhere(payload.value()).await? {
            return Ok(Delivery::Ignored { reason });
        }
        let processed = self.process(payload.into_body()).await?;
        Ok(Delivery::Processed {
            processed: Box::new(processed),
            respond,
        })
    }
}

/// What a webhook intake's `verification` decided about a request
/// ([`DynWorkflow::verify`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Verification {
    /// Answer the request with this, and do not process it (a challenge).
    Respond(Respond),
    /// Process it (the intake has no `verification`, or it let the request through, with the
    /// answer it chose).
    Process(Option<Respond>),
    /// Neither: `verification` gave no `!respond` that lets it through; why.
    Ignore(String),
}

/// Ids compare as text (`"12"` and `12` are the same account).
fn same_id(a: &Value, b: &Value) -> bool {
    crate::value::json_text(a) == crate::value::json_text(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn requests_parse() {
        let i = Incoming::from_http(
            Some("application/x-www-form-urlencoded"),
            b"type=update&contact%5Bemail%5D=a%40b.c",
            "challenge=x%20y",
            [("X-Sig", "abc")],
        )
        .unwrap();
        assert_eq!(i.body, json!({"type": "update", "contact[email]": "a@b.c"}));
        assert_eq!(
            i.payload(),
            json!({"type": "update", "contact[email]": "a@b.c",
                   "query_params": {"challenge": "x y"}, "headers": {"x-sig": "abc"},
                   "raw_body": "type=update&contact%5Bemail%5D=a%40b.c"})
        );
        let i = Incoming::from_http(None, br#"{"a": 1}"#, "", []).unwrap();
        assert_eq!(i.body, json!({"a": 1}));
        assert!(Incoming::from_http(Some("application/json"), b"{", "", []).is_err());
        assert!(same_id(&json!("12"), &json!(12)) && !same_id(&json!(1), &json!(2)));
    }

    /// JSON for JSON types and no type, a form only when the request says so, an empty body
    /// `{}`, and nothing read as what it is not (issue 9).
    #[test]
    fn content_types_are_honoured() {
        let parse = |ct: Option<&str>, body: &[u8]| Incoming::from_http(ct, body, "", []);
        for ct in [
            Some("application/json"),
            Some("Application/JSON; charset=utf-8"),
            Some("application/vnd.api+json"),
            None,
        ] {
            assert_eq!(
                parse(ct, br#"{"a": 1}"#).unwrap().body,
                json!({"a": 1}),
                "{ct:?}"
            );
        }
        let form = parse(
            Some("application/x-www-form-urlencoded; charset=UTF-8"),
            b"a=1",
        );
        assert_eq!(form.unwrap().body, json!({"a": "1"}));
        // a form body without the form type is not read as a form
        let err = parse(None, b"a=1&b=2").unwrap_err();
        assert_eq!(err.kind(), crate::engine::ErrorKind::InvalidInput);
        assert!(err.message().contains("no content type"), "{err}");
        // a JSON body with a form type is a form (of one odd key), as the request says
        let odd = parse(Some("application/x-www-form-urlencoded"), br#"{"a":1}"#).unwrap();
        assert_eq!(odd.body, json!({"{\"a\":1}": ""}));
        for ct in [
            "text/plain",
            "multipart/form-data; boundary=x",
            "application/xml",
        ] {
            let err = parse(Some(ct), br#"{"a": 1}"#).unwrap_err();
            assert_eq!(err.kind(), crate::engine::ErrorKind::InvalidInput, "{ct}");
            assert!(err.message().contains("content type"), "{err}");
        }
        for ct in [None, Some("application/json"), Some("text/plain")] {
            // an empty body is `{}` whatever the type says
            assert_eq!(parse(ct, b"  \n").unwrap().body, json!({}));
        }
        // JSON nested deeper than serde_json's limit of 128 is refused, not parsed
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let err = parse(Some("application/json"), deep.as_bytes()).unwrap_err();
        assert_eq!(err.kind(), crate::engine::ErrorKind::InvalidInput);
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(None, ok.as_bytes()).is_ok());
    }

    /// The payload is the body plus what it lacks of `query_params`, `headers`, `raw_body`;
    /// given back, the body is as it was (its own members of those names kept, order too).
    #[test]
    fn payloads_give_their_body_back() {
        for body in [
            json!({"b": 1, "a": 2}),
            json!({"headers": "own", "z": [1]}),
            json!([1, 2]),
            json!("text"),
        ] {
            let raw = serde_json::to_vec(&body).unwrap();
            let i = Incoming::from_http(None, &raw, "q=1", [("H", "v")]).unwrap();
            let payload = i.clone().into_payload();
            assert_eq!(payload.value(), &i.payload());
            if let Value::Object(m) = payload.value() {
                assert_eq!(m["query_params"], json!({"q": "1"}));
                assert_eq!(
                    m["headers"],
                    body.get("headers").cloned().unwrap_or(json!({"h": "v"}))
                );
            }
            let back = payload.into_body();
            assert_eq!(back, body);
            assert_eq!(serde_json::to_vec(&back).unwrap(), raw, "order kept");
        }
    }

    #[test]
    fn bodies_over_the_limit_are_refused_unparsed() {
        let body = vec![b' '; 100];
        let err = Incoming::from_http_limited(99, None, &body, "", []).unwrap_err();
        assert_eq!(err.kind(), crate::engine::ErrorKind::BodyTooLarge);
        assert!(Incoming::from_http_limited(100, None, &body, "", []).is_ok());
        let big = vec![b' '; DEFAULT_MAX_WEBHOOK_BODY + 1];
        let err = Incoming::from_http(None, &big, "", []).unwrap_err();
        assert_eq!(err.kind(), crate::engine::ErrorKind::BodyTooLarge);
    }

    /// `.raw_body` is the exact body: an HMAC over it with `!sha` is the provider's, computed
    /// over the bytes it sent (spacing, `\u00e9`, `2.50` and key order kept). The expected
    /// value is Python's `hmac.new(b"whsec_1", body, hashlib.sha256).hexdigest()`.
    #[test]
    fn raw_body_signs_like_the_provider() {
        let body = br#"{"name": "Ren\u00e9e",  "total": 2.50, "b":1,"a":2}"#;
        let i = Incoming::from_http(Some("application/json"), body, "", []).unwrap();
        assert_eq!(i.raw(), body);
        let payload = i.payload();
        assert_eq!(payload["raw_body"].as_str().unwrap().as_bytes(), body);
        let input = json!({"value_to_encrypt": payload["raw_body"]});
        let out = super::super::sha::run(ir::ShaAlgorithm::Sha256, Some("whsec_1"), &input);
        assert_eq!(
            out.unwrap()["hash"],
            "ae41b9697811f6d110b90898ee1afab4fe58004f779c7d41a4723904d8cbebea"
        );
        // a body member of that name wins
        let own = Incoming::from_http(None, br#"{"raw_body": 1}"#, "", []).unwrap();
        assert_eq!(own.payload()["raw_body"], 1);
        assert_eq!(Incoming::json(json!({"a": 1})).raw(), br#"{"a":1}"#);
        // integers beyond 64 bits keep their digits
        let big = br#"{"id":12345678901234567890123,"p":2.50}"#;
        let i = Incoming::from_http(None, big, "", []).unwrap();
        assert_eq!(serde_json::to_vec(&i.body).unwrap(), big);
    }
}
