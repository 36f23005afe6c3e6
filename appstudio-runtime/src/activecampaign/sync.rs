//! The writes `!resource` makes: a contact with its tags (`ActiveCampaignContact` as a
//! target), and the combined upsert `ActiveCampaign.sync` (contact, account, deal, custom
//! objects; related to each other; a partial failure is reported, not fatal).

use serde_json::{Map, Value, json};

use super::client::Client;
use super::contacts::ContactWrite;
use super::error::ApiError;
use super::wire::id_value;
use crate::engine::Error;

impl Client {
    /// Writes a flat contact (`email`, `firstName`, …, custom field ids, `_tags`): syncs it by
    /// email, then finds or creates each tag and puts it on the contact. Returns
    /// `{"id", "email", "tags": [names]}`.
    pub async fn write_contact(&self, input: &Value) -> Result<Value, Error> {
        let write = ContactWrite::from_flat(input).map_err(Error::invalid)?;
        let contact = self.sync_contact(&write.contact).await?;
        let tags = self.tag_contact(&contact.id, &write.tags).await?;
        Ok(json!({
            "id": contact.id,
            "email": contact.email,
            "tags": tags.iter().map(|t| t.tag.clone()).collect::<Vec<_>>(),
        }))
    }

    /// `ActiveCampaign.sync`: `{contact, account, deal, customObjects: [{schemaId,
    /// externalId, …}], _tags}` (a group named by a schema id counts as one custom object;
    /// `_tags` go to the contact). The
    /// contact is matched by email, the account by name, the deal by `id`, records by
    /// `externalId`; the account is linked to the contact, the deal and the records to both.
    /// Returns `{"contact-id", "account_id", "account_contact_id", "deal_id",
    /// "external_ids", "errors"}`; fails only when every write failed.
    pub async fn sync(&self, input: &Value) -> Result<Value, Error> {
        let Value::Object(groups) = input else {
            return Err(Error::invalid(format!(
                "`ActiveCampaign.sync` takes an object such as {{\"contact\": {{…}}}}, not {input}"
            )));
        };
        let mut out = json!({
            "contact-id": null, "account_id": null, "account_contact_id": null,
            "deal_id": null, "external_ids": [],
        });
        let mut errors: Vec<String> = Vec::new();
        let mut attempted = 0;
        let note = |what: &str, e: &dyn std::fmt::Display, errors: &mut Vec<String>| {
            tracing::warn!(target: "appstudio::activecampaign", "ActiveCampaign.sync: {what} failed: {e}");
            errors.push(format!("{what}: {e}"));
        };
        let object = |key: &str| -> Result<Option<&Map<String, Value>>, Error> {
            match groups.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Object(m)) if m.is_empty() => Ok(None),
                Some(Value::Object(m)) => Ok(Some(m)),
                Some(other) => Err(Error::invalid(format!(
                    "`ActiveCampaign.sync`: `{key}` must be an object, not {other}"
                ))),
            }
        };

        let mut contact_id = None;
        if let Some(contact) = object("contact")? {
            attempted += 1;
            let mut contact = contact.clone();
            // tags of a grouped mapping sit at the top level
            if let Some(tags) = groups.get("_tags").filter(|t| !t.is_null()) {
                let mut all = match contact.remove("_tags") {
                    Some(Value::Array(t)) => t,
                    Some(Value::Null) | None => Vec::new(),
                    Some(one) => vec![one],
                };
                match tags {
                    Value::Array(t) => all.extend(t.iter().cloned()),
                    one => all.push(one.clone()),
                }
                contact.insert("_tags".into(), Value::Array(all));
            }
            match self.write_contact(&Value::Object(contact)).await {
                Ok(c) => {
                    let id = c["id"].as_str().unwrap_or_default().to_owned();
                    out["contact-id"] = id_value(&id);
                    contact_id = Some(id);
                }
                Err(e) => note("contact", &e, &mut errors),
            }
        }
        let mut account_id = None;
        if let Some(account) = object("account")? {
            attempted += 1;
            match self.sync_account(account).await {
                Ok(id) => {
                    out["account_id"] = id_value(&id);
                    account_id = Some(id);
                }
                Err(e) => note("account", &e, &mut errors),
            }
        }
        if let (Some(a), Some(c)) = (&account_id, &contact_id) {
            match self.link_account_contact(a, c).await {
                Ok(id) => out["account_contact_id"] = id_value(&id),
                Err(e) => note("account contact link", &e, &mut errors),
            }
        }
        if let Some(deal) = object("deal")? {
            attempted += 1;
            let mut deal = deal.clone();
            if let Some(c) = &contact_id {
                deal.entry("contact").or_insert_with(|| id_value(c));
            }
            if let Some(a) = &account_id {
                deal.entry("account").or_insert_with(|| id_value(a));
            }
            match self.sync_deal(&deal).await {
                Ok(id) => out["deal_id"] = id_value(&id),
                Err(e) => note("deal", &e, &mut errors),
            }
        }
        for record in records(groups)? {
            attempted += 1;
            let (schema, external, fields) = record;
            match self
                .upsert_record(&schema, &external, &fields, contact_id.as_deref())
                .await
            {
                Ok(id) => {
                    if let Some(list) = out["external_ids"].as_array_mut() {
                        list.push(id_value(&id));
                    }
                }
                Err(e) => note(
                    &format!("custom object {schema} `{external}`"),
                    &e,
                    &mut errors,
                ),
            }
        }
        if attempted == 0 {
            return Err(Error::invalid(
                "`ActiveCampaign.sync` got nothing to write (no contact, account, deal or custom object)",
            ));
        }
        if errors.len() >= attempted && contact_id.is_none() && account_id.is_none() {
            return Err(all_failed(errors));
        }
        out["errors"] = json!(errors);
        Ok(out)
    }

    /// `{"action": "ActiveCampaignAccount.sync", "data": {"account": {…}}}` →
    /// `{"account_id": n}`.
    pub async fn account_sync(&self, data: &Value) -> Result<Value, Error> {
        let account = member(data, "account", "ActiveCampaignAccount.sync")?;
        let id = self.sync_account(account).await?;
        Ok(json!({"account_id": id_value(&id)}))
    }

    /// `{"action": "ActiveCampaignDeal.sync", "data": {"deal": {…}}}` → `{"deal_id": n}`.
    pub async fn deal_sync(&self, data: &Value) -> Result<Value, Error> {
        let deal = member(data, "deal", "ActiveCampaignDeal.sync")?;
        let id = self.sync_deal(deal).await?;
        Ok(json!({"deal_id": id_value(&id)}))
    }
}

