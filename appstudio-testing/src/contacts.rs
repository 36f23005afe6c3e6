//! Contacts: create, sync (upsert by email), get, update, delete, list with filters, and
//! the per-contact fieldValues, contactLists and contactTags.

use std::cmp::Ordering;

use serde_json::{Value, json};

use super::config::FakeConfig;
use super::render::{
    account_contact_json, contact_json, contact_list_json, contact_tag_json, field_value_json,
};
use super::state::{Account, Contact};
use super::wire::{
    Answer, Req, email_duplicate, email_invalid, id_of, invalid, known_id, missing, not_found,
    page, text, time_matches, valid_email, wrapper,
};

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, config: &FakeConfig, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("POST", ["contacts"]) => write(a, config, req.body, Write::Create),
        ("POST", ["contact", "sync"]) => write(a, config, req.body, Write::Sync),
        ("GET", ["contacts"]) => list(a, req),
        ("GET", ["contacts", id]) => match contact_id(a, id) {
            Some(cid) => (
                200,
                json!({"contact": contact_json(a, cid), "fieldValues": field_values_of(a, cid),
                       "contactLists": contact_lists_of(a, cid), "contactAutomations": [],
                       "deals": [], "geoIps": [], "geoAddresses": [],
                       "accountContacts": account_contacts_of(a, cid)}),
            ),
            None => not_found("Subscriber", id),
        },
        ("PUT", ["contacts", id]) => match contact_id(a, id) {
            Some(cid) => write(a, config, req.body, Write::Update(cid)),
            None => not_found("Subscriber", id),
        },
        ("DELETE", ["contacts", id]) => match contact_id(a, id) {
            Some(cid) => {
                a.remove_contact(cid);
                (200, json!({}))
            }
            None => super::wire::message(404, format!("No result found for contact with id {id}")),
        },
        (
            "GET",
            [
                "contacts",
                id,
                sub @ ("fieldValues" | "contactLists" | "contactTags"),
            ],
        ) => match contact_id(a, id) {
            Some(cid) => match *sub {
                "fieldValues" => (200, json!({"fieldValues": field_values_of(a, cid)})),
                "contactLists" => (200, json!({"contactLists": contact_lists_of(a, cid)})),
                _ => (200, json!({"contactTags": contact_tags_of(a, cid)})),
            },
            None => not_found("Subscriber", id),
        },
        _ => return None,
    };
    Some(answer)
}

/// Which contact write.
#[derive(Debug, Clone, Copy)]
enum Write {
    Create,
    Sync,
    Update(u64),
}

fn contact_id(a: &Account, id: &str) -> Option<u64> {
    known_id(&a.contacts, id)
}

/// The field values of a contact in wire shape.
pub(super) fn field_values_of(a: &Account, contact: u64) -> Vec<Value> {
    a.field_values
        .iter()
        .filter(|(_, v)| v.contact == contact)
        .map(|(id, v)| field_value_json(*id, v))
        .collect()
}

fn contact_lists_of(a: &Account, contact: u64) -> Vec<Value> {
    a.contact_lists
        .iter()
        .filter(|(_, cl)| cl.contact == contact)
        .map(|(id, cl)| contact_list_json(a, *id, cl))
        .collect()
}

/// Every association of a contact whose tag still exists (no paging).
fn contact_tags_of(a: &Account, contact: u64) -> Vec<Value> {
    a.contact_tags
        .iter()
        .filter(|(_, ct)| ct.contact == contact && a.tags.contains_key(&ct.tag))
        .map(|(id, ct)| contact_tag_json(*id, ct))
        .collect()
}

fn account_contacts_of(a: &Account, contact: u64) -> Vec<Value> {
    a.account_contacts
        .iter()
        .filter(|(_, ac)| ac.contact == contact)
        .map(|(id, ac)| account_contact_json(*id, ac))
        .collect()
}

/// A `fieldValues` value as the string the API stores: scalars as text, arrays as
/// `||a||b||`, `null` as `""`.
fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(text).collect();
            parts.map(|p| format!("||{}||", p.join("||")))
        }
        other => text(other),
    }
}

/// Reads `fieldValues: [{field, value}]` into (field id, value), checking every entry
/// before anything is written.
fn read_field_values(
    a: &Account,
    config: &FakeConfig,
    c: &serde_json::Map<String, Value>,
) -> Result<Vec<(u64, String)>, Answer> {
    let entries = match c.get("fieldValues") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(invalid("fieldValues")),
    };
    let mut values = Vec::new();
    for fv in entries {
        if !fv.is_object() {
            return Err(invalid("fieldValues"));
        }
        let Some(value) = value_text(fv.get("value").unwrap_or(&Value::Null)) else {
            return Err(invalid("fieldValues"));
        };
        match id_of(&fv["field"]).filter(|f| a.fields.contains_key(f)) {
            Some(f) => values.push((f, value)),
            None if config.unknown_field_is_error => return Err(invalid("field")),
            None => {}
        }
    }
    Ok(values)
}

fn write(a: &mut Account, config: &FakeConfig, body: &Value, how: Write) -> Answer {
    match try_write(a, config, body, how) {
        Ok(answer) | Err(answer) => answer,
    }
}

