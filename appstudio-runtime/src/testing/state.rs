//! The data of one fake account, and its wire shapes.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

/// A timestamp as ActiveCampaign writes them (fixed: tests compare answers).
pub const NOW: &str = "2026-01-01T00:00:00-05:00";

/// A contact.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
}

/// A custom contact field.
#[derive(Debug, Clone, Default)]
pub struct Field {
    pub title: String,
    pub kind: String,
    pub perstag: String,
    pub options: Vec<u64>,
}

/// Everything one account holds.
#[derive(Debug, Default)]
pub struct Account {
    next: HashMap<&'static str, u64>,
    pub contacts: BTreeMap<u64, Contact>,
    /// id → (contact, field, value)
    pub field_values: BTreeMap<u64, (u64, u64, String)>,
    pub fields: BTreeMap<u64, Field>,
    /// id → (field, label)
    pub field_options: BTreeMap<u64, (u64, String)>,
    /// id → (name, type)
    pub tags: BTreeMap<u64, (String, String)>,
    /// id → (contact, tag)
    pub contact_tags: BTreeMap<u64, (u64, u64)>,
    /// id → name
    pub lists: BTreeMap<u64, String>,
    /// id → (list, contact, status)
    pub contact_lists: BTreeMap<u64, (u64, u64, u64)>,
    /// CRM accounts as stored (wire shape).
    pub accounts: BTreeMap<u64, Value>,
    /// id → (account, contact)
    pub account_contacts: BTreeMap<u64, (u64, u64)>,
    pub deals: BTreeMap<u64, Value>,
    /// Custom field metadata of accounts and deals.
    pub account_field_meta: Vec<Value>,
    pub deal_field_meta: Vec<Value>,
    /// Custom-object schemas by id.
    pub schemas: BTreeMap<String, Value>,
    /// (schema id, record id) → record.
    pub records: BTreeMap<(String, u64), Value>,
}

impl Account {
    /// A new id of a kind (ids of each kind count from 1).
    pub fn id(&mut self, kind: &'static str) -> u64 {
        let n = self.next.entry(kind).or_insert(0);
        *n += 1;
        *n
    }

    /// An account with `fields` custom fields (text, date, dropdown, listbox, then text), a
    /// list, and account/deal custom field metadata.
    pub fn seeded(fields: usize) -> Account {
        let mut a = Account::default();
        for i in 0..fields {
            let (title, kind, opts): (String, &str, &[&str]) = match i {
                0 => ("Tier".into(), "dropdown", &["Gold", "Silver", "Bronze"]),
                1 => ("Birthday".into(), "date", &[]),
                2 => ("Interests".into(), "listbox", &["Books", "Music", "Travel"]),
                3 => ("Company Size".into(), "text", &[]),
                n => (format!("Custom Field {n}"), "text", &[]),
            };
            let id = a.id("field");
            let mut options = Vec::new();
            for label in opts {
                let oid = a.id("fieldOption");
                a.field_options.insert(oid, (id, (*label).to_owned()));
                options.push(oid);
            }
            let perstag = title.to_uppercase().replace(' ', "_");
            a.fields.insert(
                id,
                Field {
                    title,
                    kind: kind.into(),
                    perstag,
                    options,
                },
            );
        }
        let list = a.id("list");
        a.lists.insert(list, "Newsletter".into());
        a.account_field_meta = vec![
            json!({"id": "1", "fieldLabel": "Industry", "fieldType": "text", "isRequired": 0}),
        ];
        a.deal_field_meta =
            vec![json!({"id": "1", "fieldLabel": "Source", "fieldType": "text", "isRequired": 0})];
        a
    }

