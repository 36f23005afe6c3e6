//! The webhook methods of [`Workflow<W>`](Workflow) (D24): the registration's lifecycle and
//! receiving requests, for workflows whose `data_intake` is a webhook.

use super::super::error::Result;
use super::super::incoming::Incoming;
use super::super::intake::{Delivery, Verification};
use super::super::scope::Subscription;
use super::super::subscription::WebhookOutcome;
use super::Workflow;
use crate::api::{WebhookWorkflow, WorkflowSpec};

// Each method names the bound itself (not the impl block), so that using one on a workflow
// without a webhook gives the trait's `on_unimplemented` message.
impl<W: WorkflowSpec> Workflow<W> {
    /// Makes the registration current for `url` (see
    /// [`DynWorkflow::create_webhook`](super::super::dynamic::DynWorkflow::create_webhook)):
    /// `create` when nothing is registered, `update` when the URL or the selection changed,
    /// nothing when it is current; a connection- or application-scope registration is joined.
    pub async fn create_webhook(&mut self, url: &str) -> Result<WebhookOutcome>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.create_webhook(url).await
    }

    /// Makes the registration current with the URL registered, after the selection changed.
    pub async fn update_webhook(&mut self) -> Result<WebhookOutcome>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.update_webhook().await
    }

    /// Removes the registration: `delete` when this workflow was its last user.
    pub async fn delete_webhook(&mut self) -> Result<WebhookOutcome>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.delete_webhook().await
    }

    /// The URL the webhook receives at.
    pub fn webhook_url(&self) -> Option<&str>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.webhook_url()
    }

    /// The workflow-scope registration, if any.
    pub fn subscription(&self) -> Option<&Subscription>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.subscription()
    }

    /// Runs the intake's `verification` alone, without requests (see
    /// [`DynWorkflow::verify`](super::super::dynamic::DynWorkflow::verify)): what a host
    /// answers before storing the request.
    pub async fn verify(&self, incoming: &Incoming) -> Result<Verification>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.verify(incoming).await
    }

    /// Receives one request to the webhook: verification, routing, then `data_pipeline`.
    pub async fn receive(&mut self, incoming: Incoming) -> Result<Delivery>
    where
        W: WebhookWorkflow,
    {
        self.dynamic.receive(incoming).await
    }
}