fn try_write(
    a: &mut Account,
    config: &FakeConfig,
    body: &Value,
    how: Write,
) -> Result<Answer, Answer> {
    let empty = serde_json::Map::new();
    let c = match (wrapper(body, "contact")?, how) {
        (Some(c), _) => c,
        (None, Write::Update(_)) => return Err(missing("contact")),
        (None, _) => &empty,
    };
    let email = match c.get("email") {
        None | Some(Value::Null) => None,
        Some(Value::String(e)) => Some(e.trim().to_owned()),
        Some(_) => return Err(email_invalid()),
    };
    let mut members = Vec::new();
    for key in ["firstName", "lastName", "phone"] {
        let v = match c.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(text(v).ok_or_else(|| invalid(key))?),
        };
        members.push((key, v));
    }
    let null_email_ok = matches!(how, Write::Create)
        && c.get("allowNullEmail")
            .is_some_and(|v| v == &json!(true) || v == "true");
    let target = match (how, &email) {
        (_, Some(e)) if !valid_email(e) => return Err(email_invalid()),
        (Write::Update(id), Some(e)) => {
            if a.find_email(e).is_some_and(|other| other != id) {
                return Err(email_duplicate());
            }
            Some(id)
        }
        (Write::Update(id), None) => Some(id),
        (Write::Create, None) if null_email_ok => None,
        (_, None) => return Err(email_invalid()),
        (Write::Create, Some(e)) => {
            if a.find_email(e).is_some() {
                return Err(email_duplicate());
            }
            None
        }
        (Write::Sync, Some(e)) => a.find_email(e),
    };
    let values = read_field_values(a, config, c)?;
    let id = target.unwrap_or_else(|| a.add_contact());
    let now = super::wire::now();
    if let Some(contact) = a.contacts.get_mut(&id) {
        if let Some(e) = email {
            contact.email = e;
        }
        for (key, v) in members {
            let Some(v) = v else { continue };
            let slot: &mut String = match key {
                "firstName" => &mut contact.first_name,
                "lastName" => &mut contact.last_name,
                _ => &mut contact.phone,
            };
            *slot = v;
        }
        contact.udate = now;
    }
    for (f, v) in values {
        a.set_value(id, f, v);
    }
    let status = if matches!(how, Write::Update(_)) {
        200
    } else {
        201
    };
    Ok((
        status,
        json!({"fieldValues": field_values_of(a, id), "contact": contact_json(a, id)}),
    ))
}

/// `GET /contacts` with its filters and orders.
fn list(a: &Account, req: &Req<'_>) -> Answer {
    let filter = ContactFilter::from_req(req);
    let mut items: Vec<(u64, &Contact)> = a
        .contacts
        .iter()
        .map(|(id, c)| (*id, c))
        .filter(|(id, c)| filter.matches(a, *id, c))
        .collect();
    let orders = req.orders();
    if !orders.is_empty() {
        items.sort_by(|x, y| compare_contacts(&orders, *x, *y));
    }
    let (status_code, mut body) = page(
        "contacts",
        items.iter().map(|(id, _)| contact_json(a, *id)).collect(),
        req,
    );
    body["scoreValues"] = json!([]);
    body["meta"]["page_input"] = page_input(req, filter.list, filter.tag);
    (status_code, body)
}

/// The `status` query parameter as a number (it may be negative).
fn status_param(req: &Req<'_>) -> Option<i64> {
    req.q("status").and_then(|s| s.trim().parse::<i64>().ok())
}

/// The filters of `GET /contacts`.
struct ContactFilter<'r> {
    email: Option<String>,
    like: Option<String>,
    search: Option<String>,
    greater: Option<u64>,
    less: Option<u64>,
    exclude: Option<u64>,
    ids: Vec<u64>,
    tag: Option<u64>,
    list: Option<u64>,
    status: Option<u64>,
    /// `("c" | "u", stamp, after)`: created or updated, after or before the stamp.
    dates: Vec<(&'static str, &'r str, bool)>,
}

impl<'r> ContactFilter<'r> {
    fn from_req(req: &'r Req<'_>) -> Self {
        let ids: Vec<u64> = req
            .query
            .iter()
            .filter(|(k, _)| k == "ids[]" || k == "ids")
            .flat_map(|(_, v)| {
                v.split(',')
                    .filter_map(|x| x.trim().parse().ok())
                    .collect::<Vec<u64>>()
            })
            .collect();
        let dates = [
            ("filters[created_after]", true, true),
            ("filters[created_before]", true, false),
            ("filters[updated_after]", false, true),
            ("filters[updated_before]", false, false),
        ]
        .into_iter()
        .filter_map(|(k, created, after)| {
            req.q(k)
                .map(|v| (if created { "c" } else { "u" }, v, after))
        })
        .collect();
        Self {
            email: req.q("email").map(|e| e.trim().to_lowercase()),
            like: req.q("email_like").map(str::to_lowercase),
            search: req
                .q("search")
                .map(str::to_lowercase)
                .filter(|s| !s.is_empty()),
            greater: req.q_u64("id_greater"),
            less: req.q_u64("id_less"),
            exclude: req.q_u64("exclude"),
            ids,
            tag: req.q_u64("tagid").filter(|t| *t > 0),
            list: req.q_u64("listid").filter(|l| *l > 0),
            status: status_param(req).and_then(|s| u64::try_from(s).ok()),
            dates,
        }
    }

