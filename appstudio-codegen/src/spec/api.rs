//! `api`: base URL, pagination, rate limits.

use schemars::JsonSchema;

use super::{Command, Cx, FromNode, NamedMap, Spanned, StrTmpl, Text, spec_struct, tag, tagged};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{Node, Value};
use crate::source::Span;

spec_struct! {
    /// `api`.
    pub struct Api ("`api`") {
        /// Prefix of connection paths; may use `${subdomain}`.
        "base_url" base_url: StrTmpl,
        /// Pagination of list endpoints.
        "pagination" pagination: Option<Pagination>,
        /// Throttle for calls to the API.
        "rate_limit" rate_limit: Option<RateLimit>,
    }
}

spec_struct! {
    /// `api.pagination`.
    pub struct Pagination ("`pagination`") {
        /// How pages are requested.
        "style" style: PageStyle,
        /// How page information is read from responses.
        "parser" parser: Option<PageParser>,
    }
}

tag!(
    /// `"page"`.
    PageTag = "page"
);
tag!(
    /// `"limitoffset"`.
    LimitOffsetTag = "limitoffset"
);
tag!(
    /// `"cursor"`.
    CursorTag = "cursor"
);

/// `pagination.style`, by `type`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum PageStyle {
    /// Page number and size.
    Page(PageNumberStyle),
    /// Limit and offset.
    LimitOffset(LimitOffsetStyle),
    /// Cursor tokens.
    Cursor(CursorStyle),
}

impl FromNode for PageStyle {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        tagged(
            node,
            cx,
            "pagination style",
            &[
                ("page", |n, cx| {
                    PageNumberStyle::from_node(n, cx).map(PageStyle::Page)
                }),
                ("limitoffset", |n, cx| {
                    LimitOffsetStyle::from_node(n, cx).map(PageStyle::LimitOffset)
                }),
                ("cursor", |n, cx| {
                    CursorStyle::from_node(n, cx).map(PageStyle::Cursor)
                }),
            ],
        )
    }
}

spec_struct! {
    /// `style.type: page`.
    pub struct PageNumberStyle ("a page style") {
        /// `"page"`.
        "type" kind: PageTag,
        /// Page parameter; value is the first page.
        "page_number" page_number: IntParam,
        /// Page size parameter.
        "page_size" page_size: IntParam,
        /// Fixed extra parameters.
        "extra" extra: Option<Extra>,
    }
}

spec_struct! {
    /// `style.type: limitoffset`.
    pub struct LimitOffsetStyle ("a limitoffset style") {
        /// `"limitoffset"`.
        "type" kind: LimitOffsetTag,
        /// Limit parameter; value is the page size.
        "limit" limit: IntParam,
        /// Offset parameter; value is the first offset.
        "offset" offset: IntParam,
        /// Fixed extra parameters.
        "extra" extra: Option<Extra>,
    }
}

spec_struct! {
    /// `style.type: cursor`.
    pub struct CursorStyle ("a cursor style") {
        /// `"cursor"`.
        "type" kind: CursorTag,
        /// Limit parameter.
        "limit" limit: IntParam,
        /// Ordering parameter.
        "ordering" ordering: Option<ScalarParam>,
        /// Fixed extra parameters.
        "extra" extra: Option<Extra>,
    }
}

spec_struct! {
    /// `{param, value}` with an integer value.
    pub struct IntParam ("a pagination parameter") {
        /// Query parameter name.
        "param" param: Text,
        /// Initial value.
        "value" value: Spanned<i64>,
    }
}

spec_struct! {
    /// `{param, value}` with an integer or string value.
    pub struct ScalarParam ("a pagination parameter") {
        /// Query parameter name.
        "param" param: Text,
        /// Value.
        "value" value: Scalar,
    }
}

/// An integer or a string.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Scalar {
    /// An integer.
    Int(Spanned<i64>),
    /// A string.
    Str(Text),
}

impl FromNode for Scalar {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::String(_) => Text::from_node(node, cx).map(Scalar::Str),
            Value::Number(_) => Spanned::<i64>::from_node(node, cx).map(Scalar::Int),
            _ => {
                cx.wrong_type(node, "an integer or a string");
                None
            }
        }
    }
}

