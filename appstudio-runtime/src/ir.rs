//! The static intermediate representation of a compiled app.
//!
//! `include_app!` lowers a validated `app.json` into these types and emits them as `static`
//! tables: every string is a [`Str`] and every sequence a [`List`], so a whole app is built at
//! compile time without allocation (`Cow::Borrowed`), while the code generator builds the same
//! types with owned data. Expansions (`${…}`) are already parsed into [`Expansion`]s, jq programs
//! are already checked, and every command carries a [`Loc`] back into `app.json` (the source map).

use std::borrow::Cow;

/// A string in the IR: borrowed in generated `static`s, owned in the code generator.
pub type Str = Cow<'static, str>;
/// A sequence in the IR: borrowed in generated `static`s, owned in the code generator.
pub type List<T> = Cow<'static, [T]>;

/// A place in `app.json`: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Loc {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub col: u32,
}

/// `Cow::Borrowed` for strings, as a `const fn` so generated statics stay short.
pub const fn s(text: &'static str) -> Str {
    Cow::Borrowed(text)
}

// Slices stay `Cow::Borrowed(&[…])`: a function argument would not extend the temporary
// array to `'static`, an enum constructor does.

/// A [`Loc`], as a `const fn` so generated statics stay short.
pub const fn loc(line: u32, col: u32) -> Loc {
    Loc { line, col }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A whole compiled app.
#[derive(Debug, Clone, PartialEq)]
pub struct App {
    /// The config file as written in `include_app!` (for messages).
    pub file: Str,
    /// `auth`, in file order.
    pub auth: List<Auth>,
    /// `api`.
    pub api: Api,
    /// `data_intake`, in file order.
    pub intakes: List<Intake>,
    /// `workflows`, in file order.
    pub workflows: List<Workflow>,
    /// `objects`, in file order.
    pub objects: List<Object>,
}

// ---------------------------------------------------------------------------------------------
// auth

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

// ---------------------------------------------------------------------------------------------
// api

/// `api`.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Prefix of `!http` paths with `target: connection`.
    pub base_url: StrTemplate,
    /// `api.pagination`.
    pub pagination: Option<Pagination>,
    /// `api.rate_limit`.
    pub rate_limit: Option<RateLimit>,
}

/// `api.pagination`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// `style`.
    pub style: PageStyle,
    /// `parser.total_pages`.
    pub total_pages: Option<Command>,
    /// `parser.total_items`.
    pub total_items: Option<Command>,
    /// `parser.next_result_token`.
    pub next_result_token: Option<Command>,
    /// `parser.previous_result_token`.
    pub previous_result_token: Option<Command>,
    /// `parser.next_page_url`.
    pub next_page_url: Option<Command>,
}

/// `pagination.style`.
#[derive(Debug, Clone, PartialEq)]
pub enum PageStyle {
    /// `type: page`.
    Page {
        /// Page number parameter; its value is the first page.
        page_number: Param,
        /// Page size parameter.
        page_size: Param,
        /// Fixed extra parameters.
        extra: List<Param>,
    },
    /// `type: limitoffset`.
    LimitOffset {
        /// Limit parameter; its value is the page size.
        limit: Param,
        /// Offset parameter; its value is the first offset.
        offset: Param,
        /// Fixed extra parameters.
        extra: List<Param>,
    },
    /// `type: cursor`.
    Cursor {
        /// Limit parameter.
        limit: Param,
        /// Ordering parameter.
        ordering: Option<Param>,
        /// Fixed extra parameters.
        extra: List<Param>,
    },
}

/// A query parameter with its initial or fixed value.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Parameter name.
    pub param: Str,
    /// Its value.
    pub value: Scalar,
}

/// An integer or string parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// An integer.
    Int(i64),
    /// A string.
    Str(Str),
}

/// `api.rate_limit`, both published shapes normalised to read/write quotas.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimit {
    /// Per user or per app.
    pub level: RateLevel,
    /// Quota of reads (GET, HEAD, OPTIONS).
    pub read: Quota,
    /// Quota of writes (every other method).
    pub write: Quota,
    /// `true` for the flat form, where reads and writes share one quota.
    pub shared: bool,
}

/// Who shares a rate limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLevel {
    /// One quota per connected user.
    User,
    /// One quota for all installs of the app.
    App,
}

/// `requests` per `period` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per period.
    pub requests: u32,
    /// Period in seconds.
    pub period: u32,
}

// ---------------------------------------------------------------------------------------------
// data_intake

/// One entry of `data_intake`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    /// Unique name.
    pub name: Str,
    /// Webhook or polling.
    pub kind: IntakeKind,
    /// Where the entry is.
    pub loc: Loc,
}

/// The two intake types.
#[derive(Debug, Clone, PartialEq)]
pub enum IntakeKind {
    /// `type: webhook`.
    Webhook(Webhook),
    /// `type: polling`.
    Polling(Polling),
}

