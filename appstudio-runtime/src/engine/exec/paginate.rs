//! `!http` with `"pagination": true`: follows `api.pagination` (page, limitoffset, cursor, and
//! every parser key), merging the pages; stops on an empty or repeated page, a repeated
//! cursor, the parsers' end, or [`MAX_PAGES`].

use crate::json::{Map, Value};

use crate::engine::ctx::Ctx;
use crate::engine::error::{Error, Result};
use crate::engine::exec;
use crate::engine::http;
use crate::engine::session::Session;
use crate::ir::{Command, Http, PageStyle, Pagination, Param, Scalar};

/// Most pages fetched by one paginated request.
pub const MAX_PAGES: usize = 100;

/// The query parameter carrying a cursor (the reference's example: `next_cursor=…`).
pub(super) const CURSOR_PARAM: &str = "next_cursor";

/// Fetches every page and returns them merged, shaped as one response (D3).
pub(super) async fn run(
    session: &Session<'_>,
    h: &Http,
    ctx: &mut Ctx,
    piped: &[Value],
) -> Result<Value> {
    let Some(p) = session.app().api.pagination.as_ref() else {
        return Err(Error::config(
            "`\"pagination\": true` needs `api.pagination`",
        ));
    };
    let mut pages: Vec<Value> = Vec::new();
    let mut state = Cursor::start(&p.style);
    // the URL of the page just fetched: a next-page URL is read against it (D19)
    let mut previous: Option<url::Url> = None;
    for _ in 0..MAX_PAGES {
        let mut request = exec::prepare(session, h, ctx, piped)?;
        match (&state.next_url, &previous) {
            (Some(u), Some(from)) => request.url = next_page(from, u)?,
            _ => {
                let mut q = request.url.query_pairs_mut();
                for (name, value) in state.params(&p.style) {
                    q.append_pair(&name, &value);
                }
            }
        }
        previous = Some(request.url.clone());
        let body = session.send(h.target, request).await?.body;
        if pages.last() == Some(&body) || is_empty_page(&body) {
            break;
        }
        let shaped = http::shape(h.wrap_body, body.clone());
        pages.push(body);
        if !state.advance(session, p, &shaped, ctx).await? {
            break;
        }
    }
    Ok(http::shape(h.wrap_body, merge(pages)))
}

/// The URL a parser's `next_page_url` gives, read against the URL of the page it came from
/// (so a relative one stays there), followed only on that page's origin: a remote answer
/// must not send the connection's credentials to another host (D19).
fn next_page(from: &url::Url, next: &str) -> Result<url::Url> {
    let url = from
        .join(next)
        .map_err(|e| Error::invalid(format!("`next_page_url` `{next}` is not a URL: {e}")))?;
    let (to, origin) = (url.origin(), from.origin());
    if to != origin || !to.is_tuple() {
        return Err(Error::invalid(format!(
            "`next_page_url` points to {}, another origin than its page's {}: it was not \
             followed, so the connection's credentials stay on the API's origin",
            to.ascii_serialization(),
            origin.ascii_serialization()
        )));
    }
    Ok(url)
}

impl Cursor {
    /// Moves past the page just fetched (`shaped` as the parsers read it), by the parser of
    /// the style; `false` when there is no next page.
    async fn advance(
        &mut self,
        session: &Session<'_>,
        p: &Pagination,
        shaped: &Value,
        ctx: &mut Ctx,
    ) -> Result<bool> {
        match &p.style {
            PageStyle::Page { .. } => {
                self.page += 1;
                // a next-page URL is followed; without one, `total_pages` (when the app
                // parses it) still says whether the numbered next page exists
                if let Some(cmd) = &p.next_page_url {
                    match parse(session, cmd, shaped, ctx).await? {
                        Value::String(u) if !u.is_empty() => {
                            let new = self.first_time(&u);
                            self.next_url = Some(u.to_string());
                            return Ok(new);
                        }
                        _ if p.total_pages.is_none() => return Ok(false),
                        _ => self.next_url = None,
                    }
                }
                let total = count(session, p.total_pages.as_ref(), shaped, ctx).await?;
                Ok(total.is_none_or(|t| self.page - self.first_page < t))
            }
            PageStyle::LimitOffset { .. } => {
                self.offset += self.size;
                let total = count(session, p.total_items.as_ref(), shaped, ctx).await?;
                Ok(total.is_none_or(|t| self.offset < t))
            }
            PageStyle::Cursor { .. } => {
                let Some(cmd) = &p.next_result_token else {
                    return Ok(false);
                };
                let token = match parse(session, cmd, shaped, ctx).await? {
                    Value::Null => return Ok(false),
                    Value::String(s) if s.is_empty() => return Ok(false),
                    Value::String(s) => s,
                    other => other.to_string().into(),
                };
                let new = self.first_time(&token);
                self.cursor = Some(token.to_string());
                Ok(new)
            }
        }
    }

    /// Whether a next-page URL or cursor is new (a repeated one ends the walk).
    fn first_time(&mut self, token: &str) -> bool {
        if self.seen.iter().any(|t| t == token) {
            return false;
        }
        self.seen.push(token.to_owned());
        true
    }
}

/// Runs a parser command on one page.
async fn parse(session: &Session<'_>, cmd: &Command, page: &Value, ctx: &mut Ctx) -> Result<Value> {
    exec::run(session, cmd, page.clone(), ctx, &[]).await
}

