//! `auth`: the authentication methods.

use schemars::JsonSchema;

use super::{Cx, FromNode, Spanned, StrTmpl, Template, Text, spec_struct, tag, tagged};
use crate::json::Node;
use crate::source::Span;

tag!(
    /// `"oauth2"`.
    OAuth2Tag = "oauth2"
);
tag!(
    /// `"basic"`.
    BasicTag = "basic"
);
tag!(
    /// `"token"`.
    TokenTag = "token"
);
tag!(
    /// `"session"`.
    SessionTag = "session"
);

/// One entry of `auth`, by `type`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // a few per app, built once
pub(crate) enum Auth {
    /// OAuth 2 authorization-code flow.
    OAuth2(OAuth2Auth),
    /// HTTP Basic.
    Basic(BasicAuth),
    /// A token in a header.
    Token(TokenAuth),
    /// A session token obtained by POSTing credentials.
    Session(SessionAuth),
}

impl Auth {
    /// `defined_fields`, if any.
    pub(crate) fn defined_fields(&self) -> Option<&DefinedFields> {
        match self {
            Auth::OAuth2(a) => a.defined_fields.as_ref(),
            Auth::Basic(a) => Some(&a.defined_fields),
            Auth::Token(a) => Some(&a.defined_fields),
            Auth::Session(a) => Some(&a.defined_fields),
        }
    }

    /// The `type` value.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Auth::OAuth2(_) => "oauth2",
            Auth::Basic(_) => "basic",
            Auth::Token(_) => "token",
            Auth::Session(_) => "session",
        }
    }

    /// Where the entry is.
    pub(crate) fn span(&self) -> Span {
        match self {
            Auth::OAuth2(a) => a.span,
            Auth::Basic(a) => a.span,
            Auth::Token(a) => a.span,
            Auth::Session(a) => a.span,
        }
    }
}

impl FromNode for Auth {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        tagged(
            node,
            cx,
            "auth method",
            &[
                ("oauth2", |n, cx| {
                    OAuth2Auth::from_node(n, cx).map(Auth::OAuth2)
                }),
                ("basic", |n, cx| {
                    BasicAuth::from_node(n, cx).map(Auth::Basic)
                }),
                ("token", |n, cx| {
                    TokenAuth::from_node(n, cx).map(Auth::Token)
                }),
                ("session", |n, cx| {
                    SessionAuth::from_node(n, cx).map(Auth::Session)
                }),
            ],
        )
    }
}

spec_struct! {
    /// `type: oauth2`.
    pub struct OAuth2Auth ("an oauth2 auth method") {
        /// `"oauth2"`.
        "type" kind: OAuth2Tag,
        /// Endpoints and client.
        "configuration" configuration: OAuth2Config,
        /// Only `subdomain`.
        "defined_fields" defined_fields: Option<DefinedFields>,
    }
}

spec_struct! {
    /// `auth.*.configuration` of oauth2.
    pub struct OAuth2Config ("oauth2 `configuration`") {
        /// Where the user grants access.
        "authorization_base_url" authorization_base_url: StrTmpl,
        /// Public client id.
        "client_id" client_id: Text,
        /// Client secret.
        "client_secret" client_secret: Text,
        /// Requested scopes.
        "scopes" scopes: Vec<Text>,
        /// Extra data appended to the token request.
        "token_request_body" token_request_body: Option<Text>,
        /// Code → token endpoint.
        "token_url" token_url: StrTmpl,
        /// Refresh endpoint.
        "refresh_url" refresh_url: Option<StrTmpl>,
        /// Send client credentials as parameters instead of HTTP Basic.
        "include_client_id" include_client_id: Option<Spanned<bool>>,
    }
}

spec_struct! {
    /// `type: basic`.
    pub struct BasicAuth ("a basic auth method") {
        /// `"basic"`.
        "type" kind: BasicTag,
        /// GET with the credentials; 200 means valid.
        "verify_url" verify_url: StrTmpl,
        /// `username`, `password`, optional `subdomain`.
        "defined_fields" defined_fields: DefinedFields,
    }
}

spec_struct! {
    /// `type: token`.
    pub struct TokenAuth ("a token auth method") {
        /// `"token"`.
        "type" kind: TokenTag,
        /// Header carrying the token.
        "header_key" header_key: Text,
        /// GET with the token; 200 means valid.
        "verify_url" verify_url: StrTmpl,
        /// `token`, optional `subdomain`.
        "defined_fields" defined_fields: DefinedFields,
        /// Text before the token.
        "token_prefix" token_prefix: Option<Text>,
    }
}

spec_struct! {
    /// `type: session`.
    pub struct SessionAuth ("a session auth method") {
        /// `"session"`.
        "type" kind: SessionTag,
        /// POST with the credentials.
        "verify_url" verify_url: StrTmpl,
        /// `username`, `password`, optional `subdomain`.
        "defined_fields" defined_fields: DefinedFields,
        /// JSON sent to `verify_url`.
        "request_body" request_body: Option<Template>,
    }
}

spec_struct! {
    /// `defined_fields`.
    pub struct DefinedFields ("`defined_fields`") {
        /// User name input.
        "username" username: Option<DefinedField>,
        /// Password input.
        "password" password: Option<DefinedField>,
        /// Token input.
        "token" token: Option<DefinedField>,
        /// Subdomain input; enables `${subdomain}`.
        "subdomain" subdomain: Option<DefinedField>,
    }
}

spec_struct! {
    /// One `defined_fields` entry.
    pub struct DefinedField ("a defined field") {
        /// Input label.
        "label" label: Text,
        /// Input placeholder.
        "placeholder" placeholder: Text,
        /// Help text (CommonMark).
        "help_text" help_text: Text,
    }
}
