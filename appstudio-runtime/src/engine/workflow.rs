//! One workflow of a connection: its setup (options, selection, mapping) and its
//! `data_pipeline` (source → transform → target).

use std::sync::Arc;

use crate::json::{Map, Value};

use super::connection::DynConnection;
use super::ctx::Ctx;
use super::error::{Error, Result};
use super::exec;
use super::expand::SavedData;
use super::transform::Mapping;
use crate::ir::{self, Direction, FieldType, Options};
use crate::lock::unpoisoned;

/// A workflow being set up or run for one connection.
#[derive(Debug, Clone)]
pub struct DynWorkflow {
    pub(crate) conn: DynConnection,
    pub(crate) wf: &'static ir::Workflow,
    pub(crate) custom_data: Arc<Map>,
    pub(crate) mapping: Option<Mapping>,
    pub(crate) resource_id: Option<Value>,
    /// `!save`d values of this workflow instance (`workflow`; the connection's and the app's are
    /// theirs, D24).
    pub data: SavedData,
    /// The polling state.
    pub polling_state: Option<Value>,
    /// Custom field id → personalization tag, loaded once when a field personalizes.
    perstags: Option<std::collections::HashMap<String, String>>,
    /// `${webhook.url}`: where the webhook of this workflow receives.
    pub(crate) webhook_url: Option<String>,
    /// Names this instance among the users of a shared webhook subscription (D24).
    pub(crate) instance: String,
    /// The workflow-scope webhook registration (D24).
    pub(crate) subscription: Option<super::scope::Subscription>,
    /// What its polling has done (the historical sync, the last completed cycle).
    pub(crate) polled: super::schedule::PollHistory,
}

/// What one `data_pipeline` run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The output of `source`.
    pub source: Value,
    /// The transformed object given to `target`.
    pub transformed: Value,
    /// The output of `target`.
    pub output: Value,
    /// `!print_c` lines.
    pub log: Vec<String>,
}

impl DynConnection {
    /// One workflow of the app, to run its setup and `data_pipeline`. Only a workflow whose
    /// `auth` is this connection's auth entry (the typed API checks this at compile time).
    pub fn workflow(&self, name: &str) -> Result<DynWorkflow> {
        let app = self.engine.inner.app;
        let wf = app
            .workflows
            .iter()
            .find(|w| w.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = app.workflows.iter().map(|w| &*w.name).collect();
                Error::invalid(format!(
                    "no workflow `{name}` (the app has {})",
                    names.join(", ")
                ))
            })?;
        let ours = &self.state.auth.key;
        match app.auth.get(wf.auth) {
            Some(a) if a.key == *ours => Ok(DynWorkflow::new(self.clone(), wf)),
            other => Err(Error::invalid(format!(
                "workflow `{name}` connects with auth `{}`, not with this connection's `{ours}`",
                other.map_or("?", |a| &*a.key)
            ))),
        }
    }
}

impl DynWorkflow {
    pub(crate) fn new(conn: DynConnection, wf: &'static ir::Workflow) -> Self {
        DynWorkflow {
            conn,
            wf,
            custom_data: Arc::default(),
            mapping: None,
            resource_id: None,
            data: SavedData::default(),
            polling_state: None,
            perstags: None,
            webhook_url: None,
            instance: super::scope::new_instance(),
            subscription: None,
            polled: Default::default(),
        }
    }

