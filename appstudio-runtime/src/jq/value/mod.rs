//! The value type jq programs run on.

use super::{JqError, MAX_DEPTH, limits};
use jaq_core::box_iter::BoxIter;
use jaq_core::native::{Filter, Fun, bome, run, unary, v};
use jaq_core::path::Opt;
use jaq_core::{Error, Exn, RunPtr, ValR, ValX};
use jaq_json::{Map, Num, Rc, Val};
use std::fmt::{self, Write as _};

/// How jaq filters are compiled: on [`V`], with only the look-up table as data.
pub(super) type D = jaq_core::data::JustLut<V>;

/// `jaq_json::Val` with jq's update semantics and jq's number printing.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct V(pub(super) Val);

/// An exceeded limit, as the error the operation that exceeded it fails with.
impl From<limits::Trip> for Error<V> {
    fn from(t: limits::Trip) -> Self {
        Error::str(format_args!(
            "the jq program exceeded a limit: {}",
            t.message()
        ))
    }
}

/// An exceeded limit, as the exception of a path operation.
impl From<limits::Trip> for Exn<'_, V> {
    fn from(t: limits::Trip) -> Self {
        Error::from(t).into()
    }
}

/// An error of `jaq_json` as an error on [`V`].
fn lift(e: jaq_json::Error) -> Error<V> {
    Error::new(V(e.into_val()))
}

fn err<T>(msg: impl fmt::Display) -> Result<T, Error<V>> {
    Err(Error::str(msg))
}

fn rc_unwrap_or_clone<T: Clone>(a: Rc<T>) -> T {
    Rc::try_unwrap(a).unwrap_or_else(|a| (*a).clone())
}

fn key(s: &'static str) -> Val {
    Val::utf8_str(s)
}

/// jq's name of the type of a value.
fn type_name(v: &Val) -> &'static str {
    match v {
        Val::Null => "null",
        Val::Bool(_) => "boolean",
        Val::Num(_) => "number",
        Val::BStr(_) | Val::TStr(_) => "string",
        Val::Arr(_) => "array",
        Val::Obj(_) => "object",
    }
}

fn num_f64(n: &Num) -> f64 {
    match n {
        Num::Int(i) => *i as f64,
        Num::Float(f) => *f,
        Num::BigInt(_) | Num::Dec(_) => n.to_string().parse().unwrap_or(f64::NAN),
    }
}

/// An array index: integers as they are, other numbers rounded down.
fn num_index(n: &Num) -> isize {
    match n.as_isize() {
        Some(i) => i,
        None => num_f64(n).floor() as isize,
    }
}

impl From<bool> for V {
    fn from(b: bool) -> Self {
        V(Val::from(b))
    }
}
impl From<isize> for V {
    fn from(i: isize) -> Self {
        V(Val::from(i))
    }
}
impl From<usize> for V {
    fn from(i: usize) -> Self {
        V(Val::from(i))
    }
}
impl From<f64> for V {
    fn from(f: f64) -> Self {
        V(Val::from(f))
    }
}
impl From<String> for V {
    fn from(s: String) -> Self {
        V(Val::from(s))
    }
}
impl From<jaq_core::val::Range<V>> for V {
    fn from(r: jaq_core::val::Range<V>) -> Self {
        V(Val::from(r.start.map(|v| v.0)..r.end.map(|v| v.0)))
    }
}
/// An array built by a program (`[f]`): one nested deeper than [`MAX_DEPTH`] stops the
/// evaluation with a limit error (this cannot fail here, so it is `null` meanwhile).
impl FromIterator<V> for V {
    fn from_iter<T: IntoIterator<Item = V>>(iter: T) -> Self {
        let items: Vec<Val> = iter.into_iter().map(|v| v.0).collect();
        if items.iter().all(|x| within_depth(x, 1)) {
            V(Val::Arr(Rc::new(items)))
        } else {
            limits::note_too_deep(MAX_DEPTH);
            drop_deep(Val::Arr(Rc::new(items)));
            V(Val::Null)
        }
    }
}

/// Whether `v`, standing `depth` levels deep, nests no deeper than [`MAX_DEPTH`] levels in
/// all. Recursion at most [`MAX_DEPTH`] deep; one step of the budget per array or object.
pub(super) fn within_depth(v: &Val, depth: usize) -> bool {
    match v {
        Val::Arr(_) | Val::Obj(_) if depth >= MAX_DEPTH => false,
        Val::Arr(a) => limits::tick().is_ok() && a.iter().all(|x| within_depth(x, depth + 1)),
        Val::Obj(o) => limits::tick().is_ok() && o.values().all(|x| within_depth(x, depth + 1)),
        _ => true,
    }
}

