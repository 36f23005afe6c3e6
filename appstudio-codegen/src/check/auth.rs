//! `auth`: the `defined_fields` each auth type may and must declare; its URLs are absolute.

use super::{Index, absolute_url};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::spec::Auth;
use crate::suggest;

/// The fields each auth type must and may define.
pub(super) fn defined_fields(key: &str, auth: &Auth, index: &Index, diags: &mut Vec<Diagnostic>) {
    let (required, allowed): (&[&str], &[&str]) = match auth {
        Auth::OAuth2(_) => (&[], &["subdomain"]),
        Auth::Basic(_) | Auth::Session(_) => (
            &["username", "password"],
            &["username", "password", "subdomain"],
        ),
        Auth::Token(_) => (&["token"], &["token", "subdomain"]),
    };
    let Some(df) = auth.defined_fields() else {
        return;
    };
    let present = [
        ("username", df.username.as_ref()),
        ("password", df.password.as_ref()),
        ("token", df.token.as_ref()),
        ("subdomain", df.subdomain.as_ref()),
    ];
    for (name, field) in present {
        if let Some(f) = field
            && !allowed.contains(&name)
        {
            diags.push(
                Diagnostic::error(
                    Code::DEFINED_FIELDS,
                    f.span,
                    format!("a {} auth method has no `{name}` field", auth.type_name()),
                )
                .label("not a field of this auth type")
                .help(format!(
                    "`{key}` ({}) may define {}",
                    auth.type_name(),
                    suggest::one_of(allowed)
                )),
            );
        }
        if field.is_none() && required.contains(&name) && !index.lost_member(df.span, name) {
            diags.push(
                Diagnostic::error(
                    Code::DEFINED_FIELDS,
                    df.span.head(),
                    format!(
                        "`defined_fields` of {} auth `{key}` is missing `{name}`",
                        auth.type_name()
                    ),
                )
                .label(format!("needs `{name}`"))
                .help(format!(
                    "a {} auth method defines {}",
                    auth.type_name(),
                    suggest::one_of(required)
                )),
            );
        }
    }
}

/// The URLs of an auth method are absolute: the engine parses them on every connect and
/// refresh, so a relative one fails every time.
pub(super) fn urls(auth: &Auth, diags: &mut Vec<Diagnostic>) {
    let urls = match auth {
        Auth::OAuth2(a) => {
            let c = &a.configuration;
            vec![
                (&c.authorization_base_url, "`authorization_base_url`"),
                (&c.token_url, "`token_url`"),
            ]
            .into_iter()
            .chain(c.refresh_url.as_ref().map(|u| (u, "`refresh_url`")))
            .collect()
        }
        Auth::Basic(a) => vec![(&a.verify_url, "`verify_url`")],
        Auth::Token(a) => vec![(&a.verify_url, "`verify_url`")],
        Auth::Session(a) => vec![(&a.verify_url, "`verify_url`")],
    };
    for (url, what) in urls {
        absolute_url(&url.text, url.span, what, diags);
    }
}
