//! # appstudio
//!
//! Compile ActiveCampaign App Studio configurations into typed Rust, and run them.
//!
//! ```ignore
//! appstudio::include_app!("app.json");
//! ```
//!
//! reads `app.json` (relative to the crate's `Cargo.toml`) at compile time, checks every rule
//! and reference, and either fails the build with messages pointing at the exact line and column
//! in the file, or expands to a typed API: `App`, `auth::*` credentials types, a marker type
//! per workflow under `workflows::*` and a module per workflow with its `CustomData`, form
//! fields, option queries and mapping options, backed by the compiled pipeline (`App::ir()`).
//!
//! The engine is driven by those types ([`engine::Engine<App>`](engine::Engine),
//! [`engine::Connection`], [`engine::Workflow`]); apps loaded at run time use its untyped
//! layer, [`engine::dynamic`]. The README's example shows a whole integration.
#![warn(missing_docs, unreachable_pub)]

pub use appstudio_runtime::{activecampaign, api, engine, ir, jq, json, value};

/// The production host (feature `host`): webhook intake, events and state in SQLite,
/// workers (see the `appstudio-host` crate).
#[cfg(feature = "host")]
pub use appstudio_host as host;

/// The fake ActiveCampaign server for tests (feature `testing`).
#[cfg(feature = "testing")]
pub use appstudio_testing as testing;

/// Compiles an App Studio config into a typed API, or fails the build pointing into the file.
///
/// The path is relative to `CARGO_MANIFEST_DIR`. Editing the file rebuilds the crate.
///
/// Problems that do not stop the app from working are warnings (codes `AS1xxx`); a warning
/// that does not apply to an app is silenced by its code:
///
/// ```ignore
/// appstudio::include_app!("app.json", allow(AS1003));
/// ```
#[macro_export]
macro_rules! include_app {
    ($path:literal $(, $($options:tt)*)?) => {
        $crate::__private::include_app_impl! { $crate, $path $(, $($options)*)? }
    };
    ($($other:tt)*) => {
        ::core::compile_error!(
            "usage: `appstudio::include_app!(\"app.json\")`: the path must be a string literal, \
             relative to the directory of the crate's Cargo.toml"
        );
    };
}

/// The README's Rust snippets, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[doc(hidden)]
pub mod __private {
    pub use ::appstudio_macros::include_app_impl;
    pub use ::appstudio_runtime as runtime;
    pub use ::serde;
    pub use ::serde_json;
    pub use ::std::borrow::Cow;
    pub use ::std::option::Option;
    pub use ::std::string::String;
    pub use ::std::vec::Vec;
}
