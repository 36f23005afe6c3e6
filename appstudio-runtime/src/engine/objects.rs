//! The app's `objects` in ActiveCampaign (D27): provisioning their schemas on install
//! ([`DynConnection::provision_objects`]). The records `ActiveCampaign.sync` writes for them
//! are `records`.

use serde_json::Value;

use super::connection::DynConnection;
use super::error::{Error, Result};
use super::records::{custom, find};
use crate::activecampaign::wire::id_of;
use crate::activecampaign::{Client, NewSchema, Schema, SchemaField, SchemaRelationship};
use crate::ir;

/// What [`DynConnection::provision_objects`] did, one entry per custom object of the app (in
/// file order; the core object has no schema of its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectsReport {
    /// One entry per custom object.
    pub objects: Vec<ObjectReport>,
}

impl ObjectsReport {
    /// The entry of the custom object with this `name`.
    pub fn object(&self, name: &str) -> Option<&ObjectReport> {
        self.objects.iter().find(|o| o.name == name)
    }
}

/// What provisioning did for one custom object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectReport {
    /// The object's `name` (the schema's slug).
    pub name: String,
    /// The id of its schema in the account.
    pub schema_id: String,
    /// Created, extended or left as it was.
    pub outcome: Provisioned,
}

/// What happened to one schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provisioned {
    /// There was no schema with the object's slug: one was created.
    Created,
    /// The schema lacked fields (or the relationship to the core object) the app has: they
    /// were added; nothing was removed.
    Updated {
        /// Ids of the fields added.
        fields: Vec<String>,
        /// Ids of the relationships added.
        relationships: Vec<String>,
    },
    /// The schema had everything the app has.
    Unchanged,
}

impl DynConnection {
    /// Makes the app's custom objects schemas in the connection's ActiveCampaign account (what
    /// installing the app does, D27): a schema is created when no schema has the object's
    /// `name` as its slug; fields the app added since are added to it, with the relationship
    /// to the core object; nothing is removed (a field the user deleted is not added back, no
    /// record is touched). A second call sends no write.
    pub async fn provision_objects(&self) -> Result<ObjectsReport> {
        let wanted = plan(self.engine.inner.app)?;
        let mut report = ObjectsReport::default();
        if wanted.is_empty() {
            return Ok(report);
        }
        let ac = self.state.activecampaign.as_ref().ok_or_else(|| {
            Error::config(
                "provisioning custom objects needs the ActiveCampaign account: connect with an `AcAccount`",
            )
        })?;
        let mut existing = ac.schemas().await?;
        for new in wanted {
            let entry = provision(ac, &mut existing, new).await?;
            report.objects.push(entry);
        }
        Ok(report)
    }
}

/// Creates or extends one schema.
async fn provision(
    ac: &Client,
    existing: &mut Vec<Schema>,
    new: NewSchema,
) -> Result<ObjectReport> {
    let name = new.slug.clone();
    // the object named, the status kept
    let failed = |e: crate::activecampaign::ApiError| {
        let message = format!("custom object `{name}`: {e}");
        match (e.status, e.too_large) {
            (Some(status), false) => Error::remote(status, message),
            _ => Error::new(Error::from(e).kind(), message),
        }
    };
    if find(existing, &name).is_none() {
        match ac.create_schema(&new).await {
            Ok(created) => {
                let schema_id = created.id.clone();
                existing.push(created);
                return Ok(ObjectReport {
                    name,
                    schema_id,
                    outcome: Provisioned::Created,
                });
            }
            // made meanwhile (another install of the same account): extend that one
            Err(e) if e.status == Some(422) => {
                *existing = ac.schemas().await?;
                if find(existing, &name).is_none() {
                    return Err(failed(e));
                }
            }
            Err(e) => return Err(failed(e)),
        }
    }
    let Some(schema) = find(existing, &name) else {
        return Err(Error::config(format!("custom object `{name}`: no schema")));
    };
    let fields: Vec<SchemaField> = new
        .fields
        .into_iter()
        .filter(|f| !schema.knows_field(&f.id))
        .collect();
    let relationships: Vec<SchemaRelationship> = new
        .relationships
        .into_iter()
        .filter(|r| !schema.relationships.contains(&r.id))
        .collect();
    let schema_id = schema.id.clone();
    if fields.is_empty() && relationships.is_empty() {
        return Ok(ObjectReport {
            name,
            schema_id,
            outcome: Provisioned::Unchanged,
        });
    }
    let updated = ac
        .extend_schema(&schema_id, &fields, &relationships)
        .await
        .map_err(failed)?;
    if let Some(slot) = existing.iter_mut().find(|s| s.id == updated.id) {
        *slot = updated;
    }
    Ok(ObjectReport {
        name,
        schema_id,
        outcome: Provisioned::Updated {
            fields: fields.into_iter().map(|f| f.id).collect(),
            relationships: relationships.into_iter().map(|r| r.id).collect(),
        },
    })
}

