//! Reading JSON text into a [`Value`], without recursion: open arrays and objects are a list
//! of frames, their finished items gathered in two shared lists and moved out, exactly sized,
//! when they close.

use std::fmt;

use super::{Array, Map, Number, Str, Value};

/// The nesting [`Value::from_slice`] refuses: arrays and objects 128 levels deep (127 pass,
/// as with `serde_json`, so that what is parsed here also reads back through it).
pub const MAX_DEPTH: usize = 128;

/// Why a text is not JSON, and where (line and column count from 1, the column in bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    what: &'static str,
    line: usize,
    column: usize,
    too_deep: bool,
}

impl ParseError {
    /// Whether the text was refused for nesting deeper than the limit (rather than for its
    /// syntax).
    pub fn is_too_deep(&self) -> bool {
        self.too_deep
    }

    /// The line of the error.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column of the error.
    pub fn column(&self) -> usize {
        self.column
    }
}

/// The error of a text that is JSON but not a number.
pub(super) fn not_a_number() -> ParseError {
    ParseError {
        what: "expected a number",
        line: 1,
        column: 1,
        too_deep: false,
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.what, self.line, self.column
        )
    }
}

impl std::error::Error for ParseError {}

impl Value {
    /// Parses JSON text (RFC 8259: one value, whitespace around it) nested less than
    /// [`MAX_DEPTH`] levels.
    pub fn from_slice(text: &[u8]) -> Result<Value, ParseError> {
        Value::from_slice_with_depth(text, MAX_DEPTH)
    }

    /// Parses JSON text nested less than `max_depth` levels.
    pub fn from_slice_with_depth(text: &[u8], max_depth: usize) -> Result<Value, ParseError> {
        Parser { b: text, i: 0 }.document(max_depth)
    }
}

impl std::str::FromStr for Value {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Value, ParseError> {
        Value::from_slice(s.as_bytes())
    }
}

