//! Installing, re-registering and uninstalling (D28): a webhook installation gets its URL and
//! its registration at the provider; a polling installation runs its intake's
//! `initial_setup` and gets a schedule; either gets a historical sync queued when its
//! workflow has one.

use appstudio_runtime::api::{AppSpec, AuthSpec, WorkflowOf};
use appstudio_runtime::engine::dynamic::DynWorkflow;
use appstudio_runtime::engine::{AcAccount, Workflow};
use appstudio_runtime::ir::Scope;

use crate::Error;
use crate::crypto::random_id;
use crate::host::{Host, Installation};
use crate::live::{
    Hosted, Live, StoredAccount, hook_url, id_text, intake_of, read, seal, to_json, write,
};
use crate::store::{HookRow, InstallationRow, NewSchedule};

impl<A: AppSpec> Host<A> {
    /// Installs a workflow that is connected and set up (selection, mapping) for the
    /// ActiveCampaign account `activecampaign`, after making the app's custom objects
    /// schemas in the account (D27; idempotent). Credentials, tokens and the API token are
    /// stored sealed; a historical sync, when the workflow has one, is queued.
    ///
    /// - A **webhook** workflow gets its URL and is stored; then its webhook is registered
    ///   there ([`Workflow::create_webhook`]: per scope, joined when the app's or the
    ///   connection's registration exists) and every scope's state is stored. The URL is known
    ///   to the intake before the webhook is created, so a provider verifying it at once is
    ///   answered. A failed registration removes the installation again.
    /// - A **polling** workflow runs its intake's `initial_setup`, then is stored with a
    ///   schedule due now: the workers run its cycles at the intake's `frequency` (or its
    ///   `schedule` step's), with the import option first offered until
    ///   [`Host::choose_import`] says otherwise. A failed `initial_setup` stores nothing.
    pub async fn install<C, W>(
        &self,
        activecampaign: AcAccount,
        credentials: C,
        workflow: Workflow<W>,
    ) -> Result<Installation, Error>
    where
        C: AuthSpec<App = A>,
        W: WorkflowOf<C>,
    {
        let credentials = serde_json::to_value(&credentials)
            .map_err(|e| Error::Invalid(format!("credentials do not serialize: {e}")))?;
        let mut workflow = workflow.into_dynamic();
        let (intake, hosted) = intake_of(self.inner.engine.app(), workflow.workflow())?;
        if let Hosted::Webhook(hook) = hosted
            && hook.account_id.is_some()
            && workflow.connection().account_id().is_none()
        {
            return Err(Error::Invalid(format!(
                "intake `{intake}` routes by account id: run the connection's \
                 `describe_connection` (`Connection::describe`) before installing"
            )));
        }
        // the app's custom objects (D27): idempotent, nothing sent for an app without them
        workflow.connection().provision_objects().await?;
        let new = NewInstallation {
            id: random_id(16),
            auth: &C::ir().key,
            credentials,
            account: StoredAccount::from(&activecampaign),
        };
        match hosted {
            Hosted::Webhook(hook) => {
                self.install_webhook(new, intake, hook.scope, workflow)
                    .await
            }
            Hosted::Polling => {
                workflow.initial_setup().await?;
                self.install_polling(new, workflow).await
            }
        }
    }

    /// Stores a webhook installation, then registers its webhook.
    async fn install_webhook(
        &self,
        new: NewInstallation<'_>,
        intake: &'static str,
        scope: Scope,
        mut workflow: DynWorkflow,
    ) -> Result<Installation, Error> {
        let inner = &self.inner;
        let shared = match scope {
            Scope::Application => inner.registry.shared_token(intake),
            _ => None,
        };
        let new_hook = shared.is_none();
        let token = shared.unwrap_or_else(|| random_id(32));
        let hook_row = HookRow {
            token: token.clone(),
            intake: intake.to_owned(),
            installation_id: (scope != Scope::Application).then(|| new.id.clone()),
        };
        let scope_name = match scope {
            Scope::Application => "application",
            Scope::Connection => "connection",
            Scope::Workflow => "workflow",
        };
        let hook = new_hook.then_some((&hook_row, scope_name));
        let live = self
            .store_new(&new, Some(token.clone()), hook, &workflow, None)
            .await?;
        write(&inner.registry.hooks)
            .insert(token.clone(), (hook_row.intake, hook_row.installation_id));
        write(&inner.registry.installations).insert(new.id.clone(), live.clone());
        let url = hook_url(&inner.config.public_url, &token);
        let mut held = live.run.lock().await;
        if let Err(e) = workflow.create_webhook(&url).await {
            drop(held);
            self.forget(&new.id, &token, new_hook).await;
            return Err(e.into());
        }
        *held = workflow.clone();
        live.refresh_snapshot(&workflow);
        let states = live.states(&inner.config.key, &workflow, &inner.engine.state())?;
        inner.store.update_states(&states).await?;
        inner.wake.notify_waiters();
        Ok(Installation {
            id: new.id,
            workflow: workflow.workflow().name.to_string(),
            account_id: states.account_id,
            webhook_url: Some(url),
        })
    }

