//! The `map` step, typed: options named by the workflow's [`MapKey`] types, and a saved
//! [`Mapping`] that can name only options the app offers.

use super::super::error::{Error, Result};
use super::super::map_step::MapOptionInfo;
use super::super::transform::{FieldRef, Mapping as DynMapping};
use super::Workflow;
use crate::api::{MapKey, Mapped};

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
    pub fn from_json(source: &[serde_json::Value], target: &[serde_json::Value]) -> Self {
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
}

/// A saved mapping of workflow `W`: which source option feeds which target option. Options
/// `app.json` lists are generated enums, so one the app does not offer cannot be named;
/// loaded ones are checked against the loaded options when the mapping is saved.
pub struct Mapping<W: Mapped> {
    entries: Vec<(W::Source, W::Target)>,
}

impl<W: Mapped> Default for Mapping<W> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<W: Mapped> Clone for Mapping<W> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
        }
    }
}

impl<W: Mapped> std::fmt::Debug for Mapping<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.entries).finish()
    }
}

impl<W: Mapped> PartialEq for Mapping<W> {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
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

    /// The entries, in order.
    pub fn entries(&self) -> &[(W::Source, W::Target)] {
        &self.entries
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
    /// required target (and inbound, `email`) is mapped (D10).
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
        let targets: Vec<MapOptionInfo> = options
            .target
            .iter()
            .map(|o| MapOptionInfo {
                field: field_ref(&o.key, None),
                title: o.title.clone(),
                required: o.required,
            })
            .collect();
        self.dynamic.save_mapping(DynMapping { entries }, &targets)
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
        Some(Mapping { entries })
    }
}

/// Loaded options as typed ones; options the type does not name are left out.
fn typed<K: MapKey>(options: &[serde_json::Value]) -> Vec<MapOption<K>> {
    options
        .iter()
        .filter_map(MapOptionInfo::of)
        .filter_map(|o| {
            Some(MapOption {
                key: K::from_option(o.field.group.as_deref(), &o.field.id)?,
                title: o.title,
                required: o.required,
            })
        })
        .collect()
}
