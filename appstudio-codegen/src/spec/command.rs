//! Commands: objects with one `!` key (§8).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::{
    Comment, Cx, FromNode, Spanned, StrTmpl, Template, TemplateMap, Text, spec_enum, spec_struct,
};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{Node, Value};
use crate::source::Span;
use crate::suggest;

/// A command with its span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Command {
    /// What it does.
    pub op: Op,
    /// The command object.
    pub span: Span,
    /// The `!key`.
    pub key_span: Span,
}

/// The commands of the format.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Op {
    /// `!jq`: a jq program.
    Jq(StrTmpl),
    /// `!http`.
    Http(Box<Http>),
    /// `!pipe`.
    Pipe(Vec<Command>),
    /// `!switch`.
    Switch(Box<Switch>),
    /// `!resource`.
    Resource(ResourceSpec),
    /// `!save`.
    Save(Save),
    /// `!error`.
    Error(StrTmpl),
    /// `!print_c`.
    PrintC(StrTmpl),
    /// `!extract`.
    Extract(Extract),
    /// `!sha`.
    Sha(Sha),
    /// `!respond`.
    Respond(Box<Respond>),
}

/// Every command name.
pub(crate) const COMMANDS: [&str; 11] = [
    "!jq",
    "!http",
    "!pipe",
    "!switch",
    "!resource",
    "!save",
    "!error",
    "!print_c",
    "!extract",
    "!sha",
    "!respond",
];

impl Command {
    /// Calls `f` on this command and every command nested in it, depth first.
    pub(crate) fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Command)) {
        f(self);
        match &self.op {
            Op::Pipe(steps) => steps.iter().for_each(|s| s.walk(f)),
            Op::Switch(s) => s.cases.iter().for_each(|c| c.walk(f)),
            _ => {}
        }
    }

    /// Calls `f` on every expansion in this command and the commands nested in it.
    pub(crate) fn walk_expansions(&self, f: &mut impl FnMut(&super::Expansion)) {
        let mut on_str = |t: &StrTmpl| t.expansions().for_each(&mut *f);
        self.walk(&mut |c| match &c.op {
            Op::Jq(t) | Op::Error(t) | Op::PrintC(t) => on_str(t),
            Op::Http(h) => {
                h.url.iter().chain(&h.path).for_each(&mut on_str);
                for m in h.params.iter().chain(&h.headers) {
                    m.members
                        .iter()
                        .for_each(|(_, v)| v.for_each_str(&mut on_str));
                }
                if let Some(b) = &h.body {
                    b.for_each_str(&mut on_str);
                }
            }
            Op::Switch(s) => on_str(&s.jq),
            Op::Resource(ResourceSpec::Call(call)) => call.data.for_each_str(&mut on_str),
            Op::Sha(s) => s.secret.iter().for_each(&mut on_str),
            Op::Respond(r) => {
                if let Some(h) = &r.headers {
                    h.members
                        .iter()
                        .for_each(|(_, v)| v.for_each_str(&mut on_str));
                }
                if let Some(b) = &r.body {
                    b.for_each_str(&mut on_str);
                }
            }
            _ => {}
        });
    }

    /// The command's name (`!jq`).
    pub(crate) fn name(&self) -> &'static str {
        match self.op {
            Op::Jq(_) => "!jq",
            Op::Http(_) => "!http",
            Op::Pipe(_) => "!pipe",
            Op::Switch(_) => "!switch",
            Op::Resource(_) => "!resource",
            Op::Save(_) => "!save",
            Op::Error(_) => "!error",
            Op::PrintC(_) => "!print_c",
            Op::Extract(_) => "!extract",
            Op::Sha(_) => "!sha",
            Op::Respond(_) => "!respond",
        }
    }
}

