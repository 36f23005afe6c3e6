//! Structural rules: references between sections, required steps per direction, uniqueness,
//! values and shapes the model types cannot express (spec §12–§13, D4–D7, D14).

use std::collections::HashMap;

use super::Index;
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::spec::{
    App, Auth, Command, FieldType, Intake, Op, OptionsOf, PageStyle, Personalize, RateQuota,
    ResourceName, ResourceSpec, Scope, Spanned, Target, Template, Text,
};
use crate::suggest;

/// Runs the structural rules.
pub(crate) fn check(app: &App, index: &Index, diags: &mut Vec<Diagnostic>) {
    unique(
        app.workflows.iter().map(|w| &w.name),
        "workflow name",
        diags,
    );
    unique(
        index.intakes.iter().map(|i| i.name()),
        "data intake name",
        diags,
    );
    unique(
        app.objects.iter().flatten().map(|o| &o.name),
        "object name",
        diags,
    );
    for (key, auth) in &index.auth {
        defined_fields(key, auth, diags);
    }
    api(app, diags);
    for intake in &index.intakes {
        intake_rules(intake, index, diags);
    }
    workflows(app, index, diags);
    objects(app, diags);
    let mut all = Vec::new();
    for c in super::all_commands(app) {
        c.walk(&mut |c| all.push(c));
    }
    for c in all {
        command(c, app, diags);
    }
}

/// Reports repeated names; the help points at the first.
fn unique<'a>(names: impl Iterator<Item = &'a Text>, what: &str, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for n in names {
        if let Some(first) = seen.get(n.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    Code::DUPLICATE_NAME,
                    n.span,
                    format!("duplicate {what} `{}`", n.value),
                )
                .label(format!("{what}s must be unique"))
                .note(format!("first used at byte {}", first.start)),
            );
        } else {
            seen.insert(&n.value, n.span);
        }
    }
}

fn defined_fields(key: &str, auth: &Auth, diags: &mut Vec<Diagnostic>) {
    let (required, allowed): (&[&str], &[&str]) = match auth {
        Auth::OAuth2(_) => (&[], &["subdomain"]),
        Auth::Basic(_) | Auth::Session(_) => (
            &["username", "password"],
            &["username", "password", "subdomain"],
        ),
        Auth::Token(_) => (&["token"], &["token", "subdomain"]),
    };
    let Some(df) = auth.defined_fields() else {
        return;
    };
    let present = [
        ("username", df.username.as_ref()),
        ("password", df.password.as_ref()),
        ("token", df.token.as_ref()),
        ("subdomain", df.subdomain.as_ref()),
    ];
    for (name, field) in present {
        if let Some(f) = field
            && !allowed.contains(&name)
        {
            diags.push(
                Diagnostic::error(
                    Code::DEFINED_FIELDS,
                    f.span,
                    format!("a {} auth method has no `{name}` field", auth.type_name()),
                )
                .label("not a field of this auth type")
                .help(format!(
                    "`{key}` ({}) may define {}",
                    auth.type_name(),
                    suggest::one_of(allowed)
                )),
            );
        }
        if field.is_none() && required.contains(&name) {
            diags.push(
                Diagnostic::error(
                    Code::DEFINED_FIELDS,
                    Span::new(df.span.start as usize, df.span.start as usize + 1),
                    format!(
                        "`defined_fields` of {} auth `{key}` is missing `{name}`",
                        auth.type_name()
                    ),
                )
                .label(format!("needs `{name}`"))
                .help(format!(
                    "a {} auth method defines {}",
                    auth.type_name(),
                    suggest::one_of(required)
                )),
            );
        }
    }
}

fn positive(v: &Spanned<i64>, min: i64, what: &str, diags: &mut Vec<Diagnostic>) {
    if v.value < min {
        diags.push(
            Diagnostic::error(
                Code::INVALID_VALUE,
                v.span,
                format!("{what} must be at least {min}"),
            )
            .label(format!("found {}", v.value)),
        );
    }
}

