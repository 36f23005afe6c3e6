//! JSON values held compactly: the engine's own value type (D30 in ARCHITECTURE.md).
//!
//! A [`Value`] is 32 bytes; a string of up to 23 bytes lives inside it; arrays and objects
//! are shared on clone and copied on their first change; a small object is a list of its
//! members, without a hash table; numbers keep their digits ([`Number`]). A body parsed with
//! [`Value::from_slice`] takes a few times its size where `serde_json::Value` takes some 16
//! times. Parsing, writing, converting and dropping never recurse, so no depth of input
//! overflows a stack; parsing refuses input nested deeper than a limit.

mod array;
mod convert;
mod map;
mod number;
mod parse;
mod str;
mod write;

pub use array::Array;
pub use map::{Iter, Map};
pub use number::Number;
pub use parse::{MAX_DEPTH, ParseError};
pub use str::Str;

/// A JSON value.
#[derive(Clone, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(Str),
    /// An array.
    Array(Array),
    /// An object.
    Object(Map),
}

impl PartialEq for Value {
    /// Equal values: numbers by their text (as `serde_json`'s with `arbitrary_precision`),
    /// objects whatever the order of their members. Without recursion.
    fn eq(&self, other: &Value) -> bool {
        let mut pending = vec![(self, other)];
        while let Some(pair) = pending.pop() {
            match pair {
                (Value::Null, Value::Null) => {}
                (Value::Bool(a), Value::Bool(b)) if a == b => {}
                (Value::Number(a), Value::Number(b)) if a == b => {}
                (Value::String(a), Value::String(b)) if a == b => {}
                (Value::Array(a), Value::Array(b)) if a.ptr_eq(b) => {}
                (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                    pending.extend(a.iter().zip(b.iter()));
                }
                (Value::Object(a), Value::Object(b)) if a.ptr_eq(b) => {}
                (Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
                    for (k, x) in a {
                        match b.get(k) {
                            Some(y) => pending.push((x, y)),
                            None => return false,
                        }
                    }
                }
                _ => return false,
            }
        }
        true
    }
}

impl Eq for Value {}

/// `null`, for lookups that find nothing.
static NULL: Value = Value::Null;

impl Value {
    /// Whether it is an array or an object.
    pub fn is_container(&self) -> bool {
        matches!(self, Value::Array(_) | Value::Object(_))
    }

    /// Whether it is a boolean.
    pub fn is_boolean(&self) -> bool {
        matches!(self, Value::Bool(_))
    }

    /// Whether it is a number.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    /// Whether it is a string.
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// Whether it is an array.
    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    /// Whether it is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The boolean, if it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if it is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The number as a `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    /// The number as the nearest double, if it is a number within a double's range.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().and_then(Number::as_f64)
    }

    /// The text, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if it is an array.
    pub fn as_array(&self) -> Option<&Array> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The items to change, if it is an array (copied first if shared).
    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a.make_mut()),
            _ => None,
        }
    }

    /// The members, if it is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The members to change, if it is an object.
    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|m| m.get(key))
    }

    /// Item `i` of an array.
    pub fn get_index(&self, i: usize) -> Option<&Value> {
        self.as_array().and_then(|a| a.get(i))
    }

    /// The value a JSON Pointer (RFC 6901: `/a/0/b`, `~1` for `/`, `~0` for `~`) names; `""`
    /// is the value itself.
    pub fn pointer(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        let mut at = self;
        for token in rest.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            at = match at {
                Value::Object(m) => m.get(&token)?,
                Value::Array(a) => {
                    // no leading `+` or zeros: "01" names nothing
                    let ok = token == "0" || (!token.starts_with(['0', '+']) && !token.is_empty());
                    a.get(token.parse::<usize>().ok().filter(|_| ok)?)?
                }
                _ => return None,
            };
        }
        Some(at)
    }

    /// The value, leaving `null` in its place.
    pub fn take(&mut self) -> Value {
        std::mem::take(self)
    }
}

impl std::ops::Index<&str> for Value {
    type Output = Value;
    /// The member `key`, or `null` (also when this is not an object).
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl std::ops::Index<usize> for Value {
    type Output = Value;
    /// Item `i`, or `null` (also when this is not an array).
    fn index(&self, i: usize) -> &Value {
        self.get_index(i).unwrap_or(&NULL)
    }
}

/// How many drops of containers may be nested on a thread before [`dismantle`] takes over:
/// the usual shallow value is dropped the usual way, without the cost of a list; only what is
/// deeper is taken apart in a loop.
const NESTED_DROPS: u32 = 64;

thread_local! {
    static DROPS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// One more nested drop of a container on this thread, while [`NESTED_DROPS`] allow it.
struct NestedDrop;

impl NestedDrop {
    fn enter() -> Option<NestedDrop> {
        DROPS.with(|d| {
            let n = d.get();
            (n < NESTED_DROPS).then(|| {
                d.set(n + 1);
                NestedDrop
            })
        })
    }
}

impl Drop for NestedDrop {
    fn drop(&mut self) {
        DROPS.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Drops `values` and everything inside them without recursion: a container no one else
/// shares gives its items to a list of what is left to drop, so that dropping a value a
/// million levels deep takes a loop, not a million stack frames.
fn dismantle(mut pending: Vec<Value>) {
    while let Some(v) = pending.pop() {
        match v {
            Value::Array(a) => {
                if let Some(mut items) = std::sync::Arc::into_inner(a.0) {
                    pending.extend(items.0.drain(..).filter(Value::is_container));
                }
            }
            Value::Object(m) => {
                if let Some(values) = m.into_unique_values() {
                    pending.extend(values.into_iter().filter(Value::is_container));
                }
            }
            _ => {}
        }
    }
}

macro_rules! from_via {
    ($($t:ty => $via:ident),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from(x: $t) -> Value {
                Value::$via(x.into())
            }
        }
    )*};
}

from_via!(
    bool => Bool,
    i64 => Number, u64 => Number, Number => Number,
    &str => String, String => String, Str => String,
    Vec<Value> => Array, Array => Array, Map => Object,
);

impl From<i32> for Value {
    fn from(i: i32) -> Value {
        Value::Number(i64::from(i).into())
    }
}

impl From<u32> for Value {
    fn from(u: u32) -> Value {
        Value::Number(i64::from(u).into())
    }
}

impl From<usize> for Value {
    fn from(u: usize) -> Value {
        Value::Number((u as u64).into())
    }
}

impl From<f64> for Value {
    /// The number, or `null` for NaN and infinities (as `serde_json` does).
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(x: Option<T>) -> Value {
        x.map_or(Value::Null, Into::into)
    }
}

impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Value {
        Value::Array(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests;
