//! [`ApiError`]: a failed call, with every error body shape ActiveCampaign uses parsed.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// One entry of an `errors` array (every member optional; the shapes differ by endpoint).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorItem {
    /// `title`.
    pub title: Option<String>,
    /// `detail` (often empty).
    pub detail: Option<String>,
    /// `code`: `duplicate`, `email_invalid`, `field_missing`, `field_invalid`, ….
    pub code: Option<String>,
    /// `error` (e.g. `must_be_valid_email_address`).
    pub error: Option<String>,
    /// `status`, in the contactTags style.
    pub status: Option<u16>,
    /// `source.pointer`, or `source.value` in the custom-objects style.
    pub pointer: Option<String>,
}

/// A call to ActiveCampaign that failed: a non-2xx answer, or no answer at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status; `None` when no response came (connection failure, timeout).
    pub status: Option<u16>,
    /// `Retry-After` of a 429.
    pub retry_after: Option<Duration>,
    /// `message` (the 403/404 style).
    pub message: Option<String>,
    /// `errors` (the 422 styles); a plain-string `errors` becomes one item with a `title`.
    pub errors: Vec<ErrorItem>,
    /// The body as received (cut to 1,000 bytes), or the transport error.
    pub raw: String,
    /// The answer was larger than the size cap and was not read (nor asked for again).
    pub too_large: bool,
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn item(v: &Value) -> ErrorItem {
    let source = v.get("source");
    ErrorItem {
        title: text(v.get("title")),
        detail: text(v.get("detail")).filter(|d| !d.is_empty()),
        code: text(v.get("code")),
        error: text(v.get("error")),
        status: v.get("status").and_then(|s| match s {
            Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }),
        pointer: source.and_then(|s| text(s.get("pointer")).or_else(|| text(s.get("value")))),
    }
}

impl ApiError {
    /// Parses an error answer leniently: any JSON (or none) gives an error.
    pub fn from_response(status: u16, retry_after: Option<Duration>, body: &[u8]) -> ApiError {
        let parsed: Option<Value> = serde_json::from_slice(body).ok();
        let message = parsed.as_ref().and_then(|v| text(v.get("message")));
        let errors = match parsed.as_ref().and_then(|v| v.get("errors")) {
            Some(Value::Array(items)) => items.iter().map(item).collect(),
            Some(Value::String(s)) => vec![ErrorItem {
                title: Some(s.clone()),
                ..ErrorItem::default()
            }],
            Some(v @ Value::Object(_)) => vec![item(v)],
            _ => Vec::new(),
        };
        let mut raw = String::from_utf8_lossy(body).into_owned();
        if raw.len() > 1000 {
            let cut = (0..=1000)
                .rev()
                .find(|i| raw.is_char_boundary(*i))
                .unwrap_or(0);
            raw.truncate(cut);
        }
        ApiError {
            status: Some(status),
            retry_after,
            message,
            errors,
            raw,
            too_large: false,
        }
    }

    /// A call that got no answer (the message never holds the URL).
    pub(crate) fn transport(e: reqwest::Error) -> ApiError {
        ApiError {
            status: None,
            retry_after: None,
            message: None,
            errors: Vec::new(),
            raw: crate::net::body::describe(e),
            too_large: false,
        }
    }

    /// An answer that is not the JSON expected.
    pub(crate) fn unexpected(status: u16, what: &str) -> ApiError {
        ApiError {
            status: Some(status),
            retry_after: None,
            message: Some(format!("unexpected answer: {what}")),
            errors: Vec::new(),
            raw: String::new(),
            too_large: false,
        }
    }

    /// An answer larger than the size cap of `cap_mib` MiB.
    pub(crate) fn too_large(status: u16, cap_mib: usize) -> ApiError {
        ApiError {
            too_large: true,
            ..ApiError::unexpected(status, &format!("an answer larger than {cap_mib} MiB"))
        }
    }

