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

/// `auth.*.configuration` of an oauth2 entry. Its `Debug` redacts `client_secret` and
/// `token_request_body` (extra form data may carry a secret too), so `{:?}` of an app never
/// prints them; the values themselves are as written in `app.json`.
#[derive(Clone, PartialEq)]
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

/// Stands for a value `Debug` does not print.
struct Redacted;

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // every field named, so a new one is not forgotten here
        let OAuth2 {
            authorization_base_url,
            client_id,
            client_secret: _,
            scopes,
            token_request_body,
            token_url,
            refresh_url,
            include_client_id,
        } = self;
        f.debug_struct("OAuth2")
            .field("authorization_base_url", authorization_base_url)
            .field("client_id", client_id)
            .field("client_secret", &Redacted)
            .field("scopes", scopes)
            .field(
                "token_request_body",
                &token_request_body.as_ref().map(|_| Redacted),
            )
            .field("token_url", token_url)
            .field("refresh_url", refresh_url)
            .field("include_client_id", include_client_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_the_secrets() {
        let o = OAuth2 {
            authorization_base_url: StrTemplate::Lit("https://a.example/authorize".into()),
            client_id: "id".into(),
            client_secret: "s3cret".into(),
            scopes: List::default(),
            token_request_body: Some("client_secret=s3cret".into()),
            token_url: StrTemplate::Lit("https://a.example/token".into()),
            refresh_url: None,
            include_client_id: true,
        };
        let text = format!("{o:?}");
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("client_secret: <redacted>"), "{text}");
        assert!(text.contains("client_id: \"id\""), "{text}");
    }
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