    /// The workflow's IR.
    pub fn workflow(&self) -> &'static ir::Workflow {
        self.wf
    }

    /// The connection it runs with (clones share its tokens and state).
    pub fn connection(&self) -> &DynConnection {
        &self.conn
    }

    /// Names the workflow, step and file in an error.
    pub(crate) fn locate(&self, e: Error, step: &str) -> Error {
        e.in_step(step)
            .in_workflow(&self.wf.name, &self.conn.engine.inner.app.file)
    }

    fn fields(&self) -> &'static [ir::FormField] {
        self.wf
            .setup
            .select
            .as_ref()
            .map_or(&[], |s| &s.form_fields[..])
    }

    pub(crate) fn ctx(&self) -> Ctx {
        Ctx {
            workflow: Some(self.wf),
            custom_data: self.custom_data.clone(),
            data: self.shared_data(),
            polling_state: self.polling_state.clone(),
            resource_id: self.resource_id.clone(),
            webhook_url: self.webhook_url.clone(),
            ..self.conn.ctx()
        }
    }

    /// The options of a form field (`[{display, value}]`). The fields it depends on must have
    /// been selected ([`DynWorkflow::select`]); `search` is what the user typed, sent as the
    /// field's `search_term` parameter.
    pub async fn options(&self, field_id: &str, search: Option<&str>) -> Result<Vec<Value>> {
        let index = self.field_index(field_id)?;
        self.options_at(index, None, search).await
    }

    /// The index of a form field.
    fn field_index(&self, field_id: &str) -> Result<usize> {
        self.fields()
            .iter()
            .position(|f| f.id == field_id)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "workflow `{}` has no form field `{field_id}`",
                    self.wf.name
                ))
            })
    }

    /// The options of the form field at `index`, with `chosen` values of the fields they read
    /// over the selections made so far.
    pub(crate) async fn options_at(
        &self,
        index: usize,
        chosen: Option<Map>,
        search: Option<&str>,
    ) -> Result<Vec<Value>> {
        let field = &self.fields()[index];
        let field_id = &*field.id;
        let step = format!("setup.select.form_fields[{index}].options");
        let mut ctx = self.ctx();
        if let Some(chosen) = chosen {
            Arc::make_mut(&mut ctx.custom_data).extend(chosen);
        }
        for dep in field.depends_on.iter() {
            if !ctx.custom_data.contains_key(dep) {
                return Err(self.locate(
                    Error::invalid(format!(
                        "the options of `{field_id}` depend on `{dep}`: select it first"
                    )),
                    &step,
                ));
            }
        }
        if let (Some(param), Some(term)) = (&field.search_term, search) {
            ctx.search = Some((param.to_string(), term.to_owned()));
        }
        let out = match &field.options {
            None => return Ok(Vec::new()),
            Some(Options::Static(t)) => ctx.vars(&[]).template(t),
            Some(Options::Command(cmd)) => {
                let session = self.conn.session();
                exec::run(&session, cmd, Value::Null, &mut ctx, &[]).await
            }
        }
        .map_err(|e| self.locate(e.at(field.loc), &step))?;
        let Value::Array(items) = out else {
            return Err(self.locate(
                Error::invalid(format!(
                    "the options of `{field_id}` must be a list, not {}",
                    super::http::excerpt(&out)
                ))
                .at(field.loc),
                &step,
            ));
        };
        for item in &items {
            if item.get("value").is_none() || item.get("display").is_none() {
                return Err(self.locate(
                    Error::invalid(format!(
                        "each option of `{field_id}` needs `display` and `value`: {}",
                        super::http::excerpt(item)
                    ))
                    .at(field.loc),
                    &step,
                ));
            }
        }
        Ok(items.to_vec())
    }

    /// Records the user's selections (`custom_data`): every required field present, choices
    /// as `{value, display}`, text as `{value}`, multiselects as lists (D16).
    pub fn select(&mut self, custom_data: impl Into<Value>) -> Result<()> {
        let custom_data = custom_data.into();
        let Value::Object(data) = custom_data else {
            return Err(Error::invalid(
                "custom_data must be an object keyed by form field id",
            ));
        };
        for field in self.fields() {
            check_field(field, data.get(&field.id))?;
        }
        if let Some(unknown) = data
            .keys()
            .find(|k| !self.fields().iter().any(|f| *f.id == *k.as_str()))
        {
            return Err(Error::invalid(format!(
                "workflow `{}` has no form field `{unknown}`",
                self.wf.name
            )));
        }
        self.custom_data = Arc::new(data);
        Ok(())
    }

    /// Records one selection, as the user makes it in the form (so that the options of the
    /// fields depending on it can be loaded); [`DynWorkflow::select`] checks the whole form.
    pub fn choose(&mut self, field_id: &str, value: impl Into<Value>) -> Result<()> {
        let value = value.into();
        let index = self.field_index(field_id)?;
        self.choose_at(index, value)
    }

    /// Records the selection of the form field at `index`.
    pub(crate) fn choose_at(&mut self, index: usize, value: Value) -> Result<()> {
        let field = &self.fields()[index];
        check_field(field, Some(&value))?;
        if value.is_null() {
            Arc::make_mut(&mut self.custom_data).shift_remove(&field.id);
        } else {
            Arc::make_mut(&mut self.custom_data).insert(field.id.to_string(), value);
        }
        Ok(())
    }

    /// Runs `describe_selection`: the selected resource's id and its display text.
    pub async fn describe_selection(&mut self) -> Result<(Value, Value)> {
        let Some(select) = &self.wf.setup.select else {
            return Err(Error::config(format!(
                "workflow `{}` has no `select` step",
                self.wf.name
            )));
        };
        let (Some(id_cmd), Some(display_cmd)) = (&select.resource_id, &select.display) else {
            return Err(Error::config(format!(
                "workflow `{}` has no `describe_selection`",
                self.wf.name
            )));
        };
        let session = self.conn.session();
        let mut ctx = self.ctx();
        let id = exec::run(&session, id_cmd, Value::Null, &mut ctx, &[])
            .await
            .map_err(|e| self.locate(e, "setup.select.describe_selection.resource_id"))?;
        let display = exec::run(&session, display_cmd, Value::Null, &mut ctx, &[])
            .await
            .map_err(|e| self.locate(e, "setup.select.describe_selection.display"))?;
        self.resource_id = Some(id.clone());
        Ok((id, display))
    }

    /// Runs `data_pipeline` on one event (inbound: the payload; outbound: the contact).
    ///
    /// Outbound, an event with an `id` and no `email` is read from ActiveCampaign first
    /// (`{id, email, firstName, lastName, phone, "<field id>": value}`).
    pub async fn process(&mut self, event: impl Into<Value>) -> Result<Processed> {
        self.run_pipeline(event.into(), true, &mut Vec::new()).await
    }

    /// Runs `data_pipeline.source` and the transform on one event, not `target`: what would
    /// be delivered (`output` is `null`). Nothing is written anywhere.
    pub async fn preview(&mut self, event: impl Into<Value>) -> Result<Processed> {
        self.run_pipeline(event.into(), false, &mut Vec::new())
            .await
    }

    /// One pipeline run; `log` gets its `!print_c` lines, those before a failure too.
    pub(crate) async fn run_pipeline(
        &mut self,
        event: Value,
        deliver: bool,
        log: &mut Vec<String>,
    ) -> Result<Processed> {
        let mut ctx = self.ctx();
        let run = self.pipeline(event, deliver, &mut ctx).await;
        log.extend_from_slice(&ctx.log);
        run
    }

    async fn pipeline(&mut self, event: Value, deliver: bool, ctx: &mut Ctx) -> Result<Processed> {
        let event = if self.wf.direction == Direction::Outbound {
            self.outbound_contact(event).await?
        } else {
            event
        };
        let session = self.conn.session();
        if self.wf.direction == Direction::Outbound
            && let Value::Object(contact) = &event
        {
            let perstags = self.perstags.clone().unwrap_or_default();
            ctx.personal = Some(super::personalize::tags(contact, &perstags));
            ctx.contact = Some(event.clone());
        }
        let source = exec::run(&session, &self.wf.source, event, ctx, &[])
            .await
            .map_err(|e| self.locate(e, "data_pipeline.source"))?;
        let transformed = match (&self.mapping, &self.wf.setup.map) {
            (Some(m), _) => m.apply(&source).map_err(|e| self.locate(e, "transform"))?,
            (None, Some(_)) => {
                return Err(self.locate(
                    Error::invalid("save a mapping first (`set_mapping`)"),
                    "transform",
                ));
            }
            (None, None) => source.clone(),
        };
        let (transformed, output) = if deliver {
            // the target's input, and `${piped_content.0}`: one copy of the transformed value
            let piped = [transformed];
            let output = exec::run(&session, &self.wf.target, piped[0].clone(), ctx, &piped)
                .await
                .map_err(|e| self.locate(e, "data_pipeline.target"))?;
            let [transformed] = piped;
            (transformed, output)
        } else {
            (transformed, Value::Null)
        };
        if deliver {
            self.keep(std::mem::take(&mut ctx.data));
        }
        Ok(Processed {
            source,
            transformed,
            output,
            log: ctx.log.clone(),
        })
    }
}

