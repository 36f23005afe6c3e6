//! CRM: accounts, account–contact links, custom field metadata of accounts and deals,
//! pipelines, and the member merging accounts and deals share; deals themselves are in
//! `deals`, which builds on this module.

use serde_json::{Map, Value, json};

use super::render::account_contact_json;
use super::state::{Account, AccountContact};
use super::wire::{
    Answer, Req, error, id_of, invalid, known_id, member, missing, not_found, now, outcome, page,
    wrapper,
};

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let parts: [fn(&mut Account, &Req<'_>) -> Option<Answer>; 3] =
        [accounts_route, links_route, meta_route];
    parts.iter().find_map(|route| route(a, req))
}

/// `/accounts` and `/accounts/{id}`.
fn accounts_route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["accounts"]) => list_accounts(a, req),
        ("POST", ["accounts"]) => outcome(write_account(a, req.body, None)),
        ("GET", ["accounts", id]) => match known_id(&a.accounts, id) {
            Some(aid) => (200, json!({"account": account_json(a, aid)})),
            None => not_found("Account", id),
        },
        ("PUT", ["accounts", id]) => match known_id(&a.accounts, id) {
            Some(aid) => outcome(write_account(a, req.body, Some(aid))),
            None => not_found("Account", id),
        },
        ("DELETE", ["accounts", id]) => match known_id(&a.accounts, id) {
            Some(aid) => {
                a.accounts.remove(&aid);
                a.account_contacts.retain(|_, ac| ac.account != aid);
                (200, json!({}))
            }
            None => not_found("Account", id),
        },
        _ => return None,
    };
    Some(answer)
}

/// `GET /accounts`, optionally by `search` in the name.
fn list_accounts(a: &Account, req: &Req<'_>) -> Answer {
    let search = req.q("search").map(str::to_lowercase);
    let items = a
        .accounts
        .iter()
        .filter(|(_, acc)| {
            search.as_ref().is_none_or(|s| {
                acc["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(s.as_str())
            })
        })
        .map(|(id, _)| account_json(a, *id))
        .collect();
    page("accounts", items, req)
}

/// `/accountContacts` and `/accountContacts/{id}`.
fn links_route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("POST", ["accountContacts"]) => outcome(link(a, req.body)),
        ("GET", ["accountContacts"]) => list_links(a, req),
        ("GET", ["accountContacts", id]) => match known_id(&a.account_contacts, id) {
            Some(lid) => (
                200,
                json!({"accountContact": account_contact_json(lid, &a.account_contacts[&lid])}),
            ),
            None => not_found("AccountContact", id),
        },
        ("DELETE", ["accountContacts", id]) => match known_id(&a.account_contacts, id) {
            Some(lid) => {
                a.account_contacts.remove(&lid);
                (200, json!({}))
            }
            None => not_found("AccountContact", id),
        },
        _ => return None,
    };
    Some(answer)
}

/// `GET /accountContacts` by `filters[contact]` and `filters[account]`.
fn list_links(a: &Account, req: &Req<'_>) -> Answer {
    let c = req.q_u64("filters[contact]");
    let acc = req.q_u64("filters[account]");
    let items = a
        .account_contacts
        .iter()
        .filter(|(_, ac)| c.is_none_or(|c| c == ac.contact) && acc.is_none_or(|x| x == ac.account))
        .map(|(id, ac)| account_contact_json(*id, ac))
        .collect();
    page("accountContacts", items, req)
}

/// Custom field metadata of accounts and deals, pipelines and their stages.
fn meta_route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["accountCustomFieldMeta"]) => {
            page("accountCustomFieldMeta", a.account_field_meta.clone(), req)
        }
        ("GET", ["dealCustomFieldMeta"]) => {
            page("dealCustomFieldMeta", a.deal_field_meta.clone(), req)
        }
        ("POST", ["accountCustomFieldMeta"]) => outcome(add_meta(a, req.body, true)),
        ("POST", ["dealCustomFieldMeta"]) => outcome(add_meta(a, req.body, false)),
        ("GET", ["dealGroups"]) => page("dealGroups", a.deal_groups.clone(), req),
        ("GET", ["dealStages"]) => {
            let group = req.q("filters[d_groupid]").map(str::to_owned);
            let items = a
                .deal_stages
                .iter()
                .filter(|s| {
                    group
                        .as_ref()
                        .is_none_or(|g| s["group"].as_str() == Some(g))
                })
                .cloned()
                .collect();
            page("dealStages", items, req)
        }
        _ => return None,
    };
    Some(answer)
}

