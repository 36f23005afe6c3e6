//! `setup` of a workflow: the steps each direction needs, form fields, schedule, mapping.

use super::{Index, WorkflowIx, unique};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::spec::{
    FieldType, Intake, Map, Op, OptionsOf, Personalize, ResourceName, ResourceSpec, Schedule,
    Select, Setup, Template,
};

/// The rules of one workflow's `setup`. `intake` is its resolved `data_intake`.
pub(super) fn check(
    wix: &WorkflowIx,
    index: &Index,
    intake: Option<&Intake>,
    custom_objects: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let wf = wix.wf;
    let name = &wf.name.value;
    let Some(s) = wf.setup.get() else { return };
    let inbound = wix.inbound();
    if s.connect.describe_connection.is_none() {
        diags.push(
            Diagnostic::warning(
                Code::NO_DESCRIBE_CONNECTION,
                s.connect.span,
                format!("`connect` of workflow `{name}` has no `describe_connection`"),
            )
            .label("the reference requires it")
            .help(
                "return `{account_id, description}` so the connection can be identified and shown",
            ),
        );
    }
    steps(wix, s, index, diags);
    if inbound {
        needs_schedule(wix, s, index, intake, custom_objects, diags);
    }
    if let Some(sc) = &s.schedule {
        schedule(sc, diags);
    }
    if let Some(sel) = &s.select {
        select(sel, index, diags);
    }
    if let Some(map) = &s.map {
        mapping(map, name, inbound, index, diags);
    }
}

/// The steps each direction needs or may not have.
fn steps(wix: &WorkflowIx, s: &Setup, index: &Index, diags: &mut Vec<Diagnostic>) {
    let name = &wix.wf.name.value;
    let inbound = wix.inbound();
    if inbound {
        match &s.select {
            None if index.lost_member(s.span, "select") => {}
            Some(sel) if index.lost_member(sel.span, "describe_selection") => {}
            None => diags.push(
                Diagnostic::error(
                    Code::MISSING_SETUP_STEP,
                    s.span.head(),
                    format!("inbound workflow `{name}` has no `select` step"),
                )
                .label("`setup` needs `select` with `describe_selection`"),
            ),
            Some(sel) if sel.describe_selection.is_none() => diags.push(
                Diagnostic::error(
                    Code::MISSING_SETUP_STEP,
                    sel.span.head(),
                    format!("`select` of inbound workflow `{name}` has no `describe_selection`"),
                )
                .label("needs `describe_selection` with `resource_id` and `display`"),
            ),
            _ => {}
        }
        if s.map.is_none() && !index.lost_member(s.span, "map") {
            diags.push(
                Diagnostic::error(
                    Code::MISSING_SETUP_STEP,
                    s.span.head(),
                    format!("inbound workflow `{name}` has no `map` step"),
                )
                .label("`setup` needs `map`"),
            );
        }
    } else {
        for (key, present) in [
            ("schedule", s.schedule.as_ref().map(|x| x.span)),
            ("review_events", s.review_events.as_ref().map(|x| x.span)),
            ("review_objects", s.review_objects.as_ref().map(|x| x.span)),
        ] {
            if let Some(sp) = present {
                diags.push(
                    Diagnostic::error(
                        Code::INBOUND_ONLY,
                        sp.head(),
                        format!("outbound workflow `{name}` has a `{key}` step"),
                    )
                    .label("only inbound workflows have this step"),
                );
            }
        }
    }
}

/// Whether an inbound workflow needs a `schedule` (R3, §6.6): a polling intake without its
/// own `frequency`/`import_option` does, unless the workflow is a historical sync or syncs
/// custom objects; a webhook intake or a historical sync has none.
fn needs_schedule(
    wix: &WorkflowIx,
    s: &Setup,
    index: &Index,
    intake: Option<&Intake>,
    custom_objects: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let name = &wix.wf.name.value;
    let polling = matches!(intake, Some(Intake::Polling(p))
        if p.frequency.is_none() && p.import_option.is_none());
    let historical = wix.wf.historical_data_intake.is_some();
    let webhook = matches!(intake, Some(Intake::Webhook(_)));
    match (&s.schedule, polling && !historical && !custom_objects) {
        (None, true) if index.lost_member(s.span, "schedule") => {}
        (None, true) => diags.push(
            Diagnostic::error(
                Code::SCHEDULE,
                s.span.head(),
                format!("polling workflow `{name}` has no `schedule` step"),
            )
            .label("`setup` needs `schedule`")
            .help(
                "add `\"schedule\": {\"label\": …, \"description\": …, \"import_options\": \
                 [{\"label\": …, \"type\": \"recurring\"}], \"frequency\": 1800}`",
            ),
        ),
        (Some(sc), false) if historical || webhook => {
            let why = if historical {
                "historical-sync workflows have none"
            } else {
                "its intake is a webhook"
            };
            diags.push(
                Diagnostic::error(
                    Code::SCHEDULE,
                    sc.span.head(),
                    format!("workflow `{name}` has a `schedule`, but {why}"),
                )
                .label("remove this step"),
            );
        }
        _ => {}
    }
}

