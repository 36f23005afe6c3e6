//! What a workflow instance needs to go on after a restart ([`DynWorkflowState`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::connection::DynConnection;
use super::error::Result;
use super::expand::SavedData;
use super::transform::Mapping;
use super::workflow::DynWorkflow;

/// A workflow instance as stored between runs: the selection, the saved mapping, the
/// selected resource, the `!save`d values, the polling state and the webhook URL.
///
/// Take it with [`DynWorkflow::state`] after each change (a selection, a mapping, a webhook
/// created, a polling cycle) and store it as JSON; [`DynConnection::resume`] makes the
/// instance again, checked against the app as it is now. The connection's tokens are stored
/// apart ([`DynConnection::tokens`], [`super::Engine::restore`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynWorkflowState {
    /// The workflow's `name`.
    pub workflow: String,
    /// The selections (`custom_data`).
    #[serde(default)]
    pub custom_data: Map<String, Value>,
    /// The saved mapping, as App Studio saves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Value>,
    /// `describe_selection`'s resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<Value>,
    /// `!save`d values: the workflow's own, and the connection's and the app's as they were.
    #[serde(default)]
    pub data: SavedData,
    /// The polling state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling_state: Option<Value>,
    /// Where the workflow's webhook receives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// The connection's account id from `describe_connection`, which routes
    /// application-scope webhooks without describing the connection again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Value>,
    /// What its polling has done: the historical sync (so that it runs once) and the last
    /// completed cycle (so that a `single` import runs once).
    #[serde(
        default,
        skip_serializing_if = "super::schedule::PollHistory::is_empty"
    )]
    pub polled: super::schedule::PollHistory,
}

impl DynWorkflow {
    /// This instance's state, to store it.
    pub fn state(&self) -> DynWorkflowState {
        DynWorkflowState {
            workflow: self.wf.name.to_string(),
            custom_data: self.custom_data.clone(),
            mapping: self.mapping.as_ref().map(Mapping::to_json),
            resource_id: self.resource_id.clone(),
            data: self.shared_data(),
            polling_state: self.polling_state.clone(),
            webhook_url: self.webhook_url.clone(),
            account_id: self.conn.account_id(),
            polled: self.polled.clone(),
        }
    }
}

impl DynConnection {
    /// A workflow instance from a stored [`DynWorkflowState`]. The selection is checked against
    /// the app's form fields as they are now (an app whose fields changed since gives an
    /// error naming the field); the stored `!save`d values of the connection and the app are
    /// merged into theirs; a stored account id is kept unless the connection has one.
    pub fn resume(&self, state: DynWorkflowState) -> Result<DynWorkflow> {
        let run = self.workflow(&state.workflow)?;
        self.resume_at(run, state)
    }

    /// Brings `state` back into `run`, a new instance of the state's workflow.
    pub(crate) fn resume_at(
        &self,
        mut run: DynWorkflow,
        state: DynWorkflowState,
    ) -> Result<DynWorkflow> {
        if let Some(id) = state.account_id {
            self.keep_account_id(id);
        }
        if !state.custom_data.is_empty() {
            run.select(Value::Object(state.custom_data))?;
        }
        if let Some(saved) = &state.mapping {
            run.mapping = Some(Mapping::from_json(saved, run.default_group())?);
        }
        run.resource_id = state.resource_id;
        run.polling_state = state.polling_state;
        run.webhook_url = state.webhook_url;
        run.polled = state.polled;
        run.keep(state.data);
        Ok(run)
    }
}