fn api(app: &App, diags: &mut Vec<Diagnostic>) {
    absolute_url(
        &app.api.base_url.text,
        app.api.base_url.span,
        "`api.base_url`",
        diags,
    );
    if let Some(p) = &app.api.pagination {
        let (style, needs, forbids): (&str, &[&str], &[&str]) = match &p.style {
            PageStyle::Page(s) => {
                positive(&s.page_number.value, 0, "`page_number.value`", diags);
                positive(&s.page_size.value, 1, "`page_size.value`", diags);
                (
                    "page",
                    &["total_pages", "next_page_url"],
                    &["total_items", "next_result_token", "previous_result_token"],
                )
            }
            PageStyle::LimitOffset(s) => {
                positive(&s.limit.value, 1, "`limit.value`", diags);
                positive(&s.offset.value, 0, "`offset.value`", diags);
                (
                    "limitoffset",
                    &["total_items"],
                    &["total_pages", "next_result_token", "previous_result_token"],
                )
            }
            PageStyle::Cursor(s) => {
                positive(&s.limit.value, 1, "`limit.value`", diags);
                (
                    "cursor",
                    &["next_result_token"],
                    &["total_pages", "total_items"],
                )
            }
        };
        let parser = p.parser.as_ref();
        let has = |k: &str| {
            parser.is_some_and(|pp| match k {
                "total_pages" => pp.total_pages.is_some(),
                "total_items" => pp.total_items.is_some(),
                "next_result_token" => pp.next_result_token.is_some(),
                "previous_result_token" => pp.previous_result_token.is_some(),
                _ => pp.next_page_url.is_some(),
            })
        };
        if !needs.iter().any(|k| has(k)) {
            let at = parser.map_or(p.span, |pp| pp.span);
            diags.push(
                Diagnostic::error(
                    Code::PAGINATION,
                    Span::new(at.start as usize, at.start as usize + 1),
                    format!(
                        "`{style}` pagination needs a parser for {}",
                        suggest::one_of(needs)
                    ),
                )
                .label("nothing tells when the last page is reached")
                .help(format!(
                    "add `\"parser\": {{\"{}\": {{\"!jq\": …}}}}`",
                    needs[0]
                )),
            );
        }
        if let Some(pp) = parser {
            let node_of = |k: &str| match k {
                "total_pages" => pp.total_pages.as_ref(),
                "total_items" => pp.total_items.as_ref(),
                "next_result_token" => pp.next_result_token.as_ref(),
                _ => pp.previous_result_token.as_ref(),
            };
            for k in forbids {
                if let Some(c) = node_of(k) {
                    diags.push(
                        Diagnostic::error(
                            Code::PAGINATION,
                            c.span,
                            format!("`{k}` does not apply to `{style}` pagination"),
                        )
                        .label("never read")
                        .help(format!(
                            "`{style}` pagination reads {}",
                            suggest::one_of(needs)
                        )),
                    );
                }
            }
        }
    }
    if let Some(r) = &app.api.rate_limit {
        for q in [&r.user, &r.app].into_iter().flatten() {
            let quotas = match q {
                RateQuota::Split(rw) => vec![&rw.read, &rw.write],
                RateQuota::Flat(f) => vec![f],
            };
            for q in quotas {
                positive(&q.requests, 1, "`requests`", diags);
                positive(&q.period, 1, "`period`", diags);
            }
        }
    }
}

fn absolute_url(text: &str, span: Span, what: &str, diags: &mut Vec<Diagnostic>) {
    let lower = text.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://") || text.starts_with("${")) {
        diags.push(
            Diagnostic::error(
                Code::HTTP_URL,
                span,
                format!("{what} must be an absolute URL"),
            )
            .label("expected `https://…`"),
        );
    }
}

