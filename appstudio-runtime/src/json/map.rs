//! [`Map`]: a JSON object, its members in the order they came, shared until changed.

use std::sync::Arc;

use indexmap::IndexMap;

use super::{NestedDrop, Str, Value, dismantle};

/// Up to this many members an object is a plain list, searched in order (no hash table: a
/// small object, the usual kind, costs its members and nothing more); past it, an
/// [`IndexMap`].
const FEW: usize = 12;

/// A JSON object. Members keep the order they were first inserted in; inserting a key again
/// replaces the value in place (as `serde_json`'s `preserve_order` map does). A clone shares
/// the members; the first change to a shared object copies them (values still shared).
#[derive(Clone, Default)]
pub struct Map(Arc<Members>);

#[derive(Clone)]
enum Members {
    Few(Vec<(Str, Value)>),
    Many(Box<IndexMap<Str, Value>>),
}

impl Default for Members {
    fn default() -> Members {
        Members::Few(Vec::new())
    }
}

impl Drop for Members {
    // nested drops as usual, past [`super::NESTED_DROPS`] without recursion ([`dismantle`])
    fn drop(&mut self) {
        let deep = match self {
            Members::Few(v) => v.iter().any(|(_, x)| x.is_container()),
            Members::Many(m) => m.values().any(Value::is_container),
        };
        if !deep {
            return;
        }
        if let Some(_nested) = NestedDrop::enter() {
            match self {
                Members::Few(v) => drop(std::mem::take(v)),
                Members::Many(m) => drop(std::mem::take(&mut **m)),
            }
            return;
        }
        dismantle(match self {
            Members::Few(v) => v.drain(..).map(|(_, x)| x).collect(),
            Members::Many(m) => m.drain(..).map(|(_, x)| x).collect(),
        });
    }
}

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map::default()
    }

    /// An empty object with room for `n` members.
    pub fn with_capacity(n: usize) -> Map {
        Map(Arc::new(if n <= FEW {
            Members::Few(Vec::with_capacity(n))
        } else {
            Members::Many(Box::new(IndexMap::with_capacity(n)))
        }))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        match &*self.0 {
            Members::Few(v) => v.len(),
            Members::Many(m) => m.len(),
        }
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match &*self.0 {
            Members::Few(v) => v.iter().find(|(k, _)| k.as_str() == key).map(|(_, x)| x),
            Members::Many(m) => m.get(key),
        }
    }

    /// Whether `key` is a member.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The value of `key`, to change (the object is copied first if shared).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        if !self.contains_key(key) {
            // a shared object is not copied for a key it does not have
            return None;
        }
        match Arc::make_mut(&mut self.0) {
            Members::Few(v) => v
                .iter_mut()
                .find(|(k, _)| k.as_str() == key)
                .map(|(_, x)| x),
            Members::Many(m) => m.get_mut(key),
        }
    }

    /// Sets `key` to `value`: a new key goes last, an existing one keeps its place; the value
    /// it had is returned.
    pub fn insert(&mut self, key: impl Into<Str>, value: Value) -> Option<Value> {
        let key = key.into();
        let members = Arc::make_mut(&mut self.0);
        match members {
            Members::Few(v) => {
                if let Some((_, x)) = v.iter_mut().find(|(k, _)| *k == key) {
                    return Some(std::mem::replace(x, value));
                }
                if v.len() < FEW {
                    v.push((key, value));
                    return None;
                }
                let mut m: IndexMap<Str, Value> = std::mem::take(v).into_iter().collect();
                m.insert(key, value);
                *members = Members::Many(Box::new(m));
                None
            }
            Members::Many(m) => m.insert(key, value),
        }
    }

    /// Removes `key`, keeping the order of the others; its value is returned.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        if !self.contains_key(key) {
            return None;
        }
        match Arc::make_mut(&mut self.0) {
            Members::Few(v) => {
                let i = v.iter().position(|(k, _)| k.as_str() == key)?;
                Some(v.remove(i).1)
            }
            Members::Many(m) => m.shift_remove(key),
        }
    }

    /// Removes the last member and returns it.
    pub fn pop(&mut self) -> Option<(Str, Value)> {
        if self.is_empty() {
            return None;
        }
        match Arc::make_mut(&mut self.0) {
            Members::Few(v) => v.pop(),
            Members::Many(m) => m.pop(),
        }
    }

    /// The members in order.
    pub fn iter(&self) -> Iter<'_> {
        match &*self.0 {
            Members::Few(v) => Iter::Few(v.iter()),
            Members::Many(m) => Iter::Many(m.iter()),
        }
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &Str> {
        self.iter().map(|(k, _)| k)
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.iter().map(|(_, v)| v)
    }

    /// The members, taken out in order (copied if the object is shared).
    pub fn into_members(mut self) -> Vec<(Str, Value)> {
        // emptied here, so that dropping what is left has nothing to do
        match Arc::get_mut(&mut self.0) {
            Some(Members::Few(v)) => std::mem::take(v),
            Some(Members::Many(m)) => m.drain(..).collect(),
            None => self.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        }
    }

    /// The values, taken out, if no one else shares the object.
    /// (`Arc::into_inner`: of two threads dropping the last two holders at once, exactly one
    /// gets the members.)
    pub(super) fn into_unique_values(self) -> Option<Vec<Value>> {
        let mut members = Arc::into_inner(self.0)?;
        // emptied here, so that dropping what is left has nothing to do
        Some(match &mut members {
            Members::Few(v) => v.drain(..).map(|(_, x)| x).collect(),
            Members::Many(m) => m.drain(..).map(|(_, x)| x).collect(),
        })
    }

    /// Whether `self` and `other` share their members (then they are equal).
    pub fn ptr_eq(&self, other: &Map) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The members of a [`Map`] in order.
