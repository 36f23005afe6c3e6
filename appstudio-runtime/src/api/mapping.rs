//! The `map` step's options as types: a generated enum for a side whose options `app.json`
//! lists, [`DynamicField`] for a side whose options a command loads.

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
