//! The `map` step in the typed API: `Mapped` for the workflow's marker, a generated enum for
//! each side whose options `app.json` lists (a loaded side is `DynamicField`), and in
//! `mapping::fixed` an enum of the fixed values (`source_fields`) of each listed target
//! option that offers some (D26).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{camel, dedup, ident};
use super::shape::{FixedShape, MapOptShape, MapShape};

/// `impl Mapped for <marker>`: the source and target option types.
pub(super) fn mapped(
    map: &MapShape,
    marker: &Ident,
    module: &Ident,
    k: &TokenStream,
) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let side = |options: &Option<Vec<MapOptShape>>, ty: &str| match options {
        Some(_) => {
            let ty = ident(ty);
            quote!(#module::mapping::#ty)
        }
        None => quote!(#api::DynamicField),
    };
    let source = side(&map.source, "SourceField");
    let target = side(&map.target, "TargetField");
    quote! {
        impl #api::Mapped for #marker {
            type Source = #source;
            type Target = #target;
        }
    }
}

/// The `mapping` module: the enums of static sides.
pub(super) fn mapping_module(map: Option<&MapShape>, k: &TokenStream) -> TokenStream {
    let Some(map) = map else {
        return quote!();
    };
    let source = map
        .source
        .as_ref()
        .map(|o| side_enum(o, "SourceField", "`describe_source`", k));
    let target = map
        .target
        .as_ref()
        .map(|o| side_enum(o, "TargetField", "`describe_target`", k));
    let fixed = map.target.as_deref().map(|o| fixed_module(o, k));
    quote! {
        /// The options of the `map` step that `app.json` lists.
        pub mod mapping {
            #source
            #target
            #fixed
        }
    }
}

/// The variant names of a side's options: `email` in group `contact` is `ContactEmail`;
/// `deal_title` in `deal` stays `DealTitle`.
fn variant_names(options: &[MapOptShape]) -> Vec<String> {
    dedup(
        options
            .iter()
            .map(|o| {
                let id = camel(&o.id);
                match o.group.as_deref().map(camel) {
                    Some(group) if !id.starts_with(&group) => format!("{group}{id}"),
                    _ => id,
                }
            })
            .collect(),
    )
}

/// `mapping::fixed`: for each target option with `source_fields`, an enum of its fixed values
/// named like its `TargetField` variant, its variants named by their titles.
fn fixed_module(options: &[MapOptShape], k: &TokenStream) -> TokenStream {
    let names = variant_names(options);
    let enums: Vec<TokenStream> = options
        .iter()
        .zip(&names)
        .filter(|(o, _)| !o.fixed.is_empty())
        .map(|(o, name)| fixed_enum(o, name, k))
        .collect();
    if enums.is_empty() {
        return quote!();
    }
    quote! {
        /// The fixed values (`source_fields`) target options offer instead of source data,
        /// for `Mapping::fixed`.
        pub mod fixed {
            #(#enums)*
        }
    }
}

fn fixed_enum(option: &MapOptShape, name: &str, k: &TokenStream) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let ty = ident(name);
    let variants: Vec<Ident> = dedup(option.fixed.iter().map(|f| camel(&f.title)).collect())
        .iter()
        .map(|n| ident(n))
        .collect();
    let values = option.fixed.iter().map(|FixedShape { id, number, .. }| {
        if *number {
            quote!(#api::FixedValue::number(#id))
        } else {
            quote!(#api::FixedValue::new(#id))
        }
    });
    let target = match &option.group {
        Some(g) => format!(" `{}` in group `{g}`", option.id),
        None => format!(" `{}`", option.id),
    };
    let doc = format!(
        " The fixed values the target option{target} ({}) offers.",
        option.title
    );
    let listed = Listed {
        doc,
        ty: &ty,
        variants: &variants,
        docs: option
            .fixed
            .iter()
            .map(|f| format!(" `{}`: {}.", f.id, f.title))
            .collect(),
        ids: option.fixed.iter().map(|f| f.id.as_str()).collect(),
        titles: option.fixed.iter().map(|f| f.title.as_str()).collect(),
        what: "fixed value",
        id_means: "what the target receives, as text",
    }
    .emit(quote!());
    quote! {
        #listed

        impl ::core::convert::From<#ty> for #api::FixedValue {
            fn from(value: #ty) -> Self {
                match value { #(#ty::#variants => #values,)* }
            }
        }
    }
}

/// An enum of options as `app.json` lists them (one `docs`, `ids`, `titles` entry per
/// variant), with `ALL`, `id()`, `title()` and the methods in `more`; `what` names one option
/// in the docs.
struct Listed<'a> {
    doc: String,
    ty: &'a Ident,
    variants: &'a [Ident],
    docs: Vec<String>,
    ids: Vec<&'a str>,
    titles: Vec<&'a str>,
    what: &'a str,
    /// What the `id` is, for its doc.
    id_means: &'a str,
}

