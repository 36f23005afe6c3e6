//! Expansions: each `${…}` checked against the place it stands in (R4–R11, D1, D16–D18), and
//! each jq program compiled (S17, D15).

use std::collections::HashMap;

use appstudio_runtime::jq::{self, JqDiag, JqDiagKind};

use super::Index;
use super::visit::{Place, Section, Visitor};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::jqtext;
use crate::source::Source;
use crate::spec::{Expansion, Namespace, Scope, Seg, StrTmpl};
use crate::suggest;

/// Checks every expansion and jq program it is shown.
pub(super) struct Expansions<'a, 'i> {
    pub(super) index: &'i Index<'a>,
    pub(super) source: &'i Source,
    pub(super) diags: &'i mut Vec<Diagnostic>,
    /// Results of jq checks by (program, variables): apps repeat the same programs.
    jq_checked: HashMap<(String, Vec<String>), Result<(), Vec<JqDiag>>>,
}

impl Visitor for Expansions<'_, '_> {
    fn text(&mut self, t: &StrTmpl, p: Place, jq: bool) {
        for e in t.expansions() {
            self.expansion(e, p);
        }
        if jq && !t.broken {
            self.jq(t);
        }
    }
}

impl<'a, 'i> Expansions<'a, 'i> {
    /// A checker reporting to `diags`.
    pub(super) fn new(
        index: &'i Index<'a>,
        source: &'i Source,
        diags: &'i mut Vec<Diagnostic>,
    ) -> Self {
        Expansions {
            index,
            source,
            diags,
            jq_checked: HashMap::new(),
        }
    }

    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Compiles the jq program `t` (expansions become variables).
    fn jq(&mut self, t: &StrTmpl) {
        let rewritten = jqtext::rewrite(t);
        if let Some(past) = rewritten.vars.get(jq::MAX_EXPANSIONS) {
            let n = rewritten.vars.len();
            self.push(
                Diagnostic::error(
                    Code::JQ_EXPANSIONS,
                    past.span,
                    format!(
                        "jq program has {n} expansions (at most {})",
                        jq::MAX_EXPANSIONS
                    ),
                )
                .label(format!("expansion {} of {n}", jq::MAX_EXPANSIONS + 1))
                .help(
                    "each `${…}` of a program is a jq variable; read the same value once \
                     (`${…} as $x | …`) or split the program into several `!jq` steps",
                ),
            );
        }
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
            let escapes = crate::json::EscapeMap::new(&self.source.text, t.span);
            for e in errors {
                let r = rewritten.to_original(e.span.clone());
                let span = escapes.span(r);
                let code = match e.kind {
                    JqDiagKind::Sandbox => Code::JQ_SANDBOX,
                    JqDiagKind::Undefined => Code::JQ_UNDEFINED,
                    JqDiagKind::Syntax => Code::JQ_SYNTAX,
                    JqDiagKind::Size => Code::JQ_SIZE,
                };
                let d = Diagnostic::error(code, span, format!("jq: {}", e.message))
                    .label(short_label(code))
                    .maybe_help(e.help);
                self.push(d);
            }
        }
    }

    pub(super) fn out_of_scope(
        &mut self,
        e: &Expansion,
        code: Code,
        message: String,
        help: String,
    ) {
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
                        format!("`${{webhook.url}}` is not available in {}", p.describe()),
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
                        format!("`${{polling_state}}` is not available in {}", p.describe()),
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
                    // A broken `setup` (reported) may have had the selection.
                    let Some(setup) = self.index.workflows[w].wf.setup.get() else {
                        return true;
                    };
                    match &setup.select {
                        Some(s) => {
                            s.describe_selection.is_some()
                                || self.index.lost_member(s.span, "describe_selection")
                        }
                        None => self.index.lost_member(setup.span, "select"),
                    }
                });
                if !ok {
                    self.out_of_scope(
                        e,
                        Code::EXPANSION_OUT_OF_SCOPE,
                        format!("`${{resource.id}}` is not available in {}", p.describe()),
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
            // `api` and intakes belong to no one workflow: any auth entry may declare it
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
        // A broken auth entry may be the one declaring it.
        if !ok && !self.index.lost_under("/auth") {
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
        let scopes: Vec<&str> = Scope::ALL.iter().map(|(name, _)| *name).collect();
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
                .maybe_help(suggest::did_you_mean(&scope.name, scopes.iter().copied()))
                .help(format!("expected {}", suggest::one_of(&scopes))),
            );
            return;
        }
        if matches!(p.section, Section::Auth(_) | Section::Api) {
            self.out_of_scope(
                e,
                Code::EXPANSION_OUT_OF_SCOPE,
                format!("`${{data}}` is not available in {}", p.describe()),
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
        if self.saved(scope, key) {
            self.same_scope(scope, p);
        }
    }

    /// The key is stored by some `!save` of that scope; `false` once reported.
    fn saved(&mut self, scope: &Seg, key: &Seg) -> bool {
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
                false
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
                false
            }
            _ => true,
        }
    }

    /// In a webhook, `data` is read with the intake's scope.
    fn same_scope(&mut self, scope: &Seg, p: Place) {
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

fn short_label(code: Code) -> &'static str {
    if code == Code::JQ_SANDBOX {
        "not allowed in App Studio jq"
    } else if code == Code::JQ_UNDEFINED {
        "not defined"
    } else if code == Code::JQ_SIZE {
        "past the limit"
    } else {
        "jq syntax error"
    }
}
