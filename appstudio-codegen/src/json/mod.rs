//! A JSON parser that keeps the byte span of every key and value.
//!
//! serde_json forgets where things are; diagnostics need the exact token, also inside a string
//! (a `${…}` or a jq program), so strings keep their raw span and an [`EscapeMap`] maps an
//! offset in the decoded text back through the escapes.

mod escape;
mod parse;

pub(crate) use escape::EscapeMap;
pub(crate) use parse::parse;

use crate::source::Span;

/// A JSON value with its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The value.
    pub value: Value,
    /// Its bytes in the source (strings include their quotes).
    pub span: Span,
}

/// A JSON value whose children are [`Node`]s.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string, decoded.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object, in source order (duplicate keys are reported and dropped).
    Object(Vec<Member>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    /// The key, decoded.
    pub key: String,
    /// The key's span, with quotes.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

impl Value {
    /// The JSON type name, for "expected …, found …" messages.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

impl Node {
    /// The member `key` of an object node.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
            _ => None,
        }
    }

    /// The string of a string node.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Converts to a `serde_json::Value` (numbers that do not parse become `null`).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::from_str(n).unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => items.iter().map(Node::to_json).collect(),
            Value::Object(members) => members
                .iter()
                .map(|m| (m.key.clone(), m.value.to_json()))
                .collect::<serde_json::Map<_, _>>()
                .into(),
        }
    }

    /// The JSON pointer of the innermost key or value containing `span`.
    pub(crate) fn locate(&self, span: Span) -> Option<String> {
        let mut pointer = String::new();
        let mut node = self;
        if !node.span.contains(span) {
            return None;
        }
        'descend: loop {
            match &node.value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if item.span.contains(span) {
                            pointer.push_str(&format!("/{i}"));
                            node = item;
                            continue 'descend;
                        }
                    }
                }
                Value::Object(members) => {
                    for m in members {
                        if m.key_span.contains(span) || m.value.span.contains(span) {
                            pointer.push('/');
                            pointer.push_str(&pointer_segment(&m.key));
                            if m.key_span.contains(span) {
                                break 'descend;
                            }
                            node = &m.value;
                            continue 'descend;
                        }
                    }
                }
                _ => {}
            }
            break;
        }
        Some(pointer)
    }
}

/// `key` as one segment of a JSON pointer (`~` and `/` escaped).
pub(crate) fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A JSON syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// What was expected or found.
    pub message: String,
    /// Where.
    pub span: Span,
    /// A short label under the caret.
    pub label: String,
}

/// A problem the parser reports without failing: a duplicate key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DuplicateKey {
    /// The key.
    pub key: String,
    /// The duplicate.
    pub span: Span,
    /// The first occurrence.
    pub first: Span,
}

/// The result of parsing a document.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    /// The root value.
    pub root: Node,
    /// Keys that appeared twice in one object.
    pub duplicates: Vec<DuplicateKey>,
}

/// Nesting limit, so that a hostile file cannot overflow the stack.
pub(crate) const MAX_DEPTH: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    use super::parse::parse;

    #[test]
    fn locates_pointers() {
        let text = r#"{"a/b": [{"x": "yy"}]}"#;
        let p = parse(text).unwrap();
        let y = text.find("yy").unwrap();
        assert_eq!(
            p.root.locate(Span::new(y, y + 1)).as_deref(),
            Some("/a~1b/0/x")
        );
        let x = text.find("\"x\"").unwrap();
        assert_eq!(
            p.root.locate(Span::new(x, x + 3)).as_deref(),
            Some("/a~1b/0/x")
        );
        assert_eq!(p.root.locate(Span::new(0, 1)).as_deref(), Some(""));
    }
}