/// Scope of a webhook and of `!save`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One per configured workflow instance.
    Workflow,
    /// One per connected account.
    Connection,
    /// One for all customers of the app.
    Application,
}

impl Scope {
    /// The value as written in `app.json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Workflow => "workflow",
            Self::Connection => "connection",
            Self::Application => "application",
        }
    }
}

/// A webhook intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// `scope`.
    pub scope: Scope,
    /// Registers `${webhook.url}` with the provider.
    pub create: Command,
    /// Refreshes a registration.
    pub update: Option<Command>,
    /// Removes the registration.
    pub delete: Option<Command>,
    /// Answers verification requests.
    pub verification: Option<Command>,
    /// Extracts the selected resource's id from a payload.
    pub resource_id: Option<Command>,
    /// Extracts the external account id from a payload.
    pub account_id: Option<Command>,
}

/// A polling intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Polling {
    /// Runs once when a workflow is configured or reset.
    pub initial_setup: Option<Command>,
    /// Runs once per cycle before `request`.
    pub pre_poll: Option<Command>,
    /// The looping fetch.
    pub request: Command,
    /// Runs once per cycle after `request`.
    pub post_poll: Option<Command>,
    /// Seconds between cycles.
    pub frequency: Option<u32>,
    /// `single` or `recurring`.
    pub import_option: Option<ImportKind>,
}

/// An import option type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Import once.
    Single,
    /// Import on every cycle.
    Recurring,
}

// ---------------------------------------------------------------------------------------------
// workflows

/// Direction of a workflow (`type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `automations`: ActiveCampaign → third party.
    Outbound,
    /// `generic`: third party → ActiveCampaign.
    Inbound,
}

/// One entry of `workflows`.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    /// Unique slug.
    pub name: Str,
    /// User-visible label.
    pub label: Str,
    /// One-sentence description.
    pub description: Option<Str>,
    /// `type`.
    pub direction: Direction,
    /// Plural noun for branded triggers.
    pub resource_type: Option<Str>,
    /// Index into [`App::auth`].
    pub auth: usize,
    /// Index into [`App::intakes`].
    pub data_intake: Option<usize>,
    /// Index into [`App::intakes`] of the historical-sync polling intake.
    pub historical_data_intake: Option<usize>,
    /// Label overrides.
    pub resource_labels: ResourceLabels,
    /// Guided setup.
    pub setup: Setup,
    /// `data_pipeline.source`.
    pub source: Command,
    /// `data_pipeline.target`.
    pub target: Command,
    /// Where the entry is.
    pub loc: Loc,
}

/// `resource_labels`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceLabels {
    /// `webhook_events`.
    pub webhook_events: List<Str>,
    /// `webhook_objects_updated`.
    pub webhook_objects_updated: List<Str>,
    /// `historical_sync_events`.
    pub historical_sync_events: List<Str>,
    /// `historical_sync_objects_updated`.
    pub historical_sync_objects_updated: List<Str>,
}

/// `setup`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// `connect`.
    pub connect: Connect,
    /// `select`.
    pub select: Option<Select>,
    /// `map`.
    pub map: Option<Map>,
    /// `schedule`.
    pub schedule: Option<Schedule>,
    /// `review_events`.
    pub review_events: Option<Review>,
    /// `review_objects`.
    pub review_objects: Option<Review>,
}

/// `setup.connect`.
#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    /// Step title.
    pub label: Str,
    /// CommonMark help.
    pub help_text: Option<Str>,
    /// Returns `{account_id, description}`.
    pub describe_connection: Option<Command>,
}

/// `setup.select`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// Step title.
    pub label: Str,
    /// Text above the fields.
    pub description: Option<Str>,
    /// The inputs, in declaration order.
    pub form_fields: List<FormField>,
    /// `describe_selection.resource_id`.
    pub resource_id: Option<Command>,
    /// `describe_selection.display`.
    pub display: Option<Command>,
}

/// Form field input types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Short text.
    Text,
    /// Long text.
    Textarea,
    /// One choice.
    Dropdown,
    /// Several choices.
    Multiselect,
}

impl FieldType {
    /// The value as written in `app.json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Dropdown => "dropdown",
            Self::Multiselect => "multiselect",
        }
    }
}

/// One form field of `select`.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// Key under `custom_data`.
    pub id: Str,
    /// Label.
    pub label: Str,
    /// Input type.
    pub field_type: FieldType,
    /// `false` makes the field optional.
    pub required: bool,
    /// Placeholder.
    pub placeholder: Option<Str>,
    /// Help text.
    pub help_text: Option<Str>,
    /// Query parameter the typed text is sent as.
    pub search_term: Option<Str>,
    /// Personalization tags of ActiveCampaign contacts are replaced (textarea only).
    pub personalize: bool,
    /// Where the choices come from.
    pub options: Option<Options>,
    /// Ids of the earlier fields `options` reads.
    pub depends_on: List<Str>,
    /// Where the field is.
    pub loc: Loc,
}

