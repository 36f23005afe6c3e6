//! `api`: base URL, pagination, rate limits.

use super::*;

/// `api`.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Prefix of `!http` paths with `target: connection`.
    pub base_url: StrTemplate,
    /// `api.pagination`.
    pub pagination: Option<Pagination>,
    /// `api.rate_limit`.
    pub rate_limit: Option<RateLimit>,
}

/// `api.pagination`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// `style`.
    pub style: PageStyle,
    /// `parser.total_pages`.
    pub total_pages: Option<Command>,
    /// `parser.total_items`.
    pub total_items: Option<Command>,
    /// `parser.next_result_token`.
    pub next_result_token: Option<Command>,
    /// `parser.previous_result_token`.
    pub previous_result_token: Option<Command>,
    /// `parser.next_page_url`.
    pub next_page_url: Option<Command>,
}

/// `pagination.style`.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// `type: page`.
    Page {
        /// Page number parameter; its value is the first page.
        page_number: Param,
        /// Page size parameter.
        page_size: Param,
        /// Fixed extra parameters.
        extra: List<Param>,
    },
    /// `type: limitoffset`.
    LimitOffset {
        /// Limit parameter; its value is the page size.
        limit: Param,
        /// Offset parameter; its value is the first offset.
        offset: Param,
        /// Fixed extra parameters.
        extra: List<Param>,
    },
    /// `type: cursor`.
    Cursor {
        /// Limit parameter.
        limit: Param,
        /// Ordering parameter.
        ordering: Option<Param>,
        /// Fixed extra parameters.
        extra: List<Param>,
    },
}

/// A query parameter with its initial or fixed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Parameter name.
    pub param: Str,
    /// Its value.
    pub value: Scalar,
}

/// An integer or string parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// An integer.
    Int(i64),
    /// A string.
    Str(Str),
}

/// `api.rate_limit`, both published shapes normalised to read/write quotas.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    /// Per user or per app.
    pub level: RateLevel,
    /// Quota of reads (GET, HEAD, OPTIONS).
    pub read: Quota,
    /// Quota of writes (every other method).
    pub write: Quota,
    /// `true` for the flat form, where reads and writes share one quota.
    pub shared: bool,
}

/// Who shares a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLevel {
    /// One quota per connected user.
    User,
    /// One quota for all installs of the app.
    App,
}

/// `requests` per `period` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per period.
    pub requests: u32,
    /// Period in seconds.
    pub period: u32,
}
