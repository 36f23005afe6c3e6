//! JSON templates and `${…}` expansions (D1, D2).

use super::*;

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
