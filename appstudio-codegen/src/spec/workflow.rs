//! `workflows` (§6).

use schemars::JsonSchema;

use super::{
    Command, Cx, FromNode, ImportKind, Required, Spanned, StrTmpl, Template, Text, spec_enum,
    spec_struct,
};
use crate::json::{Node, Value};

spec_enum! {
    /// `workflows[].type`.
    pub enum WorkflowType ("workflow type") {
        /// Outbound: ActiveCampaign → third party.
        "automations" => Automations,
        /// Inbound: third party → ActiveCampaign.
        "generic" => Generic,
    }
}

spec_struct! {
    /// One entry of `workflows`.
    pub struct Workflow ("a workflow") {
        /// Unique slug; permanent once published.
        "name" name: Text,
        /// User-visible label ("Brand - What it does").
        "label" label: Text,
        /// One sentence ending with a period.
        "description" description: Option<Text>,
        /// `automations` (outbound) or `generic` (inbound).
        "type" kind: Required<Spanned<WorkflowType>>,
        /// Plural noun for branded triggers (inbound only).
        "resource_type" resource_type: Option<Text>,
        /// Key of an `auth` entry.
        "auth" auth: Text,
        /// Name of a `data_intake` entry (inbound).
        "data_intake" data_intake: Option<Text>,
        /// Name of a polling intake for historical sync.
        "historical_data_intake" historical_data_intake: Option<Text>,
        /// Label overrides.
        "resource_labels" resource_labels: Option<ResourceLabels>,
        /// Guided setup.
        "setup" setup: Required<Setup>,
        /// Source → transform → target.
        "data_pipeline" data_pipeline: DataPipeline,
    }
}

spec_struct! {
    /// `resource_labels`.
    pub struct ResourceLabels ("`resource_labels`") {
        /// Webhook event labels.
        "webhook_events" webhook_events: Option<Vec<Text>>,
        /// Webhook object labels.
        "webhook_objects_updated" webhook_objects_updated: Option<Vec<Text>>,
        /// Historical sync event labels.
        "historical_sync_events" historical_sync_events: Option<Vec<Text>>,
        /// Historical sync object labels.
        "historical_sync_objects_updated" historical_sync_objects_updated: Option<Vec<Text>>,
    }
}

spec_struct! {
    /// `setup`.
    pub struct Setup ("`setup`") {
        /// Connect an account.
        "connect" connect: Connect,
        /// Form fields.
        "select" select: Option<Select>,
        /// Field mapping.
        "map" map: Option<Map>,
        /// Polling schedule.
        "schedule" schedule: Option<Schedule>,
        /// Custom objects: event review text.
        "review_events" review_events: Option<Review>,
        /// Custom objects: object review text.
        "review_objects" review_objects: Option<Review>,
    }
}

spec_struct! {
    /// `setup.connect`.
    pub struct Connect ("`connect`") {
        /// Step title.
        "label" label: Text,
        /// Returns `{account_id, description}`.
        "describe_connection" describe_connection: Option<Command>,
        /// CommonMark help.
        "help_text" help_text: Option<Text>,
    }
}

spec_struct! {
    /// `setup.select`.
    pub struct Select ("`select`") {
        /// Step title.
        "label" label: Text,
        /// Text above the fields.
        "description" description: Option<Text>,
        /// The inputs.
        "form_fields" form_fields: Vec<FormField>,
        /// Identifies and renders the chosen resource (inbound).
        "describe_selection" describe_selection: Option<DescribeSelection>,
    }
}

spec_struct! {
    /// `describe_selection`.
    pub struct DescribeSelection ("`describe_selection`") {
        /// Id of the chosen resource.
        "resource_id" resource_id: Command,
        /// Its display text.
        "display" display: Command,
    }
}

spec_enum! {
    /// `form_fields[].type`.
    pub enum FieldType ("form field type") {
        "text" => Text, "textarea" => Textarea, "dropdown" => Dropdown,
        "multiselect" => Multiselect,
    }
}

spec_struct! {
    /// One form field.
    pub struct FormField ("a form field") {
        /// Label.
        "label" label: Text,
        /// Key under `custom_data`, unique in the workflow.
        "id" id: Text,
        /// Input type.
        "type" kind: Spanned<FieldType>,
        /// `false` makes the field optional (then read it with `|default`).
        "required" required: Option<Spanned<bool>>,
        /// Placeholder.
        "placeholder" placeholder: Option<Text>,
        /// Help text.
        "help_text" help_text: Option<Text>,
        /// Query parameter the typed text is sent as.
        "search_term" search_term: Option<Text>,
        /// `"ActiveCampaignContact"` or `false` (textarea only).
        "personalize" personalize: Option<Personalize>,
        /// The choices: a command or a static list.
        "options" options: Option<FieldOptions>,
    }
}

impl FormField {
    /// Whether the field must be filled (default `true`).
    pub(crate) fn is_required(&self) -> bool {
        self.required.as_ref().is_none_or(|r| r.value)
    }
}

