//! `workflows`: references to auth entries and intakes, direction rules, the pipeline's ends.

use super::{Index, WorkflowIx};
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::spec::{App, Command, Intake, Op, ResourceName, ResourceSpec};
use crate::suggest;

/// An app has at most one inbound workflow (§6).
fn one_inbound(index: &Index, diags: &mut Vec<Diagnostic>) {
    let mut inbound = index.workflows.iter().filter(|w| w.inbound()).map(|w| w.wf);
    let Some(first) = inbound.next() else { return };
    for wf in inbound {
        let Some(kind) = wf.kind.get() else { continue };
        diags.push(
            Diagnostic::error(
                Code::SECOND_INBOUND,
                kind.span,
                format!("workflow `{}` is a second inbound workflow", wf.name.value),
            )
            .label("an app has at most one inbound (`generic`) workflow")
            .note(format!("the first is `{}`", first.name.value))
            .help("move it into an app of its own, or make one of them outbound (`automations`)"),
        );
    }
}

/// The rules of every workflow.
pub(super) fn check(app: &App, index: &Index, diags: &mut Vec<Diagnostic>) {
    let intake_names: Vec<&str> = index
        .intakes
        .iter()
        .map(|i| i.name().value.as_str())
        .collect();
    let custom_objects = app.objects.as_ref().is_some_and(|o| !o.is_empty());
    one_inbound(index, diags);
    for wix in &index.workflows {
        name_and_auth(wix, index, diags);
        if !wix.direction_known() {
            // The other rules depend on the direction; the broken `type` was reported.
            continue;
        }
        data_intake(wix, index, &intake_names, diags);
        historical(wix, index, &intake_names, diags);
        resource_type(wix, diags);
        let intake = wix.intake.map(|i| index.intakes[i]);
        super::setup::check(wix, index, intake, custom_objects, diags);
        pipeline(wix.wf, wix.inbound(), diags);
    }
}

/// The name is a slug; `auth` names an entry.
fn name_and_auth(wix: &WorkflowIx, index: &Index, diags: &mut Vec<Diagnostic>) {
    let wf = wix.wf;
    let name = &wf.name.value;
    let auth_keys: Vec<&str> = index.auth.iter().map(|(k, _)| *k).collect();
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
    if wix.auth.is_none()
        && !index.lost_around(&format!(
            "/auth/{}",
            crate::json::pointer_segment(&wf.auth.value)
        ))
    {
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
}

/// `data_intake` names an intake, on inbound workflows only (R2).
fn data_intake(
    wix: &WorkflowIx,
    index: &Index,
    intake_names: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    let wf = wix.wf;
    let name = &wf.name.value;
    let inbound = wix.inbound();
    // data_intake (R2)
    match (&wf.data_intake, inbound) {
        (Some(_), _) if wix.intake.is_none() && index.lost_under("/data_intake") => {}
        (Some(n), _) if wix.intake.is_none() => diags.push(
            Diagnostic::error(
                Code::UNKNOWN_INTAKE,
                n.span,
                format!("unknown data intake `{}`", n.value),
            )
            .label("no intake has this name")
            .maybe_help(suggest::help(&n.value, intake_names)),
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
        (None, true) if !index.lost_member(wf.span, "data_intake") => diags.push(
            Diagnostic::error(
                Code::MISSING_INTAKE,
                wf.kind.get().map_or(wf.span, |k| k.span),
                format!("inbound workflow `{name}` has no `data_intake`"),
            )
            .label("inbound workflows receive data from an intake")
            .maybe_help((!intake_names.is_empty()).then(|| {
                format!(
                    "add `\"data_intake\"`: one of {}",
                    suggest::one_of(intake_names)
                )
            })),
        ),
        _ => {}
    }
}

/// `historical_data_intake` names a polling intake, beside a webhook `data_intake`, on an
/// inbound workflow (R3).
fn historical(wix: &WorkflowIx, index: &Index, intake_names: &[&str], diags: &mut Vec<Diagnostic>) {
    let wf = wix.wf;
    let name = &wf.name.value;
    let inbound = wix.inbound();
    let intake = wix.intake.map(|i| index.intakes[i]);
    // historical_data_intake (R3)
    if let Some(h) = &wf.historical_data_intake {
        match wix.historical.map(|i| index.intakes[i]) {
            None if index.lost_under("/data_intake") => {}
            None => diags.push(
                Diagnostic::error(
                    Code::UNKNOWN_INTAKE,
                    h.span,
                    format!("unknown data intake `{}`", h.value),
                )
                .label("no intake has this name")
                .maybe_help(suggest::help(&h.value, intake_names)),
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
                Diagnostic::error(
                    Code::HISTORICAL_NEEDS_WEBHOOK,
                    wf.data_intake.as_ref().map_or(h.span, |d| d.span),
                    format!(
                        "workflow `{name}` syncs history, but its `data_intake` is a polling intake"
                    ),
                )
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
}

/// `resource_type` is a plural noun, on inbound workflows only.
fn resource_type(wix: &WorkflowIx, diags: &mut Vec<Diagnostic>) {
    let wf = wix.wf;
    let inbound = wix.inbound();
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
        let ok = matches!(&t.op, Op::Broken)
            || matches!(&t.op, Op::Resource(ResourceSpec::Call(_)))
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
        let ok = matches!(&s.op, Op::Broken)
            || matches!(&s.op, Op::Resource(ResourceSpec::Name(n)) if n.value == ResourceName::Contact);
        if !ok {
            diags.push(
                Diagnostic::error(Code::PIPELINE, s.key_span, format!("outbound workflow `{name}` does not start from the ActiveCampaign contact"))
                    .label(format!("`{}` here", s.name()))
                    .help("start `data_pipeline.source` with `{\"!resource\": \"ActiveCampaignContact\"}`"),
            );
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
