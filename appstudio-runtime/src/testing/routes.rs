//! The fake's routes under `/api/3/`: `(status, body)` per request.

use serde_json::{Map, Value, json};

use super::FakeConfig;
use super::state::{Account, Contact, Field, NOW, field_value_json};

type Answer = (u16, Value);
type Query = [(String, String)];

fn q<'a>(query: &'a Query, key: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One page of a classic collection: `limit` (default 20, at most 100) from `offset`.
fn page(key: &str, items: Vec<Value>, query: &Query) -> Answer {
    let total = items.len();
    let limit = q(query, "limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(20)
        .min(100);
    let offset = q(query, "offset")
        .and_then(|o| o.parse::<usize>().ok())
        .unwrap_or(0);
    let items: Vec<Value> = items.into_iter().skip(offset).take(limit).collect();
    (
        200,
        json!({ key: items, "meta": {"total": total.to_string()} }),
    )
}

fn message(status: u16, text: String) -> Answer {
    (status, json!({ "message": text }))
}

fn not_found(what: &str, id: &str) -> Answer {
    message(404, format!("No Result found for {what} with id {id}"))
}

fn error(status: u16, title: &str, code: &str, attr: Option<&str>) -> Answer {
    let mut e = json!({"title": title, "detail": "", "code": code});
    if let Some(a) = attr {
        e["source"] = json!({"pointer": format!("/data/attributes/{a}")});
    }
    (status, json!({ "errors": [e] }))
}

fn email_invalid() -> Answer {
    let mut a = error(
        422,
        "Contact Email Address is not valid.",
        "email_invalid",
        Some("email"),
    );
    a.1["errors"][0]["error"] = json!("must_be_valid_email_address");
    a
}

fn missing(attr: &str) -> Answer {
    error(
        422,
        &format!("The {attr} field is required"),
        "field_missing",
        Some(attr),
    )
}

fn invalid(attr: &str) -> Answer {
    error(
        422,
        &format!("The {attr} is not valid"),
        "field_invalid",
        Some(attr),
    )
}

fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !e.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// Answers one request for an account.
pub fn route(
    a: &mut Account,
    config: &FakeConfig,
    method: &str,
    path: &[&str],
    query: &Query,
    body: &Value,
) -> Answer {
    match (method, path) {
        ("GET", ["users", "me"]) => (
            200,
            json!({"user": {"id": "1", "username": "admin", "email": "admin@example.com"}}),
        ),
        ("POST", ["contacts"]) => write_contact(a, config, body, Write::Create),
        ("POST", ["contact", "sync"]) => write_contact(a, config, body, Write::Sync),
        ("GET", ["contacts"]) => list_contacts(a, query),
        ("GET", ["contacts", id]) => match contact_id(a, id) {
            Some(cid) => (
                200,
                json!({"contact": a.contact_json(cid), "fieldValues": a.field_values_of(cid),
                       "contactLists": contact_lists(a, cid), "contactAutomations": [], "deals": [],
                       "geoIps": [], "geoAddresses": [], "accountContacts": []}),
            ),
            None => not_found("Subscriber", id),
        },
        ("PUT", ["contacts", id]) => match contact_id(a, id) {
            Some(cid) => write_contact(a, config, body, Write::Update(cid)),
            None => not_found("Subscriber", id),
        },
        ("DELETE", ["contacts", id]) => match contact_id(a, id) {
            Some(cid) => {
                a.contacts.remove(&cid);
                a.field_values.retain(|_, (c, _, _)| *c != cid);
                a.contact_tags.retain(|_, (c, _)| *c != cid);
                a.contact_lists.retain(|_, (_, c, _)| *c != cid);
                (200, json!({}))
            }
            None => message(404, format!("No result found for contact with id {id}")),
        },
        ("GET", ["contacts", id, sub]) => match contact_id(a, id) {
            Some(cid) => match *sub {
                "fieldValues" => (200, json!({"fieldValues": a.field_values_of(cid)})),
                "contactLists" => (200, json!({"contactLists": contact_lists(a, cid)})),
                "contactTags" => (
                    200,
                    json!({"contactTags": contact_tags(a, Some(cid), None)}),
                ),
                _ => message(404, "Not Found".into()),
            },
            None => not_found("Subscriber", id),
        },
        ("GET", ["fields"]) => {
            let mut ids: Vec<u64> = a.fields.keys().copied().collect();
            if let Some(tag) = q(query, "filters[perstag]") {
                ids.retain(|i| a.fields[i].perstag.eq_ignore_ascii_case(tag));
            }
            let (status, mut body) = page(
                "fields",
                ids.iter().map(|i| a.field_json(*i)).collect(),
                query,
            );
            let shown: Vec<u64> = body["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|f| id_of(&f["id"]))
                .collect();
            body["fieldOptions"] = json!(a.options_json(&shown));
            body["fieldRels"] = json!(shown.iter().map(|i| json!({"id": i.to_string(), "field": i.to_string(), "relid": "0", "dorder": "0", "cdate": NOW, "links": []})).collect::<Vec<_>>());
            (status, body)
        }
        ("GET", ["fields", id]) => match id.parse().ok().filter(|i| a.fields.contains_key(i)) {
            Some(fid) => (
                200,
                json!({"field": a.field_json(fid), "fieldOptions": a.options_json(&[fid]), "fieldRels": []}),
            ),
            None => not_found("Field", id),
        },
        ("POST", ["fields"]) => create_field(a, body),
        ("POST", ["fieldValues"]) => {
            let fv = &body["fieldValue"];
            let (Some(c), Some(f)) = (id_of(&fv["contact"]), id_of(&fv["field"])) else {
                return missing(if fv["contact"].is_null() {
                    "contact"
                } else {
                    "field"
                });
            };
            let Some(value) = text(&fv["value"]) else {
                return missing("value");
            };
            if !a.contacts.contains_key(&c) || !a.fields.contains_key(&f) {
                return invalid(if a.contacts.contains_key(&c) {
                    "field"
                } else {
                    "contact"
                });
            }
            let id = set_value(a, c, f, value);
            (
                200,
                json!({"contacts": [a.contact_json(c)], "fieldValue": field_value_json(id, &a.field_values[&id])}),
            )
        }
        ("GET", ["fieldValues"]) => {
            let field = q(query, "filters[fieldid]").and_then(|f| f.parse::<u64>().ok());
            let val = q(query, "filters[val]");
            let items = a
                .field_values
                .iter()
                .filter(|(_, (_, f, v))| {
                    field.is_none_or(|x| x == *f) && val.is_none_or(|x| x == v)
                })
                .map(|(id, v)| field_value_json(*id, v))
                .collect();
            page("fieldValues", items, query)
        }
        ("GET" | "PUT" | "DELETE", ["fieldValues", id]) => {
            let Some(fid) = id.parse().ok().filter(|i| a.field_values.contains_key(i)) else {
                return not_found("FieldValue", id);
            };
            match method {
                "GET" => (
                    200,
                    json!({"fieldValue": field_value_json(fid, &a.field_values[&fid])}),
                ),
                "DELETE" => {
                    a.field_values.remove(&fid);
                    (200, json!({}))
                }
                _ => {
                    if let Some(v) = text(&body["fieldValue"]["value"])
                        && let Some(e) = a.field_values.get_mut(&fid)
                    {
                        e.2 = v;
                    }
                    (
                        200,
                        json!({"fieldValue": field_value_json(fid, &a.field_values[&fid])}),
                    )
                }
            }
        }
        ("GET", ["tags"]) => {
            let search = q(query, "search").map(str::to_lowercase);
            let exact = q(query, "filters[search][eq]").map(str::to_lowercase);
            let items = a
                .tags
                .iter()
                .filter(|(_, (n, _))| {
                    let n = n.to_lowercase();
                    search.as_ref().is_none_or(|s| n.contains(s.as_str()))
                        && exact.as_ref().is_none_or(|s| &n == s)
                })
                .map(|(id, _)| a.tag_json(*id))
                .collect();
            page("tags", items, query)
        }
        ("POST", ["tags"]) => {
            let Some(name) = text(&body["tag"]["tag"]).filter(|n| !n.trim().is_empty()) else {
                return missing("tag");
            };
            if let Some(existing) = a
                .tags
                .iter()
                .find(|(_, (n, _))| n.eq_ignore_ascii_case(&name))
                .map(|(id, _)| *id)
            {
                if config.duplicate_tag_is_error {
                    return error(422, "Tag already exists", "duplicate", Some("tag"));
                }
                return (201, json!({"tag": a.tag_json(existing)}));
            }
            let id = a.id("tag");
            let kind = text(&body["tag"]["tagType"]).unwrap_or_else(|| "contact".into());
            a.tags.insert(id, (name, kind));
            (201, json!({"tag": a.tag_json(id)}))
        }
        ("GET", ["tags", id]) => match id.parse().ok().filter(|i| a.tags.contains_key(i)) {
            Some(tid) => {
                let mut t = a.tag_json(tid);
                t["subscriber_count"] = json!(
                    a.contact_tags
                        .values()
                        .filter(|(_, x)| *x == tid)
                        .count()
                        .to_string()
                );
                (200, json!({"tag": t}))
            }
            None => not_found("Tag", id),
        },
        ("POST", ["contactTags"]) => {
            let ct = &body["contactTag"];
            for attr in ["contact", "tag"] {
                if ct[attr].is_null() {
                    return (
                        422,
                        json!({"errors": [{"status": 422, "title": "Missing attribute", "source": {"pointer": format!("/data/attributes/{attr}")}}]}),
                    );
                }
            }
            let c = id_of(&ct["contact"]).filter(|c| a.contacts.contains_key(c));
            let t = id_of(&ct["tag"]).filter(|t| a.tags.contains_key(t));
            let (Some(c), Some(t)) = (c, t) else {
                let detail = if c.is_none() {
                    "Contact not found"
                } else {
                    "Tag not found"
                };
                return (
                    404,
                    json!({"errors": [{"status": 404, "title": "Not Found", "detail": detail}]}),
                );
            };
            if let Some(existing) = a
                .contact_tags
                .iter()
                .find(|(_, v)| **v == (c, t))
                .map(|(id, _)| *id)
            {
                return (200, json!({"contactTag": contact_tag_json(existing, c, t)}));
            }
            let id = a.id("contactTag");
            a.contact_tags.insert(id, (c, t));
            (201, json!({"contactTag": contact_tag_json(id, c, t)}))
        }
        ("DELETE", ["contactTags", id]) => {
            match id.parse().ok().filter(|i| a.contact_tags.contains_key(i)) {
                Some(ctid) => {
                    a.contact_tags.remove(&ctid);
                    (200, json!({}))
                }
                None => not_found("SubscriberTag", id),
            }
        }
        ("GET", ["contactTags"]) => {
            let c = q(query, "filters[subscriberid]").and_then(|v| v.parse().ok());
            let t = q(query, "filters[tagid]").and_then(|v| v.parse().ok());
            page("contactTags", contact_tags(a, c, t), query)
        }
        ("GET", ["lists"]) => {
            let items = a.lists.iter().map(|(id, n)| json!({"id": id.to_string(), "name": n, "stringid": n.to_lowercase(), "cdate": NOW, "links": {}})).collect();
            page("lists", items, query)
        }
        ("POST", ["lists"]) => {
            let Some(name) = text(&body["list"]["name"]).filter(|n| !n.is_empty()) else {
                return missing("name");
            };
            let id = a.id("list");
            a.lists.insert(id, name.clone());
            (
                200,
                json!({"list": {"id": id.to_string(), "name": name, "cdate": NOW, "links": {}}}),
            )
        }
        ("POST", ["contactLists"]) => {
            let cl = &body["contactList"];
            let l = id_of(&cl["list"]).filter(|l| a.lists.contains_key(l));
            let c = id_of(&cl["contact"]).filter(|c| a.contacts.contains_key(c));
            let status = id_of(&cl["status"]).filter(|s| *s == 1 || *s == 2);
            let (Some(l), Some(c), Some(status)) = (l, c, status) else {
                return invalid(if l.is_none() {
                    "list"
                } else if c.is_none() {
                    "contact"
                } else {
                    "status"
                });
            };
            let existing = a
                .contact_lists
                .iter()
                .find(|(_, (x, y, _))| *x == l && *y == c)
                .map(|(id, _)| *id);
            let id = existing.unwrap_or_else(|| a.id("contactList"));
            a.contact_lists.insert(id, (l, c, status));
            (
                200,
                json!({"contacts": [a.contact_json(c)], "contactList": {"id": id.to_string(), "list": l.to_string(), "contact": c.to_string(), "status": status.to_string()}}),
            )
        }
        ("GET", ["accountCustomFieldMeta"]) => page(
            "accountCustomFieldMeta",
            a.account_field_meta.clone(),
            query,
        ),
        ("GET", ["dealCustomFieldMeta"]) => {
            page("dealCustomFieldMeta", a.deal_field_meta.clone(), query)
        }
        ("GET", ["accounts"]) => {
            let search = q(query, "search").map(str::to_lowercase);
            let items = a
                .accounts
                .values()
                .filter(|acc| {
                    search.as_ref().is_none_or(|s| {
                        acc["name"]
                            .as_str()
                            .unwrap_or("")
                            .to_lowercase()
                            .contains(s.as_str())
                    })
                })
                .cloned()
                .collect();
            page("accounts", items, query)
        }
        ("POST", ["accounts"]) => write_account(a, body, None),
        ("GET" | "PUT", ["accounts", id]) => {
            match id.parse().ok().filter(|i| a.accounts.contains_key(i)) {
                Some(aid) if method == "PUT" => write_account(a, body, Some(aid)),
                Some(aid) => (200, json!({"account": a.accounts[&aid]})),
                None => not_found("Account", id),
            }
        }
        ("POST", ["accountContacts"]) => {
            let ac = &body["accountContact"];
            let acc = id_of(&ac["account"]).filter(|x| a.accounts.contains_key(x));
            let c = id_of(&ac["contact"]).filter(|x| a.contacts.contains_key(x));
            let (Some(acc), Some(c)) = (acc, c) else {
                return invalid(if acc.is_none() { "account" } else { "contact" });
            };
            if a.account_contacts.values().any(|(_, x)| *x == c) {
                return invalid("contact");
            }
            let id = a.id("accountContact");
            a.account_contacts.insert(id, (acc, c));
            (
                201,
                json!({"accountContact": account_contact_json(id, acc, c)}),
            )
        }
        ("GET", ["accountContacts"]) => {
            let c: Option<u64> = q(query, "filters[contact]").and_then(|v| v.parse().ok());
            let items = a
                .account_contacts
                .iter()
                .filter(|(_, (_, x))| c.is_none_or(|c| c == *x))
                .map(|(id, (acc, x))| account_contact_json(*id, *acc, *x))
                .collect();
            page("accountContacts", items, query)
        }
        ("POST", ["deals"]) => write_deal(a, body, None),
        ("GET" | "PUT", ["deals", id]) => match id.parse().ok().filter(|i| a.deals.contains_key(i))
        {
            Some(did) if method == "PUT" => write_deal(a, body, Some(did)),
            Some(did) => (200, json!({"deal": a.deals[&did]})),
            None => not_found("Deal", id),
        },
        ("GET", ["customObjects", "schemas"]) => {
            let items: Vec<Value> = a.schemas.values().cloned().collect();
            let n = items.len();
            (
                200,
                json!({"schemas": items, "meta": {"total": n, "count": n, "limit": 100, "offset": 0}}),
            )
        }
        ("GET", ["customObjects", "schemas", id]) => match a.schemas.get(*id) {
            Some(s) => (200, json!({"schema": s})),
            None => message(404, "Not Found".into()),
        },
        ("POST", ["customObjects", "records", schema]) => write_record(a, schema, body),
        ("GET", ["customObjects", "records", schema]) => {
            if !a.schemas.contains_key(*schema) {
                return message(404, "Not Found".into());
            }
            let items: Vec<Value> = a
                .records
                .iter()
                .filter(|((s, _), _)| s == schema)
                .map(|(_, r)| r.clone())
                .collect();
            let n = items.len();
            (
                200,
                json!({"records": items, "meta": {"total": n, "count": n, "limit": 100, "offset": 0}}),
            )
        }
        ("GET" | "DELETE", ["customObjects", "records", schema, id]) => {
            let key = (schema.to_string(), id.parse().unwrap_or(0));
            match a.records.get(&key) {
                Some(r) if method == "GET" => (200, json!({"record": r})),
                Some(_) => {
                    a.records.remove(&key);
                    (202, json!({}))
                }
                None => message(404, "Not Found".into()),
            }
        }
        _ => message(404, "Not Found".into()),
    }
}

/// Which contact write.
enum Write {
    Create,
    Sync,
    Update(u64),
}

fn contact_id(a: &Account, id: &str) -> Option<u64> {
    id.parse().ok().filter(|i| a.contacts.contains_key(i))
}

fn find_email(a: &Account, email: &str) -> Option<u64> {
    a.contacts
        .iter()
        .find(|(_, c)| c.email.eq_ignore_ascii_case(email))
        .map(|(id, _)| *id)
}

fn set_value(a: &mut Account, contact: u64, field: u64, value: String) -> u64 {
    let existing = a
        .field_values
        .iter()
        .find(|(_, (c, f, _))| *c == contact && *f == field)
        .map(|(id, _)| *id);
    let id = existing.unwrap_or_else(|| a.id("fieldValue"));
    a.field_values.insert(id, (contact, field, value));
    id
}

fn write_contact(a: &mut Account, config: &FakeConfig, body: &Value, how: Write) -> Answer {
    let Value::Object(c) = &body["contact"] else {
        return (400, json!({}));
    };
    let email = c.get("email").and_then(text);
    let target = match (&how, &email) {
        (Write::Update(id), Some(e)) => {
            if !valid_email(e) {
                return email_invalid();
            }
            if find_email(a, e).is_some_and(|other| other != *id) {
                return error(
                    422,
                    "Email address already exists in the system",
                    "duplicate",
                    Some("email"),
                );
            }
            Some(*id)
        }
        (Write::Update(id), None) => Some(*id),
        (_, None) => return email_invalid(),
        (_, Some(e)) if !valid_email(e) => return email_invalid(),
        (Write::Create, Some(e)) => {
            if find_email(a, e).is_some() {
                return error(
                    422,
                    "Email address already exists in the system",
                    "duplicate",
                    Some("email"),
                );
            }
            None
        }
        (Write::Sync, Some(e)) => find_email(a, e),
    };
    // check custom fields before writing anything
    let mut values = Vec::new();
    for fv in c
        .get("fieldValues")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let field = id_of(&fv["field"]);
        match field.filter(|f| a.fields.contains_key(f)) {
            Some(f) => values.push((f, text(&fv["value"]).unwrap_or_default())),
            None if config.unknown_field_is_error => return invalid("field"),
            None => {}
        }
    }
    let id = target.unwrap_or_else(|| {
        let id = a.id("contact");
        a.contacts.insert(id, Contact::default());
        id
    });
    let set = |key: &str, slot: &mut String| {
        if let Some(v) = c.get(key).and_then(text) {
            *slot = v;
        }
    };
    if let Some(contact) = a.contacts.get_mut(&id) {
        set("email", &mut contact.email);
        set("firstName", &mut contact.first_name);
        set("lastName", &mut contact.last_name);
        set("phone", &mut contact.phone);
    }
    for (f, v) in values {
        set_value(a, id, f, v);
    }
    let status = if matches!(how, Write::Update(_)) {
        200
    } else {
        201
    };
    (
        status,
        json!({"fieldValues": a.field_values_of(id), "contact": a.contact_json(id)}),
    )
}

fn list_contacts(a: &Account, query: &Query) -> Answer {
    let email = q(query, "email").map(str::to_lowercase);
    let like = q(query, "email_like").map(str::to_lowercase);
    let search = q(query, "search").map(str::to_lowercase);
    let greater: Option<u64> = q(query, "id_greater").and_then(|v| v.parse().ok());
    let tag: Option<u64> = q(query, "tagid").and_then(|v| v.parse().ok());
    let list: Option<u64> = q(query, "listid").and_then(|v| v.parse().ok());
    let ids: Vec<u64> = query
        .iter()
        .filter(|(k, _)| k == "ids[]" || k == "ids")
        .flat_map(|(_, v)| {
            v.split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect::<Vec<u64>>()
        })
        .collect();
    let mut items: Vec<(u64, &Contact)> = a
        .contacts
        .iter()
        .map(|(id, c)| (*id, c))
        .filter(|(id, c)| {
            let e = c.email.to_lowercase();
            email.as_ref().is_none_or(|x| &e == x)
                && like.as_ref().is_none_or(|x| e.contains(x.as_str()))
                && search.as_ref().is_none_or(|x| {
                    [&c.email, &c.first_name, &c.last_name, &c.phone]
                        .iter()
                        .any(|f| f.to_lowercase().contains(x.as_str()))
                })
                && greater.is_none_or(|g| *id > g)
                && (ids.is_empty() || ids.contains(id))
                && tag.is_none_or(|t| a.contact_tags.values().any(|(c, x)| c == id && *x == t))
                && list.is_none_or(|l| a.contact_lists.values().any(|(x, c, _)| c == id && *x == l))
        })
        .collect();
    if q(query, "orders[email]").is_some_and(|o| o.eq_ignore_ascii_case("asc")) {
        items.sort_by(|x, y| x.1.email.cmp(&y.1.email));
    }
    if q(query, "orders[id]").is_some_and(|o| o.eq_ignore_ascii_case("desc")) {
        items.reverse();
    }
    let (status, mut body) = page(
        "contacts",
        items.iter().map(|(id, _)| a.contact_json(*id)).collect(),
        query,
    );
    body["scoreValues"] = json!([]);
    body["meta"]["page_input"] = json!({"limit": q(query, "limit").unwrap_or("20"), "offset": q(query, "offset").unwrap_or("0")});
    (status, body)
}

fn contact_lists(a: &Account, contact: u64) -> Vec<Value> {
    a.contact_lists
        .iter()
        .filter(|(_, (_, c, _))| *c == contact)
        .map(|(id, (l, c, s))| json!({"id": id.to_string(), "list": l.to_string(), "contact": c.to_string(), "status": s.to_string()}))
        .collect()
}

fn contact_tag_json(id: u64, contact: u64, tag: u64) -> Value {
    json!({"id": id.to_string(), "contact": contact.to_string(), "tag": tag.to_string(), "cdate": NOW, "links": {}})
}

fn contact_tags(a: &Account, contact: Option<u64>, tag: Option<u64>) -> Vec<Value> {
    a.contact_tags
        .iter()
        .filter(|(_, (c, t))| contact.is_none_or(|x| x == *c) && tag.is_none_or(|x| x == *t))
        .map(|(id, (c, t))| contact_tag_json(*id, *c, *t))
        .collect()
}

fn account_contact_json(id: u64, account: u64, contact: u64) -> Value {
    json!({"id": id.to_string(), "account": account.to_string(), "contact": contact.to_string(), "links": {}})
}

fn create_field(a: &mut Account, body: &Value) -> Answer {
    let f = &body["field"];
    let Some(title) = text(&f["title"]).filter(|t| !t.is_empty()) else {
        return missing("title");
    };
    let Some(kind) = text(&f["type"]).filter(|t| !t.is_empty()) else {
        return missing("type");
    };
    if a.fields
        .values()
        .any(|x| x.title.eq_ignore_ascii_case(&title))
    {
        return (
            422,
            json!({"errors": [{"title": "There is already a field with this title", "detail": format!("There is already a field named '{title}' -- choose another name"), "code": "duplicate"}]}),
        );
    }
    let id = a.id("field");
    let perstag = text(&f["perstag"]).unwrap_or_else(|| title.to_uppercase().replace(' ', "_"));
    a.fields.insert(
        id,
        Field {
            title,
            kind,
            perstag,
            options: Vec::new(),
        },
    );
    (201, json!({"field": a.field_json(id)}))
}

/// Splits `fields: [{customFieldId, fieldValue}]` off a CRM write.
fn crm_object(input: &Map<String, Value>, id: u64) -> Value {
    let mut out = input.clone();
    out.insert("id".into(), json!(id.to_string()));
    out.insert("cdate".into(), json!(NOW));
    out.insert("links".into(), json!({}));
    Value::Object(out)
}

fn write_account(a: &mut Account, body: &Value, id: Option<u64>) -> Answer {
    let Value::Object(input) = &body["account"] else {
        return (400, json!({}));
    };
    let name = input.get("name").and_then(text);
    if id.is_none() && name.as_deref().is_none_or(str::is_empty) {
        return missing("name");
    }
    if let Some(n) = &name
        && a.accounts.iter().any(|(x, acc)| {
            Some(*x) != id
                && acc["name"]
                    .as_str()
                    .is_some_and(|m| m.eq_ignore_ascii_case(n))
        })
    {
        return error(
            422,
            "An account with this name already exists",
            "duplicate",
            Some("name"),
        );
    }
    let (id, status) = match id {
        Some(id) => (id, 200),
        None => (a.id("account"), 201),
    };
    let mut merged = a
        .accounts
        .get(&id)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    merged.extend(input.clone());
    let account = crm_object(&merged, id);
    a.accounts.insert(id, account.clone());
    (status, json!({ "account": account }))
}

fn write_deal(a: &mut Account, body: &Value, id: Option<u64>) -> Answer {
    let Value::Object(input) = &body["deal"] else {
        return (400, json!({}));
    };
    if id.is_none() {
        if input
            .get("title")
            .and_then(text)
            .is_none_or(|t| t.is_empty())
        {
            return missing("title");
        }
        if input.get("contact").is_none() && input.get("account").is_none() {
            return missing("contact");
        }
    }
    if let Some(v) = input.get("value")
        && !v.is_null()
        && v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .is_none_or(|n| n < 0.0)
    {
        return invalid("value");
    }
    let (id, status) = match id {
        Some(id) => (id, 200),
        None => (a.id("deal"), 201),
    };
    let mut merged = a
        .deals
        .get(&id)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    merged.extend(input.clone());
    let deal = crm_object(&merged, id);
    a.deals.insert(id, deal.clone());
    (
        status,
        json!({"contacts": [], "deal": deal, "dealStages": []}),
    )
}

fn write_record(a: &mut Account, schema: &str, body: &Value) -> Answer {
    let Some(s) = a.schemas.get(schema) else {
        return message(404, "Not Found".into());
    };
    let known: Vec<String> = s["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["id"].as_str().map(str::to_owned))
        .collect();
    let record = &body["record"];
    for f in record["fields"].as_array().into_iter().flatten() {
        let fid = f["id"].as_str().unwrap_or_default();
        if !known.iter().any(|k| k == fid) {
            return (
                422,
                json!({"errors": [{"title": format!("Invalid value for field \"{fid}\""), "detail": format!("{fid} cannot accept a value that is not defined in the schema."), "source": {"type": "pointer", "value": format!("/data/attributes/{fid}")}}]}),
            );
        }
    }
    let external = record["externalId"].as_str().map(str::to_owned);
    let existing = a
        .records
        .iter()
        .find(|((s, _), r)| {
            s == schema && external.is_some() && r["externalId"].as_str() == external.as_deref()
        })
        .map(|((_, id), _)| *id)
        .or_else(|| {
            id_of(&record["id"]).filter(|id| a.records.contains_key(&(schema.to_owned(), *id)))
        });
    let id = existing.unwrap_or_else(|| a.id("record"));
    let stored = json!({
        "id": id.to_string(), "externalId": external, "schemaId": schema,
        "fields": record["fields"], "relationships": record["relationships"],
        "createdTimestamp": NOW, "updatedTimestamp": NOW,
    });
    a.records.insert((schema.to_owned(), id), stored.clone());
    (201, json!({ "record": stored }))
}
