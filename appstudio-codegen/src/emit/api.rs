//! The typed API: credentials, per-workflow modules with `CustomData`, form field enums,
//! option queries and mapping descriptors.

use proc_macro2::TokenStream;
use quote::quote;

use super::names::{camel, dedup, ident, snake};
use super::shape::{AuthShape, FieldShape, Shape, WorkflowShape};

/// The `static` holding the app's IR, which [`items`] refers to when the app is valid.
pub(crate) const IR_STATIC: &str = "__APPSTUDIO_APP";

/// Emits the API items. With `valid`, `App::ir()` returns the static [`IR_STATIC`] (emitted
/// separately); otherwise this is the skeleton after errors, which never runs.
pub(crate) fn items(shape: &Shape, k: &TokenStream, valid: bool) -> TokenStream {
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
    let wf_names = dedup(shape.workflows.iter().map(|w| snake(&w.name)).collect());
    let workflows = shape
        .workflows
        .iter()
        .zip(&wf_names)
        .enumerate()
        .map(|(i, (w, n))| workflow(w, n, i, k));
    let wf_mods = wf_names.iter().map(|n| ident(n));
    let wf_count = shape.workflows.len();
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
            pub const WORKFLOWS: [&str; #wf_count] = [#(workflows::#wf_mods::NAME),*];
        }

        impl #rt::api::AppSpec for App {
            fn ir() -> &'static #rt::ir::App {
                App::ir()
            }
        }

        /// Credentials types, one per `auth` entry, with exactly its defined fields.
        pub mod auth {
            #(#auth)*
        }

        /// One module per workflow.
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
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ty { #(#fields)* }

        impl #ty {
            /// The key under `auth`.
            pub const KEY: &str = #key;
            /// Index in the app's `auth` list.
            pub const INDEX: usize = #index;
        }

        #rt::__serde_fields!(#ty { #(#pairs),* });
    }
}

