//! The data of one fake account and the small operations routes share (seeding is in `seed`).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::wire::{id_of, now};

/// A contact.
#[derive(Debug, Clone, Default)]
pub(super) struct Contact {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub cdate: String,
    pub udate: String,
}

/// A custom contact field.
#[derive(Debug, Clone, Default)]
pub(super) struct Field {
    pub title: String,
    pub kind: String,
    pub descript: Option<String>,
    pub perstag: String,
    pub defval: Option<String>,
    pub visible: bool,
    pub ordernum: u64,
    pub cdate: String,
    pub udate: String,
}

/// An option of a dropdown, listbox, radio or checkbox field.
#[derive(Debug, Clone, Default)]
pub(super) struct FieldOption {
    pub field: u64,
    pub label: String,
    pub value: String,
    pub orderid: u64,
    pub isdefault: bool,
}

/// Which lists a field shows on (`relid` 0: all).
#[derive(Debug, Clone, Default)]
pub(super) struct FieldRel {
    pub field: u64,
    pub relid: u64,
    pub dorder: u64,
}

/// The value of a custom field for a contact.
#[derive(Debug, Clone, Default)]
pub(super) struct FieldValue {
    pub contact: u64,
    pub field: u64,
    pub value: String,
    pub cdate: String,
    pub udate: String,
}

/// A tag.
#[derive(Debug, Clone, Default)]
pub(super) struct Tag {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub cdate: String,
}

/// A contact–tag association.
#[derive(Debug, Clone, Default)]
pub(super) struct ContactTag {
    pub contact: u64,
    pub tag: u64,
    pub cdate: String,
}

/// A list.
#[derive(Debug, Clone, Default)]
pub(super) struct List {
    pub name: String,
    pub stringid: String,
    pub sender_url: String,
    pub sender_reminder: String,
    pub cdate: String,
}

/// A contact's membership of a list (status 1 subscribed, 2 unsubscribed).
#[derive(Debug, Clone, Default)]
pub(super) struct ContactList {
    pub list: u64,
    pub contact: u64,
    pub status: u64,
    pub cdate: String,
    pub udate: String,
}

/// A CRM account–contact link.
#[derive(Debug, Clone, Default)]
pub(super) struct AccountContact {
    pub account: u64,
    pub contact: u64,
    pub job_title: String,
    pub cdate: String,
}

/// Everything one account holds. Ids of each kind count from 1.
#[derive(Debug, Default)]
pub(super) struct Account {
    next: HashMap<&'static str, u64>,
    pub contacts: BTreeMap<u64, Contact>,
    pub field_values: BTreeMap<u64, FieldValue>,
    pub fields: BTreeMap<u64, Field>,
    pub field_options: BTreeMap<u64, FieldOption>,
    pub field_rels: BTreeMap<u64, FieldRel>,
    pub tags: BTreeMap<u64, Tag>,
    pub contact_tags: BTreeMap<u64, ContactTag>,
    pub lists: BTreeMap<u64, List>,
    pub contact_lists: BTreeMap<u64, ContactList>,
    /// CRM accounts, stored in wire shape.
    pub accounts: BTreeMap<u64, Value>,
    pub account_contacts: BTreeMap<u64, AccountContact>,
    /// Deals, stored in wire shape.
    pub deals: BTreeMap<u64, Value>,
    /// Custom field metadata of accounts and deals (wire shape).
    pub account_field_meta: Vec<Value>,
    pub deal_field_meta: Vec<Value>,
    /// Pipelines and their stages (wire shape).
    pub deal_groups: Vec<Value>,
    pub deal_stages: Vec<Value>,
    /// Custom-object schemas by id (wire shape).
    pub schemas: BTreeMap<String, Value>,
    /// (schema id, record id) → record (wire shape).
    pub records: BTreeMap<(String, u64), Value>,
    /// Webhooks (wire shape).
    pub webhooks: BTreeMap<u64, Value>,
}

/// The seeded custom fields before the generic `Custom Field N` ones.
const SEEDED: &[(&str, &str, &[&str])] = &[
    ("Tier", "dropdown", &["Gold", "Silver", "Bronze"]),
    ("Birthday", "date", &[]),
    ("Interests", "listbox", &["Books", "Music", "Travel"]),
    ("Company Size", "text", &[]),
    ("Notes", "textarea", &[]),
    ("Last Visit", "datetime", &[]),
    ("Preferences", "checkbox", &["Email", "SMS", "Phone"]),
    ("Plan", "radio", &["Free", "Pro"]),
    ("Score", "number", &[]),
    ("Source", "hidden", &[]),
];

