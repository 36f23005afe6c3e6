//! CRM: accounts, account–contact links, deals, their custom field metadata, pipelines.

use serde_json::{Map, Value, json};

use super::render::{account_contact_json, contact_json};
use super::state::{Account, AccountContact};
use super::wire::{
    Answer, Req, error, hash_hex, id_of, invalid, member, missing, not_found, now, page, text,
    wrapper,
};

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["accounts"]) => {
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
        ("POST", ["accounts"]) => outcome(write_account(a, req.body, None)),
        ("GET", ["accounts", id]) => match key(&a.accounts, id) {
            Some(aid) => (200, json!({"account": account_json(a, aid)})),
            None => not_found("Account", id),
        },
        ("PUT", ["accounts", id]) => match key(&a.accounts, id) {
            Some(aid) => outcome(write_account(a, req.body, Some(aid))),
            None => not_found("Account", id),
        },
        ("DELETE", ["accounts", id]) => match key(&a.accounts, id) {
            Some(aid) => {
                a.accounts.remove(&aid);
                a.account_contacts.retain(|_, ac| ac.account != aid);
                (200, json!({}))
            }
            None => not_found("Account", id),
        },
        ("POST", ["accountContacts"]) => outcome(link(a, req.body)),
        ("GET", ["accountContacts"]) => {
            let c = req.q_u64("filters[contact]");
            let acc = req.q_u64("filters[account]");
            let items = a
                .account_contacts
                .iter()
                .filter(|(_, ac)| {
                    c.is_none_or(|c| c == ac.contact) && acc.is_none_or(|x| x == ac.account)
                })
                .map(|(id, ac)| account_contact_json(*id, ac))
                .collect();
            page("accountContacts", items, req)
        }
        ("GET", ["accountContacts", id]) => match key(&a.account_contacts, id) {
            Some(lid) => (
                200,
                json!({"accountContact": account_contact_json(lid, &a.account_contacts[&lid])}),
            ),
            None => not_found("AccountContact", id),
        },
        ("DELETE", ["accountContacts", id]) => match key(&a.account_contacts, id) {
            Some(lid) => {
                a.account_contacts.remove(&lid);
                (200, json!({}))
            }
            None => not_found("AccountContact", id),
        },
        ("GET", ["deals"]) => list_deals(a, req),
        ("POST", ["deals"]) => outcome(write_deal(a, req.body, None)),
        ("GET", ["deals", id]) => match key(&a.deals, id) {
            Some(did) => (200, json!({"deal": a.deals[&did]})),
            None => not_found("Deal", id),
        },
        ("PUT", ["deals", id]) => match key(&a.deals, id) {
            Some(did) => outcome(write_deal(a, req.body, Some(did))),
            None => not_found("Deal", id),
        },
        ("DELETE", ["deals", id]) => match key(&a.deals, id) {
            Some(did) => {
                a.deals.remove(&did);
                (200, json!({}))
            }
            None => not_found("Deal", id),
        },
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

fn outcome(r: Result<Answer, Answer>) -> Answer {
    match r {
        Ok(a) | Err(a) => a,
    }
}

/// The id in a path segment, if it is a key of the map.
fn key<V>(map: &std::collections::BTreeMap<u64, V>, id: &str) -> Option<u64> {
    id.trim().parse().ok().filter(|i| map.contains_key(i))
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
fn merge_custom_fields(
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
    let (id, status) = match id {
        Some(id) => (id, 200),
        None => (a.id("account"), 201),
    };
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
    if let Some(obj) = input.as_object() {
        for (k, v) in obj {
            if k != "fields" && k != "id" {
                merged.insert(k.clone(), v.clone());
            }
        }
    }
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

fn list_deals(a: &Account, req: &Req<'_>) -> Answer {
    let search = req
        .q("filters[search]")
        .or(req.q("search"))
        .map(str::to_lowercase);
    let title = req.q("filters[title]").map(str::to_lowercase);
    let exact: Vec<(&str, &str)> = [
        ("filters[stage]", "stage"),
        ("filters[group]", "group"),
        ("filters[status]", "status"),
        ("filters[owner]", "owner"),
        ("filters[contact]", "contact"),
        ("filters[account]", "account"),
    ]
    .into_iter()
    .filter_map(|(k, member)| req.q(k).map(|v| (member, v)))
    .collect();
    let items = a
        .deals
        .values()
        .filter(|d| {
            let t = d["title"].as_str().unwrap_or("").to_lowercase();
            search.as_ref().is_none_or(|s| t.contains(s.as_str()))
                && title.as_ref().is_none_or(|s| t.contains(s.as_str()))
                && exact
                    .iter()
                    .all(|(m, v)| text(&d[*m]).is_some_and(|x| x == v.trim()))
        })
        .cloned()
        .collect();
    page("deals", items, req)
}

fn write_deal(a: &mut Account, body: &Value, id: Option<u64>) -> Result<Answer, Answer> {
    let Some(input) = wrapper(body, "deal")? else {
        return Err(missing("title"));
    };
    let input = Value::Object(input.clone());
    let title = member(&input, "title")?;
    if id.is_none() {
        if title.as_deref().is_none_or(|t| t.trim().is_empty()) {
            return Err(missing("title"));
        }
        if input["contact"].is_null() && input["account"].is_null() {
            return Err(missing("contact"));
        }
    }
    if !input["contact"].is_null()
        && id_of(&input["contact"]).is_none_or(|c| !a.contacts.contains_key(&c))
    {
        return Err(invalid("contact"));
    }
    if !input["account"].is_null()
        && id_of(&input["account"]).is_none_or(|c| !a.accounts.contains_key(&c))
    {
        return Err(invalid("account"));
    }
    if let Some(v) = input.get("value")
        && !v.is_null()
        && v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .is_none_or(|n| n < 0.0 || !n.is_finite())
    {
        return Err(invalid("value"));
    }
    if let Some(s) = input.get("status")
        && !s.is_null()
        && id_of(s).is_none_or(|s| s > 2)
    {
        return Err(invalid("status"));
    }
    if let Some(c) = member(&input, "currency")?
        && (c.len() != 3 || !c.chars().all(|x| x.is_ascii_alphabetic()))
    {
        return Err(invalid("currency"));
    }
    for k in ["description", "owner", "percent", "group", "stage"] {
        member(&input, k)?;
    }
    let stored = id.and_then(|i| a.deals.get(&i)).cloned();
    let fields = merge_custom_fields(
        a,
        stored.as_ref().map(|s| &s["fields"]),
        input.get("fields"),
        "dealCustomFieldDatumId",
    )?;
    let (id, status) = match id {
        Some(id) => (id, 200),
        None => (a.id("deal"), 201),
    };
    let t = now();
    let mut merged: Map<String, Value> = stored
        .and_then(|s| s.as_object().cloned())
        .unwrap_or_else(|| {
            let mut m = Map::new();
            for (k, v) in [
                ("owner", json!("1")),
                ("group", json!("1")),
                ("stage", json!("1")),
                ("status", json!("0")),
                ("percent", json!("0")),
                ("currency", json!("usd")),
                ("value", json!("0")),
                ("description", json!("")),
                ("contact", Value::Null),
                ("account", Value::Null),
                ("cdate", json!(t)),
                (
                    "hash",
                    json!(hash_hex(&format!("deal:{id}")).get(..8).unwrap_or("")),
                ),
            ] {
                m.insert(k.into(), v);
            }
            m
        });
    if let Some(obj) = input.as_object() {
        for (k, v) in obj {
            if k == "fields" || k == "id" {
                continue;
            }
            let v = match (k.as_str(), v) {
                ("currency", Value::String(c)) => json!(c.to_lowercase()),
                _ => v.clone(),
            };
            merged.insert(k.clone(), v);
        }
    }
    merged.insert("mdate".into(), json!(t));
    merged.insert("fields".into(), json!(fields));
    merged.insert(
        "links".into(),
        json!({"dealActivities": format!("/api/3/deals/{id}/dealActivities"),
               "contact": format!("/api/3/deals/{id}/contact"),
               "stage": format!("/api/3/deals/{id}/stage")}),
    );
    merged.insert("id".into(), json!(id.to_string()));
    let deal = Value::Object(merged);
    a.deals.insert(id, deal.clone());
    let contacts: Vec<Value> = id_of(&deal["contact"])
        .filter(|c| a.contacts.contains_key(c))
        .map(|c| contact_json(a, c))
        .into_iter()
        .collect();
    let stages: Vec<Value> = a
        .deal_stages
        .iter()
        .filter(|s| text(&s["id"]) == text(&deal["stage"]))
        .cloned()
        .collect();
    Ok((
        status,
        json!({"contacts": contacts, "deal": deal, "dealStages": stages}),
    ))
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
