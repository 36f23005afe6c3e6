//! Whether an `!http` result is read through `.body` (D3).

use jaq_core::load::parse::{BinaryOp, Term};
use jaq_core::path::Part;

use crate::jqtext;
use crate::spec::{self, Op, StrTmpl};

/// Whether the output of `steps[i]` (an `!http`) is read through `.body` (D3): by the next
/// step's jq program, or by a later `${piped_content.(i+1).body…}`.
pub(super) fn consumer_reads_body(steps: &[spec::Command], i: usize) -> bool {
    let next = steps.get(i + 1).is_some_and(|n| match &n.op {
        Op::Jq(t) => program_reads_body(t),
        Op::Switch(sw) => program_reads_body(&sw.jq),
        _ => false,
    });
    let k = (i + 1).to_string();
    let mut by_ref = false;
    for later in &steps[i + 1..] {
        later.walk_expansions(&mut |e| {
            if e.ns == spec::Namespace::PipedContent
                && e.path.first().is_some_and(|p| p.name == k)
                && e.path.get(1).is_some_and(|p| p.name == "body")
            {
                by_ref = true;
            }
        });
    }
    next || by_ref
}

/// Whether a jq program reads `.body` of its input.
pub(super) fn program_reads_body(t: &StrTmpl) -> bool {
    let r = jqtext::rewrite(t);
    jaq_core::load::parse(&r.program, |p| p.term()).is_some_and(|term| reads_body(&term))
}

fn reads_body(t: &Term<&str>) -> bool {
    match t {
        Term::Path(base, path) => {
            let first_is_body = matches!(**base, Term::Id)
                && path.0.first().is_some_and(|(part, _)| {
                    matches!(part, Part::Index(Term::Str(None, parts)) if matches!(parts.as_slice(), [jaq_core::load::lex::StrPart::Str("body")]))
                });
            first_is_body
                || reads_body(base)
                || path.0.iter().any(|(part, _)| match part {
                    Part::Index(i) => reads_body(i),
                    Part::Range(a, b) => a.iter().chain(b).any(reads_body),
                })
        }
        Term::BinOp(l, BinaryOp::Pipe(None), _) => reads_body(l),
        Term::BinOp(l, _, r) => reads_body(l) || reads_body(r),
        Term::Str(_, parts) => parts.iter().any(|p| match p {
            jaq_core::load::lex::StrPart::Term(t) => reads_body(t),
            _ => false,
        }),
        Term::Arr(Some(t)) | Term::Neg(t) | Term::Label(_, t) => reads_body(t),
        Term::Obj(entries) => entries
            .iter()
            .any(|(k, v)| reads_body(k) || v.as_ref().is_some_and(reads_body)),
        Term::Fold(_, src, _, args) => reads_body(src) || args.first().is_some_and(reads_body),
        Term::TryCatch(a, b) => reads_body(a) || b.as_deref().is_some_and(reads_body),
        Term::IfThenElse(branches, els) => {
            branches.iter().any(|(c, t)| reads_body(c) || reads_body(t))
                || els.as_deref().is_some_and(reads_body)
        }
        Term::Def(_, body) => reads_body(body),
        Term::Call(_, args) => args.iter().any(reads_body),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;
    use crate::spec::{Cx, FromNode};

    fn reads(program: &str) -> bool {
        let text = serde_json::to_string(program).unwrap();
        let source = Source::new("app.json", text.clone());
        let mut cx = Cx::new(&source);
        let node = crate::json::parse(&text).unwrap().root;
        program_reads_body(&StrTmpl::from_node(&node, &mut cx).unwrap())
    }

    #[test]
    fn detects_body_reads_at_the_input() {
        assert!(reads(".body.items[]"));
        assert!(reads(".body | .x"));
        assert!(reads("{id: .body.id}"));
        assert!(reads("[.body[] | {display: .name}]"));
        assert!(reads("if .body.ok then 1 else 0 end"));
        assert!(!reads(".items[]"));
        assert!(!reads(".items[] | .body"));
        assert!(!reads("{id: .id, body: .text}"));
        assert!(!reads(".x.body"));
    }
}