impl Account {
    /// A new id of a kind.
    pub(super) fn id(&mut self, kind: &'static str) -> u64 {
        let n = self.next.entry(kind).or_insert(0);
        *n += 1;
        *n
    }

    /// An account with `fields` custom contact fields (a dropdown, a date, a listbox, a
    /// text, then other types, then texts), one list, account and deal custom field
    /// metadata, and a pipeline with two stages.
    pub(super) fn seeded(fields: usize) -> Account {
        let mut a = Account::default();
        for i in 0..fields {
            let (title, kind, opts): (String, &str, &[&str]) = match SEEDED.get(i) {
                Some((t, k, o)) => ((*t).to_owned(), k, o),
                None => (format!("Custom Field {}", i + 1), "text", &[]),
            };
            let id = a.add_field(&title, kind, None);
            for label in opts {
                a.add_option(id, label, label);
            }
            let rel = a.id("fieldRel");
            a.field_rels.insert(
                rel,
                FieldRel {
                    field: id,
                    relid: 0,
                    dorder: 0,
                },
            );
        }
        a.add_list("Newsletter");
        let t = now();
        a.account_field_meta = vec![meta(1, "Industry", "text", &t)];
        a.next.insert("accountCustomFieldMeta", 1);
        a.deal_field_meta = vec![meta(1, "Source", "text", &t)];
        a.next.insert("dealCustomFieldMeta", 1);
        a.deal_groups = vec![json!({"id": "1", "title": "Sales", "currency": "usd",
            "stages": ["1", "2"], "cdate": t, "udate": t, "links": {}})];
        a.deal_stages = vec![
            json!({"id": "1", "group": "1", "title": "To Contact", "order": "1", "cdate": t, "udate": t, "links": {}}),
            json!({"id": "2", "group": "1", "title": "In Contact", "order": "2", "cdate": t, "udate": t, "links": {}}),
        ];
        a
    }

    /// Adds a custom contact field; returns its id.
    pub(super) fn add_field(&mut self, title: &str, kind: &str, perstag: Option<String>) -> u64 {
        let id = self.id("field");
        let t = now();
        let perstag = perstag.unwrap_or_else(|| perstag_of(title));
        self.fields.insert(
            id,
            Field {
                title: title.to_owned(),
                kind: kind.to_owned(),
                descript: None,
                perstag,
                defval: None,
                visible: true,
                ordernum: id,
                cdate: t.clone(),
                udate: t,
            },
        );
        id
    }

    /// Adds an option to a field; returns its id.
    pub(super) fn add_option(&mut self, field: u64, label: &str, value: &str) -> u64 {
        let id = self.id("fieldOption");
        let orderid = self
            .field_options
            .values()
            .filter(|o| o.field == field)
            .count() as u64
            + 1;
        self.field_options.insert(
            id,
            FieldOption {
                field,
                label: label.to_owned(),
                value: value.to_owned(),
                orderid,
                isdefault: false,
            },
        );
        id
    }

    /// Adds a list; returns its id.
    pub(super) fn add_list(&mut self, name: &str) -> u64 {
        let id = self.id("list");
        self.lists.insert(
            id,
            List {
                name: name.to_owned(),
                stringid: slug(name),
                sender_url: String::new(),
                sender_reminder: String::new(),
                cdate: now(),
            },
        );
        id
    }

    /// The tag with this name (case-insensitive).
    pub(super) fn find_tag(&self, name: &str) -> Option<u64> {
        self.tags
            .iter()
            .find(|(_, t)| t.name.eq_ignore_ascii_case(name))
            .map(|(id, _)| *id)
    }

    /// Adds a tag; returns its id.
    pub(super) fn add_tag(&mut self, name: &str, kind: &str, description: &str) -> u64 {
        let id = self.id("tag");
        self.tags.insert(
            id,
            Tag {
                name: name.to_owned(),
                kind: kind.to_owned(),
                description: description.to_owned(),
                cdate: now(),
            },
        );
        id
    }