/// `style.extra`: an object of parameters, or a list of `{param, value}` (§14.7).
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Extra {
    /// `{"ordering": "desc"}`.
    Object(NamedMap<Scalar>),
    /// `[{"param": "ordering", "value": "desc"}]`.
    List(Vec<ScalarParam>),
}

impl FromNode for Extra {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Object(_) => NamedMap::from_node(node, cx).map(Extra::Object),
            Value::Array(_) => Vec::from_node(node, cx).map(Extra::List),
            _ => {
                cx.wrong_type(node, "an object or an array of `{param, value}`");
                None
            }
        }
    }
}

spec_struct! {
    /// `pagination.parser`: commands reading page information from a response.
    pub struct PageParser ("`parser`") {
        /// Number of pages (page style).
        "total_pages" total_pages: Option<Command>,
        /// Number of items (limitoffset style).
        "total_items" total_items: Option<Command>,
        /// Token of the next page (cursor style).
        "next_result_token" next_result_token: Option<Command>,
        /// Token of the previous page (cursor style).
        "previous_result_token" previous_result_token: Option<Command>,
        /// URL of the next page.
        "next_page_url" next_page_url: Option<Command>,
    }
}

/// `api.rate_limit`: exactly one of `user` / `app`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RateLimit {
    /// Quota per connected user.
    pub user: Option<RateQuota>,
    /// One pooled quota for all installs.
    pub app: Option<RateQuota>,
    /// `_comment`, ignored.
    #[serde(rename = "_comment")]
    pub comment: Option<super::Comment>,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
}

impl FromNode for RateLimit {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let members = cx.object(node, "an object (`rate_limit`)")?;
        let (mut user, mut app, mut ok) = (None, None, true);
        for m in members {
            match m.key.as_str() {
                "user" => {
                    user = RateQuota::from_node(&m.value, cx).or_else(|| {
                        ok = false;
                        None
                    })
                }
                "app" => {
                    app = RateQuota::from_node(&m.value, cx).or_else(|| {
                        ok = false;
                        None
                    })
                }
                "_comment" => ok &= super::Comment::from_node(&m.value, cx).is_some(),
                _ => {
                    cx.unknown_key(m, &["user", "app"], "`rate_limit`");
                    ok = false;
                }
            }
        }
        match (&user, &app) {
            (Some(_), Some(_)) => {
                let second = members.iter().rfind(|m| m.key == "user" || m.key == "app");
                cx.push(
                    Diagnostic::error(
                        Code::RATE_LIMIT,
                        second.map_or(node.span, |m| m.key_span),
                        "`rate_limit` has both `user` and `app`",
                    )
                    .label("second level")
                    .help("a rate limit applies per user or per app, not both"),
                );
                ok = false;
            }
            (None, None) if ok => {
                cx.push(
                    Diagnostic::error(Code::RATE_LIMIT, node.span, "`rate_limit` has neither `user` nor `app`")
                        .label("empty rate limit")
                        .help("write `{\"user\": {\"read\": {\"requests\": 100, \"period\": 60}, \"write\": {…}}}` or `{\"app\": {\"requests\": 10, \"period\": 1}}`"),
                );
                ok = false;
            }
            _ => {}
        }
        ok.then_some(RateLimit {
            user,
            app,
            comment: None,
            span: node.span,
        })
    }
}

/// The quota of one level: split into read/write, or flat (§14.6).
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RateQuota {
    /// `{read: {requests, period}, write: {requests, period}}`.
    Split(ReadWrite),
    /// `{requests, period}`.
    Flat(Quota),
}

impl FromNode for RateQuota {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        if node.get("requests").is_some() || node.get("period").is_some() {
            Quota::from_node(node, cx).map(RateQuota::Flat)
        } else {
            ReadWrite::from_node(node, cx).map(RateQuota::Split)
        }
    }
}

spec_struct! {
    /// Read and write quotas.
    pub struct ReadWrite ("a read/write rate limit") {
        /// Reads (GET).
        "read" read: Quota,
        /// Writes (other methods).
        "write" write: Quota,
    }
}

spec_struct! {
    /// `requests` per `period` seconds.
    pub struct Quota ("a quota") {
        /// Requests allowed per period (> 0).
        "requests" requests: Spanned<i64>,
        /// Period in seconds (> 0).
        "period" period: Spanned<i64>,
    }
}
