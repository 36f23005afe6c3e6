//! Walks every command and template, checking each expansion against the place it stands in
//! (R4–R11, D16–D18) and compiling each jq program (S17, D15).

use std::collections::HashMap;

use appstudio_runtime::jq::{self, JqDiag, JqDiagKind};

use super::{Index, WorkflowIx};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::jqtext;
use crate::source::Source;
use crate::spec::{
    Command, Expansion, FieldType, Intake, Namespace, Op, OptionsOf, ResourceSpec, Scope, StrTmpl,
    Template,
};
use crate::suggest;

/// What part of the app a command belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// `auth.*` URLs and bodies.
    Auth(usize),
    /// `api.base_url`, pagination parsers.
    Api,
    /// `setup.connect.describe_connection`.
    Connect,
    /// `options` of form field N.
    FieldOptions(usize),
    /// `describe_selection`.
    Selection,
    /// `map` options.
    Map,
    /// `data_pipeline.source`.
    Source,
    /// `data_pipeline.target`.
    Target,
    /// A webhook lifecycle command.
    Webhook { url_ok: bool, scope: Scope },
    /// A polling lifecycle command.
    Polling,
}

/// Where an expansion stands.
#[derive(Clone, Copy, Debug)]
struct Place<'p> {
    section: Section,
    /// Workflows whose `custom_data` the place sees.
    workflows: &'p [usize],
    /// Innermost `!pipe` step (1-based) the place is in; `Some(1)` at a target's top level.
    step: Option<usize>,
    /// Pointer-ish description for messages ("workflow `x`").
    owner: &'p str,
}

struct Walker<'a, 'i> {
    index: &'i Index<'a>,
    source: &'i Source,
    diags: &'i mut Vec<Diagnostic>,
    /// Results of jq checks by (program, variables): apps repeat the same programs.
    jq_checked: HashMap<(String, Vec<String>), Result<(), Vec<JqDiag>>>,
}

/// Checks every expansion and jq program of `app`.
pub(crate) fn check(
    app: &crate::spec::App,
    index: &Index,
    source: &Source,
    diags: &mut Vec<Diagnostic>,
) {
    let mut w = Walker {
        index,
        source,
        diags,
        jq_checked: HashMap::new(),
    };
    let none: &[usize] = &[];
    // auth
    for (i, (key, auth)) in index.auth.iter().enumerate() {
        let owner = format!("auth `{key}`");
        let p = Place {
            section: Section::Auth(i),
            workflows: none,
            step: None,
            owner: &owner,
        };
        match auth {
            crate::spec::Auth::OAuth2(a) => {
                let c = &a.configuration;
                for t in [
                    Some(&c.authorization_base_url),
                    Some(&c.token_url),
                    c.refresh_url.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    w.str(t, p);
                }
            }
            crate::spec::Auth::Basic(a) => w.str(&a.verify_url, p),
            crate::spec::Auth::Token(a) => w.str(&a.verify_url, p),
            crate::spec::Auth::Session(a) => {
                w.str(&a.verify_url, p);
                if let Some(b) = &a.request_body {
                    w.template(b, p);
                }
            }
        }
    }
    // api
    let api = Place {
        section: Section::Api,
        workflows: none,
        step: None,
        owner: "`api`",
    };
    w.str(&app.api.base_url, api);
    if let Some(parser) = app.api.pagination.as_ref().and_then(|p| p.parser.as_ref()) {
        for c in [
            &parser.total_pages,
            &parser.total_items,
            &parser.next_result_token,
            &parser.previous_result_token,
            &parser.next_page_url,
        ]
        .into_iter()
        .flatten()
        {
            w.command(c, api);
        }
    }
    // intakes
    for (i, intake) in index.intakes.iter().enumerate() {
        let users = index.intake_users(i);
        let owner = format!("data intake `{}`", intake.name().value);
        let place = |section| Place {
            section,
            workflows: &users,
            step: None,
            owner: &owner,
        };
        match intake {
            Intake::Webhook(h) => {
                let scope = h.scope.value;
                let with_url = place(Section::Webhook {
                    url_ok: true,
                    scope,
                });
                let without = place(Section::Webhook {
                    url_ok: false,
                    scope,
                });
                w.command(&h.create, with_url);
                for c in [h.update.as_ref(), h.verification.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    w.command(c, with_url);
                }
                for c in [
                    h.delete.as_ref(),
                    h.resource_id.as_ref(),
                    h.account_id.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    w.command(c, without);
                }
            }
            Intake::Polling(p) => {
                let pl = place(Section::Polling);
                for c in [
                    p.initial_setup.as_ref(),
                    p.pre_poll.as_ref(),
                    Some(&p.request),
                    p.post_poll.as_ref(),
                ]
                .into_iter()
                .flatten()
                {
                    w.command(c, pl);
                }
            }
        }
    }
    // workflows
    for (n, wix) in index.workflows.iter().enumerate() {
        let me = [n];
        let owner = format!("workflow `{}`", wix.wf.name.value);
        let place = |section| Place {
            section,
            workflows: &me,
            step: None,
            owner: &owner,
        };
        let setup = &wix.wf.setup;
        if let Some(c) = &setup.connect.describe_connection {
            w.command(c, place(Section::Connect));
        }
        if let Some(select) = &setup.select {
            for (i, f) in select.form_fields.iter().enumerate() {
                match &f.options {
                    Some(OptionsOf::Command(c)) => w.command(c, place(Section::FieldOptions(i))),
                    Some(OptionsOf::Static(list)) => {
                        for o in list {
                            w.str(&o.display, place(Section::FieldOptions(i)));
                            w.template(&o.value, place(Section::FieldOptions(i)));
                        }
                    }
                    None => {}
                }
            }
            if let Some(d) = &select.describe_selection {
                w.command(&d.resource_id, place(Section::Selection));
                w.command(&d.display, place(Section::Selection));
            }
        }
        if let Some(map) = &setup.map {
            for side in std::iter::once(&map.describe_source).chain(&map.describe_target) {
                if let OptionsOf::Command(c) = &side.options {
                    w.command(c, place(Section::Map));
                }
            }
        }
        w.command(&wix.wf.data_pipeline.source, place(Section::Source));
        w.command(
            &wix.wf.data_pipeline.target,
            Place {
                step: Some(1),
                ..place(Section::Target)
            },
        );
    }
}

