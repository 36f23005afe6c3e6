//! What `include_app!` does, as an ordinary function ([`include_app`]): the proc macro only
//! hands over its input and `CARGO_MANIFEST_DIR`, so everything here is tested without rustc.
//!
//! The input is `$crate, "app.json"` with an optional `, allow(CODE, …)`. The output is the
//! generated API, an `include_bytes!` of the file (so cargo rebuilds when it changes), one
//! `compile_error!` per error and one deprecation warning per warning, all at the path literal.

use std::path::Path;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt as _;

use crate::codes::Code;
use crate::diag::{self, Severity};
use crate::source::Source;
use crate::{Generated, suggest};

const USAGE: &str = "usage: appstudio::include_app!(\"app.json\") or \
                     appstudio::include_app!(\"app.json\", allow(AS1003))";

/// Expands `include_app_impl!($crate, "app.json", allow(…))`: reads the config relative to
/// `manifest_dir` (the `CARGO_MANIFEST_DIR` of the crate calling the macro), checks it, and
/// returns its typed API, or `compile_error!`s pointing into the file. Warnings that are not
/// allowed become deprecation warnings, the only kind stable Rust lets a macro emit.
///
/// Spans come from `input`: inside a proc macro they are the caller's, so the messages point
/// at the path literal (or at the offending code of `allow(…)`).
pub fn include_app(input: TokenStream, manifest_dir: &Path) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let Some(comma) = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
    else {
        return quote!(::core::compile_error!(#USAGE););
    };
    let krate: TokenStream = tokens[..comma].iter().cloned().collect();
    let rest: TokenStream = tokens[comma + 1..].iter().cloned().collect();
    let args: Args = match syn::parse2(rest) {
        Ok(a) => a,
        Err(e) => {
            let msg = format!("{e}\n  = note: {USAGE}");
            return quote_spanned!(e.span()=> ::core::compile_error!(#msg););
        }
    };
    let allowed = match allowed_codes(&args.allow) {
        Ok(codes) => codes,
        Err(error) => return error,
    };
    let span = args.path.span();
    let rel = args.path.value();
    let path = manifest_dir.join(&rel);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!(
                "[{}] cannot read app config `{rel}`: {e}\n  = note: resolved to {}\n  = note: the path is relative to CARGO_MANIFEST_DIR, the directory holding your crate's Cargo.toml",
                Code::FILE_NOT_FOUND.as_str(),
                path.display()
            );
            return quote_spanned!(span=> ::core::compile_error!(#msg););
        }
    };
    let source = Source::new(rel, text);
    let mut generated = crate::generate(&source, &krate);
    generated
        .diagnostics
        .retain(|d| !(d.severity == Severity::Warning && allowed.contains(&d.code)));
    let mut out = generated.to_tokens();
    let path_str = path.to_string_lossy().into_owned();
    out.extend(quote! {
        const _: &[u8] = ::core::include_bytes!(#path_str);
    });
    out.extend(diagnostics(&generated, &source, span));
    out
}

/// What follows `$crate,`: the path and the optional `allow(CODE, …)` list.
struct Args {
    path: syn::LitStr,
    allow: Vec<syn::Ident>,
}

impl syn::parse::Parse for Args {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let path = input.parse()?;
        let mut allow = Vec::new();
        if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
            let kw: syn::Ident = input.parse()?;
            if kw != "allow" {
                return Err(syn::Error::new(kw.span(), "expected `allow(CODE, …)`"));
            }
            let content;
            syn::parenthesized!(content in input);
            let codes = content.parse_terminated(syn::Ident::parse_any, syn::Token![,])?;
            allow.extend(codes);
            input.parse::<Option<syn::Token![,]>>()?;
        }
        Ok(Args { path, allow })
    }
}

/// The codes of `allow(…)`, or an error at the first that is not a warning code.
fn allowed_codes(idents: &[syn::Ident]) -> Result<Vec<Code>, TokenStream> {
    let warnings: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.is_warning())
        .map(|c| c.as_str())
        .collect();
    idents
        .iter()
        .map(|id| {
            let name = id.to_string();
            match Code::parse(&name) {
                Some(code) if code.is_warning() => Ok(code),
                Some(code) => Err(format!(
                    "`{name}` is an error and cannot be allowed: {}\n  = help: only warnings \
                     can be allowed: {}",
                    code.summary(),
                    warnings.join(", ")
                )),
                None => Err(format!(
                    "unknown warning code `{name}`\n  = help: {}",
                    suggest::help(&name, &warnings)
                        .unwrap_or_else(|| format!("the warnings are {}", warnings.join(", ")))
                )),
            }
            .map_err(|msg| quote_spanned!(id.span()=> ::core::compile_error!(#msg);))
        })
        .collect()
}

/// The diagnostics as `compile_error!`s and warnings at `span`, at most
/// [`diag::MAX_RENDERED`] of them, then "and N more" if the build fails anyway.
fn diagnostics(generated: &Generated, source: &Source, span: Span) -> TokenStream {
    let mut out = TokenStream::new();
    let shown = generated.diagnostics.iter().take(diag::MAX_RENDERED);
    for (i, d) in shown.enumerate() {
        let mut d = d.clone();
        if d.severity == Severity::Warning {
            d.help.push(format!(
                "if it does not apply to this app, silence it with \
                 `include_app!({:?}, allow({}))`",
                source.name,
                d.code.as_str()
            ));
        }
        let rendered = diag::render(&d, source, generated.root.as_ref());
        // rustc prints `error: ` or `warning: ` before the message itself.
        let text = rendered
            .strip_prefix("error")
            .or_else(|| rendered.strip_prefix("warning"))
            .unwrap_or(&rendered)
            .trim_end();
        let text = text.replacen("]: ", "] ", 1);
        match d.severity {
            Severity::Error => out.extend(quote_spanned!(span=> ::core::compile_error!(#text);)),
            Severity::Warning => out.extend(warning(&text, i, span)),
        }
    }
    let more = generated
        .diagnostics
        .len()
        .saturating_sub(diag::MAX_RENDERED);
    if more > 0 && generated.has_errors() {
        let text = format!("... and {more} more problems in `{}`", source.name);
        out.extend(quote_spanned!(span=> ::core::compile_error!(#text);));
    }
    out
}

/// A warning on stable Rust: the use of a deprecated item whose note is the message.
fn warning(text: &str, i: usize, span: Span) -> TokenStream {
    let name = quote::format_ident!("AppstudioWarning{}", i, span = span);
    let note = format!("\n{text}");
    quote_spanned! {span=>
        const _: () = {
            #[deprecated(note = #note)]
            struct #name;
            let _ = #name;
        };
    }
}
