//! Updates of one object key or array element in place (`.[k] |= f`), with jq's
//! semantics: the first output of `f` replaces the value, `empty` deletes it.

use super::{MAX_PAD, V, num_index};
use crate::jq::limits;
use jaq_core::path::Opt;
use jaq_core::{Error, Exn, ValX};
use jaq_json::{Map, Num, Rc, Val};

/// The array that a `null` or an array stands for, and whether it was `null`.
pub(super) fn array_or_empty(v: Val) -> (bool, Rc<Vec<Val>>) {
    match v {
        Val::Arr(a) => (false, a),
        v => (matches!(v, Val::Null), Rc::new(Vec::new())),
    }
}

/// The value an update leaves as it was: `null` again when it was `null`.
pub(super) fn unchanged(was_null: bool, a: Rc<Vec<Val>>) -> V {
    V(if was_null { Val::Null } else { Val::Arr(a) })
}

/// `y` to be stored by an update: an array or object counts against
/// [`crate::jq::MAX_STORES`].
pub(super) fn stored(y: V) -> Result<Val, Exn<'static, V>> {
    if matches!(y.0, Val::Arr(_) | Val::Obj(_)) {
        limits::store()?;
    }
    Ok(y.0)
}

/// Updates the key `k` of an object, adding it when it is missing.
pub(super) fn update_key<'a, I: Iterator<Item = ValX<'a, V>>>(
    mut o: Rc<Map>,
    k: &Val,
    f: impl Fn(V) -> I,
) -> ValX<'a, V> {
    let m = Rc::make_mut(&mut o);
    match m.get_index_of(k) {
        Some(i) => {
            let old = m
                .get_index_mut(i)
                .map(|(_, v)| core::mem::take(v))
                .unwrap_or_default();
            match f(V(old)).next().transpose()? {
                Some(y) => {
                    let y = stored(y)?;
                    if let Some((_, slot)) = m.get_index_mut(i) {
                        *slot = y;
                    }
                }
                None => {
                    m.shift_remove_index(i);
                }
            }
        }
        None => {
            if let Some(y) = f(V(Val::Null)).next().transpose()? {
                m.insert(k.clone(), stored(y)?);
            }
        }
    }
    Ok(V(Val::Obj(o)))
}

/// Updates the key `k` of `null`: an object with that key, or `null` on `empty`.
pub(super) fn update_key_of_null<'a, I: Iterator<Item = ValX<'a, V>>>(
    k: &Val,
    f: impl Fn(V) -> I,
) -> ValX<'a, V> {
    Ok(match f(V(Val::Null)).next().transpose()? {
        Some(y) => V(Val::obj(Map::from_iter([(k.clone(), stored(y)?)]))),
        None => V(Val::Null),
    })
}

/// Updates the element `n` of an array (or of `null`), negative indices counting from
/// the end; an index past the end pads the array with nulls.
pub(super) fn update_element<'a, I: Iterator<Item = ValX<'a, V>>>(
    v: Val,
    n: &Num,
    opt: Opt,
    f: impl Fn(V) -> I,
) -> ValX<'a, V> {
    let (was_null, a) = array_or_empty(v);
    let i = num_index(n);
    let i = if i < 0 { i + a.len() as isize } else { i };
    if i < 0 {
        let e = || Exn::from(Error::str("out of bounds negative array index"));
        return opt.fail(unchanged(was_null, a), |_| e());
    }
    let i = i as usize;
    if i < a.len() {
        update_present(a, i, f)
    } else {
        update_past_end(was_null, a, i, f)
    }
}

/// Updates the element `i` of an array that has it.
fn update_present<'a, I: Iterator<Item = ValX<'a, V>>>(
    mut a: Rc<Vec<Val>>,
    i: usize,
    f: impl Fn(V) -> I,
) -> ValX<'a, V> {
    let am = Rc::make_mut(&mut a);
    let old = core::mem::take(&mut am[i]);
    match f(V(old)).next().transpose()? {
        Some(y) => am[i] = stored(y)?,
        None => {
            am.remove(i);
        }
    }
    Ok(V(Val::Arr(a)))
}

/// Sets the element `i` of an array too short to have it, padding with nulls.
fn update_past_end<'a, I: Iterator<Item = ValX<'a, V>>>(
    was_null: bool,
    mut a: Rc<Vec<Val>>,
    i: usize,
    f: impl Fn(V) -> I,
) -> ValX<'a, V> {
    match f(V(Val::Null)).next().transpose()? {
        Some(_) if i > MAX_PAD => Err(Exn::from(Error::str(format_args!(
            "array index {i} is too large"
        )))),
        Some(y) => {
            let y = stored(y)?;
            let am = Rc::make_mut(&mut a);
            am.resize(i, Val::Null);
            am.push(y);
            Ok(V(Val::Arr(a)))
        }
        None => Ok(unchanged(was_null, a)),
    }
}
