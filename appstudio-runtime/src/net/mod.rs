//! The transport layer the engine and the ActiveCampaign client share: rate limiting
//! ([`limit`]), the retry policy with the one retry loop and `Retry-After` ([`retry`]), the
//! size-capped body reader and the classification of transport failures ([`body`]). It
//! knows HTTP, not App Studio: nothing here imports the engine, the client or the IR.

pub(crate) mod body;
pub(crate) mod limit;
pub(crate) mod retry;

use std::time::Duration;

/// The HTTP client (one connection pool) the engine and a standalone ActiveCampaign client
/// build: the crate's user agent, and `connect_timeout` when given.
pub(crate) fn http_client(connect_timeout: Option<Duration>) -> reqwest::Result<reqwest::Client> {
    let builder =
        reqwest::Client::builder().user_agent(concat!("appstudio/", env!("CARGO_PKG_VERSION")));
    match connect_timeout {
        Some(t) => builder.connect_timeout(t),
        None => builder,
    }
    .build()
}
