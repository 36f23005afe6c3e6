//! The native path against the jaq path on the differential corpus and the examples'
//! programs: every program that lowers gives the same outputs (printed as jq prints them) or
//! fails on both.

use serde_json::Value;

use super::{lower, value};
use crate::jq::{Limits, compile};

const CORPUS: &str = include_str!("../../../tests/jq_corpus/cases.txt");

/// A corpus case: program, variables, inputs.
struct Case {
    program: String,
    vars: Vec<(String, Value)>,
    inputs: Vec<Value>,
}

fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    for block in CORPUS.split("\n\n") {
        let mut vars = Vec::new();
        let mut program = None;
        let mut inputs = Vec::new();
        let mut reject = false;
        for line in block.lines() {
            let line = line.trim_end();
            if line.is_empty() || (line.starts_with('#') && program.is_none()) {
                continue;
            }
            if let Some(d) = line.strip_prefix('%') {
                if let Some(rest) = d.strip_prefix("var ") {
                    let (name, json) = rest.split_once(' ').unwrap();
                    vars.push((name.to_owned(), serde_json::from_str(json).unwrap()));
                }
                reject |= d.starts_with("reject");
                continue;
            }
            match program {
                None => program = Some(line.to_owned()),
                Some(_) => inputs.push(serde_json::from_str(line).unwrap_or(Value::Null)),
            }
        }
        if let (Some(program), false) = (program, reject) {
            if inputs.is_empty() {
                inputs.push(Value::Null);
            }
            all.push(Case {
                program,
                vars,
                inputs,
            });
        }
    }
    all
}

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
        let values: Vec<Value> = case.vars.iter().map(|(_, v)| v.clone()).collect();
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
        for input in &case.inputs {
            runs += 1;
            let want = printed(&jaq.run(input, &values));
            let got = match native.run(input, &values, &limits) {
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
