//! Changing an installation (D28): a new selection or mapping made with the typed API on a
//! copy of its workflow ([`Host::workflow`], [`Host::update`]), a new public URL
//! ([`Host::update_webhooks`]), the import option of its polling ([`Host::choose_import`]).

use appstudio_runtime::api::{AppSpec, WorkflowSpec};
use appstudio_runtime::engine::{WebhookAction, Workflow};
use appstudio_runtime::ir::ImportKind;

use crate::Error;
use crate::host::Host;
use crate::live::read;

impl<A: AppSpec> Host<A> {
    /// A copy of an installed workflow, with its connection: change its selection or
    /// mapping with the typed API (`select`, `describe_selection`, `map_options`,
    /// `set_mapping`), then give it to [`Host::update`]. Runs go on with the installed one
    /// meanwhile.
    pub fn workflow<W: WorkflowSpec<App = A>>(&self, id: &str) -> Result<Workflow<W>, Error> {
        let live = self
            .inner
            .registry
            .get(id)
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        Ok(Workflow::from_dynamic(live.snapshot())?)
    }

    /// Makes an installation run with the selection and mapping of `changed` (a copy from
    /// [`Host::workflow`]): waits for a run in progress, takes the copy's setup (selection,
    /// mapping, described resource) onto the installed workflow, whose other state (saved
    /// values, polling state, webhook registration) runs may have moved on meanwhile, then
    ///
    /// - for a webhook installation, makes its registration current
    ///   ([`Workflow::create_webhook`] at its URL: `update`, or `delete` then `create`, when
    ///   what the provider was sent changed; nothing otherwise) and gives the action;
    /// - for a polling installation whose selection changed, runs `initial_setup` again (the
    ///   polling state belonged to the old selection).
    ///
    /// The states are stored after; a failure leaves the installation as it was.
    pub async fn update<W: WorkflowSpec<App = A>>(
        &self,
        id: &str,
        changed: Workflow<W>,
    ) -> Result<Option<WebhookAction>, Error> {
        let inner = &self.inner;
        let live = inner
            .registry
            .get(id)
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        let mut workflow = live.run.lock().await;
        if !std::ptr::eq(workflow.workflow(), W::ir()) {
            return Err(Error::Invalid(format!(
                "installation `{id}` runs `{}`, not `{}`",
                workflow.workflow().name,
                W::NAME
            )));
        }
        let setup = changed.into_dynamic().state();
        let mut state = workflow.state();
        let reselected = state.custom_data != setup.custom_data;
        state.custom_data = setup.custom_data;
        state.mapping = setup.mapping;
        state.resource_id = setup.resource_id;
        let mut next = workflow.connection().resume(state)?;
        let action = match live.url(&inner.config.public_url) {
            Some(url) => Some(next.create_webhook(&url).await?.action),
            None => {
                if reselected {
                    next.initial_setup().await?;
                }
                None
            }
        };
        let states = live.states(&inner.config.key, &next, &inner.engine.state())?;
        inner.store.update_states(&states).await?;
        *workflow = next;
        live.refresh_snapshot(&workflow);
        Ok(action)
    }

    /// Makes every webhook installation's registration current for the URL the host has now
    /// (after `public_url` changed): [`Workflow::create_webhook`] with it, which sends
    /// nothing when the registration is current and `update` (or `delete` then `create`)
    /// when it is not; each installation's states are stored after its call. Gives each
    /// installation's action; the first failure stops the pass (run it again: it is
    /// idempotent).
    pub async fn update_webhooks(&self) -> Result<Vec<(String, WebhookAction)>, Error> {
        let inner = &self.inner;
        let mut all: Vec<_> = read(&inner.registry.installations)
            .values()
            .cloned()
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        let mut actions = Vec::with_capacity(all.len());
        for live in all {
            let Some(url) = live.url(&inner.config.public_url) else {
                continue;
            };
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

    /// Records the import option the user chose for a polling installation (the `schedule`
    /// step's choice, which the format does not keep): a `single` import stops after its
    /// next completed cycle; `recurring` runs again one that had finished. An option the
    /// workflow does not offer is an error.
    pub async fn choose_import(&self, id: &str, import: ImportKind) -> Result<(), Error> {
        let inner = &self.inner;
        let live = inner
            .registry
            .get(id)
            .ok_or_else(|| Error::NotFound(id.to_owned()))?;
        let schedule = live.snapshot().schedule().ok_or_else(|| {
            Error::Invalid(format!(
                "installation `{id}` does not poll: it has no schedule"
            ))
        })?;
        schedule.choose(import)?;
        let (name, rearm) = match import {
            ImportKind::Single => ("single", None),
            ImportKind::Recurring => ("recurring", Some(inner.config.clock.now_ms())),
        };
        inner.store.set_import(id, name, rearm).await?;
        inner.wake.notify_waiters();
        Ok(())
    }
}
