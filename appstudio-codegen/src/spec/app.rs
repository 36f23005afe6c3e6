//! The top level and `objects`.

use super::{Api, Auth, Intake, Json, NamedMap, Required, Text, Workflow, spec_struct};

spec_struct! {
    /// A whole `app.json`.
    pub struct App ("the app") {
        /// JSON Schema reference for editors; ignored.
        "$schema" schema: Option<Text>,
        /// Always `"2"`.
        "$version" version: Required<Text>,
        /// Named authentication methods.
        "auth" auth: Required<NamedMap<Auth>>,
        /// The third party's API.
        "api" api: Required<Api>,
        /// Inbound data sources.
        "data_intake" data_intake: Option<Vec<Intake>>,
        /// The integration's workflows.
        "workflows" workflows: Required<Vec<Workflow>>,
        /// Core and custom object definitions.
        "objects" objects: Option<Vec<Object>>,
    }
}

spec_struct! {
    /// One entry of `objects`.
    pub struct Object ("an object definition") {
        /// Unique, permanent name.
        "name" name: Text,
        /// Singular and plural labels.
        "labels" labels: Labels,
        /// Description.
        "description" description: Text,
        /// Payload field holding the record's external id.
        "external_id" external_id: Text,
        /// Core ActiveCampaign object (core object only).
        "ac_object" ac_object: Option<Text>,
        /// Field schema (`[]` for the core object).
        "fields" fields: Vec<Json>,
        /// Link to the core object (custom objects).
        "relationships" relationships: Option<Json>,
        /// Shape not in the reference.
        "transform" transform: Option<Json>,
        /// Shape not in the reference.
        "event_type_field" event_type_field: Option<Text>,
        /// Shape not in the reference.
        "event_types" event_types: Option<Vec<Json>>,
        /// Shape not in the reference.
        "from_reference" from_reference: Option<Json>,
        /// Shape not in the reference.
        "prepare_to_transform" prepare_to_transform: Option<Json>,
    }
}

spec_struct! {
    /// `objects[].labels`.
    pub struct Labels ("`labels`") {
        /// Singular label.
        "singular" singular: Text,
        /// Plural label.
        "plural" plural: Text,
    }
}