fn field_type(f: &FieldShape, k: &TokenStream) -> TokenStream {
    let rt = quote!(#k::__private::runtime);
    let base = match f.kind.as_str() {
        "dropdown" => quote!(#rt::value::Choice),
        "multiselect" => quote!(#k::__private::Vec<#rt::value::Choice>),
        _ => quote!(#rt::value::Text),
    };
    if f.required {
        base
    } else {
        quote!(::core::option::Option<#base>)
    }
}

/// `Serialize` (as the `custom_data` object) and `Deserialize` for a struct of form fields.
fn custom_data_serde(
    ty: &TokenStream,
    fields: &[(&FieldShape, proc_macro2::Ident)],
    k: &TokenStream,
) -> TokenStream {
    let pairs = fields.iter().map(|(f, id)| {
        let key = &f.id;
        quote!(#id: #key)
    });
    quote!(#k::__private::runtime::__serde_fields!(#ty { #(#pairs),* });)
}

fn workflow(w: &WorkflowShape, module: &str, index: usize, k: &TokenStream) -> TokenStream {
    let rt = quote!(#k::__private::runtime);
    let m = ident(module);
    let name = &w.name;
    let doc = format!(" Workflow `{name}`: {} (declared at {}).", w.label, w.at);
    let field_names = dedup(w.fields.iter().map(|f| snake(&f.id)).collect());
    let field_idents: Vec<_> = field_names.iter().map(|n| ident(n)).collect();
    let variant_names = dedup(w.fields.iter().map(|f| camel(&f.id)).collect());
    let variants: Vec<_> = variant_names.iter().map(|n| ident(n)).collect();
    let ids: Vec<&str> = w.fields.iter().map(|f| f.id.as_str()).collect();
    let struct_fields = w.fields.iter().zip(&field_idents).map(|(f, id)| {
        let ty = field_type(f, k);
        let doc = format!(
            " `{}` ({}{}): {} (declared at {}).",
            f.id,
            f.kind,
            if f.required { "" } else { ", optional" },
            f.label,
            f.at
        );
        quote!(#[doc = #doc] pub #id: #ty,)
    });
    let pairs: Vec<_> = w.fields.iter().zip(field_idents.iter().cloned()).collect();
    let serde = custom_data_serde(&quote!(CustomData), &pairs, k);
    let field_docs = w
        .fields
        .iter()
        .map(|f| format!(" `{}`: {}.", f.id, f.label));
    let n_fields = w.fields.len();
    let queries = w
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.has_options)
        .map(|(i, f)| options_query(w, i, f, &variant_names[i], &field_names, k));
    let source = map_side(&w.source_fields, "SourceField", "`describe_source`");
    let target = map_side(&w.target_fields, "TargetField", "`describe_target`");
    quote! {
        #[doc = #doc]
        pub mod #m {
            /// The workflow's name in `app.json`.
            pub const NAME: &str = #name;

            /// Marker type of the workflow.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
            pub struct Workflow;

            impl #rt::api::WorkflowSpec for Workflow {
                type App = super::super::App;
                type CustomData = CustomData;
                const INDEX: usize = #index;
            }

            /// The values chosen in the `select` step (`custom_data`).
            #[derive(Debug, Clone, PartialEq)]
            pub struct CustomData { #(#struct_fields)* }

            #serde

            /// The workflow's form fields.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum FormField {
                #( #[doc = #field_docs] #variants, )*
            }

            impl FormField {
                /// Every field, in declaration order.
                pub const ALL: [FormField; #n_fields] = [#(FormField::#variants),*];

                /// The field's `id` in `app.json`.
                pub const fn id(self) -> &'static str {
                    match self { #(FormField::#variants => #ids,)* }
                }
            }

            /// Option queries: one per field with `options`, holding exactly the fields those
            /// options read, so a dependent field cannot be loaded before its parents are chosen.
            pub mod options {
                #(#queries)*
            }

            /// Mapping descriptors of static `map` options.
            pub mod mapping {
                #source
                #target
            }
        }
    }
}

fn options_query(
    w: &WorkflowShape,
    index: usize,
    f: &FieldShape,
    ty_name: &str,
    field_names: &[String],
    k: &TokenStream,
) -> TokenStream {
    let rt = quote!(#k::__private::runtime);
    let ty = ident(ty_name);
    let deps: Vec<(&FieldShape, proc_macro2::Ident)> = f
        .depends_on
        .iter()
        .filter_map(|d| {
            let i = w.fields.iter().position(|x| &x.id == d)?;
            Some((&w.fields[i], ident(&field_names[i])))
        })
        .collect();
    let doc = if deps.is_empty() {
        format!(
            " Loads the options of `{}`; they read no other field.",
            f.id
        )
    } else {
        format!(
            " Loads the options of `{}`, which read {}.",
            f.id,
            deps.iter()
                .map(|(d, _)| format!("`{}`", d.id))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let fields = deps.iter().map(|(d, id)| {
        let t = field_type(d, k);
        let doc = format!(" The chosen `{}`.", d.id);
        quote!(#[doc = #doc] pub #id: #t,)
    });
    let serde = custom_data_serde(&quote!(#ty), &deps, k);
    let body = if deps.is_empty() {
        quote!(;)
    } else {
        quote!({ #(#fields)* })
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ty #body

        #serde

        impl #rt::api::OptionsQuery for #ty {
            type Workflow = super::Workflow;
            const FIELD: usize = #index;
        }
    }
}

fn map_side(fields: &[(String, String)], ty: &str, what: &str) -> TokenStream {
    if fields.is_empty() {
        return quote!();
    }
    let ty = ident(ty);
    let names = dedup(fields.iter().map(|(id, _)| camel(id)).collect());
    let variants: Vec<_> = names.iter().map(|n| ident(n)).collect();
    let ids = fields.iter().map(|(id, _)| id);
    let titles = fields.iter().map(|(_, t)| t);
    let docs = fields.iter().map(|(id, t)| format!(" `{id}`: {t}."));
    let doc = format!(" The static options of {what}.");
    let n = fields.len();
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #ty { #( #[doc = #docs] #variants, )* }

        impl #ty {
            /// Every option, in file order.
            pub const ALL: [#ty; #n] = [#(#ty::#variants),*];
            /// The option's `id` (the mapping key or target).
            pub const fn id(self) -> &'static str {
                match self { #(#ty::#variants => #ids,)* }
            }
            /// The option's `title`.
            pub const fn title(self) -> &'static str {
                match self { #(#ty::#variants => #titles,)* }
            }
        }
    }
}
