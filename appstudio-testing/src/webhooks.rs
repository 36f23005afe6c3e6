//! ActiveCampaign's own webhooks (stored only; the fake delivers nothing) and the fixed
//! list of webhook events.

use serde_json::{Value, json};

use super::state::Account;
use super::wire::{
    Answer, Req, id_of, invalid, known_id, member, missing, not_found, now, outcome, page, wrapper,
};

/// The events `GET /webhook/events` lists.
const EVENTS: &[&str] = &[
    "subscribe",
    "unsubscribe",
    "update",
    "subscriber_note",
    "contact_tag_added",
    "contact_tag_removed",
    "list_add",
    "sent",
    "open",
    "click",
    "reply",
    "forward",
    "share",
    "bounce",
    "deal_add",
    "deal_update",
    "deal_note_add",
    "deal_pipeline_add",
    "deal_stage_add",
    "deal_task_add",
    "deal_task_complete",
    "deal_tasktype_add",
    "sms_sent",
    "sms_reply",
    "sms_unsub",
];

/// Sources a webhook can listen to.
const SOURCES: &[&str] = &["public", "admin", "api", "system"];

/// Routes of this module; `None` when the request is not one of them.
pub(super) fn route(a: &mut Account, req: &Req<'_>) -> Option<Answer> {
    let answer = match (req.method, req.segments().as_slice()) {
        ("GET", ["webhook", "events"]) => (
            200,
            json!({"webhookEvents": EVENTS, "meta": {"total": EVENTS.len()}}),
        ),
        ("GET", ["webhooks"]) => {
            let name = req.q("filters[name]");
            let url = req.q("filters[url]");
            let list = req.q("filters[listid]");
            let items = a
                .webhooks
                .values()
                .filter(|w| {
                    name.is_none_or(|n| w["name"].as_str() == Some(n))
                        && url.is_none_or(|u| w["url"].as_str() == Some(u))
                        && list.is_none_or(|l| w["listid"].as_str() == Some(l.trim()))
                })
                .cloned()
                .collect();
            page("webhooks", items, req)
        }
        ("POST", ["webhooks"]) => outcome(write(a, req.body, None)),
        ("GET", ["webhooks", id]) => match webhook_id(a, id) {
            Some(wid) => (200, json!({"webhook": a.webhooks[&wid]})),
            None => not_found("Webhook", id),
        },
        ("PUT", ["webhooks", id]) => match webhook_id(a, id) {
            Some(wid) => outcome(write(a, req.body, Some(wid))),
            None => not_found("Webhook", id),
        },
        ("DELETE", ["webhooks", id]) => match webhook_id(a, id) {
            Some(wid) => {
                a.webhooks.remove(&wid);
                (200, json!({}))
            }
            None => not_found("Webhook", id),
        },
        _ => return None,
    };
    Some(answer)
}

fn webhook_id(a: &Account, id: &str) -> Option<u64> {
    known_id(&a.webhooks, id)
}

/// A list of known names (`events`, `sources`).
fn names(v: &Value, known: &[&str], attr: &str) -> Result<Option<Vec<String>>, Answer> {
    match v {
        Value::Null => Ok(None),
        Value::Array(items) => {
            let mut out = Vec::new();
            for i in items {
                match i.as_str() {
                    Some(s) if known.contains(&s) => out.push(s.to_owned()),
                    _ => return Err(invalid(attr)),
                }
            }
            if out.is_empty() {
                return Err(missing(attr));
            }
            Ok(Some(out))
        }
        _ => Err(invalid(attr)),
    }
}

fn write(a: &mut Account, body: &Value, id: Option<u64>) -> Result<Answer, Answer> {
    let empty = Value::Object(serde_json::Map::new());
    let w = wrapper(body, "webhook")?.map_or(empty, |m| Value::Object(m.clone()));
    let name = member(&w, "name")?.filter(|n| !n.trim().is_empty());
    let url = member(&w, "url")?.filter(|n| !n.trim().is_empty());
    let events = names(&w["events"], EVENTS, "events")?;
    let sources = names(&w["sources"], SOURCES, "sources")?;
    if id.is_none() {
        for (attr, present) in [
            ("name", name.is_some()),
            ("url", url.is_some()),
            ("events", events.is_some()),
            ("sources", sources.is_some()),
        ] {
            if !present {
                return Err(missing(attr));
            }
        }
    }
    if url
        .as_deref()
        .is_some_and(|u| !u.starts_with("http://") && !u.starts_with("https://"))
    {
        return Err(invalid("url"));
    }
    let listid = match &w["listid"] {
        Value::Null => None,
        v => Some(id_of(v).ok_or_else(|| invalid("listid"))?),
    };
    if listid.is_some_and(|l| l != 0 && !a.lists.contains_key(&l)) {
        return Err(invalid("listid"));
    }
    let (id, status) = match id {
        Some(id) => (id, 200),
        None => (a.id("webhook"), 201),
    };
    let stored = a.webhooks.entry(id).or_insert_with(|| {
        json!({"cdate": now(), "listid": "0", "name": "", "url": "", "events": [],
               "sources": [], "links": [], "id": id.to_string()})
    });
    if let Some(n) = name {
        stored["name"] = json!(n);
    }
    if let Some(u) = url {
        stored["url"] = json!(u);
    }
    if let Some(e) = events {
        stored["events"] = json!(e);
    }
    if let Some(s) = sources {
        stored["sources"] = json!(s);
    }
    if let Some(l) = listid {
        stored["listid"] = json!(l.to_string());
    }
    Ok((status, json!({"webhook": stored.clone()})))
}
