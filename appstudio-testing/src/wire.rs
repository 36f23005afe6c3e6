//! Wire conventions shared by every route: the request as routes see it, envelopes,
//! paging, every error body shape, lenient reading of ids and scalars, timestamps.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// `(status, JSON body)` of one answer.
pub(super) type Answer = (u16, Value);

/// A request under `/api/3/` as the routes see it.
#[derive(Debug)]
pub(super) struct Req<'a> {
    /// Upper-case method.
    pub method: &'a str,
    /// Path segments after `/api/3/` (percent-decoded).
    pub path: Vec<String>,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// JSON body (`null` when none).
    pub body: &'a Value,
}

impl Req<'_> {
    /// The path as `&str` segments, for slice patterns.
    pub(super) fn segments(&self) -> Vec<&str> {
        self.path.iter().map(String::as_str).collect()
    }

    /// The first value of a query parameter.
    pub(super) fn q(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A numeric query parameter (ids, limits); junk reads as absent.
    pub(super) fn q_u64(&self, key: &str) -> Option<u64> {
        self.q(key).and_then(|v| v.trim().parse().ok())
    }

    /// `limit` (default 20, at most 100).
    pub(super) fn limit(&self) -> usize {
        self.q("limit")
            .and_then(|l| l.trim().parse::<usize>().ok())
            .unwrap_or(20)
            .min(100)
    }

    /// `offset` (default 0).
    pub(super) fn offset(&self) -> usize {
        self.q("offset")
            .and_then(|o| o.trim().parse::<usize>().ok())
            .unwrap_or(0)
    }

    /// `orders[<field>]=ASC|DESC` pairs in query order (direction true = descending).
    pub(super) fn orders(&self) -> Vec<(&str, bool)> {
        self.query
            .iter()
            .filter_map(|(k, v)| {
                let field = k.strip_prefix("orders[")?.strip_suffix(']')?;
                Some((field, v.trim().eq_ignore_ascii_case("desc")))
            })
            .collect()
    }
}

/// One page of a classic collection: `{"<key>": [...], "meta": {"total": "N"}}`.
pub(super) fn page(key: &str, items: Vec<Value>, req: &Req<'_>) -> Answer {
    let total = items.len();
    let items: Vec<Value> = items
        .into_iter()
        .skip(req.offset())
        .take(req.limit())
        .collect();
    (
        200,
        json!({ key: items, "meta": {"total": total.to_string()} }),
    )
}

/// One page of a custom-object collection: numeric `total`, plus `count`, `limit`, `offset`.
pub(super) fn page_numeric(key: &str, items: Vec<Value>, req: &Req<'_>) -> Answer {
    let total = items.len();
    let (limit, offset) = (req.limit(), req.offset());
    let items: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    let count = items.len();
    (
        200,
        json!({ key: items, "meta": {"total": total, "count": count, "limit": limit, "offset": offset} }),
    )
}

/// The answer of a write, whether it succeeded or was refused.
pub(super) fn outcome(r: Result<Answer, Answer>) -> Answer {
    match r {
        Ok(a) | Err(a) => a,
    }
}

/// The id in a path segment, if it is a key of the map.
pub(super) fn known_id<V>(map: &BTreeMap<u64, V>, id: &str) -> Option<u64> {
    id.trim().parse().ok().filter(|i| map.contains_key(i))
}

/// `{"message": text}` (404s, 403s).
pub(super) fn message(status: u16, text: impl Into<String>) -> Answer {
    (status, json!({ "message": text.into() }))
}

/// 404 `{"message": "No Result found for <what> with id <id>"}`.
pub(super) fn not_found(what: &str, id: &str) -> Answer {
    message(404, format!("No Result found for {what} with id {id}"))
}

/// 404 `{"message": "Not Found"}` (unknown routes, custom objects).
pub(super) fn route_not_found() -> Answer {
    message(404, "Not Found")
}

/// 422 in the usual `errors` style: `{title, detail: "", code, source: {pointer}}`.
pub(super) fn error(title: &str, code: &str, attr: Option<&str>) -> Answer {
    let mut e = json!({"title": title, "detail": "", "code": code});
    if let Some(a) = attr {
        e["source"] = json!({"pointer": format!("/data/attributes/{a}")});
    }
    (422, json!({ "errors": [e] }))
}

/// 422 `email_invalid` (with the extra `error` member seen on the real API).
pub(super) fn email_invalid() -> Answer {
    (
        422,
        json!({"errors": [{"title": "Contact Email Address is not valid.", "detail": "",
                           "code": "email_invalid", "error": "must_be_valid_email_address",
                           "source": {"pointer": "/data/attributes/email"}}]}),
    )
}

