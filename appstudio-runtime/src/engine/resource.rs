//! What `!resource` means in App Studio: the ActiveCampaign reads and writes a command names
//! (`ActiveCampaignContact`, `….fields`, `ActiveCampaign.sync`, …), made through the typed
//! client of the connection's account. The writes are also [`ActiveCampaignResources`] on any
//! [`Client`]: a contact with its tags (`ActiveCampaignContact` as a target), and the combined
//! upsert `ActiveCampaign.sync` (contact, account, deal, custom objects; related to each
//! other; a partial failure is reported, not fatal).

use std::future::Future;

use serde_json::{Map, Value, json};

use super::ctx::Ctx;
use super::error::{Error, ErrorKind, Result};
use super::session::Session;
use crate::activecampaign::wire::{id_of, id_value};
use crate::activecampaign::{Client, ContactWrite, contact_options, crm_options};
use crate::ir::Resource;
use crate::json::Value as Json;

/// Runs an `!resource` command against the connection's ActiveCampaign account. The
/// ActiveCampaign client works on `serde_json` values: the input and the answer are converted
/// here (a record or a list of options, never a whole webhook body).
pub(crate) async fn run(
    session: &Session<'_>,
    r: &Resource,
    input: Json,
    ctx: &Ctx,
    piped: &[Json],
) -> Result<Json> {
    if let (Resource::Contact, Some(contact)) = (r, &ctx.contact) {
        // Outbound source: the contact being processed.
        return Ok(contact.clone());
    }
    let template = |t| ctx.vars(piped).template(t).map(|v| Value::from(&v));
    let input = Value::from(&input);
    let ac = session
        .conn
        .and_then(|c| c.activecampaign.as_ref())
        .ok_or_else(|| {
            Error::config(format!(
                "`!resource {}` needs the ActiveCampaign account: connect with an `AcAccount`",
                resource_name(r)
            ))
        })?;
    Ok(Json::from(&match r {
        Resource::Contact => ac.write_contact(&input).await?,
        Resource::ContactFields => Value::Array(contact_options(&ac.contact_fields().await?, None)),
        Resource::AccountFields => Value::Array(crm_options(&ac.account_fields().await?, None)),
        Resource::DealFields => Value::Array(deal_options(ac, None).await?),
        Resource::Fields => {
            let mut all = contact_options(&ac.contact_fields().await?, Some("contact"));
            all.extend(crm_options(&ac.account_fields().await?, Some("account")));
            all.extend(deal_options(ac, Some("deal")).await?);
            for schema in ac.schemas().await? {
                // `schemaId` on every option of a custom object (§6.4); its group is the
                // object's name for the app's own objects, else the schema id (D27)
                let group = super::records::group_of(session.inner.app, &schema);
                let mut options = crm_options(&schema.fields, Some(group));
                for o in &mut options {
                    o["schemaId"] = Value::String(schema.id.clone());
                }
                all.extend(options);
            }
            Value::Array(all)
        }
        Resource::Sync => {
            let input = super::records::resolve_records(ac, session.inner.app, input).await?;
            ac.sync(&input).await?
        }
        Resource::AccountSync(t) => ac.account_sync(&template(t)?).await?,
        Resource::DealSync(t) => ac.deal_sync(&template(t)?).await?,
    }))
}

/// The deal field options, the `stage` option offering the account's deal stages as fixed
/// values (`source_fields`, D26): a deal's stage is chosen, not read from source data.
async fn deal_options(ac: &Client, group: Option<&str>) -> Result<Vec<Value>> {
    let mut options = crm_options(&ac.deal_fields().await?, group);
    let stages: Vec<Value> = ac
        .deal_stages()
        .await?
        .into_iter()
        .map(|(id, title)| json!({"id": id, "title": title}))
        .collect();
    if let Some(stage) = options.iter_mut().find(|o| o["id"] == "stage") {
        stage["source_fields"] = Value::Array(stages);
    }
    Ok(options)
}

/// The name of a resource as written in app.json.
fn resource_name(r: &Resource) -> &'static str {
    match r {
        Resource::Contact => "ActiveCampaignContact",
        Resource::ContactFields => "ActiveCampaignContact.fields",
        Resource::AccountFields => "ActiveCampaignAccount.fields",
        Resource::DealFields => "ActiveCampaignDeal.fields",
        Resource::Fields => "ActiveCampaign.fields",
        Resource::Sync => "ActiveCampaign.sync",
        Resource::AccountSync(_) => "ActiveCampaignAccount.sync",
        Resource::DealSync(_) => "ActiveCampaignDeal.sync",
    }
}

