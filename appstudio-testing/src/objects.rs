//! Custom objects: schemas and their routes, with the numeric `meta` and the
//! `source.type`/`source.value` error style; the records themselves are in `records`.

use serde_json::{Value, json};

use super::records::{field_required, list_records, record_answer, write_record};
use super::state::Account;
use super::wire::{Answer, Req, now, outcome, page_numeric, route_not_found, schema_error, text};

impl super::FakeActiveCampaign {
    /// The custom-object schemas of an account in wire shape (with `fields` and
    /// `relationships`), by id. Empty for an unknown token.
    pub fn schemas(&self, token: &str) -> Vec<Value> {
        self.with_account(token, |a| a.schemas.values().cloned().collect())
    }

    /// The custom-object records of an account in wire shape (`id`, `externalId`,
    /// `schemaId`, `fields: [{id, value}]`, `relationships`), by schema then id. Empty for an
    /// unknown token.
    pub fn records(&self, token: &str) -> Vec<Value> {
        self.with_account(token, |a| a.records.values().cloned().collect())
    }
}

/// Field types of custom objects.
const TYPES: &[&str] = &[
    "text",
    "textarea",
    "number",
    "decimal",
    "currency",
    "dropdown",
    "multiselect",
    "date",
    "datetime",
];

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["customObjects", "schemas"]) => {
            let items = a.schemas.values().cloned().collect();
            page_numeric("schemas", items, req)
        }
        ("POST", ["customObjects", "schemas"]) => outcome(create_schema(a, req.body)),
        ("GET", ["customObjects", "schemas", id]) => match a.schemas.get(*id) {
            Some(s) => (200, json!({"schema": s})),
            None => route_not_found(),
        },
        ("PUT", ["customObjects", "schemas", id]) => {
            if a.schemas.contains_key(*id) {
                outcome(update_schema(a, id, req.body))
            } else {
                route_not_found()
            }
        }
        ("DELETE", ["customObjects", "schemas", id]) => {
            if a.schemas.remove(*id).is_some() {
                a.records.retain(|(s, _), _| s != id);
                (202, json!({}))
            } else {
                route_not_found()
            }
        }
        ("GET", ["customObjects", "records", schema]) => {
            if a.schemas.contains_key(*schema) {
                list_records(a, schema, req)
            } else {
                route_not_found()
            }
        }
        ("POST", ["customObjects", "records", schema]) => {
            outcome(write_record(a, schema, req.body))
        }
        ("GET" | "DELETE", ["customObjects", "records", schema, "external", external])
        | ("GET", ["records", schema, "external", external]) => {
            let found = a
                .records
                .iter()
                .find(|((s, _), r)| {
                    s == schema && text(&r["externalId"]).as_deref() == Some(*external)
                })
                .map(|(k, _)| k.clone());
            record_answer(a, req.method, found)
        }
        ("GET" | "DELETE", ["customObjects", "records", schema, id]) => {
            let key = id
                .trim()
                .parse::<u64>()
                .ok()
                .map(|n| ((*schema).to_owned(), n))
                .filter(|k| a.records.contains_key(k));
            record_answer(a, req.method, key)
        }
        _ => return None,
    };
    Some(answer)
}

fn labels_ok(v: &Value) -> bool {
    ["singular", "plural"]
        .iter()
        .all(|k| v[k].as_str().is_some_and(|s| !s.trim().is_empty()))
}

/// Checks and normalises the `fields` of a schema.
fn read_schema_fields(fields: &Value, pointer: &str) -> Result<Vec<Value>, Answer> {
    let items = match fields {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => {
            return Err(schema_error(
                "Invalid fields",
                "fields must be an array",
                &format!("{pointer}/fields"),
            ));
        }
    };
    let mut out = Vec::new();
    for (i, f) in items.iter().enumerate() {
        let at = format!("{pointer}/fields/{i}");
        let Some(id) = f["id"].as_str().filter(|s| !s.trim().is_empty()) else {
            return Err(schema_error(
                "Missing field id",
                "every field needs an id",
                &format!("{at}/id"),
            ));
        };
        if !labels_ok(&f["labels"]) {
            return Err(schema_error(
                "Missing labels",
                &format!("field {id} needs labels.singular and labels.plural"),
                &format!("{at}/labels"),
            ));
        }
        let kind = f["type"].as_str().unwrap_or("");
        if !TYPES.contains(&kind) {
            return Err(schema_error(
                "Invalid field type",
                &format!("field {id} has an unknown type '{kind}'"),
                &format!("{at}/type"),
            ));
        }
        let mut f = f.clone();
        let required = field_required(&f);
        if let Some(obj) = f.as_object_mut() {
            obj.insert("required".into(), json!(required));
            obj.entry("inherited").or_insert(json!(false));
        }
        out.push(f);
    }
    Ok(out)
}

