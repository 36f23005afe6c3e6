//! The proc macro behind `appstudio::include_app!`. Use the `appstudio` crate, not this one.