impl DynWorkflow {
    /// The saved values: this workflow's own, and the connection's and the app's as they are
    /// now.
    pub(crate) fn shared_data(&self) -> SavedData {
        let lock = |m: &std::sync::Mutex<Map>| unpoisoned(m.lock()).clone();
        SavedData {
            workflow: self.data.workflow.clone(),
            connection: lock(&self.conn.state.scope.data),
            application: lock(&self.conn.engine.inner.application.data),
        }
    }

    /// Keeps what a run saved: the workflow scope here, the others where they are shared.
    /// (`!save` only adds and overwrites keys, so the shared scopes are merged: runs of other
    /// workflows in between keep what they saved.)
    pub(crate) fn keep(&mut self, data: SavedData) {
        let merge = |m: &std::sync::Mutex<Map>, new: &Map| {
            let mut m = unpoisoned(m.lock());
            for (k, v) in new {
                m.insert(k.clone(), v.clone());
            }
        };
        merge(&self.conn.state.scope.data, &data.connection);
        merge(&self.conn.engine.inner.application.data, &data.application);
        self.data = data;
    }

    /// The contact an outbound run processes, read from ActiveCampaign when only its id is
    /// given; loads the personalization tags of custom fields once when a field personalizes.
    async fn outbound_contact(&mut self, event: Value) -> Result<Value> {
        let ac = self.conn.state.activecampaign.clone();
        let locate = |e: Error| e.in_step("data_pipeline.source");
        let event = match (&ac, &event) {
            (Some(ac), Value::Object(m)) if m.get("email").is_none() => {
                let id = m.get("id").map(serde_json::Value::from);
                match id.as_ref().and_then(crate::activecampaign::wire::id_of) {
                    Some(id) => {
                        Value::from(&ac.contact_flat(&id).await.map_err(|e| locate(e.into()))?)
                    }
                    None => event,
                }
            }
            _ => event,
        };
        let personalizes = self.fields().iter().any(|f| f.personalize);
        if let (Some(ac), true, None) = (&ac, personalizes, &self.perstags) {
            let fields = ac.contact_fields().await.map_err(|e| locate(e.into()))?;
            self.perstags = Some(
                fields
                    .into_iter()
                    .filter(|f| !f.perstag.is_empty())
                    .map(|f| (f.id, f.perstag))
                    .collect(),
            );
        }
        Ok(event)
    }
}