/// `personalize`: `"ActiveCampaignContact"` or `false`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Personalize {
    /// `"ActiveCampaignContact"`.
    Contact(Spanned<PersonalizeSource>),
    /// `false` (or `true`, which the reference does not define).
    Off(Spanned<bool>),
}

spec_enum! {
    /// The personalization source.
    pub enum PersonalizeSource ("personalization source") {
        "ActiveCampaignContact" => ActiveCampaignContact,
    }
}

impl FromNode for Personalize {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Bool(_) => Spanned::<bool>::from_node(node, cx).map(Personalize::Off),
            _ => Spanned::<PersonalizeSource>::from_node(node, cx).map(Personalize::Contact),
        }
    }
}

/// A command producing options, or a static list.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub(crate) enum OptionsOf<T> {
    /// Computed by a command.
    Command(Command),
    /// Written out.
    Static(Vec<T>),
}

impl<T: FromNode> FromNode for OptionsOf<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Array(_) => Vec::from_node(node, cx).map(OptionsOf::Static),
            Value::Object(_) => Command::from_node(node, cx).map(OptionsOf::Command),
            _ => {
                cx.wrong_type(node, "a command or a list of options");
                None
            }
        }
    }
}

/// A form field's `options`.
pub(crate) type FieldOptions = OptionsOf<FieldOption>;

impl FieldOptions {
    /// Calls `f` on every expansion in the options: in the command, or in the static options'
    /// strings.
    pub(crate) fn walk_expansions(&self, f: &mut impl FnMut(&super::Expansion)) {
        match self {
            OptionsOf::Command(c) => c.walk_expansions(f),
            OptionsOf::Static(items) => {
                for i in items {
                    i.display.expansions().for_each(&mut *f);
                    i.value
                        .for_each_str(&mut |s| s.expansions().for_each(&mut *f));
                }
            }
        }
    }
}
/// A map side's `options`.
pub(crate) type MapOptions = OptionsOf<MapOption>;

spec_struct! {
    /// A static form field option.
    pub struct FieldOption ("a form field option") {
        /// Label.
        "display" display: StrTmpl,
        /// Value stored under `custom_data.<id>.value`.
        "value" value: Template,
    }
}

spec_struct! {
    /// `setup.map`.
    pub struct Map ("`map`") {
        /// Step title.
        "label" label: Text,
        /// Fields of the data source.
        "describe_source" describe_source: MapSide,
        /// Fields of the destination.
        "describe_target" describe_target: Option<MapSide>,
    }
}

spec_struct! {
    /// `describe_source` / `describe_target`.
    pub struct MapSide ("a map side") {
        /// Side label ("ActiveCampaign" on the ActiveCampaign side).
        "label" label: Text,
        /// The mappable fields.
        "options" options: MapOptions,
        /// Group a flat saved mapping is migrated into.
        "default_group" default_group: Option<Text>,
    }
}

spec_struct! {
    /// A static map option.
    pub struct MapOption ("a map option") {
        /// Display text.
        "title" title: Text,
        /// Mapping key or target.
        "id" id: super::Scalar,
        /// The user must map it (target only).
        "required" required: Option<Spanned<bool>>,
        /// Group for grouped mapping.
        "group" group: Option<Text>,
        /// Custom object schema id of the group.
        "schemaId" schema_id: Option<Text>,
        /// Fixed values offered instead of source data (target only).
        "source_fields" source_fields: Option<Vec<SourceField>>,
    }
}

spec_struct! {
    /// A fixed value of `source_fields`.
    pub struct SourceField ("a source field") {
        /// Display text.
        "title" title: Text,
        /// Value.
        "id" id: super::Scalar,
    }
}

spec_struct! {
    /// `setup.schedule`.
    pub struct Schedule ("`schedule`") {
        /// Step title.
        "label" label: Text,
        /// Text.
        "description" description: Text,
        /// Offered import options.
        "import_options" import_options: Vec<ImportOptionSpec>,
        /// Seconds between polls.
        "frequency" frequency: Spanned<i64>,
    }
}

spec_struct! {
    /// One `schedule.import_options` entry.
    pub struct ImportOptionSpec ("an import option") {
        /// Label.
        "label" label: Text,
        /// `recurring` or `single`.
        "type" kind: Spanned<ImportKind>,
    }
}

spec_struct! {
    /// `review_events` / `review_objects`.
    pub struct Review ("a review step") {
        /// Stepper text.
        "label" label: Option<Text>,
        /// Modal header.
        "header" header: Option<Text>,
        /// Explanation.
        "description" description: Option<Text>,
    }
}

spec_struct! {
    /// `data_pipeline`.
    pub struct DataPipeline ("`data_pipeline`") {
        /// Payload or contact → flat object of source ids.
        "source" source: Command,
        /// Delivers the transformed object.
        "target" target: Command,
    }
}
