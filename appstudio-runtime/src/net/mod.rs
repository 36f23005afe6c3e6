//! The transport layer the engine and the ActiveCampaign client share: rate limiting
//! ([`limit`]), the retry policy with the one retry loop and `Retry-After` ([`retry`]), the
//! size-capped body reader and the classification of transport failures ([`body`]). It
//! knows HTTP, not App Studio: nothing here imports the engine, the client or the IR.

pub(crate) mod body;
pub(crate) mod limit;
pub(crate) mod retry;

use std::fmt;
use std::time::Duration;

/// Most redirects followed for one request (all on the request's origin).
pub(crate) const MAX_REDIRECTS: usize = 5;

/// The HTTP client (one connection pool) the engine and a standalone ActiveCampaign client
/// build: the crate's user agent, and `connect_timeout` when given.
///
/// Redirects (D19): requests carry credentials in headers reqwest does not know as such (a
/// token auth's `header_key`, ActiveCampaign's `Api-Token`), which it would forward to any
/// host a redirect names. So the client follows a redirect only on the origin (scheme, host,
/// port) of the request, at most [`MAX_REDIRECTS`] times, and never to another origin: that
/// attempt fails with [`CrossOriginRedirect`], naming both origins, and nothing is sent
/// there. It never sends `Referer` either.
pub(crate) fn http_client(connect_timeout: Option<Duration>) -> reqwest::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .user_agent(concat!("appstudio/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(same_origin_only))
        .referer(false);
    match connect_timeout {
        Some(t) => builder.connect_timeout(t),
        None => builder,
    }
    .build()
}

/// The redirect policy of [`http_client`].
fn same_origin_only(attempt: reqwest::redirect::Attempt<'_>) -> reqwest::redirect::Action {
    let Some(first) = attempt.previous().first() else {
        return attempt.stop();
    };
    let (from, to) = (first.origin(), attempt.url().origin());
    if from != to || !to.is_tuple() {
        let e = CrossOriginRedirect {
            from: from.ascii_serialization(),
            to: to.ascii_serialization(),
        };
        return attempt.error(e);
    }
    if attempt.previous().len() > MAX_REDIRECTS {
        return attempt.error(TooManyRedirects);
    }
    attempt.follow()
}

/// A redirect to another origin than its request's, which was not followed (D19).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrossOriginRedirect {
    /// The origin of the request.
    pub(crate) from: String,
    /// The origin the redirect names.
    pub(crate) to: String,
}

impl fmt::Display for CrossOriginRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the redirect from {} to {} was not followed: credentials stay on the request's \
             origin",
            self.from, self.to
        )
    }
}

impl std::error::Error for CrossOriginRedirect {}

/// More than [`MAX_REDIRECTS`] redirects.
#[derive(Debug)]
struct TooManyRedirects;

impl fmt::Display for TooManyRedirects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "more than {MAX_REDIRECTS} redirects")
    }
}

impl std::error::Error for TooManyRedirects {}

/// Whether `e` is a redirect [`http_client`] refused to follow to another origin.
pub(crate) fn is_cross_origin_redirect(e: &reqwest::Error) -> bool {
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if c.is::<CrossOriginRedirect>() {
            return true;
        }
        cause = c.source();
    }
    false
}