/// The schemas the app's custom objects are, related to the core object.
fn plan(app: &'static ir::App) -> Result<Vec<NewSchema>> {
    let Some(core) = app.objects.iter().find_map(|o| o.ac_object.as_deref()) else {
        return Ok(Vec::new());
    };
    // records are written for the contact being synced: the core object is the contact
    if !core.eq_ignore_ascii_case("contact") {
        return Err(Error::config(format!(
            "`ac_object: {core}`: custom objects attach to contacts (the records \
             `ActiveCampaign.sync` writes relate to its contact); use `Contact`"
        )));
    }
    custom(app).map(schema_of).collect()
}

/// One custom object as the schema to create.
fn schema_of(o: &ir::Object) -> Result<NewSchema> {
    let bad = |what: String| Error::config(format!("custom object `{}`: {what}", o.name));
    let fields = match serde_json::from_str::<Value>(&o.fields) {
        Ok(Value::Array(items)) => items,
        _ => return Err(bad("`fields` must be a list of fields".into())),
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, f)| field(f).ok_or_else(|| bad(format!("`fields[{i}]` needs an `id`"))))
        .collect::<Result<Vec<_>>>()?;
    let relationships = o
        .relationships
        .as_deref()
        .and_then(|r| serde_json::from_str::<Value>(r).ok())
        .unwrap_or(Value::Null);
    Ok(NewSchema {
        slug: o.name.to_string(),
        singular: o.singular.to_string(),
        plural: o.plural.to_string(),
        description: o.description.to_string(),
        fields,
        relationships: vec![SchemaRelationship {
            id: "primary-contact".into(),
            singular: "Contact".into(),
            plural: "Contacts".into(),
            namespace: "contacts".into(),
            has_many: has_many(&relationships),
        }],
    })
}

/// Whether the app's `relationships` let one record relate to many contacts (a `type` such
/// as `many_to_many` or `one_to_many`); `many_to_one` and anything else: one contact.
fn has_many(relationships: &Value) -> bool {
    let entries: Vec<&Value> = match relationships {
        Value::Object(m) => m.values().collect(),
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    entries.iter().any(|r| {
        r.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.ends_with("to_many"))
    })
}

/// A text member among `keys`.
fn text(f: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .filter_map(|k| f.get(*k).and_then(Value::as_str))
        .find(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// One field of an object: `{id, title | labels, type, required, options, scale,
/// defaultCurrency}` (the reference gives no shape: these are read, the rest ignored).
fn field(f: &Value) -> Option<SchemaField> {
    let id = f.get("id").and_then(id_of)?;
    let labels = f.get("labels").cloned().unwrap_or(Value::Null);
    let singular = text(&labels, &["singular"])
        .or_else(|| text(f, &["title", "label"]))
        .unwrap_or_else(|| id.clone());
    let plural = text(&labels, &["plural"]).unwrap_or_else(|| singular.clone());
    let required = ["required", "isRequired"]
        .iter()
        .any(|k| f.get(*k) == Some(&Value::Bool(true)));
    let options = f
        .get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| match o {
            Value::String(s) => Some(s.clone()),
            o => text(o, &["value", "label", "title"]),
        })
        .collect();
    Some(SchemaField {
        field_type: text(f, &["type"]).unwrap_or_else(|| "text".into()),
        scale: f.get("scale").and_then(Value::as_u64),
        default_currency: text(f, &["defaultCurrency", "default_currency"]),
        id,
        singular,
        plural,
        required,
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_are_read_leniently() {
        let f = field(
            &json!({"id": "value", "title": "Value", "type": "number", "scale": 2,
                              "required": true, "options": ["a", {"value": "b"}, 3]}),
        )
        .unwrap();
        assert_eq!(
            (f.id.as_str(), f.singular.as_str(), f.plural.as_str()),
            ("value", "Value", "Value")
        );
        assert_eq!(
            (f.field_type.as_str(), f.scale, f.required),
            ("number", Some(2), true)
        );
        assert_eq!(f.options, ["a", "b"]);
        let g =
            field(&json!({"id": 7, "labels": {"singular": "Stage", "plural": "Stages"}})).unwrap();
        assert_eq!(
            (g.id.as_str(), g.plural.as_str(), g.field_type.as_str()),
            ("7", "Stages", "text")
        );
        assert_eq!(field(&json!({"title": "no id"})), None);
        assert!(!has_many(&json!({"contact": {"type": "many_to_one"}})));
        assert!(has_many(&json!([{"type": "many_to_many"}])));
        assert!(!has_many(&json!("x")));
    }
}
