//! Code generator of `appstudio`: checks an App Studio `app.json` and turns it into typed Rust.
//!
//! [`generate`] compiles one config ([`Source`]) into a [`Generated`]: the tokens of its typed
//! API and every [`Diagnostic`] found, rendered like rustc's ([`Generated::render`]).
//! [`include_app`] is all of `include_app!` but reading `CARGO_MANIFEST_DIR`. [`json_schema`] is
//! the JSON Schema of the format, for editors.
//!
//! Inside, the pipeline is: the source's text and lines → a spanned JSON tree → the typed
//! model (every structural problem reported) → checks of references and rules → the
//! runtime's IR → tokens.
#![warn(unreachable_pub, missing_docs)]

mod check;
mod codes;
mod diag;
mod emit;
mod include;
mod jqtext;
mod json;
mod lower;
mod schema;
mod source;
mod spec;
mod suggest;

use proc_macro2::TokenStream;

pub use codes::Code;
pub use diag::{Diagnostic, Severity};
pub use include::include_app;
pub use schema::{PATH as SCHEMA_PATH, json_schema};
pub use source::{Source, Span};

/// The result of compiling one config.
#[derive(Debug)]
pub struct Generated {
    /// The API items: backed by the IR static when valid, else the skeleton.
    tokens: TokenStream,
    /// The Rust source of the IR (an `ir::App` expression), when the config is valid. It is
    /// tokenized by [`Generated::to_tokens`]: in a proc macro that is rustc's lexer.
    ir_source: Option<String>,
    /// The path of the `appstudio` crate the tokens name.
    krate: TokenStream,
    /// Every diagnostic, sorted.
    diagnostics: Vec<Diagnostic>,
    /// The IR, when the config is valid.
    ir: Option<appstudio_runtime::ir::App>,
    /// The parsed tree (to render pointers), when the file is JSON.
    root: Option<json::Node>,
}

impl Generated {
    /// Every diagnostic, sorted by position (errors before warnings at one place).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The compiled app, when the config has no error.
    pub fn ir(&self) -> Option<&appstudio_runtime::ir::App> {
        self.ir.as_ref()
    }

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

    /// All diagnostics rendered as text, as `cargo build` shows them (at most 50, then how
    /// many more), with a summary line.
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
    let index = app
        .as_ref()
        .map(|app| check::Index::new(app, &root, &cx.broken));
    // jq programs are parsed and compiled by the checks (bounded by the runtime's
    // `MAX_PROGRAM_NESTING` and `MAX_PROGRAM_TOKENS`) and parsed again by the lowering (D3)
    let ir = on_large_stack(|| {
        if let (Some(app), Some(index)) = (&app, &index) {
            check::check(app, index, source, &mut diagnostics);
        }
        diag::sort(&mut diagnostics);
        let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error);
        match (&app, &index) {
            (Some(app), Some(index)) if valid => Some(lower::lower(app, index, source)),
            _ => None,
        }
    });
    let valid = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    let shape = match &app {
        Some(app) if valid => emit::shape_of(app, source),
        _ => emit::shape(&root, source),
    };
    Generated {
        tokens: emit::emit(&shape, ir.is_some(), krate),
        ir_source: ir.as_ref().map(emit::Emit::to_source),
        krate: krate.clone(),
        diagnostics,
        ir,
        root: Some(root),
    }
}

/// The stack of the thread the checks and the lowering run on: jaq parses and compiles
/// recursively, and a program within the runtime's bounds needs up to about 128 MiB in a debug
/// build, more than rustc's thread has.
const CHECK_STACK: usize = 256 << 20;

/// Runs `f` on a thread with a [`CHECK_STACK`] stack (only virtual memory until used), or on
/// this one if no thread can be started. A panic is resumed here.
fn on_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    let f = std::sync::Mutex::new(Some(f));
    let take = || f.lock().ok().and_then(|mut f| f.take());
    let spawned = std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("appstudio-check".into())
            .stack_size(CHECK_STACK)
            .spawn_scoped(scope, || take().map(|f| f()));
        thread.ok().map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    });
    match spawned.flatten() {
        Some(out) => out,
        None => take().expect("the check ran on no thread")(),
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
