//! Depth bounds (issue 9): nothing a program or its data nests overflows a stack; and
//! `ct_equal`.

use super::*;
use serde_json::{Value, json};

fn run(program: &str, input: Value) -> Result<Vec<Value>, JqError> {
    compile(program, &[]).expect("compile").run(&input, &[])
}

#[test]
fn fromjson_refuses_deep_text() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let e = run("fromjson", json!(deep)).unwrap_err();
    assert!(e.to_string().contains("deeper than 256"), "{e}");
    // try catches it: it is an ordinary error about the data
    let caught = run("try fromjson catch \"caught\"", json!(deep)).unwrap();
    assert_eq!(caught, vec![json!("caught")]);
    let ok = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(run("fromjson | length", json!(ok)).is_ok());
    assert!(run("tonumber", json!(deep)).is_err());
}

#[test]
fn built_values_are_bounded_in_depth() {
    for p in [
        "reduce range(100000) as $i (null; [.]) | length",
        "reduce range(100000) as $i (null; {a: .}) | length",
        "try (reduce range(100000) as $i (null; [.])) catch 0",
        "[limit(100000; recurse([.]))] | length",
    ] {
        let e = run(p, json!(null)).unwrap_err();
        assert!(
            matches!(&e, JqError::Limit(m) if m.contains("deeper than")),
            "{p}: {e}"
        );
    }
    // as deep as can be converted is fine
    let out = run(
        "reduce range(200) as $i (0; [.]) | tojson | length",
        json!(null),
    );
    assert_eq!(out.unwrap(), vec![json!(401)]);
}

#[test]
fn ct_equal_compares_strings() {
    let out = run(
        "[ct_equal(\"abc\"), ct_equal(\"abd\"), ct_equal(\"ab\"), ct_equal(\"abcd\")]",
        json!("abc"),
    );
    assert_eq!(out.unwrap(), vec![json!([true, false, false, false])]);
    assert!(run("ct_equal(1)", json!("1")).is_err());
    assert_eq!(run("ct_equal(\"\")", json!("")).unwrap(), vec![json!(true)]);
}

/// Integers beyond 64 bits keep their digits from a parsed body to the output (issue 9).
#[test]
fn large_integers_keep_their_digits() {
    let body: Value =
        serde_json::from_str(r#"{"id": 12345678901234567890123, "p": 2.50}"#).unwrap();
    let out = run("{id, p, n: (.id | tostring)}", body).unwrap();
    assert_eq!(
        serde_json::to_string(&out[0]).unwrap(),
        r#"{"id":12345678901234567890123,"p":2.50,"n":"12345678901234567890123"}"#
    );
}

/// An in-place update nests a value one level deeper per step (`.a = .`): a long run goes on
/// a thread with a large stack, so that dropping what it built never overflows the caller's
/// (here 2 MiB, a tokio worker's; this aborted the process before).
#[test]
fn values_deepened_in_place_are_dropped_on_a_large_stack() {
    let thread = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        let length = run(
            "reduce range(100000) as $i (null; .a = .) | length",
            json!(null),
        );
        let output = run("reduce range(100000) as $i ([]; .[0] = .)", json!(null));
        (length, output)
    });
    let (length, output) = thread.expect("thread").join().expect("no panic");
    assert_eq!(length.unwrap(), vec![json!(1)]);
    let e = output.unwrap_err();
    assert!(
        matches!(&e, JqError::Limit(m) if m.contains("deeper than")),
        "{e}"
    );
}

/// Updates store at most [`MAX_STORES`] arrays or objects in a run: one that would nest a value
/// deeper stops with a limit error, whatever time and steps it is allowed. Before, a run given
/// the time built more levels than its thread's stack could drop, and the process aborted
/// (within the default 5 s in debug builds: about 1.4 million levels, 1 million overflowing).
#[test]
fn updates_nest_values_at_most_max_stores_levels() {
    let limits = Limits {
        time: std::time::Duration::from_secs(600),
        ..Limits::default()
    };
    let program = |p: &str| compile(p, &[]).expect("compile");
    let deep = program("reduce range(1100000) as $i (null; .a = .) | length");
    let e = deep
        .run_with_limits(&json!(null), &[], &limits)
        .unwrap_err();
    assert!(
        matches!(&e, JqError::Limit(m) if m.contains("stored by updates")),
        "{e}"
    );
    // a limit, not an error of the data: `try` does not catch it
    let caught = program("try (reduce range(1100000) as $i ([]; .[0] = .)) catch 0");
    let e = caught
        .run_with_limits(&json!(null), &[], &limits)
        .unwrap_err();
    assert!(matches!(&e, JqError::Limit(_)), "{e}");
    // updates that store scalars do not count
    let flat = program("reduce range(1100000) as $i ({}; .n = $i) | .n");
    let out = flat.run_with_limits(&json!(null), &[], &limits).unwrap();
    assert_eq!(out, vec![json!(1099999)]);
}
