//! The differential corpus (`cases.txt`) read simply: each case's program, `%var`s and inputs,
//! the cases that must be rejected left out. Shared by the native path's unit test and the
//! corpus benchmark (`benches/jq_corpus.rs`); `tests/jq_differential.rs` reads every directive.

use serde_json::Value;

/// The corpus file.
const CORPUS: &str = include_str!("cases.txt");

/// A case: program, variables, inputs (`null` when it gives none).
pub(crate) struct Case {
    pub(crate) program: String,
    pub(crate) vars: Vec<(String, Value)>,
    pub(crate) inputs: Vec<Value>,
}

/// Every case that compiles by intent (no `%reject`).
pub(crate) fn cases() -> Vec<Case> {
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
                if let Some((name, json)) = d.strip_prefix("var ").and_then(|r| r.split_once(' ')) {
                    vars.push((
                        name.to_owned(),
                        serde_json::from_str(json).unwrap_or(Value::Null),
                    ));
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
