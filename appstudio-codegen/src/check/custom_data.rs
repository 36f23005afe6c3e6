//! `${custom_data.<field>.value|display}`: the field exists in every workflow that sees the
//! place, is declared before the options reading it, has the part read, and an optional field
//! is read with a default (R5, D16, D17).

use super::WorkflowIx;
use super::expansions::Expansions;
use super::visit::{Place, Section};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::spec::{Expansion, FieldType, FormField, Seg};
use crate::suggest;

impl Expansions<'_, '_> {
    pub(super) fn custom_data(&mut self, e: &Expansion, p: Place) {
        let Some(id) = e.path.first() else {
            self.push(
                Diagnostic::error(
                    Code::CUSTOM_DATA_PART,
                    e.ns_span,
                    "`custom_data` needs a field id",
                )
                .label("which field?")
                .help("write `${custom_data.<field id>.value}`"),
            );
            return;
        };
        if p.workflows.is_empty() || matches!(p.section, Section::Connect) {
            let intake_section = matches!(p.section, Section::Webhook { .. } | Section::Polling);
            if intake_section && self.unresolved_intake_reference() {
                // A workflow names an intake that does not exist (reported there), or is
                // broken: which workflow this intake belongs to is unknown, so say nothing
                // more.
                return;
            }
            let help = match p.section {
                Section::Connect => {
                    "form fields are filled after the account is connected".to_owned()
                }
                Section::Webhook { .. } | Section::Polling => {
                    "no workflow uses this intake, so no form field exists here".to_owned()
                }
                _ => "form fields exist only within a workflow".to_owned(),
            };
            self.out_of_scope(
                e,
                Code::EXPANSION_OUT_OF_SCOPE,
                format!("`custom_data` is not available in {}", p.describe()),
                help,
            );
            return;
        }
        for &w in p.workflows {
            let wix = &self.index.workflows[w];
            if !self.one_field(e, id, wix, p) {
                return;
            }
        }
    }

    /// Whether a workflow names a `data_intake` or `historical_data_intake` that does not
    /// resolve.
    fn unresolved_intake_reference(&self) -> bool {
        let broken_workflow = self.index.lost.iter().any(|l| {
            let mut parts = l.split('/').skip(1);
            parts.next() == Some("workflows")
                && matches!(
                    (parts.next(), parts.next(), parts.next()),
                    (None | Some(_), None, None)
                        | (
                            Some(_),
                            Some("data_intake" | "historical_data_intake"),
                            None
                        )
                )
        });
        broken_workflow
            || self.index.workflows.iter().any(|w| {
                (w.wf.data_intake.is_some() && w.intake.is_none())
                    || (w.wf.historical_data_intake.is_some() && w.historical.is_none())
            })
    }

    /// Checks a custom_data reference against one workflow; `false` once reported.
    fn one_field(&mut self, e: &Expansion, id: &Seg, wix: &WorkflowIx, p: Place) -> bool {
        let Some(pos) = wix.fields.iter().position(|f| f.id.value == id.name) else {
            if !wix.fields_lost {
                // (When a field is broken and reported, it may be this one.)
                self.unknown_field(id, wix);
            }
            return false;
        };
        if !self.declared_before(id, wix, pos, p) {
            return false;
        }
        let field = wix.fields[pos];
        self.part(e, id, field) && self.default_if_optional(e, id, field)
    }

