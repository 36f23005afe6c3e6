//! Writing a [`Value`] as compact JSON text, without recursion, byte for byte as
//! `serde_json::to_string` writes the same value.

use std::fmt;

use super::{Value, map};

impl Value {
    /// Appends the value's compact JSON text to `out`.
    pub fn write_to(&self, out: &mut String) {
        /// A container being written: what is left of it.
        enum Open<'a> {
            Array(std::slice::Iter<'a, Value>),
            Object(map::Iter<'a>),
        }
        let mut open: Vec<(Open<'_>, bool)> = Vec::new();
        let mut next = Some(self);
        loop {
            match next.take() {
                Some(Value::Null) => out.push_str("null"),
                Some(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
                Some(Value::Number(n)) => n.write(out),
                Some(Value::String(s)) => write_str(s, out),
                Some(Value::Array(a)) => {
                    out.push('[');
                    open.push((Open::Array(a.iter()), true));
                }
                Some(Value::Object(m)) => {
                    out.push('{');
                    open.push((Open::Object(m.iter()), true));
                }
                None => {}
            }
            let Some((top, first)) = open.last_mut() else {
                return;
            };
            let sep = !std::mem::replace(first, false);
            match top {
                Open::Array(items) => match items.next() {
                    Some(v) => {
                        if sep {
                            out.push(',');
                        }
                        next = Some(v);
                    }
                    None => {
                        out.push(']');
                        open.pop();
                    }
                },
                Open::Object(members) => match members.next() {
                    Some((k, v)) => {
                        if sep {
                            out.push(',');
                        }
                        write_str(k, out);
                        out.push(':');
                        next = Some(v);
                    }
                    None => {
                        out.push('}');
                        open.pop();
                    }
                },
            }
        }
    }

    /// The value's compact JSON text as bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

/// Writes `s` as a JSON string: `"` and `\` escaped, control characters as `\n`-style
/// escapes or `\u00XX`, everything else as it is (as `serde_json` does).
fn write_str(s: &str, out: &mut String) {
    out.push('"');
    let mut plain = 0;
    for (i, c) in s.bytes().enumerate() {
        let escape: &str = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        plain = i + 1;
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(c >> 4)] as char);
            out.push(HEX[usize::from(c & 0xf)] as char);
        } else {
            out.push_str(escape);
        }
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

impl fmt::Display for Value {
    /// The compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write_to(&mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for Value {
    /// The compact JSON text (a value's `Debug` is what it holds, readable in test output).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Debug for super::Map {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl fmt::Debug for super::Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
