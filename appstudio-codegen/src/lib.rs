//! Code generator of `appstudio`: checks an App Studio `app.json` and turns it into typed Rust.
//!
//! The pipeline: [`source`] (text, lines) → [`json`] (spanned tree) → [`spec`] (typed model,
//! every structural problem reported) → [`check`] (references and rules) → [`lower`] (the
//! runtime's IR) → [`emit`] (tokens). [`generate`] runs all of it; [`diag`] renders the result.
#![warn(missing_docs)]

pub mod check;
pub mod codes;
pub mod diag;
pub mod emit;
mod include;
pub mod jqtext;
pub mod json;
pub mod lower;
pub mod schema;
pub mod source;
pub mod spec;
pub mod suggest;

use proc_macro2::TokenStream;

pub use include::include_app;

use diag::{Diagnostic, Severity};
use source::Source;

/// The result of compiling one config.
#[derive(Debug)]
pub struct Generated {
    /// The API items: backed by the IR static when valid, else the skeleton.
    pub tokens: TokenStream,
    /// The Rust source of the IR (an `ir::App` expression), when the config is valid. It is
    /// tokenized by [`Generated::to_tokens`]: in a proc macro that is rustc's lexer.
    pub ir_source: Option<String>,
    /// The path of the `appstudio` crate the tokens name.
    pub krate: TokenStream,
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The IR, when the config is valid.
    pub ir: Option<appstudio_runtime::ir::App>,
    /// The parsed tree (to render pointers), when the file is JSON.
    pub root: Option<json::Node>,
}

impl Generated {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Every item: the API and, when valid, the IR static.
    pub fn to_tokens(&self) -> TokenStream {
        let mut out = self.tokens.clone();
        if let Some(src) = &self.ir_source {
            out.extend(emit::ir_static(src, &self.krate));
        }
        out
    }

    /// All diagnostics rendered as text, as `cargo build` shows them.
    pub fn render(&self, source: &Source) -> String {
        diag::render_all(&self.diagnostics, source, self.root.as_ref())
    }
}

/// Parses, checks and lowers `source`; returns the diagnostics and the tokens. `krate` is the
/// path of the `appstudio` crate as the generated code must name it.
pub fn generate(source: &Source, krate: &TokenStream) -> Generated {
    let mut diagnostics = Vec::new();
    let parsed = match json::parse(&source.text) {
        Ok(p) => p,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(codes::Code::JSON_SYNTAX, e.span, e.message).label(e.label),
            );
            return Generated {
                tokens: emit::emit(&emit::Shape::default(), false, krate),
                ir_source: None,
                krate: krate.clone(),
                diagnostics,
                ir: None,
                root: None,
            };
        }
    };
    for d in &parsed.duplicates {
        diagnostics.push(
            Diagnostic::error(
                codes::Code::DUPLICATE_KEY,
                d.span,
                format!("duplicate key `{}`", d.key),
            )
            .label("this key appears twice in one object")
            .note(format!("first at {}", source.location(d.first.start))),
        );
    }
    let root = parsed.root;
    version(&root, &mut diagnostics);
    let mut cx = spec::Cx::new(source);
    let app = <spec::App as spec::FromNode>::from_node(&root, &mut cx);
    diagnostics.append(&mut cx.diags);
    if let Some(app) = &app {
        check::check(app, source, &mut diagnostics);
    }
    diag::sort(&mut diagnostics);
    let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    let ir = app
        .as_ref()
        .filter(|_| valid)
        .map(|a| lower::lower(a, source));
    let shape = emit::shape(&root, source);
    Generated {
        tokens: emit::emit(&shape, ir.is_some(), krate),
        ir_source: ir.as_ref().map(emit::Emit::to_source),
        krate: krate.clone(),
        diagnostics,
        ir,
        root: Some(root),
    }
}

/// `$version` must be `"2"` (D14). Checked on the JSON itself, so it is reported even when
/// the rest of the file does not fit the format.
fn version(root: &json::Node, diagnostics: &mut Vec<Diagnostic>) {
    // A missing or non-string `$version` is reported by the model.
    let Some(text) = root
        .get("$version")
        .and_then(|v| v.as_str().map(|s| (v, s)))
    else {
        return;
    };
    let (v, text) = text;
    if text == "2" {
        return;
    }
    let shown = format!("\"{text}\"");
    diagnostics.push(
        Diagnostic::error(
            codes::Code::VERSION,
            v.span,
            format!("unsupported `$version` {shown}"),
        )
        .label("expected \"2\"")
        .help("App Studio configurations are version \"2\": write `\"$version\": \"2\"`"),
    );
}