impl FromNode for Command {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Value::Object(members) = &node.value else {
            cx.push(
                Diagnostic::error(
                    Code::NOT_A_COMMAND,
                    node.span,
                    format!("expected a command, found {}", node.value.kind()),
                )
                .label("expected an object with one `!` key")
                .help("a command looks like `{\"!jq\": \".items\"}`"),
            );
            return None;
        };
        let mut command: Option<&crate::json::Member> = None;
        let mut ok = true;
        for m in members {
            if m.key == "_comment" {
                ok &= Comment::from_node(&m.value, cx).is_some();
            } else if !m.key.starts_with('!') || !COMMANDS.contains(&m.key.as_str()) {
                let close = suggest::closest(&m.key, COMMANDS);
                let (code, message) = if m.key.starts_with('!') {
                    (
                        Code::UNKNOWN_COMMAND,
                        format!("unknown command `{}`", m.key),
                    )
                } else {
                    (
                        Code::NOT_A_COMMAND,
                        format!("`{}` is not a command key", m.key),
                    )
                };
                cx.push(
                    Diagnostic::error(code, m.key_span, message)
                        .label("not a command")
                        .maybe_help(close.map(|c| format!("did you mean `{c}`?")))
                        .help(format!("the commands are {}", suggest::one_of(&COMMANDS))),
                );
                ok = false;
            } else if let Some(first) = command {
                cx.push(
                    Diagnostic::error(
                        Code::MULTIPLE_COMMANDS,
                        m.key_span,
                        format!("a second command `{}` in one object", m.key),
                    )
                    .label("second command")
                    .help(format!(
                        "`{}` is already here; chain commands with `!pipe`",
                        first.key
                    )),
                );
                ok = false;
            } else {
                command = Some(m);
            }
        }
        let Some(m) = command else {
            if ok {
                cx.push(
                    Diagnostic::error(
                        Code::NOT_A_COMMAND,
                        node.span,
                        "expected a command, found an object without a `!` key",
                    )
                    .label("no command here")
                    .help(format!("the commands are {}", suggest::one_of(&COMMANDS))),
                );
            }
            return None;
        };
        let v = &m.value;
        let op = match m.key.as_str() {
            "!jq" => Op::Jq(StrTmpl::from_node(v, cx)?),
            "!http" => Op::Http(Box::new(Http::from_node(v, cx)?)),
            "!pipe" => {
                let steps = Vec::<Command>::from_node(v, cx)?;
                if steps.is_empty() {
                    cx.push(
                        Diagnostic::error(Code::EMPTY_LIST, v.span, "`!pipe` has no steps")
                            .label("empty pipe"),
                    );
                    return None;
                }
                Op::Pipe(steps)
            }
            "!switch" => Op::Switch(Box::new(Switch::from_node(v, cx)?)),
            "!resource" => Op::Resource(ResourceSpec::from_node(v, cx)?),
            "!save" => Op::Save(Save::from_node(v, cx)?),
            "!error" => Op::Error(StrTmpl::from_node(v, cx)?),
            "!print_c" => Op::PrintC(StrTmpl::from_node(v, cx)?),
            "!extract" => Op::Extract(Extract::from_node(v, cx)?),
            "!sha" => Op::Sha(Sha::from_node(v, cx)?),
            _ => Op::Respond(Box::new(Respond::from_node(v, cx)?)),
        };
        ok.then_some(Command {
            op,
            span: node.span,
            key_span: m.key_span,
        })
    }
}

impl JsonSchema for Command {
    fn schema_name() -> Cow<'static, str> {
        "Command".into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let comment = g.subschema_for::<Option<Comment>>();
        let one = |key: &str, value: Schema| {
            json_schema!({
                "type": "object",
                "properties": { key: value, "_comment": comment.clone() },
                "required": [key],
                "additionalProperties": false
            })
        };
        let string = json_schema!({ "type": "string" });
        let commands = g.subschema_for::<Vec<Command>>();
        json_schema!({
            "description": "A command: an object with exactly one `!` key.",
            "oneOf": [
                one("!jq", json_schema!({"type": "string", "description": "A jq program."})),
                one("!http", g.subschema_for::<Http>()),
                one("!pipe", commands),
                one("!switch", g.subschema_for::<Switch>()),
                one("!resource", g.subschema_for::<ResourceSpec>()),
                one("!save", g.subschema_for::<Save>()),
                one("!error", string.clone()),
                one("!print_c", string),
                one("!extract", g.subschema_for::<Extract>()),
                one("!sha", g.subschema_for::<Sha>()),
                one("!respond", g.subschema_for::<Respond>()),
            ]
        })
    }
}

spec_enum! {
    /// `!http.method`.
    pub enum Method ("HTTP method") {
        "GET" => Get, "POST" => Post, "PUT" => Put, "PATCH" => Patch, "DELETE" => Delete,
        "OPTIONS" => Options,
    }
}

spec_enum! {
    /// `!http.target`.
    pub enum Target ("`!http` target") {
        "connection" => Connection, "external" => External, "activecampaign" => ActiveCampaign,
    }
}

