//! Native filters written for [`V`].

use super::*;
use jaq_core::box_iter::box_once;

fn length(v: &V) -> ValR<V> {
    Ok(V(match &v.0 {
        Val::Null => Val::from(0isize),
        Val::Bool(_) => return err(format_args!("boolean ({v}) has no length")),
        Val::Num(n) => match n.as_isize().and_then(isize::checked_abs) {
            Some(i) => Val::from(i),
            None => Val::from(num_f64(n).abs()),
        },
        Val::TStr(s) => Val::from(String::from_utf8_lossy(s).chars().count()),
        Val::BStr(s) => Val::from(s.len()),
        Val::Arr(a) => Val::from(a.len()),
        Val::Obj(o) => Val::from(o.len()),
    }))
}

fn contains(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Obj(l), Val::Obj(r)) => r
            .iter()
            .all(|(k, r)| l.get(k).is_some_and(|l| contains(l, r))),
        (Val::Arr(l), Val::Arr(r)) => r.iter().all(|r| l.iter().any(|l| contains(l, r))),
        (Val::TStr(l) | Val::BStr(l), Val::TStr(r) | Val::BStr(r)) => {
            r.is_empty() || l.windows(r.len()).any(|w| w == &r[..])
        }
        _ => a == b,
    }
}

fn has(v: &V, k: &V) -> ValR<V> {
    match (&v.0, &k.0) {
        (Val::Obj(o), Val::TStr(_) | Val::BStr(_)) => Ok(V::from(o.contains_key(&k.0))),
        (Val::Arr(a), Val::Num(n)) => {
            let i = num_f64(n);
            Ok(V::from(i >= 0.0 && i < a.len() as f64))
        }
        (x, y) => err(format_args!(
            "cannot check whether {} has a {} key",
            type_name(x),
            type_name(y)
        )),
    }
}

fn indices(x: &V, y: &V) -> ValR<V> {
    let ints = |it: &mut dyn Iterator<Item = usize>| V(it.map(Val::from).collect());
    Ok(match (&x.0, &y.0) {
        (Val::Null, _) | (_, Val::Null) => V(Val::Null),
        (Val::TStr(h) | Val::BStr(h), Val::TStr(n) | Val::BStr(n)) => {
            if n.is_empty() {
                return Ok(V(Val::Null));
            }
            let (h, n) = (String::from_utf8_lossy(h), String::from_utf8_lossy(n));
            let mut it = h
                .char_indices()
                .enumerate()
                .filter(|(_, (b, _))| h[*b..].starts_with(&*n))
                .map(|(i, _)| i);
            ints(&mut it)
        }
        (Val::Arr(h), Val::Arr(n)) => {
            if n.is_empty() {
                return Ok(V(Val::Null));
            }
            let mut it = h
                .windows(n.len())
                .enumerate()
                .filter(|(_, w)| *w == &n[..])
                .map(|(i, _)| i);
            ints(&mut it)
        }
        (Val::Arr(h), n) => {
            let mut it = h
                .iter()
                .enumerate()
                .filter(|(_, x)| *x == n)
                .map(|(i, _)| i);
            ints(&mut it)
        }
        (h, n) => {
            return err(format_args!(
                "cannot search for {} in {}",
                type_name(n),
                type_name(h)
            ));
        }
    })
}

fn bsearch(a: &V, x: &V) -> ValR<V> {
    match &a.0 {
        Val::Arr(arr) => {
            let i = match arr.binary_search(&x.0) {
                Ok(i) => i as isize,
                Err(i) => -1 - i as isize,
            };
            Ok(V::from(i))
        }
        v => err(format_args!(
            "{} ({a}) cannot be searched from",
            type_name(v)
        )),
    }
}

fn tojson(v: &V) -> ValR<V> {
    let mut s = String::new();
    match write_json(&v.0, &mut s, 0, limits::max_size()) {
        Ok(()) => Ok(V::from(s)),
        Err(WriteError::TooLong) => {
            limits::note_too_large();
            err("the jq program exceeded a limit: the JSON text is too long")
        }
        Err(WriteError::TooDeep) => err(format_args!(
            "cannot convert a value nested deeper than {MAX_DEPTH} levels to JSON"
        )),
    }
}

