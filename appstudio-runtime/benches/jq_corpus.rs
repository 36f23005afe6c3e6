//! The native jq path against jaq over the whole differential corpus (issue 12): for every
//! program that runs natively, the time of its runs on its inputs both ways, in one process;
//! prints the median speed-up (and the spread). `cargo bench -p appstudio-runtime --bench
//! jq_corpus`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use appstudio_runtime::jq;
use appstudio_runtime::json::Value;

#[path = "../tests/jq_corpus/cases.rs"]
mod corpus;

/// Time per pass over the inputs, the best of a few rounds of at least `min` each.
fn time(min: Duration, mut pass: impl FnMut()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let (mut n, start) = (0u32, Instant::now());
        while start.elapsed() < min {
            pass();
            n += 1;
        }
        best = best.min(start.elapsed() / n);
    }
    best
}

fn main() {
    let quick = std::env::var_os("JQ_CORPUS_QUICK").is_some();
    let min = Duration::from_millis(if quick { 2 } else { 20 });
    let mut ratios = Vec::new();
    let (mut total, mut native) = (0, 0);
    for case in corpus::cases() {
        let names: Vec<&str> = case.vars.iter().map(|(n, _)| n.as_str()).collect();
        // the engine's own values, as both paths take them in the engine
        let values: Vec<Value> = case.vars.iter().map(|(_, v)| v.into()).collect();
        let inputs: Vec<Value> = case.inputs.iter().map(Value::from).collect();
        let Ok(program) = jq::compile(&case.program, &names) else {
            continue;
        };
        total += 1;
        if !program.is_native() {
            continue;
        }
        native += 1;
        let ours = time(min, || {
            for input in &inputs {
                let _ = black_box(program.run_json(input, &values));
            }
        });
        let jaq = time(min, || {
            for input in &inputs {
                let _ = black_box(program.run_jaq_json(input, &values));
            }
        });
        ratios.push(jaq.as_secs_f64() / ours.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    println!(
        "jq corpus: {native} of {total} programs native; native/jaq speed-up: median {:.1}x \
         (p10 {:.1}x, p90 {:.1}x, min {:.1}x, max {:.1}x)",
        at(0.5),
        at(0.1),
        at(0.9),
        at(0.0),
        at(1.0)
    );
}