impl Walker<'_, '_> {
    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn command(&mut self, c: &Command, p: Place) {
        match &c.op {
            Op::Jq(t) => self.jq(t, p),
            Op::Http(h) => {
                for t in [h.url.as_ref(), h.path.as_ref()].into_iter().flatten() {
                    self.str(t, p);
                }
                for m in [h.params.as_ref(), h.headers.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    for (_, v) in &m.members {
                        self.template(v, p);
                    }
                }
                if let Some(b) = &h.body {
                    self.template(b, p);
                }
            }
            Op::Pipe(steps) => {
                for (i, s) in steps.iter().enumerate() {
                    self.command(
                        s,
                        Place {
                            step: Some(i + 1),
                            ..p
                        },
                    );
                }
            }
            Op::Switch(s) => {
                self.jq(&s.jq, p);
                for case in &s.cases {
                    self.command(case, p);
                }
            }
            Op::Resource(ResourceSpec::Call(call)) => self.template(&call.data, p),
            Op::Resource(ResourceSpec::Name(_)) | Op::Save(_) => {}
            Op::Error(t) => {
                if let Some(e) = t.expansions().next() {
                    self.push(
                        Diagnostic::error(
                            Code::ERROR_NOT_STATIC,
                            e.span,
                            "the `!error` message must be static",
                        )
                        .label("expansions are not allowed here")
                        .help(
                            "`!error` logs a fixed message; use `!print_c` before it to log values",
                        ),
                    );
                }
            }
            Op::PrintC(t) => self.str(t, p),
            Op::Extract(_) => {}
            Op::Sha(s) => {
                if let Some(t) = &s.secret {
                    self.str(t, p);
                }
            }
            Op::Respond(r) => {
                if let Some(h) = &r.headers {
                    for (_, v) in &h.members {
                        self.template(v, p);
                    }
                }
                if let Some(b) = &r.body {
                    self.template(b, p);
                }
            }
        }
    }

    fn template(&mut self, t: &Template, p: Place) {
        t.for_each_str(&mut |s| self.str(s, p));
    }

