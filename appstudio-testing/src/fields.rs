//! Custom contact fields (with sideloaded fieldOptions and fieldRels), fieldRels,
//! fieldOption/bulk, and fieldValues.

use serde_json::{Value, json};

use super::render::{contact_json, field_value_json};
use super::state::{Account, FieldRel, perstag_of};
use super::wire::{
    Answer, Req, id_of, id_strings, invalid, known_id, member, missing, not_found, now, outcome,
    page, text, wrapper,
};

/// Field types the API knows.
const TYPES: &[&str] = &[
    "text",
    "textarea",
    "date",
    "datetime",
    "dropdown",
    "listbox",
    "radio",
    "checkbox",
    "hidden",
    "number",
    "multivalue",
    "",
];

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["fields"]) => list_fields(a, req),
        ("GET", ["fields", id]) => match field_id(a, id) {
            Some(fid) => (
                200,
                json!({"field": field_json(a, fid), "fieldOptions": options_json(a, &[fid]),
                       "fieldRels": rels_json(a, &[fid])}),
            ),
            None => not_found("Field", id),
        },
        ("POST", ["fields"]) => outcome(create_field(a, req.body)),
        ("PUT", ["fields", id]) => match field_id(a, id) {
            Some(fid) => outcome(update_field(a, fid, req.body)),
            None => not_found("Field", id),
        },
        ("DELETE", ["fields", id]) => match field_id(a, id) {
            Some(fid) => delete_field(a, fid),
            None => not_found("Field", id),
        },
        ("POST", ["fieldRels"]) => outcome(create_rel(a, req.body)),
        ("POST", ["fieldOption", "bulk"]) => outcome(bulk_options(a, req.body)),
        ("POST", ["fieldValues"]) => outcome(create_value(a, req.body)),
        ("GET", ["fieldValues"]) => list_values(a, req),
        ("GET" | "PUT" | "DELETE", ["fieldValues", id]) => match known_id(&a.field_values, id) {
            Some(fvid) => field_value_route(a, req, fvid),
            None => not_found("FieldValue", id),
        },
        _ => return None,
    };
    Some(answer)
}