fn fromjson(v: &V) -> ValR<V> {
    match &v.0 {
        Val::TStr(s) | Val::BStr(s) if crate::jq::shape(s).depth > MAX_DEPTH => err(format_args!(
            "cannot parse JSON nested deeper than {MAX_DEPTH} levels (`fromjson`)"
        )),
        Val::TStr(s) | Val::BStr(s) => match jaq_json::read::parse_single(s) {
            Ok(x) => Ok(V(x)),
            Err(e) => err(format_args!(
                "{e} (while parsing '{}')",
                String::from_utf8_lossy(s)
            )),
        },
        x => err(format_args!(
            "{} ({v}) cannot be parsed as JSON, only a string can",
            type_name(x)
        )),
    }
}

fn tonumber(v: &V) -> ValR<V> {
    match &v.0 {
        Val::Num(_) => Ok(v.clone()),
        Val::TStr(s) | Val::BStr(s) => {
            let text = String::from_utf8_lossy(s);
            // only a number is wanted: nothing nested reaches the (recursive) parser
            let text = text.trim();
            if text.starts_with(['[', '{']) {
                return err(format_args!("cannot parse {v} as a number"));
            }
            match jaq_json::read::parse_single(text.as_bytes()) {
                Ok(n @ Val::Num(_)) => Ok(V(n)),
                _ => err(format_args!("cannot parse {v} as a number")),
            }
        }
        x => err(format_args!(
            "{} ({v}) cannot be parsed as a number",
            type_name(x)
        )),
    }
}

/// `join($sep)` as jq 1.6/1.7 define it (`reduce .[] as $i (null; …) // ""`): `null` joins
/// as `""`, booleans and numbers as their text, strings as they are; arrays and objects
/// cannot be joined. Natively: the jq definition allocates a string per element.
fn join(v: &V, sep: &V) -> ValR<V> {
    let items: Box<dyn Iterator<Item = &Val>> = match &v.0 {
        Val::Arr(a) => Box::new(a.iter()),
        Val::Obj(o) => Box::new(o.values()),
        other => {
            return err(format_args!(
                "cannot iterate over {} ({v})",
                type_name(other)
            ));
        }
    };
    let sep = match &sep.0 {
        Val::TStr(s) | Val::BStr(s) => String::from_utf8_lossy(s).into_owned(),
        Val::Null => String::new(),
        other => {
            return err(format_args!(
                "string and {} ({sep}) cannot be added",
                type_name(other)
            ));
        }
    };
    let mut out = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match item {
            Val::Null => {}
            Val::TStr(s) | Val::BStr(s) => out.push_str(&String::from_utf8_lossy(s)),
            Val::Bool(_) | Val::Num(_) => out.push_str(&V(item.clone()).to_string()),
            other => {
                return err(format_args!(
                    "string ({}) and {} ({}) cannot be added",
                    V::from(out),
                    type_name(other),
                    V(other.clone())
                ));
            }
        }
        limits::check_size(out.len())?;
    }
    Ok(V::from(out))
}

/// `add` as jq defines it (`reduce .[] as $x (null; . + $x)`), natively: in jaq the
/// definition copies the sum at every step, which makes adding `n` objects quadratic.
fn add(v: V) -> ValR<V> {
    let mut sum = V(Val::Null);
    for x in jaq_core::ValT::values(v) {
        sum = (sum + x?)?;
    }
    Ok(sum)
}

