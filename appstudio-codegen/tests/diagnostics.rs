//! Diagnostics snapshots: every `tests/diagnostics/NAME.json` is compiled and its rendered
//! diagnostics compared with `NAME.txt`. Run with `BLESS=1` to write the snapshots.

use std::path::Path;

use appstudio_codegen::Source;

#[test]
fn diagnostics_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let bless = std::env::var_os("BLESS").is_some();
    let mut fixtures: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/diagnostics exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 40,
        "expected at least 40 cases, found {}",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for path in &fixtures {
        let text = std::fs::read_to_string(path).unwrap();
        let source = Source::new("app.json", text);
        let generated = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
        let rendered = generated.render(&source);
        let snapshot = path.with_extension("txt");
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            !rendered.is_empty(),
            "{name}: a diagnostics case must produce at least one diagnostic"
        );
        if bless {
            std::fs::write(&snapshot, &rendered).unwrap();
            continue;
        }
        match std::fs::read_to_string(&snapshot) {
            Ok(expected) if expected == rendered => {}
            Ok(expected) => failures.push(format!(
                "{name}: output differs\n--- expected\n{expected}\n--- actual\n{rendered}"
            )),
            Err(_) => failures.push(format!(
                "{name}: no snapshot (run with BLESS=1)\n{rendered}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every diagnostic code the code generator can emit has at least one snapshot
/// (`AS0001`, a file that cannot be read, is `include_app`'s: see `tests/include_app.rs`).
#[test]
fn every_code_has_a_case() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics");
    let mut all = String::new();
    for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
        if entry.path().extension().is_some_and(|e| e == "txt") {
            all.push_str(&std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    let missing: Vec<&str> = appstudio_codegen::Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| *c != "AS0001")
        .filter(|c| !all.contains(&format!("[{c}]")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a diagnostics case: {missing:?}"
    );
}
