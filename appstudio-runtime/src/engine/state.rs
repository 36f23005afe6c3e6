//! What is stored between runs, one state per scope (D24): the app's ([`ApplicationState`]),
//! a connection's ([`ConnectionState`]) and a workflow instance's ([`DynWorkflowState`]).

use std::collections::BTreeMap;

use crate::json::{Map, Value};
use serde::{Deserialize, Serialize};

use super::connection::{DynConnection, DynEngine};
use super::error::Result;
use super::expand::SavedData;
use super::scope::{Subscription, new_instance};
use super::transform::Mapping;
use super::workflow::DynWorkflow;
use crate::lock::unpoisoned;

/// What the app stores for all its connections: the application-scope `!save`d values
/// (`${data.application.*}`) and the application-scope webhook subscriptions.
///
/// Take it with [`DynEngine::state`] after each change (a `!save` of that scope, a webhook
/// created or deleted) and give it to a new engine with [`DynEngine::restore_state`] before
/// running anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApplicationState {
    /// `${data.application.*}`.
    pub data: Map,
    /// Intake name → its registration.
    pub subscriptions: BTreeMap<String, Subscription>,
}

/// What a connection stores beside its tokens: the account id, the connection-scope `!save`d
/// values (`${data.connection.*}`) and the connection-scope webhook subscriptions.
///
/// Take it with [`DynConnection::state`] after each change and give it to the restored
/// connection with [`DynConnection::restore_state`]; the tokens are stored apart
/// ([`DynConnection::tokens`], [`DynEngine::restore`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionState {
    /// `describe_connection`'s account id (routes application-scope webhooks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<Value>,
    /// `${data.connection.*}`.
    pub data: Map,
    /// Intake name → its registration.
    pub subscriptions: BTreeMap<String, Subscription>,
}

impl DynEngine {
    /// The app's state, to store it.
    pub fn state(&self) -> ApplicationState {
        let store = &self.inner.application;
        ApplicationState {
            data: store.data(),
            subscriptions: store.subscriptions(),
        }
    }

    /// Brings a stored [`ApplicationState`] back, replacing what the engine holds.
    pub fn restore_state(&self, state: ApplicationState) {
        self.inner
            .application
            .restore(state.data, state.subscriptions);
    }
}

impl DynConnection {
    /// The connection's state, to store it.
    pub fn state(&self) -> ConnectionState {
        ConnectionState {
            account_id: self.account_id(),
            data: self.state.scope.data(),
            subscriptions: self.state.scope.subscriptions(),
        }
    }

    /// Brings a stored [`ConnectionState`] back, replacing what the connection holds (its
    /// account id only when the state has one).
    pub fn restore_state(&self, state: ConnectionState) {
        if let Some(id) = state.account_id {
            *unpoisoned(self.state.account_id.lock()) = Some(id);
        }
        self.state.scope.restore(state.data, state.subscriptions);
    }
}

/// A workflow instance as stored between runs: the selection, the saved mapping, the
/// selected resource, the workflow's `!save`d values, the polling state, the webhook URL and
/// the workflow-scope webhook registration.
///
/// Take it with [`DynWorkflow::state`] after each change (a selection, a mapping, a webhook
/// created, a polling cycle) and store it as JSON; [`DynConnection::resume`] makes the
/// instance again, checked against the app as it is now. The connection's and the app's
/// values are stored in their own states ([`ConnectionState`], [`ApplicationState`]); the
/// connection's tokens apart ([`DynConnection::tokens`], [`super::Engine::restore`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynWorkflowState {
    /// The workflow's `name`.
    pub workflow: String,
    /// The selections (`custom_data`).
    #[serde(default)]
    pub custom_data: Map,
    /// The saved mapping, as App Studio saves it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Value>,
    /// `describe_selection`'s resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<Value>,
    /// `!save`d values: the workflow's own (`workflow`). States stored before D24 also hold
    /// the connection's and the app's; those fill in keys their scope lacks when resumed.
    #[serde(default)]
    pub data: SavedData,
    /// The polling state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling_state: Option<Value>,
    /// Where the workflow's webhook receives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_url: Option<String>,
    /// Names the instance among the users of a shared webhook subscription; a state stored
    /// without one gets a new one.
    #[serde(default = "new_instance")]
    pub instance: String,
    /// The workflow-scope webhook registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Subscription>,
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
            custom_data: (*self.custom_data).clone(),
            mapping: self.mapping.as_ref().map(Mapping::to_json),
            resource_id: self.resource_id.clone(),
            data: SavedData {
                workflow: self.data.workflow.clone(),
                ..SavedData::default()
            },
            polling_state: self.polling_state.clone(),
            webhook_url: self.webhook_url.clone(),
            instance: self.instance.clone(),
            subscription: self.subscription.clone(),
            account_id: self.conn.account_id(),
            polled: self.polled.clone(),
        }
    }
}

impl DynConnection {
    /// A workflow instance from a stored [`DynWorkflowState`]. The selection is checked against
    /// the app's form fields as they are now (an app whose fields changed since gives an
    /// error naming the field); a stored account id is kept unless the connection has one.
    /// Restore the connection's and the app's states first ([`DynConnection::restore_state`],
    /// [`DynEngine::restore_state`]): the values of those scopes a state stored before D24
    /// holds only fill in keys they lack.
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
        run.instance = state.instance;
        run.subscription = state.subscription;
        let SavedData {
            workflow,
            connection,
            application,
        } = state.data;
        let fill = |store: &std::sync::Mutex<Map>, old: Map| {
            let mut store = unpoisoned(store.lock());
            for (k, v) in old {
                if !store.contains_key(&k) {
                    store.insert(k, v);
                }
            }
        };
        fill(&self.state.scope.data, connection);
        fill(&self.engine.inner.application.data, application);
        run.data = SavedData {
            workflow,
            ..SavedData::default()
        };
        run.polled = state.polled;
        Ok(run)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    /// States stored before D24 read: a workflow state without instance id or record (and with
    /// the connection's values inside), empty scope states; records round-trip.
    #[test]
    fn old_and_new_states_read() {
        let old = json!({"workflow": "w", "data": {"connection": {"x": 1}}, "webhook_url": "u"});
        let state: DynWorkflowState = serde_json::from_value(old.into()).unwrap();
        assert_eq!(state.instance.len(), 32);
        assert_eq!(state.subscription, None);
        assert_eq!(state.data.connection["x"], 1);
        let empty: ConnectionState = serde_json::from_value(serde_json::json!({})).unwrap();
        assert_eq!(empty, ConnectionState::default());
        let app = ApplicationState {
            data: json!({"y": 2}).as_object().unwrap().clone(),
            subscriptions: [(
                "hook".to_owned(),
                Subscription {
                    url: "https://h.example/1".into(),
                    selection: None,
                    users: ["a".to_owned()].into(),
                },
            )]
            .into(),
        };
        let text = serde_json::to_string(&app).unwrap();
        assert_eq!(
            text,
            r#"{"data":{"y":2},"subscriptions":{"hook":{"url":"https://h.example/1","users":["a"]}}}"#
        );
        assert_eq!(
            serde_json::from_str::<ApplicationState>(&text).unwrap(),
            app
        );
    }
}
