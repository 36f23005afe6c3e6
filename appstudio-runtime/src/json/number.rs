//! [`Number`]: a JSON number that keeps its digits.

use std::fmt;

use super::Str;

/// A JSON number: an integer that fits 64 bits, or any other number as its text (a decimal
/// as written, `2.50`; an exponent, `1e999999`; an integer beyond 64 bits), so that every
/// digit that came in goes out. Two numbers are equal when their text is (as with
/// `serde_json`'s `arbitrary_precision`, whose values convert to and from these losslessly).
#[derive(Clone, PartialEq, Eq)]
pub struct Number(N);

#[derive(Clone, PartialEq, Eq)]
enum N {
    /// Written in its canonical form (`-12`, never `-0` or `012`).
    Int(i64),
    /// Valid JSON number text that is not a canonical 64-bit integer.
    Text(Str),
}

impl Number {
    /// The number that `text` (JSON number syntax, checked by the caller) writes. An
    /// exponent is written as `serde_json` writes it, `e` and a sign (`1E5` is `1e+5`), so that
    /// both give the same text; every digit is kept.
    pub(super) fn from_json_text(text: &str) -> Number {
        if let Some(e) = text.find(['e', 'E']) {
            let (mantissa, exp) = (&text[..e], &text[e + 1..]);
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp.strip_prefix('+').unwrap_or(exp)),
            };
            return Number(N::Text(Str::from(format!("{mantissa}e{sign}{digits}"))));
        }
        match text.parse::<i64>() {
            // `-0` parses to 0 and would lose its sign
            Ok(i) if text != "-0" => Number(N::Int(i)),
            _ => Number(N::Text(Str::from(text))),
        }
    }

    /// A double as JSON (`serde_json`'s text for it: `2.5`, `1e300`); `None` for NaN and
    /// infinities, which JSON cannot hold.
    pub fn from_f64(f: f64) -> Option<Number> {
        serde_json::Number::from_f64(f).map(|n| Number::from_json_text(&n.to_string()))
    }

    /// The value as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            N::Int(i) => Some(*i),
            N::Text(t) => t.parse().ok(),
        }
    }

    /// The value as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            N::Int(i) => u64::try_from(*i).ok(),
            N::Text(t) => t.parse().ok(),
        }
    }

    /// The value as the nearest double; `None` beyond a double's range (as `serde_json`).
    pub fn as_f64(&self) -> Option<f64> {
        match &self.0 {
            N::Int(i) => Some(*i as f64),
            N::Text(t) => t.parse().ok().filter(|f: &f64| f.is_finite()),
        }
    }

    /// Whether it is a non-negative integer that fits a `u64`.
    pub fn is_u64(&self) -> bool {
        self.as_u64().is_some()
    }

    /// Whether it is an integer held as `i64`.
    pub fn is_i64(&self) -> bool {
        matches!(self.0, N::Int(_))
    }

    /// Writes the number's JSON text.
    pub(super) fn write(&self, out: &mut String) {
        match &self.0 {
            N::Int(i) => {
                use fmt::Write;
                let _ = write!(out, "{i}");
            }
            N::Text(t) => out.push_str(t),
        }
    }

    /// The `serde_json` number with the same text.
    pub(super) fn to_serde(&self) -> serde_json::Number {
        match &self.0 {
            N::Int(i) => serde_json::Number::from(*i),
            // the text is valid JSON, so this always parses
            N::Text(t) => t.parse().unwrap_or_else(|_| serde_json::Number::from(0)),
        }
    }

    /// The number with the same text as a `serde_json` one.
    pub(super) fn of_serde(n: &serde_json::Number) -> Number {
        Number::from_json_text(&n.to_string())
    }
}

impl std::str::FromStr for Number {
    type Err = super::ParseError;
    /// A number in JSON syntax (surrounding whitespace allowed, nothing else).
    fn from_str(s: &str) -> Result<Number, super::ParseError> {
        match s.parse::<super::Value>()? {
            super::Value::Number(n) => Ok(n),
            _ => Err(super::parse::not_a_number()),
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Number {
        Number(N::Int(i))
    }
}

impl From<u64> for Number {
    fn from(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(i) => Number(N::Int(i)),
            Err(_) => Number(N::Text(Str::from(u.to_string()))),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({self})")
    }
}