    /// Tags a contact (once); returns the association id and whether it is new.
    pub(super) fn tag_contact(&mut self, contact: u64, tag: u64) -> (u64, bool) {
        if let Some(id) = self
            .contact_tags
            .iter()
            .find(|(_, ct)| ct.contact == contact && ct.tag == tag)
            .map(|(id, _)| *id)
        {
            return (id, false);
        }
        let id = self.id("contactTag");
        self.contact_tags.insert(
            id,
            ContactTag {
                contact,
                tag,
                cdate: now(),
            },
        );
        (id, true)
    }

    /// The contact with this email (case-insensitive).
    pub(super) fn find_email(&self, email: &str) -> Option<u64> {
        self.contacts
            .iter()
            .find(|(_, c)| c.email.eq_ignore_ascii_case(email))
            .map(|(id, _)| *id)
    }

    /// Adds an empty contact; returns its id.
    pub(super) fn add_contact(&mut self) -> u64 {
        let id = self.id("contact");
        let t = now();
        self.contacts.insert(
            id,
            Contact {
                cdate: t.clone(),
                udate: t,
                ..Contact::default()
            },
        );
        id
    }

    /// Sets a custom field value of a contact (one per contact and field); returns its id.
    pub(super) fn set_value(&mut self, contact: u64, field: u64, value: String) -> u64 {
        let t = now();
        if let Some((id, v)) = self
            .field_values
            .iter_mut()
            .find(|(_, v)| v.contact == contact && v.field == field)
        {
            v.value = value;
            v.udate = t;
            return *id;
        }
        let id = self.id("fieldValue");
        self.field_values.insert(
            id,
            FieldValue {
                contact,
                field,
                value,
                cdate: t.clone(),
                udate: t,
            },
        );
        id
    }

    /// Subscribes (1) or unsubscribes (2) a contact; returns the membership id.
    pub(super) fn subscribe(&mut self, list: u64, contact: u64, status: u64) -> u64 {
        let t = now();
        if let Some((id, cl)) = self
            .contact_lists
            .iter_mut()
            .find(|(_, cl)| cl.list == list && cl.contact == contact)
        {
            cl.status = status;
            cl.udate = t;
            return *id;
        }
        let id = self.id("contactList");
        self.contact_lists.insert(
            id,
            ContactList {
                list,
                contact,
                status,
                cdate: t.clone(),
                udate: t,
            },
        );
        id
    }

    /// Removes a contact and everything that hangs off it.
    pub(super) fn remove_contact(&mut self, id: u64) {
        self.contacts.remove(&id);
        self.field_values.retain(|_, v| v.contact != id);
        self.contact_tags.retain(|_, ct| ct.contact != id);
        self.contact_lists.retain(|_, cl| cl.contact != id);
        self.account_contacts.retain(|_, ac| ac.contact != id);
    }

    /// The field a `fieldValues` entry names: its id, or (when seeding) its title or perstag.
    pub(super) fn field_named(&self, v: &Value) -> Option<u64> {
        if let Some(id) = id_of(v).filter(|id| self.fields.contains_key(id)) {
            return Some(id);
        }
        let name = v.as_str()?;
        self.fields
            .iter()
            .find(|(_, f)| {
                f.title.eq_ignore_ascii_case(name) || f.perstag.eq_ignore_ascii_case(name)
            })
            .map(|(id, _)| *id)
    }

    /// A new custom-object schema id (uuid-shaped).
    pub(super) fn schema_id(&mut self) -> String {
        let n = self.id("schema");
        format!("00000000-0000-4000-8000-{n:012}")
    }
}

fn meta(id: u64, label: &str, kind: &str, t: &str) -> Value {
    json!({"id": id.to_string(), "fieldLabel": label, "fieldType": kind, "fieldOptions": null,
           "fieldDefault": null, "isFormVisible": 0, "isRequired": 0, "displayOrder": id,
           "personalization": perstag_of(label), "knownFieldId": null, "hideFieldFlag": 0,
           "createdTimestamp": t, "updatedTimestamp": t, "links": {}})
}

/// `Company Size` → `COMPANY_SIZE`.
pub(super) fn perstag_of(title: &str) -> String {
    title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// `My List` → `my-list`.
pub(super) fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
