//! Conversions with `serde_json::Value` (lossless both ways, without recursion) and
//! `Serialize`.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::{Map, Number, Str, Value};

type Serde = serde_json::Value;

/// What [`rebuild`] reads of a node of the tree it converts.
enum Node<'a, S, T, M> {
    /// A scalar, converted.
    Leaf(T),
    /// An array's items.
    Array(std::slice::Iter<'a, S>),
    /// An object's members.
    Object(M, usize),
}

/// The tree of `T` that mirrors the tree at `root`, built without recursion: `read` says what
/// a node is, `array` and `object` build a container of converted children. `None` only if
/// `read` never ends a tree, which no JSON does.
fn rebuild<'a, S, T, M>(
    root: &'a S,
    read: impl Fn(&'a S) -> Node<'a, S, T, M>,
    array: impl Fn(Vec<T>) -> T,
    object: impl Fn(Vec<(&'a str, T)>) -> T,
) -> Option<T>
where
    M: Iterator<Item = (&'a str, &'a S)>,
{
    /// A container being converted: what is left of it, what is done.
    enum Open<'a, S, T, M> {
        Array(std::slice::Iter<'a, S>, Vec<T>),
        Object(M, Vec<(&'a str, T)>, &'a str),
    }
    let mut open: Vec<Open<'a, S, T, M>> = Vec::new();
    let mut next = Some(root);
    let mut done: Option<T> = None;
    loop {
        match next.take().map(&read) {
            Some(Node::Leaf(t)) => done = Some(t),
            Some(Node::Array(items)) => {
                let out = Vec::with_capacity(items.len());
                open.push(Open::Array(items, out));
            }
            Some(Node::Object(members, n)) => {
                open.push(Open::Object(members, Vec::with_capacity(n), ""));
            }
            None => {}
        }
        match open.last_mut() {
            None => return done,
            Some(Open::Array(items, out)) => {
                out.extend(done.take());
                if let Some(v) = items.next() {
                    next = Some(v);
                    continue;
                }
            }
            Some(Open::Object(members, out, key)) => {
                if let Some(v) = done.take() {
                    out.push((*key, v));
                }
                if let Some((k, v)) = members.next() {
                    *key = k;
                    next = Some(v);
                    continue;
                }
            }
        }
        done = match open.pop() {
            Some(Open::Array(_, out)) => Some(array(out)),
            Some(Open::Object(_, out, _)) => Some(object(out)),
            None => done,
        };
    }
}

/// A `serde_json` value as [`rebuild`] reads it.
fn read_serde(v: &Serde) -> Node<'_, Serde, Value, impl Iterator<Item = (&str, &Serde)>> {
    match v {
        Serde::Array(a) => Node::Array(a.iter()),
        Serde::Object(m) => Node::Object(m.iter().map(|(k, v)| (k.as_str(), v)), m.len()),
        Serde::Null => Node::Leaf(Value::Null),
        Serde::Bool(b) => Node::Leaf(Value::Bool(*b)),
        Serde::Number(n) => Node::Leaf(Value::Number(Number::of_serde(n))),
        Serde::String(s) => Node::Leaf(Value::String(Str::from(s.as_str()))),
    }
}

/// One of ours as [`rebuild`] reads it.
fn read_ours(v: &Value) -> Node<'_, Value, Serde, impl Iterator<Item = (&str, &Value)>> {
    match v {
        Value::Array(a) => Node::Array(a.iter()),
        Value::Object(m) => Node::Object(m.iter().map(|(k, v)| (k.as_str(), v)), m.len()),
        Value::Null => Node::Leaf(Serde::Null),
        Value::Bool(b) => Node::Leaf(Serde::Bool(*b)),
        Value::Number(n) => Node::Leaf(Serde::Number(n.to_serde())),
        Value::String(s) => Node::Leaf(Serde::String(s.to_string())),
    }
}

impl From<&Serde> for Value {
    fn from(v: &Serde) -> Value {
        rebuild(
            v,
            read_serde,
            |items| Value::Array(items.into()),
            |members| {
                let members = members.into_iter().map(|(k, v)| (Str::from(k), v));
                Value::Object(Map::from_members(members.collect()))
            },
        )
        .unwrap_or_default()
    }
}

impl From<Serde> for Value {
    fn from(v: Serde) -> Value {
        let ours = Value::from(&v);
        drop_serde(v);
        ours
    }
}

/// Drops a `serde_json` value without recursion (its own drop recurses: a value a million
/// levels deep would overflow the stack).
fn drop_serde(v: Serde) {
    let mut pending = vec![v];
    while let Some(v) = pending.pop() {
        match v {
            Serde::Array(items) => pending.extend(items),
            Serde::Object(members) => pending.extend(members.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

impl From<&Value> for Serde {
    fn from(v: &Value) -> Serde {
        rebuild(v, read_ours, Serde::Array, |members| {
            Serde::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            )
        })
        .unwrap_or_default()
    }
}

impl From<Value> for Serde {
    fn from(v: Value) -> Serde {
        Serde::from(&v)
    }
}

impl Serialize for Value {
    /// As the JSON it is (numbers with their digits, through `serde_json`'s
    /// `arbitrary_precision`). Recursive, as serde is: for values of bounded depth (parsed
    /// ones are).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => match n.as_i64().filter(|_| n.is_i64()) {
                Some(i) => s.serialize_i64(i),
                None => n.to_serde().serialize(s),
            },
            Value::String(t) => s.serialize_str(t),
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a.iter() {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(m) => m.serialize(s),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    /// Through `serde_json::Value` (for values inside serde types: states, settings; a body is
    /// parsed with [`Value::from_slice`] instead).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Serde::deserialize(d).map(Value::from)
    }
}

impl Serialize for Map {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k.as_str(), v)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for Map {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        match Value::deserialize(d)? {
            Value::Object(m) => Ok(m),
            _ => Err(serde::de::Error::custom("expected a JSON object")),
        }
    }
}

impl Serialize for super::Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl From<serde_json::Map<String, Serde>> for Map {
    fn from(m: serde_json::Map<String, Serde>) -> Map {
        match Value::from(Serde::Object(m)) {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
}

impl PartialEq<Serde> for Value {
    /// Equal when `other` converts to an equal value (for tests written with
    /// `serde_json::json!`).
    fn eq(&self, other: &Serde) -> bool {
        let other = Value::from(other);
        *self == other
    }
}

impl PartialEq<Value> for Serde {
    fn eq(&self, other: &Value) -> bool {
        other == self
    }
}

macro_rules! eq_scalar {
    ($($t:ty => |$v:ident, $o:ident| $eq:expr),* $(,)?) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                let ($v, $o) = (self, other);
                $eq
            }
        }
        impl PartialEq<Value> for $t {
            fn eq(&self, other: &Value) -> bool {
                other == self
            }
        }
    )*};
}

// as `serde_json` compares: numbers by value
eq_scalar!(
    bool => |v, o| v.as_bool() == Some(*o),
    i32 => |v, o| v.as_i64() == Some(i64::from(*o)),
    i64 => |v, o| v.as_i64() == Some(*o),
    u32 => |v, o| v.as_u64() == Some(u64::from(*o)),
    u64 => |v, o| v.as_u64() == Some(*o),
    usize => |v, o| v.as_u64() == Some(*o as u64),
    f64 => |v, o| v.as_f64() == Some(*o),
    String => |v, o| v.as_str() == Some(o.as_str()),
);

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<Value> for &str {
    fn eq(&self, other: &Value) -> bool {
        other.as_str() == Some(*self)
    }
}

impl From<&Map> for serde_json::Map<String, Serde> {
    fn from(m: &Map) -> serde_json::Map<String, Serde> {
        match Serde::from(&Value::Object(m.clone())) {
            Serde::Object(m) => m,
            _ => serde_json::Map::new(),
        }
    }
}
