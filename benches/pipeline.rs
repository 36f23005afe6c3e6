//! Per-event time of the inbound example's `data_pipeline` without network — parse the
//! webhook body, source jq, transform (the saved mapping), the contact payload the target
//! sends — on the native jq path and forced through jaq, against (a) serde_json parse +
//! serialize of the same payload, the floor of any JSON pipeline, and (b) the `jq` and `gojq`
//! tools running the same source program and mapping over the same events (one process for
//! all events; per-event time amortized; a tool that is not installed is skipped). Ends with
//! one line: `pipeline: X× the serde floor, Y× faster than jq, Z× faster than gojq`.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use appstudio::activecampaign::{ContactWrite, SyncBody};
use appstudio::engine::Workflow;
use appstudio::ir::Op;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::Value;

appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));

#[path = "../examples/inbound_forms/offline.rs"]
mod offline;

use offline::{EXTRA_TAG, TAGGING, event};
use workflows::ImportFormResponses;

fn workflow(rt: &tokio::runtime::Runtime, native: bool) -> Workflow<ImportFormResponses> {
    let mut wf = offline::workflow(native);
    // warm up: compile the programs once, as a running engine has
    rt.block_on(
        wf.preview(appstudio::json::Value::from_slice(event(0).as_bytes()).expect("event")),
    )
    .expect("preview");
    wf
}

/// Our pipeline on one event, from the body text to the payload text.
fn ours(
    rt: &tokio::runtime::Runtime,
    wf: &mut Workflow<ImportFormResponses>,
    body: &str,
) -> String {
    let event = appstudio::json::Value::from_slice(body.as_bytes()).expect("event");
    let run = rt.block_on(wf.preview(event)).expect("pipeline");
    // as `!resource ActiveCampaignContact` does: the client takes `serde_json` values
    let write = ContactWrite::from_flat(&Value::from(&run.transformed)).expect("contact");
    // the body of the contact sync, as the target sends it (the tags go in requests of their own)
    black_box(&write.tags);
    serde_json::to_string(&SyncBody {
        contact: &write.contact,
    })
    .expect("json")
}

/// The source program and its variables' values, as the jq tool takes them.
fn jq_source() -> (String, Vec<(String, String)>) {
    let Op::Jq(jq) = &App::ir().workflows[0].source.op else {
        panic!("the example's source is a `!jq`");
    };
    let vars = jq
        .vars
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let path = format!("{:?}", e.path);
            let value = if path.contains("extra_tag") {
                EXTRA_TAG
            } else {
                TAGGING
            };
            (
                appstudio::jq::expansion_var(i),
                Value::from(value).to_string(),
            )
        })
        .collect();
    (jq.program.to_string(), vars)
}

