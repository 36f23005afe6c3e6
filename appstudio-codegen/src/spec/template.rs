//! JSON payload templates: strings with parsed expansions, and JSON trees of them.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::{Cx, FromNode, Piece, Text, parse_pieces_lenient};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{Node, Value};
use crate::source::Span;

/// A JSON string whose `${…}` are parsed (also used for jq programs and URLs).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StrTmpl {
    /// The decoded text.
    pub text: String,
    /// Text and expansions.
    pub pieces: Vec<Piece>,
    /// The string literal, with quotes.
    pub span: Span,
    /// Whether a malformed expansion was reported and left out of `pieces`: the string is
    /// checked for its other expansions, but not as a whole (a jq program is not compiled).
    pub broken: bool,
}

impl StrTmpl {
    /// The expansions, in order.
    pub(crate) fn expansions(&self) -> impl Iterator<Item = &super::Expansion> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(e) => Some(e),
            Piece::Lit(_) => None,
        })
    }

    /// The only piece, if the string is exactly one expansion.
    pub(crate) fn single(&self) -> Option<&super::Expansion> {
        match self.pieces.as_slice() {
            [Piece::Var(e)] => Some(e),
            _ => None,
        }
    }
}

impl FromNode for StrTmpl {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let text = Text::from_node(node, cx)?;
        let (pieces, ok) = parse_pieces_lenient(&text.value, node.span, cx);
        Some(StrTmpl {
            text: text.value,
            pieces,
            span: node.span,
            broken: !ok,
        })
    }
}

impl JsonSchema for StrTmpl {
    fn schema_name() -> Cow<'static, str> {
        "Template".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Text with `${namespace.path | default:TEXT}` expansions."
        })
    }
}

/// A JSON value whose strings are [`StrTmpl`]s.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Template {
    /// `null`.
    Null(Span),
    /// A boolean.
    Bool(bool, Span),
    /// A number, as written.
    Number(String, Span),
    /// A string.
    String(StrTmpl),
    /// An array.
    Array(Vec<Template>, Span),
    /// An object, in file order.
    Object(Vec<(Text, Template)>, Span),
}

impl Template {
    /// Where it is.
    pub(crate) fn span(&self) -> Span {
        match self {
            Template::Null(s)
            | Template::Bool(_, s)
            | Template::Number(_, s)
            | Template::Array(_, s)
            | Template::Object(_, s) => *s,
            Template::String(t) => t.span,
        }
    }

    /// Calls `f` on every string, depth first.
    pub(crate) fn for_each_str<'a>(&'a self, f: &mut impl FnMut(&'a StrTmpl)) {
        match self {
            Template::String(s) => f(s),
            Template::Array(items, _) => items.iter().for_each(|i| i.for_each_str(f)),
            Template::Object(members, _) => members.iter().for_each(|(_, v)| v.for_each_str(f)),
            _ => {}
        }
    }
}

/// Reports a number past `f64` (`1e999999`): the engine keeps a number's digits, but jq and
/// most APIs read numbers as 64-bit floats, where it would silently become the largest one.
fn number_in_range(n: &str, node: &Node, cx: &mut Cx) {
    if n.parse::<f64>().is_ok_and(f64::is_finite) {
        return;
    }
    cx.push(
        Diagnostic::error(
            Code::NUMBER_OUT_OF_RANGE,
            node.span,
            format!("number `{n}` is out of range"),
        )
        .label("not a finite 64-bit floating-point number")
        .help("JSON numbers are read as 64-bit floats: at most about 1.8e308 in magnitude"),
    );
}

impl FromNode for Template {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        Some(match &node.value {
            Value::Null => Template::Null(node.span),
            Value::Bool(b) => Template::Bool(*b, node.span),
            Value::Number(n) => {
                number_in_range(n, node, cx);
                Template::Number(n.clone(), node.span)
            }
            Value::String(_) => Template::String(StrTmpl::from_node(node, cx)?),
            Value::Array(items) => {
                let mut ok = true;
                let mut out = Vec::new();
                for i in items {
                    match Template::from_node(i, cx) {
                        Some(t) => out.push(t),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Template::Array(out, node.span)
            }
            Value::Object(members) => {
                let mut ok = true;
                let mut out = Vec::new();
                for m in members {
                    match Template::from_node(&m.value, cx) {
                        Some(t) => out.push((
                            Text {
                                value: m.key.clone(),
                                span: m.key_span,
                            },
                            t,
                        )),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Template::Object(out, node.span)
            }
        })
    }
}

impl JsonSchema for Template {
    fn schema_name() -> Cow<'static, str> {
        "JsonTemplate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Any JSON value; its strings may contain `${…}` expansions."
        })
    }
}

/// An object of templates (`params`, `headers`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TemplateMap {
    /// Members in file order.
    pub members: Vec<(Text, Template)>,
    /// The object.
    pub span: Span,
}

impl FromNode for TemplateMap {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        if !matches!(node.value, Value::Object(_)) {
            cx.wrong_type(node, "an object");
            return None;
        }
        match Template::from_node(node, cx)? {
            Template::Object(members, span) => Some(TemplateMap { members, span }),
            _ => None,
        }
    }
}

impl JsonSchema for TemplateMap {
    fn schema_name() -> Cow<'static, str> {
        "TemplateMap".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "description": "An object whose string values may contain `${…}` expansions."
        })
    }
}
