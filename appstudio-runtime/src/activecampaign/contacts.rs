//! Contacts: sync (upsert by email), get, find by email, and the flat form App Studio reads
//! and writes (`{email, firstName, lastName, phone, "<custom field id>": value}`).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::client::Client;
use super::error::ApiError;
use super::wire::{self, text};

/// The standard contact fields: id, title.
pub const STANDARD_FIELDS: [(&str, &str); 4] = [
    ("email", "Email"),
    ("firstName", "First Name"),
    ("lastName", "Last Name"),
    ("phone", "Phone"),
];

/// A contact as ActiveCampaign returns it (the members the runtime reads).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Contact {
    /// Id.
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// Email address.
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    /// First name.
    #[serde(default, rename = "firstName", deserialize_with = "text")]
    pub first_name: String,
    /// Last name.
    #[serde(default, rename = "lastName", deserialize_with = "text")]
    pub last_name: String,
    /// Phone.
    #[serde(default, deserialize_with = "text")]
    pub phone: String,
}

/// A custom field's value on a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FieldValue {
    /// Id of the value.
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// Contact id.
    #[serde(default, deserialize_with = "text")]
    pub contact: String,
    /// Field id.
    #[serde(default, deserialize_with = "text")]
    pub field: String,
    /// The value, as text.
    #[serde(default, deserialize_with = "text")]
    pub value: String,
}

/// What to write for one contact, split from a flat object.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactWrite {
    /// The `contact` member of a sync: standard fields and `fieldValues`.
    pub contact: Map<String, Value>,
    /// Tag names to apply (`_tags`).
    pub tags: Vec<String>,
}

/// Other spellings of the standard fields (the reference's walkthrough uses snake case).
fn standard_name(key: &str) -> Option<&'static str> {
    match key {
        "email" | "Email" => Some("email"),
        "firstName" | "first_name" => Some("firstName"),
        "lastName" | "last_name" => Some("lastName"),
        "phone" | "Phone" => Some("phone"),
        _ => None,
    }
}

impl ContactWrite {
    /// Splits a flat object: standard fields, custom fields by numeric id into `fieldValues`,
    /// `_tags` (a list of names, or one name). `null` members are not written. Fails on a
    /// member that is none of these, and without an email.
    pub fn from_flat(input: &Value) -> Result<ContactWrite, String> {
        let Value::Object(members) = input else {
            return Err(format!(
                "a contact to write must be an object such as {{\"email\": …}}, not {input}"
            ));
        };
        let mut out = ContactWrite::default();
        let mut values = Vec::new();
        let mut unknown = Vec::new();
        for (key, value) in members {
            if key == "_tags" {
                out.tags = tags_of(value)?;
            } else if let Some(name) = standard_name(key) {
                if let Some(v) = wire::field_text(value) {
                    out.contact.insert(name.to_owned(), Value::String(v));
                }
            } else if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
                if let Some(v) = wire::field_text(value) {
                    values.push(json!({"field": key, "value": v}));
                }
            } else if key != "id" {
                unknown.push(format!("`{key}`"));
            }
        }
        if !unknown.is_empty() {
            return Err(format!(
                "{} {} not a contact field (expected email, firstName, lastName, phone, a \
                 custom field id, or _tags)",
                unknown.join(", "),
                if unknown.len() == 1 { "is" } else { "are" }
            ));
        }
        match out.contact.get("email") {
            Some(Value::String(e)) if !e.trim().is_empty() => {}
            _ => {
                return Err("a contact needs an email (map a source field to Email)".to_owned());
            }
        }
        if !values.is_empty() {
            out.contact
                .insert("fieldValues".into(), Value::Array(values));
        }
        Ok(out)
    }
}

fn tags_of(v: &Value) -> Result<Vec<String>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.trim().to_owned()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("`_tags` must list tag names, not {other}")),
    };
    let names = match v {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(one).collect::<Result<_, _>>()?,
        other => vec![one(other)?],
    };
    Ok(names.into_iter().filter(|n| !n.is_empty()).collect())
}