    /// Whether any `errors` item has this `code`.
    pub fn has_code(&self, code: &str) -> bool {
        self.errors.iter().any(|e| e.code.as_deref() == Some(code))
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(s) => write!(f, "ActiveCampaign answered {s}")?,
            None => return write!(f, "ActiveCampaign could not be reached: {}", self.raw),
        }
        let mut parts = Vec::new();
        if let Some(m) = &self.message {
            parts.push(m.clone());
        }
        for e in &self.errors {
            let mut p = e.title.clone().unwrap_or_default();
            if let Some(d) = &e.detail {
                p = if p.is_empty() {
                    d.clone()
                } else {
                    format!("{p} {d}")
                };
            }
            let extra: Vec<&str> = [e.code.as_deref(), e.pointer.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            if !extra.is_empty() {
                p = format!("{p} ({})", extra.join(" at "));
            }
            parts.push(p);
        }
        if parts.is_empty() && !self.raw.trim().is_empty() {
            parts.push(self.raw.trim().to_owned());
        }
        if !parts.is_empty() {
            write!(f, ": {}", parts.join("; "))?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, None, body.as_bytes())
    }

    #[test]
    fn every_documented_shape_parses() {
        let e = parse(
            404,
            r#"{"message": "No Result found for Subscriber with id 1"}"#,
        );
        assert_eq!(
            e.message.as_deref(),
            Some("No Result found for Subscriber with id 1")
        );
        assert_eq!(
            e.to_string(),
            "ActiveCampaign answered 404: No Result found for Subscriber with id 1"
        );

        let e = parse(
            422,
            r#"{"errors":[{"title":"Contact Email Address is not valid.","detail":"","code":"email_invalid","error":"must_be_valid_email_address","source":{"pointer":"/data/attributes/email"}}]}"#,
        );
        assert!(e.has_code("email_invalid"));
        assert_eq!(
            e.errors[0].error.as_deref(),
            Some("must_be_valid_email_address")
        );
        assert_eq!(e.errors[0].detail, None);
        assert_eq!(
            e.to_string(),
            "ActiveCampaign answered 422: Contact Email Address is not valid. (email_invalid at /data/attributes/email)"
        );

        let e = parse(
            404,
            r#"{"errors":[{"status":404,"title":"Not Found","detail":"Contact not found"}]}"#,
        );
        assert_eq!(e.errors[0].status, Some(404));
        assert!(e.to_string().ends_with("Not Found Contact not found"));

        let e = parse(
            422,
            r#"{"errors":[{"title":"Invalid","detail":"x","source":{"type":"pointer","value":"/data/attributes/schema/slug"}}]}"#,
        );
        assert_eq!(
            e.errors[0].pointer.as_deref(),
            Some("/data/attributes/schema/slug")
        );

        let e = parse(
            422,
            r#"{"errors": "Bulk operation failed. Request must contain an array of fieldOption objects."}"#,
        );
        assert_eq!(e.errors.len(), 1);
        assert!(
            e.errors[0]
                .title
                .as_deref()
                .unwrap()
                .starts_with("Bulk operation")
        );

        let e = parse(
            422,
            r#"{"errors":[{"title":"There is already a field with this title","detail":"There is already a field named 'X' -- choose another name","code":"duplicate"}]}"#,
        );
        assert!(e.has_code("duplicate") && e.errors[0].pointer.is_none());

        // the documented empty 400, plain text and garbage are errors too
        assert_eq!(
            parse(400, "{}").to_string(),
            "ActiveCampaign answered 400: {}"
        );
        assert_eq!(
            parse(500, "oops").to_string(),
            "ActiveCampaign answered 500: oops"
        );
        assert_eq!(parse(502, "").to_string(), "ActiveCampaign answered 502");
        let e = parse(422, r#"{"errors":[1, null, {"status":"422"}]}"#);
        assert_eq!(e.errors.len(), 3);
        assert_eq!(e.errors[2].status, Some(422));
    }
}
