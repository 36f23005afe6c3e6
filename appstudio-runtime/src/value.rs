//! Values the generated API names: selected form field values and secrets.

use serde::{Deserialize, Serialize};

/// A choice of a `dropdown` (or one element of a `multiselect`): `{display, value}` (D16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// The option's value, as the options command returned it.
    pub value: serde_json::Value,
    /// The label the user saw.
    pub display: String,
}

impl Choice {
    /// A choice with a string value.
    pub fn new(value: impl Into<serde_json::Value>, display: impl Into<String>) -> Self {
        Self {
            value: value.into(),
            display: display.into(),
        }
    }
}

/// The value of a `text` or `textarea` field: `{value}` only (D16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// What the user typed.
    pub value: String,
}

impl From<&str> for Text {
    fn from(value: &str) -> Self {
        Self {
            value: value.to_owned(),
        }
    }
}

impl From<String> for Text {
    fn from(value: String) -> Self {
        Self { value }
    }
}

/// A JSON value as text: a string as it is, anything else as compact JSON (how ids,
/// credentials and display texts are compared and shown).
#[cfg(feature = "engine")]
pub(crate) fn json_text(v: &crate::json::Value) -> std::borrow::Cow<'_, str> {
    match v {
        crate::json::Value::String(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

/// A secret (token, password, client secret): never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_hides_the_value() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert_eq!(s.expose(), "hunter2");
    }

    #[test]
    fn choice_and_text_serialize_as_custom_data() {
        let c = Choice::new("f1", "Folder 1");
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            serde_json::json!({"value": "f1", "display": "Folder 1"})
        );
        assert_eq!(
            serde_json::to_value(Text::from("hi")).unwrap(),
            serde_json::json!({"value": "hi"})
        );
    }
}
