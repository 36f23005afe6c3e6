//! Build and run agree: an app that compiles holds nothing the engine refuses on every run.
//! For every example app and diagnostics fixture without errors, every jq program (`!jq`,
//! `!switch.jq`) compiles through the runtime's own compile path with its expansions as
//! variables (as `engine/jqcache.rs` does), and the file is JSON the engine reads (numbers
//! in range).

use std::path::{Path, PathBuf};

use appstudio_codegen::Source;
use appstudio_runtime::jq;
use serde_json::Value;

fn apps() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = std::fs::read_dir(here.join("tests/diagnostics"))
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    for e in std::fs::read_dir(here.join("../examples")).unwrap() {
        let p = e.unwrap().path().join("app.json");
        if p.is_file() {
            paths.push(p);
        }
    }
    for e in std::fs::read_dir(here.join("../tests/ui/apps")).unwrap() {
        paths.push(e.unwrap().path());
    }
    paths.sort();
    paths
}

/// Every jq program of the app, with where it is.
fn programs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let p = format!("{at}/{k}");
                match (k.as_str(), x) {
                    ("!jq", Value::String(s)) => out.push((p.clone(), s.clone())),
                    ("!switch", Value::Object(sw)) => {
                        if let Some(Value::String(s)) = sw.get("jq") {
                            out.push((format!("{p}/jq"), s.clone()));
                        }
                    }
                    _ => {}
                }
                programs(x, &p, out);
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                programs(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The byte ranges of the `${…}` of a program.
fn expansions(program: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = program[at..].find("${") {
        let start = at + i;
        let Some(len) = program[start..].find('}') else {
            break;
        };
        out.push(start..start + len + 1);
        at = start + len + 1;
    }
    out
}

/// On a thread with a large stack, as the engine compiles programs (a program within the
/// bounds of `jq::MAX_PROGRAM_NESTING` may need more than a test thread's 2 MiB).
#[test]
fn every_app_that_compiles_runs_its_programs() {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(check_every_app)
        .unwrap()
        .join()
        .unwrap();
}

fn check_every_app() {
    let mut checked = (0, 0);
    for path in apps() {
        let text = std::fs::read_to_string(&path).unwrap();
        let source = Source::new("app.json", text.as_str());
        let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
        if g.has_errors() {
            continue;
        }
        checked.0 += 1;
        let app: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{}: compiles, but the engine cannot read it: {e}",
                path.display()
            )
        });
        let mut found = Vec::new();
        programs(&app, "", &mut found);
        for (at, program) in found {
            checked.1 += 1;
            let rewritten = jq::rewrite_expansions(&program, &expansions(&program));
            let names = rewritten.var_names();
            assert!(
                names.len() <= jq::MAX_EXPANSIONS,
                "{}{at}: {} expansions",
                path.display(),
                names.len()
            );
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            if let Err(diags) = jq::compile(&rewritten.program, &names) {
                panic!(
                    "{}{at}: compiles, but not at run time: {diags:?}",
                    path.display()
                );
            }
        }
    }
    assert!(checked.0 >= 5 && checked.1 > 0, "{checked:?}");
}
