//! [`Inner`]: what a host's intake, workers, admin routes and API share. Beneath all of them,
//! so that none reaches back up to the [`Host`](crate::Host) that starts them.

use appstudio_runtime::engine::dynamic::DynEngine;
use tokio::sync::Notify;

use crate::HostConfig;
use crate::live::Registry;
use crate::store::Store;

/// What a host shares between its intake, its workers and its API.
pub(crate) struct Inner {
    pub config: HostConfig,
    pub store: Store,
    pub engine: DynEngine,
    pub registry: Registry,
    /// Wakes idle workers when an event is stored.
    pub wake: Notify,
    /// When an idle worker last pruned the dedup keys (ms since the epoch).
    pub pruned_at: std::sync::atomic::AtomicI64,
}