/// Checks a field's selected value against its type (D16); `None`/`null` only if optional.
fn check_field(field: &ir::FormField, value: Option<&Value>) -> Result<()> {
    let value = value.filter(|v| !v.is_null());
    let ok = match (value, field.field_type) {
        (None, _) => !field.required,
        (Some(v), FieldType::Text | FieldType::Textarea) => {
            v.get("value").is_some_and(Value::is_string)
        }
        (Some(v), FieldType::Dropdown) => is_choice(v),
        (Some(Value::Array(items)), FieldType::Multiselect) => items.iter().all(is_choice),
        (Some(_), FieldType::Multiselect) => false,
    };
    if ok {
        return Ok(());
    }
    let expected = match field.field_type {
        FieldType::Text | FieldType::Textarea => "{\"value\": \"…\"}",
        FieldType::Dropdown => "{\"value\": …, \"display\": \"…\"}",
        FieldType::Multiselect => "[{\"value\": …, \"display\": \"…\"}, …]",
    };
    Err(Error::invalid(format!(
        "form field `{}` ({}{}) needs {expected}",
        field.id,
        field.field_type.as_str(),
        if field.required { ", required" } else { "" }
    )))
}

fn is_choice(v: &Value) -> bool {
    v.get("value").is_some() && v.get("display").is_some_and(Value::is_string)
}
