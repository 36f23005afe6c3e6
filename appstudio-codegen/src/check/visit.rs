//! The one walk over the spec model: every command of the app, outer before inner, and every
//! string template it evaluates, each with the place it stands in. Rules that look at commands
//! or expansions implement [`Visitor`] instead of walking the app themselves.

use super::Index;
use crate::spec::{
    Api, App, Auth, Command, Intake, Op, OptionsOf, Scope, Setup, StrTmpl, Template,
};

/// What part of the app a command belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Section {
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

/// Where a command or an expansion stands.
#[derive(Clone, Copy, Debug)]
pub(super) struct Place<'p> {
    /// The section.
    pub section: Section,
    /// Workflows whose `custom_data` the place sees.
    pub workflows: &'p [usize],
    /// Innermost `!pipe` step (1-based) the place is in; `Some(1)` at a target's top level.
    pub step: Option<usize>,
    /// Whether the command is itself a step of a `!pipe`.
    pub in_pipe: bool,
    /// Who owns the place, for messages ("workflow `x`").
    pub owner: &'p str,
}

impl<'p> Place<'p> {
    fn new(section: Section, workflows: &'p [usize], owner: &'p str) -> Self {
        Place {
            section,
            workflows,
            step: None,
            in_pipe: false,
            owner,
        }
    }

    /// How messages name the place.
    pub(super) fn describe(&self) -> String {
        match self.section {
            Section::Auth(_) | Section::Api => self.owner.to_owned(),
            Section::Connect => format!("`describe_connection` of {}", self.owner),
            Section::FieldOptions(_) => format!("form field options of {}", self.owner),
            Section::Selection => format!("`describe_selection` of {}", self.owner),
            Section::Map => format!("`map` of {}", self.owner),
            Section::Source => format!("`data_pipeline.source` of {}", self.owner),
            Section::Target => format!("`data_pipeline.target` of {}", self.owner),
            Section::Webhook { .. } | Section::Polling => self.owner.to_owned(),
        }
    }
}

/// What a rule sees of the walk. Both methods do nothing by default.
pub(super) trait Visitor {
    /// Every command, outer before inner (broken ones included).
    fn command(&mut self, _c: &Command, _p: Place) {}

    /// Every string template that is evaluated (not `!error`'s fixed message); `jq` when it is
    /// a jq program.
    fn text(&mut self, _t: &StrTmpl, _p: Place, _jq: bool) {}
}

/// Walks every section of `app`.
pub(super) fn walk(app: &App, index: &Index, v: &mut impl Visitor) {
    for (i, (key, auth)) in index.auth.iter().enumerate() {
        let owner = format!("auth `{key}`");
        walk_auth(auth, Place::new(Section::Auth(i), &[], &owner), v);
    }
    if let Some(api) = app.api.get() {
        walk_api(api, v);
    }
    for (i, intake) in index.intakes.iter().enumerate() {
        let users = index.intake_users(i);
        let owner = format!("data intake `{}`", intake.name().value);
        walk_intake(intake, &users, &owner, v);
    }
    for (n, wix) in index.workflows.iter().enumerate() {
        let owner = format!("workflow `{}`", wix.wf.name.value);
        walk_workflow(wix.wf, &[n], &owner, v);
    }
}

/// Walks `api`: the base URL and the pagination parser's commands.
fn walk_api(api: &Api, v: &mut impl Visitor) {
    let place = Place::new(Section::Api, &[], "`api`");
    v.text(&api.base_url, place, false);
    if let Some(parser) = api.pagination.as_ref().and_then(|p| p.parser.as_ref()) {
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
            command(c, place, v);
        }
    }
}

