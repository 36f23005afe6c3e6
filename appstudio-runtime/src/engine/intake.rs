//! Webhook intakes: receiving a request (registering `${webhook.url}` is
//! [`super::subscription`]'s): `verification` (with `!respond`), routing by
//! `resource_id`/`account_id`, then `data_pipeline`. The request itself is
//! [`super::incoming`]'s.

use crate::json::Value;

use super::ctx::Respond;
use super::error::{Error, Result};
use super::exec;
use super::incoming::{Incoming, check_size};
use super::workflow::{DynWorkflow, Processed};
use crate::ir::{self, IntakeKind};
use crate::lock::unpoisoned;

/// What became of a request to a webhook.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// `verification` answered it (a challenge); the payload was not processed.
    Responded(Respond),
    /// It belongs to another workflow instance or account (`resource_id`/`account_id` did
    /// not match), or `verification` gave no answer that lets it through.
    Ignored {
        /// Why.
        reason: String,
    },
    /// It went through `data_pipeline`.
    Processed {
        /// The pipeline's run.
        processed: Box<Processed>,
        /// The answer `verification` chose, if any (else 200).
        respond: Option<Respond>,
    },
}

impl DynWorkflow {
    /// The webhook intake of this (inbound) workflow.
    fn webhook(&self) -> Result<&'static ir::Webhook> {
        self.webhook_intake().map(|(_, w)| w)
    }

    /// The webhook intake of this (inbound) workflow, with its name.
    pub(crate) fn webhook_intake(&self) -> Result<(&'static str, &'static ir::Webhook)> {
        let app = self.conn.engine.inner.app;
        match self.wf.data_intake.and_then(|i| app.intakes.get(i)) {
            Some(ir::Intake {
                name,
                kind: IntakeKind::Webhook(w),
                ..
            }) => Ok((&**name, w)),
            _ => Err(Error::config(format!(
                "workflow `{}` does not receive through a webhook intake",
                self.wf.name
            ))),
        }
    }

    /// Whether a payload is for this workflow instance: `account_id` must give the
    /// connection's `describe_connection` account id, and `resource_id` the selected
    /// resource's id (each when the intake has it). `None` if it is, else why not.
    pub async fn routes_elsewhere(&self, payload: &Value) -> Result<Option<String>> {
        let hook = self.webhook()?;
        let session = self.conn.session();
        let mut ctx = self.ctx();
        if let Some(cmd) = &hook.account_id {
            let got = exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.account_id"))?;
            let ours = unpoisoned(self.conn.state.account_id.lock()).clone();
            match ours {
                None => {
                    return Err(self.locate(
                        Error::config(
                            "an application-scope webhook is routed by account id: run \
                             `describe_connection` first",
                        ),
                        "data_intake.account_id",
                    ));
                }
                Some(ours) if !same_id(&ours, &got) => {
                    return Ok(Some(format!(
                        "account id {got} is not this connection's ({ours})"
                    )));
                }
                Some(_) => {}
            }
        }
        if let (Some(cmd), Some(ours)) = (&hook.resource_id, &self.resource_id) {
            let got = exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
                .await
                .map_err(|e| self.locate(e, "data_intake.resource_id"))?;
            if !same_id(ours, &got) {
                return Ok(Some(format!(
                    "resource id {got} is not the selected one ({ours})"
                )));
            }
        }
        Ok(None)
    }

    /// What the intake's `account_id` command gives for a request, run without a request to
    /// any API (like [`DynWorkflow::verify`]); `None` when the intake has no `account_id`. A
    /// host routes an application-scope request with it before storing one event per
    /// matching installation (D28); [`DynWorkflow::receive`] checks the routing again.
    pub async fn account_of(&self, incoming: &Incoming) -> Result<Option<Value>> {
        let hook = self.webhook()?;
        let Some(cmd) = &hook.account_id else {
            return Ok(None);
        };
        let session = self.conn.session();
        let mut ctx = self.ctx();
        ctx.offline = true;
        exec::run(&session, cmd, incoming.payload(), &mut ctx, &[])
            .await
            .map(Some)
            .map_err(|e| self.locate(e, "data_intake.account_id"))
    }

    /// Runs the intake's `verification` alone, without a request to any API (a command
    /// that would make one is an [`ErrorKind::Config`](super::ErrorKind::Config) error): what
    /// a host answers on its request path before storing the request (D28). Routing and
    /// `data_pipeline` do not run; [`DynWorkflow::receive`] runs the same verification again
    /// (with requests allowed) before processing.
    pub async fn verify(&self, incoming: &Incoming) -> Result<Verification> {
        let hook = self.webhook()?;
        check_size(
            incoming.raw().len(),
            self.conn.engine.inner.config.max_webhook_body,
        )?;
        self.verification(hook, &incoming.payload(), true).await
    }

    /// `verification` on a payload; `offline`: no command may make a request.
    async fn verification(
        &self,
        hook: &'static ir::Webhook,
        payload: &Value,
        offline: bool,
    ) -> Result<Verification> {
        let Some(cmd) = &hook.verification else {
            return Ok(Verification::Process(None));
        };
        let session = self.conn.session();
        let mut ctx = self.ctx();
        ctx.offline = offline;
        exec::run(&session, cmd, payload.clone(), &mut ctx, &[])
            .await
            .map_err(|e| self.locate(e, "data_intake.verification"))?;
        Ok(match ctx.response.take() {
            Some(r) if r.process_payload => Verification::Process(Some(r)),
            Some(r) => Verification::Respond(r),
            None => Verification::Ignore(
                "`verification` gave no `!respond` with `process_payload: true`".into(),
            ),
        })
    }

    /// Receives one request: `verification` first (a challenge is answered, not processed),
    /// then routing, then `data_pipeline` on the payload.
    pub async fn receive(&mut self, incoming: Incoming) -> Result<Delivery> {
        let hook = self.webhook()?;
        check_size(
            incoming.raw().len(),
            self.conn.engine.inner.config.max_webhook_body,
        )?;
        // a body is held once: the payload is made of it, and given back after routing
        let payload = incoming.into_payload();
        let respond = match self.verification(hook, payload.value(), false).await? {
            Verification::Process(respond) => respond,
            Verification::Respond(r) => return Ok(Delivery::Responded(r)),
            Verification::Ignore(reason) => return Ok(Delivery::Ignored { reason }),
        };
        if let Some(reason) = self.routes_elsewhere(payload.value()).await? {
            return Ok(Delivery::Ignored { reason });
        }
        let processed = self.process(payload.into_body()).await?;
        Ok(Delivery::Processed {
            processed: Box::new(processed),
            respond,
        })
    }
}

/// What a webhook intake's `verification` decided about a request
/// ([`DynWorkflow::verify`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Verification {
    /// Answer the request with this, and do not process it (a challenge).
    Respond(Respond),
    /// Process it (the intake has no `verification`, or it let the request through, with the
    /// answer it chose).
    Process(Option<Respond>),
    /// Neither: `verification` gave no `!respond` that lets it through; why.
    Ignore(String),
}

/// Ids compare as text (`"12"` and `12` are the same account).
fn same_id(a: &Value, b: &Value) -> bool {
    crate::value::json_text(a) == crate::value::json_text(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn ids_compare_as_text() {
        assert!(same_id(&json!("12"), &json!(12)) && !same_id(&json!(1), &json!(2)));
    }
}
