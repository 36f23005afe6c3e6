//! Typed client of ActiveCampaign's API v3: the calls the engine makes (contacts, custom
//! fields, tags, accounts, deals, custom-object schemas and records), one rate limiter per
//! account, retries. It knows ActiveCampaign, not App Studio: what `!resource` means is the
//! engine's.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use appstudio_runtime::activecampaign::Client;
//! let ac = Client::new("https://acme.api-us1.com", "token".into())?;
//! let fields = ac.contact_fields().await?; // every page
//! let contact = serde_json::json!({"email": "jane@example.com"});
//! let jane = ac.sync_contact(contact.as_object().unwrap()).await?;
//! ac.tag_contact(&jane.id, &["VIP".to_owned()]).await?;
//! # Ok(()) }
//! ```

mod client;
mod contacts;
mod crm;
mod error;
mod fields;
mod schemas;
mod tags;
pub(crate) mod wire;

pub use crate::net::retry::RetryPolicy;
pub use client::{Client, ClientConfig};
pub use contacts::{Contact, ContactWrite, FieldValue, STANDARD_FIELDS, SyncBody};
pub use error::{ApiError, ErrorItem};
pub use fields::{CrmField, Field, contact_options, crm_options, option};
pub use schemas::{NewSchema, Schema, SchemaField, SchemaRelationship};
pub use tags::{ContactTag, Tag};
