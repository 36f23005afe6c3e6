//! Resolution and validation: every rule of spec §13 and of D1–D18 that can be checked at build
//! time. All problems are collected; nothing stops at the first.

mod refs;
mod rules;

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::source::Source;
use crate::spec::{self, App, Auth, Command, FormField, Intake, Op, Scope, Workflow, WorkflowType};

/// Names resolved across the app.
pub(crate) struct Index<'a> {
    /// `auth` entries in file order.
    pub auth: Vec<(&'a str, &'a Auth)>,
    /// `data_intake` entries in file order.
    pub intakes: Vec<&'a Intake>,
    /// Workflows with their resolved references.
    pub workflows: Vec<WorkflowIx<'a>>,
    /// Keys stored with `!save`, per scope; `None` when some `!save` stores keys that cannot be
    /// known at build time.
    pub saved: BTreeMap<ScopeKey, Option<BTreeSet<String>>>,
}

/// A scope as a map key.
pub(crate) type ScopeKey = &'static str;

/// One workflow with its references resolved.
pub(crate) struct WorkflowIx<'a> {
    /// The workflow.
    pub wf: &'a Workflow,
    /// Index of its auth entry.
    pub auth: Option<usize>,
    /// Index of its `data_intake`.
    pub intake: Option<usize>,
    /// Index of its `historical_data_intake`.
    pub historical: Option<usize>,
    /// Its form fields, in declaration order.
    pub fields: Vec<&'a FormField>,
}

impl WorkflowIx<'_> {
    /// Whether the workflow is inbound.
    pub(crate) fn inbound(&self) -> bool {
        self.wf.kind.value == WorkflowType::Generic
    }
}

impl<'a> Index<'a> {
    /// Resolves the names of `app` (reporting nothing; rules report).
    pub(crate) fn new(app: &'a App) -> Self {
        let auth: Vec<(&str, &Auth)> = app
            .auth
            .0
            .iter()
            .map(|(k, a)| (k.value.as_str(), a))
            .collect();
        let intakes: Vec<&Intake> = app.data_intake.iter().flatten().collect();
        let find_intake = |name: &Option<spec::Text>| {
            name.as_ref()
                .and_then(|n| intakes.iter().position(|i| i.name().value == n.value))
        };
        let workflows = app
            .workflows
            .iter()
            .map(|wf| WorkflowIx {
                wf,
                auth: auth.iter().position(|(k, _)| *k == wf.auth.value),
                intake: find_intake(&wf.data_intake),
                historical: find_intake(&wf.historical_data_intake),
                fields: wf
                    .setup
                    .select
                    .iter()
                    .flat_map(|s| s.form_fields.iter())
                    .collect(),
            })
            .collect();
        let mut saved = BTreeMap::new();
        for c in all_commands(app) {
            collect_saves(c, &mut saved);
        }
        Index {
            auth,
            intakes,
            workflows,
            saved,
        }
    }

    /// Indices of the workflows that use intake `i` (as `data_intake` or historical).
    pub(crate) fn intake_users(&self, i: usize) -> Vec<usize> {
        self.workflows
            .iter()
            .enumerate()
            .filter(|(_, w)| w.intake == Some(i) || w.historical == Some(i))
            .map(|(n, _)| n)
            .collect()
    }
}