fn intake_rules(intake: &Intake, index: &Index, diags: &mut Vec<Diagnostic>) {
    match intake {
        Intake::Webhook(w) => {
            if w.scope.value == Scope::Application {
                if w.account_id.is_none() {
                    diags.push(
                        Diagnostic::error(
                            Code::APPLICATION_SCOPE,
                            w.scope.span,
                            format!("application-scope webhook `{}` has no `account_id`", w.name.value),
                        )
                        .label("payloads cannot be routed to a customer")
                        .help("add `\"account_id\": {\"!jq\": \".account.id\"}` extracting the account id from each payload; it is matched against `describe_connection`'s `account_id`"),
                    );
                }
                if w.resource_id.is_none() {
                    diags.push(
                        Diagnostic::warning(
                            Code::NO_RESOURCE_ID,
                            w.scope.span,
                            format!(
                                "application-scope webhook `{}` has no `resource_id`",
                                w.name.value
                            ),
                        )
                        .label("payloads cannot be matched to a selected resource"),
                    );
                }
                let i = index.intakes.iter().position(|x| std::ptr::eq(*x, intake));
                for u in i.map(|i| index.intake_users(i)).unwrap_or_default() {
                    let wf = index.workflows[u].wf;
                    if wf.setup.connect.describe_connection.is_none() {
                        diags.push(
                            Diagnostic::error(
                                Code::APPLICATION_SCOPE,
                                wf.setup.connect.span,
                                format!(
                                    "workflow `{}` uses application-scope webhook `{}` but has no `describe_connection`",
                                    wf.name.value, w.name.value
                                ),
                            )
                            .label("needs `describe_connection` returning `account_id`")
                            .help("payloads are routed by comparing their `account_id` with the connection's"),
                        );
                    }
                }
            }
            if let Some(v) = &w.verification {
                let mut lets_through = false;
                v.walk(&mut |c| {
                    if let Op::Respond(r) = &c.op
                        && r.process_payload.as_ref().is_some_and(|p| p.value)
                    {
                        lets_through = true;
                    }
                });
                if !lets_through {
                    diags.push(
                        Diagnostic::error(
                            Code::VERIFICATION,
                            v.key_span,
                            format!("the `verification` of `{}` never lets a payload through", w.name.value),
                        )
                        .label("no `!respond` with `process_payload: true`")
                        .help("add a case `{\"!respond\": {\"process_payload\": true}}`; without it payloads are never processed"),
                    );
                }
            }
        }
        Intake::Polling(p) => {
            if let Some(f) = &p.frequency {
                positive(f, 60, "polling `frequency`", diags);
            }
        }
    }
}

/// An app has at most one inbound workflow (§6).
fn one_inbound(index: &Index, diags: &mut Vec<Diagnostic>) {
    let mut inbound = index.workflows.iter().filter(|w| w.inbound()).map(|w| w.wf);
    let Some(first) = inbound.next() else { return };
    for wf in inbound {
        diags.push(
            Diagnostic::error(
                Code::SECOND_INBOUND,
                wf.kind.span,
                format!("workflow `{}` is a second inbound workflow", wf.name.value),
            )
            .label("an app has at most one inbound (`generic`) workflow")
            .note(format!("the first is `{}`", first.name.value))
            .help("move it into an app of its own, or make one of them outbound (`automations`)"),
        );
    }
}