/// `ct_equal($other)`: whether two strings are equal, compared in time that depends only on
/// their lengths (for signatures: `==` stops at the first difference, which leaks how much of
/// a forged signature is right). Anything but two strings is an error.
fn ct_equal(a: &V, b: &V) -> ValR<V> {
    match (&a.0, &b.0) {
        (Val::TStr(x) | Val::BStr(x), Val::TStr(y) | Val::BStr(y)) => {
            let mut diff = x.len() ^ y.len();
            for i in 0..x.len().max(y.len()) {
                let (l, r) = (x.get(i).copied(), y.get(i).copied());
                diff |= usize::from(l.unwrap_or(0) ^ r.unwrap_or(0));
            }
            Ok(V::from(std::hint::black_box(diff) == 0))
        }
        (x, y) => err(format_args!(
            "{} ({a}) and {} ({b}) cannot be compared with ct_equal, only two strings can",
            type_name(x),
            type_name(y)
        )),
    }
}

/// Native filters written for [`V`] (jaq-json's are written for `Val`).
fn own() -> [Filter<RunPtr<D>>; 14] {
    [
        ("ct_equal", v(1), |cv| unary(cv, |x, y| ct_equal(&x, &y))),
        ("add", v(0), |cv| bome(add(cv.1))),
        ("type", v(0), |cv| bome(Ok(V(key(type_name(&cv.1.0)))))),
        ("join", v(1), |cv| unary(cv, |x, sep| join(&x, &sep))),
        ("length", v(0), |cv| bome(length(&cv.1))),
        ("tojson", v(0), |cv| bome(tojson(&cv.1))),
        ("fromjson", v(0), |cv| bome(fromjson(&cv.1))),
        ("tonumber", v(0), |cv| bome(tonumber(&cv.1))),
        ("contains", v(1), |cv| {
            unary(cv, |x, y| {
                let same = type_name(&x.0) == type_name(&y.0);
                if same {
                    Ok(V::from(contains(&x.0, &y.0)))
                } else {
                    err(format_args!(
                        "{} ({x}) and {} ({y}) cannot have their containment checked",
                        type_name(&x.0),
                        type_name(&y.0)
                    ))
                }
            })
        }),
        ("has", v(1), |cv| unary(cv, |x, k| has(&x, &k))),
        ("indices", v(1), |cv| unary(cv, |x, y| indices(&x, &y))),
        ("bsearch", v(1), |cv| unary(cv, |a, x| bsearch(&a, &x))),
        ("nan", v(0), |_| bome(Ok(V::from(f64::NAN)))),
        ("infinite", v(0), |_| bome(Ok(V::from(f64::INFINITY)))),
    ]
}

/// All native filters: jaq's core and standard ones minus those that leave the sandbox,
/// plus [`own`].
pub(in crate::jq) fn natives() -> Vec<Fun<D>> {
    let excluded = |name: &str| {
        matches!(
            name,
            "env" | "halt" | "debug_empty" | "stderr_empty" | "input" | "inputs"
        )
    };
    let own = own();
    // ours replace jaq's of the same name and arity
    let ours: Vec<(&str, usize)> = own.iter().map(|(n, args, _)| (*n, args.len())).collect();
    jaq_core::funs::<D>()
        .chain(jaq_std::funs::<D>())
        .filter(|(name, args, _)| !excluded(name) && !ours.contains(&(*name, args.len())))
        .chain(own.into_iter().map(run::<D>))
        .collect()
}

/// The native filter [`limits::TICK`]: the identity, after [`limits::enter_def`]; also in
/// paths and updates. An exceeded limit raises a `halt`, which `try` does not catch.
pub(in crate::jq) fn tick_native<'s>() -> (&'s str, Box<[jaq_core::Bind]>, jaq_core::Native<D>) {
    fn enter<'a>() -> Result<(), Exn<'a, V>> {
        if limits::enter_def() {
            Ok(())
        } else {
            Err(Exn::halt(limits::HALT))
        }
    }
    let native = jaq_core::Native::new(|cv| match enter() {
        Ok(()) => box_once(Ok(cv.1)),
        Err(e) => box_once(Err(e)),
    })
    .with_paths(|cv| match enter() {
        Ok(()) => box_once(Ok(cv.1)),
        Err(e) => box_once(Err(e)),
    })
    .with_update(|cv, f| match enter() {
        Ok(()) => f(cv.1),
        Err(e) => box_once(Err(e)),
    });
    (limits::TICK, Box::new([]), native)
}