/// `GET /fields` (optionally by `filters[perstag]`), sideloading the options and
/// relations of the fields on the page.
fn list_fields(a: &Account, req: &Req<'_>) -> Answer {
    let mut ids: Vec<u64> = a.fields.keys().copied().collect();
    if let Some(tag) = req.q("filters[perstag]") {
        ids.retain(|i| a.fields[i].perstag.eq_ignore_ascii_case(tag.trim()));
    }
    let (status, mut body) = page(
        "fields",
        ids.iter().map(|i| field_json(a, *i)).collect(),
        req,
    );
    let shown: Vec<u64> = body["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| id_of(&f["id"]))
        .collect();
    body["fieldOptions"] = json!(options_json(a, &shown));
    body["fieldRels"] = json!(rels_json(a, &shown));
    (status, body)
}

/// `DELETE /fields/{id}`, with the field's values, options and relations.
fn delete_field(a: &mut Account, fid: u64) -> Answer {
    a.fields.remove(&fid);
    a.field_values.retain(|_, v| v.field != fid);
    a.field_options.retain(|_, o| o.field != fid);
    a.field_rels.retain(|_, r| r.field != fid);
    (200, json!({}))
}

/// `GET /fieldValues` with `filters[fieldid]`, `filters[contactid]` and `filters[val]`.
fn list_values(a: &Account, req: &Req<'_>) -> Answer {
    let field = req.q_u64("filters[fieldid]");
    let contact = req.q_u64("filters[contactid]");
    let val = req.q("filters[val]");
    let items = a
        .field_values
        .iter()
        .filter(|(_, v)| {
            field.is_none_or(|x| x == v.field)
                && contact.is_none_or(|x| x == v.contact)
                && val.is_none_or(|x| x == v.value)
        })
        .map(|(id, v)| field_value_json(*id, v))
        .collect();
    page("fieldValues", items, req)
}

/// `GET`, `PUT` or `DELETE /fieldValues/{id}` of an existing value.
fn field_value_route(a: &mut Account, req: &Req<'_>, fvid: u64) -> Answer {
    match req.method {
        "GET" => (
            200,
            json!({"fieldValue": field_value_json(fvid, &a.field_values[&fvid])}),
        ),
        "DELETE" => {
            a.field_values.remove(&fvid);
            (200, json!({}))
        }
        _ => outcome(update_value(a, fvid, req.body)),
    }
}

fn field_id(a: &Account, id: &str) -> Option<u64> {
    known_id(&a.fields, id)
}

/// A field in wire shape, `options` and `relations` as ids into the sideloaded arrays.
pub(super) fn field_json(a: &Account, id: u64) -> Value {
    let Some(f) = a.fields.get(&id) else {
        return Value::Null;
    };
    let options: Vec<u64> = a
        .field_options
        .iter()
        .filter(|(_, o)| o.field == id)
        .map(|(oid, _)| *oid)
        .collect();
    let relations: Vec<u64> = a
        .field_rels
        .iter()
        .filter(|(_, r)| r.field == id)
        .map(|(rid, _)| *rid)
        .collect();
    json!({
        "title": f.title, "descript": f.descript, "type": f.kind, "isrequired": "0",
        "perstag": f.perstag, "defval": f.defval, "show_in_list": "0", "rows": "0", "cols": "0",
        "visible": if f.visible { "1" } else { "0" }, "service": "",
        "ordernum": f.ordernum.to_string(), "cdate": f.cdate, "udate": f.udate,
        "options": id_strings(&options), "relations": id_strings(&relations),
        "links": {
            "options": format!("/api/3/fields/{id}/options"),
            "relations": format!("/api/3/fields/{id}/relations"),
        },
        "id": id.to_string(),
    })
}

/// The sideloaded options of some fields.
fn options_json(a: &Account, fields: &[u64]) -> Vec<Value> {
    a.field_options
        .iter()
        .filter(|(_, o)| fields.contains(&o.field))
        .map(|(id, o)| {
            let (cdate, udate) = a
                .fields
                .get(&o.field)
                .map_or((Value::Null, Value::Null), |f| {
                    (json!(f.cdate), json!(f.udate))
                });
            json!({"field": o.field.to_string(), "orderid": o.orderid, "value": o.value,
                   "label": o.label, "isdefault": u8::from(o.isdefault), "cdate": cdate,
                   "udate": udate, "links": {"field": format!("/api/3/fieldOptions/{id}/field")},
                   "id": id.to_string()})
        })
        .collect()
}

fn rel_json(id: u64, r: &FieldRel) -> Value {
    json!({"field": r.field.to_string(), "relid": r.relid.to_string(), "dorder": r.dorder.to_string(),
           "cdate": null, "links": [], "id": id.to_string()})
}

/// The sideloaded list relations of some fields.
fn rels_json(a: &Account, fields: &[u64]) -> Vec<Value> {
    a.field_rels
        .iter()
        .filter(|(_, r)| fields.contains(&r.field))
        .map(|(id, r)| rel_json(*id, r))
        .collect()
}

fn duplicate_title(title: &str) -> Answer {
    (
        422,
        json!({"errors": [{"title": "There is already a field with this title",
                           "detail": format!("There is already a field named '{title}' -- choose another name"),
                           "code": "duplicate"}]}),
    )
}

fn create_field(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let f = wrapper(body, "field")?.map_or(empty, |m| Value::Object(m.clone()));
    let title = member(&f, "title")?.filter(|t| !t.trim().is_empty());
    let Some(title) = title else {
        return Err(missing("title"));
    };
    let Some(kind) = member(&f, "type")? else {
        return Err(missing("type"));
    };
    if !TYPES.contains(&kind.as_str()) {
        return Err(invalid("type"));
    }
    if a.fields
        .values()
        .any(|x| x.title.eq_ignore_ascii_case(title.trim()))
    {
        return Err(duplicate_title(&title));
    }
    let perstag = member(&f, "perstag")?.filter(|p| !p.is_empty());
    let id = a.add_field(&title, &kind, perstag.map(|p| perstag_of(&p)));
    let descript = member(&f, "descript")?;
    let defval = member(&f, "defval")?;
    let visible = member(&f, "visible")?;
    let ordernum = member(&f, "ordernum")?.and_then(|o| o.parse().ok());
    if let Some(field) = a.fields.get_mut(&id) {
        field.descript = descript;
        field.defval = defval;
        field.visible = visible.is_none_or(|v| v != "0");
        if let Some(o) = ordernum {
            field.ordernum = o;
        }
    }
    Ok((201, json!({"field": field_json(a, id)})))
}

fn update_field(a: &mut Account, id: u64, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let f = wrapper(body, "field")?.map_or(empty, |m| Value::Object(m.clone()));
    let title = member(&f, "title")?;
    if let Some(t) = &title
        && a.fields
            .iter()
            .any(|(x, field)| *x != id && field.title.eq_ignore_ascii_case(t.trim()))
    {
        return Err(duplicate_title(t));
    }
    let kind = member(&f, "type")?;
    if kind.as_deref().is_some_and(|k| !TYPES.contains(&k)) {
        return Err(invalid("type"));
    }
    let descript = member(&f, "descript")?;
    let defval = member(&f, "defval")?;
    let perstag = member(&f, "perstag")?;
    let visible = member(&f, "visible")?;
    if let Some(field) = a.fields.get_mut(&id) {
        if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
            field.title = t;
        }
        if let Some(k) = kind {
            field.kind = k;
        }
        if descript.is_some() {
            field.descript = descript;
        }
        if defval.is_some() {
            field.defval = defval;
        }
        if let Some(p) = perstag.filter(|p| !p.is_empty()) {
            field.perstag = perstag_of(&p);
        }
        if let Some(v) = visible {
            field.visible = v != "0";
        }
        field.udate = now();
    }
    Ok((200, json!({"field": field_json(a, id)})))
}

