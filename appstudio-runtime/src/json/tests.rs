//! The compact values against `serde_json` (the reference for JSON text): parse, write,
//! convert; and the limits: depth, deep drops, sizes.

use proptest::prelude::*;

use super::*;

type Serde = serde_json::Value;

/// Ours and `serde_json`'s reading of `text` agree: both refuse it, or both read the same
/// value and write the same text.
fn agree(text: &[u8]) -> Result<(), TestCaseError> {
    let ours = Value::from_slice(text);
    let theirs: Result<Serde, _> = serde_json::from_slice(text);
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => {
            prop_assert_eq!(ours.to_string(), serde_json::to_string(&theirs).unwrap());
            prop_assert_eq!(&Value::from(&theirs), &ours);
            prop_assert_eq!(Serde::from(&ours), theirs.clone());
            prop_assert_eq!(serde_json::to_value(&ours).unwrap(), theirs);
        }
        (Err(_), Err(_)) => {}
        (ours, theirs) => prop_assert!(
            false,
            "{:?}: ours {ours:?}, serde_json {theirs:?}",
            String::from_utf8_lossy(text)
        ),
    }
    Ok(())
}

/// JSON-ish text: the characters of JSON in any order, so most cases are near misses.
fn jsonish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[\\[\\]{}\",:0-9.eE+\\-\\\\ ntrufalsu\u{e9}\u{1F600}\t\n/bf]{0,60}",
        // numbers and near misses
        "[\\[ ]?-?[0-9]{0,3}[.]?[0-9]{0,3}([eE][+-]?[0-9]{0,3})?[\\] ]?",
    ]
}

/// Valid JSON of every shape.
fn json() -> impl Strategy<Value = Serde> {
    let leaf = prop_oneof![
        Just(Serde::Null),
        any::<bool>().prop_map(Serde::from),
        any::<i64>().prop_map(Serde::from),
        any::<u64>().prop_map(Serde::from),
        any::<f64>().prop_map(Serde::from),
        "-?(0|[1-9][0-9]{0,30})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,4})?"
            .prop_map(|t| Serde::Number(t.parse().unwrap())),
        any::<String>().prop_map(Serde::from),
    ];
    leaf.prop_recursive(6, 200, 16, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..16).prop_map(Serde::Array),
            proptest::collection::vec(("[a-e]{0,3}|.{0,30}", inner), 0..16)
                .prop_map(|m| Serde::Object(m.into_iter().collect())),
        ]
    })
}

/// 512 cases (CI); `PROPTEST_CASES=100000` for a longer run by hand.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn reads_valid_json_as_serde_json_does(v in json(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_vec_pretty(&v) } else { serde_json::to_vec(&v) };
        agree(&text.unwrap())?;
    }

    #[test]
    fn accepts_and_refuses_what_serde_json_does(text in jsonish()) {
        agree(text.as_bytes())?;
    }

    #[test]
    fn accepts_and_refuses_bytes_as_serde_json_does(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        agree(&bytes)?;
    }
}

#[test]
fn numbers_keep_their_digits() {
    for text in [
        "0",
        "-0",
        "2.50",
        "1e+999999",
        "-1e-7",
        "123456789012345678901234567890",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
    ] {
        let v = Value::from_slice(text.as_bytes()).unwrap();
        assert_eq!(v.to_string(), text);
        assert_eq!(Serde::from(&v).to_string(), text);
    }
    // an exponent as serde_json writes it
    assert_eq!(Value::from_slice(b"1E5").unwrap().to_string(), "1e+5");
    assert!(
        Value::from_slice(b"9223372036854775807")
            .unwrap()
            .as_number()
            .unwrap()
            .is_i64()
    );
    assert_eq!(Value::from(2.5).to_string(), "2.5");
    assert_eq!(Value::from(f64::NAN), Value::Null);
}

#[test]
fn strings_escape_as_serde_json_does() {
    let text = r#""a\"b\\c\/d\b\f\n\r\t\u0001\u001f\u007f\u00e9\ud83d\ude00 end""#;
    agree(text.as_bytes()).unwrap();
    for bad in [
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\x""#,
        "\"a\u{1}\"",
        r#""\u12""#,
    ] {
        assert!(Value::from_slice(bad.as_bytes()).is_err(), "{bad}");
    }
}

#[test]
fn nesting_is_limited_and_located() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    // the same boundary as serde_json's, both ways
    let ok = nested(MAX_DEPTH - 1);
    assert!(Value::from_slice(ok.as_bytes()).is_ok());
    assert!(serde_json::from_str::<Value>(&ok).is_ok());
    let deep = Value::from_slice(nested(MAX_DEPTH).as_bytes()).unwrap_err();
    assert!(deep.is_too_deep(), "{deep}");
    assert_eq!((deep.line(), deep.column()), (1, MAX_DEPTH));
    assert!(serde_json::from_str::<Serde>(&nested(MAX_DEPTH)).is_err());
    // a million levels: refused as quickly, without recursion
    let err = Value::from_slice(nested(1_000_000).as_bytes()).unwrap_err();
    assert!(err.is_too_deep());
    let syntax = Value::from_slice(b"{\n  \"a\": tru }").unwrap_err();
    assert!(!syntax.is_too_deep());
    assert_eq!(syntax.to_string(), "expected ident at line 2 column 11");
}

/// Values a million levels deep, built by hand (no parse limit), are written, converted,
/// compared and dropped on a small stack.
#[test]
fn deep_values_need_no_stack() {
    let run = || {
        let deep = |n: usize| {
            let mut v = Value::from(1);
            for i in 0..n {
                v = if i % 2 == 0 {
                    Value::Array(vec![v].into())
                } else {
                    Value::Object([("k", v)].into_iter().collect())
                };
            }
            v
        };
        let v = deep(1_000_000);
        let text = v.to_string();
        assert_eq!(text.len(), 500_000 * 8 + 1);
        let serde = Serde::from(&v);
        // the conversion by value takes apart what serde_json would drop recursively
        let back = Value::from(serde);
        assert!(back == v, "equal, compared without recursion");
        let mut other = back.clone();
        if let Value::Object(m) = &mut other {
            m.insert("k", Value::Null);
        }
        assert!(other != v);
        drop(back);
        drop(v);
    };
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn values_are_small() {
    assert_eq!(std::mem::size_of::<Value>(), 32);
    assert_eq!(std::mem::size_of::<Str>(), 24);
}

#[test]
fn lookups_and_pointers() {
    let v = Value::from_slice(br#"{"a": [10, {"b/c": true, "~": null}], "e": "x"}"#).unwrap();
    assert_eq!(v["a"][0], Value::from(10));
    assert_eq!(v["missing"][3], Value::Null);
    assert_eq!(v.pointer("/a/1/b~1c"), Some(&Value::Bool(true)));
    assert_eq!(v.pointer("/a/1/~0"), Some(&Value::Null));
    assert_eq!(v.pointer("/a/01"), None);
    assert_eq!(v.pointer(""), Some(&v));
    assert_eq!(v.get("e").and_then(Value::as_str), Some("x"));
    // scalars compare as serde_json's do: numbers by value
    let n = |t: &str| Value::from_slice(t.as_bytes()).unwrap();
    assert!(n("1") == 1.0 && n("2.50") == 2.5 && n("-0") == 0i64 && n("7") == 7u64);
    let nan = f64::NAN;
    assert!(Value::Null != nan && n("1.5") != 1i64);
    assert!(n("\"x\"") == "x" && n("true") == true);
}
