//! `workflows`: direction, setup steps, form fields, mapping, schedule.

use super::*;

/// Direction of a workflow (`type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `automations`: ActiveCampaign → third party.
    Outbound,
    /// `generic`: third party → ActiveCampaign.
    Inbound,
}

/// One entry of `workflows`.
#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    /// Unique slug.
    pub name: Str,
    /// User-visible label.
    pub label: Str,
    /// One-sentence description.
    pub description: Option<Str>,
    /// `type`.
    pub direction: Direction,
    /// Plural noun for branded triggers.
    pub resource_type: Option<Str>,
    /// Index into [`App::auth`].
    pub auth: usize,
    /// Index into [`App::intakes`].
    pub data_intake: Option<usize>,
    /// Index into [`App::intakes`] of the historical-sync polling intake.
    pub historical_data_intake: Option<usize>,
    /// Label overrides.
    pub resource_labels: ResourceLabels,
    /// Guided setup.
    pub setup: Setup,
    /// `data_pipeline.source`.
    pub source: Command,
    /// `data_pipeline.target`.
    pub target: Command,
    /// Where the entry is.
    pub loc: Loc,
}

/// `resource_labels`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceLabels {
    /// `webhook_events`.
    pub webhook_events: List<Str>,
    /// `webhook_objects_updated`.
    pub webhook_objects_updated: List<Str>,
    /// `historical_sync_events`.
    pub historical_sync_events: List<Str>,
    /// `historical_sync_objects_updated`.
    pub historical_sync_objects_updated: List<Str>,
}

/// `setup`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// `connect`.
    pub connect: Connect,
    /// `select`.
    pub select: Option<Select>,
    /// `map`.
    pub map: Option<Map>,
    /// `schedule`.
    pub schedule: Option<Schedule>,
    /// `review_events`.
    pub review_events: Option<Review>,
    /// `review_objects`.
    pub review_objects: Option<Review>,
}

/// `setup.connect`.
#[derive(Debug, Clone, PartialEq)]
pub struct Connect {
    /// Step title.
    pub label: Str,
    /// CommonMark help.
    pub help_text: Option<Str>,
    /// Returns `{account_id, description}`.
    pub describe_connection: Option<Command>,
}

/// `setup.select`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// Step title.
    pub label: Str,
    /// Text above the fields.
    pub description: Option<Str>,
    /// The inputs, in declaration order.
    pub form_fields: List<FormField>,
    /// `describe_selection.resource_id`.
    pub resource_id: Option<Command>,
    /// `describe_selection.display`.
    pub display: Option<Command>,
}

/// Form field input types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// Short text.
    Text,
    /// Long text.
    Textarea,
    /// One choice.
    Dropdown,
    /// Several choices.
    Multiselect,
}

impl FieldType {
    /// The value as written in `app.json`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Dropdown => "dropdown",
            Self::Multiselect => "multiselect",
        }
    }
}

/// One form field of `select`.
#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    /// Key under `custom_data`.
    pub id: Str,
    /// Label.
    pub label: Str,
    /// Input type.
    pub field_type: FieldType,
    /// `false` makes the field optional.
    pub required: bool,
    /// Placeholder.
    pub placeholder: Option<Str>,
    /// Help text.
    pub help_text: Option<Str>,
    /// Query parameter the typed text is sent as.
    pub search_term: Option<Str>,
    /// Personalization tags of ActiveCampaign contacts are replaced (textarea only).
    pub personalize: bool,
    /// Where the choices come from.
    pub options: Option<Options>,
    /// Ids of the earlier fields `options` reads.
    pub depends_on: List<Str>,
    /// Where the field is.
    pub loc: Loc,
}

/// A static option list or a command producing one.
#[derive(Debug, Clone, PartialEq)]
pub enum Options {
    /// A literal list.
    Static(Template),
    /// A command yielding the list.
    Command(Command),
}

/// `setup.map`.
#[derive(Debug, Clone, PartialEq)]
pub struct Map {
    /// Step title.
    pub label: Str,
    /// `describe_source`.
    pub source: MapSide,
    /// `describe_target`.
    pub target: Option<MapSide>,
}

/// `describe_source` or `describe_target`.
#[derive(Debug, Clone, PartialEq)]
pub struct MapSide {
    /// Side label.
    pub label: Str,
    /// The mappable fields.
    pub options: Options,
    /// Group a flat saved mapping is migrated into.
    pub default_group: Option<Str>,
}

/// `setup.schedule`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// Step title.
    pub label: Str,
    /// Text.
    pub description: Str,
    /// Offered import options.
    pub import_options: List<ImportOption>,
    /// Seconds between polls.
    pub frequency: u32,
}

/// One `schedule.import_options` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOption {
    /// Label.
    pub label: Str,
    /// Type.
    pub kind: ImportKind,
}

/// `review_events` / `review_objects`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Review {
    /// Stepper text.
    pub label: Option<Str>,
    /// Modal header.
    pub header: Option<Str>,
    /// Explanation.
    pub description: Option<Str>,
}
