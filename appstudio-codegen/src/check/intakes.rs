//! `data_intake`: application-scope webhooks, verification, polling frequency.

use super::{Index, positive};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::spec::{Intake, Op, Scope};

/// The rules of `intake`, the `i`-th of the app.
pub(super) fn check(i: usize, intake: &Intake, index: &Index, diags: &mut Vec<Diagnostic>) {
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
                for u in index.intake_users(i) {
                    let wf = index.workflows[u].wf;
                    let Some(setup) = wf.setup.get() else {
                        continue;
                    };
                    if setup.connect.describe_connection.is_none() {
                        diags.push(
                            Diagnostic::error(
                                Code::APPLICATION_SCOPE,
                                setup.connect.span,
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
                v.walk(&mut |c| match &c.op {
                    Op::Respond(r) if r.process_payload.as_ref().is_some_and(|p| p.value) => {
                        lets_through = true;
                    }
                    // A broken case may be the one that lets payloads through.
                    Op::Broken => lets_through = true,
                    _ => {}
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
