//! [`Str`]: a JSON string, short ones held inline, long ones shared.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use smol_str::SmolStr;

/// From this length a `String` is kept as it is, shared, rather than copied into one
/// allocation with its count (a large body's text is not copied again).
const KEEP: usize = 256;

/// An immutable string: up to 23 bytes inline, longer ones shared (a clone copies 24 bytes or
/// bumps a count, never the text). Short and shared strings are `smol_str`'s.
#[derive(Clone)]
pub struct Str(Repr);

#[derive(Clone)]
enum Repr {
    Smol(SmolStr),
    /// A long `String`, kept without copying its text.
    Kept(Arc<String>),
}

impl Str {
    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Smol(s) => s,
            Repr::Kept(s) => s,
        }
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        Str(Repr::Smol(SmolStr::new(s)))
    }
}

impl From<String> for Str {
    /// A long `String` is kept with its spare capacity while that is at most its length (as a
    /// string grown by appending has), so that appending to it again stays amortized
    /// ([`Str::into_string`]); more spare capacity is given back first.
    fn from(mut s: String) -> Str {
        if s.len() < KEEP {
            return Str::from(s.as_str());
        }
        if s.capacity() > 2 * s.len() {
            s.shrink_to_fit();
        }
        Str(Repr::Kept(Arc::new(s)))
    }
}

impl Str {
    /// The text as a `String`: a long one no one else shares is taken back without copying
    /// (so that `s + t` in a loop appends in place, as on a `String`), any other is copied.
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Kept(s) => Arc::try_unwrap(s).unwrap_or_else(|shared| (*shared).clone()),
            Repr::Smol(s) => s.into(),
        }
    }
}

impl From<&String> for Str {
    fn from(s: &String) -> Str {
        Str::from(s.as_str())
    }
}

impl From<Str> for String {
    fn from(s: Str) -> String {
        s.as_str().to_owned()
    }
}

impl FromIterator<char> for Str {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Str {
        Str::from(iter.into_iter().collect::<String>())
    }
}

impl<'a> FromIterator<&'a char> for Str {
    fn from_iter<I: IntoIterator<Item = &'a char>>(iter: I) -> Str {
        Str::from(iter.into_iter().collect::<String>())
    }
}

impl Default for Str {
    fn default() -> Str {
        Str::from("")
    }
}

impl Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<String> for Str {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Str {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Str {
    fn partial_cmp(&self, other: &Str) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Str {
    fn cmp(&self, other: &Str) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Str {
    // as `str` hashes, which `Borrow<str>` requires
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_strings_read_back_as_written() {
        for s in [
            "",
            "a",
            "é",
            "exactly twenty-two b!!",
            "twenty-three bytes long",
            "ü".repeat(40).as_str(),
        ] {
            let t = Str::from(s);
            assert_eq!(t.as_str(), s);
            assert_eq!(t.clone(), t);
        }
        let long = "y".repeat(KEEP);
        let at = long.as_ptr();
        let kept = Str::from(long);
        assert!(matches!(kept.0, Repr::Kept(_)));
        assert_eq!(kept.as_ptr(), at, "a long `String` is kept, not copied");
        // taken back whole while no one shares it, spare capacity included, so appending
        // to it stays amortized
        let mut grown = String::with_capacity(3 * KEEP);
        grown.push_str(&"z".repeat(2 * KEEP));
        let (at, capacity) = (grown.as_ptr(), grown.capacity());
        let back = Str::from(grown).into_string();
        assert_eq!((back.as_ptr(), back.capacity()), (at, capacity));
        let shared = Str::from(back);
        let other = shared.clone();
        let copy = shared.into_string();
        assert_ne!(copy.as_ptr(), other.as_ptr(), "a shared one is copied");
        assert_eq!(std::mem::size_of::<Str>(), 24);
    }
}