fn walk_auth(auth: &Auth, p: Place, v: &mut impl Visitor) {
    match auth {
        Auth::OAuth2(a) => {
            let c = &a.configuration;
            for t in [
                Some(&c.authorization_base_url),
                Some(&c.token_url),
                c.refresh_url.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                v.text(t, p, false);
            }
        }
        Auth::Basic(a) => v.text(&a.verify_url, p, false),
        Auth::Token(a) => v.text(&a.verify_url, p, false),
        Auth::Session(a) => {
            v.text(&a.verify_url, p, false);
            if let Some(b) = &a.request_body {
                template(b, p, v);
            }
        }
    }
}

fn walk_intake(intake: &Intake, users: &[usize], owner: &str, v: &mut impl Visitor) {
    match intake {
        Intake::Webhook(h) => {
            let scope = h.scope.value;
            let with_url = Place::new(
                Section::Webhook {
                    url_ok: true,
                    scope,
                },
                users,
                owner,
            );
            let without = Place::new(
                Section::Webhook {
                    url_ok: false,
                    scope,
                },
                users,
                owner,
            );
            for c in [Some(&h.create), h.update.as_ref(), h.verification.as_ref()]
                .into_iter()
                .flatten()
            {
                command(c, with_url, v);
            }
            for c in [
                h.delete.as_ref(),
                h.resource_id.as_ref(),
                h.account_id.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                command(c, without, v);
            }
        }
        Intake::Polling(p) => {
            let place = Place::new(Section::Polling, users, owner);
            for c in [
                p.initial_setup.as_ref(),
                p.pre_poll.as_ref(),
                Some(&p.request),
                p.post_poll.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                command(c, place, v);
            }
        }
    }
}

fn walk_workflow(wf: &crate::spec::Workflow, me: &[usize], owner: &str, v: &mut impl Visitor) {
    let place = |section| Place::new(section, me, owner);
    if let Some(setup) = wf.setup.get() {
        walk_setup(setup, me, owner, v);
    }
    command(&wf.data_pipeline.source, place(Section::Source), v);
    let target = Place {
        step: Some(1),
        ..place(Section::Target)
    };
    command(&wf.data_pipeline.target, target, v);
}

/// Walks a workflow's `setup`: connect, form field options, selection, map sides.
fn walk_setup(setup: &Setup, me: &[usize], owner: &str, v: &mut impl Visitor) {
    let place = |section| Place::new(section, me, owner);
    if let Some(c) = &setup.connect.describe_connection {
        command(c, place(Section::Connect), v);
    }
    if let Some(select) = &setup.select {
        for (i, f) in select.form_fields.iter().enumerate() {
            let p = place(Section::FieldOptions(i));
            match &f.options {
                Some(OptionsOf::Command(c)) => command(c, p, v),
                Some(OptionsOf::Static(list)) => {
                    for o in list {
                        v.text(&o.display, p, false);
                        template(&o.value, p, v);
                    }
                }
                None => {}
            }
        }
        if let Some(d) = &select.describe_selection {
            command(&d.resource_id, place(Section::Selection), v);
            command(&d.display, place(Section::Selection), v);
        }
    }
    if let Some(map) = &setup.map {
        for side in std::iter::once(&map.describe_source).chain(&map.describe_target) {
            if let OptionsOf::Command(c) = &side.options {
                command(c, place(Section::Map), v);
            }
        }
    }
}

/// Visits `c`, its templates and the commands nested in it.
fn command(c: &Command, p: Place, v: &mut impl Visitor) {
    v.command(c, p);
    let inner = Place {
        in_pipe: false,
        ..p
    };
    c.for_each_text(&mut |t, jq| v.text(t, inner, jq));
    match &c.op {
        Op::Pipe(steps) => {
            for (i, s) in steps.iter().enumerate() {
                let step = Place {
                    step: Some(i + 1),
                    in_pipe: true,
                    ..p
                };
                command(s, step, v);
            }
        }
        Op::Switch(s) => s.cases.iter().for_each(|case| command(case, inner, v)),
        _ => {}
    }
}

fn template(t: &Template, p: Place, v: &mut impl Visitor) {
    t.for_each_str(&mut |s| v.text(s, p, false));
}
