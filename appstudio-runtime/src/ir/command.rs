//! Commands of `data_pipeline`, options, intakes and auth.

use super::*;

/// One command with its place in `app.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// What it does.
    pub op: Op,
    /// Where it is.
    pub loc: Loc,
}

/// The commands of the format.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// `!jq`.
    Jq(Jq),
    /// `!http`.
    Http(Cow<'static, Http>),
    /// `!pipe`.
    Pipe(List<Command>),
    /// `!switch`.
    Switch {
        /// Selects the 0-based case.
        jq: Jq,
        /// The cases.
        cases: List<Command>,
    },
    /// `!resource`.
    Resource(Resource),
    /// `!save`.
    Save(Scope),
    /// `!error`: halts with a static message.
    Error(Str),
    /// `!print_c`: logs, passes its input on.
    PrintC(StrTemplate),
    /// `!extract`.
    Extract {
        /// Keys whose JSON-string values are parsed.
        item_keys: List<Str>,
        /// Parse into JSON (`true`) or leave as text.
        to_json: bool,
    },
    /// `!sha`.
    Sha {
        /// Hash algorithm.
        algorithm: ShaAlgorithm,
        /// HMAC key.
        secret: Option<StrTemplate>,
    },
    /// `!respond`.
    Respond {
        /// The request is a real payload.
        process_payload: bool,
        /// Status code.
        code: u16,
        /// Response headers.
        headers: Template,
        /// Response body.
        body: Template,
    },
}

/// A jq program, checked at build time.
///
/// Every `${…}` of the source became a jq variable `$__as_N` ([`crate::jq::expansion_var`]),
/// bound to `vars[N]` ([`crate::jq::rewrite_expansions`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Jq {
    /// The program with expansions replaced by variables.
    pub program: Str,
    /// Values of `$__as_0`, `$__as_1`, ….
    pub vars: List<Expansion>,
    /// Whether the program runs natively, without jaq (decided when the app compiles: the
    /// program lowers to the native subset's op tree).
    pub native: bool,
}

/// `!http`.
#[derive(Debug, Clone, PartialEq)]
pub struct Http {
    /// Method.
    pub method: Method,
    /// Whose API and credentials.
    pub target: Target,
    /// Absolute `url`.
    pub url: Option<StrTemplate>,
    /// `path`, joined to `api.base_url` (or used as it is when absolute).
    pub path: Option<StrTemplate>,
    /// Query parameters.
    pub params: List<(Str, Template)>,
    /// Request headers.
    pub headers: List<(Str, StrTemplate)>,
    /// Request body.
    pub body: Option<Template>,
    /// Send the body form-encoded (D4).
    pub form: bool,
    /// Follow `api.pagination`.
    pub pagination: bool,
    /// The result is `{"body": response}` because a consumer reads `.body` (D3).
    pub wrap_body: bool,
}

/// HTTP methods of `!http`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
    /// OPTIONS.
    Options,
}

/// `!http.target`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The connected account's API with its credentials.
    Connection,
    /// Any URL, no credentials.
    External,
    /// ActiveCampaign API v3 of the current account.
    ActiveCampaign,
}

/// `!resource`.
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// `ActiveCampaignContact`.
    Contact,
    /// `ActiveCampaignContact.fields`.
    ContactFields,
    /// `ActiveCampaignAccount.fields`.
    AccountFields,
    /// `ActiveCampaignDeal.fields`.
    DealFields,
    /// `ActiveCampaign.fields`.
    Fields,
    /// `ActiveCampaign.sync`.
    Sync,
    /// `{"action": "ActiveCampaignAccount.sync", "data": …}`.
    AccountSync(Template),
    /// `{"action": "ActiveCampaignDeal.sync", "data": …}`.
    DealSync(Template),
}

/// `!sha.algorithm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum ShaAlgorithm {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_224,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Shake128,
    Shake256,
    Blake2b,
    Blake2s,
}

impl ShaAlgorithm {
    /// Every algorithm with its name in `app.json`.
    pub const ALL: [(&'static str, Self); 14] = [
        ("md5", Self::Md5),
        ("sha1", Self::Sha1),
        ("sha224", Self::Sha224),
        ("sha256", Self::Sha256),
        ("sha384", Self::Sha384),
        ("sha512", Self::Sha512),
        ("sha3_224", Self::Sha3_224),
        ("sha3_256", Self::Sha3_256),
        ("sha3_384", Self::Sha3_384),
        ("sha3_512", Self::Sha3_512),
        ("shake_128", Self::Shake128),
        ("shake_256", Self::Shake256),
        ("blake2b", Self::Blake2b),
        ("blake2s", Self::Blake2s),
    ];
}