/// An array or object still open.
enum Frame {
    /// Its items so far are `items[start..]`.
    Array { start: usize },
    /// Its members so far are `members[start..]`; `key` waits for its value.
    Object { start: usize, key: Str },
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn document(mut self, max_depth: usize) -> Result<Value, ParseError> {
        let mut frames: Vec<Frame> = Vec::new();
        let mut items: Vec<Value> = Vec::new();
        let mut members: Vec<(Str, Value)> = Vec::new();
        loop {
            self.ws();
            let mut value = match self.peek() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(open @ (b'[' | b'{')) => {
                    if frames.len() + 1 >= max_depth {
                        return Err(ParseError {
                            too_deep: true,
                            ..self.error("recursion limit exceeded")
                        });
                    }
                    self.i += 1;
                    self.ws();
                    if open == b'[' {
                        if self.eat(b']') {
                            Value::Array(Array::new())
                        } else {
                            frames.push(Frame::Array { start: items.len() });
                            continue;
                        }
                    } else if self.eat(b'}') {
                        Value::Object(Map::new())
                    } else {
                        let key = self.key()?;
                        frames.push(Frame::Object {
                            start: members.len(),
                            key,
                        });
                        continue;
                    }
                }
                Some(b'"') => Value::String(self.string()?),
                Some(b't') => self.literal("true", Value::Bool(true))?,
                Some(b'f') => self.literal("false", Value::Bool(false))?,
                Some(b'n') => self.literal("null", Value::Null)?,
                Some(b'-' | b'0'..=b'9') => Value::Number(self.number()?),
                Some(_) => return Err(self.error("expected value")),
            };
            // place the value; each container it closes is a value to place in turn
            loop {
                let Some(frame) = frames.last_mut() else {
                    self.ws();
                    if self.i < self.b.len() {
                        return Err(self.error("trailing characters"));
                    }
                    return Ok(value);
                };
                self.ws();
                let next = self.peek();
                match frame {
                    Frame::Array { start } => {
                        items.push(value);
                        match next {
                            Some(b',') => {
                                self.i += 1;
                                break;
                            }
                            Some(b']') => {
                                self.i += 1;
                                let start = *start;
                                frames.pop();
                                value = Value::Array(Array::from(
                                    items.drain(start..).collect::<Vec<_>>(),
                                ));
                            }
                            None => return Err(self.error("EOF while parsing a list")),
                            Some(_) => return Err(self.error("expected `,` or `]`")),
                        }
                    }
                    Frame::Object { start, key } => {
                        members.push((std::mem::take(key), value));
                        match next {
                            Some(b',') => {
                                self.i += 1;
                                self.ws();
                                *key = self.key()?;
                                break;
                            }
                            Some(b'}') => {
                                self.i += 1;
                                let start = *start;
                                frames.pop();
                                value = Value::Object(Map::from_members(
                                    members.drain(start..).collect(),
                                ));
                            }
                            None => return Err(self.error("EOF while parsing an object")),
                            Some(_) => return Err(self.error("expected `,` or `}`")),
                        }
                    }
                }
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        self.i += usize::from(hit);
        hit
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// An error at the current position.
    fn error(&self, what: &'static str) -> ParseError {
        let before = &self.b[..self.i.min(self.b.len())];
        let line_start = before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        ParseError {
            what,
            line: 1 + before.iter().filter(|&&c| c == b'\n').count(),
            column: before.len() - line_start + 1,
            too_deep: false,
        }
    }

    /// A member's key and the `:` after it.
    fn key(&mut self) -> Result<Str, ParseError> {
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.error("EOF while parsing an object")),
            Some(_) => return Err(self.error("key must be a string")),
        }
        let key = self.string()?;
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.i += 1;
                Ok(key)
            }
            None => Err(self.error("EOF while parsing an object")),
            Some(_) => Err(self.error("expected `:`")),
        }
    }

    fn literal(&mut self, word: &'static str, v: Value) -> Result<Value, ParseError> {
        for &c in word.as_bytes() {
            match self.peek() {
                Some(got) if got == c => self.i += 1,
                None => return Err(self.error("EOF while parsing a value")),
                Some(_) => return Err(self.error("expected ident")),
            }
        }
        Ok(v)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.i;
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            None => return Err(self.error("EOF while parsing a value")),
            Some(_) => return Err(self.error("invalid number")),
        }
        if self.eat(b'.') {
            self.some_digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.some_digits()?;
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        Ok(Number::from_json_text(text))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), ParseError> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            None => Err(self.error("EOF while parsing a value")),
            Some(_) => Err(self.error("invalid number")),
        }
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Result<Str, ParseError> {
        self.i += 1;
        let start = self.i;
        // the usual string has no escape: it is taken as it stands
        loop {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    let s = std::str::from_utf8(&self.b[start..self.i])
                        .map_err(|_| self.error("invalid unicode code point"))?;
                    self.i += 1;
                    return Ok(Str::from(s));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.control()),
                Some(_) => self.i += 1,
            }
        }
        let mut buf = self.b[start..self.i].to_vec();
        loop {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(buf)
                        .map(Str::from)
                        .map_err(|_| self.error("invalid unicode code point"));
                }
                Some(b'\\') => {
                    self.i += 1;
                    self.escape(&mut buf)?;
                }
                Some(0..=0x1f) => return Err(self.control()),
                Some(c) => {
                    buf.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn control(&self) -> ParseError {
        self.error("control character (\\u0000-\\u001F) found while parsing a string")
    }

    /// The escape after a `\`, appended to `buf` as UTF-8.
    fn escape(&mut self, buf: &mut Vec<u8>) -> Result<(), ParseError> {
        let Some(c) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.i += 1;
        let byte = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let c = self.unicode()?;
                buf.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        buf.push(byte);
        Ok(())
    }

    /// The character of a `\uXXXX` escape (after the `u`), a surrogate pair taken whole.
    fn unicode(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !(self.eat(b'\\') && self.eat(b'u')) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("unexpected end of hex escape")),
            c => u32::from(c),
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u16, ParseError> {
        let mut n = 0u16;
        for _ in 0..4 {
            let Some(c) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            let d = (c as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid escape"))?;
            n = n * 16 + d as u16;
            self.i += 1;
        }
        Ok(n)
    }
}