    fn str(&mut self, t: &StrTmpl, p: Place) {
        for e in t.expansions() {
            self.expansion(e, p);
        }
    }

    fn jq(&mut self, t: &StrTmpl, p: Place) {
        self.str(t, p);
        let rewritten = jqtext::rewrite(t);
        let key = (rewritten.program.clone(), rewritten.var_names());
        let result = match self.jq_checked.get(&key) {
            Some(r) => r.clone(),
            None => {
                let names: Vec<&str> = key.1.iter().map(String::as_str).collect();
                let r = jq::check(&rewritten.program, &names);
                self.jq_checked.insert(key, r.clone());
                r
            }
        };
        if let Err(errors) = result {
            for e in errors {
                let r = rewritten.to_original(e.span.clone());
                let span = crate::json::decoded_span(&self.source.text, t.span, r);
                let code = match e.kind {
                    JqDiagKind::Sandbox => Code::JQ_SANDBOX,
                    JqDiagKind::Undefined => Code::JQ_UNDEFINED,
                    JqDiagKind::Syntax => Code::JQ_SYNTAX,
                };
                let d = Diagnostic::error(code, span, format!("jq: {}", e.message))
                    .label(short_label(code))
                    .maybe_help(e.help);
                self.push(d);
            }
        }
    }

    fn out_of_scope(&mut self, e: &Expansion, code: Code, message: String, help: String) {
        self.push(
            Diagnostic::error(code, e.path_span(), message)
                .label("not available here")
                .help(help),
        );
    }

    fn expansion(&mut self, e: &Expansion, p: Place) {
        match e.ns {
            Namespace::CustomData => self.custom_data(e, p),
            Namespace::Subdomain => self.subdomain(e, p),
            Namespace::Webhook => {
                self.exact_path(e, &["url"]);
                if !matches!(p.section, Section::Webhook { url_ok: true, .. }) {
                    self.out_of_scope(
                        e,
                        Code::WEBHOOK_URL_MISPLACED,
                        format!("`${{webhook.url}}` is not available in {}", describe(p)),
                        "it exists only in a webhook intake's `create`, `update` and `verification`"
                            .into(),
                    );
                }
            }
            Namespace::PollingState => {
                if p.section != Section::Polling {
                    self.out_of_scope(
                        e,
                        Code::POLLING_STATE_MISPLACED,
                        format!("`${{polling_state}}` is not available in {}", describe(p)),
                        "it exists only in a polling intake's commands".into(),
                    );
                }
            }
            Namespace::PipedContent => self.piped_content(e, p),
            Namespace::Data => self.data(e, p),
            Namespace::Resource => {
                self.exact_path(e, &["id"]);
                let ok = matches!(
                    p.section,
                    Section::Map
                        | Section::Source
                        | Section::Target
                        | Section::Webhook { .. }
                        | Section::Polling
                ) && p.workflows.iter().all(|&w| {
                    self.index.workflows[w]
                        .wf
                        .setup
                        .select
                        .as_ref()
                        .is_some_and(|s| s.describe_selection.is_some())
                });
                if !ok {
                    self.out_of_scope(
                        e,
                        Code::EXPANSION_OUT_OF_SCOPE,
                        format!("`${{resource.id}}` is not available in {}", describe(p)),
                        "the selected resource exists after `describe_selection`: in `map`, `data_pipeline` and intake commands of workflows that describe their selection".into(),
                    );
                }
            }
        }
    }

    /// Requires the path to be exactly one of `allowed` (one segment).
    fn exact_path(&mut self, e: &Expansion, allowed: &[&str]) {
        let ok = matches!(e.path.as_slice(), [s] if allowed.contains(&s.name.as_str()));
        if !ok {
            let span = e.path.first().map_or(e.ns_span, |s| s.span);
            let found = e.path.first().map_or(String::new(), |s| s.name.clone());
            self.push(
                Diagnostic::error(
                    Code::EXPANSION_SYNTAX,
                    span,
                    format!("`{}` has no `{found}`", e.ns.as_str()),
                )
                .label("unknown member")
                .help(format!(
                    "write `${{{}.{}}}`",
                    e.ns.as_str(),
                    allowed.first().copied().unwrap_or_default()
                )),
            );
        }
    }

