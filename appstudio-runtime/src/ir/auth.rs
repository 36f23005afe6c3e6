//! One app's `auth` entries: the four auth types and their defined fields.

use super::*;

/// One entry of `auth`.
#[derive(Debug, Clone, PartialEq)]
pub struct Auth {
    /// The key under `auth`.
    pub key: Str,
    /// The method and its configuration.
    pub method: AuthMethod,
    /// `defined_fields`, in file order.
    pub defined_fields: List<DefinedField>,
    /// Where the entry is.
    pub loc: Loc,
}

/// The four auth types.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthMethod {
    /// `type: oauth2`.
    OAuth2(OAuth2),
    /// `type: basic`: HTTP Basic with `username`/`password`.
    Basic {
        /// GET with the credentials; 200 means valid.
        verify_url: StrTemplate,
    },
    /// `type: token`: a header carrying the user's token.
    Token {
        /// Header name.
        header_key: Str,
        /// Text before the token, separated by one space.
        token_prefix: Option<Str>,
        /// GET with the token; 200 means valid.
        verify_url: StrTemplate,
    },
    /// `type: session`: POST credentials, receive `access_token`/`expires_in`.
    Session {
        /// POST with the credentials; 200 with a token means valid.
        verify_url: StrTemplate,
        /// JSON sent to `verify_url`.
        request_body: Option<Template>,
    },
}

/// `auth.*.configuration` of an oauth2 entry.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2 {
    /// Where the user grants access.
    pub authorization_base_url: StrTemplate,
    /// Public client id.
    pub client_id: Str,
    /// Client secret.
    pub client_secret: Str,
    /// Requested scopes.
    pub scopes: List<Str>,
    /// Extra form data for the token request.
    pub token_request_body: Option<Str>,
    /// Code → token endpoint.
    pub token_url: StrTemplate,
    /// Refresh endpoint (else `token_url`).
    pub refresh_url: Option<StrTemplate>,
    /// Send the client credentials as parameters (`true`) or HTTP Basic (`false`).
    pub include_client_id: bool,
}

/// The names a `defined_fields` entry may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    /// `username`.
    Username,
    /// `password`.
    Password,
    /// `token`.
    Token,
    /// `subdomain`: makes `${subdomain}` available.
    Subdomain,
}

impl FieldName {
    /// The key as written in `app.json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Password => "password",
            Self::Token => "token",
            Self::Subdomain => "subdomain",
        }
    }
}

/// One entry of `defined_fields`.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinedField {
    /// Which credential it is.
    pub name: FieldName,
    /// Input label.
    pub label: Str,
    /// Input placeholder.
    pub placeholder: Str,
    /// Help text (CommonMark).
    pub help_text: Str,
}