/// A static option list or a command producing one.
#[derive(Debug, Clone, PartialEq)]
pub enum Options {
    /// A literal list.
    Static(Template),
    /// A command yielding the list.
    Command(Command),
}

/// `setup.map`.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Step title.
    pub label: Str,
    /// `describe_source`.
    pub source: MapSide,
    /// `describe_target`.
    pub target: Option<MapSide>,
}

/// `describe_source` or `describe_target`.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSide {
    /// Side label.
    pub label: Str,
    /// The mappable fields.
    pub options: Options,
    /// Group a flat saved mapping is migrated into.
    pub default_group: Option<Str>,
}

/// `setup.schedule`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Step title.
    pub label: Str,
    /// Text.
    pub description: Str,
    /// Offered import options.
    pub import_options: List<ImportOption>,
    /// Seconds between polls.
    pub frequency: u32,
}

/// One `schedule.import_options` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOption {
    /// Label.
    pub label: Str,
    /// Type.
    pub kind: ImportKind,
}

/// `review_events` / `review_objects`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Review {
    /// Stepper text.
    pub label: Option<Str>,
    /// Modal header.
    pub header: Option<Str>,
    /// Explanation.
    pub description: Option<Str>,
}

// ---------------------------------------------------------------------------------------------
// objects

/// One entry of `objects`. Members whose shape the reference does not give are kept as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Unique name.
    pub name: Str,
    /// `labels.singular`.
    pub singular: Str,
    /// `labels.plural`.
    pub plural: Str,
    /// Description.
    pub description: Str,
    /// Payload field holding the record's external id.
    pub external_id: Str,
    /// Core ActiveCampaign object it binds to (core object only).
    pub ac_object: Option<Str>,
    /// Custom-object field schema (JSON text).
    pub fields: Str,
    /// `relationships` (JSON text).
    pub relationships: Option<Str>,
    /// The other members the reference names without a shape, as `(key, JSON text)`.
    pub extra: List<(Str, Str)>,
}

// ---------------------------------------------------------------------------------------------
// commands

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
/// Every `${…}` of the source became a jq variable `$__as_N`, bound to `vars[N]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Jq {
    /// The program with expansions replaced by variables.
    pub program: Str,
    /// Values of `$__as_0`, `$__as_1`, ….
    pub vars: List<Expansion>,
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

// ---------------------------------------------------------------------------------------------
// templates and expansions

/// A JSON value whose strings may contain expansions (bodies, params, static option lists).
#[derive(Debug, Clone, PartialEq)]
pub enum Template {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as written.
    Number(Str),
    /// A string, possibly with expansions.
    String(StrTemplate),
    /// An array.
    Array(List<Template>),
    /// An object, in file order.
    Object(List<(Str, Template)>),
}

/// A JSON string with its expansions parsed (D2).
#[derive(Debug, Clone, PartialEq)]
pub enum StrTemplate {
    /// No expansion.
    Lit(Str),
    /// Exactly one expansion: the referenced JSON value itself.
    Value(Expansion),
    /// Text mixed with expansions: a string.
    Mixed(List<Segment>),
}

/// Part of a mixed string.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Literal text.
    Lit(Str),
    /// An expansion, inserted as text.
    Var(Expansion),
}

/// A `${namespace.path | default:…}` reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    /// The namespace.
    pub ns: Namespace,
    /// Keys and indices after the namespace.
    pub path: List<PathSeg>,
    /// `|default` (`Some("")`) or `|default:TEXT`.
    pub default: Option<Str>,
    /// Where it is (the `${`).
    pub loc: Loc,
}

/// The namespaces of D1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// `custom_data`: the workflow's selected values.
    CustomData,
    /// `subdomain`: the connection's subdomain.
    Subdomain,
    /// `webhook`: `url` of the webhook intake.
    Webhook,
    /// `data`: values stored with `!save`.
    Data,
    /// `piped_content`: outputs of earlier `!pipe` steps.
    PipedContent,
    /// `polling_state`: the persisted polling state.
    PollingState,
    /// `resource`: the selected resource (`id`).
    Resource,
}

impl Namespace {
    /// Every namespace with its name.
    pub const ALL: [(&'static str, Self); 7] = [
        ("custom_data", Self::CustomData),
        ("subdomain", Self::Subdomain),
        ("webhook", Self::Webhook),
        ("data", Self::Data),
        ("piped_content", Self::PipedContent),
        ("polling_state", Self::PollingState),
        ("resource", Self::Resource),
    ];

    /// The name as written in `app.json`.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, ns)| *ns == self)
            .map_or("", |(name, _)| name)
    }
}

/// One step of an expansion path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathSeg {
    /// An object key.
    Key(Str),
    /// An array index (or a `piped_content` step).
    Index(u32),
}