/// The body of `POST /contact/sync`, written without a copy of the contact.
#[derive(serde::Serialize)]
pub struct SyncBody<'a> {
    /// The members of the `contact` object.
    pub contact: &'a Map<String, Value>,
}

fn contact_of(body: &Value, status_hint: &str) -> Result<Contact, ApiError> {
    body.get("contact")
        .and_then(|c| Contact::deserialize(c).ok())
        .ok_or_else(|| ApiError::unexpected(200, &format!("{status_hint} without a `contact`")))
}

impl Client {
    /// `POST /contact/sync`: creates the contact or updates the one with the same email.
    /// `contact` holds the members of the `contact` object (an upsert: retried safely).
    pub async fn sync_contact(&self, contact: &Map<String, Value>) -> Result<Contact, ApiError> {
        let body = self
            .post("contact/sync", &SyncBody { contact }, true)
            .await?;
        contact_of(&body, "a contact sync answer")
    }

    /// `GET /contacts/{id}`: the contact and its custom field values.
    pub async fn contact(&self, id: &str) -> Result<(Contact, Vec<FieldValue>), ApiError> {
        let body = self.get(&format!("contacts/{}", segment(id)), &[]).await?;
        let contact = contact_of(&body, "a contact answer")?;
        let values = match body.get("fieldValues") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| FieldValue::deserialize(v).ok())
                .collect(),
            _ => Vec::new(),
        };
        Ok((contact, values))
    }

    /// `GET /contacts?email=`: the contact with this email, if any.
    pub async fn find_contact(&self, email: &str) -> Result<Option<Contact>, ApiError> {
        let body = self.get("contacts", &[("email", email)]).await?;
        Ok(match body.get("contacts") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|c| Contact::deserialize(c).ok())
                .find(|c| c.email.eq_ignore_ascii_case(email)),
            _ => None,
        })
    }

    /// The contact in the flat form an outbound `data_pipeline.source` yields:
    /// `{id, email, firstName, lastName, phone, "<field id>": value, …}`.
    pub async fn contact_flat(&self, id: &str) -> Result<Value, ApiError> {
        let (c, values) = self.contact(id).await?;
        let mut out = Map::new();
        out.insert("id".into(), Value::String(c.id));
        out.insert("email".into(), Value::String(c.email));
        out.insert("firstName".into(), Value::String(c.first_name));
        out.insert("lastName".into(), Value::String(c.last_name));
        out.insert("phone".into(), Value::String(c.phone));
        for v in values {
            out.insert(v.field, Value::String(v.value));
        }
        Ok(Value::Object(out))
    }
}

/// An id as one path segment (ids come from remote answers and user data): everything but
/// letters, digits, `-` and `_` is encoded (`.` too, so no `..` segment is ever sent), so a
/// uuid is sent as it is.
pub(crate) fn segment(id: &str) -> String {
    const SEGMENT: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_');
    percent_encoding::utf8_percent_encode(id, SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_objects_split_into_standard_and_custom_fields() {
        let w = ContactWrite::from_flat(&json!({
            "email": "a@example.com", "first_name": "Ann", "lastName": null, "12": 7,
            "13": ["x", "y"], "_tags": ["VIP", " ", "New"]
        }))
        .unwrap();
        assert_eq!(
            Value::Object(w.contact),
            json!({"email": "a@example.com", "firstName": "Ann",
                   "fieldValues": [{"field": "12", "value": "7"}, {"field": "13", "value": "||x||y||"}]})
        );
        assert_eq!(w.tags, ["VIP", "New"]);
        let e = ContactWrite::from_flat(&json!({"firstName": "Ann"})).unwrap_err();
        assert!(e.contains("needs an email"), "{e}");
        let e = ContactWrite::from_flat(&json!({"email": "a@b.c", "nick": 1})).unwrap_err();
        assert!(e.contains("`nick` is not a contact field"), "{e}");
        assert!(ContactWrite::from_flat(&json!({"email": "a@b.c", "_tags": {}})).is_err());
        assert!(ContactWrite::from_flat(&json!([1])).is_err());
        assert_eq!(segment("1/../x?y"), "1%2F%2E%2E%2Fx%3Fy");
        assert_eq!(segment("0a-b_c"), "0a-b_c");
    }
}
