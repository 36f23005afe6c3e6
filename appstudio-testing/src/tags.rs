//! Tags (search, create, get, update, delete) and contactTags.

use serde_json::{Value, json};

use super::config::FakeConfig;
use super::render::contact_tag_json;
use super::state::Account;
use super::wire::{
    Answer, Req, attribute_error, error, errors_not_found, id_of, invalid, known_id, member,
    missing, not_found, outcome, page, wrapper,
};

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, config: &FakeConfig, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["tags"]) => list(a, req),
        ("POST", ["tags"]) => outcome(create(a, config, req.body)),
        ("GET", ["tags", id]) => match tag_id(a, id) {
            Some(tid) => (200, json!({"tag": tag_json_counted(a, tid)})),
            None => not_found("Tag", id),
        },
        ("PUT", ["tags", id]) => match tag_id(a, id) {
            Some(tid) => outcome(update(a, config, tid, req.body)),
            None => not_found("Tag", id),
        },
        ("DELETE", ["tags", id]) => match tag_id(a, id) {
            Some(tid) => {
                a.tags.remove(&tid);
                a.contact_tags.retain(|_, ct| ct.tag != tid);
                (200, json!({}))
            }
            None => not_found("Tag", id),
        },
        ("POST", ["contactTags"]) => outcome(tag_contact(a, req.body)),
        ("GET", ["contactTags"]) => {
            let c = req.q_u64("filters[subscriberid]");
            let t = req.q_u64("filters[tagid]");
            let items = a
                .contact_tags
                .iter()
                .filter(|(_, ct)| {
                    a.tags.contains_key(&ct.tag)
                        && c.is_none_or(|x| x == ct.contact)
                        && t.is_none_or(|x| x == ct.tag)
                })
                .map(|(id, ct)| contact_tag_json(*id, ct))
                .collect();
            page("contactTags", items, req)
        }
        ("GET", ["contactTags", id]) => match contact_tag_id(a, id) {
            Some(ctid) => (
                200,
                json!({"contactTag": contact_tag_json(ctid, &a.contact_tags[&ctid])}),
            ),
            None => not_found("SubscriberTag", id),
        },
        ("DELETE", ["contactTags", id]) => match contact_tag_id(a, id) {
            Some(ctid) => {
                a.contact_tags.remove(&ctid);
                (200, json!({}))
            }
            None => not_found("SubscriberTag", id),
        },
        _ => return None,
    };
    Some(answer)
}

fn tag_id(a: &Account, id: &str) -> Option<u64> {
    known_id(&a.tags, id)
}

fn contact_tag_id(a: &Account, id: &str) -> Option<u64> {
    id.trim().parse().ok().filter(|i| {
        a.contact_tags
            .get(i)
            .is_some_and(|ct| a.tags.contains_key(&ct.tag))
    })
}

/// A tag in wire shape.
pub(super) fn tag_json(a: &Account, id: u64) -> Value {
    let Some(t) = a.tags.get(&id) else {
        return Value::Null;
    };
    json!({"tagType": t.kind, "tag": t.name, "description": t.description, "cdate": t.cdate,
           "links": {"contactGoalTags": format!("/api/3/tags/{id}/contactGoalTags")},
           "id": id.to_string()})
}

fn tag_json_counted(a: &Account, id: u64) -> Value {
    let mut t = tag_json(a, id);
    let n = a.contact_tags.values().filter(|ct| ct.tag == id).count();
    t["subscriber_count"] = json!(n.to_string());
    t
}