impl Listed<'_> {
    fn emit(self, more: TokenStream) -> TokenStream {
        let Listed {
            doc,
            ty,
            variants,
            docs,
            ids,
            titles,
            what,
            id_means,
        } = self;
        let n = variants.len();
        let all = format!(" Every {what}, in file order.");
        let id = format!(" The {what}'s `id` ({id_means}).");
        let title = format!(" The {what}'s `title`.");
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #ty { #( #[doc = #docs] #variants, )* }

            impl #ty {
                #[doc = #all]
                pub const ALL: [#ty; #n] = [#(#ty::#variants),*];
                #[doc = #id]
                pub const fn id(self) -> &'static str {
                    match self { #(#ty::#variants => #ids,)* }
                }
                #[doc = #title]
                pub const fn title(self) -> &'static str {
                    match self { #(#ty::#variants => #titles,)* }
                }
                #more
            }
        }
    }
}

fn side_enum(options: &[MapOptShape], ty: &str, what: &str, k: &TokenStream) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let ty = ident(ty);
    let names = variant_names(options);
    let variants: Vec<_> = names.iter().map(|n| ident(n)).collect();
    let groups = options.iter().map(|o| match &o.group {
        Some(g) => quote!(::core::option::Option::Some(#g)),
        None => quote!(::core::option::Option::None),
    });
    // a grouped option is found by its group and id, an ungrouped one by its id
    let arms = options.iter().zip(&variants).map(|(o, v)| match &o.group {
        Some(g) => {
            let id = &o.id;
            quote!((::core::option::Option::Some(#g), #id) => ::core::option::Option::Some(#ty::#v),)
        }
        None => {
            let id = &o.id;
            quote!((_, #id) => ::core::option::Option::Some(#ty::#v),)
        }
    });
    let doc = format!(" The options of {what}, as `app.json` lists them.");
    let listed = Listed {
        doc,
        ty: &ty,
        variants: &variants,
        docs: options
            .iter()
            .map(|o| match &o.group {
                Some(g) => format!(" `{}` in group `{g}`: {}.", o.id, o.title),
                None => format!(" `{}`: {}.", o.id, o.title),
            })
            .collect(),
        ids: options.iter().map(|o| o.id.as_str()).collect(),
        titles: options.iter().map(|o| o.title.as_str()).collect(),
        what: "option",
        id_means: "the mapping key or target",
    }
    .emit(quote! {
        /// The option's `group`, if the options are grouped.
        pub const fn group(self) -> ::core::option::Option<&'static str> {
            match self { #(#ty::#variants => #groups,)* }
        }
    });
    quote! {
        #listed

        impl #api::MapKey for #ty {
            const STATIC: bool = true;
            fn group(&self) -> ::core::option::Option<&str> {
                #ty::group(*self)
            }
            fn id(&self) -> &str {
                #ty::id(*self)
            }
            fn from_option(group: ::core::option::Option<&str>, id: &str) -> ::core::option::Option<Self> {
                #[allow(unreachable_patterns)]
                match (group, id) {
                    #(#arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}