fn read_relationships(rels: &Value, pointer: &str) -> Result<Vec<Value>, Answer> {
    let items = match rels {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => {
            return Err(schema_error(
                "Invalid relationships",
                "relationships must be an array",
                &format!("{pointer}/relationships"),
            ));
        }
    };
    for (i, r) in items.iter().enumerate() {
        let ns = r["namespace"].as_str().unwrap_or("");
        if r["id"].as_str().is_none_or(|s| s.is_empty())
            || !["contacts", "accounts", "deals"].contains(&ns)
        {
            return Err(schema_error(
                "Invalid relationship",
                "a relationship needs an id and a namespace of contacts, accounts or deals",
                &format!("{pointer}/relationships/{i}"),
            ));
        }
    }
    Ok(items.clone())
}

/// Where a schema's members are, in error pointers.
const SCHEMA: &str = "/data/attributes/schema";

/// The `schema` object of a request body.
fn schema_object(body: &Value) -> Result<Value, Answer> {
    match body["schema"].as_object() {
        Some(s) => Ok(Value::Object(s.clone())),
        None => Err(schema_error(
            "Invalid schema",
            "the body needs a schema object",
            SCHEMA,
        )),
    }
}

fn labels_missing() -> Answer {
    schema_error(
        "Missing labels",
        "labels.singular and labels.plural are required",
        &format!("{SCHEMA}/labels"),
    )
}

fn create_schema(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let s = schema_object(body)?;
    let Some(slug) = s["slug"].as_str().filter(|x| !x.trim().is_empty()) else {
        return Err(schema_error(
            "Missing slug",
            "slug is required",
            &format!("{SCHEMA}/slug"),
        ));
    };
    if a.schemas.values().any(|x| {
        x["slug"]
            .as_str()
            .is_some_and(|y| y.eq_ignore_ascii_case(slug))
    }) {
        return Err(schema_error(
            "Duplicate slug",
            &format!("A schema with the slug '{slug}' already exists"),
            &format!("{SCHEMA}/slug"),
        ));
    }
    if !labels_ok(&s["labels"]) {
        return Err(labels_missing());
    }
    let fields = read_schema_fields(&s["fields"], SCHEMA)?;
    let relationships = read_relationships(&s["relationships"], SCHEMA)?;
    let id = a.schema_id();
    let t = now();
    let schema = json!({
        "id": id, "slug": slug, "visibility": "private", "labels": s["labels"],
        "description": s.get("description").cloned().unwrap_or(Value::Null), "appId": null,
        "fields": fields, "icons": s.get("icons").cloned().unwrap_or(Value::Null),
        "relationships": relationships, "createdTimestamp": t, "updatedTimestamp": t,
    });
    a.schemas.insert(id, schema.clone());
    Ok((201, json!({ "schema": schema })))
}

fn update_schema(a: &mut Account, id: &str, body: &Value) -> Result<Answer, Answer> {
    let s = schema_object(body)?;
    if !s["labels"].is_null() && !labels_ok(&s["labels"]) {
        return Err(labels_missing());
    }
    let fields = read_schema_fields(&s["fields"], SCHEMA)?;
    let relationships = read_relationships(&s["relationships"], SCHEMA)?;
    let Some(stored) = a.schemas.get_mut(id) else {
        return Err(route_not_found());
    };
    for key in ["labels", "description", "icons"] {
        if !s[key].is_null() {
            stored[key] = s[key].clone();
        }
    }
    let mut current: Vec<Value> = stored["fields"].as_array().cloned().unwrap_or_default();
    for f in fields {
        match current.iter_mut().find(|x| x["id"] == f["id"]) {
            Some(x) => *x = f,
            None => current.push(f),
        }
    }
    stored["fields"] = json!(current);
    let mut rels: Vec<Value> = stored["relationships"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for r in relationships {
        if !rels.iter().any(|x| x["id"] == r["id"]) {
            rels.push(r);
        }
    }
    stored["relationships"] = json!(rels);
    stored["updatedTimestamp"] = json!(now());
    Ok((200, json!({"schema": stored.clone()})))
}
