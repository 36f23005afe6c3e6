//! Names resolved across the app, built once and handed from checking to lowering.

use std::collections::{BTreeMap, BTreeSet};

use super::visit::{self, Place, Visitor};
use crate::json::Node;
use crate::source::Span;
use crate::spec::{
    self, App, Auth, Broken, Command, FormField, Intake, Op, Scope, Workflow, WorkflowType,
};

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
    /// JSON pointers of the parts left out of the model because they are broken (reported
    /// when loaded); a rule whose subject may be one of them says nothing.
    pub lost: Vec<String>,
    /// The parsed file, to locate parts by pointer.
    root: &'a Node,
}

/// A scope as a map key.
pub(super) type ScopeKey = &'static str;

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
    /// Whether some form field (or the `select` holding them) is broken and left out, so an
    /// unknown field id may be one of them.
    pub fields_lost: bool,
}

impl WorkflowIx<'_> {
    /// Whether the workflow is inbound; `false` when its `type` is broken (reported), and then
    /// the rules that depend on the direction skip it (see [`WorkflowIx::direction_known`]).
    pub(crate) fn inbound(&self) -> bool {
        self.wf
            .kind
            .get()
            .is_some_and(|k| k.value == WorkflowType::Generic)
    }

    /// Whether the workflow's `type` was loaded, so its direction is known.
    pub(crate) fn direction_known(&self) -> bool {
        self.wf.kind.get().is_some()
    }
}

impl<'a> Index<'a> {
    /// Resolves the names of `app` (reporting nothing; rules report). `root` is the file `app`
    /// was loaded from and `broken` the parts the loader left out.
    pub(crate) fn new(app: &'a App, root: &'a Node, broken: &[Broken]) -> Self {
        let lost = lost_parts(app, root, broken);
        let auth: Vec<(&str, &Auth)> = app
            .auth
            .get()
            .into_iter()
            .flat_map(|m| m.0.iter())
            .map(|(k, a)| (k.value.as_str(), a))
            .collect();
        let intakes: Vec<&Intake> = app.data_intake.iter().flatten().collect();
        let find_intake = |name: &Option<spec::Text>| {
            name.as_ref()
                .and_then(|n| intakes.iter().position(|i| i.name().value == n.value))
        };
        let workflows = app
            .workflows
            .get()
            .into_iter()
            .flatten()
            .map(|wf| WorkflowIx {
                wf,
                auth: auth.iter().position(|(k, _)| *k == wf.auth.value),
                intake: find_intake(&wf.data_intake),
                historical: find_intake(&wf.historical_data_intake),
                fields: wf
                    .setup
                    .get()
                    .and_then(|s| s.select.as_ref())
                    .into_iter()
                    .flat_map(|s| s.form_fields.iter())
                    .collect(),
                fields_lost: fields_lost(&lost, root.locate(wf.span).unwrap_or_default()),
            })
            .collect();
        let mut index = Index {
            auth,
            intakes,
            workflows,
            saved: BTreeMap::new(),
            lost,
            root,
        };
        let mut saves = Saves::default();
        visit::walk(app, &index, &mut saves);
        index.saved = saves.0;
        if broken.iter().any(|b| b.saves) {
            // A broken part holds a `!save`: what is saved is unknown.
            for (_, scope) in Scope::ALL {
                index.saved.insert(scope.as_str(), None);
            }
        }
        index
    }

    /// Whether the part at `pointer`, or one inside it, is broken and left out.
    pub(crate) fn lost_under(&self, pointer: &str) -> bool {
        self.lost.iter().any(|l| {
            l.strip_prefix(pointer)
                .is_some_and(|r| r.is_empty() || r.starts_with('/'))
        })
    }

    /// Whether the part at `pointer`, one inside it or one holding it is broken and left out.
    pub(crate) fn lost_around(&self, pointer: &str) -> bool {
        self.lost_under(pointer)
            || self.lost.iter().any(|l| {
                pointer
                    .strip_prefix(l.as_str())
                    .is_some_and(|r| r.starts_with('/'))
            })
    }

    /// Whether member `key` of the object at `parent` is present but broken, hence absent from
    /// the model.
    pub(crate) fn lost_member(&self, parent: Span, key: &str) -> bool {
        let Some(at) = self.root.locate(parent) else {
            return false;
        };
        let pointer = format!("{at}/{}", crate::json::pointer_segment(key));
        self.lost.contains(&pointer)
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

/// The JSON pointers of the parts left out of `app`: the broken ones and the required ones
/// that are missing.
fn lost_parts(app: &App, root: &Node, broken: &[Broken]) -> Vec<String> {
    let mut lost: Vec<String> = broken
        .iter()
        .filter(|b| !b.command)
        .filter_map(|b| root.locate(b.span))
        .collect();
    // A required top-level part that is missing is left out too.
    for (pointer, absent) in [
        ("/auth", app.auth.get().is_none()),
        ("/api", app.api.get().is_none()),
        ("/workflows", app.workflows.get().is_none()),
    ] {
        if absent && !lost.iter().any(|l| l == pointer) {
            lost.push(pointer.to_owned());
        }
    }
    // So is the `setup` of a workflow that lacks one.
    for wf in app.workflows.get().into_iter().flatten() {
        if wf.setup.get().is_none()
            && let Some(at) = root.locate(wf.span)
        {
            let pointer = format!("{at}/setup");
            if !lost.contains(&pointer) {
                lost.push(pointer);
            }
        }
    }
    lost
}

/// Whether a form field of the workflow at `workflow` (a pointer), or what holds them, is in
/// `lost`.
fn fields_lost(lost: &[String], workflow: String) -> bool {
    lost.iter().any(|l| {
        l.strip_prefix(&workflow).is_some_and(|r| {
            matches!(r, "/setup" | "/setup/select" | "/setup/select/form_fields")
                || r.strip_prefix("/setup/select/form_fields/")
                    .is_some_and(|n| !n.contains('/'))
        })
    })
}

/// Records the scopes and keys `!save` commands store. A `!save` right after a `!jq` that builds
/// an object literal stores exactly its keys; otherwise the keys are unknown.
#[derive(Default)]
struct Saves(BTreeMap<ScopeKey, Option<BTreeSet<String>>>);

impl Visitor for Saves {
    fn command(&mut self, c: &Command, p: Place) {
        match &c.op {
            Op::Pipe(steps) => {
                for (i, step) in steps.iter().enumerate() {
                    if let Op::Save(s) = &step.op {
                        let keys = i.checked_sub(1).and_then(|p| match &steps[p].op {
                            Op::Jq(t) if !t.broken && t.expansions().next().is_none() => {
                                object_keys(&t.text)
                            }
                            _ => None,
                        });
                        record_save(&mut self.0, s.scope.value, keys);
                    }
                }
            }
            Op::Save(s) if !p.in_pipe => record_save(&mut self.0, s.scope.value, None),
            _ => {}
        }
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
