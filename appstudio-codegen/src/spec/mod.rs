//! The spec model: typed Rust for every section of `app.json`.
//!
//! Each type is loaded from the spanned JSON tree by [`FromNode`], which reports every problem
//! (unknown keys with "did you mean", missing keys, wrong types, values outside an enum) and goes
//! on with the siblings, so one run finds them all. The same types derive `JsonSchema`, so
//! `schema/app.schema.json` is generated from exactly what the loader accepts.

mod api;
mod app;
mod auth;
mod command;
mod expansion;
mod intake;
mod macros;
mod template;
mod workflow;

pub(crate) use api::*;
pub(crate) use app::*;
pub(crate) use auth::*;
pub(crate) use command::*;
pub(crate) use expansion::*;
pub(crate) use intake::*;
pub(crate) use macros::{enum_from_node, load_member, tagged};
pub(crate) use macros::{spec_enum, spec_struct, tag};
pub(crate) use template::*;
pub(crate) use workflow::*;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{self, Member, Node, Value};
use crate::source::{Source, Span};
use crate::suggest;

/// Loading context: the source (to map offsets inside strings), the diagnostics found and the
/// parts left out of the model because they are broken.
pub(crate) struct Cx<'a> {
    /// The file being loaded.
    pub source: &'a Source,
    /// What was found so far.
    pub diags: Vec<Diagnostic>,
    /// Parts that were reported and are absent from the model (or stand there as
    /// [`Op::Broken`]), so that checks do not report their consequences.
    pub broken: Vec<Broken>,
    /// The escapes of the last string literal a span was mapped in: a string with many
    /// expansions is scanned once, not once per expansion.
    escapes: std::cell::RefCell<Option<json::EscapeMap>>,
}

/// A part of the file that is broken: reported when loaded, absent from the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Broken {
    /// The JSON value of the part.
    pub span: Span,
    /// Whether it is a command kept in place as [`Op::Broken`] (not an absence).
    pub command: bool,
    /// Whether it contains a `!save`, whose keys are then unknown.
    pub saves: bool,
}

impl<'a> Cx<'a> {
    /// A context for `source`.
    pub(crate) fn new(source: &'a Source) -> Self {
        Self {
            source,
            diags: Vec::new(),
            broken: Vec::new(),
            escapes: Default::default(),
        }
    }

    /// Records that the part at `node` is broken and left out of the model.
    pub(crate) fn broken(&mut self, node: &Node, command: bool) {
        self.broken.push(Broken {
            span: node.span,
            command,
            saves: contains_key(node, "!save"),
        });
    }

    /// Records a diagnostic.
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The source span of a byte range of the decoded string at `literal`.
    pub(crate) fn sub_span(&self, literal: Span, decoded: std::ops::Range<usize>) -> Span {
        let mut cached = self.escapes.borrow_mut();
        match &*cached {
            Some(map) if map.literal() == literal => map.span(decoded),
            _ => cached
                .insert(json::EscapeMap::new(&self.source.text, literal))
                .span(decoded),
        }
    }

    /// Reports that `node` has the wrong JSON type.
    pub(crate) fn wrong_type(&mut self, node: &Node, expected: &str) {
        self.push(
            Diagnostic::error(
                Code::WRONG_TYPE,
                node.span,
                format!("expected {expected}, found {}", node.value.kind()),
            )
            .label(format!("expected {expected}")),
        );
    }

    /// The members of an object node, or a wrong-type diagnostic.
    pub(crate) fn object<'n>(&mut self, node: &'n Node, expected: &str) -> Option<&'n [Member]> {
        match &node.value {
            Value::Object(members) => Some(members),
            _ => {
                self.wrong_type(node, expected);
                None
            }
        }
    }

    /// Reports an unknown key of an object that accepts `keys`.
    pub(crate) fn unknown_key(&mut self, member: &Member, keys: &[&str], what: &str) {
        let keys: Vec<&str> = keys.iter().copied().filter(|k| !k.is_empty()).collect();
        self.push(
            Diagnostic::error(
                Code::UNKNOWN_KEY,
                member.key_span,
                format!("unknown key `{}` in {what}", member.key),
            )
            .label("unknown key")
            .maybe_help(suggest::help(&member.key, &keys)),
        );
    }

    /// Reports a missing required key of the object at `node`.
    pub(crate) fn missing_key(&mut self, node: &Node, key: &str, what: &str) {
        let span = node.span.head();
        self.push(
            Diagnostic::error(
                Code::MISSING_KEY,
                span,
                format!("{what} is missing `{key}`"),
            )
            .label(format!("this object needs `{key}`")),
        );
    }
}

/// A type the loader builds from a JSON node.
pub(crate) trait FromNode: Sized {
    /// Builds the value, reporting problems to `cx`. `None` means the node was invalid (and a
    /// diagnostic was recorded).
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self>;

    /// The value of an absent key; `None` makes the key required.
    fn absent() -> Option<Self> {
        None
    }

    /// What stands for a present but broken value, so that the object holding it is kept;
    /// `None` makes the holder broken too.
    fn broken() -> Option<Self> {
        None
    }

    /// What stands for a required key that is missing (and reported), so that the object
    /// holding it is kept; `None` makes the holder broken too.
    fn missing() -> Option<Self> {
        None
    }
}