/// The count a parser, when there is one, gives for one page.
async fn count(
    session: &Session<'_>,
    cmd: Option<&Command>,
    page: &Value,
    ctx: &mut Ctx,
) -> Result<Option<i64>> {
    match cmd {
        Some(cmd) => Ok(number(&parse(session, cmd, page, ctx).await?)),
        None => Ok(None),
    }
}

/// A count from a parser: a number or a numeric string (ActiveCampaign's `meta.total`).
fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.ceil() as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Where the next page starts.
struct Cursor {
    first_page: i64,
    page: i64,
    size: i64,
    offset: i64,
    cursor: Option<String>,
    /// The next-page URL a parser gave.
    next_url: Option<String>,
    /// Every next-page URL and cursor followed so far.
    seen: Vec<String>,
}

impl Cursor {
    fn start(style: &PageStyle) -> Cursor {
        let int = |p: &Param, default: i64| match &p.value {
            Scalar::Int(i) => *i,
            Scalar::Str(s) => s.parse().unwrap_or(default),
        };
        let (first_page, size, offset) = match style {
            PageStyle::Page {
                page_number,
                page_size,
                ..
            } => (int(page_number, 1), int(page_size, 0), 0),
            PageStyle::LimitOffset { limit, offset, .. } => {
                (0, int(limit, 0).max(1), int(offset, 0))
            }
            PageStyle::Cursor { limit, .. } => (0, int(limit, 0), 0),
        };
        Cursor {
            first_page,
            page: first_page,
            size,
            offset,
            cursor: None,
            next_url: None,
            seen: Vec::new(),
        }
    }

    /// The query parameters of the next request.
    fn params(&self, style: &PageStyle) -> Vec<(String, String)> {
        let text = |p: &Param| match &p.value {
            Scalar::Int(i) => i.to_string(),
            Scalar::Str(s) => s.to_string(),
        };
        let mut out = Vec::new();
        let extra = match style {
            PageStyle::Page {
                page_number,
                page_size,
                extra,
            } => {
                out.push((page_number.param.to_string(), self.page.to_string()));
                out.push((page_size.param.to_string(), text(page_size)));
                extra
            }
            PageStyle::LimitOffset {
                limit,
                offset,
                extra,
            } => {
                out.push((limit.param.to_string(), text(limit)));
                out.push((offset.param.to_string(), self.offset.to_string()));
                extra
            }
            PageStyle::Cursor {
                limit,
                ordering,
                extra,
            } => {
                out.push((limit.param.to_string(), text(limit)));
                if let Some(o) = ordering {
                    out.push((o.param.to_string(), text(o)));
                }
                if let Some(c) = &self.cursor {
                    out.push((CURSOR_PARAM.to_owned(), c.clone()));
                }
                extra
            }
        };
        out.extend(extra.iter().map(|p| (p.param.to_string(), text(p))));
        out
    }
}

/// A page without items: an empty array, or an object whose arrays are all empty.
fn is_empty_page(body: &Value) -> bool {
    match body {
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => {
            let mut arrays = m.values().filter_map(Value::as_array).peekable();
            arrays.peek().is_some() && arrays.all(|a| a.is_empty())
        }
        Value::Null => true,
        _ => false,
    }
}

/// Merges pages: arrays are concatenated; in objects, array members are concatenated and the
/// other members are the first page's.
pub(super) fn merge(pages: Vec<Value>) -> Value {
    let mut pages = pages.into_iter();
    let Some(mut out) = pages.next() else {
        return Value::Array(Vec::new().into());
    };
    for page in pages {
        match (&mut out, page) {
            (Value::Array(all), Value::Array(more)) => all.extend(more),
            (Value::Object(all), Value::Object(more)) => merge_objects(all, more),
            _ => {}
        }
    }
    out
}

fn merge_objects(all: &mut Map, more: Map) {
    for (k, v) in more {
        if let (Some(Value::Array(items)), Value::Array(new)) = (all.get_mut(&k), v) {
            items.extend(new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn merges_pages() {
        assert_eq!(merge(vec![json!([1]), json!([2, 3])]), json!([1, 2, 3]));
        assert_eq!(
            merge(vec![
                json!({"items": [1], "meta": {"p": 1}}),
                json!({"items": [2], "meta": {"p": 2}})
            ]),
            json!({"items": [1, 2], "meta": {"p": 1}})
        );
        assert!(is_empty_page(&json!({"items": [], "meta": {}})));
        assert!(!is_empty_page(&json!({"meta": {}})));
    }

    #[test]
    fn next_pages_stay_on_their_origin() {
        let from = url::Url::parse("https://api.a.example/v1/items?page=1").unwrap();
        let next = |u: &str| next_page(&from, u).map(|u| u.to_string());
        assert_eq!(
            next("https://api.a.example/v1/items?page=2").unwrap(),
            "https://api.a.example/v1/items?page=2"
        );
        assert_eq!(
            next("/v1/items?page=3").unwrap(),
            "https://api.a.example/v1/items?page=3"
        );
        assert_eq!(
            next("https://API.a.example:443/v1/items?page=4").unwrap(),
            "https://api.a.example/v1/items?page=4"
        );
        for other in [
            "http://api.a.example/v1/items?page=2",
            "https://api.a.example:8443/v1/items",
            "https://evil.example/v1/items",
            "//evil.example/v1/items",
            "data:text/plain,hi",
        ] {
            let e = next(other).unwrap_err();
            assert_eq!(e.kind(), crate::engine::ErrorKind::InvalidInput, "{other}");
            assert!(e.message().contains("https://api.a.example"), "{e}");
        }
    }
}
