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

/// Where the escapes of one string literal are: maps offsets in its decoded value back to the
/// source in `O(log e)` for `e` escapes, after one pass over the literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EscapeMap {
    /// The literal (with its quotes).
    literal: Span,
    /// Each escape: its decoded range start and end, and its source range start and end,
    /// in order.
    escapes: Vec<Escape>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Escape {
    decoded_start: usize,
    decoded_end: usize,
    source_start: usize,
    source_end: usize,
}

impl EscapeMap {
    /// Scans the string literal at `literal` (which starts with its opening quote) once.
    pub(crate) fn new(text: &str, literal: Span) -> Self {
        let mut escapes = Vec::new();
        let start = (literal.start as usize + 1).min(text.len());
        let end = (literal.end as usize)
            .saturating_sub(1)
            .clamp(start, text.len());
        let bytes = text.as_bytes();
        // decoded offset minus source offset, updated at each escape
        let mut pos = start;
        let mut out = 0;
        while let Some(i) = bytes[pos..end].iter().position(|&b| b == b'\\') {
            out += i;
            pos += i;
            let mut p = pos;
            match decode_escape(text, &mut p) {
                Ok(c) => {
                    escapes.push(Escape {
                        decoded_start: out,
                        decoded_end: out + c.len_utf8(),
                        source_start: pos,
                        source_end: p,
                    });
                    out += c.len_utf8();
                    pos = p.min(end);
                }
                // the parser reports bad escapes; offsets past one map to it
                Err(_) => {
                    escapes.push(Escape {
                        decoded_start: out,
                        decoded_end: usize::MAX,
                        source_start: pos,
                        source_end: pos,
                    });
                    break;
                }
            }
        }
        Self { literal, escapes }
    }

    /// The source offset of byte `decoded` of the decoded value; an offset inside an escape's
    /// character maps to the end of the escape, one past the end to the closing quote.
    pub(crate) fn to_source(&self, decoded: usize) -> usize {
        let start = self.literal.start as usize + 1;
        let end = (self.literal.end as usize).saturating_sub(1).max(start);
        let i = self.escapes.partition_point(|e| e.decoded_start <= decoded);
        let at = match i.checked_sub(1).map(|i| self.escapes[i]) {
            None => start + decoded,
            Some(e) if decoded == e.decoded_start => e.source_start,
            Some(e) if decoded < e.decoded_end => e.source_end,
            Some(e) => e.source_end + (decoded - e.decoded_end),
        };
        at.min(end)
    }

    /// Maps a range of the decoded string to a source span.
    pub(crate) fn span(&self, decoded: std::ops::Range<usize>) -> Span {
        let start = self.to_source(decoded.start);
        let end = self.to_source(decoded.end);
        Span::new(start, end.max(start))
    }

    /// The literal this map is of.
    pub(crate) fn literal(&self) -> Span {
        self.literal
    }
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
        let src = EscapeMap::new(text, node.span).to_source(d);
        assert_eq!(&text[src..src + 4], "${x}");
        let sp = EscapeMap::new(text, node.span).span(d + 2..d + 3);
        assert_eq!(&text[sp.range()], "x");
        // surrogate pairs
        let text = r#"["\ud83d\ude00z"]"#;
        let p = parse(text).unwrap();
        let Value::Array(items) = &p.root.value else {
            panic!()
        };
        assert_eq!(items[0].as_str(), Some("😀z"));
        let z = EscapeMap::new(text, items[0].span).to_source(4);
        assert_eq!(&text[z..z + 1], "z");
        // inside the surrogate pair's character: the end of the escape
        let mid = EscapeMap::new(text, items[0].span).to_source(2);
        assert_eq!(&text[mid..mid + 1], "z");
    }

    /// The map agrees with a walk through the literal, character by character.
    #[test]
    fn map_agrees_with_a_walk() {
        let text = r#"["a\\b\n\u00e9é\"${x}\t\ud83d\ude00 z"]"#;
        let p = parse(text).unwrap();
        let Value::Array(items) = &p.root.value else {
            panic!()
        };
        let (lit, s) = (items[0].span, items[0].as_str().unwrap());
        let map = EscapeMap::new(text, lit);
        let mut pos = lit.start as usize + 1;
        for (d, c) in s.char_indices() {
            assert_eq!(map.to_source(d), pos, "offset {d} ({c:?})");
            pos += if text.as_bytes()[pos] == b'\\' {
                let mut p = pos;
                decode_escape(text, &mut p).unwrap();
                p - pos
            } else {
                c.len_utf8()
            };
        }
        assert_eq!(map.to_source(s.len()), lit.end as usize - 1);
    }
}