/// `GET /tags`: `search` (contains), `filters[search][op]`, `orders[search]`.
fn list(a: &Account, req: &Req<'_>) -> Answer {
    let search = req.q("search").map(str::to_lowercase);
    let ops: Vec<(&str, String)> = req
        .query
        .iter()
        .filter_map(|(k, v)| {
            let op = k.strip_prefix("filters[search][")?.strip_suffix(']')?;
            Some((op, v.to_lowercase()))
        })
        .collect();
    let plain = req.q("filters[search]").map(str::to_lowercase);
    let ids: Vec<u64> = req
        .q("ids")
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default();
    let mut items: Vec<(u64, String)> = a
        .tags
        .iter()
        .map(|(id, t)| (*id, t.name.to_lowercase()))
        .filter(|(id, n)| {
            search.as_ref().is_none_or(|s| n.contains(s.as_str()))
                && plain.as_ref().is_none_or(|s| n.contains(s.as_str()))
                && (ids.is_empty() || ids.contains(id))
                && ops.iter().all(|(op, v)| match *op {
                    "eq" => n == v,
                    "neq" => n != v,
                    "lt" => n < v,
                    "lte" => n <= v,
                    "gt" => n > v,
                    "gte" => n >= v,
                    "contains" => n.contains(v.as_str()),
                    "starts_with" => n.starts_with(v.as_str()),
                    _ => true,
                })
        })
        .collect();
    let term = search
        .clone()
        .or(plain)
        .or_else(|| ops.first().map(|(_, v)| v.clone()))
        .unwrap_or_default();
    match req.q("orders[search]").map(str::to_lowercase).as_deref() {
        Some("weight") => items.sort_by(|(xi, x), (yi, y)| {
            (x != &term)
                .cmp(&(y != &term))
                .then((!x.starts_with(&term)).cmp(&!y.starts_with(&term)))
                .then(xi.cmp(yi))
        }),
        Some("asc") => items.sort_by(|x, y| x.1.cmp(&y.1).then(x.0.cmp(&y.0))),
        Some("desc") => items.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0))),
        _ => {}
    }
    page(
        "tags",
        items.iter().map(|(id, _)| tag_json(a, *id)).collect(),
        req,
    )
}

fn duplicate() -> Answer {
    error(
        "Duplicate entry: the tag already exists",
        "duplicate",
        Some("tag"),
    )
}

fn create(a: &mut Account, config: &FakeConfig, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let t = wrapper(body, "tag")?.map_or(empty, |m| Value::Object(m.clone()));
    let Some(name) = member(&t, "tag")?.filter(|n| !n.trim().is_empty()) else {
        return Err(missing("tag"));
    };
    let kind = member(&t, "tagType")?.unwrap_or_else(|| "contact".into());
    if kind != "contact" && kind != "template" {
        return Err(invalid("tagType"));
    }
    let description = member(&t, "description")?.unwrap_or_default();
    if let Some(existing) = a.find_tag(&name) {
        if config.duplicate_tag_is_error {
            return Err(duplicate());
        }
        return Ok((201, json!({"tag": tag_json(a, existing)})));
    }
    let id = a.add_tag(&name, &kind, &description);
    Ok((201, json!({"tag": tag_json(a, id)})))
}

fn update(a: &mut Account, config: &FakeConfig, id: u64, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let t = wrapper(body, "tag")?.map_or(empty, |m| Value::Object(m.clone()));
    let name = member(&t, "tag")?.filter(|n| !n.trim().is_empty());
    if let Some(n) = &name
        && a.find_tag(n).is_some_and(|other| other != id)
        && config.duplicate_tag_is_error
    {
        return Err(duplicate());
    }
    let kind = member(&t, "tagType")?;
    if kind
        .as_deref()
        .is_some_and(|k| k != "contact" && k != "template")
    {
        return Err(invalid("tagType"));
    }
    let description = member(&t, "description")?;
    if let Some(tag) = a.tags.get_mut(&id) {
        if let Some(n) = name {
            tag.name = n;
        }
        if let Some(k) = kind {
            tag.kind = k;
        }
        if let Some(d) = description {
            tag.description = d;
        }
    }
    Ok((200, json!({"tag": tag_json(a, id)})))
}

/// `POST /contactTags`: 201 new, 200 with the existing association, 404/422 in the
/// contactTags error style.
fn tag_contact(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let ct = match body.get("contactTag") {
        Some(Value::Object(m)) => Value::Object(m.clone()),
        None | Some(Value::Null) => return Err(attribute_error("Missing attribute", "contact")),
        Some(_) => return Err(attribute_error("Invalid attribute", "contactTag")),
    };
    for attr in ["contact", "tag"] {
        match &ct[attr] {
            Value::Null => return Err(attribute_error("Missing attribute", attr)),
            Value::String(_) | Value::Number(_) => {}
            _ => return Err(attribute_error("Invalid attribute", attr)),
        }
    }
    let Some(c) = id_of(&ct["contact"]).filter(|c| a.contacts.contains_key(c)) else {
        return Err(errors_not_found("Contact not found"));
    };
    let Some(t) = id_of(&ct["tag"]).filter(|t| a.tags.contains_key(t)) else {
        return Err(errors_not_found("Tag not found"));
    };
    let (id, new) = a.tag_contact(c, t);
    let out = contact_tag_json(id, &a.contact_tags[&id]);
    Ok((if new { 201 } else { 200 }, json!({ "contactTag": out })))
}