/// A required part that the model keeps going without: when it is missing or broken (and
/// reported) it is `None`, the object holding it is kept, and the rules that need it skip.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Required<T>(pub Option<T>);

impl<T> Required<T> {
    /// The part, unless it was missing or broken.
    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<T: FromNode> FromNode for Required<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(|v| Required(Some(v)))
    }

    fn broken() -> Option<Self> {
        Some(Required(None))
    }

    fn missing() -> Option<Self> {
        Some(Required(None))
    }
}

/// Wrappers whose JSON Schema is their inner type's: they add a span or a left-out mark, not
/// a shape of the format.
macro_rules! transparent_schema {
    ($($wrapper:ident),*) => {$(
        impl<T: JsonSchema> JsonSchema for $wrapper<T> {
            fn inline_schema() -> bool {
                T::inline_schema()
            }
            fn schema_name() -> Cow<'static, str> {
                T::schema_name()
            }
            fn schema_id() -> Cow<'static, str> {
                T::schema_id()
            }
            fn json_schema(generator: &mut SchemaGenerator) -> Schema {
                T::json_schema(generator)
            }
        }
    )*};
}

transparent_schema!(Required, Spanned);

/// Whether `key` is a key of `node` or of any object nested in it.
fn contains_key(node: &Node, key: &str) -> bool {
    match &node.value {
        Value::Object(members) => members
            .iter()
            .any(|m| m.key == key || contains_key(&m.value, key)),
        Value::Array(items) => items.iter().any(|i| contains_key(i, key)),
        _ => false,
    }
}

impl<T: FromNode> FromNode for Option<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(Some)
    }

    fn absent() -> Option<Self> {
        Some(None)
    }

    fn broken() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromNode> FromNode for Box<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(Box::new)
    }

    fn broken() -> Option<Self> {
        T::broken().map(Box::new)
    }
}

/// A list keeps its sound items: a broken item is recorded and left out.
impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Value::Array(items) = &node.value else {
            cx.wrong_type(node, "an array");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match T::from_node(item, cx) {
                Some(v) => out.push(v),
                None => cx.broken(item, false),
            }
        }
        Some(out)
    }

    fn broken() -> Option<Self> {
        Some(Vec::new())
    }
}

/// A value with the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is.
    pub span: Span,
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A plain string.
pub(crate) type Text = Spanned<String>;

impl FromNode for Text {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(Spanned {
                value: s.clone(),
                span: node.span,
            }),
            _ => {
                cx.wrong_type(node, "a string");
                None
            }
        }
    }
}

impl FromNode for Spanned<bool> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Bool(b) => Some(Spanned {
                value: *b,
                span: node.span,
            }),
            _ => {
                cx.wrong_type(node, "`true` or `false`");
                None
            }
        }
    }
}

impl FromNode for Spanned<i64> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Number(n) => match n.parse::<i64>() {
                Ok(value) => Some(Spanned {
                    value,
                    span: node.span,
                }),
                Err(_) => {
                    cx.push(
                        Diagnostic::error(
                            Code::INVALID_VALUE,
                            node.span,
                            format!("expected an integer, found `{n}`"),
                        )
                        .label("not an integer"),
                    );
                    None
                }
            },
            _ => {
                cx.wrong_type(node, "an integer");
                None
            }
        }
    }
}

/// A JSON value whose shape the reference does not give; kept as it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Json(pub Node);

impl FromNode for Json {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        Some(Json(node.clone()))
    }
}

impl JsonSchema for Json {
    fn schema_name() -> Cow<'static, str> {
        "Json".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "Any JSON value (the reference gives no shape)." })
    }
}

/// A `_comment`: a string or an array of strings, ignored (D6).
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Comment {
    /// One line.
    Line(String),
    /// Several lines.
    Lines(Vec<String>),
}

impl FromNode for Comment {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::String(s) => Some(Comment::Line(s.clone())),
            Value::Array(items) if items.iter().all(|i| i.as_str().is_some()) => {
                Some(Comment::Lines(
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_owned))
                        .collect(),
                ))
            }
            _ => {
                cx.wrong_type(node, "a string or an array of strings");
                None
            }
        }
    }
}

/// An object keyed by names the author chooses (`auth`), in file order. A broken entry is
/// recorded and left out.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NamedMap<T>(pub Vec<(Text, T)>);

impl<T: FromNode> FromNode for NamedMap<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let members = cx.object(node, "an object")?;
        let mut out = Vec::new();
        for m in members {
            if m.key == "_comment" {
                Comment::from_node(&m.value, cx);
                continue;
            }
            match T::from_node(&m.value, cx) {
                Some(v) => out.push((
                    Spanned {
                        value: m.key.clone(),
                        span: m.key_span,
                    },
                    v,
                )),
                None => cx.broken(&m.value, false),
            }
        }
        Some(NamedMap(out))
    }

    fn broken() -> Option<Self> {
        Some(NamedMap(Vec::new()))
    }
}

impl<T: JsonSchema> JsonSchema for NamedMap<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Map_of_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let inner = generator.subschema_for::<T>();
        json_schema!({ "type": "object", "additionalProperties": inner })
    }
}
