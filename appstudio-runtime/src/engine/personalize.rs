//! Personalization (D12): `%TAG%` placeholders in a `personalize` textarea are replaced with the
//! processed contact's values when the text is read in `data_pipeline`.

use std::collections::HashMap;

use crate::json::{Map, Value};

/// The tags of a contact: `EMAIL`, `FIRSTNAME`, `LASTNAME`, `PHONE`, `FULLNAME`, and every
/// custom field by its personalization tag (`perstags` maps field id → tag, e.g. `"1"` →
/// `"TIER"`).
pub(super) fn tags(contact: &Map, perstags: &HashMap<String, String>) -> HashMap<String, String> {
    let text = |key: &str| match contact.get(key) {
        Some(Value::String(s)) => s.to_string(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut tags = HashMap::new();
    for (tag, key) in [
        ("EMAIL", "email"),
        ("FIRSTNAME", "firstName"),
        ("LASTNAME", "lastName"),
        ("PHONE", "phone"),
    ] {
        tags.insert(tag.to_owned(), text(key));
    }
    let full = format!("{} {}", text("firstName"), text("lastName"));
    tags.insert("FULLNAME".to_owned(), full.trim().to_owned());
    for (id, tag) in perstags {
        if contact.contains_key(id) {
            tags.insert(tag.to_uppercase(), text(id));
        }
    }
    tags
}

/// Replaces every `%TAG%` whose tag is known; unknown tags and lone `%` stay as they are.
pub(super) fn apply(text: &str, tags: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if is_tag(&after[..end]) => match tags.get(&after[..end].to_uppercase()) {
                Some(value) => {
                    out.push_str(value);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('%');
                    rest = after;
                }
            },
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A personalization tag: letters, digits, `_` and `-`, not empty.
fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact() -> HashMap<String, String> {
        let c = crate::json!({"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "phone": null, "7": "Gold"});
        let perstags = HashMap::from([("7".to_owned(), "TIER".to_owned())]);
        tags(c.as_object().unwrap(), &perstags)
    }

    #[test]
    fn replaces_known_tags() {
        let t = contact();
        assert_eq!(
            apply("Hi %FIRSTNAME%, tier %TIER%.", &t),
            "Hi Ada, tier Gold."
        );
        assert_eq!(
            apply("%fullname% <%EMAIL%>", &t),
            "Ada Lovelace <ada@example.com>"
        );
        assert_eq!(apply("call %PHONE%!", &t), "call !");
    }

    #[test]
    fn leaves_percent_signs_and_unknown_tags() {
        let t = contact();
        assert_eq!(
            apply("50% off %UNKNOWN% 100%", &t),
            "50% off %UNKNOWN% 100%"
        );
        assert_eq!(apply("%%FIRSTNAME%%", &t), "%Ada%");
        assert_eq!(apply("a % b %FIRSTNAME%", &t), "a % b Ada");
        assert_eq!(
            apply("https://x.example/?q=%20%FIRSTNAME%", &t),
            "https://x.example/?q=%20Ada"
        );
    }
}
