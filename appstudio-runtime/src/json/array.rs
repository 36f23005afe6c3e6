//! [`Array`]: a JSON array, shared until it is changed.

use std::ops::Deref;
use std::sync::Arc;

use super::{NestedDrop, Value, dismantle};

/// A JSON array. A clone shares the items; the first change to a shared array copies its
/// item list (each item itself still shared), as jq's values behave.
#[derive(Clone, Default)]
pub struct Array(pub(super) Arc<Items>);

/// The items; dropped as usual while few drops are nested, then without recursion, however
/// deep ([`dismantle`]).
#[derive(Clone, Default)]
pub(super) struct Items(pub(super) Vec<Value>);

impl Drop for Items {
    fn drop(&mut self) {
        if !self.0.iter().any(Value::is_container) {
            return;
        }
        let items = std::mem::take(&mut self.0);
        match NestedDrop::enter() {
            Some(_nested) => drop(items),
            None => dismantle(items),
        }
    }
}

impl Array {
    /// An empty array.
    pub fn new() -> Array {
        Array::default()
    }

    /// The items, to change (copied first if the array is shared).
    pub fn make_mut(&mut self) -> &mut Vec<Value> {
        &mut Arc::make_mut(&mut self.0).0
    }

    /// The items, taken out (copied if the array is shared).
    pub fn into_vec(self) -> Vec<Value> {
        match Arc::try_unwrap(self.0) {
            Ok(mut items) => std::mem::take(&mut items.0),
            Err(shared) => shared.0.clone(),
        }
    }

    /// Appends a value.
    pub fn push(&mut self, v: Value) {
        self.make_mut().push(v);
    }

    /// Whether `self` and `other` share their items (then they are equal).
    pub fn ptr_eq(&self, other: &Array) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Deref for Array {
    type Target = [Value];
    fn deref(&self) -> &[Value] {
        &self.0.0
    }
}

impl From<Vec<Value>> for Array {
    fn from(items: Vec<Value>) -> Array {
        Array(Arc::new(Items(items)))
    }
}

impl FromIterator<Value> for Array {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Array {
        Array::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl Eq for Array {}

impl PartialEq for Array {
    /// Item by item, without recursion ([`Value`]'s equality).
    fn eq(&self, other: &Array) -> bool {
        Value::Array(self.clone()) == Value::Array(other.clone())
    }
}

impl IntoIterator for Array {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    /// The items, taken out (copied if the array is shared).
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a> FromIterator<&'a Value> for Array {
    fn from_iter<I: IntoIterator<Item = &'a Value>>(iter: I) -> Array {
        iter.into_iter().cloned().collect()
    }
}

impl Extend<Value> for Array {
    fn extend<I: IntoIterator<Item = Value>>(&mut self, iter: I) {
        self.make_mut().extend(iter);
    }
}

impl<'a> IntoIterator for &'a Array {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
