//! The native path against the jaq path on the differential corpus: every program that
//! lowers gives the same outputs (printed as jq prints them) or fails on both. (The example
//! apps' programs go through both paths and the `jq` tool in `tests/jq_differential.rs`.)

use crate::json::Value;

use super::{lower, value};
use crate::jq::{Limits, compile};

#[path = "../../../tests/jq_corpus/cases.rs"]
mod corpus;

use corpus::cases;

fn printed(r: &Result<Vec<Value>, crate::jq::JqError>) -> Result<Vec<String>, ()> {
    match r {
        Ok(vs) => Ok(vs
            .iter()
            .map(|v| {
                let mut s = String::new();
                value::write_json(v, &mut s, usize::MAX).unwrap();
                s
            })
            .collect()),
        Err(_) => Err(()),
    }
}

#[test]
fn the_native_path_agrees_with_jaq_on_the_corpus() {
    let limits = Limits::default();
    let (mut lowered, mut total, mut runs, mut fallbacks) = (0, 0, 0, 0);
    let mut differ = Vec::new();
    for case in cases() {
        let names: Vec<&str> = case.vars.iter().map(|(n, _)| n.as_str()).collect();
        let values: Vec<Value> = case.vars.iter().map(|(_, v)| v.into()).collect();
        let Ok(jaq) = compile(&case.program, &names) else {
            continue;
        };
        total += 1;
        let Some(native) = lower(&case.program, &names) else {
            if std::env::var_os("NATIVE_MISSES").is_some() {
                eprintln!("not lowered: {}", case.program);
            }
            continue;
        };
        lowered += 1;
        for input in case.inputs.iter().map(Value::from) {
            runs += 1;
            let want = printed(&jaq.run_jaq_json(&input, &values));
            let got = match native.run(&input, &values, &limits) {
                super::Ran::Done(r) => printed(&r),
                super::Ran::Jaq => {
                    fallbacks += 1;
                    continue;
                }
                super::Ran::Steps => Err(()),
            };
            if want != got {
                differ.push(format!(
                    "{}  on {input}: jaq {want:?}, native {got:?}",
                    case.program
                ));
            }
        }
    }
    eprintln!(
        "native: {lowered} of {total} corpus programs lowered, {runs} runs, {fallbacks} on jaq"
    );
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
    assert!(lowered * 2 > total, "only {lowered} of {total} lowered");
}

/// Runs `program` natively (it must lower and not fall back) and on jaq, on `input`.
fn both(program: &str, vars: &[(&str, Value)], input: &Value) -> (Vec<String>, Vec<String>) {
    let names: Vec<&str> = vars.iter().map(|(n, _)| *n).collect();
    let values: Vec<Value> = vars.iter().map(|(_, v)| v.clone()).collect();
    let jaq = compile(program, &names).expect("compiles");
    let native = lower(program, &names).unwrap_or_else(|| panic!("{program} is not lowered"));
    let got = match native.run(input, &values, &Limits::default()) {
        super::Ran::Done(r) => printed(&r).expect("runs natively"),
        super::Ran::Jaq => panic!("{program} fell back to jaq on {input}"),
        super::Ran::Steps => panic!("{program} ran out of steps"),
    };
    (
        got,
        printed(&jaq.run_jaq_json(input, &values)).expect("runs on jaq"),
    )
}

#[test]
fn regular_expressions_run_natively_with_jqs_flags() {
    let input = crate::json!(["abc", "ABC", "a\nc", "", "x-1"]);
    for program in [
        r#"map(test("^a.c$"))"#,
        r#"map(test("^a.c$"; "i"))"#,
        r#"map(test("a.c"; "s")), map(test("a.c"; "m")), map(test("a.c"; "p"))"#,
        r#"map(test(""; "n")), map(test(""))"#,
        r#"map(test("a # letter a
          c"; "x"))"#,
        r#"map(test($re; $flags))"#,
        r#"map(select(test("\\d")))"#,
        // patterns changing from one call to the next: none is answered by another's
        r#"[.[] as $x | "ABC" | test($x; if $x == "abc" then "i" else null end)]"#,
        r#"[.[] as $x | "ABC" | test($x), test($x; "i")]"#,
    ] {
        let vars = [("re", Value::from("^A")), ("flags", Value::from("i"))];
        let (native, jaq) = both(program, &vars, &input);
        assert_eq!(native, jaq, "{program}");
    }
    // a bad pattern or a non-string input: jaq gives its error
    let (names, values) = (["re"], [Value::from("(")]);
    let native = lower("test($re)", &names).expect("lowers");
    assert!(matches!(
        native.run(&Value::from("a"), &values, &Limits::default()),
        super::Ran::Jaq
    ));
    assert!(
        lower(r#"test("(")"#, &[]).is_none(),
        "a literal that never compiles"
    );
}

/// The run-time limits hold on the native path: steps, time and sizes stop a native run with a
/// limit error, as on jaq.
#[test]
fn the_limits_hold_on_the_native_path() {
    let limited = |program: &str, limits: Limits| {
        assert!(crate::jq::is_native(program, &[]), "{program} is native");
        let p = compile(program, &[]).expect("compiles");
        match p.run_with_limits(&serde_json::Value::Null, &[], &limits) {
            Err(crate::jq::JqError::Limit(m)) => m,
            other => panic!("{program}: expected a limit, got {other:?}"),
        }
    };
    let steps = Limits {
        steps: 5_000,
        ..Limits::default()
    };
    let m = limited("[range(100000)] | length", steps);
    assert!(m.contains("5000 evaluation steps"), "{m}");
    let time = Limits {
        time: std::time::Duration::from_millis(100),
        steps: u64::MAX,
        ..Limits::default()
    };
    let m = limited("reduce range(1000000000) as $i (0; . + 1)", time);
    assert!(m.contains("100 ms"), "{m}");
    let size = Limits {
        output_bytes: 1_000,
        ..Limits::default()
    };
    for program in [
        "\"ab\" * 1000",
        "[range(2000)] | length",
        "[range(600) | tostring] | join(\",\")",
    ] {
        let m = limited(program, size);
        assert!(m.contains("1000"), "{program}: {m}");
    }
}
