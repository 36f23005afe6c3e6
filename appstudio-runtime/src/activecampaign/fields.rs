//! Mappable fields: contact custom fields (`GET /fields`, every page), account and deal custom
//! fields (custom-object schemas are in `schemas`); and the option lists `!resource` yields for
//! the map step.

use serde::Deserialize;
use serde_json::{Value, json};

use super::client::Client;
use super::contacts::STANDARD_FIELDS;
use super::error::ApiError;
use super::wire::{flag, ids, text};

/// A contact custom field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Field {
    /// Id (what `fieldValues` name).
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// Title.
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    /// `text`, `date`, `dropdown`, `listbox`, ….
    #[serde(default, rename = "type", deserialize_with = "text")]
    pub field_type: String,
    /// Personalization tag (without `%`).
    #[serde(default, deserialize_with = "text")]
    pub perstag: String,
    /// Required on forms (not by the API).
    #[serde(default, deserialize_with = "flag")]
    pub isrequired: bool,
    /// Ids of its options.
    #[serde(default, deserialize_with = "ids")]
    pub options: Vec<String>,
}

/// One mappable field of an account, a deal or a custom object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrmField {
    /// Id (a custom field id, or a standard member such as `name`).
    pub id: String,
    /// Label.
    pub title: String,
    /// Whether a write needs it.
    pub required: bool,
}

/// A mapping option as the map step reads it (D11): `id`/`title`/`required`, with
/// `value`/`display` copies for configs written against the other page of the reference.
pub fn option(id: &str, title: &str, required: bool, group: Option<&str>) -> Value {
    let mut v =
        json!({"id": id, "title": title, "required": required, "value": id, "display": title});
    if let Some(g) = group {
        v["group"] = json!(g);
    }
    v
}

/// The options of `ActiveCampaignContact.fields`: the four standard fields (email required),
/// then every custom field by id.
pub fn contact_options(fields: &[Field], group: Option<&str>) -> Vec<Value> {
    STANDARD_FIELDS
        .iter()
        .map(|(id, title)| option(id, title, *id == "email", group))
        .chain(fields.iter().map(|f| option(&f.id, &f.title, false, group)))
        .collect()
}

/// Options for account or deal fields.
pub fn crm_options(fields: &[CrmField], group: Option<&str>) -> Vec<Value> {
    fields
        .iter()
        .map(|f| option(&f.id, &f.title, f.required, group))
        .collect()
}

/// The standard members of an account write.
const ACCOUNT_FIELDS: [(&str, &str, bool); 2] = [
    ("name", "Account Name", true),
    ("accountUrl", "Account URL", false),
];

/// The standard members of a deal write.
const DEAL_FIELDS: [(&str, &str, bool); 7] = [
    ("title", "Deal Title", true),
    ("value", "Deal Value (cents)", false),
    ("currency", "Currency", false),
    ("description", "Description", false),
    ("status", "Status", false),
    ("stage", "Stage", false),
    ("owner", "Owner", false),
];

/// The custom field metadata of accounts or deals (`fieldLabel`, `isRequired`).
fn meta_fields(items: &[Value]) -> Vec<CrmField> {
    items
        .iter()
        .filter_map(|m| {
            let id = super::wire::id_of(m.get("id")?)?;
            let title = m
                .get("fieldLabel")
                .and_then(Value::as_str)
                .unwrap_or(&id)
                .to_owned();
            let required = m.get("isRequired").is_some_and(|r| {
                matches!(r, Value::Bool(true)) || r.as_u64() == Some(1) || r.as_str() == Some("1")
            });
            Some(CrmField {
                id,
                title,
                required,
            })
        })
        .collect()
}

impl Client {
    /// Every contact custom field, across all pages of `GET /fields`.
    pub async fn contact_fields(&self) -> Result<Vec<Field>, ApiError> {
        let items = self.get_all("fields", "fields", &[], |_| {}).await?;
        Ok(items
            .iter()
            .filter_map(|f| Field::deserialize(f).ok())
            .filter(|f| !f.id.is_empty())
            .collect())
    }

    /// Account fields: name and URL, then custom fields (`/accountCustomFieldMeta`).
    pub async fn account_fields(&self) -> Result<Vec<CrmField>, ApiError> {
        let meta = self
            .get_all(
                "accountCustomFieldMeta",
                "accountCustomFieldMeta",
                &[],
                |_| {},
            )
            .await?;
        Ok(standard(&ACCOUNT_FIELDS)
            .chain(meta_fields(&meta))
            .collect())
    }

    /// Deal fields: title, value, …, then custom fields (`/dealCustomFieldMeta`).
    pub async fn deal_fields(&self) -> Result<Vec<CrmField>, ApiError> {
        let meta = self
            .get_all("dealCustomFieldMeta", "dealCustomFieldMeta", &[], |_| {})
            .await?;
        Ok(standard(&DEAL_FIELDS).chain(meta_fields(&meta)).collect())
    }
}

fn standard(
    fields: &'static [(&'static str, &'static str, bool)],
) -> impl Iterator<Item = CrmField> {
    fields.iter().map(|(id, title, required)| CrmField {
        id: (*id).to_owned(),
        title: (*title).to_owned(),
        required: *required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_follow_d11() {
        let f = Field {
            id: "7".into(),
            title: "Tier".into(),
            ..Field::default()
        };
        let opts = contact_options(&[f], None);
        assert_eq!(
            opts[0],
            json!({"id": "email", "title": "Email", "required": true, "value": "email", "display": "Email"})
        );
        assert_eq!(opts[4]["id"], "7");
        assert_eq!(opts[4]["required"], false);
        assert_eq!(contact_options(&[], Some("contact"))[1]["group"], "contact");
        let m = meta_fields(&[
            json!({"id": 3, "fieldLabel": "Industry", "isRequired": "1"}),
            json!({}),
        ]);
        assert_eq!(
            m,
            [CrmField {
                id: "3".into(),
                title: "Industry".into(),
                required: true
            }]
        );
    }
}
