//! [`Workflow<W>`](Workflow): one workflow of a connection, reached by its generated marker type.

use std::marker::PhantomData;

use crate::json::{Map, Value};

use super::super::connection::DynConnection;
use super::super::error::{Error, Result};
use super::super::workflow::{DynWorkflow, Processed};
use super::WorkflowState;
use crate::api::{DescribesSelection, FieldOf, OptionsOf, Searchable, WorkflowSpec};
use crate::value::{Choice, json_text};

/// A workflow being set up or run for one connection; `W` is its marker type
/// (`workflows::<Workflow>` of the generated API).
pub struct Workflow<W> {
    pub(super) dynamic: DynWorkflow,
    workflow: PhantomData<fn() -> W>,
}

impl<W> Clone for Workflow<W> {
    fn clone(&self) -> Self {
        Self::wrap(self.dynamic.clone())
    }
}

impl<W> std::fmt::Debug for Workflow<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.dynamic.fmt(f)
    }
}

/// What `describe_selection` said about the selection.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionDescription {
    /// The selected resource's id (routes webhooks by `resource_id`).
    pub resource_id: Value,
    /// Shown to the user.
    pub display: String,
}

/// A typed value as the JSON the engine runs on.
fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<Value> {
    serde_json::to_value(value)
        .map(|v| Value::from(&v))
        .map_err(|e| Error::invalid(format!("{what} does not serialize: {e}")))
}

impl<W> Workflow<W> {
    fn wrap(dynamic: DynWorkflow) -> Self {
        Self {
            dynamic,
            workflow: PhantomData,
        }
    }

    /// The untyped workflow underneath.
    pub fn dynamic(&self) -> &DynWorkflow {
        &self.dynamic
    }

    /// The untyped workflow underneath, to keep.
    pub fn into_dynamic(self) -> DynWorkflow {
        self.dynamic
    }
}

impl<W: WorkflowSpec> Workflow<W> {
    pub(super) fn new(conn: &DynConnection) -> Self {
        Self::wrap(DynWorkflow::new(conn.clone(), W::ir()))
    }

    /// An untyped workflow as a workflow of `W`, if it is one (a host gives an installed
    /// workflow back this way).
    pub fn from_dynamic(dynamic: DynWorkflow) -> Result<Self> {
        if !std::ptr::eq(dynamic.workflow(), W::ir()) {
            return Err(Error::invalid(format!(
                "a workflow `{}`, not `{}` of this app",
                dynamic.workflow().name,
                W::NAME
            )));
        }
        Ok(Self::wrap(dynamic))
    }

    pub(super) fn resume(conn: &DynConnection, state: WorkflowState<W>) -> Result<Self> {
        let run = DynWorkflow::new(conn.clone(), W::ir());
        Ok(Self::wrap(conn.resume_at(run, state.into_dynamic())?))
    }

    /// The options of a form field: `query` holds the values of the fields they read.
    pub async fn options<Q: OptionsOf<W>>(&self, query: Q) -> Result<Vec<Choice>> {
        self.load_options(query, None).await
    }

    /// The options of a form field whose options take what the user typed (its
    /// `search_term`).
    pub async fn search<Q: OptionsOf<W> + Searchable>(
        &self,
        query: Q,
        term: &str,
    ) -> Result<Vec<Choice>> {
        self.load_options(query, Some(term)).await
    }

    async fn load_options<Q: OptionsOf<W>>(
        &self,
        query: Q,
        term: Option<&str>,
    ) -> Result<Vec<Choice>> {
        let chosen = match to_json(&query, "the options query")? {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let items = self
            .dynamic
            .options_at(Q::FIELD, Some(chosen), term)
            .await?;
        Ok(items
            .into_iter()
            .map(|item| {
                let (value, display) = match item {
                    Value::Object(mut m) => (
                        m.shift_remove("value").unwrap_or(Value::Null),
                        m.shift_remove("display")
                            .map(|d| json_text(&d).into_owned())
                            .unwrap_or_default(),
                    ),
                    other => (other, String::new()),
                };
                Choice {
                    value: value.into(),
                    display,
                }
            })
            .collect())
    }

    /// Records one field's selection as the user makes it (to keep a form half filled in);
    /// [`Workflow::select`] records the whole form.
    pub fn choose<F: FieldOf<W>>(&mut self, field: F, value: F::Value) -> Result<()> {
        let _ = field;
        self.dynamic
            .choose_at(F::INDEX, to_json(&value, "the value")?)
    }

    /// What [`Workflow::choose`] (or [`Workflow::select`]) recorded for one field; `None` if
    /// nothing was.
    pub fn chosen<F: FieldOf<W>>(&self, field: F) -> Option<F::Value> {
        let _ = field;
        let value = self.dynamic.custom_data.get(F::ID)?;
        serde_json::from_value(value.clone().into()).ok()
    }

    /// Records the user's selections (`custom_data`).
    pub fn select(&mut self, custom_data: W::CustomData) -> Result<()> {
        self.dynamic.select(to_json(&custom_data, "the selection")?)
    }

    /// The selections recorded, if the form is complete.
    pub fn selection(&self) -> Option<W::CustomData> {
        serde_json::from_value(Value::Object((*self.dynamic.custom_data).clone()).into()).ok()
    }

    /// Runs `describe_selection`: the selected resource's id and its display text.
    pub async fn describe_selection(&mut self) -> Result<SelectionDescription>
    where
        W: DescribesSelection,
    {
        let (resource_id, display) = self.dynamic.describe_selection().await?;
        Ok(SelectionDescription {
            resource_id,
            display: json_text(&display).into_owned(),
        })
    }

    /// Runs `data_pipeline` on one event (inbound: the payload; outbound: the contact, or
    /// `{"id": …}` to read it from ActiveCampaign).
    pub async fn process(&mut self, event: impl Into<Value>) -> Result<Processed> {
        self.dynamic.process(event.into()).await
    }

    /// Runs `data_pipeline.source` and the transform on one event, not `target`.
    pub async fn preview(&mut self, event: impl Into<Value>) -> Result<Processed> {
        self.dynamic.preview(event.into()).await
    }

    /// This instance's state, to store it; [`super::Connection::resume`] brings it back.
    pub fn state(&self) -> WorkflowState<W> {
        WorkflowState::of(self.dynamic.state())
    }

    /// The `!save`d values as they are now.
    pub fn saved(&self) -> super::super::SavedData {
        self.dynamic.shared_data()
    }

    /// The polling state.
    pub fn polling_state(&self) -> Option<&Value> {
        self.dynamic.polling_state.as_ref()
    }
}
