//! `data_intake`: webhooks and polling.

use super::*;

/// One entry of `data_intake`.
#[derive(Debug, Clone, PartialEq)]
pub struct Intake {
    /// Unique name.
    pub name: Str,
    /// Webhook or polling.
    pub kind: IntakeKind,
    /// Where the entry is.
    pub loc: Loc,
}

/// The two intake types.
#[derive(Debug, Clone, PartialEq)]
// Lives in a `static`, never moved: boxing would only add an indirection.
#[allow(clippy::large_enum_variant)]
pub enum IntakeKind {
    /// `type: webhook`.
    Webhook(Webhook),
    /// `type: polling`.
    Polling(Polling),
}

/// Scope of a webhook and of `!save`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One per configured workflow instance.
    Workflow,
    /// One per connected account.
    Connection,
    /// One for all customers of the app.
    Application,
}

impl Scope {
    /// The value as written in `app.json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Workflow => "workflow",
            Self::Connection => "connection",
            Self::Application => "application",
        }
    }
}

/// A webhook intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// `scope`.
    pub scope: Scope,
    /// Registers `${webhook.url}` with the provider.
    pub create: Command,
    /// Refreshes a registration.
    pub update: Option<Command>,
    /// Removes the registration.
    pub delete: Option<Command>,
    /// Answers verification requests.
    pub verification: Option<Command>,
    /// Extracts the selected resource's id from a payload.
    pub resource_id: Option<Command>,
    /// Extracts the external account id from a payload.
    pub account_id: Option<Command>,
}

/// A polling intake.
#[derive(Debug, Clone, PartialEq)]
pub struct Polling {
    /// Runs once when a workflow is configured or reset.
    pub initial_setup: Option<Command>,
    /// Runs once per cycle before `request`.
    pub pre_poll: Option<Command>,
    /// The looping fetch.
    pub request: Command,
    /// Runs once per cycle after `request`.
    pub post_poll: Option<Command>,
    /// Seconds between cycles.
    pub frequency: Option<u32>,
    /// `single` or `recurring`.
    pub import_option: Option<ImportKind>,
}

/// An import option type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Import once.
    Single,
    /// Import on every cycle.
    Recurring,
}
