//! The top level, `auth`, `api`, `data_intake` and `objects`.

use schemars::JsonSchema;

use super::{
    Command, Cx, FromNode, Json, NamedMap, Scope, Spanned, StrTmpl, Template, Text, Workflow,
    spec_enum, spec_struct, tag, tagged,
};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{Node, Value};
use crate::source::Span;

spec_struct! {
    /// A whole `app.json`.
    pub struct App ("the app") {
        /// JSON Schema reference for editors; ignored.
        "$schema" schema: Option<Text>,
        /// Always `"2"`.
        "$version" version: Text,
        /// Named authentication methods.
        "auth" auth: NamedMap<Auth>,
        /// The third party's API.
        "api" api: Api,
        /// Inbound data sources.
        "data_intake" data_intake: Option<Vec<Intake>>,
        /// The integration's workflows.
        "workflows" workflows: Vec<Workflow>,
        /// Core and custom object definitions.
        "objects" objects: Option<Vec<Object>>,
    }
}

// ---------------------------------------------------------------------------------------------
// auth

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

// ---------------------------------------------------------------------------------------------
// api

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

// ---------------------------------------------------------------------------------------------
// data_intake

tag!(
    /// `"webhook"`.
    WebhookTag = "webhook"
);
tag!(
    /// `"polling"`.
    PollingTag = "polling"
);

/// One entry of `data_intake`, by `type`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // a few per app, built once
pub(crate) enum Intake {
    /// Pushed by the provider.
    Webhook(WebhookIntake),
    /// Fetched periodically.
    Polling(PollingIntake),
}

impl Intake {
    /// The intake's name.
    pub(crate) fn name(&self) -> &Text {
        match self {
            Intake::Webhook(w) => &w.name,
            Intake::Polling(p) => &p.name,
        }
    }
}

impl FromNode for Intake {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        tagged(
            node,
            cx,
            "data intake",
            &[
                ("webhook", |n, cx| {
                    WebhookIntake::from_node(n, cx).map(Intake::Webhook)
                }),
                ("polling", |n, cx| {
                    PollingIntake::from_node(n, cx).map(Intake::Polling)
                }),
            ],
        )
    }
}

spec_struct! {
    /// A webhook intake.
    pub struct WebhookIntake ("a webhook intake") {
        /// Unique name.
        "name" name: Text,
        /// `"webhook"`.
        "type" kind: WebhookTag,
        /// `workflow`, `connection` or `application`.
        "scope" scope: Spanned<Scope>,
        /// Extracts the selected resource's id from a payload.
        "resource_id" resource_id: Option<Command>,
        /// Extracts the external account id from a payload.
        "account_id" account_id: Option<Command>,
        /// Registers `${webhook.url}`.
        "create" create: Command,
        /// Refreshes the registration.
        "update" update: Option<Command>,
        /// Removes the registration.
        "delete" delete: Option<Command>,
        /// Answers verification requests.
        "verification" verification: Option<Command>,
    }
}

spec_enum! {
    /// `import_option` and `import_options[].type`.
    pub enum ImportKind ("import option") {
        "single" => Single, "recurring" => Recurring,
    }
}

spec_struct! {
    /// A polling intake.
    pub struct PollingIntake ("a polling intake") {
        /// Unique name.
        "name" name: Text,
        /// `"polling"`.
        "type" kind: PollingTag,
        /// Runs once at configuration.
        "initial_setup" initial_setup: Option<Command>,
        /// Runs once per cycle before `request`.
        "pre_poll" pre_poll: Option<Command>,
        /// The looping fetch: returns `{results, iterate, polling_state}`.
        "request" request: Command,
        /// Runs once per cycle after `request`.
        "post_poll" post_poll: Option<Command>,
        /// Seconds between cycles (≥ 60).
        "frequency" frequency: Option<Spanned<i64>>,
        /// `single` or `recurring`.
        "import_option" import_option: Option<Spanned<ImportKind>>,
    }
}

// ---------------------------------------------------------------------------------------------
// objects

spec_struct! {
    /// One entry of `objects`.
    pub struct Object ("an object definition") {
        /// Unique, permanent name.
        "name" name: Text,
        /// Singular and plural labels.
        "labels" labels: Labels,
        /// Description.
        "description" description: Text,
        /// Payload field holding the record's external id.
        "external_id" external_id: Text,
        /// Core ActiveCampaign object (core object only).
        "ac_object" ac_object: Option<Text>,
        /// Field schema (`[]` for the core object).
        "fields" fields: Vec<Json>,
        /// Link to the core object (custom objects).
        "relationships" relationships: Option<Json>,
        /// Shape not in the reference.
        "transform" transform: Option<Json>,
        /// Shape not in the reference.
        "event_type_field" event_type_field: Option<Text>,
        /// Shape not in the reference.
        "event_types" event_types: Option<Vec<Json>>,
        /// Shape not in the reference.
        "from_reference" from_reference: Option<Json>,
        /// Shape not in the reference.
        "prepare_to_transform" prepare_to_transform: Option<Json>,
    }
}

spec_struct! {
    /// `objects[].labels`.
    pub struct Labels ("`labels`") {
        /// Singular label.
        "singular" singular: Text,
        /// Plural label.
        "plural" plural: Text,
    }
}