/// Drops `v` without recursion, however deeply it nests: an array or object held nowhere else
/// is emptied onto a list of values to drop, instead of dropping its elements from inside its
/// own drop.
pub(super) fn drop_deep(v: Val) {
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        match v {
            Val::Arr(a) => {
                if let Ok(items) = Rc::try_unwrap(a) {
                    todo.extend(items);
                }
            }
            Val::Obj(o) => {
                if let Ok(map) = Rc::try_unwrap(o) {
                    todo.extend(map.into_iter().map(|(_, x)| x));
                }
            }
            _ => {}
        }
    }
}

impl V {
    /// The value as compact JSON, cut short with `…` if it nests too deeply or is larger than
    /// the running evaluation allows (which then fails with a limit error).
    fn to_json_text(&self, note_too_long: bool) -> String {
        let mut s = String::new();
        match write_json(&self.0, &mut s, 0, limits::max_size()) {
            Ok(()) => {}
            Err(e) => {
                if note_too_long && matches!(e, WriteError::TooLong) {
                    limits::note_too_large();
                }
                s.push('…');
            }
        }
        s
    }
}

impl fmt::Display for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_text(false))
    }
}

/// Length of a string in bytes or of an array in elements; 0 for other values.
fn size(v: &Val) -> usize {
    match v {
        Val::TStr(s) | Val::BStr(s) => s.len(),
        Val::Arr(a) => a.len(),
        _ => 0,
    }
}

impl core::ops::Add for V {
    type Output = ValR<V>;
    fn add(self, rhs: Self) -> ValR<V> {
        limits::tick()?;
        limits::check_size(size(&self.0).saturating_add(size(&rhs.0)))?;
        (self.0 + rhs.0).map(V).map_err(lift)
    }
}

impl core::ops::Sub for V {
    type Output = ValR<V>;
    fn sub(self, rhs: Self) -> ValR<V> {
        limits::tick()?;
        (self.0 - rhs.0).map(V).map_err(lift)
    }
}

impl core::ops::Mul for V {
    type Output = ValR<V>;
    fn mul(self, rhs: Self) -> ValR<V> {
        limits::tick()?;
        // a string repeated as many times as the integer part of the number (jq 1.7: `"x" * 0`
        // is `""`), `null` for a negative number
        if let (Val::TStr(s) | Val::BStr(s), Val::Num(n))
        | (Val::Num(n), Val::TStr(s) | Val::BStr(s)) = (&self.0, &rhs.0)
        {
            let times = num_f64(n);
            if times.is_nan() || times < 0.0 {
                return Ok(V(Val::Null));
            }
            let len = s.len() as f64 * times.trunc();
            limits::check_size(if len > usize::MAX as f64 {
                usize::MAX
            } else {
                len as usize
            })?;
            let bytes = s.repeat(times as usize);
            return Ok(V(match (&self.0, &rhs.0) {
                (Val::BStr(_), _) | (_, Val::BStr(_)) => Val::byte_str(bytes),
                _ => Val::utf8_str(bytes),
            }));
        }
        (self.0 * rhs.0).map(V).map_err(lift)
    }
}

impl core::ops::Div for V {
    type Output = ValR<V>;
    fn div(self, rhs: Self) -> ValR<V> {
        limits::tick()?;
        if let (Val::Num(_), Val::Num(r)) = (&self.0, &rhs.0)
            && num_f64(r) == 0.0
        {
            return err(format_args!(
                "{self} and {rhs} cannot be divided because the divisor is zero"
            ));
        }
        (self.0 / rhs.0).map(V).map_err(lift)
    }
}

impl core::ops::Rem for V {
    type Output = ValR<V>;
    fn rem(self, rhs: Self) -> ValR<V> {
        limits::tick()?;
        match (&self.0, &rhs.0) {
            // jq truncates both operands to integers
            (Val::Num(l), Val::Num(r)) if !(l.as_isize().is_some() && r.as_isize().is_some()) => {
                let (l, r) = (num_f64(l) as i64, num_f64(r) as i64);
                match l.checked_rem(r) {
                    Some(m) => Ok(V(Val::from(m as isize))),
                    None if r == 0 => err(format_args!(
                        "{self} and {rhs} cannot be divided because the divisor is zero"
                    )),
                    None => Ok(V(Val::from(0isize))),
                }
            }
            (Val::Num(_), Val::Num(r)) if r.as_isize() == Some(0) => err(format_args!(
                "{self} and {rhs} cannot be divided because the divisor is zero"
            )),
            _ => (self.0 % rhs.0).map(V).map_err(lift),
        }
    }
}

impl core::ops::Neg for V {
    type Output = ValR<V>;
    fn neg(self) -> ValR<V> {
        limits::tick()?;
        // jq negates a double: `-0` is negative zero
        if let Val::Num(Num::Int(0)) = self.0 {
            return Ok(V::from(-0.0));
        }
        (-self.0).map(V).map_err(lift)
    }
}

