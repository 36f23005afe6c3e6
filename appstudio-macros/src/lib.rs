//! The proc macro behind `appstudio::include_app!`. Use the `appstudio` crate, not this one:
//! its `include_app!` passes its own path (`$crate`) here, so renamed dependencies work.
//!
//! A shell: the expansion is `appstudio_codegen::include_app`, an ordinary function.
#![warn(unreachable_pub, missing_docs)]

use std::path::PathBuf;

/// `include_app_impl!($crate, "app.json")`: reads the config relative to `CARGO_MANIFEST_DIR`,
/// checks it and expands to its typed API, or to `compile_error!`s pointing into the file.
#[proc_macro]
pub fn include_app_impl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("."), PathBuf::from);
    appstudio_codegen::include_app(input.into(), &manifest_dir).into()
}