    fn matches(&self, a: &Account, id: u64, c: &Contact) -> bool {
        self.matches_text(c)
            && self.matches_id(id)
            && self.matches_membership(a, id)
            && self.matches_dates(c)
    }

    /// `email`, `email_like` and `search`.
    fn matches_text(&self, c: &Contact) -> bool {
        let e = c.email.to_lowercase();
        self.email.as_ref().is_none_or(|x| &e == x)
            && self.like.as_ref().is_none_or(|x| e.contains(x.as_str()))
            && self.search.as_ref().is_none_or(|x| {
                let name = format!("{} {}", c.first_name, c.last_name);
                [&c.email, &c.first_name, &c.last_name, &c.phone, &name]
                    .iter()
                    .any(|f| f.to_lowercase().contains(x.as_str()))
            })
    }

    /// `id_greater`, `id_less`, `exclude` and `ids`.
    fn matches_id(&self, id: u64) -> bool {
        self.greater.is_none_or(|g| id > g)
            && self.less.is_none_or(|l| id < l)
            && self.exclude.is_none_or(|x| id != x)
            && (self.ids.is_empty() || self.ids.contains(&id))
    }

    /// `tagid`, `listid` and `status` (of a list membership).
    fn matches_membership(&self, a: &Account, id: u64) -> bool {
        self.tag.is_none_or(|t| {
            a.contact_tags
                .values()
                .any(|ct| ct.contact == id && ct.tag == t)
        }) && (self.list.is_none() && self.status.is_none()
            || a.contact_lists.values().any(|cl| {
                cl.contact == id
                    && self.list.is_none_or(|l| cl.list == l)
                    && self.status.is_none_or(|s| cl.status == s)
            }))
    }

    /// `filters[created_after]` and its siblings.
    fn matches_dates(&self, c: &Contact) -> bool {
        self.dates.iter().all(|(which, v, after)| {
            let stamp = if *which == "c" { &c.cdate } else { &c.udate };
            time_matches(stamp, v, *after)
        })
    }
}

/// Two contacts by the `orders[...]` of the request, then by id.
fn compare_contacts(
    orders: &[(&str, bool)],
    (x_id, x): (u64, &Contact),
    (y_id, y): (u64, &Contact),
) -> Ordering {
    for (field, desc) in orders {
        let o = compare_by(field, (x_id, x), (y_id, y));
        let o = if *desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    x_id.cmp(&y_id)
}

/// Two contacts by one order field (unknown fields leave them equal).
fn compare_by(field: &str, (x_id, x): (u64, &Contact), (y_id, y): (u64, &Contact)) -> Ordering {
    match field {
        "id" | "cdate" => x_id.cmp(&y_id),
        "udate" => x.udate.cmp(&y.udate),
        "email" => x.email.to_lowercase().cmp(&y.email.to_lowercase()),
        "first_name" => x
            .first_name
            .to_lowercase()
            .cmp(&y.first_name.to_lowercase()),
        "last_name" => x.last_name.to_lowercase().cmp(&y.last_name.to_lowercase()),
        "name" => (x.first_name.to_lowercase(), x.last_name.to_lowercase())
            .cmp(&(y.first_name.to_lowercase(), y.last_name.to_lowercase())),
        _ => Ordering::Equal,
    }
}

/// `meta.page_input` of a contact list: the request as the API echoes it.
fn page_input(req: &Req<'_>, list: Option<u64>, tag: Option<u64>) -> Value {
    json!({
        "segmentid": null, "formid": 0, "listid": list.unwrap_or(0), "tagid": tag.unwrap_or(0),
        "limit": req.limit(), "offset": req.offset(), "search": req.q("search"), "sort": null,
        "seriesid": 0, "waitid": 0, "status": status_param(req).unwrap_or(-1),
        "forceQuery": 0, "cacheid": "",
    })
}

/// The contacts with their values and tag names (for assertions).
pub(super) fn snapshot(a: &Account) -> Vec<Value> {
    a.contacts
        .keys()
        .map(|id| {
            let mut c = contact_json(a, *id);
            c["fieldValues"] = a
                .field_values
                .values()
                .filter(|v| v.contact == *id)
                .map(|v| json!({"field": v.field.to_string(), "value": v.value}))
                .collect();
            c["tags"] = a
                .contact_tags
                .values()
                .filter(|ct| ct.contact == *id)
                .filter_map(|ct| a.tags.get(&ct.tag).map(|t| json!(t.name)))
                .collect();
            c["lists"] = a
                .contact_lists
                .values()
                .filter(|cl| cl.contact == *id)
                .map(|cl| json!({"list": cl.list.to_string(), "status": cl.status.to_string()}))
                .collect();
            c
        })
        .collect()
}
