//! The spec model: typed Rust for every section of `app.json`.
//!
//! Each type is loaded from the spanned JSON tree by [`FromNode`], which reports every problem
//! (unknown keys with "did you mean", missing keys, wrong types, values outside an enum) and goes
//! on with the siblings, so one run finds them all. The same types derive `JsonSchema`, so
//! `schema/app.schema.json` is generated from exactly what the loader accepts.

mod app;
mod command;
mod expansion;
mod template;
mod workflow;

pub(crate) use app::*;
pub(crate) use command::*;
pub(crate) use expansion::*;
pub(crate) use template::*;
pub(crate) use workflow::*;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{self, Member, Node, Value};
use crate::source::{Source, Span};
use crate::suggest;

/// Loading context: the source (to map offsets inside strings) and the diagnostics found.
pub(crate) struct Cx<'a> {
    /// The file being loaded.
    pub source: &'a Source,
    /// What was found so far.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Cx<'a> {
    /// A context for `source`.
    pub(crate) fn new(source: &'a Source) -> Self {
        Self {
            source,
            diags: Vec::new(),
        }
    }

    /// Records a diagnostic.
    pub(crate) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The source span of a byte range of the decoded string at `literal`.
    pub(crate) fn sub_span(&self, literal: Span, decoded: std::ops::Range<usize>) -> Span {
        json::decoded_span(&self.source.text, literal, decoded)
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
        let span = Span::new(node.span.start as usize, node.span.start as usize + 1);
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
}

impl<T: FromNode> FromNode for Option<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(Some)
    }

    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: FromNode> FromNode for Box<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(Box::new)
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Value::Array(items) = &node.value else {
            cx.wrong_type(node, "an array");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            match T::from_node(item, cx) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
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

impl<T: JsonSchema> JsonSchema for Spanned<T> {
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

/// An object keyed by names the author chooses (`auth`), in file order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NamedMap<T>(pub Vec<(Text, T)>);

impl<T: FromNode> FromNode for NamedMap<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let members = cx.object(node, "an object")?;
        let mut out = Vec::new();
        let mut ok = true;
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
                None => ok = false,
            }
        }
        ok.then_some(NamedMap(out))
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

/// Declares a spec struct: the Rust type (with its JSON Schema) and its loader.
///
/// Each field is `"json key" name: Type`; `Option<_>` fields are optional. Every struct also
/// accepts `_comment` and records its own span.
macro_rules! spec_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($what:literal) {
            $( $(#[$fmeta:meta])* $key:literal $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub(crate) struct $name {
            $( $(#[$fmeta])* #[serde(rename = $key)] pub(crate) $field: $ty, )*
            /// `_comment`, ignored.
            #[serde(rename = "_comment")]
            pub(crate) comment: Option<$crate::spec::Comment>,
            /// Where the object is.
            #[serde(skip)]
            pub(crate) span: $crate::source::Span,
        }

        impl $name {
            /// The keys this object accepts.
            pub(crate) const KEYS: &'static [&'static str] = &[$($key),*];
        }

        impl $crate::spec::FromNode for $name {
            #[allow(unused_mut, unused_variables)]
            fn from_node(node: &$crate::json::Node, cx: &mut $crate::spec::Cx) -> Option<Self> {
                let members = cx.object(node, concat!("an object (", $what, ")"))?;
                $( let mut $field: Option<Option<$ty>> = None; )*
                let mut comment = None;
                for m in members {
                    match m.key.as_str() {
                        $( $key => $field = Some(<$ty as $crate::spec::FromNode>::from_node(&m.value, cx)), )*
                        "_comment" => comment = <$crate::spec::Comment as $crate::spec::FromNode>::from_node(&m.value, cx),
                        _ => cx.unknown_key(m, Self::KEYS, $what),
                    }
                }
                let mut ok = true;
                $(
                    let $field = match $field {
                        Some(Some(v)) => Some(v),
                        Some(None) => { ok = false; None }
                        None => match <$ty as $crate::spec::FromNode>::absent() {
                            Some(v) => Some(v),
                            None => {
                                // A misspelt key was reported as unknown with "did you mean";
                                // do not also report the key it was meant to be.
                                let misspelt = members.iter().any(|m| {
                                    !Self::KEYS.contains(&m.key.as_str())
                                        && $crate::suggest::closest(&m.key, Self::KEYS.iter().copied()) == Some($key)
                                });
                                if !misspelt {
                                    cx.missing_key(node, $key, $what);
                                }
                                ok = false;
                                None
                            }
                        },
                    };
                )*
                if !ok {
                    return None;
                }
                Some(Self { $( $field: $field?, )* comment, span: node.span })
            }
        }
    };
}
pub(crate) use spec_struct;

/// Declares a string enumeration: the Rust enum, its JSON Schema (`enum`) and its loader, which
/// lists the allowed values or suggests the closest.
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) { $( $(#[$vmeta:meta])* $text:literal => $variant:ident ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, schemars::JsonSchema)]
        pub(crate) enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $text, "`")] #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every value with its text.
            pub(crate) const ALL: &'static [(&'static str, $name)] = &[$(($text, $name::$variant)),*];

            /// The text as written in `app.json`.
            #[allow(dead_code)] // generated for every enum, read back for some
            pub(crate) fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }
        }

        impl $crate::spec::FromNode for $crate::spec::Spanned<$name> {
            fn from_node(node: &$crate::json::Node, cx: &mut $crate::spec::Cx) -> Option<Self> {
                $crate::spec::enum_from_node(node, cx, $name::ALL, $what)
            }
        }
    };
}
pub(crate) use spec_enum;

