//! Accounts (upsert by name), deals (create, or update by id), account–contact links and
//! custom-object records (upsert by external id).

use serde_json::{Map, Value, json};

use super::client::Client;
use super::contacts::segment;
use super::error::ApiError;
use super::wire::{id_of, id_value};

/// Splits a flat object into standard members and `fields: [{customFieldId, fieldValue}]`
/// (numeric keys are custom field ids). `null` members are dropped.
fn with_custom_fields(input: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut fields = Vec::new();
    for (k, v) in input {
        if v.is_null() {
            continue;
        }
        if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) {
            fields.push(json!({"customFieldId": id_value(k), "fieldValue": v}));
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    if !fields.is_empty() {
        out.insert("fields".into(), Value::Array(fields));
    }
    out
}

fn id_in(body: &Value, key: &str) -> Result<String, ApiError> {
    body.get(key)
        .and_then(|o| o.get("id"))
        .and_then(id_of)
        .ok_or_else(|| ApiError::unexpected(200, &format!("an answer without `{key}.id`")))
}

impl Client {
    /// Creates the account, or updates the one with the same name (case-insensitive);
    /// returns its id. `account` is flat: `name`, `accountUrl`, …, custom field ids.
    pub async fn sync_account(&self, account: &Map<String, Value>) -> Result<String, ApiError> {
        let name = match account.get("name") {
            Some(Value::String(n)) if !n.trim().is_empty() => n.trim().to_owned(),
            _ => {
                return Err(ApiError::unexpected(
                    422,
                    "an account needs a `name` (accounts are matched by name)",
                ));
            }
        };
        let body = json!({ "account": with_custom_fields(account) });
        let found = self
            .get("accounts", &[("search", &name), ("limit", "100")])
            .await?;
        let existing = found
            .get("accounts")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|a| {
                a.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(&name))
            })
            .and_then(|a| a.get("id").and_then(id_of));
        let answer = match existing {
            Some(id) => {
                self.put(&format!("accounts/{}", segment(&id)), &body)
                    .await?
            }
            None => self.post("accounts", &body, false).await?,
        };
        id_in(&answer, "account")
    }

    /// Links a contact to an account; returns the link's id. A contact already linked to this
    /// account keeps its link.
    pub async fn link_account_contact(
        &self,
        account: &str,
        contact: &str,
    ) -> Result<String, ApiError> {
        let body =
            json!({"accountContact": {"account": id_value(account), "contact": id_value(contact)}});
        match self.post("accountContacts", &body, false).await {
            Ok(answer) => id_in(&answer, "accountContact"),
            Err(e) if e.status == Some(422) => {
                let found = self
                    .get("accountContacts", &[("filters[contact]", contact)])
                    .await?;
                found
                    .get("accountContacts")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|l| {
                        l.get("account").and_then(id_of).as_deref() == Some(account)
                            && l.get("contact").and_then(id_of).as_deref() == Some(contact)
                    })
                    .and_then(|l| l.get("id").and_then(id_of))
                    .ok_or(e)
            }
            Err(e) => Err(e),
        }
    }

    /// Every deal stage of the account (of every pipeline), as `(id, title)`, across the pages
    /// of `GET /dealStages`.
    pub async fn deal_stages(&self) -> Result<Vec<(String, String)>, ApiError> {
        let items = self
            .get_all("dealStages", "dealStages", &[], |_| {})
            .await?;
        Ok(items
            .iter()
            .filter_map(|s| {
                let id = id_of(s.get("id")?)?;
                let title = s
                    .get("title")
                    .and_then(Value::as_str)
                    .unwrap_or(&id)
                    .to_owned();
                Some((id, title))
            })
            .collect())
    }

    /// Updates the deal with the given `id`, or creates one; returns its id. `deal` is flat:
    /// `title`, `value` (cents), `currency`, `contact`, `account`, …, custom field ids.
    pub async fn sync_deal(&self, deal: &Map<String, Value>) -> Result<String, ApiError> {
        let mut members = deal.clone();
        let id = members.remove("id").as_ref().and_then(id_of);
        let body = json!({ "deal": with_custom_fields(&members) });
        let answer = match id {
            Some(id) => self.put(&format!("deals/{}", segment(&id)), &body).await?,
            None => self.post("deals", &body, false).await?,
        };
        id_in(&answer, "deal")
    }

    /// Creates or updates (by `externalId`) a record of a custom object; `fields` maps field
    /// ids to values. Returns the record's id.
    pub async fn upsert_record(
        &self,
        schema: &str,
        external_id: &str,
        fields: &Map<String, Value>,
        contact: Option<&str>,
    ) -> Result<String, ApiError> {
        let fields: Vec<Value> = fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| json!({"id": k, "value": v}))
            .collect();
        let mut record = json!({"externalId": external_id, "fields": fields});
        if let Some(c) = contact {
            record["relationships"] = json!({"primary-contact": [id_value(c)]});
        }
        let answer = self
            .post(
                &format!("customObjects/records/{}", segment(schema)),
                &json!({ "record": record }),
                true,
            )
            .await?;
        id_in(&answer, "record")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_fields_are_split_out() {
        let m = json!({"name": "Acme", "9": "x", "10": null, "accountUrl": "u"});
        let out = with_custom_fields(m.as_object().unwrap());
        assert_eq!(
            Value::Object(out),
            json!({"name": "Acme", "accountUrl": "u", "fields": [{"customFieldId": 9, "fieldValue": "x"}]})
        );
    }
}
