//! JSON string escapes, and offsets in a decoded string mapped back to the source.

use crate::source::Span;

/// Decodes one escape at `text[*pos]` (a `\`), advancing `pos`. On error returns the length
/// of the bad escape.
pub(super) fn decode_escape(text: &str, pos: &mut usize) -> Result<char, usize> {
    let bytes = text.as_bytes();
    let c = match bytes.get(*pos + 1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let hex = |at: usize| {
                text.get(at..at + 4)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
            };
            let hi = hex(*pos + 2).ok_or(6usize)?;
            if (0xD800..0xDC00).contains(&hi) {
                if text.get(*pos + 6..*pos + 8) == Some("\\u")
                    && let Some(lo) = hex(*pos + 8).filter(|lo| (0xDC00..0xE000).contains(lo))
                {
                    *pos += 12;
                    return char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        .ok_or(12);
                }
                return Err(6);
            }
            *pos += 6;
            return char::from_u32(hi).ok_or(6);
        }
        _ => return Err(2),
    };
    *pos += 2;
    Ok(c)
}

/// Maps a byte offset in the decoded value of the string literal at `literal` (which starts
/// with its opening quote) to a byte offset in the source, accounting for escapes.
pub(super) fn decoded_to_source(text: &str, literal: Span, decoded: usize) -> usize {
    let mut pos = literal.start as usize + 1;
    let end = (literal.end as usize).saturating_sub(1).max(pos);
    let mut out = 0;
    while pos < end && out < decoded {
        if text.as_bytes()[pos] == b'\\' {
            let mut p = pos;
            match decode_escape(text, &mut p) {
                Ok(c) => {
                    out += c.len_utf8();
                    pos = p;
                }
                Err(_) => return pos,
            }
        } else {
            let c = text[pos..].chars().next().map_or(1, char::len_utf8);
            out += c;
            pos += c;
        }
    }
    pos
}

/// Maps a range of the decoded string at `literal` to a source span.
pub(crate) fn decoded_span(text: &str, literal: Span, decoded: std::ops::Range<usize>) -> Span {
    let start = decoded_to_source(text, literal, decoded.start);
    let end = decoded_to_source(text, literal, decoded.end);
    Span::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{Value, parse};

    #[test]
    fn decoded_offsets_map_through_escapes() {
        let text = r#"{"k": "a\"b\u00e9${x}"}"#;
        let p = parse(text).unwrap();
        let node = p.root.get("k").unwrap();
        let s = node.as_str().unwrap();
        let d = s.find("${").unwrap();
        let src = decoded_to_source(text, node.span, d);
        assert_eq!(&text[src..src + 4], "${x}");
        let sp = decoded_span(text, node.span, d + 2..d + 3);
        assert_eq!(&text[sp.range()], "x");
        // surrogate pairs
        let text = r#"["\ud83d\ude00z"]"#;
        let p = parse(text).unwrap();
        let Value::Array(items) = &p.root.value else {
            panic!()
        };
        assert_eq!(items[0].as_str(), Some("😀z"));
        let z = decoded_to_source(text, items[0].span, 4);
        assert_eq!(&text[z..z + 1], "z");
    }
}