/// Seconds per event of the jq tool `tool` (`jq`, `gojq`) over `events` in one process, best
/// of 3; `None` without the tool.
fn jq_tool(tool: &str, events: &[String]) -> Option<Duration> {
    let (source, vars) = jq_source();
    let program = format!(
        "({source}) as $s | {{contact: {{email: $s.respondent_email, firstName: $s.q_name, \
         fieldValues: [{{field: \"3\", value: $s.q_topics}}]}}, tags: $s._tags}}"
    );
    let input = events.join("\n");
    let mut best: Option<Duration> = None;
    for _ in 0..3 {
        let mut cmd = Command::new(tool);
        cmd.arg("-c");
        for (name, value) in &vars {
            cmd.args(["--argjson", name, value]);
        }
        let start = Instant::now();
        let mut child = cmd
            .arg(&program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .ok()?;
        // write from another thread: jq's output pipe fills while it reads
        let mut stdin = child.stdin.take()?;
        let input = input.clone();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child.wait_with_output().ok()?;
        writer.join().ok()?.ok()?;
        let took = start.elapsed();
        assert!(out.status.success(), "{tool} failed");
        assert_eq!(
            out.stdout.iter().filter(|b| **b == b'\n').count(),
            events.len()
        );
        best = Some(best.map_or(took, |b| b.min(took)));
    }
    best.map(|b| b / events.len() as u32)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut wf = workflow(&rt, true);
    let mut on_jaq = workflow(&rt, false);
    let events: Vec<String> = (0..2000).map(event).collect();
    let mut g = c.benchmark_group("inbound_event");
    let mut i = 0;
    g.bench_function("appstudio_pipeline", |b| {
        b.iter(|| {
            i = (i + 1) % events.len();
            black_box(ours(&rt, &mut wf, &events[i]))
        })
    });
    g.bench_function("appstudio_pipeline_on_jaq", |b| {
        b.iter(|| {
            i = (i + 1) % events.len();
            black_box(ours(&rt, &mut on_jaq, &events[i]))
        })
    });
    {
        let (source, vars) = jq_source();
        let names: Vec<String> = vars.iter().map(|(n, _)| n.clone()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let values: Vec<Value> = vars
            .iter()
            .map(|(_, v)| serde_json::from_str(v).unwrap())
            .collect();
        let program = appstudio::jq::cached(&source, &names).expect("compiles");
        let parsed: Vec<Value> = events
            .iter()
            .map(|e| serde_json::from_str(e).unwrap())
            .collect();
        // the engine's own values, as the pipeline runs the program
        let parsed_json: Vec<appstudio::json::Value> =
            parsed.iter().map(appstudio::json::Value::from).collect();
        let values_json: Vec<appstudio::json::Value> =
            values.iter().map(appstudio::json::Value::from).collect();
        assert!(
            program.is_native(),
            "the example's source program runs natively"
        );
        g.bench_function("source_jq_only", |b| {
            b.iter(|| {
                i = (i + 1) % events.len();
                black_box(
                    program
                        .run_json(&parsed_json[i], &values_json)
                        .expect("runs"),
                )
            })
        });
        g.bench_function("source_jq_only_on_jaq", |b| {
            b.iter(|| {
                i = (i + 1) % events.len();
                black_box(program.run_jaq(&parsed[i], &values).expect("runs"))
            })
        });
    }
    g.bench_function("serde_json_parse_serialize", |b| {
        b.iter(|| {
            i = (i + 1) % events.len();
            black_box(floor(&events[i]))
        })
    });
    g.finish();

    // the same 2,000 events through all of them, wall-clock per event (best of 3 passes)
    let ours = best_of_3(&events, |e| {
        black_box(ours(&rt, &mut wf, e));
    });
    let jaq = best_of_3(&events, |e| {
        black_box(self::ours(&rt, &mut on_jaq, e));
    });
    let serde = best_of_3(&events, |e| {
        black_box(floor(e));
    });
    let ratio = |other: Duration| other.as_secs_f64() / ours.as_secs_f64();
    println!(
        "2,000 events: appstudio {ours:?}/event (native jq), {jaq:?}/event forced through jaq \
         ({:.1}x faster native); serde_json parse + serialize {serde:?}/event",
        ratio(jaq)
    );
    let mut summary = format!(
        "pipeline: {:.1}x the serde floor",
        ours.as_secs_f64() / serde.as_secs_f64()
    );
    for tool in ["jq", "gojq"] {
        match jq_tool(tool, &events) {
            Some(t) => {
                println!("2,000 events: {tool} tool {t:?}/event (one process, amortized)");
                summary.push_str(&format!(", {:.1}x faster than {tool}", ratio(t)));
            }
            None => {
                println!("the {tool} tool is not installed: no comparison with it");
                summary.push_str(&format!(", {tool} not installed"));
            }
        }
    }
    println!("{summary}");
}

/// The floor: serde_json parse and serialize of the event.
fn floor(body: &str) -> String {
    let v: Value = serde_json::from_str(body).expect("event");
    serde_json::to_string(&v).expect("json")
}

/// Per-event wall-clock time of `f` over `events`, the best of three passes.
fn best_of_3(events: &[String], mut f: impl FnMut(&str)) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            for e in events {
                f(e);
            }
            start.elapsed() / events.len() as u32
        })
        .min()
        .unwrap_or_default()
}

criterion_group!(benches, bench);
criterion_main!(benches);
