//! Webhook subscriptions (D24 in ARCHITECTURE.md): registering `${webhook.url}` with the
//! provider once per scope — per workflow instance, per connection, per app — kept as a
//! [`Subscription`] record in the state of that scope, so that `create`, `update` and `delete`
//! run exactly when the record says they must, across retries and restarts.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::json::Value;

use super::error::{Error, Result};
use super::exec;
use super::scope::{ScopeStore, Subscription};
use super::workflow::DynWorkflow;
use crate::ir::{self, Command, Scope};

/// What a webhook lifecycle call did at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookAction {
    /// Nothing was registered: `create` ran.
    Created,
    /// The URL or (workflow scope) the selection changed: `update` ran.
    Updated,
    /// The URL or the selection changed and the intake has no `update`: `delete` (when the
    /// intake has one) then `create` ran.
    Recreated,
    /// The registration was current: nothing was sent.
    Unchanged,
    /// A shared scope's registration existed: the workflow joined it; nothing was sent.
    Joined,
    /// The last user left: `delete` ran (`output` is `None` when the intake has no `delete`:
    /// the record is forgotten, nothing is sent) and the record is gone.
    Deleted,
    /// Other workflows still use the shared registration: the workflow left it; nothing was
    /// sent.
    Left,
    /// Nothing was registered for this workflow: nothing was sent.
    NotRegistered,
}

/// What a webhook lifecycle call did: the action, the output of the last command run, and
/// the `!print_c` lines of the commands run.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookOutcome {
    /// What happened at the provider.
    pub action: WebhookAction,
    /// The output of the last command run (`create`, `update` or `delete`); `None` when none
    /// ran.
    pub output: Option<Value>,
    /// `!print_c` lines, in order.
    pub log: Vec<String>,
}

impl WebhookOutcome {
    fn nothing(action: WebhookAction) -> Self {
        WebhookOutcome {
            action,
            output: None,
            log: Vec::new(),
        }
    }
}

impl DynWorkflow {
    /// Runs one lifecycle command with `${webhook.url}` = `url`, keeping what it saves.
    async fn lifecycle(
        &mut self,
        cmd: &'static Command,
        step: &str,
        url: &str,
        log: &mut Vec<String>,
    ) -> Result<Value> {
        self.webhook_url = Some(url.to_owned());
        let session = self.conn.session();
        let mut ctx = self.ctx();
        let out = exec::run(&session, cmd, Value::Null, &mut ctx, &[]).await;
        log.append(&mut ctx.log);
        let out = out.map_err(|e| self.locate(e, step))?;
        self.polling_state = ctx.polling_state.take();
        self.keep(ctx.data);
        Ok(out)
    }

    /// The store of a shared scope; `None` for workflow scope.
    fn shared_store(&self, scope: Scope) -> Option<Arc<ScopeStore>> {
        match scope {
            Scope::Workflow => None,
            Scope::Connection => Some(self.conn.state.scope.clone()),
            Scope::Application => Some(self.conn.engine.inner.application.clone()),
        }
    }

    /// Makes the registration current for `url`: registers the webhook (the intake's
    /// `create` with `${webhook.url}` = `url`) unless the record of its scope says it is
    /// registered already. Workflow scope: registered with the same URL and selection,
    /// nothing is sent; the URL or the selection changed, `update` runs (without `update`:
    /// `delete`, if any, then `create`). Connection and application scope: one registration
    /// per connection or app, which a second workflow joins without a request; a new URL runs
    /// `update` for every user. Calls on one shared registration run one at a time.
    pub async fn create_webhook(&mut self, url: &str) -> Result<WebhookOutcome> {
        let (intake, hook) = self.webhook_intake()?;
        let mut log = Vec::new();
        let Some(store) = self.shared_store(hook.scope) else {
            let wanted = Subscription {
                url: url.to_owned(),
                selection: Some(Value::Object((*self.custom_data).clone())),
                users: BTreeSet::new(),
            };
            let current = self.subscription.clone();
            return match self.make_current(hook, current, &wanted, &mut log).await {
                Ok((action, output)) => {
                    self.subscription = Some(wanted);
                    Ok(outcome(action, output, log))
                }
                Err((now, e)) => {
                    self.subscription = now;
                    Err(e)
                }
            };
        };
        let _turn = store.lifecycle.lock().await;
        let current = store.get(intake);
        let mut wanted = Subscription {
            url: url.to_owned(),
            selection: None,
            users: current
                .as_ref()
                .map(|c| c.users.clone())
                .unwrap_or_default(),
        };
        let joined = wanted.users.insert(self.instance.clone());
        match self.make_current(hook, current, &wanted, &mut log).await {
            Ok((action, output)) => {
                store.set(intake, Some(wanted));
                let action = match action {
                    WebhookAction::Unchanged if joined => WebhookAction::Joined,
                    other => other,
                };
                Ok(outcome(action, output, log))
            }
            Err((now, e)) => {
                store.set(intake, now);
                Err(e)
            }
        }
    }

