//! The engine: runs compiled apps (feature `engine`) — setup steps and `data_pipeline` —
//! against the third-party API and ActiveCampaign.

mod auth;
mod connection;
mod ctx;
mod error;
mod exec;
mod expand;
mod extract;
pub(crate) mod http;
mod incoming;
mod intake;
mod jqcache;
mod limit;
mod map_step;
mod objects;
mod personalize;
mod polling;
mod records;
mod resource;
mod schedule;
mod scope;
mod session;
mod sha;
mod state;
mod subscription;
mod transform;
mod typed;
mod workflow;

use std::time::Duration;

pub use crate::net::retry::RetryPolicy;
pub use auth::Tokens;
pub use connection::{AcAccount, Description};
pub use ctx::Respond;
pub use error::{Error, ErrorKind, Result};
pub use exec::MAX_PAGES;
pub use expand::SavedData;
pub use http::Overrides;
pub use incoming::{DEFAULT_MAX_WEBHOOK_BODY, Incoming, Payload};
pub use intake::{Delivery, Verification};
pub use objects::{ObjectReport, ObjectsReport, Provisioned};
pub use polling::{LogLine, MAX_REQUESTS, MAX_RESULTS, PollCycle, PollStop};
pub use resource::ActiveCampaignResources;
pub use schedule::{
    DEFAULT_FREQUENCY, ImportChoice, PollHistory, Schedule, ScheduleSource, SyncRun,
};
pub use scope::Subscription;
pub use session::TokenHook;
pub use state::{ApplicationState, ConnectionState};
pub use subscription::{WebhookAction, WebhookOutcome};
pub use typed::{
    Connection, Engine, FixedOption, MapOption, MapOptions, Mapping, SelectionDescription,
    Workflow, WorkflowState,
};
pub use workflow::Processed;

/// The untyped engine, for apps loaded at run time: auth entries, workflows and form fields
/// named by strings, selections and mappings as JSON, every name checked when it runs. The
/// typed engine ([`Engine`]) is a thin layer over it.
pub mod dynamic {
    pub use super::auth::Credentials;
    pub use super::connection::{DynConnection, DynEngine};
    pub use super::state::DynWorkflowState;
    pub use super::transform::{FieldRef, Mapping as DynMapping};
    pub use super::workflow::DynWorkflow;
}

use crate::{ir, jq};

/// How the engine talks to the world.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Timeout of one HTTP request.
    pub timeout: Duration,
    /// Origin rewrites (tests point an app's hosts at loopback servers).
    pub overrides: Overrides,
    /// When requests are retried.
    pub retry: RetryPolicy,
    /// Requests per second to one ActiveCampaign account (D13), shared by every task.
    pub activecampaign_rate: u32,
    /// Bounds on each run of a jq program (steps, time, stack, sizes); [`jq::Limits`]'s
    /// defaults.
    pub jq_limits: jq::Limits,
    /// Whether a jq program that lowered to a native op tree runs on it (the default), or
    /// every program runs on jaq (to compare the two).
    pub native_jq: bool,
    /// Largest webhook body taken in, in bytes ([`DEFAULT_MAX_WEBHOOK_BODY`]); a larger one
    /// is refused with [`ErrorKind::BodyTooLarge`] before it is parsed.
    pub max_webhook_body: usize,
}

impl EngineConfig {
    /// This configuration with one more origin rewrite (see [`Overrides::add`]): requests for
    /// `from` go to `to`, such as a mock server on loopback.
    pub fn with_override(mut self, from: impl Into<String>, to: impl Into<String>) -> Self {
        self.overrides.add(from, to);
        self
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            timeout: Duration::from_secs(30),
            overrides: Overrides::default(),
            retry: RetryPolicy::default(),
            activecampaign_rate: 5,
            jq_limits: jq::Limits::default(),
            native_jq: true,
            max_webhook_body: DEFAULT_MAX_WEBHOOK_BODY,
        }
    }
}

/// What every run of an app shares.
pub(crate) struct Inner {
    /// The compiled app.
    pub(crate) app: &'static ir::App,
    /// One HTTP client (connection pool) for everything.
    pub(crate) client: reqwest::Client,
    /// Configuration.
    pub(crate) config: EngineConfig,
    /// `api.rate_limit` at app level: one set of buckets for every connection.
    pub(crate) app_limit: Option<limit::Buckets>,
    /// `${data.application.*}` and the application-scope webhook subscriptions, which every
    /// connection shares (D24).
    pub(crate) application: std::sync::Arc<scope::ScopeStore>,
}

impl Inner {
    /// New buckets for `api.rate_limit` at user level (one set per connection).
    pub(crate) fn user_limit(&self) -> Option<limit::Buckets> {
        self.app
            .api
            .rate_limit
            .as_ref()
            .filter(|l| l.level == ir::RateLevel::User)
            .map(limit::Buckets::new)
    }

    /// Waits until `api.rate_limit` lets one more request with `method` go to the API: the
    /// app's buckets, then the connection's (`user`).
    pub(crate) async fn throttle(&self, method: ir::Method, user: Option<&limit::Buckets>) {
        if let Some(b) = &self.app_limit {
            b.acquire(method).await;
        }
        if let Some(b) = user {
            b.acquire(method).await;
        }
    }
}