/// The id and status of a write: the given id and 200, or a new `kind` id and 201.
pub(super) fn id_and_status(a: &mut Account, id: Option<u64>, kind: &'static str) -> (u64, u16) {
    match id {
        Some(id) => (id, 200),
        None => (a.id(kind), 201),
    }
}

/// Copies the members of a write's input onto the stored object, but `fields` (merged
/// separately) and `id`.
pub(super) fn merge_members(merged: &mut Map<String, Value>, input: &Value) {
    if let Some(obj) = input.as_object() {
        for (k, v) in obj {
            if k != "fields" && k != "id" {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
}

/// An account with its current contact and deal counts.
fn account_json(a: &Account, id: u64) -> Value {
    let mut acc = a.accounts.get(&id).cloned().unwrap_or(Value::Null);
    let contacts = a
        .account_contacts
        .values()
        .filter(|ac| ac.account == id)
        .count();
    let deals = a
        .deals
        .values()
        .filter(|d| id_of(&d["account"]) == Some(id))
        .count();
    if let Some(obj) = acc.as_object_mut() {
        obj.insert("contactCount".into(), json!(contacts.to_string()));
        obj.insert("dealCount".into(), json!(deals.to_string()));
    }
    acc
}

/// Reads `fields: [{customFieldId, fieldValue, fieldCurrency?}]` and merges it into the
/// stored ones (one per custom field), numbering the data with `datum`.
pub(super) fn merge_custom_fields(
    a: &mut Account,
    stored: Option<&Value>,
    input: Option<&Value>,
    datum_key: &str,
) -> Result<Vec<Value>, Answer> {
    let mut out: Vec<Value> = stored
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let items = match input {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid("fields")),
    };
    for f in items {
        let Some(field) = id_of(&f["customFieldId"]) else {
            return Err(invalid("customFieldId"));
        };
        let value = match f.get("fieldValue") {
            None | Some(Value::Null) => Value::Null,
            Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Array(_))) => {
                v.clone()
            }
            Some(_) => return Err(invalid("fieldValue")),
        };
        if let Some(existing) = out
            .iter_mut()
            .find(|x| id_of(&x["customFieldId"]) == Some(field))
        {
            existing["fieldValue"] = value;
            if let Some(cur) = f.get("fieldCurrency") {
                existing["fieldCurrency"] = cur.clone();
            }
            continue;
        }
        let datum = a.id(if datum_key == "accountCustomFieldDatumId" {
            "accountDatum"
        } else {
            "dealDatum"
        });
        let mut entry = json!({"customFieldId": field, "fieldValue": value, datum_key: datum});
        if let Some(cur) = f.get("fieldCurrency") {
            entry["fieldCurrency"] = cur.clone();
        }
        out.push(entry);
    }
    Ok(out)
}