    /// Brings the registration `current` to `wanted`'s URL and selection (the users are the
    /// caller's): the action and the last output, or, when a command failed, what is
    /// registered now and the error.
    async fn make_current(
        &mut self,
        hook: &'static ir::Webhook,
        current: Option<Subscription>,
        wanted: &Subscription,
        log: &mut Vec<String>,
    ) -> std::result::Result<(WebhookAction, Option<Value>), (Option<Subscription>, Error)> {
        let url = &wanted.url;
        let Some(current) = current else {
            let out = self
                .lifecycle(&hook.create, "data_intake.create", url, log)
                .await;
            return out
                .map(|out| (WebhookAction::Created, Some(out)))
                .map_err(|e| (None, e));
        };
        if current.url == wanted.url && current.selection == wanted.selection {
            self.webhook_url = Some(url.clone());
            return Ok((WebhookAction::Unchanged, None));
        }
        if let Some(cmd) = &hook.update {
            let out = self.lifecycle(cmd, "data_intake.update", url, log).await;
            return out
                .map(|out| (WebhookAction::Updated, Some(out)))
                .map_err(|e| (Some(current), e));
        }
        if let Some(cmd) = &hook.delete {
            let old = current.url.clone();
            let out = self.lifecycle(cmd, "data_intake.delete", &old, log).await;
            out.map_err(|e| (Some(current), e))?;
        }
        // the old registration is gone: a failed `create` leaves nothing live, nothing recorded
        let out = self
            .lifecycle(&hook.create, "data_intake.create", url, log)
            .await;
        out.map(|out| (WebhookAction::Recreated, Some(out)))
            .map_err(|e| (None, e))
    }

    /// Makes the registration current with the URL registered (after the selection
    /// changed): see [`DynWorkflow::create_webhook`]. Nothing registered for this workflow:
    /// [`WebhookAction::NotRegistered`], nothing sent.
    pub async fn update_webhook(&mut self) -> Result<WebhookOutcome> {
        let (intake, hook) = self.webhook_intake()?;
        let url = match self.shared_store(hook.scope) {
            None => self.subscription.as_ref().map(|s| s.url.clone()),
            Some(store) => store
                .get(intake)
                .filter(|s| s.users.contains(&self.instance))
                .map(|s| s.url),
        };
        match url {
            Some(url) => self.create_webhook(&url).await,
            None => Ok(WebhookOutcome::nothing(WebhookAction::NotRegistered)),
        }
    }

    /// Removes the registration (the workflow is turned off). Workflow scope: `delete` runs
    /// when registered and the record is forgotten, so a second call sends nothing. Shared
    /// scopes: the workflow leaves; `delete` runs only when it was the last user. A failed
    /// `delete` keeps the record (and the user), so a retry runs it again.
    pub async fn delete_webhook(&mut self) -> Result<WebhookOutcome> {
        let (intake, hook) = self.webhook_intake()?;
        let mut log = Vec::new();
        let Some(store) = self.shared_store(hook.scope) else {
            let Some(current) = self.subscription.clone() else {
                return Ok(WebhookOutcome::nothing(WebhookAction::NotRegistered));
            };
            let output = self.run_delete(hook, &current.url, &mut log).await?;
            self.subscription = None;
            return Ok(outcome(WebhookAction::Deleted, output, log));
        };
        let _turn = store.lifecycle.lock().await;
        let Some(mut current) = store
            .get(intake)
            .filter(|s| s.users.contains(&self.instance))
        else {
            return Ok(WebhookOutcome::nothing(WebhookAction::NotRegistered));
        };
        if current.users.len() > 1 {
            current.users.remove(&self.instance);
            store.set(intake, Some(current));
            self.webhook_url = None;
            return Ok(WebhookOutcome::nothing(WebhookAction::Left));
        }
        let output = self.run_delete(hook, &current.url, &mut log).await?;
        store.set(intake, None);
        Ok(outcome(WebhookAction::Deleted, output, log))
    }

    /// Runs the intake's `delete` (if any) for the registration of `url`.
    async fn run_delete(
        &mut self,
        hook: &'static ir::Webhook,
        url: &str,
        log: &mut Vec<String>,
    ) -> Result<Option<Value>> {
        let output = match &hook.delete {
            Some(cmd) => Some(self.lifecycle(cmd, "data_intake.delete", url, log).await?),
            None => None,
        };
        self.webhook_url = None;
        Ok(output)
    }

    /// The URL the webhook of this workflow receives at (`${webhook.url}`).
    pub fn webhook_url(&self) -> Option<&str> {
        self.webhook_url.as_deref()
    }

    /// The workflow-scope registration of this instance, if any (shared scopes keep theirs in
    /// the connection's and the app's state).
    pub fn subscription(&self) -> Option<&Subscription> {
        self.subscription.as_ref()
    }

    /// This instance's id, which names it among the users of a shared subscription.
    pub fn instance(&self) -> &str {
        &self.instance
    }
}

/// The outcome of commands that ran.
fn outcome(action: WebhookAction, output: Option<Value>, log: Vec<String>) -> WebhookOutcome {
    WebhookOutcome {
        action,
        output,
        log,
    }
}
