//! Custom-object schemas: read (`GET /customObjects/schemas`, every page, with their fields),
//! created (`POST`) and extended with fields and relationships (`PUT`, which adds and never
//! removes).

use serde_json::{Map, Value, json};

use super::client::Client;
use super::contacts::segment;
use super::error::ApiError;
use super::fields::CrmField;
use super::wire::id_of;

/// A custom-object schema as the account has it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Schema id.
    pub id: String,
    /// Its slug (unique in the account).
    pub slug: String,
    /// Singular label.
    pub label: String,
    /// Fields, `externalId` first; fields being deleted are left out.
    pub fields: Vec<CrmField>,
    /// Ids of the fields being deleted (`status: marked_for_deletion`).
    pub retired_fields: Vec<String>,
    /// Ids of its relationships (such as `primary-contact`).
    pub relationships: Vec<String>,
}

impl Schema {
    /// Whether the schema has, or had, a field with this id (a field being deleted counts).
    pub fn knows_field(&self, id: &str) -> bool {
        self.fields.iter().any(|f| f.id == id) || self.retired_fields.iter().any(|f| f == id)
    }
}

/// A field of a schema to write: `{id, labels, type, isRequired, options?, scale?,
/// defaultCurrency?}` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaField {
    /// Id, unique in the schema (what records' `fields[].id` name).
    pub id: String,
    /// Singular label.
    pub singular: String,
    /// Plural label.
    pub plural: String,
    /// `text`, `textarea`, `number`, `decimal`, `currency`, `dropdown`, `multiselect`,
    /// `date` or `datetime`.
    pub field_type: String,
    /// Whether a new record needs a value.
    pub required: bool,
    /// The values a `dropdown` or `multiselect` offers.
    pub options: Vec<String>,
    /// Digits after the decimal point of a `number`.
    pub scale: Option<u64>,
    /// Currency of a `currency` field (such as `usd`).
    pub default_currency: Option<String>,
}

/// A relationship of a schema to a core object: `{id, labels, namespace, hasMany}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaRelationship {
    /// Id, such as `primary-contact` (what records' `relationships` are keyed by).
    pub id: String,
    /// Singular label.
    pub singular: String,
    /// Plural label.
    pub plural: String,
    /// `contacts`, `accounts` or `deals`.
    pub namespace: String,
    /// Whether one record may relate to many objects of the namespace.
    pub has_many: bool,
}

/// A schema to create.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSchema {
    /// Slug, unique in the account.
    pub slug: String,
    /// Singular label.
    pub singular: String,
    /// Plural label.
    pub plural: String,
    /// Description.
    pub description: String,
    /// Fields.
    pub fields: Vec<SchemaField>,
    /// Relationships.
    pub relationships: Vec<SchemaRelationship>,
}

impl SchemaField {
    fn to_json(&self) -> Value {
        let mut f = json!({
            "id": self.id,
            "labels": {"singular": self.singular, "plural": self.plural},
            "type": self.field_type,
            "isRequired": self.required,
        });
        if !self.options.is_empty() {
            f["options"] = self.options.iter().map(|o| json!({"value": o})).collect();
        }
        if let Some(scale) = self.scale {
            f["scale"] = json!(scale);
        }
        if let Some(c) = &self.default_currency {
            f["defaultCurrency"] = json!(c);
        }
        f
    }
}

impl SchemaRelationship {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "labels": {"singular": self.singular, "plural": self.plural},
            "namespace": self.namespace,
            "hasMany": self.has_many,
        })
    }
}

impl Client {
    /// Every custom-object schema of the account, with its fields and relationships.
    pub async fn schemas(&self) -> Result<Vec<Schema>, ApiError> {
        let items = self
            .get_all(
                "customObjects/schemas",
                "schemas",
                &[("showFields", "all")],
                |_| {},
            )
            .await?;
        Ok(items.iter().filter_map(schema).collect())
    }

