//! Resolution and validation: every rule of spec §13 and of D1–D18 that can be checked at build
//! time, by section. All problems are collected; nothing stops at the first, and nothing is said
//! about what a broken part (reported when loaded) would have been.

mod api;
mod auth;
mod commands;
mod custom_data;
mod expansions;
mod index;
mod intakes;
mod objects;
mod setup;
mod visit;
mod workflows;

use std::collections::HashMap;

pub(crate) use index::{Index, WorkflowIx};

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::{Source, Span};
use crate::spec::{App, Spanned, Text};

/// Runs every rule on a loaded app, appending to `diags`.
pub(crate) fn check(app: &App, index: &Index, source: &Source, diags: &mut Vec<Diagnostic>) {
    unique(
        index.workflows.iter().map(|w| &w.wf.name),
        "workflow name",
        diags,
    );
    unique(
        index.intakes.iter().map(|i| i.name()),
        "data intake name",
        diags,
    );
    unique(
        app.objects.iter().flatten().map(|o| &o.name),
        "object name",
        diags,
    );
    for (key, a) in &index.auth {
        auth::defined_fields(key, a, index, diags);
        auth::urls(a, diags);
    }
    api::check(app, index, diags);
    for (i, intake) in index.intakes.iter().enumerate() {
        intakes::check(i, intake, index, diags);
    }
    workflows::check(app, index, diags);
    if !index.lost_under("/objects") {
        objects::check(app, diags);
    }
    visit::walk(app, index, &mut commands::Commands { app, index, diags });
    visit::walk(
        app,
        index,
        &mut expansions::Expansions::new(index, source, diags),
    );
}

/// Reports repeated names; the help points at the first.
fn unique<'a>(names: impl Iterator<Item = &'a Text>, what: &str, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for n in names {
        if let Some(first) = seen.get(n.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::DUPLICATE_NAME,
                    n.span,
                    format!("duplicate {what} `{}`", n.value),
                )
                .label(format!("{what}s must be unique"))
                .note(format!("first used at byte {}", first.start)),
            );
        } else {
            seen.insert(&n.value, n.span);
        }
    }
}

fn positive(v: &Spanned<i64>, min: i64, what: &str, diags: &mut Vec<Diagnostic>) {
    if v.value < min {
        diags.push(
            Diagnostic::error(
                Code::INVALID_VALUE,
                v.span,
                format!("{what} must be at least {min}"),
            )
            .label(format!("found {}", v.value)),
        );
    }
}

/// `text` is an absolute http(s) URL with a host (or starts with an expansion): the engine
/// parses it on every run.
fn absolute_url(text: &str, span: Span, what: &str, diags: &mut Vec<Diagnostic>) {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let Some(rest) = rest else {
        if !text.starts_with("${") {
            diags.push(
                Diagnostic::error(
                    Code::HTTP_URL,
                    span,
                    format!("{what} must be an absolute URL"),
                )
                .label("expected `https://…`"),
            );
        }
        return;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || (host.contains(char::is_whitespace) && !host.contains("${")) {
        diags.push(
            Diagnostic::error(Code::HTTP_URL, span, format!("{what} has no valid host"))
                .label("expected `https://host/…`")
                .help("a URL names its host after `://`, without spaces"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    /// The errors of fixture `tests/diagnostics/NAME.json`.
    fn errors(name: &str) -> usize {
        let path = format!(
            "{}/tests/diagnostics/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let source = Source::new("app.json", text);
        let generated = crate::generate(&source, &quote::quote!(::appstudio));
        generated
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Structural mistakes (an unknown method, an unknown namespace, a wrong type) no longer
    /// hide the reference mistakes elsewhere: all nine are reported in one run.
    #[test]
    fn independent_mistakes_are_all_reported() {
        assert_eq!(errors("nine_independent_mistakes"), 9);
    }

    /// A broken part is reported once, without follow-on errors where it is used: each
    /// fixture holds exactly this many independent mistakes.
    #[test]
    fn broken_parts_do_not_cascade() {
        for (name, n) in [
            ("broken_auth_no_cascade", 1),
            ("broken_field_no_cascade", 1),
            ("broken_step_no_cascade", 3),
            ("broken_workflow_no_cascade", 1),
            ("broken_select_no_cascade", 1),
            ("malformed_expansion_no_cascade", 5),
            ("broken_workflow_type_still_checked", 3),
            ("broken_setup_still_checked", 5),
            ("missing_api_no_cascade", 5),
            ("missing_workflows_and_auth_no_cascade", 4),
        ] {
            assert_eq!(errors(name), n, "{name}");
        }
    }
}