/// 422 `duplicate` for the email of a contact.
pub(super) fn email_duplicate() -> Answer {
    error(
        "Email address already exists in the system",
        "duplicate",
        Some("email"),
    )
}

/// 422 `field_missing` for an attribute.
pub(super) fn missing(attr: &str) -> Answer {
    error(
        &format!("The {attr} field is required"),
        "field_missing",
        Some(attr),
    )
}

/// 422 `field_invalid` for an attribute.
pub(super) fn invalid(attr: &str) -> Answer {
    error(
        &format!("The {attr} field is not valid"),
        "field_invalid",
        Some(attr),
    )
}

/// 422 in the contactTags style: numeric `status`, `title`, pointer.
pub(super) fn attribute_error(title: &str, attr: &str) -> Answer {
    (
        422,
        json!({"errors": [{"status": 422, "title": title,
                           "source": {"pointer": format!("/data/attributes/{attr}")}}]}),
    )
}

/// 404 in the contactTags style: `{"errors":[{"status":404,"title":"Not Found","detail":..}]}`.
pub(super) fn errors_not_found(detail: &str) -> Answer {
    (
        404,
        json!({"errors": [{"status": 404, "title": "Not Found", "detail": detail}]}),
    )
}

/// 422 in the custom-object style: `source: {type: "pointer", value}`.
pub(super) fn schema_error(title: &str, detail: &str, pointer: &str) -> Answer {
    (
        422,
        json!({"errors": [{"title": title, "detail": detail,
                           "source": {"type": "pointer", "value": pointer}}]}),
    )
}

/// An id given as a positive integer or a string of one.
pub(super) fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// A scalar as the string the API stores (`null` and containers: none).
pub(super) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

/// An optional scalar member: absent or `null` → `Ok(None)`, a scalar → its text, an
/// object or array → 422 `field_invalid`.
pub(super) fn member(obj: &Value, key: &str) -> Result<Option<String>, Answer> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => text(v).map(Some).ok_or_else(|| invalid(key)),
    }
}

/// The wrapper object of a write (`{"contact": {...}}`): absent or `null` → `Ok(None)`,
/// not an object → 422 `field_invalid`.
pub(super) fn wrapper<'v>(
    body: &'v Value,
    key: &str,
) -> Result<Option<&'v serde_json::Map<String, Value>>, Answer> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(invalid(key)),
    }
}

/// A plausible email address: `local@domain.tld`, no spaces.
pub(super) fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        _ => false,
    }
}

/// Ids as the API writes them: strings.
pub(super) fn id_strings<'a>(ids: impl IntoIterator<Item = &'a u64>) -> Vec<String> {
    ids.into_iter().map(u64::to_string).collect()
}

/// The current time, ISO-8601 with an offset (`2026-01-02T03:04:05+00:00`).
pub(super) fn now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// `2026-01-02T03:04:05+00:00` → `2026-01-02 03:04:05` (the legacy MySQL form).
pub(super) fn mysql_time(iso: &str) -> String {
    iso.get(..19).unwrap_or(iso).replace('T', " ")
}

/// Whether `stamp` is at or after (`after`) / at or before a filter date such as
/// `2024-01-01` or `2024-01-01T10:00:00` (compared on the common prefix).
pub(super) fn time_matches(stamp: &str, filter: &str, after: bool) -> bool {
    let f = filter.trim().replace(' ', "T");
    let f = f.get(..19).unwrap_or(&f);
    let s = stamp.get(..f.len()).unwrap_or(stamp);
    if after { s >= f } else { s <= f }
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// A stable 32-hex-digit hash (for `contact.hash`, `deal.hash`).
pub(super) fn hash_hex(input: &str) -> String {
    let mut a: u64 = 0xcbf2_9ce4_8422_2325;
    let mut b: u64 = 0x8422_2325_cbf2_9ce4;
    for byte in input.bytes() {
        a = (a ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        b = (b ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3 ^ 0x5bd1_e995);
    }
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_emails() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert!(valid_email("a@b.co"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("a b@c.de"));
        assert!(!valid_email("@c.de"));
        assert!(time_matches(
            "2024-05-01T10:00:00+00:00",
            "2024-05-01",
            true
        ));
        assert!(!time_matches(
            "2024-04-30T10:00:00+00:00",
            "2024-05-01",
            true
        ));
        assert_eq!(
            mysql_time("2024-05-01T10:00:00+00:00"),
            "2024-05-01 10:00:00"
        );
    }
}