    /// Stores a polling installation (its `initial_setup` done) with its schedule due now.
    async fn install_polling(
        &self,
        new: NewInstallation<'_>,
        workflow: DynWorkflow,
    ) -> Result<Installation, Error> {
        let inner = &self.inner;
        let poll = NewSchedule {
            kind: "poll",
            next_at: inner.config.clock.now_ms(),
        };
        let live = self
            .store_new(&new, None, None, &workflow, Some(poll))
            .await?;
        write(&inner.registry.installations).insert(new.id.clone(), live);
        inner.wake.notify_waiters();
        Ok(Installation {
            id: new.id,
            workflow: workflow.workflow().name.to_string(),
            account_id: workflow.connection().account_id().map(|v| id_text(&v)),
            webhook_url: None,
        })
    }

    /// Stores a new installation (with its webhook URL's row when it is a new one, its
    /// schedules and the app's state) in one transaction; gives it as it lives in memory
    /// (not yet in the registry).
    async fn store_new(
        &self,
        new: &NewInstallation<'_>,
        token: Option<String>,
        hook: Option<(&HookRow, &str)>,
        workflow: &DynWorkflow,
        poll: Option<NewSchedule>,
    ) -> Result<std::sync::Arc<Live>, Error> {
        let inner = &self.inner;
        let conn = workflow.connection();
        let secrets = seal(
            &inner.config.key,
            &new.id,
            &new.credentials.clone().into(),
            conn.tokens(),
            Some(&new.account),
        )?;
        let row = InstallationRow {
            id: new.id.clone(),
            workflow: workflow.workflow().name.to_string(),
            auth: new.auth.to_owned(),
            account_id: conn.account_id().map(|v| id_text(&v)),
            secrets,
            connection_state: to_json(&conn.state())?,
            workflow_state: to_json(&workflow.state())?,
        };
        let now = inner.config.clock.now_ms();
        let historical = workflow
            .workflow()
            .historical_data_intake
            .is_some()
            .then_some(NewSchedule {
                kind: "historical",
                next_at: now,
            });
        let schedules: Vec<NewSchedule> = poll.into_iter().chain(historical).collect();
        let app_state = to_json(&inner.engine.state())?;
        inner
            .store
            .insert_installation(&row, hook, &schedules, &app_state)
            .await?;
        Live::new(
            inner.engine.app(),
            new.id.clone(),
            token,
            workflow.clone(),
            new.credentials.clone().into(),
            Some(new.account.clone()),
            &inner.store,
            &inner.config.key,
        )
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
    /// its last user; nothing for a polling installation), then removes the installation's
    /// data (its events, runs, schedules and URL). A failed `delete` leaves the installation
    /// as it was, to uninstall again.
    pub async fn uninstall(&self, id: &str) -> Result<(), Error> {
        let inner = &self.inner;
        let live = inner
            .registry
            .get(id)
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        let mut workflow = live.run.lock().await;
        if live.token.is_some() {
            workflow.delete_webhook().await?;
        }
        write(&inner.registry.installations).remove(id);
        let last_user = inner.registry.of_intake(live.intake).is_empty();
        let drop_hook = live
            .token
            .as_deref()
            .filter(|_| live.scope != Scope::Application || last_user);
        if let Some(token) = drop_hook {
            write(&inner.registry.hooks).remove(token);
        }
        let app_state = to_json(&inner.engine.state())?;
        inner
            .store
            .delete_installation(id, drop_hook, &app_state)
            .await
    }
}

/// What an install stores besides the workflow.
struct NewInstallation<'a> {
    id: String,
    auth: &'a str,
    credentials: serde_json::Value,
    account: StoredAccount,
}
