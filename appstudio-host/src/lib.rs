//! A production host for apps compiled by `include_app!` (issue 11, D28 in ARCHITECTURE.md):
//! installations kept in a database (SQLite by default, one file), webhook intake over HTTP
//! (axum), and workers that run the stored events through the engine.
//!
//! - **Installations**: one ActiveCampaign account + one connection + one workflow, set up
//!   through the typed API ([`Host::engine`] connects, the workflow's selection and mapping are
//!   made as usual), then handed to [`Host::install`], which stores it, registers its webhook
//!   at its own URL (`{public_url}/hooks/{token}`, the token 256 random bits) and stores the
//!   states of every scope. Credentials, tokens and the ActiveCampaign API token are sealed
//!   with the operator's [`Key`] (XChaCha20-Poly1305); tokens the engine renews are written
//!   to the store before any request uses them ([`engine::TokenHook`]).
//! - **Scheduler**: a polling workflow is installed after its intake's `initial_setup` and
//!   runs a cycle whenever its schedule is due (the intake's `frequency` or its `schedule`
//!   step; [`Host::choose_import`]); a webhook workflow's historical sync runs once. Cycles
//!   are events of the same queue, run by the same workers; a schedule missed while the host
//!   was down runs once. The scheduler reads [`HostConfig::clock`].
//! - **Admin** ([`Host::router`] too): `/healthz`, and with
//!   [`HostConfig::admin_token`] the JSON routes `GET /admin/installations`,
//!   `GET /admin/installations/{id}/runs`, `GET /admin/installations/{id}/schedules`,
//!   `GET /admin/dead-letters` and
//!   `POST /admin/dead-letters/{id}/replay`, behind `Authorization: Bearer …`.
//! - **Intake** ([`Host::router`]): a verification request is answered at once (the intake's
//!   `verification`, run without requests); every other request is stored, then answered
//!   2xx: acknowledged = stored. Nothing on the request path waits for a remote API.
//! - **Workers** ([`Host::start_workers`]; [`Host::serve`] runs the intake and the workers
//!   until a shutdown signal, then stops gracefully): claim stored events under a lease, resume the
//!   installation's workflow and `receive` the request, and commit its states with the run's
//!   outcome in one transaction; one event of an installation at a time, in order; transient
//!   failures retried with backoff and jitter, the others and the last attempt dead-lettered
//!   with the error's step and place in app.json.
//!
//! The host is generic over the compiled app (`A: AppSpec`) and installs typed workflows; it
//! runs every workflow of every installation through the untyped layer beneath them
//! ([`engine::dynamic`]), since one host serves all of an app's workflows at once.
#![warn(missing_docs, unreachable_pub)]

mod admin;
mod clock;
mod crypto;
mod cycle;
mod dedup;
mod host;
mod install;
mod intake;
mod live;
mod outcome;
mod shared;
mod signal;
pub mod store;
mod update;
mod worker;

use std::time::Duration;

pub use appstudio_runtime::engine;
pub use clock::Clock;
pub use crypto::Key;
pub use dedup::DeliveryId;
pub use host::{Host, Installation, Workers};
pub use intake::STORED;
pub use signal::shutdown_signal;
pub use store::Store;

use engine::EngineConfig;

/// What can go wrong in the host. Messages never hold a secret: credentials and tokens are
/// not part of any error, and the store's errors name statements, not bound values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database failed.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// The embedded migrations could not run.
    #[error("store migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The engine failed (connecting, registering a webhook, …).
    #[error(transparent)]
    Engine(#[from] engine::Error),
    /// A sealed value does not open: another key, or an altered row.
    #[error("secrets: {0}")]
    Crypto(String),
    /// A stored value or an argument is not what the host needs.
    #[error("{0}")]
    Invalid(String),
    /// No installation with this id.
    #[error("no installation `{0}`")]
    NotFound(String),
}

/// How a host runs.
#[derive(Clone, Debug)]
pub struct HostConfig {
    /// The database (`sqlite://path/to/host.db`; created if missing).
    pub database_url: String,
    /// Where the host is reached from the third party: webhook URLs are
    /// `{public_url}/hooks/{token}`.
    pub public_url: String,
    /// Seals credentials and tokens at rest.
    pub key: Key,
    /// The engine's configuration (its `max_webhook_body` limits request bodies).
    pub engine: EngineConfig,
    /// How long a worker holds an event before another may take it (longer than a run).
    pub lease: Duration,
    /// Attempts of an event before it is a dead letter.
    pub max_attempts: u32,
    /// First delay before retrying a transient failure; doubled at each attempt.
    pub backoff_base: Duration,
    /// Longest delay before a retry.
    pub backoff_max: Duration,
    /// A request delivered again to the same installation within this window is stored once:
    /// the same delivery id ([`HostConfig::delivery_ids`]), else the same query and body.
    pub dedup_window: Duration,
    /// Per webhook intake (its `name` in app.json), where its requests carry an id of their
    /// own that a redelivery repeats (a header, a member of the body); none by default.
    pub delivery_ids: std::collections::HashMap<String, DeliveryId>,
    /// How often an idle worker looks for events it was not woken for (retries coming due,
    /// leases expiring).
    pub idle_poll: Duration,
    /// The bearer token of the admin routes (`/admin/…`); without one they are not served.
    pub admin_token: Option<appstudio_runtime::value::Secret>,
    /// The clock the scheduler goes by (the system's; a test's manual one).
    pub clock: Clock,
}

impl HostConfig {
    /// A configuration with the defaults: 5-minute leases, 8 attempts, backoff from 1 s to
    /// 10 minutes, a 24-hour dedup window.
    pub fn new(database_url: impl Into<String>, public_url: impl Into<String>, key: Key) -> Self {
        HostConfig {
            database_url: database_url.into(),
            public_url: public_url.into(),
            key,
            engine: EngineConfig::default(),
            lease: Duration::from_secs(300),
            max_attempts: 8,
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(600),
            dedup_window: Duration::from_secs(24 * 3600),
            delivery_ids: Default::default(),
            idle_poll: Duration::from_secs(1),
            admin_token: None,
            clock: Clock::system(),
        }
    }
}
