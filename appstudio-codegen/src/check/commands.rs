//! Rules on single commands: `!http` targets and URLs, headers, form bodies, `!switch` cases,
//! `!respond` codes, `!error` messages, `!sha` HMACs.

use super::visit::{Place, Visitor};
use super::{Index, absolute_url};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::spec::{App, Command, Http, Op, ShaAlgorithm, Target, Template};

/// Checks each command it is shown.
pub(super) struct Commands<'a, 'i> {
    pub(super) app: &'i App,
    pub(super) index: &'i Index<'a>,
    pub(super) diags: &'i mut Vec<Diagnostic>,
}

impl Visitor for Commands<'_, '_> {
    fn command(&mut self, c: &Command, _: Place) {
        command(c, self.app, self.index, self.diags);
    }
}

fn command(c: &Command, app: &App, index: &Index, diags: &mut Vec<Diagnostic>) {
    match &c.op {
        Op::Http(h) => http(c, h, app, index, diags),
        Op::Sha(sha)
            if sha.secret.is_some()
                && matches!(
                    *sha.algorithm,
                    ShaAlgorithm::Shake128 | ShaAlgorithm::Shake256
                ) =>
        {
            // the engine refuses it on every run
            diags.push(
                Diagnostic::error(
                    Code::INVALID_VALUE,
                    sha.algorithm.span,
                    "`!sha` cannot compute an HMAC with a shake algorithm",
                )
                .label("no HMAC with this algorithm")
                .help("shake_128 and shake_256 have no fixed block output; use a sha2 or sha3 algorithm with `secret`"),
            );
        }
        Op::Error(t) => {
            if let Some(e) = t.expansions().next() {
                diags.push(
                    Diagnostic::error(
                        Code::ERROR_NOT_STATIC,
                        e.span,
                        "the `!error` message must be static",
                    )
                    .label("expansions are not allowed here")
                    .help("`!error` logs a fixed message; use `!print_c` before it to log values"),
                );
            }
        }
        Op::Switch(s) if s.cases.is_empty() => {
            diags.push(
                Diagnostic::error(Code::EMPTY_LIST, s.span, "`!switch` has no cases")
                    .label("add at least one case"),
            );
        }
        Op::Respond(r) => {
            if let Some(h) = &r.headers {
                http_headers(h, diags);
            }
            if let Some(code) = &r.code
                && !(100..=599).contains(&code.value)
            {
                diags.push(
                    Diagnostic::error(
                        Code::INVALID_VALUE,
                        code.span,
                        format!("HTTP status {} is out of range", code.value),
                    )
                    .label("expected 100–599"),
                );
            }
        }
        _ => {}
    }
}

/// `!http`: where the request goes, pagination, headers and a form body.
fn http(c: &Command, h: &Http, app: &App, index: &Index, diags: &mut Vec<Diagnostic>) {
    destination(c, h, index, diags);
    if let Some(p) = &h.pagination
        && p.value
        && let Some(api) = app.api.get()
        && api.pagination.is_none()
        && !index.lost_member(api.span, "pagination")
    {
        diags.push(
            Diagnostic::error(
                Code::PAGINATION_UNDEFINED,
                p.span,
                "`pagination: true` but `api` defines no `pagination`",
            )
            .label("nothing to follow")
            .help("add `api.pagination` with a `style` and a `parser`, or remove this key"),
        );
    }
    if let Some(headers) = &h.headers {
        http_headers(headers, diags);
        let form = headers.members.iter().any(|(k, v)| {
                    k.value.eq_ignore_ascii_case("content-type")
                        && matches!(v, Template::String(s) if s.text.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
                });
        if form
            && let Some(b) = &h.body
            && !matches!(b, Template::Object(..))
            && !matches!(b, Template::String(s) if s.single().is_some() || s.broken)
        {
            diags.push(
                        Diagnostic::error(Code::WRONG_TYPE, b.span(), "a form-encoded body must be an object")
                            .label("cannot be form-encoded")
                            .help("with `Content-Type: application/x-www-form-urlencoded` the body object's members become form fields"),
                    );
        }
    }
}

/// Exactly one of `path` and `url`; an absolute `url`; a relative API v3 `path` for
/// ActiveCampaign.
fn destination(c: &Command, h: &Http, index: &Index, diags: &mut Vec<Diagnostic>) {
    let target = h.target.as_ref().map_or(Target::Connection, |t| t.value);
    let url_lost = index.lost_member(h.span, "url") || index.lost_member(h.span, "path");
    match (&h.url, &h.path) {
        (None, None) if url_lost => {}
        (None, None) => diags.push(
            Diagnostic::error(
                Code::HTTP_URL,
                c.key_span,
                "`!http` has neither `path` nor `url`",
            )
            .label("where should the request go?")
            .help("add `\"path\": \"/…\"` (joined to `api.base_url`) or an absolute `\"url\"`"),
        ),
        (Some(u), Some(_)) => diags.push(
            Diagnostic::error(Code::HTTP_URL, u.span, "`!http` has both `path` and `url`")
                .label("use one"),
        ),
        (Some(u), None) => {
            if target == Target::ActiveCampaign {
                diags.push(
                    Diagnostic::error(
                        Code::HTTP_URL,
                        u.span,
                        "`url` with `target: activecampaign`",
                    )
                    .label("ActiveCampaign requests use a relative `path`")
                    .help("write `\"path\": \"/api/3/…\"`"),
                );
            } else {
                absolute_url(&u.text, u.span, "`url`", diags);
            }
        }
        (None, Some(p)) => {
            if target == Target::ActiveCampaign {
                let lower = p.text.to_ascii_lowercase();
                let rel = lower.trim_start_matches('/');
                if lower.contains("://") || !rel.starts_with("api/3/") {
                    diags.push(
                                Diagnostic::error(Code::HTTP_URL, p.span, "`target: activecampaign` needs a relative API v3 path")
                                    .label("expected `/api/3/…`")
                                    .help("the account's host is added by the runtime; write e.g. `\"path\": \"/api/3/contacts\"`"),
                            );
                } else if rel.starts_with("api/3/eventtracking")
                    || rel.starts_with("api/3/sitetracking")
                {
                    diags.push(
                        Diagnostic::error(
                            Code::HTTP_URL,
                            p.span,
                            "event and site tracking endpoints are not available to apps",
                        )
                        .label("excluded endpoint"),
                    );
                }
            }
        }
    }
}

/// Header names must be HTTP tokens; literal values must not contain CR, LF or NUL (D2).
fn http_headers(headers: &crate::spec::TemplateMap, diags: &mut Vec<Diagnostic>) {
    for (k, v) in &headers.members {
        let token = !k.value.is_empty()
            && k.value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            diags.push(
                Diagnostic::error(
                    Code::HEADER_VALUE,
                    k.span,
                    format!("`{}` is not a valid header name", k.value.escape_debug()),
                )
                .label("letters, digits and `-` only"),
            );
        }
        match v {
            Template::String(s) => {
                if s.pieces.iter().any(
                    |p| matches!(p, crate::spec::Piece::Lit(t) if t.contains(['\r', '\n', '\0'])),
                ) {
                    diags.push(
                        Diagnostic::error(
                            Code::HEADER_VALUE,
                            s.span,
                            "a header value contains a line break",
                        )
                        .label("header values are one line"),
                    );
                }
            }
            Template::Number(..) | Template::Bool(..) => {}
            other => diags.push(
                Diagnostic::error(
                    Code::WRONG_TYPE,
                    other.span(),
                    "a header value must be a string",
                )
                .label("expected a string"),
            ),
        }
    }
}
