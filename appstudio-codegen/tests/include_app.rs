//! `include_app` without rustc: the tokens the macro expands to, for the apps of the trybuild
//! cases (`tests/ui/apps` at the workspace root, named as those cases name them). The messages
//! are what `tests/ui/fail/*.stderr` show rustc printing.

use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

/// The workspace root, where the trybuild cases' paths start.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn expand(args: TokenStream) -> TokenStream {
    appstudio_codegen::include_app(quote!(::appstudio, #args), &root())
}

/// What the tokens ask rustc to report: `error: MSG` for each `compile_error!("MSG")` and
/// `warning: NOTE` for each `#[deprecated(note = "NOTE")]`, in order.
fn reports(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    collect(tokens, &mut out);
    out
}

fn collect(tokens: TokenStream, out: &mut Vec<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in trees.iter().enumerate() {
        let TokenTree::Group(g) = t else { continue };
        let before = |back: usize| i.checked_sub(back).map(|j| trees[j].to_string());
        let kind = match (before(2).as_deref(), before(1).as_deref()) {
            (Some("compile_error"), Some("!")) => Some("error"),
            (_, Some("deprecated")) => Some("warning"),
            _ => None,
        };
        let Some(kind) = kind else {
            collect(g.stream(), out);
            continue;
        };
        let lit = g.stream().into_iter().last().expect("a message");
        let lit: syn::LitStr = syn::parse2(lit.into()).expect("a string literal");
        out.push(format!("{kind}: {}", lit.value()));
    }
}

#[test]
fn a_valid_app_expands_to_its_api_and_tracks_the_file() {
    let tokens = expand(quote!("tests/ui/apps/files.json"));
    assert_eq!(reports(tokens.clone()), Vec::<String>::new());
    let text = tokens.to_string();
    assert!(text.contains("include_bytes"), "{text}");
    assert!(text.contains("files.json"), "{text}");
    assert!(text.contains("pub mod workflows"), "{text}");
}

#[test]
fn an_error_is_a_compile_error_with_the_rendered_diagnostic() {
    let tokens = expand(quote!("tests/ui/apps/unknown_field.json"));
    let reports = reports(tokens);
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let expected = "error: [AS0203] unknown form field `foldr` in `custom_data`
  --> tests/ui/apps/unknown_field.json:37:75
   |
37 |               {\"!http\": {\"method\": \"GET\", \"path\": \"/folders/${custom_data.foldr.value}/files\"}},
   |                                                                           ^^^^^ not a field of workflow `export-files`
   |
   = help: did you mean `folder`? (declared at tests/ui/apps/unknown_field.json:32:39)
   = note: at /workflows/0/setup/select/form_fields/1/options/!pipe/0/!http/path";
    assert_eq!(reports[0], expected);
}

#[test]
fn a_warning_is_a_deprecation_that_tells_how_to_allow_it() {
    let tokens = expand(quote!("tests/ui/apps/text_without_options.json"));
    let reports = reports(tokens.clone());
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let w = &reports[0];
    assert!(
        w.starts_with("warning: \n[AS1003] text field `note` has no `options`\n"),
        "{w}"
    );
    assert!(
        w.ends_with(
            "   = help: if it does not apply to this app, silence it with \
             `include_app!(\"tests/ui/apps/text_without_options.json\", allow(AS1003))`\n   \
             = note: at /workflows/0/setup/select/form_fields/2/type"
        ),
        "{w}"
    );
    let text = tokens.to_string();
    assert!(text.contains("struct AppstudioWarning0"), "{text}");
    // with a warning only, the API is generated as usual
    assert!(text.contains("pub mod workflows"), "{text}");
}

#[test]
fn an_allowed_warning_is_not_reported() {
    let tokens = expand(quote!(
        "tests/ui/apps/text_without_options.json",
        allow(AS1003)
    ));
    assert_eq!(reports(tokens), Vec::<String>::new());
    let tokens = expand(quote!(
        "tests/ui/apps/text_without_options.json",
        allow(AS1001, AS1003,),
    ));
    assert_eq!(reports(tokens), Vec::<String>::new());
}

#[test]
fn an_error_code_cannot_be_allowed() {
    let tokens = expand(quote!("tests/ui/apps/files.json", allow(AS0203)));
    assert_eq!(
        reports(tokens),
        [
            "error: `AS0203` is an error and cannot be allowed: `custom_data` names a field the \
          workflow does not have\n  = help: only warnings can be allowed: AS1001, AS1002, \
          AS1003, AS1004, AS1005"
        ]
    );
}

#[test]
fn an_unknown_code_gets_a_did_you_mean() {
    let tokens = expand(quote!("tests/ui/apps/files.json", allow(AS1033)));
    assert_eq!(
        reports(tokens),
        ["error: unknown warning code `AS1033`\n  = help: did you mean `AS1003`?"]
    );
    let tokens = expand(quote!("tests/ui/apps/files.json", allow(nothing_alike)));
    assert_eq!(
        reports(tokens),
        [
            "error: unknown warning code `nothing_alike`\n  = help: expected `AS1001`, `AS1002`, \
          `AS1003`, `AS1004` or `AS1005`"
        ]
    );
}

#[test]
fn a_missing_file_is_as0001_with_the_resolved_path() {
    let tokens = expand(quote!("tests/ui/apps/does-not-exist.json"));
    let reports = reports(tokens);
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let resolved = root().join("tests/ui/apps/does-not-exist.json");
    assert!(
        reports[0].starts_with(
            "error: [AS0001] cannot read app config `tests/ui/apps/does-not-exist.json`: "
        ),
        "{}",
        reports[0]
    );
    assert!(
        reports[0].ends_with(&format!(
            "\n  = note: resolved to {}\n  = note: the path is relative to CARGO_MANIFEST_DIR, \
             the directory holding your crate's Cargo.toml",
            resolved.display()
        )),
        "{}",
        reports[0]
    );
}

#[test]
fn malformed_input_shows_the_usage() {
    let usage = "usage: appstudio::include_app!(\"app.json\") or \
                 appstudio::include_app!(\"app.json\", allow(AS1003))";
    let tokens = appstudio_codegen::include_app(quote!(::appstudio), &root());
    assert_eq!(reports(tokens), [format!("error: {usage}")]);
    let tokens = expand(quote!("tests/ui/apps/files.json", deny(AS1003)));
    assert_eq!(
        reports(tokens),
        [format!(
            "error: expected `allow(CODE, …)`\n  = note: {usage}"
        )]
    );
    let tokens = expand(quote!(PATH));
    let reports = reports(tokens);
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert!(
        reports[0].ends_with(&format!("\n  = note: {usage}")),
        "{reports:?}"
    );
}

#[test]
fn many_errors_end_with_how_many_more() {
    let mut workflows = Vec::new();
    for i in 0..60 {
        workflows.push(format!(r#"{{"name": "w{i}", "unknown": 1}}"#));
    }
    let app = format!(
        r#"{{"$version": "2", "auth": {{}}, "api": {{}}, "workflows": [{}]}}"#,
        workflows.join(",")
    );
    let dir = std::env::temp_dir().join(format!("appstudio-include-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("app.json"), app).unwrap();
    let tokens = appstudio_codegen::include_app(quote!(::appstudio, "app.json"), &dir);
    let _ = std::fs::remove_dir_all(&dir);
    let reports = reports(tokens);
    assert_eq!(reports.len(), 51, "{reports:#?}");
    let last = reports.last().unwrap();
    assert!(
        last.starts_with("error: ... and ") && last.ends_with(" more problems in `app.json`"),
        "{last}"
    );
}
