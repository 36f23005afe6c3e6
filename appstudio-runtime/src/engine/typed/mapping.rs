//! The `map` step, typed: options named by the workflow's [`MapKey`] types, and a saved
//! [`Mapping`] that can name only options the app offers, with targets mapped to the fixed
//! values their options offer (D26).

use super::super::error::{Error, Result};
use super::super::map_step::MapOptionInfo;
use super::super::transform::{FieldRef, Mapping as DynMapping};
use super::Workflow;
use crate::api::{FixedValue, MapKey, Mapped};

/// One option of a map side.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOption<K> {
    /// The option's group and id: a generated enum variant for options `app.json` lists, a
    /// [`crate::api::DynamicField`] for loaded ones.
    pub key: K,
    /// The title shown to the user.
    pub title: String,
    /// Whether it must be mapped (target options).
    pub required: bool,
    /// The fixed values it offers instead of source data (`source_fields`, target options).
    pub fixed: Vec<FixedOption>,
}

/// A fixed value a target option offers, with its title (one of its `source_fields`).
#[derive(Debug, Clone, PartialEq)]
pub struct FixedOption {
    /// The value, for [`Mapping::fixed`].
    pub value: FixedValue,
    /// The title shown to the user.
    pub title: String,
}

/// The source and target options of a workflow's `map` step.
pub struct MapOptions<W: Mapped> {
    /// `describe_source`.
    pub source: Vec<MapOption<W::Source>>,
    /// `describe_target`.
    pub target: Vec<MapOption<W::Target>>,
}

impl<W: Mapped> std::fmt::Debug for MapOptions<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MapOptions")
            .field("source", &self.source)
            .field("target", &self.target)
            .finish()
    }
}

impl<W: Mapped> Clone for MapOptions<W> {
    fn clone(&self) -> Self {
        Self {
            source: self.source.clone(),
            target: self.target.clone(),
        }
    }
}

impl<W: Mapped> MapOptions<W> {
    /// Options as the `map` step's commands give them (`[{id, title, required?, group?}]`),
    /// such as options stored earlier; options the workflow's types do not name are left out.
    pub fn from_json(source: &[crate::json::Value], target: &[crate::json::Value]) -> Self {
        Self {
            source: typed(source),
            target: typed(target),
        }
    }

    /// The source option titled `title`.
    pub fn source_titled(&self, title: &str) -> Option<&W::Source> {
        self.source
            .iter()
            .find(|o| o.title == title)
            .map(|o| &o.key)
    }

    /// The target option titled `title`.
    pub fn target_titled(&self, title: &str) -> Option<&W::Target> {
        self.target
            .iter()
            .find(|o| o.title == title)
            .map(|o| &o.key)
    }

    /// The fixed value titled `title` that the target option `target` offers.
    pub fn fixed_titled(&self, target: &W::Target, title: &str) -> Option<&FixedValue> {
        self.target
            .iter()
            .find(|o| &o.key == target)?
            .fixed
            .iter()
            .find(|f| f.title == title)
            .map(|f| &f.value)
    }
}

/// A saved mapping of workflow `W`: which source option feeds which target option, and
/// which targets get a fixed value instead. Options `app.json` lists are generated enums, so
/// one the app does not offer cannot be named; loaded ones, and every fixed value, are
/// checked against the options when the mapping is saved.
pub struct Mapping<W: Mapped> {
    entries: Vec<(W::Source, W::Target)>,
    fixed: Vec<(W::Target, FixedValue)>,
}

impl<W: Mapped> Default for Mapping<W> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            fixed: Vec::new(),
        }
    }
}

impl<W: Mapped> Clone for Mapping<W> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            fixed: self.fixed.clone(),
        }
    }
}

impl<W: Mapped> std::fmt::Debug for Mapping<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("entries", &self.entries)
            .field("fixed", &self.fixed)
            .finish()
    }
}

impl<W: Mapped> PartialEq for Mapping<W> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries && self.fixed == other.fixed
    }
}

impl<W: Mapped> Mapping<W> {
    /// An empty mapping.
    pub fn new() -> Self {
        Self::default()
    }

    /// This mapping with `source` feeding `target`.
    pub fn map(mut self, source: W::Source, target: W::Target) -> Self {
        self.entries.push((source, target));
        self
    }

