//! Custom objects: schemas and records (upsert on `externalId`, then `id`), with the
//! numeric `meta` and the `source.type`/`source.value` error style.

use serde_json::{Map, Value, json};

use super::state::Account;
use super::wire::{Answer, Req, id_of, now, page_numeric, route_not_found, schema_error, text};

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

fn outcome(r: Result<Answer, Answer>) -> Answer {
    match r {
        Ok(a) | Err(a) => a,
    }
}

fn record_answer(a: &mut Account, method: &str, key: Option<(String, u64)>) -> Answer {
    match key {
        Some(k) if method == "GET" => (200, json!({"record": a.records[&k]})),
        Some(k) => {
            a.records.remove(&k);
            (202, json!({}))
        }
        None => route_not_found(),
    }
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
        let required = f["required"]
            .as_bool()
            .or(f["isRequired"].as_bool())
            .unwrap_or(false);
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

/// Whether a value fits a field of this schema type.
fn value_fits(field: &Value, v: &Value) -> bool {
    let options: Vec<&str> = field["options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["value"].as_str().or(o.as_str()))
        .collect();
    let numeric =
        |v: &Value| v.is_number() || v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok());
    match (field["type"].as_str().unwrap_or("text"), v) {
        (_, Value::Null) => true,
        ("number", v) => {
            v.is_i64()
                || v.is_u64()
                || v.as_str().is_some_and(|s| s.trim().parse::<i64>().is_ok())
                || (field["scale"].as_u64().unwrap_or(0) > 0 && numeric(v))
        }
        ("decimal" | "currency", v) => numeric(v) || v.is_object(),
        ("dropdown", Value::String(s)) => options.is_empty() || options.contains(&s.as_str()),
        ("multiselect", Value::Array(items)) => items.iter().all(|i| {
            i.as_str()
                .is_some_and(|s| options.is_empty() || options.contains(&s))
        }),
        ("date", Value::String(s)) => {
            let b = s.as_bytes();
            b.len() == 10
                && b[4] == b'-'
                && b[7] == b'-'
                && b.iter()
                    .enumerate()
                    .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        }
        ("datetime", Value::String(s)) => s.len() >= 10,
        ("text" | "textarea", v) => v.is_string() || v.is_number(),
        ("dropdown" | "multiselect" | "date" | "datetime", _) => false,
        _ => true,
    }
}

fn write_record(a: &mut Account, schema: &str, body: &Value) -> Result<Answer, Answer> {
    let Some(s) = a.schemas.get(schema) else {
        return Err(route_not_found());
    };
    let defined: Vec<Value> = s["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["status"].as_str() != Some("marked_for_deletion"))
        .cloned()
        .collect();
    let declared_rels: Vec<String> = s["relationships"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    let Some(record) = body["record"].as_object() else {
        return Err(schema_error(
            "Invalid record",
            "the body needs a record object",
            "/data/attributes/record",
        ));
    };
    let record = Value::Object(record.clone());
    let items = match &record["fields"] {
        Value::Null => Vec::new(),
        Value::Array(items) => items.clone(),
        _ => {
            return Err(schema_error(
                "Invalid fields",
                "fields must be an array of {id, value}",
                "/data/attributes/fields",
            ));
        }
    };
    let mut values: Vec<(String, Value)> = Vec::new();
    for f in &items {
        let fid = f["id"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| text(&f["id"]))
            .unwrap_or_default();
        let Some(def) = defined
            .iter()
            .find(|d| d["id"].as_str() == Some(fid.as_str()))
        else {
            return Err(schema_error(
                &format!("Invalid value for field \"{fid}\""),
                &format!("{fid} cannot accept a value that is not defined in the schema."),
                &format!("/data/attributes/{fid}"),
            ));
        };
        let v = f.get("value").cloned().unwrap_or(Value::Null);
        if !value_fits(def, &v) {
            return Err(schema_error(
                &format!("Invalid value for field \"{fid}\""),
                &format!(
                    "{fid} cannot accept the value {v}: it is not a valid {}.",
                    def["type"].as_str().unwrap_or("value")
                ),
                &format!("/data/attributes/{fid}"),
            ));
        }
        values.push((fid, v));
    }
    let relationships = match &record["relationships"] {
        Value::Null => None,
        Value::Object(m) => {
            for (k, v) in m {
                if !declared_rels.is_empty() && !declared_rels.contains(k) {
                    return Err(schema_error(
                        &format!("Invalid relationship \"{k}\""),
                        &format!("{k} is not a relationship of this schema."),
                        &format!("/data/attributes/relationships/{k}"),
                    ));
                }
                if !v.is_array() {
                    return Err(schema_error(
                        &format!("Invalid relationship \"{k}\""),
                        "a relationship is an array of ids",
                        &format!("/data/attributes/relationships/{k}"),
                    ));
                }
            }
            Some(Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let ids: Vec<Value> = v
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|x| text(x).map(Value::String))
                            .collect();
                        (k.clone(), Value::Array(ids))
                    })
                    .collect::<Map<String, Value>>(),
            ))
        }
        _ => {
            return Err(schema_error(
                "Invalid relationships",
                "relationships must be an object",
                "/data/attributes/relationships",
            ));
        }
    };
    let external = match &record["externalId"] {
        Value::Null => None,
        v => match text(v) {
            Some(e) => Some(e),
            None => {
                return Err(schema_error(
                    "Invalid externalId",
                    "externalId must be a string",
                    "/data/attributes/externalId",
                ));
            }
        },
    };
    let existing = a
        .records
        .iter()
        .find(|((s, _), r)| s == schema && external.is_some() && text(&r["externalId"]) == external)
        .map(|((_, id), _)| *id)
        .or_else(|| {
            id_of(&record["id"]).filter(|id| a.records.contains_key(&(schema.to_owned(), *id)))
        });
    if existing.is_none() {
        for d in &defined {
            let required = d["required"]
                .as_bool()
                .or(d["isRequired"].as_bool())
                .unwrap_or(false);
            let fid = d["id"].as_str().unwrap_or("");
            if required && !values.iter().any(|(k, v)| k == fid && !v.is_null()) {
                return Err(schema_error(
                    &format!("Missing value for field \"{fid}\""),
                    &format!("{fid} is required."),
                    &format!("/data/attributes/{fid}"),
                ));
            }
        }
    }
    let t = now();
    let id = existing.unwrap_or_else(|| a.id("record"));
    let key = (schema.to_owned(), id);
    let mut stored = a.records.get(&key).cloned().unwrap_or_else(|| {
        json!({"id": id.to_string(), "externalId": null, "schemaId": schema, "fields": [],
               "relationships": {}, "createdTimestamp": t})
    });
    if external.is_some() {
        stored["externalId"] = json!(external);
    }
    let mut fields: Vec<Value> = stored["fields"].as_array().cloned().unwrap_or_default();
    for (fid, v) in values {
        match fields
            .iter_mut()
            .find(|x| x["id"].as_str() == Some(fid.as_str()))
        {
            Some(x) => x["value"] = v,
            None => fields.push(json!({"id": fid, "value": v})),
        }
    }
    stored["fields"] = json!(fields);
    if let Some(r) = relationships {
        stored["relationships"] = r;
    }
    stored["updatedTimestamp"] = json!(t);
    a.records.insert(key, stored.clone());
    Ok((201, json!({ "record": stored })))
}