fn create_rel(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let r = wrapper(body, "fieldRel")?.map_or(empty, |m| Value::Object(m.clone()));
    if r["field"].is_null() {
        return Err(missing("field"));
    }
    let Some(field) = id_of(&r["field"]).filter(|f| a.fields.contains_key(f)) else {
        return Err(invalid("field"));
    };
    let relid = match &r["relid"] {
        Value::Null => 0,
        v => match id_of(v) {
            Some(l) if l == 0 || a.lists.contains_key(&l) => l,
            _ => return Err(invalid("relid")),
        },
    };
    let id = a.id("fieldRel");
    let rel = FieldRel {
        field,
        relid,
        dorder: id_of(&r["dorder"]).unwrap_or(0),
    };
    let out = rel_json(id, &rel);
    a.field_rels.insert(id, rel);
    Ok((201, json!({ "fieldRel": out })))
}

fn bulk_options(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let Some(items) = body["fieldOptions"].as_array() else {
        return Err((
            422,
            json!({"errors": "Bulk operation failed. Request must contain an array of fieldOption objects."}),
        ));
    };
    let mut checked = Vec::new();
    for o in items {
        if !o.is_object() {
            return Err((
                422,
                json!({"errors": "Bulk operation failed. Request must contain an array of fieldOption objects."}),
            ));
        }
        let Some(field) = id_of(&o["field"]).filter(|f| a.fields.contains_key(f)) else {
            return Err(if o["field"].is_null() {
                missing("field")
            } else {
                invalid("field")
            });
        };
        let label = member(o, "label")?.unwrap_or_default();
        let value = member(o, "value")?.unwrap_or_else(|| label.clone());
        let isdefault = member(o, "isdefault")?.is_some_and(|d| d == "1" || d == "true");
        let orderid = id_of(&o["orderid"]);
        checked.push((field, label, value, isdefault, orderid));
    }
    let mut ids = Vec::new();
    for (field, label, value, isdefault, orderid) in checked {
        let id = a.add_option(field, &label, &value);
        if let Some(opt) = a.field_options.get_mut(&id) {
            opt.isdefault = isdefault;
            if let Some(o) = orderid {
                opt.orderid = o;
            }
        }
        ids.push(id);
    }
    let out: Vec<Value> = options_json(a, &a.fields.keys().copied().collect::<Vec<_>>())
        .into_iter()
        .filter(|o| id_of(&o["id"]).is_some_and(|id| ids.contains(&id)))
        .collect();
    Ok((201, json!({ "fieldOptions": out })))
}

fn create_value(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let fv = wrapper(body, "fieldValue")?.map_or(empty, |m| Value::Object(m.clone()));
    for attr in ["contact", "field", "value"] {
        if fv[attr].is_null() {
            return Err(missing(attr));
        }
    }
    let Some(c) = id_of(&fv["contact"]).filter(|c| a.contacts.contains_key(c)) else {
        return Err(invalid("contact"));
    };
    let Some(f) = id_of(&fv["field"]).filter(|f| a.fields.contains_key(f)) else {
        return Err(invalid("field"));
    };
    let Some(value) = text(&fv["value"]) else {
        return Err(invalid("value"));
    };
    let id = a.set_value(c, f, value);
    Ok((
        200,
        json!({"contacts": [contact_json(a, c)], "fieldValue": field_value_json(id, &a.field_values[&id])}),
    ))
}

fn update_value(a: &mut Account, id: u64, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let fv = wrapper(body, "fieldValue")?.map_or(empty, |m| Value::Object(m.clone()));
    let value = member(&fv, "value")?;
    if let Some(v) = value
        && let Some(e) = a.field_values.get_mut(&id)
    {
        e.value = v;
        e.udate = now();
    }
    let contact = a.field_values[&id].contact;
    Ok((
        200,
        json!({"contacts": [contact_json(a, contact)], "fieldValue": field_value_json(id, &a.field_values[&id])}),
    ))
}