/// `schedule`: its import options and frequency.
fn schedule(sc: &Schedule, diags: &mut Vec<Diagnostic>) {
    if sc.import_options.is_empty() {
        diags.push(
            Diagnostic::error(
                Code::EMPTY_LIST,
                sc.span.head(),
                "`schedule.import_options` is empty",
            )
            .label("offer `recurring`, `single` or both"),
        );
    }
    let mut seen = Vec::new();
    for o in &sc.import_options {
        if seen.contains(&o.kind.value) {
            diags.push(
                Diagnostic::error(
                    Code::DUPLICATE_NAME,
                    o.kind.span,
                    format!("import option `{}` appears twice", o.kind.value.as_str()),
                )
                .label("each type once"),
            );
        }
        seen.push(o.kind.value);
    }
    if sc.frequency.value != 1800 {
        diags.push(
            Diagnostic::error(
                Code::INVALID_VALUE,
                sc.frequency.span,
                "`schedule.frequency` must be 1800",
            )
            .label(format!("found {}", sc.frequency.value))
            .help("App Studio polls standard workflows every 1800 seconds"),
        );
    }
}

/// Form fields: unique ids, options by type, personalization, unique static values.
fn select(sel: &Select, index: &Index, diags: &mut Vec<Diagnostic>) {
    unique(
        sel.form_fields.iter().map(|f| &f.id),
        "form field id",
        diags,
    );
    for f in &sel.form_fields {
        let kind = f.kind.value;
        match (&f.options, kind) {
            (None, _) if index.lost_member(f.span, "options") => {}
            (None, FieldType::Dropdown | FieldType::Multiselect) => diags.push(
                Diagnostic::error(
                    Code::FIELD_OPTIONS,
                    f.kind.span,
                    format!("{} field `{}` has no `options`", kind.as_str(), f.id.value),
                )
                .label("nothing to choose from")
                .help(
                    "add `\"options\"`: a command returning `[{display, value}]`, or a static list",
                ),
            ),
            (None, FieldType::Text) => diags.push(
                Diagnostic::warning(
                    Code::TEXT_WITHOUT_OPTIONS,
                    f.kind.span,
                    format!("text field `{}` has no `options`", f.id.value),
                )
                .label("the reference asks for `options` on every type but textarea"),
            ),
            (Some(o), FieldType::Textarea) => diags.push(
                Diagnostic::error(
                    Code::FIELD_OPTIONS,
                    options_span(o),
                    format!("textarea `{}` has `options`", f.id.value),
                )
                .label("a textarea takes free text"),
            ),
            _ => {}
        }
        if let Some(Personalize::Contact(p)) = &f.personalize
            && kind != FieldType::Textarea
        {
            diags.push(
                Diagnostic::error(
                    Code::PERSONALIZE,
                    p.span,
                    format!("`personalize` on {} field `{}`", kind.as_str(), f.id.value),
                )
                .label("only textareas are personalized"),
            );
        }
        if let Some(OptionsOf::Static(list)) = &f.options {
            let mut seen: Vec<String> = Vec::new();
            for o in list {
                let v = template_key(&o.value);
                if seen.contains(&v) {
                    diags.push(
                        Diagnostic::error(
                            Code::DUPLICATE_NAME,
                            o.value.span(),
                            format!("option value {v} appears twice"),
                        )
                        .label("values must be unique"),
                    );
                }
                seen.push(v);
            }
        }
    }
}

/// `map`: `describe_target`, fixed values only on the target, an ActiveCampaign target inbound.
fn mapping(map: &Map, name: &str, inbound: bool, index: &Index, diags: &mut Vec<Diagnostic>) {
    if map.describe_target.is_none() && !index.lost_member(map.span, "describe_target") {
        diags.push(
            Diagnostic::warning(
                Code::NO_DESCRIBE_TARGET,
                map.span.head(),
                format!("`map` of workflow `{name}` has no `describe_target`"),
            )
            .label("the reference requires it"),
        );
    }
    if let OptionsOf::Static(list) = &map.describe_source.options {
        for o in list {
            if let Some(sf) = &o.source_fields {
                let sp = sf.first().map_or(o.span, |x| x.span);
                diags.push(
                    Diagnostic::error(Code::MAPPING, sp, "`source_fields` in `describe_source`")
                        .label("only target options offer fixed values"),
                );
            }
        }
    }
    if inbound && let Some(t) = &map.describe_target {
        let ok = matches!(&t.options, OptionsOf::Command(c) if matches!(&c.op, Op::Broken))
            || matches!(&t.options, OptionsOf::Command(c) if matches!(&c.op, Op::Resource(ResourceSpec::Name(n)) if matches!(n.value, ResourceName::ContactFields | ResourceName::Fields | ResourceName::AccountFields | ResourceName::DealFields)));
        if !ok {
            diags.push(
                    Diagnostic::error(Code::MAPPING, options_span(&t.options), format!("the mapping target of inbound workflow `{name}` is not ActiveCampaign"))
                        .label("expected an ActiveCampaign fields resource")
                        .help("write `\"options\": {\"!resource\": \"ActiveCampaignContact.fields\"}` (or `ActiveCampaign.fields` for grouped mapping)"),
                );
        }
    }
}

fn options_span<T>(o: &OptionsOf<T>) -> Span
where
    T: HasSpan,
{
    match o {
        OptionsOf::Command(c) => c.span,
        OptionsOf::Static(list) => list.first().map_or(Span::default(), HasSpan::span),
    }
}

/// Types with a span.
trait HasSpan {
    fn span(&self) -> Span;
}

impl HasSpan for crate::spec::FieldOption {
    fn span(&self) -> Span {
        self.span
    }
}

impl HasSpan for crate::spec::MapOption {
    fn span(&self) -> Span {
        self.span
    }
}

fn template_key(t: &Template) -> String {
    match t {
        Template::String(s) => format!("`{}`", s.text),
        Template::Number(n, _) => format!("`{n}`"),
        Template::Bool(b, _) => format!("`{b}`"),
        _ => "(structured)".into(),
    }
}
