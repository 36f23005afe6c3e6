//! Custom-object records: upsert on `externalId`, then `id`, checked against the
//! fields and relationships of their schema; listing with `filters[...]`.

use serde_json::{Map, Value, json};

use super::state::Account;
use super::wire::{Answer, Req, id_of, now, page_numeric, route_not_found, schema_error, text};

/// Whether a field of a schema is required (`required`, or `isRequired` as sent).
pub(super) fn field_required(f: &Value) -> bool {
    f["required"]
        .as_bool()
        .or(f["isRequired"].as_bool())
        .unwrap_or(false)
}

/// `GET` or `DELETE` of one record, if there is one.
pub(super) fn record_answer(a: &mut Account, method: &str, key: Option<(String, u64)>) -> Answer {
    match key {
        Some(k) if method == "GET" => (200, json!({"record": a.records[&k]})),
        Some(k) => {
            a.records.remove(&k);
            (202, json!({}))
        }
        None => route_not_found(),
    }
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

/// `POST /customObjects/records/{schema}`: creates or updates (by `externalId`, then
/// `id`) a record.
pub(super) fn write_record(a: &mut Account, schema: &str, body: &Value) -> Result<Answer, Answer> {
    let Some(s) = a.schemas.get(schema) else {
        return Err(route_not_found());
    };
    let defined = defined_fields(s);
    let declared_rels: Vec<String> = s["relationships"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str().map(str::to_owned))
        .collect();
    let record = record_object(body)?;
    let values = read_values(&record["fields"], &defined)?;
    let relationships = read_links(&record["relationships"], &declared_rels)?;
    let external = read_external(&record["externalId"])?;
    let existing = existing_record(a, schema, external.as_deref(), &record["id"]);
    if existing.is_none() {
        check_required(&defined, &values)?;
    }
    let stored = store_record(a, schema, existing, external, values, relationships);
    Ok((201, json!({ "record": stored })))
}

/// The fields of a schema that are not being deleted.
fn defined_fields(schema: &Value) -> Vec<Value> {
    schema["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["status"].as_str() != Some("marked_for_deletion"))
        .cloned()
        .collect()
}

/// The `record` object of a request body.
fn record_object(body: &Value) -> Result<Value, Answer> {
    match body["record"].as_object() {
        Some(record) => Ok(Value::Object(record.clone())),
        None => Err(schema_error(
            "Invalid record",
            "the body needs a record object",
            "/data/attributes/record",
        )),
    }
}

/// The error of a value a field of the schema cannot take.
fn invalid_value(fid: &str, detail: &str) -> Answer {
    schema_error(
        &format!("Invalid value for field \"{fid}\""),
        detail,
        &format!("/data/attributes/{fid}"),
    )
}

/// Reads `fields: [{id, value}]`, each a field of the schema with a value that fits it.
fn read_values(fields: &Value, defined: &[Value]) -> Result<Vec<(String, Value)>, Answer> {
    let items = match fields {
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
            return Err(invalid_value(
                &fid,
                &format!("{fid} cannot accept a value that is not defined in the schema."),
            ));
        };
        let v = f.get("value").cloned().unwrap_or(Value::Null);
        if !value_fits(def, &v) {
            return Err(invalid_value(
                &fid,
                &format!(
                    "{fid} cannot accept the value {v}: it is not a valid {}.",
                    def["type"].as_str().unwrap_or("value")
                ),
            ));
        }
        values.push((fid, v));
    }
    Ok(values)
}

/// Reads `relationships: {<rel>: [ids]}` (rels of the schema, when it declares any) into
/// ids as strings.
fn read_links(rels: &Value, declared: &[String]) -> Result<Option<Value>, Answer> {
    let m = match rels {
        Value::Null => return Ok(None),
        Value::Object(m) => m,
        _ => {
            return Err(schema_error(
                "Invalid relationships",
                "relationships must be an object",
                "/data/attributes/relationships",
            ));
        }
    };
    for (k, v) in m {
        if !declared.is_empty() && !declared.contains(k) {
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
    Ok(Some(Value::Object(
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
    )))
}

/// Reads `externalId`: absent, or a scalar.
fn read_external(v: &Value) -> Result<Option<String>, Answer> {
    match v {
        Value::Null => Ok(None),
        v => match text(v) {
            Some(e) => Ok(Some(e)),
            None => Err(schema_error(
                "Invalid externalId",
                "externalId must be a string",
                "/data/attributes/externalId",
            )),
        },
    }
}

/// The record a write updates: the one with its `externalId`, else the one with its `id`.
fn existing_record(a: &Account, schema: &str, external: Option<&str>, id: &Value) -> Option<u64> {
    a.records
        .iter()
        .find(|((s, _), r)| {
            s == schema && external.is_some() && text(&r["externalId"]).as_deref() == external
        })
        .map(|((_, id), _)| *id)
        .or_else(|| id_of(id).filter(|id| a.records.contains_key(&(schema.to_owned(), *id))))
}

/// On create, every required field needs a value that is not `null`.
fn check_required(defined: &[Value], values: &[(String, Value)]) -> Result<(), Answer> {
    for d in defined {
        let fid = d["id"].as_str().unwrap_or("");
        if field_required(d) && !values.iter().any(|(k, v)| k == fid && !v.is_null()) {
            return Err(schema_error(
                &format!("Missing value for field \"{fid}\""),
                &format!("{fid} is required."),
                &format!("/data/attributes/{fid}"),
            ));
        }
    }
    Ok(())
}

/// Creates the record or merges the write into it; gives back the stored record.
fn store_record(
    a: &mut Account,
    schema: &str,
    existing: Option<u64>,
    external: Option<String>,
    values: Vec<(String, Value)>,
    relationships: Option<Value>,
) -> Value {
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
    stored
}

/// `GET /customObjects/records/{schema}` with `filters[relationships.<rel>][eq]`,
/// `filters[externalId][eq]` and `filters[<field>][eq]`; other filters are ignored.
pub(super) fn list_records(a: &Account, schema: &str, req: &Req<'_>) -> Answer {
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
