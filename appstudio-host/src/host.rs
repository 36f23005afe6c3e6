//! [`Host<A>`](Host): opening the store, restoring installations, installing and
//! uninstalling, and starting the workers.

use std::marker::PhantomData;
use std::sync::Arc;

use appstudio_runtime::api::{AppSpec, AuthSpec, WebhookWorkflow, WorkflowOf};
use appstudio_runtime::engine::dynamic::DynWorkflow;
use appstudio_runtime::engine::{AcAccount, Engine, WebhookAction, Workflow};
use appstudio_runtime::ir::Scope;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use crate::crypto::random_id;
use crate::live::{Live, Registry, StoredAccount, id_text, read, seal, to_json, webhook_of, write};
use crate::shared::Inner;
use crate::store::{HookRow, InstallationRow, Store};
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
    /// The URL its webhook was registered with.
    pub webhook_url: String,
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
                Some(t) => t.clone(),
                None => {
                    let wf = dynamic
                        .app()
                        .workflows
                        .iter()
                        .find(|w| w.name == row.workflow);
                    let intake = wf.and_then(|wf| webhook_of(dynamic.app(), wf).ok());
                    intake
                        .and_then(|(name, _)| registry.shared_token(name))
                        .ok_or_else(|| {
                            Error::Invalid(format!("installation `{}` has no webhook URL", row.id))
                        })?
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

    /// Installs a workflow that is connected and set up (selection, mapping) for the
    /// ActiveCampaign account `activecampaign`: makes the app's custom objects schemas in the
    /// account (D27; idempotent), stores it (credentials, tokens and the API token sealed), gives it its webhook URL, registers the webhook there
    /// ([`Workflow::create_webhook`]: per scope, joined when the app's or the connection's
    /// registration exists) and stores every scope's state. The URL is known to the intake
    /// before the webhook is created, so a provider verifying it at once is answered. A failed
    /// registration removes the installation again.
    pub async fn install<C, W>(
        &self,
        activecampaign: AcAccount,
        credentials: C,
        workflow: Workflow<W>,
    ) -> Result<Installation, Error>
    where
        C: AuthSpec<App = A>,
        W: WebhookWorkflow + WorkflowOf<C>,
    {
        let credentials = serde_json::to_value(&credentials)
            .map_err(|e| Error::Invalid(format!("credentials do not serialize: {e}")))?;
        self.install_dyn(
            activecampaign,
            &C::ir().key,
            credentials,
            workflow.into_dynamic(),
        )
        .await
    }

    async fn install_dyn(
        &self,
        activecampaign: AcAccount,
        auth: &str,
        credentials: serde_json::Value,
        mut workflow: DynWorkflow,
    ) -> Result<Installation, Error> {
        let inner = &self.inner;
        let (intake, hook) = webhook_of(inner.engine.app(), workflow.workflow())?;
        if hook.account_id.is_some() && workflow.connection().account_id().is_none() {
            return Err(Error::Invalid(format!(
                "intake `{intake}` routes by account id: run the connection's \
                 `describe_connection` (`Connection::describe`) before installing"
            )));
        }
        // the app's custom objects (D27): idempotent, nothing sent for an app without them
        workflow.connection().provision_objects().await?;
        let id = random_id(16);
        let shared = match hook.scope {
            Scope::Application => inner.registry.shared_token(intake),
            _ => None,
        };
        let new_hook = shared.is_none();
        let token = shared.unwrap_or_else(|| random_id(32));
        let hook_row = HookRow {
            token: token.clone(),
            intake: intake.to_owned(),
            installation_id: (hook.scope != Scope::Application).then(|| id.clone()),
        };
        let account = StoredAccount::from(&activecampaign);
        let conn = workflow.connection().clone();
        let row = InstallationRow {
            id: id.clone(),
            workflow: workflow.workflow().name.to_string(),
            auth: auth.to_owned(),
            account_id: conn.account_id().map(|v| id_text(&v)),
            secrets: seal(
                &inner.config.key,
                &id,
                &credentials,
                conn.tokens(),
                Some(&account),
            )?,
            connection_state: to_json(&conn.state())?,
            workflow_state: to_json(&workflow.state())?,
        };
        let scope = match hook.scope {
            Scope::Application => "application",
            Scope::Connection => "connection",
            Scope::Workflow => "workflow",
        };
        let app_state = to_json(&inner.engine.state())?;
        inner
            .store
            .insert_installation(&row, new_hook.then_some(&hook_row), scope, &app_state)
            .await?;
        let live = Live::new(
            inner.engine.app(),
            id.clone(),
            token.clone(),
            workflow.clone(),
            credentials,
            Some(account),
            &inner.store,
            &inner.config.key,
        )?;
        write(&inner.registry.hooks)
            .insert(token.clone(), (hook_row.intake, hook_row.installation_id));
        write(&inner.registry.installations).insert(id.clone(), live.clone());
        let url = format!(
            "{}/hooks/{token}",
            inner.config.public_url.trim_end_matches('/')
        );
        let mut held = live.run.lock().await;
        if let Err(e) = workflow.create_webhook(&url).await {
            drop(held);
            self.forget(&id, &token, new_hook).await;
            return Err(e.into());
        }
        *held = workflow.clone();
        live.refresh_snapshot(&workflow);
        let states = live.states(&inner.config.key, &workflow, &inner.engine.state())?;
        inner.store.update_states(&states).await?;
        Ok(Installation {
            id,
            workflow: row.workflow,
            account_id: states.account_id,
            webhook_url: url,
        })
    }

    /// Removes an installation from memory and the store after its registration failed.
    async fn forget(&self, id: &str, token: &str, shared_hook_is_new: bool) {
        let inner = &self.inner;
        write(&inner.registry.installations).remove(id);
        let drop_hook = shared_hook_is_new
            || read(&inner.registry.hooks)
                .get(token)
                .is_some_and(|h| h.1.is_some());
        if drop_hook {
            write(&inner.registry.hooks).remove(token);
        }
        let app_state = to_json(&inner.engine.state()).unwrap_or_else(|_| "{}".into());
        if let Err(e) = inner
            .store
            .delete_installation(id, drop_hook.then_some(token), &app_state)
            .await
        {
            tracing::error!(installation = id, error = %e, "could not remove a failed installation");
        }
    }

    /// Uninstalls: waits for a run in progress, removes the webhook registration
    /// ([`Workflow::delete_webhook`]: the provider's `delete` runs when this installation was
    /// its last user), then removes the installation's data (its events, runs and URL). A
    /// failed `delete` leaves the installation as it was, to uninstall again.
    pub async fn uninstall(&self, id: &str) -> Result<(), Error> {
        let inner = &self.inner;
        let live = inner
            .registry
            .get(id)
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        let mut workflow = live.run.lock().await;
        workflow.delete_webhook().await?;
        write(&inner.registry.installations).remove(id);
        let last_user = inner.registry.of_intake(live.intake).is_empty();
        let drop_hook = live.scope != Scope::Application || last_user;
        if drop_hook {
            write(&inner.registry.hooks).remove(&live.token);
        }
        let app_state = to_json(&inner.engine.state())?;
        inner
            .store
            .delete_installation(id, drop_hook.then_some(live.token.as_str()), &app_state)
            .await
    }

    /// Makes every installation's webhook registration current for the URL the host has now
    /// (after `public_url` changed): [`Workflow::create_webhook`] with it, which sends
    /// nothing when the registration is current and `update` (or `delete` then `create`)
    /// when it is not; each installation's states are stored after its call. Gives each
    /// installation's action; the first failure stops the pass (run it again: it is
    /// idempotent).
    pub async fn update_webhooks(&self) -> Result<Vec<(String, WebhookAction)>, Error> {
        let inner = &self.inner;
        let base = inner.config.public_url.trim_end_matches('/');
        let mut all: Vec<_> = read(&inner.registry.installations)
            .values()
            .cloned()
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        let mut actions = Vec::with_capacity(all.len());
        for live in all {
            let url = format!("{base}/hooks/{}", live.token);
            let mut workflow = live.run.lock().await;
            let outcome = workflow.create_webhook(&url).await;
            // stored whatever came of it: a failed call may have renewed tokens or saved values
            let states = live.states(&inner.config.key, &workflow, &inner.engine.state())?;
            inner.store.update_states(&states).await?;
            live.refresh_snapshot(&workflow);
            actions.push((live.id.clone(), outcome?.action));
        }
        Ok(actions)
    }

    /// The installations, oldest first.
    pub async fn installations(&self) -> Result<Vec<Installation>, Error> {
        let inner = &self.inner;
        let base = inner.config.public_url.trim_end_matches('/');
        Ok(inner
            .store
            .installation_rows()
            .await?
            .into_iter()
            .filter_map(|row| {
                let live = inner.registry.get(&row.id)?;
                Some(Installation {
                    webhook_url: format!("{base}/hooks/{}", live.token),
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