/// Start and end of a slice of an array of length `len` (fractional bounds widen it).
fn slice_bounds(
    len: usize,
    start: Option<&V>,
    end: Option<&V>,
) -> Result<(usize, usize), Error<V>> {
    let bound = |b: Option<&V>, default: usize, up: bool| match b.map(|v| &v.0) {
        None | Some(Val::Null) => Ok(default),
        Some(Val::Num(n)) => {
            let f = num_f64(n);
            let f = if up { f.ceil() } else { f.floor() };
            let f = if f < 0.0 { len as f64 + f } else { f };
            Ok(f.clamp(0.0, len as f64) as usize)
        }
        Some(_) => err("start and end indices of an array slice must be numbers"),
    };
    let from = bound(start, 0, false)?;
    let to = bound(end, len, true)?.max(from);
    Ok((from, to))
}

/// Largest array index an update may create (padding with nulls).
const MAX_PAD: usize = 1 << 24;

impl jaq_core::ValT for V {
    fn from_num(n: &str) -> ValR<Self> {
        <Val as jaq_core::ValT>::from_num(n).map(V).map_err(lift)
    }

    fn from_map<I: IntoIterator<Item = (Self, Self)>>(iter: I) -> ValR<Self> {
        limits::tick()?;
        let iter = iter.into_iter();
        let mut map = Map::with_capacity_and_hasher(iter.size_hint().0, Default::default());
        for (k, v) in iter {
            if !matches!(k.0, Val::TStr(_) | Val::BStr(_)) {
                return err(format_args!(
                    "object keys must be strings, not {} ({k})",
                    type_name(&k.0)
                ));
            }
            map.insert(k.0, v.0);
        }
        if !map.values().all(|x| within_depth(x, 1)) {
            drop_deep(Val::obj(map));
            return Err(limits::note_too_deep(MAX_DEPTH).into());
        }
        Ok(V(Val::obj(map)))
    }

