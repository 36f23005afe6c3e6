//! Conversions with `serde_json::Value` (lossless both ways, without recursion) and
//! `Serialize`.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::{Map, Number, Str, Value};

type Serde = serde_json::Value;

impl From<&Serde> for Value {
    fn from(v: &Serde) -> Value {
        /// A container being converted: what is left of it, what is done.
        enum Open<'a> {
            Array(std::slice::Iter<'a, Serde>, Vec<Value>),
            Object(serde_json::map::Iter<'a>, Vec<(Str, Value)>, Str),
        }
        let mut open: Vec<Open<'_>> = Vec::new();
        let mut next = Some(v);
        let mut done: Option<Value> = None;
        loop {
            match next.take() {
                Some(Serde::Array(a)) => {
                    open.push(Open::Array(a.iter(), Vec::with_capacity(a.len())))
                }
                Some(Serde::Object(m)) => {
                    open.push(Open::Object(
                        m.iter(),
                        Vec::with_capacity(m.len()),
                        Str::default(),
                    ));
                }
                Some(Serde::Null) => done = Some(Value::Null),
                Some(Serde::Bool(b)) => done = Some(Value::Bool(*b)),
                Some(Serde::Number(n)) => done = Some(Value::Number(Number::of_serde(n))),
                Some(Serde::String(s)) => done = Some(Value::String(Str::from(s.as_str()))),
                None => {}
            }
            let Some(top) = open.last_mut() else {
                return done.unwrap_or_default();
            };
            match top {
                Open::Array(items, out) => {
                    out.extend(done.take());
                    if let Some(v) = items.next() {
                        next = Some(v);
                        continue;
                    }
                }
                Open::Object(members, out, key) => {
                    if let Some(v) = done.take() {
                        out.push((std::mem::take(key), v));
                    }
                    if let Some((k, v)) = members.next() {
                        *key = Str::from(k.as_str());
                        next = Some(v);
                        continue;
                    }
                }
            }
            done = Some(match open.pop() {
                Some(Open::Array(_, out)) => Value::Array(out.into()),
                Some(Open::Object(_, out, _)) => Value::Object(Map::from_members(out)),
                None => Value::Null,
            });
        }
    }
}

impl From<Serde> for Value {
    fn from(v: Serde) -> Value {
        Value::from(&v)
    }
}

impl From<&Value> for Serde {
    fn from(v: &Value) -> Serde {
        enum Open<'a> {
            Array(std::slice::Iter<'a, Value>, Vec<Serde>),
            Object(super::Iter<'a>, serde_json::Map<String, Serde>, String),
        }
        let mut open: Vec<Open<'_>> = Vec::new();
        let mut next = Some(v);
        let mut done: Option<Serde> = None;
        loop {
            match next.take() {
                Some(Value::Array(a)) => {
                    open.push(Open::Array(a.iter(), Vec::with_capacity(a.len())))
                }
                Some(Value::Object(m)) => open.push(Open::Object(
                    m.iter(),
                    serde_json::Map::with_capacity(m.len()),
                    String::new(),
                )),
                Some(Value::Null) => done = Some(Serde::Null),
                Some(Value::Bool(b)) => done = Some(Serde::Bool(*b)),
                Some(Value::Number(n)) => done = Some(Serde::Number(n.to_serde())),
                Some(Value::String(s)) => done = Some(Serde::String(s.to_string())),
                None => {}
            }
            let Some(top) = open.last_mut() else {
                return done.unwrap_or_default();
            };
            match top {
                Open::Array(items, out) => {
                    out.extend(done.take());
                    if let Some(v) = items.next() {
                        next = Some(v);
                        continue;
                    }
                }
                Open::Object(members, out, key) => {
                    if let Some(v) = done.take() {
                        out.insert(std::mem::take(key), v);
                    }
                    if let Some((k, v)) = members.next() {
                        *key = k.to_string();
                        next = Some(v);
                        continue;
                    }
                }
            }
            done = Some(match open.pop() {
                Some(Open::Array(_, out)) => Serde::Array(out),
                Some(Open::Object(_, out, _)) => Serde::Object(out),
                None => Serde::Null,
            });
        }
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
            Value::Object(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k.as_str(), v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> serde::Deserialize<'de> for Value {
    /// Through `serde_json::Value` (for values inside serde types: states, settings; a body is
    /// parsed with [`Value::from_slice`] instead).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Serde::deserialize(d).map(|v| Value::from(&v))
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
        match Value::from(&Serde::Object(m)) {
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
    ($($t:ty),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                let other = Value::from(other.clone());
                *self == other
            }
        }
        impl PartialEq<Value> for $t {
            fn eq(&self, other: &Value) -> bool {
                other == self
            }
        }
    )*};
}

eq_scalar!(bool, i32, i64, u32, u64, usize, f64, String);

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