/// Every top-level command of the app (each is walked recursively by callers).
fn all_commands(app: &App) -> Vec<&Command> {
    let mut out = Vec::new();
    if let Some(p) = &app.api.pagination
        && let Some(parser) = &p.parser
    {
        out.extend(
            [
                &parser.total_pages,
                &parser.total_items,
                &parser.next_result_token,
                &parser.previous_result_token,
                &parser.next_page_url,
            ]
            .into_iter()
            .flatten(),
        );
    }
    for intake in app.data_intake.iter().flatten() {
        match intake {
            Intake::Webhook(w) => out.extend(
                [
                    Some(&w.create),
                    w.update.as_ref(),
                    w.delete.as_ref(),
                    w.verification.as_ref(),
                    w.resource_id.as_ref(),
                    w.account_id.as_ref(),
                ]
                .into_iter()
                .flatten(),
            ),
            Intake::Polling(p) => out.extend(
                [
                    p.initial_setup.as_ref(),
                    p.pre_poll.as_ref(),
                    Some(&p.request),
                    p.post_poll.as_ref(),
                ]
                .into_iter()
                .flatten(),
            ),
        }
    }
    for wf in &app.workflows {
        out.extend(wf.setup.connect.describe_connection.as_ref());
        if let Some(select) = &wf.setup.select {
            for f in &select.form_fields {
                if let Some(spec::OptionsOf::Command(c)) = &f.options {
                    out.push(c);
                }
            }
            if let Some(d) = &select.describe_selection {
                out.extend([&d.resource_id, &d.display]);
            }
        }
        if let Some(map) = &wf.setup.map {
            for side in std::iter::once(&map.describe_source).chain(&map.describe_target) {
                if let spec::OptionsOf::Command(c) = &side.options {
                    out.push(c);
                }
            }
        }
        out.extend([&wf.data_pipeline.source, &wf.data_pipeline.target]);
    }
    out
}

/// Records the scopes and keys `!save` commands store. A `!save` right after a `!jq` that builds
/// an object literal stores exactly its keys; otherwise the keys are unknown.
fn collect_saves(c: &Command, saved: &mut BTreeMap<ScopeKey, Option<BTreeSet<String>>>) {
    match &c.op {
        Op::Pipe(steps) => {
            for (i, step) in steps.iter().enumerate() {
                if let Op::Save(s) = &step.op {
                    let keys = i.checked_sub(1).and_then(|p| match &steps[p].op {
                        Op::Jq(t) if t.expansions().next().is_none() => object_keys(&t.text),
                        _ => None,
                    });
                    record_save(saved, s.scope.value, keys);
                } else {
                    collect_saves(step, saved);
                }
            }
        }
        Op::Switch(s) => s.cases.iter().for_each(|c| collect_saves(c, saved)),
        Op::Save(s) => record_save(saved, s.scope.value, None),
        _ => {}
    }
}

fn record_save(
    saved: &mut BTreeMap<ScopeKey, Option<BTreeSet<String>>>,
    scope: Scope,
    keys: Option<BTreeSet<String>>,
) {
    let entry = saved
        .entry(scope.as_str())
        .or_insert_with(|| Some(BTreeSet::new()));
    match (entry.as_mut(), keys) {
        (Some(known), Some(keys)) => known.extend(keys),
        _ => *entry = None,
    }
}

/// The keys of a jq program that is one object construction (`{webhook_id: .id}`).
fn object_keys(program: &str) -> Option<BTreeSet<String>> {
    use jaq_core::load::{lex::StrPart, parse::Term};
    let term = jaq_core::load::parse(program, |p| p.term())?;
    let Term::Obj(entries) = term else {
        return None;
    };
    entries
        .iter()
        .map(|(k, _)| match k {
            Term::Var(v) => Some(v.trim_start_matches('$').to_owned()),
            Term::Str(None, parts) => match parts.as_slice() {
                [StrPart::Str(s)] => Some((*s).to_owned()),
                [] => Some(String::new()),
                _ => None,
            },
            Term::Call(name, args) if args.is_empty() => Some((*name).to_owned()),
            _ => None,
        })
        .collect()
}

/// Runs every rule on a loaded app, appending to `diags`.
pub(crate) fn check(app: &App, source: &Source, diags: &mut Vec<Diagnostic>) {
    let index = Index::new(app);
    rules::check(app, &index, diags);
    refs::check(app, &index, source, diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_keys_of_literal_programs() {
        let keys = |p: &str| object_keys(p).map(|k| k.into_iter().collect::<Vec<_>>());
        assert_eq!(
            keys("{webhook_id: .id, \"b\": 1}"),
            Some(vec!["b".into(), "webhook_id".into()])
        );
        assert_eq!(keys("{$__loc__}"), Some(vec!["__loc__".into()]));
        assert_eq!(keys(".id"), None);
        assert_eq!(keys("{(.k): 1}"), None);
    }
}
