//! Diagnostics snapshots: every `tests/diagnostics/NAME.json` is compiled and its rendered
//! diagnostics compared with `NAME.txt` by `expectorate`. Run with `EXPECTORATE=overwrite` to
//! write the snapshots.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use appstudio_codegen::Source;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diagnostics")
}

/// The files of `tests/diagnostics` with this extension, sorted.
fn files(ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir())
        .expect("tests/diagnostics exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

#[test]
fn diagnostics_snapshots() {
    let fixtures = files("json");
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
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            !rendered.is_empty(),
            "{name}: a diagnostics case must produce at least one diagnostic"
        );
        // expectorate panics on the first difference; every case is checked before failing.
        let snapshot = path.with_extension("txt");
        if catch_unwind(AssertUnwindSafe(|| {
            expectorate::assert_contents(&snapshot, &rendered)
        }))
        .is_err()
        {
            failures.push(name);
        }
    }
    assert!(
        failures.is_empty(),
        "diagnostics differ from their snapshots (diffs above): {failures:?}"
    );
}

/// A snapshot without its case is stale: it would still count for `every_code_has_a_case`.
#[test]
fn every_snapshot_has_a_case() {
    let stale: Vec<PathBuf> = files("txt")
        .into_iter()
        .filter(|txt| !txt.with_extension("json").is_file())
        .collect();
    assert!(
        stale.is_empty(),
        "snapshots without a case (remove them): {stale:?}"
    );
}

/// Every diagnostic code the code generator can emit has at least one snapshot
/// (`AS0001`, a file that cannot be read, is `include_app`'s: see `tests/include_app.rs`).
#[test]
fn every_code_has_a_case() {
    let mut all = String::new();
    for path in files("txt") {
        all.push_str(&std::fs::read_to_string(path).unwrap());
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