    /// Creates a schema (`POST /customObjects/schemas`; a 422 when its slug is taken).
    pub async fn create_schema(&self, new: &NewSchema) -> Result<Schema, ApiError> {
        let body = json!({"schema": {
            "slug": new.slug,
            "labels": {"singular": new.singular, "plural": new.plural},
            "description": new.description,
            "fields": new.fields.iter().map(SchemaField::to_json).collect::<Vec<_>>(),
            "relationships": new.relationships.iter().map(SchemaRelationship::to_json).collect::<Vec<_>>(),
        }});
        let answer = self.post("customObjects/schemas", &body, false).await?;
        schema_in(&answer)
    }

    /// Adds fields and relationships to a schema (`PUT /customObjects/schemas/{id}` with only
    /// them: labels, the other fields and the records stay as they are).
    pub async fn extend_schema(
        &self,
        id: &str,
        fields: &[SchemaField],
        relationships: &[SchemaRelationship],
    ) -> Result<Schema, ApiError> {
        let mut members = Map::new();
        if !fields.is_empty() {
            let f: Vec<Value> = fields.iter().map(SchemaField::to_json).collect();
            members.insert("fields".into(), Value::Array(f));
        }
        if !relationships.is_empty() {
            let r: Vec<Value> = relationships
                .iter()
                .map(SchemaRelationship::to_json)
                .collect();
            members.insert("relationships".into(), Value::Array(r));
        }
        let path = format!("customObjects/schemas/{}", segment(id));
        let answer = self.put(&path, &json!({ "schema": members })).await?;
        schema_in(&answer)
    }
}

/// The `schema` of an answer.
fn schema_in(answer: &Value) -> Result<Schema, ApiError> {
    answer
        .get("schema")
        .and_then(schema)
        .ok_or_else(|| ApiError::unexpected(200, "an answer without `schema.id`"))
}

fn label(v: &Value) -> Option<String> {
    v.get("labels")
        .and_then(|l| l.get("singular"))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn flag(v: Option<&Value>) -> bool {
    v.is_some_and(|r| r == &Value::Bool(true))
}

fn schema(s: &Value) -> Option<Schema> {
    let id = id_of(s.get("id")?)?;
    let mut out = Schema {
        slug: s
            .get("slug")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        label: label(s).unwrap_or_else(|| id.clone()),
        fields: vec![CrmField {
            id: "externalId".into(),
            title: "External ID".into(),
            required: true,
        }],
        ..Schema::default()
    };
    for f in s
        .get("fields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(fid) = f.get("id").and_then(id_of) else {
            continue;
        };
        if f.get("status").and_then(Value::as_str) == Some("marked_for_deletion") {
            out.retired_fields.push(fid);
            continue;
        }
        out.fields.push(CrmField {
            title: label(f).unwrap_or_else(|| fid.clone()),
            required: flag(f.get("required")) || flag(f.get("isRequired")),
            id: fid,
        });
    }
    out.relationships = s
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("id").and_then(id_of))
        .collect();
    out.id = id;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_read_leniently() {
        let s = schema(
            &json!({"id": "u-1", "slug": "order", "labels": {"singular": "Order"},
            "fields": [{"id": "total", "labels": {"singular": "Total"}, "isRequired": true},
                       {"id": "old", "status": "marked_for_deletion"}, {"labels": {}}],
            "relationships": [{"id": "primary-contact", "namespace": "contacts"}]}),
        )
        .unwrap();
        assert_eq!((s.label.as_str(), s.slug.as_str()), ("Order", "order"));
        let ids: Vec<_> = s
            .fields
            .iter()
            .map(|f| (f.id.as_str(), f.required))
            .collect();
        assert_eq!(ids, [("externalId", true), ("total", true)]);
        assert!(s.knows_field("old") && s.knows_field("total") && !s.knows_field("new"));
        assert_eq!(s.relationships, ["primary-contact"]);
        assert_eq!(schema(&json!({"slug": "no-id"})), None);
    }

    #[test]
    fn fields_on_the_wire() {
        let f = SchemaField {
            id: "tier".into(),
            singular: "Tier".into(),
            plural: "Tiers".into(),
            field_type: "dropdown".into(),
            required: true,
            options: vec!["Gold".into()],
            scale: None,
            default_currency: None,
        };
        assert_eq!(
            f.to_json(),
            json!({"id": "tier", "labels": {"singular": "Tier", "plural": "Tiers"},
                   "type": "dropdown", "isRequired": true, "options": [{"value": "Gold"}]})
        );
    }
}
