//! Wire conventions: ids, counts and flags arrive as strings or numbers, strings as `null`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string, number or boolean as text; `null` or anything else as `""`.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    })
}

/// `"1"`, `1`, `true` as `true`; anything else as `false`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s.trim() == "1" || s.eq_ignore_ascii_case("true"),
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::Bool(b) => b,
        _ => false,
    })
}

/// A list of ids (strings or numbers); `null` or a non-list as empty.
pub(crate) fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.iter().filter_map(id_of).collect(),
        _ => Vec::new(),
    })
}

/// An id as text, from a string or a number.
pub(crate) fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `meta.total` of a collection: a string on classic endpoints, a number on custom objects.
pub(crate) fn total(body: &Value) -> Option<u64> {
    match body.get("meta")?.get("total")? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// An id as JSON: a number when it is one (`"12"` → `12`), else the string.
pub(crate) fn id_value(id: &str) -> Value {
    id.parse::<u64>()
        .map(Value::from)
        .unwrap_or_else(|_| Value::String(id.to_owned()))
}

/// A value as ActiveCampaign stores a custom field: text, numbers and booleans as text, a list
/// as `||a||b||` (multi-select); `None` for `null` (nothing to write).
pub(crate) fn field_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(field_text).collect();
            Some(format!("||{}||", parts.join("||")))
        }
        Value::Object(_) => Some(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn string_or_number() {
        #[derive(Deserialize)]
        struct T {
            #[serde(deserialize_with = "text")]
            a: String,
            #[serde(deserialize_with = "text")]
            b: String,
            #[serde(deserialize_with = "text")]
            c: String,
            #[serde(deserialize_with = "flag")]
            d: bool,
            #[serde(deserialize_with = "flag")]
            e: bool,
            #[serde(deserialize_with = "ids")]
            f: Vec<String>,
        }
        let t: T = serde_json::from_value(
            json!({"a": "113", "b": 113, "c": null, "d": "1", "e": "0", "f": ["1", 2, null]}),
        )
        .unwrap();
        assert_eq!(
            (t.a.as_str(), t.b.as_str(), t.c.as_str()),
            ("113", "113", "")
        );
        assert!(t.d && !t.e);
        assert_eq!(t.f, ["1", "2"]);
        assert_eq!(total(&json!({"meta": {"total": "6"}})), Some(6));
        assert_eq!(total(&json!({"meta": {"total": 6}})), Some(6));
        assert_eq!(total(&json!({"meta": {"total": "x"}})), None);
        assert_eq!(field_text(&json!(["a", "b"])).as_deref(), Some("||a||b||"));
        assert_eq!(field_text(&json!(4.5)).as_deref(), Some("4.5"));
        assert_eq!(id_value("12"), json!(12));
        assert_eq!(id_value("a-b"), json!("a-b"));
    }
}