    fn subdomain(&mut self, e: &Expansion, p: Place) {
        if let Some(s) = e.path.first() {
            self.push(
                Diagnostic::error(Code::EXPANSION_SYNTAX, s.span, "`subdomain` has no members")
                    .label("unexpected path")
                    .help("write `${subdomain}`"),
            );
        }
        let declares = |i: usize| {
            self.index.auth[i]
                .1
                .defined_fields()
                .is_some_and(|d| d.subdomain.is_some())
        };
        let (ok, whose) = match p.section {
            Section::Auth(i) => (declares(i), format!("auth `{}`", self.index.auth[i].0)),
            Section::Api => (
                (0..self.index.auth.len()).any(declares),
                "any auth entry".to_owned(),
            ),
            _ if p.workflows.is_empty() => (
                (0..self.index.auth.len()).any(declares),
                "any auth entry".to_owned(),
            ),
            _ => {
                let missing: Vec<&str> = p
                    .workflows
                    .iter()
                    .filter_map(|&w| self.index.workflows[w].auth)
                    .filter(|&a| !declares(a))
                    .map(|a| self.index.auth[a].0)
                    .collect();
                (
                    missing.is_empty(),
                    format!(
                        "auth {}",
                        missing
                            .iter()
                            .map(|m| format!("`{m}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            }
        };
        if !ok {
            self.push(
                Diagnostic::error(
                    Code::SUBDOMAIN_NOT_DECLARED,
                    e.ns_span,
                    format!("`${{subdomain}}` is used, but {whose} declares no `subdomain` field"),
                )
                .label("no subdomain to expand")
                .help("add `\"subdomain\": {\"label\": …, \"placeholder\": …, \"help_text\": …}` to that auth entry's `defined_fields`"),
            );
        }
    }

    fn custom_data(&mut self, e: &Expansion, p: Place) {
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
                // A workflow names an intake that does not exist (reported there): which
                // workflow this intake belongs to is unknown, so say nothing more.
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
                format!("`custom_data` is not available in {}", describe(p)),
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
        self.index.workflows.iter().any(|w| {
            (w.wf.data_intake.is_some() && w.intake.is_none())
                || (w.wf.historical_data_intake.is_some() && w.historical.is_none())
        })
    }

    /// Checks a custom_data reference against one workflow; `false` once reported.
    fn one_field(
        &mut self,
        e: &Expansion,
        id: &crate::spec::Seg,
        wix: &WorkflowIx,
        p: Place,
    ) -> bool {
        let name = &wix.wf.name.value;
        let Some(pos) = wix.fields.iter().position(|f| f.id.value == id.name) else {
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
            return false;
        };
        let field = wix.fields[pos];
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
        // `.value` or `.display`
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

    fn piped_content(&mut self, e: &Expansion, p: Place) {
        let Some(step) = p.step else {
            self.out_of_scope(
                e,
                Code::PIPED_CONTENT_OUTSIDE_PIPE,
                "`${piped_content}` outside a `!pipe`".into(),
                "`piped_content` exists inside a `!pipe` (0 is its input, k the output of step k) and in `data_pipeline.target` (0 is the transformed object)".into(),
            );
            return;
        };
        let Some(n) = e.path.first() else {
            self.push(
                Diagnostic::error(Code::EXPANSION_SYNTAX, e.ns_span, "`piped_content` needs a step number")
                    .label("which step?")
                    .help("write `${piped_content.0}` for the pipe's input, `${piped_content.K}` for step K's output"),
            );
            return;
        };
        let Ok(k) = n.name.parse::<usize>() else {
            self.push(
                Diagnostic::error(
                    Code::EXPANSION_SYNTAX,
                    n.span,
                    format!("`{}` is not a step number", n.name),
                )
                .label("expected 0, 1, 2, …"),
            );
            return;
        };
        if k >= step {
            let msg = if k == step {
                format!("`${{piped_content.{k}}}` is the output of the step that reads it")
            } else {
                format!("`${{piped_content.{k}}}` is the output of a later step")
            };
            self.push(
                Diagnostic::error(Code::PIPED_CONTENT_NOT_EARLIER, n.span, msg)
                    .label(format!("this is step {step}"))
                    .help(format!(
                        "only earlier outputs exist here: {}",
                        (0..step)
                            .map(|i| format!("`{i}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
            );
        }
    }

    fn data(&mut self, e: &Expansion, p: Place) {
        let scopes = ["workflow", "connection", "application"];
        let Some(scope) = e.path.first() else {
            self.push(
                Diagnostic::error(
                    Code::EXPANSION_SYNTAX,
                    e.ns_span,
                    "`data` needs a scope and a key",
                )
                .label("incomplete")
                .help("write `${data.<workflow|connection|application>.<key>}`"),
            );
            return;
        };
        if !scopes.contains(&scope.name.as_str()) {
            self.push(
                Diagnostic::error(
                    Code::INVALID_ENUM,
                    scope.span,
                    format!("unknown scope `{}`", scope.name),
                )
                .label("not a scope")
                .maybe_help(suggest::did_you_mean(&scope.name, scopes))
                .help(format!("expected {}", suggest::one_of(&scopes))),
            );
            return;
        }
        if matches!(p.section, Section::Auth(_) | Section::Api) {
            self.out_of_scope(
                e,
                Code::EXPANSION_OUT_OF_SCOPE,
                format!("`${{data}}` is not available in {}", describe(p)),
                "saved data exists in intake commands and workflows".into(),
            );
            return;
        }
        let Some(key) = e.path.get(1) else {
            self.push(
                Diagnostic::error(
                    Code::EXPANSION_SYNTAX,
                    scope.span,
                    "`data` needs a key after the scope",
                )
                .label("which key?")
                .help(format!("write `${{data.{}.<key>}}`", scope.name)),
            );
            return;
        };
        match self.index.saved.get(scope.name.as_str()) {
            None => {
                self.push(
                    Diagnostic::error(
                        Code::DATA_NOT_SAVED,
                        scope.span,
                        format!("nothing is saved with scope `{}`", scope.name),
                    )
                    .label("no `!save` with this scope")
                    .help(format!(
                        "store it first: `{{\"!save\": {{\"scope\": \"{}\"}}}}` after a step producing `{{\"{}\": …}}`",
                        scope.name, key.name
                    )),
                );
                return;
            }
            Some(Some(keys)) if !keys.contains(&key.name) => {
                let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
                self.push(
                    Diagnostic::error(
                        Code::DATA_NOT_SAVED,
                        key.span,
                        format!("`{}` is not saved with scope `{}`", key.name, scope.name),
                    )
                    .label("no `!save` stores this key")
                    .maybe_help(suggest::help(&key.name, &keys)),
                );
                return;
            }
            _ => {}
        }
        if let Section::Webhook {
            scope: intake_scope,
            ..
        } = p.section
            && intake_scope.as_str() != scope.name
        {
            self.push(
                Diagnostic::error(
                    Code::DATA_SCOPE_MISMATCH,
                    scope.span,
                    format!(
                        "`data.{}` in a webhook of scope `{}`",
                        scope.name,
                        intake_scope.as_str()
                    ),
                )
                .label("scope differs from the intake's")
                .help(format!(
                    "the intake saves and reads with scope `{}`",
                    intake_scope.as_str()
                )),
            );
        }
    }
}

fn describe(p: Place) -> String {
    match p.section {
        Section::Auth(_) | Section::Api => p.owner.to_owned(),
        Section::Connect => format!("`describe_connection` of {}", p.owner),
        Section::FieldOptions(_) => format!("form field options of {}", p.owner),
        Section::Selection => format!("`describe_selection` of {}", p.owner),
        Section::Map => format!("`map` of {}", p.owner),
        Section::Source => format!("`data_pipeline.source` of {}", p.owner),
        Section::Target => format!("`data_pipeline.target` of {}", p.owner),
        Section::Webhook { .. } | Section::Polling => p.owner.to_owned(),
    }
}

fn short_label(code: Code) -> &'static str {
    if code == Code::JQ_SANDBOX {
        "not allowed in App Studio jq"
    } else if code == Code::JQ_UNDEFINED {
        "not defined"
    } else {
        "jq syntax error"
    }
}