spec_enum! {
    /// `!save.scope`, webhook `scope`.
    pub enum Scope ("scope") {
        "workflow" => Workflow, "connection" => Connection, "application" => Application,
    }
}

spec_enum! {
    /// `!sha.algorithm`.
    pub enum ShaAlgorithm ("hash algorithm") {
        "md5" => Md5, "sha1" => Sha1, "sha224" => Sha224, "sha256" => Sha256,
        "sha384" => Sha384, "sha512" => Sha512, "sha3_224" => Sha3_224, "sha3_256" => Sha3_256,
        "sha3_384" => Sha3_384, "sha3_512" => Sha3_512, "shake_128" => Shake128,
        "shake_256" => Shake256, "blake2b" => Blake2b, "blake2s" => Blake2s,
    }
}

spec_struct! {
    /// `!http`.
    pub struct Http ("`!http`") {
        /// HTTP method (GET when absent).
        "method" method: Option<Spanned<Method>>,
        /// Whose API (`connection` when absent).
        "target" target: Option<Spanned<Target>>,
        /// Absolute URL.
        "url" url: Option<StrTmpl>,
        /// Path joined to `api.base_url`.
        "path" path: Option<StrTmpl>,
        /// Query parameters.
        "params" params: Option<TemplateMap>,
        /// Request headers.
        "headers" headers: Option<TemplateMap>,
        /// Request body.
        "body" body: Option<Template>,
        /// Follow `api.pagination`.
        "pagination" pagination: Option<Spanned<bool>>,
    }
}

spec_struct! {
    /// `!switch`.
    pub struct Switch ("`!switch`") {
        /// jq returning the 0-based index of the case.
        "jq" jq: StrTmpl,
        /// The cases.
        "cases" cases: Vec<Command>,
    }
}

spec_struct! {
    /// `!save`.
    pub struct Save ("`!save`") {
        /// Where the keys are stored.
        "scope" scope: Spanned<Scope>,
    }
}

spec_struct! {
    /// `!extract`.
    pub struct Extract ("`!extract`") {
        /// Keys whose JSON-string values are parsed.
        "item_keys" item_keys: Vec<Text>,
        /// Parse into JSON.
        "to_json" to_json: Option<Spanned<bool>>,
    }
}

spec_struct! {
    /// `!sha`.
    pub struct Sha ("`!sha`") {
        /// Hash algorithm.
        "algorithm" algorithm: Spanned<ShaAlgorithm>,
        /// HMAC key.
        "secret" secret: Option<StrTmpl>,
    }
}

spec_struct! {
    /// `!respond`.
    pub struct Respond ("`!respond`") {
        /// The request is a real payload.
        "process_payload" process_payload: Option<Spanned<bool>>,
        /// Status code (200 when absent).
        "code" code: Option<Spanned<i64>>,
        /// Response headers.
        "headers" headers: Option<TemplateMap>,
        /// Response body.
        "body" body: Option<Template>,
    }
}

spec_enum! {
    /// The string forms of `!resource`.
    pub enum ResourceName ("resource") {
        "ActiveCampaignContact" => Contact,
        "ActiveCampaignContact.fields" => ContactFields,
        "ActiveCampaignAccount.fields" => AccountFields,
        "ActiveCampaignDeal.fields" => DealFields,
        "ActiveCampaign.fields" => Fields,
        "ActiveCampaign.sync" => Sync,
    }
}

spec_enum! {
    /// `!resource.action`.
    pub enum ResourceAction ("resource action") {
        "ActiveCampaignAccount.sync" => AccountSync,
        "ActiveCampaignDeal.sync" => DealSync,
    }
}

spec_struct! {
    /// The object form of `!resource`.
    pub struct ResourceCall ("`!resource` action") {
        /// Which sync.
        "action" action: Spanned<ResourceAction>,
        /// The record.
        "data" data: Template,
    }
}

/// `!resource`: a name or an action object.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ResourceSpec {
    /// `"ActiveCampaignContact"`, `"….fields"`, `"ActiveCampaign.sync"`.
    Name(Spanned<ResourceName>),
    /// `{"action": …, "data": …}`.
    Call(ResourceCall),
}

impl FromNode for ResourceSpec {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::String(_) => {
                Spanned::<ResourceName>::from_node(node, cx).map(ResourceSpec::Name)
            }
            Value::Object(_) => ResourceCall::from_node(node, cx).map(ResourceSpec::Call),
            _ => {
                cx.wrong_type(node, "a resource name or an `{action, data}` object");
                None
            }
        }
    }
}
