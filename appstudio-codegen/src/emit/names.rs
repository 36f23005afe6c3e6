//! Rust names from slugs and ids: case conversion, keywords, leading digits, collisions.

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Cleans a converted name: non-identifier characters become `_`, a leading digit gets a prefix,
/// an empty name becomes `fallback`.
fn clean(name: String, prefix: &str, fallback: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.trim_matches('_').is_empty() {
        s = fallback.to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("{prefix}{s}");
    }
    s
}

/// An identifier for `name`, raw when it is a keyword.
pub(crate) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// `send-sms-message` → `send_sms_message`.
pub(crate) fn snake(s: &str) -> String {
    clean(s.to_snake_case(), "_", "field")
}

/// `send-sms-message` → `SendSmsMessage`.
pub(crate) fn camel(s: &str) -> String {
    clean(s.to_upper_camel_case(), "N", "Item")
}

/// Makes names unique in order of appearance: the second `a` becomes `a_2`.
pub(crate) fn dedup(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let mut candidate = n.clone();
        let mut i = 2;
        while out.contains(&candidate) {
            candidate = format!("{n}_{i}");
            i += 1;
        }
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake("send-sms-message"), "send_sms_message");
        assert_eq!(camel("send-sms-message"), "SendSmsMessage");
        assert_eq!(snake("2fa-code"), "_2fa_code");
        assert_eq!(camel("2fa"), "N2fa");
        assert_eq!(snake("!!!"), "field");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(
            dedup(vec!["a".into(), "a".into(), "a_2".into()]),
            ["a", "a_2", "a_2_2"]
        );
    }
}
