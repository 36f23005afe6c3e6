//! A request that reached a webhook ([`Incoming`]): its body read as its content type says,
//! its exact bytes, and the payload intake commands read ([`Payload`]). What the intake does
//! with it is [`super::intake`]'s.

use std::sync::Arc;

use crate::json::{Map, Str, Value};

use super::error::{Error, Result};

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
            .map(|(k, v)| (k.to_ascii_lowercase(), Value::from(v)))
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
pub(super) fn check_size(len: usize, max: usize) -> Result<()> {
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
        let out = super::super::sha::run(crate::ir::ShaAlgorithm::Sha256, Some("whsec_1"), &input);
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
