//! Lists and contactLists (subscribe / unsubscribe).

use serde_json::{Value, json};

use super::render::{contact_json, contact_list_json};
use super::state::{Account, slug};
use super::wire::{
    Answer, Req, id_of, invalid, known_id, member, missing, not_found, outcome, page, wrapper,
};

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["lists"]) => {
            let name = req.q("filters[name]").map(str::to_lowercase);
            let items = a
                .lists
                .iter()
                .filter(|(_, l)| {
                    name.as_ref()
                        .is_none_or(|n| l.name.to_lowercase().contains(n.as_str()))
                })
                .map(|(id, _)| list_json(a, *id))
                .collect();
            page("lists", items, req)
        }
        ("POST", ["lists"]) => outcome(create(a, req.body)),
        ("GET", ["lists", id]) => match list_id(a, id) {
            Some(lid) => (200, json!({"list": list_json(a, lid)})),
            None => not_found("List", id),
        },
        ("DELETE", ["lists", id]) => match list_id(a, id) {
            Some(lid) => {
                a.lists.remove(&lid);
                a.contact_lists.retain(|_, cl| cl.list != lid);
                (200, json!({}))
            }
            None => not_found("List", id),
        },
        ("POST", ["contactLists"]) => outcome(subscribe(a, req.body)),
        // filters on /contactLists are no-ops on the real API: the whole set comes back
        ("GET", ["contactLists"]) => {
            let items = a
                .contact_lists
                .iter()
                .map(|(id, cl)| contact_list_json(a, *id, cl))
                .collect();
            page("contactLists", items, req)
        }
        _ => return None,
    };
    Some(answer)
}

fn list_id(a: &Account, id: &str) -> Option<u64> {
    known_id(&a.lists, id)
}

/// A list in wire shape.
fn list_json(a: &Account, id: u64) -> Value {
    let Some(l) = a.lists.get(&id) else {
        return Value::Null;
    };
    let subscribers = a
        .contact_lists
        .values()
        .filter(|cl| cl.list == id && cl.status == 1)
        .count();
    json!({"stringid": l.stringid, "userid": "1", "name": l.name, "cdate": l.cdate,
           "udate": l.cdate, "sender_url": l.sender_url, "sender_reminder": l.sender_reminder,
           "subscriber_count": subscribers.to_string(), "private": "0",
           "links": {"contactGoalLists": format!("/api/3/lists/{id}/contactGoalLists"),
                     "user": format!("/api/3/lists/{id}/user")},
           "id": id.to_string()})
}

fn create(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let l = wrapper(body, "list")?.map_or(empty, |m| Value::Object(m.clone()));
    let Some(name) = member(&l, "name")?.filter(|n| !n.trim().is_empty()) else {
        return Err(missing("name"));
    };
    let stringid = member(&l, "stringid")?.filter(|s| !s.is_empty());
    let sender_url = member(&l, "sender_url")?.unwrap_or_default();
    let sender_reminder = member(&l, "sender_reminder")?.unwrap_or_default();
    let id = a.add_list(&name);
    if let Some(list) = a.lists.get_mut(&id) {
        list.stringid = stringid.unwrap_or_else(|| slug(&name));
        list.sender_url = sender_url;
        list.sender_reminder = sender_reminder;
    }
    Ok((200, json!({"list": list_json(a, id)})))
}

fn subscribe(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let cl = wrapper(body, "contactList")?.map_or(empty, |m| Value::Object(m.clone()));
    for attr in ["list", "contact", "status"] {
        if cl[attr].is_null() {
            return Err(missing(attr));
        }
    }
    let Some(l) = id_of(&cl["list"]).filter(|l| a.lists.contains_key(l)) else {
        return Err(invalid("list"));
    };
    let Some(c) = id_of(&cl["contact"]).filter(|c| a.contacts.contains_key(c)) else {
        return Err(invalid("contact"));
    };
    let Some(status) = id_of(&cl["status"]).filter(|s| *s == 1 || *s == 2) else {
        return Err(invalid("status"));
    };
    let id = a.subscribe(l, c, status);
    let out = contact_list_json(a, id, &a.contact_lists[&id]);
    Ok((
        200,
        json!({"contacts": [contact_json(a, c)], "contactList": out}),
    ))
}
