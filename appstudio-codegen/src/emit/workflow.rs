//! One workflow of the typed API: its marker type with the capabilities `app.json` gives it
//! (auth entry, webhook or polling intake, historical sync, `map` step), and its module:
//! `CustomData`, `FormField`, `fields::*` markers, `options::*` queries, `mapping::*` options.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::mapping::{mapped, mapping_module};
use super::names::{camel, dedup, ident, snake};
use super::shape::{FieldShape, IntakeShape, WorkflowShape};

/// The Rust names of every workflow, in file order.
pub(super) struct WorkflowNames {
    /// Module names (`import_form_responses`).
    pub modules: Vec<String>,
    /// Marker type names (`ImportFormResponses`).
    pub markers: Vec<String>,
}

/// A form field's value type: `Choice`, `Vec<Choice>` or `Text`, in an `Option` if optional.
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
    fields: &[(&FieldShape, Ident)],
    k: &TokenStream,
) -> TokenStream {
    let pairs = fields.iter().map(|(f, id)| {
        let key = &f.id;
        quote!(#id: #key)
    });
    quote!(#k::__private::runtime::__serde_fields!(#ty { #(#pairs),* });)
}

/// The workflow's marker type, its capability impls and its module. `auth` is the type of
/// its auth entry (`None` when its `auth` names none, only after errors).
pub(super) fn workflow(
    w: &WorkflowShape,
    index: usize,
    names: &WorkflowNames,
    auth: Option<Ident>,
    k: &TokenStream,
) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let m = ident(&names.modules[index]);
    let marker = ident(&names.markers[index]);
    let name = &w.name;
    let doc = format!(" Workflow `{name}`: {} (declared at {}).", w.label, w.at);
    let mod_doc = format!(
        " The types of workflow `{name}` ([`{}`]).",
        names.markers[index]
    );
    let auth_impl = match auth {
        Some(auth) => quote!(impl #api::WorkflowOf<super::auth::#auth> for #marker {}),
        // after errors: any credentials, so that the user's code gets no cascade
        None => quote!(impl<C> #api::WorkflowOf<C> for #marker {}),
    };
    let mut capabilities = Vec::new();
    if matches!(w.intake, IntakeShape::Webhook | IntakeShape::Unknown) {
        capabilities.push(quote!(WebhookWorkflow));
    }
    if matches!(w.intake, IntakeShape::Polling | IntakeShape::Unknown) {
        capabilities.push(quote!(PollingWorkflow));
    }
    if w.historical {
        capabilities.push(quote!(HistoricalWorkflow));
    }
    if w.describes_connection {
        capabilities.push(quote!(DescribesConnection));
    }
    if w.describes_selection {
        capabilities.push(quote!(DescribesSelection));
    }
    let mapped = w.map.as_ref().map(|map| mapped(map, &marker, &m, k));
    let body = module(w, &marker, k);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #marker;

        impl #marker {
            /// The workflow's `name` in `app.json`.
            pub const NAME: &'static str = #name;
        }

        impl #api::WorkflowSpec for #marker {
            type App = super::App;
            type CustomData = #m::CustomData;
            const INDEX: usize = #index;
            const NAME: &'static str = #name;
        }

        #auth_impl
        #(impl #api::#capabilities for #marker {})*
        #mapped

        #[doc = #mod_doc]
        pub mod #m {
            #body
        }
    }
}

/// The items of a workflow's module.
fn module(w: &WorkflowShape, marker: &Ident, k: &TokenStream) -> TokenStream {
    let field_names = dedup(w.fields.iter().map(|f| snake(&f.id)).collect());
    let field_idents: Vec<_> = field_names.iter().map(|n| ident(n)).collect();
    let variant_names = dedup(w.fields.iter().map(|f| camel(&f.id)).collect());
    let variants: Vec<_> = variant_names.iter().map(|n| ident(n)).collect();
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
    let form_field = form_field_enum(w, &variants);
    let markers = w
        .fields
        .iter()
        .zip(&variants)
        .enumerate()
        .map(|(i, (f, v))| field_marker(f, i, v, marker, k));
    let queries = w
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.has_options)
        .map(|(i, _)| options_query(w, i, &variants[i], &field_names, marker, k));
    let mapping = mapping_module(w.map.as_ref(), k);
    quote! {
        /// The values chosen in the `select` step (`custom_data`).
        #[derive(Debug, Clone, PartialEq)]
        pub struct CustomData { #(#struct_fields)* }

        #serde

        #form_field

        /// One marker type per form field, for `Workflow::choose`.
        pub mod fields {
            #(#markers)*
        }

        /// Option queries: one per field with `options`, holding exactly the fields those
        /// options read, so a dependent field cannot be loaded before its parents are chosen.
        pub mod options {
            #(#queries)*
        }

        #mapping
    }
}

/// The `FormField` enum of a workflow, one variant per field.
fn form_field_enum(w: &WorkflowShape, variants: &[Ident]) -> TokenStream {
    let ids: Vec<&str> = w.fields.iter().map(|f| f.id.as_str()).collect();
    let field_docs = w
        .fields
        .iter()
        .map(|f| format!(" `{}`: {}.", f.id, f.label));
    let n_fields = w.fields.len();
    quote! {
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
    }
}

/// The marker type of one form field.
fn field_marker(
    f: &FieldShape,
    index: usize,
    ty: &Ident,
    marker: &Ident,
    k: &TokenStream,
) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let value = field_type(f, k);
    let id = &f.id;
    let doc = format!(
        " Form field `{id}` ({}): {} (declared at {}).",
        f.kind, f.label, f.at
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #ty;

        impl #api::FormFieldSpec for #ty {
            type Workflow = super::super::#marker;
            type Value = #value;
            const ID: &'static str = #id;
            const INDEX: usize = #index;
        }

        impl #api::FieldOf<super::super::#marker> for #ty {}
    }
}

fn options_query(
    w: &WorkflowShape,
    index: usize,
    ty: &Ident,
    field_names: &[String],
    marker: &Ident,
    k: &TokenStream,
) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let f = &w.fields[index];
    let deps: Vec<(&FieldShape, Ident)> = f
        .depends_on
        .iter()
        .filter_map(|d| {
            let i = w.fields.iter().position(|x| &x.id == d)?;
            Some((&w.fields[i], ident(&field_names[i])))
        })
        .collect();
    let mut doc = if deps.is_empty() {
        format!(
            " Loads the options of `{}`; they read no other field.",
            f.id
        )
    } else {
        let reads: Vec<String> = deps.iter().map(|(d, _)| format!("`{}`", d.id)).collect();
        format!(
            " Loads the options of `{}`, which read {}.",
            f.id,
            reads.join(", ")
        )
    };
    if f.search {
        doc.push_str(" They take a search term (`Workflow::search`).");
    }
    doc.push_str(&format!(" The field is declared at {}.", f.at));
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
    let search = f.search.then(|| quote!(impl #api::Searchable for #ty {}));
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ty #body

        #serde

        impl #api::OptionsQuery for #ty {
            type Workflow = super::super::#marker;
            const FIELD: usize = #index;
        }

        impl #api::OptionsOf<super::super::#marker> for #ty {}
        #search
    }
}