/// The writes of `!resource` on an ActiveCampaign [`Client`], as App Studio defines them.
pub trait ActiveCampaignResources {
    /// Writes a flat contact (`email`, `firstName`, …, custom field ids, `_tags`): syncs it by
    /// email, then finds or creates each tag and puts it on the contact. Returns
    /// `{"id", "email", "tags": [names]}`.
    fn write_contact(&self, input: &Value) -> impl Future<Output = Result<Value>> + Send;

    /// `ActiveCampaign.sync`: `{contact, account, deal, customObjects: [{schemaId,
    /// externalId, …}], _tags}` (a group named by a schema id counts as one custom object;
    /// `_tags` go to the contact). The contact is matched by email, the account by name, the
    /// deal by `id`, records by `externalId`; the account is linked to the contact, the deal
    /// to both, the records to the contact (`primary-contact`). Returns `{"contact-id", "account_id", "account_contact_id",
    /// "deal_id", "external_ids", "errors"}`; fails only when every write failed.
    fn sync(&self, input: &Value) -> impl Future<Output = Result<Value>> + Send;

    /// `{"action": "ActiveCampaignAccount.sync", "data": {"account": {…}}}` →
    /// `{"account_id": n}`.
    fn account_sync(&self, data: &Value) -> impl Future<Output = Result<Value>> + Send;

    /// `{"action": "ActiveCampaignDeal.sync", "data": {"deal": {…}}}` → `{"deal_id": n}`.
    fn deal_sync(&self, data: &Value) -> impl Future<Output = Result<Value>> + Send;
}

impl ActiveCampaignResources for Client {
    async fn write_contact(&self, input: &Value) -> Result<Value> {
        let write = ContactWrite::from_flat(input).map_err(Error::invalid)?;
        let contact = self.sync_contact(&write.contact).await?;
        let tags = self.tag_contact(&contact.id, &write.tags).await?;
        Ok(json!({
            "id": contact.id,
            "email": contact.email,
            "tags": tags.iter().map(|t| t.tag.clone()).collect::<Vec<_>>(),
        }))
    }

    async fn sync(&self, input: &Value) -> Result<Value> {
        let Value::Object(groups) = input else {
            return Err(Error::invalid(format!(
                "`ActiveCampaign.sync` takes an object such as {{\"contact\": {{…}}}}, not {input}"
            )));
        };
        let mut run = SyncRun {
            out: json!({
                "contact-id": null, "account_id": null, "account_contact_id": null,
                "deal_id": null, "external_ids": [],
            }),
            errors: Vec::new(),
            attempted: 0,
        };
        let contact_id = run.contact(self, groups).await?;
        let account_id = run.account(self, groups, contact_id.as_deref()).await?;
        run.deal(self, groups, contact_id.as_deref(), account_id.as_deref())
            .await?;
        for (schema, external, fields) in records(groups)? {
            run.attempted += 1;
            match self
                .upsert_record(&schema, &external, &fields, contact_id.as_deref())
                .await
            {
                Ok(id) => {
                    if let Some(list) = run.out["external_ids"].as_array_mut() {
                        list.push(id_value(&id));
                    }
                }
                Err(e) => run.note(&format!("custom object {schema} `{external}`"), &e),
            }
        }
        if run.attempted == 0 {
            return Err(Error::invalid(
                "`ActiveCampaign.sync` got nothing to write (no contact, account, deal or custom object)",
            ));
        }
        if run.errors.len() >= run.attempted && contact_id.is_none() && account_id.is_none() {
            return Err(all_failed(run.errors));
        }
        run.out["errors"] = json!(run.errors);
        Ok(run.out)
    }

    async fn account_sync(&self, data: &Value) -> Result<Value> {
        let account = member(data, "account", "ActiveCampaignAccount.sync")?;
        let id = self.sync_account(account).await?;
        Ok(json!({"account_id": id_value(&id)}))
    }

    async fn deal_sync(&self, data: &Value) -> Result<Value> {
        let deal = member(data, "deal", "ActiveCampaignDeal.sync")?;
        let id = self.sync_deal(deal).await?;
        Ok(json!({"deal_id": id_value(&id)}))
    }
}

/// One `ActiveCampaign.sync` under way: its answer so far, the failures, the writes tried.
struct SyncRun {
    out: Value,
    errors: Vec<String>,
    attempted: usize,
}

impl SyncRun {
    /// Reports a write that failed; the others go on.
    fn note(&mut self, what: &str, e: &dyn std::fmt::Display) {
        tracing::warn!(target: "appstudio::activecampaign", "ActiveCampaign.sync: {what} failed: {e}");
        self.errors.push(format!("{what}: {e}"));
    }

