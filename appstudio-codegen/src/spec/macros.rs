//! The declarations of spec types: structs, string enumerations and `type` tags, each with
//! its JSON Schema and its loader; and the loaders they share.

use super::{Cx, FromNode, Spanned};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::json::{Node, Value};
use crate::suggest;

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
            $( $(#[$fmeta])* #[serde(rename = $key)] pub $field: $ty, )*
            /// `_comment`, ignored.
            #[serde(rename = "_comment")]
            pub comment: Option<$crate::spec::Comment>,
            /// Where the object is.
            #[serde(skip)]
            pub span: $crate::source::Span,
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
                        $( $key => $field = Some($crate::spec::load_member::<$ty>(&m.value, cx)), )*
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
                                // A part that may be left out keeps its holder.
                                let stand_in = <$ty as $crate::spec::FromNode>::missing();
                                ok &= stand_in.is_some();
                                stand_in
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

/// Loads the value of a member; a broken value whose type has a stand-in ([`FromNode::broken`])
/// is recorded and replaced by it, so the object holding it is kept.
pub(crate) fn load_member<T: FromNode>(node: &Node, cx: &mut Cx) -> Option<T> {
    T::from_node(node, cx).or_else(|| {
        let stand_in = T::broken()?;
        cx.broken(node, false);
        Some(stand_in)
    })
}

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
pub(super) type VariantLoader<T> = fn(&Node, &mut Cx) -> Option<T>;

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
                node.span.head(),
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