fn write_account(a: &mut Account, body: &Value, id: Option<u64>) -> Result<Answer, Answer> {
    let Some(input) = wrapper(body, "account")? else {
        return Err(missing("name"));
    };
    let input = Value::Object(input.clone());
    let name = member(&input, "name")?.map(|n| n.trim().to_owned());
    if id.is_none() && name.as_deref().is_none_or(str::is_empty) {
        return Err(missing("name"));
    }
    if name.as_deref() == Some("") {
        return Err(invalid("name"));
    }
    if let Some(n) = &name
        && a.accounts.iter().any(|(x, acc)| {
            Some(*x) != id
                && acc["name"]
                    .as_str()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case(n))
        })
    {
        return Err(error(
            "An account with this name already exists",
            "duplicate",
            Some("name"),
        ));
    }
    for k in ["accountUrl", "owner", "description"] {
        member(&input, k)?;
    }
    let stored = id.and_then(|i| a.accounts.get(&i)).cloned();
    let fields = merge_custom_fields(
        a,
        stored.as_ref().map(|s| &s["fields"]),
        input.get("fields"),
        "accountCustomFieldDatumId",
    )?;
    let (id, status) = id_and_status(a, id, "account");
    let t = now();
    let mut merged: Map<String, Value> = stored
        .and_then(|s| s.as_object().cloned())
        .unwrap_or_else(|| {
            let mut m = Map::new();
            m.insert("accountUrl".into(), Value::Null);
            m.insert("owner".into(), json!("1"));
            m.insert("createdTimestamp".into(), json!(t));
            m
        });
    merge_members(&mut merged, &input);
    if let Some(n) = name {
        merged.insert("name".into(), json!(n));
    }
    merged.insert("updatedTimestamp".into(), json!(t));
    merged.insert("links".into(), json!([]));
    merged.insert("fields".into(), json!(fields));
    merged.insert("id".into(), json!(id.to_string()));
    a.accounts.insert(id, Value::Object(merged));
    Ok((status, json!({"account": account_json(a, id)})))
}

fn link(a: &mut Account, body: &Value) -> Result<Answer, Answer> {
    let empty = Value::Object(Map::new());
    let ac = wrapper(body, "accountContact")?.map_or(empty, |m| Value::Object(m.clone()));
    for attr in ["account", "contact"] {
        if ac[attr].is_null() {
            return Err(missing(attr));
        }
    }
    let Some(acc) = id_of(&ac["account"]).filter(|x| a.accounts.contains_key(x)) else {
        return Err(invalid("account"));
    };
    let Some(c) = id_of(&ac["contact"]).filter(|x| a.contacts.contains_key(x)) else {
        return Err(invalid("contact"));
    };
    let job_title = member(&ac, "jobTitle")?.unwrap_or_default();
    // a contact belongs to one account only
    if a.account_contacts.values().any(|x| x.contact == c) {
        return Err(error(
            "The contact is already associated with an account",
            "field_invalid",
            Some("contact"),
        ));
    }
    let id = a.id("accountContact");
    let link = AccountContact {
        account: acc,
        contact: c,
        job_title,
        cdate: now(),
    };
    let out = account_contact_json(id, &link);
    a.account_contacts.insert(id, link);
    Ok((201, json!({ "accountContact": out })))
}

fn add_meta(a: &mut Account, body: &Value, account: bool) -> Result<Answer, Answer> {
    let key = if account {
        "accountCustomFieldMetum"
    } else {
        "dealCustomFieldMetum"
    };
    let empty = Value::Object(Map::new());
    let m = wrapper(body, key)?.map_or(empty, |m| Value::Object(m.clone()));
    let Some(label) = member(&m, "fieldLabel")?.filter(|l| !l.trim().is_empty()) else {
        return Err(missing("fieldLabel"));
    };
    let Some(kind) = member(&m, "fieldType")?.filter(|l| !l.trim().is_empty()) else {
        return Err(missing("fieldType"));
    };
    let id = a.id(if account {
        "accountCustomFieldMeta"
    } else {
        "dealCustomFieldMeta"
    });
    let t = now();
    let mut out = m.clone();
    if let Some(obj) = out.as_object_mut() {
        obj.insert("fieldLabel".into(), json!(label));
        obj.insert("fieldType".into(), json!(kind));
        obj.entry("fieldOptions").or_insert(Value::Null);
        obj.entry("isRequired").or_insert(json!(0));
        obj.entry("displayOrder").or_insert(json!(id));
        obj.insert("createdTimestamp".into(), json!(t));
        obj.insert("updatedTimestamp".into(), json!(t));
        obj.insert("links".into(), json!({}));
        obj.insert("id".into(), json!(id.to_string()));
    }
    if account {
        a.account_field_meta.push(out.clone());
    } else {
        a.deal_field_meta.push(out.clone());
    }
    Ok((201, json!({ key: out })))
}
