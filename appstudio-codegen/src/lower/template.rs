//! Templates and expansions.

use appstudio_runtime::ir;

use super::{Lower, list, s};
use crate::spec::{self, Piece, StrTmpl, Template};

impl Lower<'_> {
    pub(super) fn template(&self, t: &Template) -> ir::Template {
        match t {
            Template::Null(_) => ir::Template::Null,
            Template::Bool(b, _) => ir::Template::Bool(*b),
            Template::Number(n, _) => ir::Template::Number(s(n)),
            Template::String(st) => ir::Template::String(self.str_tmpl(st)),
            Template::Array(items, _) => {
                ir::Template::Array(list(items.iter().map(|i| self.template(i)).collect()))
            }
            Template::Object(members, _) => self.template_map(members),
        }
    }

    pub(super) fn template_map(&self, members: &[(spec::Text, Template)]) -> ir::Template {
        ir::Template::Object(list(
            members
                .iter()
                .map(|(k, v)| (s(&k.value), self.template(v)))
                .collect(),
        ))
    }

    pub(super) fn str_tmpl(&self, t: &StrTmpl) -> ir::StrTemplate {
        match t.pieces.as_slice() {
            [] => ir::StrTemplate::Lit(s("")),
            [Piece::Lit(l)] => ir::StrTemplate::Lit(s(l)),
            [Piece::Var(e)] => ir::StrTemplate::Value(self.expansion(e)),
            pieces => ir::StrTemplate::Mixed(list(
                pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Lit(l) => ir::Segment::Lit(s(l)),
                        Piece::Var(e) => ir::Segment::Var(self.expansion(e)),
                    })
                    .collect(),
            )),
        }
    }

    pub(super) fn expansion(&self, e: &spec::Expansion) -> ir::Expansion {
        ir::Expansion {
            ns: e.ns,
            path: list(
                e.path
                    .iter()
                    .map(|seg| match seg.name.parse::<u32>() {
                        Ok(i) if !seg.name.starts_with('+') => ir::PathSeg::Index(i),
                        _ => ir::PathSeg::Key(s(&seg.name)),
                    })
                    .collect(),
            ),
            default: e.default.as_deref().map(s),
            loc: self.loc(e.span),
        }
    }
}
