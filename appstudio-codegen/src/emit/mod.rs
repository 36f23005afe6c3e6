//! Emission: the typed API and the static IR as Rust tokens.

mod api;
mod ir;
mod names;
mod shape;

pub use ir::Emit;
pub use names::{camel, ident, snake};
pub use shape::Shape;

use proc_macro2::TokenStream;

/// Emits the API for `shape`, backed by `app` when the config is valid; without `app` only the
/// skeleton is emitted (its items exist, so the user's code gets no cascade of errors).
pub fn emit(
    shape: &Shape,
    app: Option<&appstudio_runtime::ir::App>,
    k: &TokenStream,
) -> TokenStream {
    api::items(shape, k, app.map(|a| ir::wrap(a.emit(), k)))
}

/// Reads the API shape from the JSON tree.
pub fn shape(root: &crate::json::Node, source: &crate::source::Source) -> Shape {
    shape::read(root, source)
}