    /// Writes the `contact` group with the top-level `_tags`; its id when written.
    async fn contact(
        &mut self,
        ac: &Client,
        groups: &Map<String, Value>,
    ) -> Result<Option<String>> {
        let Some(contact) = group(groups, "contact")? else {
            return Ok(None);
        };
        self.attempted += 1;
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
        match ac.write_contact(&Value::Object(contact)).await {
            Ok(c) => {
                let id = c["id"].as_str().unwrap_or_default().to_owned();
                self.out["contact-id"] = id_value(&id);
                Ok(Some(id))
            }
            Err(e) => {
                self.note("contact", &e);
                Ok(None)
            }
        }
    }

    /// Writes the `account` group and links it to the contact; its id when written.
    async fn account(
        &mut self,
        ac: &Client,
        groups: &Map<String, Value>,
        contact_id: Option<&str>,
    ) -> Result<Option<String>> {
        let Some(account) = group(groups, "account")? else {
            return Ok(None);
        };
        self.attempted += 1;
        let id = match ac.sync_account(account).await {
            Ok(id) => id,
            Err(e) => {
                self.note("account", &e);
                return Ok(None);
            }
        };
        self.out["account_id"] = id_value(&id);
        if let Some(c) = contact_id {
            match ac.link_account_contact(&id, c).await {
                Ok(link) => self.out["account_contact_id"] = id_value(&link),
                Err(e) => self.note("account contact link", &e),
            }
        }
        Ok(Some(id))
    }

    /// Writes the `deal` group, related to the contact and the account.
    async fn deal(
        &mut self,
        ac: &Client,
        groups: &Map<String, Value>,
        contact_id: Option<&str>,
        account_id: Option<&str>,
    ) -> Result<()> {
        let Some(deal) = group(groups, "deal")? else {
            return Ok(());
        };
        self.attempted += 1;
        let mut deal = deal.clone();
        if let Some(c) = contact_id {
            deal.entry("contact").or_insert_with(|| id_value(c));
        }
        if let Some(a) = account_id {
            deal.entry("account").or_insert_with(|| id_value(a));
        }
        match ac.sync_deal(&deal).await {
            Ok(id) => self.out["deal_id"] = id_value(&id),
            Err(e) => self.note("deal", &e),
        }
        Ok(())
    }
}

/// A group of a sync input: `None` when missing, `null` or empty.
fn group<'a>(groups: &'a Map<String, Value>, key: &str) -> Result<Option<&'a Map<String, Value>>> {
    match groups.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) if m.is_empty() => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(other) => Err(Error::invalid(format!(
            "`ActiveCampaign.sync`: `{key}` must be an object, not {other}"
        ))),
    }
}

fn member<'a>(data: &'a Value, key: &str, action: &str) -> Result<&'a Map<String, Value>> {
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
    Error::new(ErrorKind::Remote5xx, message)
}

type Record = (String, String, Map<String, Value>);

/// The custom-object records of a sync input: `customObjects` items, and groups named by a
/// schema id.
fn records(groups: &Map<String, Value>) -> Result<Vec<Record>> {
    let mut out = Vec::new();
    for (key, value) in groups {
        match (key.as_str(), value) {
            ("contact" | "account" | "deal" | "_tags", _) | (_, Value::Null) => {}
            ("customObjects", Value::Array(items)) => {
                for item in items {
                    match item {
                        Value::Object(o) => out.push(record(None, o)?),
                        other => {
                            return Err(Error::invalid(format!(
                                "`ActiveCampaign.sync`: a custom object must be an object, not {other}"
                            )));
                        }
                    }
                }
            }
            (schema, Value::Object(o)) if !o.is_empty() => {
                out.push(record(Some(schema.to_owned()), o)?)
            }
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

/// One record: its schema (`schema`, or its `schemaId`), `externalId`, and the other fields.
fn record(schema: Option<String>, obj: &Map<String, Value>) -> Result<Record> {
    let mut fields = obj.clone();
    let schema = schema
        .or_else(|| fields.remove("schemaId").as_ref().and_then(id_of))
        .ok_or_else(|| Error::invalid("`ActiveCampaign.sync`: a custom object needs `schemaId`"))?;
    fields.remove("schemaId");
    let external = fields
        .remove("externalId")
        .as_ref()
        .and_then(id_of)
        .ok_or_else(|| {
            Error::invalid(format!(
                "`ActiveCampaign.sync`: a record of custom object {schema} needs `externalId`"
            ))
        })?;
    Ok((schema, external, fields))
}
