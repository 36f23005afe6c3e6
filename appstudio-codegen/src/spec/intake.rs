//! `data_intake`: webhook and polling intakes.

use schemars::JsonSchema;

use super::{Command, Cx, FromNode, Scope, Spanned, Text, spec_enum, spec_struct, tag, tagged};
use crate::json::Node;

tag!(
    /// `"webhook"`.
    WebhookTag = "webhook"
);
tag!(
    /// `"polling"`.
    PollingTag = "polling"
);

/// One entry of `data_intake`, by `type`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
#[allow(clippy::large_enum_variant)] // a few per app, built once
pub(crate) enum Intake {
    /// Pushed by the provider.
    Webhook(WebhookIntake),
    /// Fetched periodically.
    Polling(PollingIntake),
}

impl Intake {
    /// The intake's name.
    pub(crate) fn name(&self) -> &Text {
        match self {
            Intake::Webhook(w) => &w.name,
            Intake::Polling(p) => &p.name,
        }
    }
}

impl FromNode for Intake {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        tagged(
            node,
            cx,
            "data intake",
            &[
                ("webhook", |n, cx| {
                    WebhookIntake::from_node(n, cx).map(Intake::Webhook)
                }),
                ("polling", |n, cx| {
                    PollingIntake::from_node(n, cx).map(Intake::Polling)
                }),
            ],
        )
    }
}

spec_struct! {
    /// A webhook intake.
    pub struct WebhookIntake ("a webhook intake") {
        /// Unique name.
        "name" name: Text,
        /// `"webhook"`.
        "type" kind: WebhookTag,
        /// `workflow`, `connection` or `application`.
        "scope" scope: Spanned<Scope>,
        /// Extracts the selected resource's id from a payload.
        "resource_id" resource_id: Option<Command>,
        /// Extracts the external account id from a payload.
        "account_id" account_id: Option<Command>,
        /// Registers `${webhook.url}`.
        "create" create: Command,
        /// Refreshes the registration.
        "update" update: Option<Command>,
        /// Removes the registration.
        "delete" delete: Option<Command>,
        /// Answers verification requests.
        "verification" verification: Option<Command>,
    }
}

spec_enum! {
    /// `import_option` and `import_options[].type`.
    pub enum ImportKind ("import option") {
        "single" => Single, "recurring" => Recurring,
    }
}

spec_struct! {
    /// A polling intake.
    pub struct PollingIntake ("a polling intake") {
        /// Unique name.
        "name" name: Text,
        /// `"polling"`.
        "type" kind: PollingTag,
        /// Runs once at configuration.
        "initial_setup" initial_setup: Option<Command>,
        /// Runs once per cycle before `request`.
        "pre_poll" pre_poll: Option<Command>,
        /// The looping fetch: returns `{results, iterate, polling_state}`.
        "request" request: Command,
        /// Runs once per cycle after `request`.
        "post_poll" post_poll: Option<Command>,
        /// Seconds between cycles (≥ 60).
        "frequency" frequency: Option<Spanned<i64>>,
        /// `single` or `recurring`.
        "import_option" import_option: Option<Spanned<ImportKind>>,
    }
}
