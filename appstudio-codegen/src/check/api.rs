//! `api`: pagination styles and parsers, rate limits, the base URL.

use super::{Index, absolute_url, positive};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::spec::{App, PageParser, PageStyle, Pagination, RateLimit, RateQuota};
use crate::suggest;

/// The rules of `api`.
/// Nothing when `api` is missing or broken (reported when loaded).
pub(super) fn check(app: &App, index: &Index, diags: &mut Vec<Diagnostic>) {
    let Some(api) = app.api.get() else { return };
    absolute_url(
        &api.base_url.text,
        api.base_url.span,
        "`api.base_url`",
        diags,
    );
    if let Some(p) = &api.pagination {
        pagination(p, index, diags);
    }
    if let Some(r) = &api.rate_limit {
        rate_limit(r, diags);
    }
}

/// Each pagination style has the parser members it reads, and no others.
fn pagination(p: &Pagination, index: &Index, diags: &mut Vec<Diagnostic>) {
    let (style, needs, forbids): (&str, &[&str], &[&str]) = match &p.style {
        PageStyle::Page(s) => {
            positive(&s.page_number.value, 0, "`page_number.value`", diags);
            positive(&s.page_size.value, 1, "`page_size.value`", diags);
            (
                "page",
                &["total_pages", "next_page_url"],
                &["total_items", "next_result_token", "previous_result_token"],
            )
        }
        PageStyle::LimitOffset(s) => {
            positive(&s.limit.value, 1, "`limit.value`", diags);
            positive(&s.offset.value, 0, "`offset.value`", diags);
            (
                "limitoffset",
                &["total_items"],
                &["total_pages", "next_result_token", "previous_result_token"],
            )
        }
        PageStyle::Cursor(s) => {
            positive(&s.limit.value, 1, "`limit.value`", diags);
            (
                "cursor",
                &["next_result_token"],
                &["total_pages", "total_items"],
            )
        }
    };
    let parser = p.parser.as_ref();
    let has = |k: &str| {
        parser.is_some_and(|pp| match k {
            "total_pages" => pp.total_pages.is_some(),
            "total_items" => pp.total_items.is_some(),
            "next_result_token" => pp.next_result_token.is_some(),
            "previous_result_token" => pp.previous_result_token.is_some(),
            _ => pp.next_page_url.is_some(),
        })
    };
    if !needs.iter().any(|k| has(k)) && !index.lost_member(p.span, "parser") {
        let at = parser.map_or(p.span, |pp| pp.span);
        diags.push(
            Diagnostic::error(
                Code::PAGINATION,
                at.head(),
                format!(
                    "`{style}` pagination needs a parser for {}",
                    suggest::one_of(needs)
                ),
            )
            .label("nothing tells when the last page is reached")
            .help(format!(
                "add `\"parser\": {{\"{}\": {{\"!jq\": …}}}}`",
                needs[0]
            )),
        );
    }
    if let Some(pp) = parser {
        unread(pp, style, needs, forbids, diags);
    }
}

/// Parser members the style does not read.
fn unread(
    pp: &PageParser,
    style: &str,
    needs: &[&str],
    forbids: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    let node_of = |k: &str| match k {
        "total_pages" => pp.total_pages.as_ref(),
        "total_items" => pp.total_items.as_ref(),
        "next_result_token" => pp.next_result_token.as_ref(),
        _ => pp.previous_result_token.as_ref(),
    };
    for k in forbids {
        if let Some(c) = node_of(k) {
            diags.push(
                Diagnostic::error(
                    Code::PAGINATION,
                    c.span,
                    format!("`{k}` does not apply to `{style}` pagination"),
                )
                .label("never read")
                .help(format!(
                    "`{style}` pagination reads {}",
                    suggest::one_of(needs)
                )),
            );
        }
    }
}

/// Quotas are positive.
fn rate_limit(r: &RateLimit, diags: &mut Vec<Diagnostic>) {
    for q in [&r.user, &r.app].into_iter().flatten() {
        let quotas = match q {
            RateQuota::Split(rw) => vec![&rw.read, &rw.write],
            RateQuota::Flat(f) => vec![f],
        };
        for q in quotas {
            positive(&q.requests, 1, "`requests`", diags);
            positive(&q.period, 1, "`period`", diags);
        }
    }
}