    /// Reports an id that is not a field of `wix`, with the closest or all of its fields.
    fn unknown_field(&mut self, id: &Seg, wix: &WorkflowIx) {
        let name = &wix.wf.name.value;
        let ids: Vec<&str> = wix.fields.iter().map(|f| f.id.value.as_str()).collect();
        let mut d = Diagnostic::error(
            Code::UNKNOWN_FORM_FIELD,
            id.span,
            format!("unknown form field `{}` in `custom_data`", id.name),
        )
        .label(format!("not a field of workflow `{name}`"));
        if let Some(c) = suggest::closest(&id.name, ids.iter().copied()) {
            let at = wix
                .fields
                .iter()
                .find(|f| f.id.value == c)
                .map(|f| f.id.span);
            let at = at.map(|s| format!(" (declared at {})", self.source.location(s.start)));
            d = d.help(format!("did you mean `{c}`?{}", at.unwrap_or_default()));
        } else if ids.is_empty() {
            d = d.help(format!("workflow `{name}` has no form fields"));
        } else if ids.len() <= 8 {
            d = d.help(format!(
                "the fields of `{name}` are {}",
                suggest::one_of(&ids)
            ));
        }
        self.push(d);
    }

    /// A field's options read only fields declared before it (D17).
    fn declared_before(&mut self, id: &Seg, wix: &WorkflowIx, pos: usize, p: Place) -> bool {
        if let Section::FieldOptions(i) = p.section
            && pos >= i
        {
            let msg = if pos == i {
                format!("the options of field `{}` read the field itself", id.name)
            } else {
                format!(
                    "the options of field `{}` read `{}`, which is declared after it",
                    wix.fields[i].id.value, id.name
                )
            };
            self.push(
                Diagnostic::error(Code::FIELD_DECLARED_LATER, id.span, msg)
                    .label("not chosen yet when these options load")
                    .help(format!(
                        "a field's options may only read fields declared before it; move `{}` above `{}`",
                        id.name, wix.fields[i].id.value
                    )),
            );
            return false;
        }
        true
    }

    /// `.value`, or `.display` of a field that stores one (D16).
    fn part(&mut self, e: &Expansion, id: &Seg, field: &FormField) -> bool {
        match e.path.get(1) {
            None => {
                self.push(
                    Diagnostic::error(
                        Code::CUSTOM_DATA_PART,
                        id.span,
                        format!("`custom_data.{}` needs `.value` or `.display`", id.name),
                    )
                    .label("which part?")
                    .help(format!("write `${{custom_data.{}.value}}`", id.name)),
                );
                return false;
            }
            Some(part) if part.name == "display" => {
                if matches!(field.kind.value, FieldType::Text | FieldType::Textarea) {
                    self.push(
                        Diagnostic::error(
                            Code::TEXT_HAS_NO_DISPLAY,
                            part.span,
                            format!(
                                "`{}` is a {} field, which stores no `display`",
                                id.name,
                                field.kind.value.as_str()
                            ),
                        )
                        .label("only `.value` exists")
                        .help(format!("write `${{custom_data.{}.value}}`", id.name)),
                    );
                    return false;
                }
            }
            Some(part) if part.name == "value" => {}
            Some(part) => {
                self.push(
                    Diagnostic::error(
                        Code::CUSTOM_DATA_PART,
                        part.span,
                        format!("unknown part `{}` of a selected value", part.name),
                    )
                    .label("expected `value` or `display`")
                    .maybe_help(suggest::did_you_mean(&part.name, ["value", "display"])),
                );
                return false;
            }
        }
        true
    }

    /// An optional field is read with `|default`.
    fn default_if_optional(&mut self, e: &Expansion, id: &Seg, field: &FormField) -> bool {
        if !field.is_required() && e.default.is_none() {
            let req = field.required.as_ref().map_or(id.span, |r| r.span);
            self.push(
                Diagnostic::error(
                    Code::OPTIONAL_WITHOUT_DEFAULT,
                    e.path_span(),
                    format!("optional field `{}` is read without `|default`", id.name),
                )
                .label("empty when the user skips the field")
                .help(format!(
                    "write `${{{} | default}}` or `${{{} | default:TEXT}}`",
                    e.display_path(),
                    e.display_path()
                ))
                .note(format!(
                    "`{}` is optional: `required: false` at {}",
                    id.name,
                    self.source.location(req.start)
                )),
            );
            return false;
        }
        true
    }
}