fn member<'a>(data: &'a Value, key: &str, action: &str) -> Result<&'a Map<String, Value>, Error> {
    match data.get(key) {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(Error::invalid(format!(
            "`{action}` needs `data.{key}` to be an object, got {data}"
        ))),
    }
}

fn all_failed(errors: Vec<String>) -> Error {
    let message = format!(
        "`ActiveCampaign.sync`: every write failed: {}",
        errors.join("; ")
    );
    Error::from(ApiError {
        status: None,
        retry_after: None,
        message: Some(message.clone()),
        errors: Vec::new(),
        raw: message,
    })
}

type Record = (String, String, Map<String, Value>);

/// The custom-object records of a sync input: `customObjects` items, and groups named by a
/// schema id.
fn records(groups: &Map<String, Value>) -> Result<Vec<Record>, Error> {
    let mut out = Vec::new();
    let mut take = |schema: Option<String>, obj: &Map<String, Value>| -> Result<(), Error> {
        let mut fields = obj.clone();
        let schema = schema
            .or_else(|| {
                fields
                    .remove("schemaId")
                    .as_ref()
                    .and_then(super::wire::id_of)
            })
            .ok_or_else(|| {
                Error::invalid("`ActiveCampaign.sync`: a custom object needs `schemaId`")
            })?;
        fields.remove("schemaId");
        let external = fields
            .remove("externalId")
            .as_ref()
            .and_then(super::wire::id_of)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "`ActiveCampaign.sync`: a record of custom object {schema} needs `externalId`"
                ))
            })?;
        out.push((schema, external, fields));
        Ok(())
    };
    for (key, value) in groups {
        match (key.as_str(), value) {
            ("contact" | "account" | "deal" | "_tags", _) | (_, Value::Null) => {}
            ("customObjects", Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::Object(o) => take(None, o)?,
                        other => {
                            return Err(Error::invalid(format!(
                                "`ActiveCampaign.sync`: a custom object must be an object, not {other}"
                            )));
                        }
                    }
                }
            }
            (schema, Value::Object(o)) if !o.is_empty() => take(Some(schema.to_owned()), o)?,
            (_, Value::Object(_)) => {}
            (key, other) => {
                return Err(Error::invalid(format!(
                    "`ActiveCampaign.sync`: unexpected member `{key}`: {other}"
                )));
            }
        }
    }
    Ok(out)
}
