//! Code generator of `appstudio`: checks an App Studio `app.json` and turns it into typed Rust.
#![warn(missing_docs)]

pub mod codes;
pub mod diag;
pub mod json;
pub mod source;
pub mod spec;
pub mod suggest;