    /// This mapping with `target` given the fixed value `value` instead of source data: a
    /// generated `mapping::fixed` variant for a target `app.json` lists, a value of
    /// [`MapOption::fixed`] (or [`FixedValue::new`]) for a loaded one. It must be one of the
    /// target's `source_fields`, checked when the mapping is saved.
    pub fn fixed(mut self, target: W::Target, value: impl Into<FixedValue>) -> Self {
        self.fixed.push((target, value.into()));
        self
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[(W::Source, W::Target)] {
        &self.entries
    }

    /// The targets mapped to fixed values, in order.
    pub fn fixed_values(&self) -> &[(W::Target, FixedValue)] {
        &self.fixed
    }
}

fn field_ref<K: MapKey>(key: &K, default_group: Option<&str>) -> FieldRef {
    FieldRef {
        group: key.group().or(default_group).map(str::to_owned),
        id: key.id().to_owned(),
    }
}

/// Checks that a loaded option names one of `options` (a key without a group is taken in
/// `default_group`, as a flat saved mapping is).
fn offered<K: MapKey>(
    key: &K,
    options: &[MapOption<K>],
    default_group: Option<&str>,
    side: &str,
) -> Result<FieldRef> {
    let field = field_ref(key, default_group);
    if K::STATIC
        || options
            .iter()
            .any(|o| field_ref(&o.key, default_group) == field)
    {
        return Ok(field);
    }
    let group = field
        .group
        .as_ref()
        .map(|g| format!(" of group `{g}`"))
        .unwrap_or_default();
    Err(Error::invalid(format!(
        "`{}`{group} is not one of the {side} options (load them with `map_options`)",
        field.id
    )))
}

impl<W: crate::api::WorkflowSpec> Workflow<W> {
    /// The source and target options of the `map` step.
    pub async fn map_options(&self) -> crate::engine::Result<MapOptions<W>>
    where
        W: Mapped,
    {
        let (source, target) = self.dynamic.map_options().await?;
        Ok(MapOptions::from_json(&source, &target))
    }

    /// Saves the user's mapping: every loaded option it names is among `options`, every
    /// required target (and inbound, `email`) is mapped (D10), every fixed value is one of its
    /// target's `source_fields` (D26).
    pub fn set_mapping(&mut self, mapping: &Mapping<W>, options: &MapOptions<W>) -> Result<()>
    where
        W: Mapped,
    {
        let default_group = self.dynamic.default_group();
        let mut entries = Vec::with_capacity(mapping.entries.len());
        for (source, target) in &mapping.entries {
            entries.push((
                offered(source, &options.source, None, "source")?,
                offered(target, &options.target, default_group, "target")?,
            ));
        }
        let mut fixed = Vec::with_capacity(mapping.fixed.len());
        for (target, value) in &mapping.fixed {
            fixed.push((
                offered(target, &options.target, default_group, "target")?,
                crate::json::Value::from(value.id()),
            ));
        }
        let targets: Vec<MapOptionInfo> = options
            .target
            .iter()
            .map(|o| MapOptionInfo {
                field: field_ref(&o.key, None),
                title: o.title.clone(),
                required: o.required,
                fixed: o
                    .fixed
                    .iter()
                    .map(|f| (crate::json::Value::from(f.value.id()), f.title.clone()))
                    .collect(),
            })
            .collect();
        self.dynamic
            .save_mapping(DynMapping { entries, fixed }, &targets)
    }

    /// The saved mapping, if there is one and every option it names is of the app.
    pub fn mapping(&self) -> Option<Mapping<W>>
    where
        W: Mapped,
    {
        let saved = self.dynamic.mapping.as_ref()?;
        let entries = saved
            .entries
            .iter()
            .map(|(s, t)| {
                Some((
                    W::Source::from_option(s.group.as_deref(), &s.id)?,
                    W::Target::from_option(t.group.as_deref(), &t.id)?,
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        let fixed = saved
            .fixed
            .iter()
            .map(|(t, id)| {
                Some((
                    W::Target::from_option(t.group.as_deref(), &t.id)?,
                    FixedValue::new(id.clone()),
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Mapping { entries, fixed })
    }
}

/// Loaded options as typed ones; options the type does not name are left out.
fn typed<K: MapKey>(options: &[crate::json::Value]) -> Vec<MapOption<K>> {
    options
        .iter()
        .filter_map(MapOptionInfo::of)
        .filter_map(|o| {
            Some(MapOption {
                key: K::from_option(o.field.group.as_deref(), &o.field.id)?,
                title: o.title,
                required: o.required,
                fixed: o
                    .fixed
                    .into_iter()
                    .map(|(id, title)| FixedOption {
                        value: FixedValue::new(id),
                        title,
                    })
                    .collect(),
            })
        })
        .collect()
}
