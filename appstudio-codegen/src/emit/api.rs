//! The typed API: `App`, one credentials type per auth entry, and the workflows (marker types
//! and their modules, see [`super::workflow`]).

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{camel, dedup, ident, snake};
use super::shape::{AuthShape, Shape};
use super::workflow::{WorkflowNames, workflow};

/// The `static` holding the app's IR, which [`items`] refers to when the app is valid.
pub(super) const IR_STATIC: &str = "__APPSTUDIO_APP";

/// Emits the API items. With `valid`, `App::ir()` returns the static [`IR_STATIC`] (emitted
/// separately); otherwise this is the skeleton after errors, which never runs.
pub(super) fn items(shape: &Shape, k: &TokenStream, valid: bool) -> TokenStream {
    let rt = quote!(#k::__private::runtime);
    let ir_fn = if valid {
        let name = proc_macro2::Ident::new(IR_STATIC, proc_macro2::Span::call_site());
        quote!(&#name)
    } else {
        quote!(::core::unreachable!("the app has errors"))
    };
    let auth_names = dedup(shape.auth.iter().map(|a| camel(&a.key)).collect());
    let auth = shape
        .auth
        .iter()
        .zip(&auth_names)
        .enumerate()
        .map(|(i, (a, n))| credentials(a, n, i, k));
    let names = WorkflowNames {
        modules: dedup(shape.workflows.iter().map(|w| snake(&w.name)).collect()),
        markers: dedup(shape.workflows.iter().map(|w| camel(&w.name)).collect()),
    };
    let workflows = shape.workflows.iter().enumerate().map(|(i, w)| {
        let auth = shape
            .auth
            .iter()
            .position(|a| a.key == w.auth)
            .map(|a| ident(&auth_names[a]));
        workflow(w, i, &names, auth, k)
    });
    let markers = names.markers.iter().map(|n| ident(n));
    let wf_count = shape.workflows.len();
    let objects = shape
        .objects
        .then(|| quote!(impl #rt::api::CustomObjects for App {}));
    quote! {
        /// The compiled app: its static IR and the list of its workflows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct App;

        impl App {
            /// The app's static IR.
            pub fn ir() -> &'static #rt::ir::App {
                #ir_fn
            }

            /// Names of the workflows, in file order.
            pub const WORKFLOWS: [&str; #wf_count] =
                [#(workflows::#markers::NAME),*];
        }

        impl #rt::api::AppSpec for App {
            fn ir() -> &'static #rt::ir::App {
                App::ir()
            }
        }

        #objects

        /// Credentials types, one per `auth` entry, with exactly its defined fields; how one
        /// connects follows from its auth type (see `appstudio::engine::Engine`).
        pub mod auth {
            #(#auth)*
        }

        /// One marker type per workflow (`Connection::workflow(marker)`), and one module per
        /// workflow with its selection, form fields, options queries and mapping options.
        pub mod workflows {
            #(#workflows)*
        }
    }
}

fn credentials(a: &AuthShape, name: &str, index: usize, k: &TokenStream) -> TokenStream {
    let rt = quote!(#k::__private::runtime);
    let ty = ident(name);
    let key = &a.key;
    let doc = format!(
        " Credentials of auth `{key}` ({}), declared at {}.",
        a.kind, a.at
    );
    let fields = a.fields.iter().map(|f| {
        let id = ident(f);
        let (ty, doc) = match f.as_str() {
            "password" | "token" => (
                quote!(#rt::value::Secret),
                format!(" `defined_fields.{f}` (secret)."),
            ),
            _ => (
                quote!(#k::__private::String),
                format!(" `defined_fields.{f}`."),
            ),
        };
        quote!(#[doc = #doc] pub #id: #ty,)
    });
    let pairs = a.fields.iter().map(|f| {
        let id = ident(f);
        quote!(#id: #f)
    });
    let api = quote!(#rt::api);
    let capabilities = match a.kind.as_str() {
        "oauth2" => vec![quote!(OAuth2Credentials), quote!(TokenCredentials)],
        "basic" | "token" => vec![quote!(CheckedCredentials), quote!(PlainCredentials)],
        "session" => vec![quote!(CheckedCredentials), quote!(TokenCredentials)],
        // after errors: every way, so that the user's code gets no cascade
        _ => vec![
            quote!(OAuth2Credentials),
            quote!(CheckedCredentials),
            quote!(TokenCredentials),
            quote!(PlainCredentials),
        ],
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ty { #(#fields)* }

        impl #ty {
            /// The key under `auth`.
            pub const KEY: &str = #key;
        }

        impl #api::AuthSpec for #ty {
            type App = super::App;
            const INDEX: usize = #index;
        }

        #(impl #api::#capabilities for #ty {})*

        #rt::__serde_fields!(#ty { #(#pairs),* });
    }
}
