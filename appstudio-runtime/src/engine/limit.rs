//! `api.rate_limit` for connection requests (user or app level, read and write buckets, or
//! one bucket for the flat form), over the transport's [`Bucket`].

use crate::ir::{Method, Quota, RateLimit};
use crate::net::limit::Bucket;

/// The buckets of one `api.rate_limit` level.
#[derive(Debug)]
pub(crate) struct Buckets {
    read: Bucket,
    /// `None` in the flat form: reads and writes share `read`.
    write: Option<Bucket>,
}

impl Buckets {
    /// Buckets for a rate limit.
    pub(crate) fn new(limit: &RateLimit) -> Buckets {
        let bucket = |q: &Quota| Bucket::new(q.requests, q.period);
        Buckets {
            read: bucket(&limit.read),
            write: (!limit.shared).then(|| bucket(&limit.write)),
        }
    }

    /// Waits for a token for a request with `method` (GET, HEAD and OPTIONS read).
    pub(crate) async fn acquire(&self, method: Method) {
        match (&self.write, method) {
            (Some(write), Method::Post | Method::Put | Method::Patch | Method::Delete) => {
                write.acquire().await
            }
            _ => self.read.acquire().await,
        }
    }
}
