//! Deals: create, get, update, delete and list with filters (their custom field data
//! merged like an account's).

use serde_json::{Map, Value, json};

use super::crm::{id_and_status, merge_custom_fields, merge_members};
use super::render::contact_json;
use super::state::Account;
use super::wire::{
    Answer, Req, hash_hex, id_of, invalid, known_id, member, missing, not_found, now, outcome,
    page, text, wrapper,
};

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["deals"]) => list_deals(a, req),
        ("POST", ["deals"]) => outcome(write_deal(a, req.body, None)),
        ("GET", ["deals", id]) => match known_id(&a.deals, id) {
            Some(did) => (200, json!({"deal": a.deals[&did]})),
            None => not_found("Deal", id),
        },
        ("PUT", ["deals", id]) => match known_id(&a.deals, id) {
            Some(did) => outcome(write_deal(a, req.body, Some(did))),
            None => not_found("Deal", id),
        },
        ("DELETE", ["deals", id]) => match known_id(&a.deals, id) {
            Some(did) => {
                a.deals.remove(&did);
                (200, json!({}))
            }
            None => not_found("Deal", id),
        },
        _ => return None,
    };
    Some(answer)
}

/// `GET /deals` with its search and exact-match filters.
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

/// `POST /deals` (`id` `None`) or `PUT /deals/{id}`.
fn write_deal(a: &mut Account, body: &Value, id: Option<u64>) -> Result<Answer, Answer> {
    let Some(input) = wrapper(body, "deal")? else {
        return Err(missing("title"));
    };
    let input = Value::Object(input.clone());
    check_deal(a, &input, id.is_none())?;
    check_deal_members(&input)?;
    let stored = id.and_then(|i| a.deals.get(&i)).cloned();
    let fields = merge_custom_fields(
        a,
        stored.as_ref().map(|s| &s["fields"]),
        input.get("fields"),
        "dealCustomFieldDatumId",
    )?;
    let (id, status) = id_and_status(a, id, "deal");
    let t = now();
    let mut merged: Map<String, Value> = stored
        .and_then(|s| s.as_object().cloned())
        .unwrap_or_else(|| new_deal(id, &t));
    merge_members(&mut merged, &input);
    if let Some(Value::String(c)) = input.get("currency") {
        merged.insert("currency".into(), json!(c.to_lowercase()));
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
    Ok((status, deal_answer(a, deal)))
}

/// The title (and, on create, a contact or account) and the references to them.
fn check_deal(a: &Account, input: &Value, creating: bool) -> Result<(), Answer> {
    let title = member(input, "title")?;
    if creating {
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
    Ok(())
}

/// The value (not negative), status (0 to 2), currency (three letters) and the other
/// scalar members.
fn check_deal_members(input: &Value) -> Result<(), Answer> {
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
    if let Some(c) = member(input, "currency")?
        && (c.len() != 3 || !c.chars().all(|x| x.is_ascii_alphabetic()))
    {
        return Err(invalid("currency"));
    }
    for k in ["description", "owner", "percent", "group", "stage"] {
        member(input, k)?;
    }
    Ok(())
}

/// The members a new deal starts with.
fn new_deal(id: u64, t: &str) -> Map<String, Value> {
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
}

/// The body of a deal write: the deal with its contact and stage sideloaded.
fn deal_answer(a: &Account, deal: Value) -> Value {
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
    json!({"contacts": contacts, "deal": deal, "dealStages": stages})
}