/// `GET /customObjects/records/{schema}` with `filters[relationships.<rel>][eq]`,
/// `filters[externalId][eq]` and `filters[<field>][eq]`; other filters are ignored.
fn list_records(a: &Account, schema: &str, req: &Req<'_>) -> Answer {
    let field_ids: Vec<String> = a.schemas[schema]["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect();
    let filters: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter_map(|(k, v)| {
            let inner = k.strip_prefix("filters[")?;
            let name = inner
                .strip_suffix("][eq]")
                .or_else(|| inner.strip_suffix(']'))?;
            Some((name, v.as_str()))
        })
        .collect();
    let items = a
        .records
        .iter()
        .filter(|((s, _), _)| s == schema)
        .filter(|(_, r)| {
            filters.iter().all(|(name, v)| {
                if let Some(rel) = name.strip_prefix("relationships.") {
                    r["relationships"][rel]
                        .as_array()
                        .is_some_and(|ids| ids.iter().any(|x| text(x).as_deref() == Some(v)))
                } else if *name == "externalId" || *name == "id" {
                    text(&r[*name]).as_deref() == Some(v)
                } else if field_ids.iter().any(|f| f == name) {
                    r["fields"].as_array().into_iter().flatten().any(|f| {
                        f["id"].as_str() == Some(name) && text(&f["value"]).as_deref() == Some(v)
                    })
                } else {
                    true
                }
            })
        })
        .map(|(_, r)| r.clone())
        .collect();
    page_numeric("records", items, req)
}
