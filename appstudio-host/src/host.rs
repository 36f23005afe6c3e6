//! [`Host<A>`](Host): opening the store, restoring installations, serving, and starting the
//! workers (installing: `install.rs`).

use std::marker::PhantomData;
use std::sync::Arc;

use appstudio_runtime::api::AppSpec;
use appstudio_runtime::engine::Engine;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::crypto::random_id;
use crate::live::{Hosted, Live, Registry, intake_of, write};
use crate::shared::Inner;
use crate::store::Store;
use crate::{Error, HostConfig};

/// A host of the app `A` (see the crate's documentation). Cheap to clone.
pub struct Host<A> {
    pub(crate) inner: Arc<Inner>,
    engine: Engine<A>,
    app: PhantomData<fn() -> A>,
}

impl<A> Clone for Host<A> {
    fn clone(&self) -> Self {
        Host {
            inner: self.inner.clone(),
            engine: self.engine.clone(),
            app: PhantomData,
        }
    }
}

/// An installation as listed.
#[derive(Clone, Debug, PartialEq)]
pub struct Installation {
    /// Its id (random).
    pub id: String,
    /// The workflow it runs.
    pub workflow: String,
    /// The connection's account id (`describe_connection`), as text.
    pub account_id: Option<String>,
    /// The URL its webhook was registered with; `None` for a polling installation.
    pub webhook_url: Option<String>,
}

impl<A: AppSpec> Host<A> {
    /// Opens the store (running its migrations), restores the app's state and every
    /// installation (their secrets opened with the configured key). Start serving with
    /// [`Host::router`] and [`Host::start_workers`].
    pub async fn open(config: HostConfig) -> Result<Host<A>, Error> {
        let store = Store::open(&config.database_url).await?;
        let engine = Engine::<A>::new(config.engine.clone())?;
        let dynamic = engine.dynamic().clone();
        if let Some(state) = store.app_state().await? {
            let state = serde_json::from_str(&state)
                .map_err(|e| Error::Invalid(format!("the stored application state: {e}")))?;
            dynamic.restore_state(state);
        }
        let registry = Registry::default();
        let mut by_installation = std::collections::HashMap::new();
        for hook in store.hooks().await? {
            if let Some(id) = &hook.installation_id {
                by_installation.insert(id.clone(), hook.token.clone());
            }
            write(&registry.hooks).insert(hook.token, (hook.intake, hook.installation_id));
        }
        for row in store.installation_rows().await? {
            let token = match by_installation.get(&row.id) {
                Some(t) => Some(t.clone()),
                None => {
                    let wf = dynamic
                        .app()
                        .workflows
                        .iter()
                        .find(|w| w.name == row.workflow)
                        .ok_or_else(|| {
                            Error::Invalid(format!(
                                "installation `{}` runs `{}`, which the app does not have",
                                row.id, row.workflow
                            ))
                        })?;
                    match intake_of(dynamic.app(), wf)? {
                        (_, Hosted::Polling) => None,
                        (name, Hosted::Webhook(_)) => {
                            Some(registry.shared_token(name).ok_or_else(|| {
                                Error::Invalid(format!(
                                    "installation `{}` has no webhook URL",
                                    row.id
                                ))
                            })?)
                        }
                    }
                }
            };
            let live = Live::restore(&row, token, &dynamic, &store, &config.key)?;
            write(&registry.installations).insert(row.id.clone(), live);
        }
        Ok(Host {
            inner: Arc::new(Inner {
                config,
                store,
                engine: dynamic,
                registry,
                wake: Notify::new(),
                pruned_at: Default::default(),
            }),
            engine,
            app: PhantomData,
        })
    }

    /// The engine: connect accounts with it (so that the app's state is the host's).
    pub fn engine(&self) -> &Engine<A> {
        &self.engine
    }

    /// The store (run log, dead letters).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The host's routes, to serve with axum: the webhooks (`/hooks/{token}`), `/healthz`,
    /// and the admin routes when [`HostConfig::admin_token`] is set.
    pub fn router(&self) -> axum::Router {
        crate::intake::router(self.inner.clone())
            .merge(crate::admin::health(self.inner.clone()))
            .merge(crate::admin::admin(self.inner.clone()))
    }

    /// The installations, oldest first.
    pub async fn installations(&self) -> Result<Vec<Installation>, Error> {
        let inner = &self.inner;
        Ok(inner
            .store
            .installation_rows()
            .await?
            .into_iter()
            .filter_map(|row| {
                let live = inner.registry.get(&row.id)?;
                Some(Installation {
                    webhook_url: live.url(&inner.config.public_url),
                    id: row.id,
                    workflow: row.workflow,
                    account_id: row.account_id,
                })
            })
            .collect())
    }

    /// Replays a dead letter (see [`Store::replay`]) and wakes the workers; `Ok(false)` if the
    /// event is not a dead letter.
    pub async fn replay(&self, event_id: i64) -> Result<bool, Error> {
        let replayed = self.inner.store.replay(event_id).await?;
        if replayed {
            self.inner.wake.notify_waiters();
        }
        Ok(replayed)
    }

    /// Serves the intake on `listener` with `workers` workers until `shutdown` completes;
    /// then stops accepting requests (those in flight finish: each is stored and answered, or
    /// not acknowledged), and stops the workers after their current run (an event whose run
    /// was not committed stays leased until the lease expires, then runs again). Signal
    /// handling (SIGTERM, ctrl-c) is the caller's `shutdown`.
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        workers: usize,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let running = self.start_workers(workers);
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await;
        running.stop().await;
        served
    }

    /// Starts `count` workers on the current tokio runtime.
    pub fn start_workers(&self, count: usize) -> Workers {
        let (stop, stopped) = watch::channel(false);
        let run = random_id(4);
        let handles = (0..count)
            .map(|n| {
                let owner = format!("{run}-{n}");
                tokio::spawn(crate::worker::run(
                    self.inner.clone(),
                    owner,
                    stopped.clone(),
                ))
            })
            .collect();
        Workers { stop, handles }
    }
}

/// Running workers; [`Workers::stop`] ends them after the event each is running.
pub struct Workers {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Asks every worker to stop after its current event, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for h in self.handles {
            let _ = h.await;
        }
    }
}