fn workflows(app: &App, index: &Index, diags: &mut Vec<Diagnostic>) {
    let auth_keys: Vec<&str> = index.auth.iter().map(|(k, _)| *k).collect();
    let intake_names: Vec<&str> = index
        .intakes
        .iter()
        .map(|i| i.name().value.as_str())
        .collect();
    let custom_objects = app.objects.as_ref().is_some_and(|o| !o.is_empty());
    one_inbound(index, diags);
    for wix in &index.workflows {
        let wf = wix.wf;
        let name = &wf.name.value;
        let inbound = wix.inbound();
        if !is_slug(name) {
            diags.push(
                Diagnostic::error(
                    Code::NOT_A_SLUG,
                    wf.name.span,
                    format!("workflow name `{name}` is not a slug"),
                )
                .label("use lowercase words joined by `-`")
                .help(format!("for example `{}`", slugify(name))),
            );
        }
        if wix.auth.is_none() {
            diags.push(
                Diagnostic::error(
                    Code::UNKNOWN_AUTH,
                    wf.auth.span,
                    format!("unknown auth `{}`", wf.auth.value),
                )
                .label("no such key in `auth`")
                .maybe_help(suggest::help(&wf.auth.value, &auth_keys)),
            );
        }
        // data_intake (R2)
        match (&wf.data_intake, inbound) {
            (Some(n), _) if wix.intake.is_none() => diags.push(
                Diagnostic::error(
                    Code::UNKNOWN_INTAKE,
                    n.span,
                    format!("unknown data intake `{}`", n.value),
                )
                .label("no intake has this name")
                .maybe_help(suggest::help(&n.value, &intake_names)),
            ),
            (Some(n), false) => diags.push(
                Diagnostic::error(
                    Code::INTAKE_ON_OUTBOUND,
                    n.span,
                    format!("outbound workflow `{name}` names a data intake"),
                )
                .label("only inbound (`generic`) workflows receive data")
                .help("remove `data_intake`, or make the workflow `\"type\": \"generic\"`"),
            ),
            (None, true) => diags.push(
                Diagnostic::error(
                    Code::MISSING_INTAKE,
                    wf.kind.span,
                    format!("inbound workflow `{name}` has no `data_intake`"),
                )
                .label("inbound workflows receive data from an intake")
                .maybe_help((!intake_names.is_empty()).then(|| {
                    format!(
                        "add `\"data_intake\"`: one of {}",
                        suggest::one_of(&intake_names)
                    )
                })),
            ),
            _ => {}
        }
        let intake = wix.intake.map(|i| index.intakes[i]);
        // historical_data_intake (R3)
        if let Some(h) = &wf.historical_data_intake {
            match wix.historical.map(|i| index.intakes[i]) {
                None => diags.push(
                    Diagnostic::error(
                        Code::UNKNOWN_INTAKE,
                        h.span,
                        format!("unknown data intake `{}`", h.value),
                    )
                    .label("no intake has this name")
                    .maybe_help(suggest::help(&h.value, &intake_names)),
                ),
                Some(Intake::Webhook(_)) => diags.push(
                    Diagnostic::error(
                        Code::HISTORICAL_NOT_POLLING,
                        h.span,
                        format!("historical intake `{}` is a webhook", h.value),
                    )
                    .label("historical sync needs a polling intake"),
                ),
                Some(Intake::Polling(_)) => {}
            }
            if let Some(Intake::Polling(_)) = intake {
                diags.push(
                    Diagnostic::error(Code::HISTORICAL_NEEDS_WEBHOOK, wf.data_intake.as_ref().map_or(h.span, |d| d.span), format!("workflow `{name}` syncs history, but its `data_intake` is a polling intake"))
                        .label("historical sync pairs a webhook intake with a one-time poll"),
                );
            }
            if !inbound {
                diags.push(
                    Diagnostic::error(
                        Code::INBOUND_ONLY,
                        h.span,
                        "`historical_data_intake` on an outbound workflow",
                    )
                    .label("only inbound workflows sync history"),
                );
            }
        }
        if let Some(rt) = &wf.resource_type {
            if !inbound {
                diags.push(
                    Diagnostic::error(
                        Code::INBOUND_ONLY,
                        rt.span,
                        "`resource_type` on an outbound workflow",
                    )
                    .label("only inbound workflows are triggers"),
                );
            } else if !rt.value.ends_with('s') {
                diags.push(
                    Diagnostic::warning(
                        Code::RESOURCE_TYPE_SINGULAR,
                        rt.span,
                        format!("`resource_type` `{}` is not plural", rt.value),
                    )
                    .label("expected a plural noun such as `forms`"),
                );
            }
        }
        setup(wix, intake, custom_objects, diags);
        pipeline(wf, inbound, diags);
    }
}

