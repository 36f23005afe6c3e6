//! Wire shapes of records that more than one resource renders: a contact (in the answers of
//! field values, list memberships, deals and its own routes) and the associations a contact's
//! routes list beside it. The resource modules import these; this module imports only `state`
//! and `wire`.

use serde_json::{Value, json};

use super::state::{Account, AccountContact, ContactList, ContactTag, FieldValue};
use super::wire::{hash_hex, id_strings, mysql_time};

/// A contact in wire shape (`fieldValues` holds the ids of its values).
pub(super) fn contact_json(a: &Account, id: u64) -> Value {
    let Some(c) = a.contacts.get(&id) else {
        return Value::Null;
    };
    let values: Vec<u64> = a
        .field_values
        .iter()
        .filter(|(_, v)| v.contact == id)
        .map(|(fv, _)| *fv)
        .collect();
    let (local, domain) = c.email.split_once('@').unwrap_or(("", ""));
    let links: serde_json::Map<String, Value> = [
        "bounceLogs",
        "contactAutomations",
        "contactData",
        "contactGoals",
        "contactLists",
        "contactLogs",
        "contactTags",
        "contactDeals",
        "deals",
        "fieldValues",
        "geoIps",
        "notes",
        "organization",
        "plusAppend",
        "trackingLogs",
        "scoreValues",
        "accountContacts",
        "automationEntryCounts",
    ]
    .iter()
    .map(|k| ((*k).to_owned(), json!(format!("/api/3/contacts/{id}/{k}"))))
    .collect();
    let mut out = json!({
        "cdate": c.cdate, "email": c.email, "phone": c.phone, "firstName": c.first_name,
        "lastName": c.last_name, "orgid": "0", "orgname": "", "segmentio_id": "",
        "bounced_hard": "0", "bounced_soft": "0", "bounced_date": null, "ip": "0", "ua": null,
        "socialdata_lastcheck": null, "sentcnt": "0", "rating_tstamp": null,
        "gravatar": "0", "deleted": "0", "anonymized": "0", "adate": null, "udate": c.udate,
        "edate": null, "deleted_at": null,
        "created_utc_timestamp": mysql_time(&c.cdate), "updated_utc_timestamp": mysql_time(&c.udate),
        "created_timestamp": mysql_time(&c.cdate), "updated_timestamp": mysql_time(&c.udate),
        "mpp_tracking": "0", "fieldValues": id_strings(&values), "scoreValues": [],
        "links": links,
        "id": id.to_string(), "organization": null,
    });
    out["hash"] = json!(hash_hex(&format!("{id}:{}", c.email)));
    out["email_local"] = json!(local);
    out["email_domain"] = json!(domain);
    out
}

/// A field value in wire shape.
pub(super) fn field_value_json(id: u64, v: &FieldValue) -> Value {
    json!({"contact": v.contact.to_string(), "field": v.field.to_string(), "value": v.value,
           "cdate": v.cdate, "udate": v.udate, "created_by": null, "updated_by": null,
           "links": {"owner": format!("/api/3/fieldValues/{id}/owner"),
                     "field": format!("/api/3/fieldValues/{id}/field")},
           "id": id.to_string(), "owner": v.contact.to_string()})
}

/// A list membership in wire shape.
pub(super) fn contact_list_json(a: &Account, id: u64, cl: &ContactList) -> Value {
    let c = a.contacts.get(&cl.contact);
    json!({"contact": cl.contact.to_string(), "list": cl.list.to_string(), "form": null,
           "seriesid": "0", "sdate": cl.cdate, "udate": cl.udate, "status": cl.status.to_string(),
           "responder": "1", "sync": "0", "unsubreason": null, "campaign": null, "message": null,
           "first_name": c.map(|c| c.first_name.as_str()).unwrap_or(""),
           "last_name": c.map(|c| c.last_name.as_str()).unwrap_or(""),
           "ip4Sub": "0", "sourceid": "0", "autosyncLog": null, "ip4_last": "0", "ip4Unsub": "0",
           "unsubscribeAutomation": null,
           "links": {"automation": "", "list": format!("/api/3/contactLists/{id}/list"),
                     "contact": format!("/api/3/contactLists/{id}/contact"), "form": "",
                     "autosyncLog": "", "campaign": "", "unsubscribeAutomation": "", "message": ""},
           "id": id.to_string(), "automation": null})
}

/// A contact–tag association in wire shape.
pub(super) fn contact_tag_json(id: u64, ct: &ContactTag) -> Value {
    json!({"contact": ct.contact.to_string(), "tag": ct.tag.to_string(), "cdate": ct.cdate,
           "created_timestamp": mysql_time(&ct.cdate),
           "updated_timestamp": mysql_time(&ct.cdate),
           "created_by": null, "updated_by": null,
           "links": {"contact": format!("/api/3/contactTags/{id}/contact"),
                     "tag": format!("/api/3/contactTags/{id}/tag")},
           "id": id.to_string()})
}

/// An account–contact link in wire shape.
pub(super) fn account_contact_json(id: u64, ac: &AccountContact) -> Value {
    json!({"account": ac.account.to_string(), "contact": ac.contact.to_string(),
           "jobTitle": ac.job_title, "createdTimestamp": ac.cdate, "updatedTimestamp": ac.cdate,
           "links": {"account": format!("/api/3/accountContacts/{id}/account"),
                     "contact": format!("/api/3/accountContacts/{id}/contact")},
           "id": id.to_string()})
}
