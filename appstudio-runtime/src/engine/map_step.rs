//! The `map` step: its source and target options, and saving the user's mapping (D10), with
//! its fixed values checked against the targets' `source_fields` (D26).

use crate::json::Value;

use super::error::{Error, Result};
use super::exec;
use super::transform::{FieldRef, Mapping};
use super::workflow::DynWorkflow;
use crate::ir::{self, Direction, Options};
use crate::value::json_text;

/// One option of a map side as loaded: `{id, title, required?, group?, source_fields?}`
/// (`value` and `display` are read where `id` and `title` are missing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MapOptionInfo {
    /// Its group and id.
    pub(crate) field: FieldRef,
    /// `title`, else the id.
    pub(crate) title: String,
    /// `required`.
    pub(crate) required: bool,
    /// `source_fields`: the fixed values it offers, `(id, title)` (D26).
    pub(crate) fixed: Vec<(Value, String)>,
}

/// An option's or fixed value's `id` (`value` where `id` is missing), a string or a number,
/// and its `title` (`display`, else the id's text).
fn id_and_title(option: &Value) -> Option<(Value, String)> {
    let id = option
        .get("id")
        .or_else(|| option.get("value"))
        .filter(|id| matches!(id, Value::String(_) | Value::Number(_)))?;
    let title = option
        .get("title")
        .or_else(|| option.get("display"))
        .and_then(Value::as_str)
        .map_or_else(|| json_text(id).into_owned(), str::to_owned);
    Some((id.clone(), title))
}

impl MapOptionInfo {
    /// Reads one loaded option; `None` without an id. Fixed values without an id are left
    /// out.
    pub(crate) fn of(option: &Value) -> Option<MapOptionInfo> {
        let (id, title) = id_and_title(option)?;
        let id = json_text(&id).into_owned();
        let fixed = match option.get("source_fields") {
            Some(Value::Array(values)) => values.iter().filter_map(id_and_title).collect(),
            _ => Vec::new(),
        };
        Some(MapOptionInfo {
            fixed,
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

/// The fixed value `id` of `target` as its option gives it; an error naming the option and
/// its values when it offers no such value (D26).
fn fixed_value(target: &FieldRef, id: &Value, targets: &[MapOptionInfo]) -> Result<Value> {
    let name = match &target.group {
        Some(g) => format!("`{}` of group `{g}`", target.id),
        None => format!("`{}`", target.id),
    };
    let Some(option) = targets.iter().find(|o| {
        o.field.id == target.id && (o.field.group.is_none() || o.field.group == target.group)
    }) else {
        return Err(Error::invalid(format!(
            "{name} is not one of the target options, so it cannot have a fixed value"
        )));
    };
    let wanted = json_text(id);
    if let Some((found, _)) = option.fixed.iter().find(|(f, _)| json_text(f) == wanted) {
        return Ok(found.clone());
    }
    if option.fixed.is_empty() {
        return Err(Error::invalid(format!(
            "the target option `{}` ({name}) offers no fixed values (`source_fields`), so \
             `{wanted}` cannot be mapped to it",
            option.title
        )));
    }
    let allowed: Vec<String> = option
        .fixed
        .iter()
        .map(|(id, title)| format!("`{}` ({title})", json_text(id)))
        .collect();
    Err(Error::invalid(format!(
        "`{wanted}` is not a fixed value of the target option `{}` ({name}); its \
         `source_fields` are {}",
        option.title,
        allowed.join(", ")
    )))
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
            Value::Array(items) => Ok(items.to_vec()),
            other => Err(self.locate(
                Error::invalid(format!(
                    "mapping options must be a list, not {}",
                    super::http::excerpt(&other)
                )),
                step,
            )),
        }
    }

    /// Saves the user's mapping (as App Studio saves it, fixed values under `_fixed`) after
    /// checking it against the target options: every required target is mapped, and inbound,
    /// `email` always is (D10); every fixed value is one of its target's `source_fields` (D26).
    pub fn set_mapping(&mut self, saved: &Value, target_options: &[Value]) -> Result<()> {
        let mapping = Mapping::from_json(saved, self.default_group())?;
        let targets: Vec<MapOptionInfo> = target_options
            .iter()
            .filter_map(MapOptionInfo::of)
            .collect();
        self.save_mapping(mapping, &targets)
    }

    /// Saves a mapping after checking that every required target (and inbound, `email`) is
    /// mapped (a grouped one when the mapping writes into its group), and that each fixed value is one its target offers (its id then as the option
    /// gives it, D26).
    pub(crate) fn save_mapping(
        &mut self,
        mut mapping: Mapping,
        targets: &[MapOptionInfo],
    ) -> Result<()> {
        if mapping.entries.is_empty() && mapping.fixed.is_empty() {
            return Err(Error::invalid("map at least one field"));
        }
        for (target, id) in &mut mapping.fixed {
            *id = fixed_value(target, id, targets)?;
        }
        for option in targets {
            let is_email = self.wf.direction == Direction::Inbound && option.field.id == "email";
            // a group's required fields bind only a mapping that writes into that group
            let group = option.field.group.as_deref();
            let binds = is_email || group.is_none_or(|g| mapping.maps_into(g));
            if (option.required || is_email) && binds && !mapping.maps_to(&option.field) {
                let why = match group {
                    Some(g) if !is_email => format!(" (the mapping writes into group `{g}`)"),
                    _ => String::new(),
                };
                return Err(Error::invalid(format!(
                    "the target field `{}` must be mapped{why}",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn targets() -> Vec<MapOptionInfo> {
        [
            json!({"id": "stage", "title": "Stage", "group": "deal",
                   "source_fields": [{"id": 3, "title": "Qualified"}, {"id": "4", "title": "Won"},
                                     {"title": "no id"}]}),
            json!({"id": "title", "title": "Title", "group": "deal"}),
        ]
        .iter()
        .filter_map(MapOptionInfo::of)
        .collect()
    }

    fn deal(id: &str) -> FieldRef {
        FieldRef {
            group: Some("deal".into()),
            id: id.into(),
        }
    }

    #[test]
    fn loaded_options_keep_their_fixed_values() {
        let t = targets();
        assert_eq!(
            t[0].fixed,
            [
                (json!(3), "Qualified".to_owned()),
                (json!("4"), "Won".to_owned())
            ]
        );
        assert!(t[1].fixed.is_empty());
    }

    #[test]
    fn a_fixed_value_is_one_its_target_offers_as_the_option_gives_it() {
        let t = targets();
        // compared as text, saved as the option writes it
        assert_eq!(
            fixed_value(&deal("stage"), &json!("3"), &t).unwrap(),
            json!(3)
        );
        assert_eq!(
            fixed_value(&deal("stage"), &json!(4), &t).unwrap(),
            json!("4")
        );
        let err = fixed_value(&deal("stage"), &json!("9"), &t).unwrap_err();
        assert_eq!(
            err.message(),
            "`9` is not a fixed value of the target option `Stage` (`stage` of group `deal`); \
             its `source_fields` are `3` (Qualified), `4` (Won)"
        );
        let err = fixed_value(&deal("title"), &json!("x"), &t).unwrap_err();
        assert!(err.message().contains("offers no fixed values"), "{err}");
        let err = fixed_value(&deal("owner"), &json!("x"), &t).unwrap_err();
        assert!(
            err.message()
                .contains("`owner` of group `deal` is not one of the target options"),
            "{err}"
        );
    }
}
