//! The native path against the jaq path on the differential corpus: every program that
//! lowers gives the same outputs (printed as jq prints them) or fails on both. (The example
//! apps' programs go through both paths and the `jq` tool in `tests/jq_differential.rs`.)

use serde_json::Value;

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
