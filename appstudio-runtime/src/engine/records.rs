//! The records of the app's own custom objects in `ActiveCampaign.sync` (D27): a group named
//! by a custom object is a record of its schema. Apart from provisioning (`objects`), which
//! works on a connection, so that running a command never reaches back up to connections.

use serde_json::{Map, Value};

use super::error::{Error, Result};
use crate::activecampaign::{Client, Schema};
use crate::ir;

/// The schema whose slug is `name` (ActiveCampaign compares slugs ignoring case).
pub(super) fn find<'a>(schemas: &'a [Schema], name: &str) -> Option<&'a Schema> {
    schemas.iter().find(|s| s.slug.eq_ignore_ascii_case(name))
}

/// The custom objects of the app (no `ac_object`).
pub(super) fn custom(app: &'static ir::App) -> impl Iterator<Item = &'static ir::Object> {
    app.objects.iter().filter(|o| o.ac_object.is_none())
}

/// The group of a schema's options in `ActiveCampaign.fields`: the name of the app's custom
/// object it is, else its id.
pub(crate) fn group_of<'a>(app: &'static ir::App, schema: &'a Schema) -> &'a str {
    match custom(app).find(|o| o.name.eq_ignore_ascii_case(&schema.slug)) {
        Some(o) => &o.name,
        None => &schema.id,
    }
}

/// `ActiveCampaign.sync`'s records of the app's own custom objects (D27): a group named by a
/// custom object's `name` (or a `customObjects` item whose `schemaId` is one) is a record of
/// its schema, found by slug; a record of such an object without `externalId` takes it from
/// the member the object's `external_id` names. Other input is left as it is, and no request
/// is made when nothing names an object of the app.
pub(crate) async fn resolve_records(
    ac: &Client,
    app: &'static ir::App,
    input: Value,
) -> Result<Value> {
    let Value::Object(mut groups) = input else {
        return Ok(input);
    };
    let named = |key: &str| custom(app).find(|o| o.name == key);
    let mut items: Vec<Map<String, Value>> = Vec::new();
    for key in groups.keys().cloned().collect::<Vec<_>>() {
        if named(&key).is_some()
            && matches!(groups.get(&key), Some(Value::Object(_)))
            && let Some(Value::Object(mut record)) = groups.remove(&key)
        {
            record.insert("schemaId".into(), Value::String(key));
            items.push(record);
        }
    }
    let listed = match groups.get_mut("customObjects") {
        Some(Value::Array(list)) => std::mem::take(list),
        _ => Vec::new(),
    };
    let mut kept = Vec::new();
    for item in listed {
        match item {
            Value::Object(o)
                if o.get("schemaId")
                    .and_then(Value::as_str)
                    .is_some_and(|s| named(s).is_some()) =>
            {
                items.push(o)
            }
            other => kept.push(other),
        }
    }
    if items.is_empty() {
        if !kept.is_empty() {
            groups.insert("customObjects".into(), Value::Array(kept));
        }
        return Ok(Value::Object(groups));
    }
    let schemas = ac.schemas().await?;
    for mut record in items {
        let name = record
            .get("schemaId")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let (Some(object), Some(schema)) = (named(&name), find(&schemas, &name)) else {
            return Err(Error::config(format!(
                "custom object `{name}` has no schema in the ActiveCampaign account: \
                 provision the app's objects first (`provision_objects`)"
            )));
        };
        if !record.contains_key("externalId") && !object.external_id.is_empty() {
            let key = &*object.external_id;
            let value = if schema.knows_field(key) {
                record.get(key).cloned()
            } else {
                record.remove(key)
            };
            if let Some(v) = value {
                record.insert("externalId".into(), v);
            }
        }
        record.insert("schemaId".into(), Value::String(schema.id.clone()));
        kept.push(Value::Object(record));
    }
    groups.insert("customObjects".into(), Value::Array(kept));
    Ok(Value::Object(groups))
}
