//! jq programs that are deep or long never crash the code generator: past the runtime's bounds
//! they are an error (AS0504), within them they compile on a thread with a large stack, not
//! the caller's (here the test harness's 2 MiB thread, in `include_app!` rustc's).

use appstudio_codegen::{Code, Source};

fn app(name: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::read_to_string(root.join("tests/ui/apps").join(name)).unwrap()
}

fn codes(text: &str) -> (Vec<Code>, String) {
    let source = Source::new("app.json", text);
    let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
    let codes = g.diagnostics().iter().map(|d| d.code).collect();
    (codes, g.render(&source))
}

/// The describe_connection program of `jq_too_deep.json` replaced by `program`.
fn with_program(program: &str) -> String {
    let text = app("jq_too_deep.json");
    let start = text.find("{\"!jq\": \"{account_id").unwrap() + "{\"!jq\": ".len();
    let end = start + text[start..].find("\"}").unwrap() + 1;
    format!(
        "{}{}{}",
        &text[..start],
        serde_json::to_string(program).unwrap(),
        &text[end..]
    )
}

#[test]
fn nesting_past_the_bound_is_an_error() {
    let (codes, rendered) = codes(&app("jq_too_deep.json"));
    assert_eq!(codes, [Code::JQ_SIZE], "{rendered}");
    assert!(rendered.contains("program nests 701 levels deep (at most 256)"));
}

#[test]
fn length_past_the_bound_is_an_error() {
    let long = vec!["."; 6000].join(" | ");
    let (codes, rendered) = codes(&with_program(&long));
    assert_eq!(codes, [Code::JQ_SIZE], "{rendered}");
    let terms = vec!["1"; 20_000].join(" + ");
    assert_eq!(codes_of(&terms), [Code::JQ_SIZE]);
}

fn codes_of(program: &str) -> Vec<Code> {
    codes(&with_program(program)).0
}

#[test]
fn deep_and_long_programs_within_the_bounds_compile() {
    let (codes, rendered) = codes(&app("jq_deep_within_bounds.json"));
    assert!(codes.is_empty(), "{rendered}");
    for program in [
        vec!["."; 1000].join(" | "),
        vec!["1"; 1100].join(" + "),
        format!("{}.{}", "(".repeat(255), ")".repeat(255)),
        format!("{}.{}", "if . then ".repeat(250), " else . end".repeat(250)),
        vec!["."; 4000].join(" | "),
    ] {
        assert_eq!(codes_of(&program), [], "{program}");
    }
}