    fn key_values(self) -> BoxIter<'static, ValR<(Self, Self), Self>> {
        if let Err(e) = limits::tick() {
            return Box::new(core::iter::once(Err(e.into())));
        }
        Box::new(
            self.0
                .key_values()
                .map(|r| r.map(|(k, v)| (V(k), V(v))).map_err(lift)),
        )
    }

    fn values(self) -> Box<dyn Iterator<Item = ValR<Self>>> {
        if let Err(e) = limits::tick() {
            return Box::new(core::iter::once(Err(e.into())));
        }
        Box::new(self.0.values().map(|r| r.map(V).map_err(lift)))
    }

    fn index(self, index: &Self) -> ValR<Self> {
        limits::tick()?;
        match (&self.0, &index.0) {
            (Val::Obj(_), Val::TStr(_) | Val::BStr(_)) | (Val::Null, _) => {}
            (Val::Obj(_), _) => {
                return err(format_args!(
                    "cannot index object with {}",
                    type_name(&index.0)
                ));
            }
            (Val::Arr(_), Val::Num(n)) if n.as_isize().is_none() => {
                let i = V::from(num_index(n));
                return self.index(&i);
            }
            _ => {}
        }
        self.0.index(&index.0).map(V).map_err(lift)
    }

    fn range(self, range: jaq_core::val::Range<&Self>) -> ValR<Self> {
        limits::tick()?;
        match &self.0 {
            Val::Null => Ok(self),
            Val::Arr(a) => {
                let (from, to) = slice_bounds(a.len(), range.start, range.end)?;
                Ok(V(a[from..to].iter().cloned().collect()))
            }
            _ => {
                let conv = |b: Option<&Self>, up: bool| match b.map(|v| &v.0) {
                    Some(Val::Num(n)) if n.as_isize().is_none() => {
                        let f = num_f64(n);
                        Some(Val::from((if up { f.ceil() } else { f.floor() }) as isize))
                    }
                    b => b.cloned(),
                };
                let (start, end) = (conv(range.start, false), conv(range.end, true));
                self.0
                    .range(start.as_ref()..end.as_ref())
                    .map(V)
                    .map_err(lift)
            }
        }
    }

    fn map_values<'a, I: Iterator<Item = ValX<'a, Self>>>(
        self,
        opt: Opt,
        f: impl Fn(Self) -> I,
    ) -> ValX<'a, Self> {
        limits::tick()?;
        // jq keeps the first output of the update and deletes on `empty`
        match self.0 {
            Val::Arr(a) => {
                let mut out = Vec::with_capacity(a.len());
                for x in rc_unwrap_or_clone(a) {
                    if let Some(y) = f(V(x)).next().transpose()? {
                        out.push(update::stored(y)?);
                    }
                }
                Ok(V(Val::Arr(Rc::new(out))))
            }
            Val::Obj(o) => {
                let mut out = Map::default();
                for (k, v) in rc_unwrap_or_clone(o) {
                    if let Some(y) = f(V(v)).next().transpose()? {
                        out.insert(k, update::stored(y)?);
                    }
                }
                Ok(V(Val::obj(out)))
            }
            v => opt.fail(V(v), |v| {
                Exn::from(Error::str(format_args!(
                    "cannot iterate over {} ({v})",
                    type_name(&v.0)
                )))
            }),
        }
    }

    fn map_index<'a, I: Iterator<Item = ValX<'a, Self>>>(
        self,
        index: &Self,
        opt: Opt,
        f: impl Fn(Self) -> I,
    ) -> ValX<'a, Self> {
        limits::tick()?;
        match (self.0, &index.0) {
            (v @ (Val::Null | Val::Arr(_)), Val::Obj(o)) => {
                let start = o.get(&key("start")).cloned().map(V);
                let end = o.get(&key("end")).cloned().map(V);
                V(v).map_range(start.as_ref()..end.as_ref(), opt, f)
            }
            (Val::Obj(o), Val::TStr(_) | Val::BStr(_)) => update::update_key(o, &index.0, f),
            (Val::Null, Val::TStr(_) | Val::BStr(_)) => update::update_key_of_null(&index.0, f),
            (v @ (Val::Null | Val::Arr(_)), Val::Num(n)) => update::update_element(v, n, opt, f),
            (v, _) => opt.fail(V(v), |v| {
                Exn::from(Error::str(format_args!(
                    "cannot index {} with {}",
                    type_name(&v.0),
                    index
                )))
            }),
        }
    }

    fn map_range<'a, I: Iterator<Item = ValX<'a, Self>>>(
        self,
        range: jaq_core::val::Range<&Self>,
        opt: Opt,
        f: impl Fn(Self) -> I,
    ) -> ValX<'a, Self> {
        limits::tick()?;
        match self.0 {
            v @ (Val::Null | Val::Arr(_)) => {
                let (was_null, mut a) = update::array_or_empty(v);
                let (from, to) = match slice_bounds(a.len(), range.start, range.end) {
                    Ok(b) => b,
                    Err(e) => return opt.fail(update::unchanged(was_null, a), |_| Exn::from(e)),
                };
                let slice = V(a[from..to].iter().cloned().collect());
                let new = match f(slice).next().transpose()? {
                    None => Vec::new(),
                    Some(V(Val::Arr(b))) => rc_unwrap_or_clone(b),
                    Some(y) => {
                        return Err(Exn::from(Error::str(format_args!(
                            "a slice of an array can only be assigned another array, not {y}"
                        ))));
                    }
                };
                Rc::make_mut(&mut a).splice(from..to, new);
                Ok(V(Val::Arr(a)))
            }
            v => opt.fail(V(v), |v| {
                Exn::from(Error::str(format_args!(
                    "cannot update a slice of {} ({v})",
                    type_name(&v.0)
                )))
            }),
        }
    }

    fn as_bool(&self) -> bool {
        self.0.as_bool()
    }

    fn into_string(self) -> Self {
        match self.0 {
            Val::TStr(_) => self,
            Val::BStr(b) => V(Val::TStr(b)),
            v => V(Val::from(V(v).to_json_text(true))),
        }
    }
}

impl jaq_std::ValT for V {
    fn into_seq<S: FromIterator<Self>>(self) -> Result<S, Self> {
        match self.0 {
            Val::Arr(a) => Ok(rc_unwrap_or_clone(a).into_iter().map(V).collect()),
            v => Err(V(v)),
        }
    }
    fn is_int(&self) -> bool {
        self.0.is_int()
    }
    fn as_isize(&self) -> Option<isize> {
        self.0.as_isize()
    }
    fn as_f64(&self) -> Option<f64> {
        match &self.0 {
            Val::Num(n) => Some(num_f64(n)),
            _ => None,
        }
    }
    fn is_utf8_str(&self) -> bool {
        self.0.is_utf8_str()
    }
    fn as_bytes(&self) -> Option<&[u8]> {
        self.0.as_bytes()
    }
    fn as_sub_str(&self, sub: &[u8]) -> Self {
        V(self.0.as_sub_str(sub))
    }
    fn from_utf8_bytes(b: impl AsRef<[u8]> + Send + 'static) -> Self {
        V(Val::from_utf8_bytes(b))
    }
}

pub(in crate::jq) mod json;
mod natives;
mod update;

use json::{WriteError, write_json};
pub(super) use json::{exn_to_error, from_json, to_json};
pub(super) use natives::{natives, tick_native};
