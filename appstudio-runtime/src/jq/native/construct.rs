//! Building values: objects and strings from their parts' outputs, and the formats
//! (`@text`, `@json`, `@base64`, `@uri`, `@html`).

use std::borrow::Cow;

use crate::json::{Map, Str, Value};

use super::ctx::{Ctx, Out, Res, Stop, fail, size};
use super::eval::run;
use super::op::{Format, Op, Part};
use super::value::{self as jv, excerpt, type_name};

/// `{k: v, …}`: the product of the entries' outputs, the first entry's the outer loop. The
/// common case, one key and one value per entry, moves them into the object without a copy.
pub(super) fn object<'a, 'g: 'a>(
    kvs: &'a [(Op, Op)],
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let mut single: Vec<(Str, Value)> = Vec::with_capacity(kvs.len());
    let mut multi: Option<Vec<Vec<(Str, Value)>>> = None;
    for (k, v) in kvs {
        let mut keys = Few::None;
        run(k, input, cx, &mut |key, _| match key.into_owned() {
            Value::String(s) => {
                keys.push(s);
                Ok(())
            }
            other => Err(fail(format!(
                "object keys must be strings, not {} ({})",
                type_name(&other),
                excerpt(&other)
            ))),
        })?;
        let mut values = Few::None;
        run(v, input, cx, &mut |x, _| {
            values.push(x.into_owned());
            Ok(())
        })?;
        match (keys, values, &mut multi) {
            (Few::One(key), Few::One(x), None) => single.push((key, x)),
            (keys, values, multi) => {
                let entries =
                    multi.get_or_insert_with(|| single.drain(..).map(|p| vec![p]).collect());
                let (keys, values) = (keys.into_vec(), values.into_vec());
                let mut pairs = Vec::with_capacity(keys.len() * values.len());
                for key in &keys {
                    for x in &values {
                        pairs.push((key.clone(), x.clone()));
                    }
                }
                entries.push(pairs);
            }
        }
    }
    match multi {
        None => {
            let mut map = Map::with_capacity(single.len());
            map.extend(single);
            out(Cow::Owned(Value::Object(map)), cx)
        }
        Some(entries) => product(&entries, Map::new(), cx, out),
    }
}

/// Outputs collected without a vector for the common single one.
enum Few<T> {
    None,
    One(T),
    Many(Vec<T>),
}

impl<T> Few<T> {
    fn push(&mut self, x: T) {
        *self = match std::mem::replace(self, Few::None) {
            Few::None => Few::One(x),
            Few::One(a) => Few::Many(vec![a, x]),
            Few::Many(mut all) => {
                all.push(x);
                Few::Many(all)
            }
        };
    }

    fn into_vec(self) -> Vec<T> {
        match self {
            Few::None => Vec::new(),
            Few::One(a) => vec![a],
            Few::Many(all) => all,
        }
    }
}

fn product<'a, 'g: 'a>(
    entries: &[Vec<(Str, Value)>],
    map: Map,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let Some((first, rest)) = entries.split_first() else {
        return out(Cow::Owned(Value::Object(map)), cx);
    };
    for (k, v) in first {
        let mut next = map.clone();
        next.insert(k.clone(), v.clone());
        product(rest, next, cx, out)?;
    }
    Ok(())
}

/// A string with interpolations: the product of their outputs, the first varying fastest
/// (as jq does).
pub(super) fn string<'a, 'g: 'a>(
    fmt: Format,
    parts: &'a [Part],
    input: &'a Value,
    cx: &mut Ctx<'g>,
    out: Out<'_, 'a, 'g>,
) -> Res {
    let mut texts: Vec<Vec<String>> = Vec::new();
    for part in parts {
        if let Part::Interp(op) = part {
            let mut all = Vec::new();
            let max = cx.max_size;
            run(op, input, cx, &mut |v, _| {
                all.push(format(fmt, &v, max)?);
                Ok(())
            })?;
            if all.is_empty() {
                return Ok(());
            }
            texts.push(all);
        }
    }
    let mut at = vec![0usize; texts.len()];
    loop {
        let mut s = String::new();
        let mut n = 0;
        for part in parts {
            match part {
                Part::Text(t) => s.push_str(t),
                Part::Interp(_) => {
                    s.push_str(&texts[n][at[n]]);
                    n += 1;
                }
            }
        }
        if s.len() > cx.max_size {
            return Err(size(cx.max_size));
        }
        out(Cow::Owned(Value::String(s.into())), cx)?;
        // the next combination, the first interpolation fastest
        let mut i = 0;
        loop {
            if i == at.len() {
                return Ok(());
            }
            at[i] += 1;
            if at[i] < texts[i].len() {
                break;
            }
            at[i] = 0;
            i += 1;
        }
    }
}

/// A value as the text of format `fmt`.
pub(super) fn format(fmt: Format, v: &Value, max: usize) -> Result<String, Stop> {
    let too_long = || size(max);
    let text = || jv::to_text(v, max).map_err(|()| too_long());
    Ok(match fmt {
        Format::Text => text()?,
        Format::Json => {
            let mut s = String::new();
            jv::write_json(v, &mut s, max).map_err(|()| too_long())?;
            s
        }
        Format::Base64 => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(text()?)
        }
        Format::Uri => {
            const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
                .remove(b'-')
                .remove(b'_')
                .remove(b'.')
                .remove(b'~');
            percent_encoding::utf8_percent_encode(&text()?, KEEP).to_string()
        }
        Format::Html => {
            let t = text()?;
            let mut s = String::with_capacity(t.len());
            for c in t.chars() {
                match c {
                    '<' => s.push_str("&lt;"),
                    '>' => s.push_str("&gt;"),
                    '&' => s.push_str("&amp;"),
                    '\'' => s.push_str("&apos;"),
                    '"' => s.push_str("&quot;"),
                    c => s.push(c),
                }
            }
            s
        }
    })
}