pub enum Iter<'a> {
    /// Of a small object.
    #[doc(hidden)]
    Few(std::slice::Iter<'a, (Str, Value)>),
    /// Of a large one.
    #[doc(hidden)]
    Many(indexmap::map::Iter<'a, Str, Value>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Few(i) => i.next().map(|(k, v)| (k, v)),
            Iter::Many(i) => i.next(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Iter::Few(i) => i.size_hint(),
            Iter::Many(i) => i.size_hint(),
        }
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Str, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Map {
    type Item = (Str, Value);
    type IntoIter = std::vec::IntoIter<(Str, Value)>;
    /// The members, taken out in order (copied if the object is shared).
    fn into_iter(self) -> Self::IntoIter {
        self.into_members().into_iter()
    }
}

impl<K: Into<Str>> FromIterator<(K, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Map {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl Map {
    /// An object of `members` in order, a repeated key keeping its first place and its last
    /// value (as parsing JSON does); built in one allocation when they are few and distinct.
    pub(super) fn from_members(members: Vec<(Str, Value)>) -> Map {
        let few_distinct = members.len() <= FEW
            && members
                .iter()
                .enumerate()
                .all(|(i, (k, _))| members[..i].iter().all(|(j, _)| j != k));
        if few_distinct {
            return Map(Arc::new(Members::Few(members)));
        }
        let many: IndexMap<Str, Value> = members.into_iter().collect();
        if many.len() <= FEW {
            return Map(Arc::new(Members::Few(many.into_iter().collect())));
        }
        Map(Arc::new(Members::Many(Box::new(many))))
    }
}

impl<K: Into<Str>> Extend<(K, Value)> for Map {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl std::ops::Index<&str> for Map {
    type Output = Value;
    /// The value of `key`, or `null`.
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&super::NULL)
    }
}

impl Eq for Map {}

impl PartialEq for Map {
    /// Equal when they have the same keys with equal values, in any order (as
    /// `serde_json`'s maps compare).
    /// Without recursion ([`Value`]'s equality).
    fn eq(&self, other: &Map) -> bool {
        Value::Object(self.clone()) == Value::Object(other.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_their_order_past_the_small_size() {
        let mut m = Map::new();
        for i in (0..40).rev() {
            assert_eq!(m.insert(format!("k{i}"), Value::from(i)), None);
        }
        // again: the value is replaced in place
        assert_eq!(m.insert("k39", Value::from("x")), Some(Value::from(39)));
        let keys: Vec<&str> = m.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys[0], "k39");
        assert_eq!(keys[39], "k0");
        assert_eq!(m.get("k39"), Some(&Value::from("x")));
        assert_eq!(m.shift_remove("k20"), Some(Value::from(20)));
        assert_eq!(m.len(), 39);
        assert_eq!(m.keys().nth(19).map(|k| k.as_str()), Some("k19"));
    }

    #[test]
    fn a_shared_object_is_copied_on_change() {
        let mut a: Map = [("x", Value::from(1))].into_iter().collect();
        let b = a.clone();
        assert!(a.ptr_eq(&b));
        a.insert("y", Value::from(2));
        assert_eq!(b.len(), 1);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn repeated_keys_keep_the_first_place_and_the_last_value() {
        let m = Map::from_members(vec![
            (Str::from("a"), Value::from(1)),
            (Str::from("b"), Value::from(2)),
            (Str::from("a"), Value::from(3)),
        ]);
        let got: Vec<(String, Value)> = m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        assert_eq!(
            got,
            [("a".into(), Value::from(3)), ("b".into(), Value::from(2))]
        );
    }
}