/// Loads a string enumeration value.
pub(crate) fn enum_from_node<E: Copy>(
    node: &Node,
    cx: &mut Cx,
    all: &[(&str, E)],
    what: &str,
) -> Option<Spanned<E>> {
    let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
    let Value::String(s) = &node.value else {
        cx.push(
            Diagnostic::error(
                Code::WRONG_TYPE,
                node.span,
                format!("expected {what} (a string), found {}", node.value.kind()),
            )
            .label(format!("expected {}", suggest::one_of(&names))),
        );
        return None;
    };
    if let Some((_, v)) = all.iter().find(|(n, _)| n == s) {
        return Some(Spanned {
            value: *v,
            span: node.span,
        });
    }
    let mut d = Diagnostic::error(
        Code::INVALID_ENUM,
        node.span,
        format!("unknown {what} `{s}`"),
    )
    .label(format!("not a valid {what}"));
    if let Some(c) = suggest::closest(s, names.iter().copied()) {
        d = d.help(format!("did you mean `{c}`?"));
    }
    cx.push(d.help(format!("expected {}", suggest::one_of(&names))));
    None
}

/// Declares a unit type that accepts exactly one string: the `type` tag of a tagged section.
macro_rules! tag {
    ($(#[$meta:meta])* $name:ident = $text:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub(crate) struct $name;

        impl $crate::spec::FromNode for $name {
            fn from_node(node: &$crate::json::Node, cx: &mut $crate::spec::Cx) -> Option<Self> {
                match node.as_str() {
                    Some($text) => Some($name),
                    _ => {
                        cx.wrong_type(node, concat!("\"", $text, "\""));
                        None
                    }
                }
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "const": $text })
            }
        }
    };
}
pub(crate) use tag;

/// Loads one variant of a tagged section.
pub(crate) type VariantLoader<T> = fn(&Node, &mut Cx) -> Option<T>;

/// Dispatches a section tagged by its `type` member to the loader of that variant.
pub(crate) fn tagged<T>(
    node: &Node,
    cx: &mut Cx,
    what: &str,
    variants: &[(&str, VariantLoader<T>)],
) -> Option<T> {
    let members = cx.object(node, &format!("an object ({what})"))?;
    let names: Vec<&str> = variants.iter().map(|(n, _)| *n).collect();
    let Some(tag) = members.iter().find(|m| m.key == "type") else {
        cx.push(
            Diagnostic::error(
                Code::MISSING_KEY,
                Span::new(node.span.start as usize, node.span.start as usize + 1),
                format!("{what} is missing `type`"),
            )
            .label("this object needs `type`")
            .help(format!("`type` is one of {}", suggest::one_of(&names))),
        );
        return None;
    };
    let all: Vec<(&str, usize)> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let i = enum_from_node(&tag.value, cx, &all, &format!("{what} type"))?;
    (variants[i.value].1)(node, cx)
}
