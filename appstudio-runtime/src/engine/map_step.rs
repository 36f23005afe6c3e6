//! The `map` step: its source and target options, and saving the user's mapping (D10).

use serde_json::Value;

use super::error::{Error, Result};
use super::exec;
use super::transform::{FieldRef, Mapping};
use super::workflow::DynWorkflow;
use crate::ir::{self, Direction, Options};

/// One option of a map side as loaded: `{id, title, required?, group?}` (`value` and
/// `display` are read where `id` and `title` are missing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapOptionInfo {
    /// Its group and id.
    pub(crate) field: FieldRef,
    /// `title`, else the id.
    pub(crate) title: String,
    /// `required`.
    pub(crate) required: bool,
}

impl MapOptionInfo {
    /// Reads one loaded option; `None` without an id.
    pub(crate) fn of(option: &Value) -> Option<MapOptionInfo> {
        let id = match option.get("id").or_else(|| option.get("value")) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return None,
        };
        let title = option
            .get("title")
            .or_else(|| option.get("display"))
            .and_then(Value::as_str)
            .map_or_else(|| id.clone(), str::to_owned);
        Some(MapOptionInfo {
            field: FieldRef {
                group: option
                    .get("group")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                id,
            },
            title,
            required: option
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        })
    }
}

impl DynWorkflow {
    /// The source and target options of the `map` step (`[{id, title, required?, group?}]`).
    pub async fn map_options(&self) -> Result<(Vec<Value>, Vec<Value>)> {
        let Some(map) = &self.wf.setup.map else {
            return Err(Error::config(format!(
                "workflow `{}` has no `map` step",
                self.wf.name
            )));
        };
        let source = self
            .side_options(&map.source, "setup.map.describe_source")
            .await?;
        let target = match &map.target {
            Some(t) => self.side_options(t, "setup.map.describe_target").await?,
            None => Vec::new(),
        };
        Ok((source, target))
    }

    async fn side_options(&self, side: &ir::MapSide, step: &str) -> Result<Vec<Value>> {
        let mut ctx = self.ctx();
        let out = match &side.options {
            Options::Static(t) => ctx.vars(&[]).template(t),
            Options::Command(cmd) => {
                let session = self.conn.session();
                exec::run(&session, cmd, Value::Null, &mut ctx, &[]).await
            }
        }
        .map_err(|e| self.locate(e, step))?;
        match out {
            Value::Array(items) => Ok(items),
            other => Err(self.locate(
                Error::invalid(format!(
                    "mapping options must be a list, not {}",
                    super::http::excerpt(&other)
                )),
                step,
            )),
        }
    }

    /// Saves the user's mapping after checking it against the target options: every
    /// required target is mapped, and inbound, `email` always is (D10).
    pub fn set_mapping(&mut self, saved: &Value, target_options: &[Value]) -> Result<()> {
        let mapping = Mapping::from_json(saved, self.default_group())?;
        let targets: Vec<MapOptionInfo> = target_options
            .iter()
            .filter_map(MapOptionInfo::of)
            .collect();
        self.save_mapping(mapping, &targets)
    }

    /// Saves a mapping after checking that every required target (and inbound, `email`) is
    /// mapped.
    pub(crate) fn save_mapping(
        &mut self,
        mapping: Mapping,
        targets: &[MapOptionInfo],
    ) -> Result<()> {
        if mapping.entries.is_empty() {
            return Err(Error::invalid("map at least one field"));
        }
        for option in targets {
            let is_email = self.wf.direction == Direction::Inbound && option.field.id == "email";
            if (option.required || is_email) && !mapping.maps_to(&option.field) {
                return Err(Error::invalid(format!(
                    "the target field `{}` must be mapped",
                    option.title
                )));
            }
        }
        self.mapping = Some(mapping);
        Ok(())
    }

    /// `map.describe_target.default_group`: the target group of a flat mapping.
    pub(crate) fn default_group(&self) -> Option<&'static str> {
        self.wf
            .setup
            .map
            .as_ref()
            .and_then(|m| m.target.as_ref())
            .and_then(|t| t.default_group.as_deref())
    }
}