    /// Preloads `{"fields", "tags", "lists", "contacts", "schemas"}`.
    pub fn seed(&mut self, seed: &Value) {
        let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
        for f in seed["fields"].as_array().into_iter().flatten() {
            let id = self.id("field");
            let mut options = Vec::new();
            for label in f["options"].as_array().into_iter().flatten() {
                let oid = self.id("fieldOption");
                self.field_options
                    .insert(oid, (id, label.as_str().unwrap_or_default().to_owned()));
                options.push(oid);
            }
            self.fields.insert(
                id,
                Field {
                    title: text(f, "title"),
                    kind: f["type"].as_str().unwrap_or("text").to_owned(),
                    perstag: text(f, "perstag"),
                    options,
                },
            );
        }
        for t in seed["tags"].as_array().into_iter().flatten() {
            let id = self.id("tag");
            let name = t
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| text(t, "tag"));
            self.tags.insert(id, (name, "contact".into()));
        }
        for l in seed["lists"].as_array().into_iter().flatten() {
            let id = self.id("list");
            self.lists
                .insert(id, l.as_str().unwrap_or_default().to_owned());
        }
        for c in seed["contacts"].as_array().into_iter().flatten() {
            let id = self.id("contact");
            self.contacts.insert(
                id,
                Contact {
                    email: text(c, "email"),
                    first_name: text(c, "firstName"),
                    last_name: text(c, "lastName"),
                    phone: text(c, "phone"),
                },
            );
        }
        for s in seed["schemas"].as_array().into_iter().flatten() {
            let id = s["id"].as_str().map(str::to_owned).unwrap_or_else(|| {
                let n = self.id("schema");
                format!("00000000-0000-4000-8000-{n:012}")
            });
            let mut s = s.clone();
            s["id"] = json!(id);
            self.schemas.insert(id, s);
        }
    }

    /// A contact in wire shape.
    pub fn contact_json(&self, id: u64) -> Value {
        let c = &self.contacts[&id];
        let values: Vec<String> = self
            .field_values
            .iter()
            .filter(|(_, (contact, _, _))| *contact == id)
            .map(|(fv, _)| fv.to_string())
            .collect();
        json!({
            "id": id.to_string(), "email": c.email, "firstName": c.first_name,
            "lastName": c.last_name, "phone": c.phone, "orgid": "0", "deleted": "0",
            "cdate": NOW, "udate": NOW, "fieldValues": values,
            "links": {"fieldValues": format!("/api/3/contacts/{id}/fieldValues")},
        })
    }

    /// The field values of a contact in wire shape.
    pub fn field_values_of(&self, contact: u64) -> Vec<Value> {
        self.field_values
            .iter()
            .filter(|(_, (c, _, _))| *c == contact)
            .map(|(id, v)| field_value_json(*id, v))
            .collect()
    }

    /// A field in wire shape.
    pub fn field_json(&self, id: u64) -> Value {
        let f = &self.fields[&id];
        json!({
            "id": id.to_string(), "title": f.title, "type": f.kind, "descript": null,
            "isrequired": "0", "perstag": f.perstag, "defval": null, "visible": "1",
            "ordernum": id.to_string(), "cdate": NOW, "udate": NOW,
            "options": f.options.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
            "relations": [id.to_string()], "links": {},
        })
    }

    /// The sideloaded options of some fields.
    pub fn options_json(&self, fields: &[u64]) -> Vec<Value> {
        self.field_options
            .iter()
            .filter(|(_, (f, _))| fields.contains(f))
            .map(|(id, (f, label))| {
                json!({"id": id.to_string(), "field": f.to_string(), "label": label,
                       "value": label, "orderid": id, "isdefault": 0, "links": {}})
            })
            .collect()
    }

    /// A tag in wire shape.
    pub fn tag_json(&self, id: u64) -> Value {
        let (name, kind) = &self.tags[&id];
        json!({"id": id.to_string(), "tag": name, "tagType": kind, "description": "",
               "cdate": NOW, "links": {}})
    }

    /// Contacts with their values and tag names (for assertions).
    pub fn contact_snapshot(&self) -> Vec<Value> {
        self.contacts
            .keys()
            .map(|id| {
                let mut c = self.contact_json(*id);
                c["fieldValues"] = self
                    .field_values
                    .values()
                    .filter(|(contact, _, _)| contact == id)
                    .map(|(_, f, v)| json!({"field": f.to_string(), "value": v}))
                    .collect();
                c["tags"] = self
                    .contact_tags
                    .values()
                    .filter(|(contact, _)| contact == id)
                    .filter_map(|(_, t)| self.tags.get(t).map(|(n, _)| json!(n)))
                    .collect();
                c
            })
            .collect()
    }
}

/// A field value in wire shape.
pub fn field_value_json(id: u64, (contact, field, value): &(u64, u64, String)) -> Value {
    json!({"id": id.to_string(), "contact": contact.to_string(), "field": field.to_string(),
           "value": value, "owner": contact.to_string(), "cdate": NOW, "udate": NOW, "links": {}})
}
