//! The parser.

use std::collections::HashMap;

use super::escape::decode_escape;
use super::{DuplicateKey, MAX_DEPTH, Member, Node, Parsed, SyntaxError, Value};
use crate::source::Span;

/// Parses a whole document.
pub(crate) fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        duplicates: Vec::new(),
    };
    if p.bytes.starts_with(b"\xEF\xBB\xBF") {
        p.pos = 3;
    }
    p.skip_ws();
    let root = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_here(
            "unexpected content after the end of the document",
            "expected end of file",
        ));
    }
    Ok(Parsed {
        root,
        duplicates: p.duplicates,
    })
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    duplicates: Vec<DuplicateKey>,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn token_end(&self) -> usize {
        let ch_len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        if ch_len == 0 {
            return self.pos;
        }
        if !self.bytes[self.pos].is_ascii_alphanumeric() {
            return self.pos + ch_len;
        }
        let rest = &self.bytes[self.pos..];
        self.pos
            + rest
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.'))
                .unwrap_or(rest.len())
    }

    fn error_here(&self, message: &str, label: &str) -> SyntaxError {
        let span = if self.pos >= self.bytes.len() {
            let start = self.text.len().saturating_sub(1);
            let start = (0..=start)
                .rev()
                .find(|&i| self.text.is_char_boundary(i))
                .unwrap_or(0);
            Span::new(start, self.text.len())
        } else {
            Span::new(self.pos, self.token_end())
        };
        SyntaxError {
            message: message.to_owned(),
            span,
            label: label.to_owned(),
        }
    }

    /// A missing separator: when the next token is on a later line, points just after the
    /// value that needs it (where the `,` belongs), as rustc does.
    fn missing_separator(&self, value_end: usize, close: char) -> SyntaxError {
        let found = self.found();
        let message = format!("expected `,` or `{close}`, found {found}");
        if self
            .text
            .get(value_end..self.pos)
            .is_some_and(|gap| gap.contains('\n'))
        {
            let at = value_end;
            let end = self.text[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            return SyntaxError {
                message,
                span: Span::new(at, end),
                label: "expected `,` after this value".to_owned(),
            };
        }
        self.error_here(&message, &format!("expected `,` or `{close}`"))
    }

    fn found(&self) -> String {
        match self.text.get(self.pos..self.token_end()) {
            None | Some("") => "end of file".to_owned(),
            Some(t) if t.chars().all(|c| !c.is_control()) => format!("`{t}`"),
            Some(t) => format!("`{}`", t.escape_debug()),
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.keyword("true", Value::Bool(true))?,
            Some(b'f') => self.keyword("false", Value::Bool(false))?,
            Some(b'n') => self.keyword("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
            _ => {
                let found = self.found();
                let message = format!("expected a JSON value, found {found}");
                return Err(match self.bytes.get(self.pos) {
                    Some(b'}' | b']') => self.error_here(&message, "trailing comma before this"),
                    Some(b'\'') => self.error_here(&message, "JSON strings use double quotes"),
                    Some(b'/') => self.error_here(&message, "JSON has no comments; use `_comment`"),
                    _ => self.error_here(&message, "expected a value"),
                });
            }
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    fn nested(
        &mut self,
        f: fn(&mut Self) -> Result<Value, SyntaxError>,
    ) -> Result<Value, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here(
                &format!("nesting deeper than {MAX_DEPTH} levels"),
                "too deep",
            ));
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn keyword(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            let found = self.found();
            Err(self.error_here(
                &format!("expected a JSON value, found {found}"),
                "expected a value",
            ))
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos > s
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        if !digits(self) {
            return Err(self.error_here("invalid number", "expected a digit"));
        }
        if self.bytes[int_start] == b'0' && self.pos - int_start > 1 {
            self.pos = int_start;
            return Err(self.error_here("invalid number: leading zero", "leading zero"));
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error_here("invalid number", "expected a digit after `.`"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error_here("invalid number", "expected an exponent"));
            }
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let Some(i) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') else {
                self.pos = start;
                return Err(SyntaxError {
                    message: "unterminated string".to_owned(),
                    span: Span::new(start, start + 1),
                    label: "this string is never closed".to_owned(),
                });
            };
            out.push_str(&rest[..i]);
            self.pos += i;
            match self.bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let esc_start = self.pos;
                    let c = decode_escape(self.text, &mut self.pos).map_err(|len| SyntaxError {
                        message: "invalid escape in string".to_owned(),
                        span: Span::new(esc_start, (esc_start + len).min(self.text.len())),
                        label: "not a JSON escape".to_owned(),
                    })?;
                    out.push(c);
                }
                _ => {
                    let label = if self.bytes[self.pos] == b'\n' {
                        "line break in string (write `\\n`, or close the string)"
                    } else {
                        "control character in string"
                    };
                    return Err(SyntaxError {
                        message: "invalid character in string".to_owned(),
                        span: Span::new(self.pos, self.pos + 1),
                        label: label.to_owned(),
                    });
                }
            }
        }
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            let value_end = self.pos;
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.missing_separator(value_end, ']')),
            }
        }
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        // the first span of each key, so duplicates are found in O(1) each
        let mut first_of: HashMap<String, Span> = HashMap::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                let found = self.found();
                let label = match self.bytes.get(self.pos) {
                    Some(b'}') => "trailing comma before this",
                    Some(b'\'') => "JSON keys use double quotes",
                    _ => "expected a key in double quotes",
                };
                return Err(self.error_here(&format!("expected a key, found {found}"), label));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                let found = self.found();
                return Err(
                    self.error_here(&format!("expected `:`, found {found}"), "expected `:`")
                );
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            if let Some(&first) = first_of.get(&key) {
                self.duplicates.push(DuplicateKey {
                    key,
                    span: key_span,
                    first,
                });
            } else {
                first_of.insert(key.clone(), key_span);
                members.push(Member {
                    key,
                    key_span,
                    value,
                });
            }
            let value_end = self.pos;
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(members));
                }
                _ => return Err(self.missing_separator(value_end, '}')),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> (String, String) {
        let e = parse(text).unwrap_err();
        (e.message, text[e.span.range()].to_owned())
    }

    #[test]
    fn parses_with_spans() {
        let text = r#"{"a": [1, "x\"y", true, null], "b": {"c": -1.5e3}}"#;
        let p = parse(text).unwrap();
        let a = p.root.get("a").unwrap();
        assert_eq!(&text[a.span.range()], r#"[1, "x\"y", true, null]"#);
        let Value::Array(items) = &a.value else {
            panic!()
        };
        assert_eq!(items[1].value, Value::String("x\"y".into()));
        assert_eq!(&text[items[1].span.range()], r#""x\"y""#);
        assert_eq!(
            p.root.get("b").unwrap().get("c").unwrap().value,
            Value::Number("-1.5e3".into())
        );
        assert_eq!(
            p.root.to_json(),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        assert_eq!(
            err(r#"{"a": 1,}"#),
            ("expected a key, found `}`".into(), "}".into())
        );
        assert_eq!(
            err(r#"{"a" 1}"#),
            ("expected `:`, found `1`".into(), "1".into())
        );
        assert_eq!(
            err(r#"[1 2]"#),
            ("expected `,` or `]`, found `2`".into(), "2".into())
        );
        assert_eq!(err(r#"{"a": tru}"#).1, "tru");
        assert_eq!(err(r#"{"a": "x"#).0, "unterminated string");
        assert_eq!(
            err(r#"{"a": "\q"}"#),
            ("invalid escape in string".into(), r"\q".into())
        );
        assert_eq!(err("{\"a\": \"x\ny\"}").0, "invalid character in string");
        assert_eq!(err(r#"{"a": 01}"#).0, "invalid number: leading zero");
        assert_eq!(
            err("{} x").0,
            "unexpected content after the end of the document"
        );
        assert_eq!(err("").0, "expected a JSON value, found end of file");
        assert_eq!(err(&"[".repeat(300)).0, "nesting deeper than 256 levels");
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let p = parse(r#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(p.duplicates.len(), 1);
        assert_eq!(p.root.get("a").unwrap().value, Value::Number("1".into()));
    }
}
