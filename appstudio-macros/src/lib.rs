//! The proc macro behind `appstudio::include_app!`. Use the `appstudio` crate, not this one:
//! its `include_app!` passes its own path (`$crate`) here, so renamed dependencies work.

use std::path::PathBuf;

use appstudio_codegen::diag::Severity;
use appstudio_codegen::source::Source;
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};

/// `include_app_impl!($crate, "app.json")`: reads the config relative to `CARGO_MANIFEST_DIR`,
/// checks it and expands to its typed API, or to `compile_error!`s pointing into the file.
#[proc_macro]
pub fn include_app_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into()).into()
}

fn expand(input: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = input.into_iter().collect();
    let Some(comma) = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
    else {
        return quote!(::core::compile_error!("usage: appstudio::include_app!(\"app.json\")"););
    };
    let krate: TokenStream = tokens[..comma].iter().cloned().collect();
    let rest: TokenStream = tokens[comma + 1..].iter().cloned().collect();
    let lit: syn::LitStr = match syn::parse2(rest) {
        Ok(l) => l,
        Err(_) => {
            return quote!(::core::compile_error!(
                "usage: appstudio::include_app!(\"app.json\") with the path as a string literal"
            ););
        }
    };
    let span = lit.span();
    let rel = lit.value();
    let dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    let path = dir.join(&rel);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            let msg = format!(
                "[AS0001] cannot read app config `{rel}`: {e}\n  = note: resolved to {}\n  = note: the path is relative to CARGO_MANIFEST_DIR, the directory holding your crate's Cargo.toml",
                path.display()
            );
            return quote_spanned!(span=> ::core::compile_error!(#msg););
        }
    };
    let source = Source::new(rel, text);
    let generated = appstudio_codegen::generate(&source, &krate);
    let mut out = generated.to_tokens();
    let path_str = path.to_string_lossy().into_owned();
    out.extend(quote! {
        const _: &[u8] = ::core::include_bytes!(#path_str);
    });
    let root = generated.root.as_ref();
    let shown = generated
        .diagnostics
        .iter()
        .take(appstudio_codegen::diag::MAX_RENDERED);
    for (i, d) in shown.enumerate() {
        let rendered = appstudio_codegen::diag::render(d, &source, root);
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
        .saturating_sub(appstudio_codegen::diag::MAX_RENDERED);
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
