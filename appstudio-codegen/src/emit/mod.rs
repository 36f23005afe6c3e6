//! Emission: the typed API and the static IR as Rust tokens.

mod api;
mod ir;
mod mapping;
mod names;
mod shape;
mod workflow;

pub(crate) use ir::Emit;
pub(crate) use shape::Shape;

use proc_macro2::TokenStream;

/// Emits the API for `shape`. When the config is `valid` it is backed by the IR static of
/// [`ir_static`]; otherwise it is the skeleton (its items exist, so the user's code gets no
/// cascade of errors after a mistake in the config).
pub(crate) fn emit(shape: &Shape, valid: bool, k: &TokenStream) -> TokenStream {
    api::items(shape, k, valid)
}

/// The `static` holding the IR, from the IR's Rust source ([`Emit::to_source`]).
pub(crate) fn ir_static(ir_source: &str, k: &TokenStream) -> TokenStream {
    let name = proc_macro2::Ident::new(api::IR_STATIC, proc_macro2::Span::call_site());
    let value = ir::wrap(ir_source, k);
    quote::quote! {
        #[doc(hidden)]
        static #name: #k::__private::runtime::ir::App = #value;
    }
}

/// Reads the API shape from the JSON tree, leniently: for the skeleton emitted after errors.
pub(crate) fn shape(root: &crate::json::Node, source: &crate::source::Source) -> Shape {
    shape::read(root, source)
}

/// The API shape of a loaded app.
pub(crate) fn shape_of(app: &crate::spec::App, source: &crate::source::Source) -> Shape {
    shape::of_app(app, source)
}
