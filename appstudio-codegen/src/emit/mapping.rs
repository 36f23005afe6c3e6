//! The `map` step in the typed API: `Mapped` for the workflow's marker, and a generated enum
//! for each side whose options `app.json` lists (a loaded side is `DynamicField`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{camel, dedup, ident};
use super::shape::{MapOptShape, MapShape};

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
    quote! {
        /// The options of the `map` step that `app.json` lists.
        pub mod mapping {
            #source
            #target
        }
    }
}

fn side_enum(options: &[MapOptShape], ty: &str, what: &str, k: &TokenStream) -> TokenStream {
    let api = quote!(#k::__private::runtime::api);
    let ty = ident(ty);
    let names = dedup(
        options
            .iter()
            .map(|o| match &o.group {
                Some(g) => camel(&format!("{g}_{}", o.id)),
                None => camel(&o.id),
            })
            .collect(),
    );
    let variants: Vec<_> = names.iter().map(|n| ident(n)).collect();
    let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
    let titles = options.iter().map(|o| &o.title);
    let docs = options.iter().map(|o| match &o.group {
        Some(g) => format!(" `{}` in group `{g}`: {}.", o.id, o.title),
        None => format!(" `{}`: {}.", o.id, o.title),
    });
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
    let n = options.len();
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
            /// The option's `group`, if the options are grouped.
            pub const fn group(self) -> ::core::option::Option<&'static str> {
                match self { #(#ty::#variants => #groups,)* }
            }
        }

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
