//! The proc macro behind `appstudio::include_app!`. Use the `appstudio` crate, not this one:
//! its `include_app!` passes its own path (`$crate`) here, so renamed dependencies work.

use std::path::PathBuf;

use appstudio_codegen::codes::Code;
use appstudio_codegen::diag::Severity;
use appstudio_codegen::source::Source;
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt as _;

/// `include_app_impl!($crate, "app.json")`: reads the config relative to `CARGO_MANIFEST_DIR`,
/// checks it and expands to its typed API, or to `compile_error!`s pointing into the file.
#[proc_macro]
pub fn include_app_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand(input.into()).into()
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

const USAGE: &str = "usage: appstudio::include_app!(\"app.json\") or \
                     appstudio::include_app!(\"app.json\", allow(AS1003))";

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
                    appstudio_codegen::suggest::help(&name, &warnings)
                        .unwrap_or_else(|| format!("the warnings are {}", warnings.join(", ")))
                )),
            }
            .map_err(|msg| quote_spanned!(id.span()=> ::core::compile_error!(#msg);))
        })
        .collect()
}

fn expand(input: TokenStream) -> TokenStream {
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
    let lit = args.path;
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
    let mut generated = appstudio_codegen::generate(&source, &krate);
    generated
        .diagnostics
        .retain(|d| !(d.severity == Severity::Warning && allowed.contains(&d.code)));
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
        let mut d = d.clone();
        if d.severity == Severity::Warning {
            d.help.push(format!(
                "if it does not apply to this app, silence it with \
                 `include_app!({:?}, allow({}))`",
                source.name,
                d.code.as_str()
            ));
        }
        let rendered = appstudio_codegen::diag::render(&d, &source, root);
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
