//! `test(re)` and `test(re; flags)`: the jaq path's regular expressions (regex-bites, built
//! as jaq-std builds them) with jq's flags as the shims map them (`super::super::prelude`).
//! Anything the jaq path would refuse (a bad pattern or flag, an input that is not a string)
//! stops the native run as unsupported (`super::eval`), so jaq gives its own error.

use crate::json::Value;
use regex_bites::bytes::{Regex, RegexBuilder};

/// A compiled pattern with its flags.
#[derive(Clone)]
pub(crate) struct Pattern {
    source: String,
    flags: String,
    regex: Regex,
    /// jq's `n`: empty matches do not count.
    ignore_empty: bool,
}

impl Pattern {
    /// Pattern `re` with jq's `flags` (`null` for none); `None` where the jaq path fails.
    pub(crate) fn new(re: &Value, flags: &Value) -> Option<Pattern> {
        let (Value::String(re), flags) = (re, flags) else {
            return None;
        };
        let flags = match flags {
            Value::Null => "",
            Value::String(f) => f.as_str(),
            _ => return None,
        };
        let mut builder = RegexBuilder::new(re);
        let mut ignore_empty = false;
        // the shims drop jq's `s` and turn its `m` and `p` into jaq's `s`
        for c in flags.chars() {
            match c {
                'g' | 's' => {}
                'n' => ignore_empty = true,
                'i' => {
                    builder.case_insensitive(true);
                }
                'm' | 'p' => {
                    builder.dot_matches_new_line(true);
                }
                'l' => {
                    builder.swap_greed(true);
                }
                'x' => {
                    builder.ignore_whitespace(true);
                }
                _ => return None,
            }
        }
        Some(Pattern {
            source: re.to_string(),
            flags: flags.to_owned(),
            regex: builder.build().ok()?,
            ignore_empty,
        })
    }

    /// Whether this is the pattern [`Pattern::new`] builds from `re` and `flags`.
    pub(crate) fn is(&self, re: &Value, flags: &Value) -> bool {
        let flags = match flags {
            Value::Null => "",
            Value::String(f) => f.as_str(),
            _ => return false,
        };
        matches!(re, Value::String(re) if *re == self.source) && flags == self.flags
    }

    /// Whether `s` holds a match (a non-empty one with `n`).
    pub(crate) fn test(&self, s: &str) -> bool {
        if self.ignore_empty {
            self.regex
                .find_iter(s.as_bytes())
                .any(|m| !m.as_bytes().is_empty())
        } else {
            self.regex.is_match(s.as_bytes())
        }
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        (&self.source, &self.flags) == (&other.source, &other.flags)
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern({:?}, {:?})", self.source, self.flags)
    }
}
