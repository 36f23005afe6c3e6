//! The `map` step's options as types: a generated enum for a side whose options `app.json`
//! lists, [`DynamicField`] for a side whose options a command loads, and [`FixedValue`], one
//! of the fixed values (`source_fields`) a target option offers instead of source data.

use super::WorkflowSpec;

/// A workflow with a `map` step, and the types that name its source and target options.
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` has no `map` step",
    label = "it has no `setup.map` in app.json",
    note = "without a map step the output of `data_pipeline.source` goes to `target` as it is"
)]
pub trait Mapped: WorkflowSpec {
    /// `describe_source`'s options: the generated `mapping::SourceField` when they are
    /// static, else [`DynamicField`].
    type Source: MapKey;
    /// `describe_target`'s options: the generated `mapping::TargetField` when they are
    /// static, else [`DynamicField`].
    type Target: MapKey;
}

/// One option of a map side, as a saved mapping names it: its `group` (grouped mappings) and
/// its `id`.
pub trait MapKey: Clone + std::fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Whether every value of the type is an option `app.json` lists, so that it needs no
    /// check against loaded options.
    const STATIC: bool;

    /// The option's `group`, if the options are grouped.
    fn group(&self) -> Option<&str>;

    /// The option's `id`.
    fn id(&self) -> &str;

    /// The key of a loaded option; `None` if the type names no such option.
    fn from_option(group: Option<&str>, id: &str) -> Option<Self>;
}

/// An option of a map side whose options a command loads (such as ActiveCampaign's contact
/// fields): taken from the loaded options, or named by its id and checked against them when
/// the mapping is saved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct DynamicField {
    /// The option's `group`, if the options are grouped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The option's `id`.
    pub id: String,
}

impl DynamicField {
    /// The option with this `id`, of no group.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            group: None,
            id: id.into(),
        }
    }

    /// The option with this `id` in `group`.
    pub fn in_group(group: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            group: Some(group.into()),
            id: id.into(),
        }
    }
}

impl MapKey for DynamicField {
    const STATIC: bool = false;

    fn group(&self) -> Option<&str> {
        self.group.as_deref()
    }

    fn id(&self) -> &str {
        &self.id
    }

    fn from_option(group: Option<&str>, id: &str) -> Option<Self> {
        Some(Self {
            group: group.map(str::to_owned),
            id: id.to_owned(),
        })
    }
}

/// A fixed value a target option offers in its `source_fields` (such as a deal stage), mapped
/// to that target instead of source data: the target receives its `id` whatever the source
/// holds (D26). The generated `mapping::fixed` enums convert into it; a loaded option's values
/// are in `MapOption::fixed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedValue {
    id: serde_json::Value,
}

impl FixedValue {
    /// The fixed value with this `id` (a string or a number, as the option gives it).
    pub fn new(id: impl Into<serde_json::Value>) -> Self {
        Self { id: id.into() }
    }

    /// The fixed value whose `id` is the number written `text` (a text that is not a JSON
    /// number stays a string).
    pub fn number(text: &str) -> Self {
        let id = serde_json::from_str::<serde_json::Number>(text)
            .map_or_else(|_| serde_json::Value::from(text), serde_json::Value::Number);
        Self { id }
    }

    /// The `id`: what the target receives.
    pub fn id(&self) -> &serde_json::Value {
        &self.id
    }
}

impl From<&str> for FixedValue {
    fn from(id: &str) -> Self {
        Self::new(id)
    }
}

impl From<String> for FixedValue {
    fn from(id: String) -> Self {
        Self::new(id)
    }
}

impl From<i64> for FixedValue {
    fn from(id: i64) -> Self {
        Self::new(id)
    }
}
