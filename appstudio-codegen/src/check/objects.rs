//! `objects`: one core object and the custom objects attached to it.

use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::spec::App;

/// The rules of `objects` (§11).
pub(super) fn check(app: &App, diags: &mut Vec<Diagnostic>) {
    let Some(objects) = &app.objects else {
        return;
    };
    let first = objects.first().map_or(Span::default(), |o| o.span);
    if objects.len() < 2 {
        diags.push(
            Diagnostic::error(
                Code::OBJECTS,
                first,
                "`objects` needs a core object and at least one custom object",
            )
            .label(format!(
                "{} object{}",
                objects.len(),
                if objects.len() == 1 { "" } else { "s" }
            )),
        );
    }
    let cores: Vec<_> = objects.iter().filter(|o| o.ac_object.is_some()).collect();
    if cores.is_empty() && !objects.is_empty() {
        diags.push(
            Diagnostic::error(Code::OBJECTS, first, "no core object in `objects`")
                .label("exactly one object needs `ac_object`")
                .help("add `\"ac_object\": \"Contact\"` to the object the others attach to"),
        );
    }
    for extra in cores.iter().skip(1) {
        let sp = extra.ac_object.as_ref().map_or(extra.span, |a| a.span);
        diags.push(
            Diagnostic::error(Code::OBJECTS, sp, "a second core object")
                .label("exactly one object has `ac_object`"),
        );
    }
    for o in objects {
        if o.ac_object.is_some() {
            if let Some(f) = o.fields.first() {
                diags.push(
                    Diagnostic::error(
                        Code::OBJECTS,
                        f.0.span,
                        format!("core object `{}` has fields", o.name.value),
                    )
                    .label("the core object's `fields` is `[]`"),
                );
            }
        } else if o.relationships.is_none() {
            diags.push(
                Diagnostic::error(
                    Code::OBJECTS,
                    o.span.head(),
                    format!("custom object `{}` has no `relationships`", o.name.value),
                )
                .label("custom objects attach to the core object through `relationships`"),
            );
        }
    }
}
