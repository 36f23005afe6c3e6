//! Runtime of `appstudio`: the static IR that `include_app!` emits ([`ir`]), the values the
//! generated API names ([`value`]), and the jq front end shared with the code generator
//! ([`jq`]). Executing compiled apps is the `engine` feature's job.
#![warn(missing_docs, unreachable_pub, unnameable_types)]

pub mod api;
pub mod ir;
pub mod jq;
pub mod json;
#[doc(hidden)] // for the fake ActiveCampaign crate; not part of the API
pub mod lock;
pub mod suggest;
pub mod value;

#[cfg(feature = "engine")]
pub mod activecampaign;
#[cfg(feature = "engine")]
pub mod engine;
#[cfg(feature = "engine")]
mod net;

/// A [`json::Value`] written as JSON, as `serde_json::json!` writes one (which it uses).
#[macro_export]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::json::Value::from($crate::__serde_json::json!($($json)+))
    };
}

#[doc(hidden)]
pub use serde as __serde;
#[doc(hidden)]
pub use serde_json as __serde_json;