fn setup(
    wix: &super::WorkflowIx,
    intake: Option<&Intake>,
    custom_objects: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let wf = wix.wf;
    let name = &wf.name.value;
    let s = &wf.setup;
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
    let at = |span: Span| Span::new(span.start as usize, span.start as usize + 1);
    if inbound {
        match &s.select {
            None => diags.push(
                Diagnostic::error(
                    Code::MISSING_SETUP_STEP,
                    at(s.span),
                    format!("inbound workflow `{name}` has no `select` step"),
                )
                .label("`setup` needs `select` with `describe_selection`"),
            ),
            Some(sel) if sel.describe_selection.is_none() => diags.push(
                Diagnostic::error(
                    Code::MISSING_SETUP_STEP,
                    at(sel.span),
                    format!("`select` of inbound workflow `{name}` has no `describe_selection`"),
                )
                .label("needs `describe_selection` with `resource_id` and `display`"),
            ),
            _ => {}
        }
        if s.map.is_none() {
            diags.push(
                Diagnostic::error(
                    Code::MISSING_SETUP_STEP,
                    at(s.span),
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
                        at(sp),
                        format!("outbound workflow `{name}` has a `{key}` step"),
                    )
                    .label("only inbound workflows have this step"),
                );
            }
        }
    }
    // schedule (R3, §6.6)
    if inbound {
        let polling = matches!(intake, Some(Intake::Polling(p)) if p.frequency.is_none() && p.import_option.is_none());
        let historical = wf.historical_data_intake.is_some();
        match (&s.schedule, polling && !historical && !custom_objects) {
            (None, true) => diags.push(
                Diagnostic::error(Code::SCHEDULE, at(s.span), format!("polling workflow `{name}` has no `schedule` step"))
                    .label("`setup` needs `schedule`")
                    .help("add `\"schedule\": {\"label\": …, \"description\": …, \"import_options\": [{\"label\": …, \"type\": \"recurring\"}], \"frequency\": 1800}`"),
            ),
            (Some(sc), false) if historical || matches!(intake, Some(Intake::Webhook(_))) => diags.push(
                Diagnostic::error(Code::SCHEDULE, at(sc.span), format!("workflow `{name}` has a `schedule`, but {}", if historical { "historical-sync workflows have none" } else { "its intake is a webhook" }))
                    .label("remove this step"),
            ),
            _ => {}
        }
    }
    if let Some(sc) = &s.schedule {
        if sc.import_options.is_empty() {
            diags.push(
                Diagnostic::error(
                    Code::EMPTY_LIST,
                    at(sc.span),
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
    if let Some(sel) = &s.select {
        unique(
            sel.form_fields.iter().map(|f| &f.id),
            "form field id",
            diags,
        );
        for f in &sel.form_fields {
            let kind = f.kind.value;
            match (&f.options, kind) {
                (None, FieldType::Dropdown | FieldType::Multiselect) => diags.push(
                    Diagnostic::error(Code::FIELD_OPTIONS, f.kind.span, format!("{} field `{}` has no `options`", kind.as_str(), f.id.value))
                        .label("nothing to choose from")
                        .help("add `\"options\"`: a command returning `[{display, value}]`, or a static list"),
                ),
                (None, FieldType::Text) => diags.push(
                    Diagnostic::warning(Code::TEXT_WITHOUT_OPTIONS, f.kind.span, format!("text field `{}` has no `options`", f.id.value))
                        .label("the reference asks for `options` on every type but textarea"),
                ),
                (Some(o), FieldType::Textarea) => diags.push(
                    Diagnostic::error(Code::FIELD_OPTIONS, options_span(o), format!("textarea `{}` has `options`", f.id.value))
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
    if let Some(map) = &s.map {
        if map.describe_target.is_none() {
            diags.push(
                Diagnostic::warning(
                    Code::NO_DESCRIBE_TARGET,
                    at(map.span),
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
                        Diagnostic::error(
                            Code::MAPPING,
                            sp,
                            "`source_fields` in `describe_source`",
                        )
                        .label("only target options offer fixed values"),
                    );
                }
            }
        }
        if inbound && let Some(t) = &map.describe_target {
            let ok = matches!(&t.options, OptionsOf::Command(c) if matches!(&c.op, Op::Resource(ResourceSpec::Name(n)) if matches!(n.value, ResourceName::ContactFields | ResourceName::Fields | ResourceName::AccountFields | ResourceName::DealFields)));
            if !ok {
                diags.push(
                    Diagnostic::error(Code::MAPPING, options_span(&t.options), format!("the mapping target of inbound workflow `{name}` is not ActiveCampaign"))
                        .label("expected an ActiveCampaign fields resource")
                        .help("write `\"options\": {\"!resource\": \"ActiveCampaignContact.fields\"}` (or `ActiveCampaign.fields` for grouped mapping)"),
                );
            }
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

/// The command a pipeline section ends with: the command itself, or a pipe's last step.
fn last_step(c: &Command) -> &Command {
    match &c.op {
        Op::Pipe(steps) => steps.last().map_or(c, last_step),
        _ => c,
    }
}

fn first_step(c: &Command) -> &Command {
    match &c.op {
        Op::Pipe(steps) => steps.first().map_or(c, first_step),
        _ => c,
    }
}

fn pipeline(wf: &crate::spec::Workflow, inbound: bool, diags: &mut Vec<Diagnostic>) {
    let name = &wf.name.value;
    if inbound {
        let t = last_step(&wf.data_pipeline.target);
        let ok = matches!(&t.op, Op::Resource(ResourceSpec::Call(_)))
            || matches!(&t.op, Op::Resource(ResourceSpec::Name(n)) if matches!(n.value, ResourceName::Contact | ResourceName::Sync));
        if !ok {
            diags.push(
                Diagnostic::error(Code::PIPELINE, t.key_span, format!("inbound workflow `{name}` does not deliver to ActiveCampaign"))
                    .label(format!("`{}` here", t.name()))
                    .help("end `data_pipeline.target` with `{\"!resource\": \"ActiveCampaignContact\"}`, `ActiveCampaign.sync`, or an Account/Deal sync"),
            );
        }
    } else {
        let s = first_step(&wf.data_pipeline.source);
        let ok = matches!(&s.op, Op::Resource(ResourceSpec::Name(n)) if n.value == ResourceName::Contact);
        if !ok {
            diags.push(
                Diagnostic::error(Code::PIPELINE, s.key_span, format!("outbound workflow `{name}` does not start from the ActiveCampaign contact"))
                    .label(format!("`{}` here", s.name()))
                    .help("start `data_pipeline.source` with `{\"!resource\": \"ActiveCampaignContact\"}`"),
            );
        }
    }
}

fn objects(app: &App, diags: &mut Vec<Diagnostic>) {
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
                    Span::new(o.span.start as usize, o.span.start as usize + 1),
                    format!("custom object `{}` has no `relationships`", o.name.value),
                )
                .label("custom objects attach to the core object through `relationships`"),
            );
        }
    }
}

fn command(c: &Command, app: &App, diags: &mut Vec<Diagnostic>) {
    match &c.op {
        Op::Http(h) => {
            let target = h.target.as_ref().map_or(Target::Connection, |t| t.value);
            match (&h.url, &h.path) {
                (None, None) => diags.push(
                    Diagnostic::error(Code::HTTP_URL, c.key_span, "`!http` has neither `path` nor `url`")
                        .label("where should the request go?")
                        .help("add `\"path\": \"/…\"` (joined to `api.base_url`) or an absolute `\"url\"`"),
                ),
                (Some(u), Some(_)) => diags.push(
                    Diagnostic::error(Code::HTTP_URL, u.span, "`!http` has both `path` and `url`")
                        .label("use one"),
                ),
                (Some(u), None) => {
                    if target == Target::ActiveCampaign {
                        diags.push(
                            Diagnostic::error(Code::HTTP_URL, u.span, "`url` with `target: activecampaign`")
                                .label("ActiveCampaign requests use a relative `path`")
                                .help("write `\"path\": \"/api/3/…\"`"),
                        );
                    } else {
                        absolute_url(&u.text, u.span, "`url`", diags);
                    }
                }
                (None, Some(p)) => {
                    if target == Target::ActiveCampaign {
                        let lower = p.text.to_ascii_lowercase();
                        let rel = lower.trim_start_matches('/');
                        if lower.contains("://") || !rel.starts_with("api/3/") {
                            diags.push(
                                Diagnostic::error(Code::HTTP_URL, p.span, "`target: activecampaign` needs a relative API v3 path")
                                    .label("expected `/api/3/…`")
                                    .help("the account's host is added by the runtime; write e.g. `\"path\": \"/api/3/contacts\"`"),
                            );
                        } else if rel.starts_with("api/3/eventtracking") || rel.starts_with("api/3/sitetracking") {
                            diags.push(
                                Diagnostic::error(Code::HTTP_URL, p.span, "event and site tracking endpoints are not available to apps")
                                    .label("excluded endpoint"),
                            );
                        }
                    }
                }
            }
            if let Some(p) = &h.pagination
                && p.value
                && app.api.pagination.is_none()
            {
                diags.push(
                    Diagnostic::error(
                        Code::PAGINATION_UNDEFINED,
                        p.span,
                        "`pagination: true` but `api` defines no `pagination`",
                    )
                    .label("nothing to follow")
                    .help("add `api.pagination` with a `style` and a `parser`, or remove this key"),
                );
            }
            if let Some(headers) = &h.headers {
                http_headers(headers, diags);
                let form = headers.members.iter().any(|(k, v)| {
                    k.value.eq_ignore_ascii_case("content-type")
                        && matches!(v, Template::String(s) if s.text.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
                });
                if form
                    && let Some(b) = &h.body
                    && !matches!(b, Template::Object(..))
                    && !matches!(b, Template::String(s) if s.single().is_some())
                {
                    diags.push(
                        Diagnostic::error(Code::WRONG_TYPE, b.span(), "a form-encoded body must be an object")
                            .label("cannot be form-encoded")
                            .help("with `Content-Type: application/x-www-form-urlencoded` the body object's members become form fields"),
                    );
                }
            }
        }
        Op::Switch(s) if s.cases.is_empty() => {
            diags.push(
                Diagnostic::error(Code::EMPTY_LIST, s.span, "`!switch` has no cases")
                    .label("add at least one case"),
            );
        }
        Op::Respond(r) => {
            if let Some(h) = &r.headers {
                http_headers(h, diags);
            }
            if let Some(code) = &r.code
                && !(100..=599).contains(&code.value)
            {
                diags.push(
                    Diagnostic::error(
                        Code::INVALID_VALUE,
                        code.span,
                        format!("HTTP status {} is out of range", code.value),
                    )
                    .label("expected 100–599"),
                );
            }
        }
        _ => {}
    }
}

/// Header names must be HTTP tokens; literal values must not contain CR, LF or NUL (D2).
fn http_headers(headers: &crate::spec::TemplateMap, diags: &mut Vec<Diagnostic>) {
    for (k, v) in &headers.members {
        let token = !k.value.is_empty()
            && k.value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !token {
            diags.push(
                Diagnostic::error(
                    Code::HEADER_VALUE,
                    k.span,
                    format!("`{}` is not a valid header name", k.value.escape_debug()),
                )
                .label("letters, digits and `-` only"),
            );
        }
        match v {
            Template::String(s) => {
                if s.pieces.iter().any(
                    |p| matches!(p, crate::spec::Piece::Lit(t) if t.contains(['\r', '\n', '\0'])),
                ) {
                    diags.push(
                        Diagnostic::error(
                            Code::HEADER_VALUE,
                            s.span,
                            "a header value contains a line break",
                        )
                        .label("header values are one line"),
                    );
                }
            }
            Template::Number(..) | Template::Bool(..) => {}
            other => diags.push(
                Diagnostic::error(
                    Code::WRONG_TYPE,
                    other.span(),
                    "a header value must be a string",
                )
                .label("expected a string"),
            ),
        }
    }
}

/// `create-a-contact`: lowercase ASCII letters and digits, words joined by `-` or `_`.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !s.starts_with(['-', '_'])
        && !s.ends_with(['-', '_'])
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("send-sms-message"));
        assert!(is_slug("v2_import"));
        assert!(!is_slug("Send SMS"));
        assert_eq!(slugify("Send SMS!"), "send-sms");
    }
}
