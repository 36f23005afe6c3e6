//! Property: no request body, content type, query or header makes the webhook intake panic
//! (`Incoming::from_http`, `payload`). 512 cases by default (CI); `PROPTEST_CASES=100000` for a
//! longer run by hand.

use appstudio::engine::Incoming;
use proptest::prelude::*;

/// Content types: the ones the intake knows, near misses, and arbitrary text.
fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json".to_owned())),
        Just(Some(
            "application/x-www-form-urlencoded; charset=utf-8".to_owned()
        )),
        Just(Some("application/vnd.x+json".to_owned())),
        Just(Some("text/plain".to_owned())),
        any::<String>().prop_map(Some),
    ]
}

/// Bodies: arbitrary bytes, JSON-ish text (brackets, quotes, escapes, numbers), and forms.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..512),
        "[\\[\\]{}\",:0-9.eE+\\-\\\\ truefalsn]{0,300}".prop_map(String::into_bytes),
        "([a-z%0-9+]{0,8}=[a-z%0-9+]{0,8}&?){0,20}".prop_map(String::into_bytes),
        (1usize..400).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes()),
    ]
}

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
    fn intake_never_panics(
        ct in content_type(),
        body in body(),
        query in any::<String>(),
        headers in proptest::collection::vec((any::<String>(), any::<String>()), 0..4),
        limit in prop_oneof![Just(usize::MAX), 0usize..600],
    ) {
        let headers: Vec<(&str, &str)> =
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let got = Incoming::from_http_limited(limit, ct.as_deref(), &body, &query, headers);
        if let Ok(incoming) = got {
            prop_assert_eq!(incoming.raw(), &body[..]);
            let payload = incoming.payload();
            if payload.is_object() && !body.iter().all(u8::is_ascii_whitespace) {
                prop_assert!(payload.get("raw_body").is_some());
            }
        }
    }
}
