//! Preloading a fake account from JSON (`FakeActiveCampaign::seed`).

use serde_json::{Value, json};

use super::state::{Account, FieldRel};
use super::wire::{id_of, now, text};

impl Account {
    /// Preloads `{"fields", "tags", "lists", "contacts", "accounts", "deals", "schemas",
    /// "records"}`. Lenient: entries it cannot read are skipped.
    pub(super) fn seed(&mut self, seed: &Value) {
        self.seed_fields(seed);
        for t in seed["tags"].as_array().into_iter().flatten() {
            let name = t.as_str().map_or_else(|| member(t, "tag"), str::to_owned);
            if !name.is_empty() && self.find_tag(&name).is_none() {
                let kind = t["tagType"].as_str().unwrap_or("contact");
                self.add_tag(&name, kind, &member(t, "description"));
            }
        }
        for l in seed["lists"].as_array().into_iter().flatten() {
            let name = l.as_str().map_or_else(|| member(l, "name"), str::to_owned);
            if !name.is_empty() {
                self.add_list(&name);
            }
        }
        for c in seed["contacts"].as_array().into_iter().flatten() {
            self.seed_contact(c);
        }
        self.seed_crm(seed);
        self.seed_objects(seed);
    }

    /// Seeded custom contact fields (titles, or objects with their options).
    fn seed_fields(&mut self, seed: &Value) {
        for f in seed["fields"].as_array().into_iter().flatten() {
            let title = f.as_str().map_or_else(|| member(f, "title"), str::to_owned);
            if title.is_empty() {
                continue;
            }
            let kind = f["type"].as_str().unwrap_or("text");
            let perstag = f["perstag"].as_str().map(str::to_owned);
            let id = self.add_field(&title, kind, perstag);
            for o in f["options"].as_array().into_iter().flatten() {
                let label = o.as_str().map_or_else(|| member(o, "label"), str::to_owned);
                let value = o["value"].as_str().unwrap_or(&label).to_owned();
                self.add_option(id, &label, &value);
            }
            let rel = self.id("fieldRel");
            self.field_rels.insert(
                rel,
                FieldRel {
                    field: id,
                    relid: 0,
                    dorder: 0,
                },
            );
        }
    }

    /// Seeded CRM accounts and deals.
    fn seed_crm(&mut self, seed: &Value) {
        for acc in seed["accounts"].as_array().into_iter().flatten() {
            if let Some(obj) = acc.as_object() {
                let id = self.id("account");
                let t = now();
                let mut obj = obj.clone();
                obj.insert("id".into(), json!(id.to_string()));
                obj.entry("createdTimestamp").or_insert(json!(t));
                obj.entry("updatedTimestamp").or_insert(json!(t));
                obj.entry("links").or_insert(json!([]));
                self.accounts.insert(id, Value::Object(obj));
            }
        }
        for d in seed["deals"].as_array().into_iter().flatten() {
            if let Some(obj) = d.as_object() {
                let id = self.id("deal");
                let t = now();
                let mut obj = obj.clone();
                obj.insert("id".into(), json!(id.to_string()));
                obj.entry("cdate").or_insert(json!(t));
                obj.entry("mdate").or_insert(json!(t));
                obj.entry("links").or_insert(json!({}));
                self.deals.insert(id, Value::Object(obj));
            }
        }
    }

    /// Seeded custom-object schemas and records.
    fn seed_objects(&mut self, seed: &Value) {
        for sc in seed["schemas"].as_array().into_iter().flatten() {
            let Some(obj) = sc.as_object() else { continue };
            let id = obj
                .get("id")
                .and_then(Value::as_str)
                .map_or_else(|| self.schema_id(), str::to_owned);
            let mut obj = obj.clone();
            let t = now();
            obj.insert("id".into(), json!(id));
            obj.entry("slug").or_insert(json!(id));
            obj.entry("visibility").or_insert(json!("private"));
            obj.entry("fields").or_insert(json!([]));
            obj.entry("relationships").or_insert(json!([]));
            obj.entry("createdTimestamp").or_insert(json!(t));
            obj.entry("updatedTimestamp").or_insert(json!(t));
            self.schemas.insert(id, Value::Object(obj));
        }
        for r in seed["records"].as_array().into_iter().flatten() {
            let Some(schema) = r["schemaId"].as_str() else {
                continue;
            };
            let id = self.id("record");
            let t = now();
            let record = json!({
                "id": id.to_string(), "externalId": r["externalId"], "schemaId": schema,
                "fields": r.get("fields").cloned().unwrap_or(json!([])),
                "relationships": r.get("relationships").cloned().unwrap_or(json!({})),
                "createdTimestamp": t, "updatedTimestamp": t,
            });
            self.records.insert((schema.to_owned(), id), record);
        }
    }

    /// One seeded contact: standard members, `fieldValues` (by id, title or perstag),
    /// `tags` (names, created when missing) and `lists` (ids or names).
    fn seed_contact(&mut self, c: &Value) {
        let s = |k: &str| c.get(k).and_then(text);
        let id = match s("email").and_then(|e| self.find_email(&e)) {
            Some(id) => id,
            None => self.add_contact(),
        };
        if let Some(contact) = self.contacts.get_mut(&id) {
            for (key, slot) in [
                ("email", &mut contact.email),
                ("firstName", &mut contact.first_name),
                ("lastName", &mut contact.last_name),
                ("phone", &mut contact.phone),
            ] {
                if let Some(v) = c.get(key).and_then(text) {
                    *slot = v;
                }
            }
        }
        for fv in c["fieldValues"].as_array().into_iter().flatten() {
            if let (Some(f), Some(v)) = (self.field_named(&fv["field"]), text(&fv["value"])) {
                self.set_value(id, f, v);
            }
        }
        for t in c["tags"].as_array().into_iter().flatten() {
            let Some(name) = text(t) else { continue };
            let tag = match self.find_tag(&name) {
                Some(tag) => tag,
                None => self.add_tag(&name, "contact", ""),
            };
            self.tag_contact(id, tag);
        }
        for l in c["lists"].as_array().into_iter().flatten() {
            let list = id_of(l).filter(|l| self.lists.contains_key(l)).or_else(|| {
                let name = l.as_str()?;
                self.lists
                    .iter()
                    .find(|(_, x)| x.name.eq_ignore_ascii_case(name))
                    .map(|(id, _)| *id)
            });
            if let Some(list) = list {
                self.subscribe(list, id, 1);
            }
        }
    }
}

/// A member of a seed entry as text; `""` when missing.
fn member(v: &Value, key: &str) -> String {
    v.get(key).and_then(text).unwrap_or_default()
}
