//! `auth`: the `defined_fields` each auth type may and must declare.

use super::Index;
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
