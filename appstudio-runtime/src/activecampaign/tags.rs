//! Tags: find by name, create, and attach to contacts (find-or-create-then-attach).

use serde::Deserialize;
use serde_json::{Value, json};

use super::client::Client;
use super::error::ApiError;
use super::wire::text;

/// A tag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Tag {
    /// Id.
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// Name.
    #[serde(default, deserialize_with = "text")]
    pub tag: String,
    /// `contact` or `template`.
    #[serde(default, rename = "tagType", deserialize_with = "text")]
    pub tag_type: String,
}

/// A tag on a contact (the association).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ContactTag {
    /// Id of the association.
    #[serde(default, deserialize_with = "text")]
    pub id: String,
    /// Contact id.
    #[serde(default, deserialize_with = "text")]
    pub contact: String,
    /// Tag id.
    #[serde(default, deserialize_with = "text")]
    pub tag: String,
}

impl Client {
    /// The contact tag named `name` (case-insensitive exact match), if any.
    pub async fn find_tag(&self, name: &str) -> Result<Option<Tag>, ApiError> {
        let body = self
            .get("tags", &[("search", name), ("limit", "100")])
            .await?;
        let tags = match body.get("tags") {
            Some(Value::Array(items)) => items,
            _ => return Ok(None),
        };
        Ok(tags
            .iter()
            .filter_map(|t| Tag::deserialize(t).ok())
            .filter(|t| t.tag.eq_ignore_ascii_case(name))
            .min_by_key(|t| t.tag_type != "contact"))
    }

    /// `POST /tags`: a new contact tag.
    pub async fn create_tag(&self, name: &str) -> Result<Tag, ApiError> {
        let body = json!({"tag": {"tag": name, "tagType": "contact", "description": ""}});
        let answer = self.post("tags", &body, false).await?;
        answer
            .get("tag")
            .and_then(|t| Tag::deserialize(t).ok())
            .ok_or_else(|| ApiError::unexpected(201, "a tag answer without a `tag`"))
    }

    /// The tag named `name`, created if there is none (a concurrent creation is found again).
    pub async fn find_or_create_tag(&self, name: &str) -> Result<Tag, ApiError> {
        if let Some(t) = self.find_tag(name).await? {
            return Ok(t);
        }
        match self.create_tag(name).await {
            Ok(t) => Ok(t),
            Err(e) if e.has_code("duplicate") => self.find_tag(name).await?.ok_or(e),
            Err(e) => Err(e),
        }
    }

    /// `POST /contactTags`: puts a tag on a contact (adding it twice does not duplicate it).
    pub async fn add_contact_tag(&self, contact: &str, tag: &str) -> Result<ContactTag, ApiError> {
        let body = json!({"contactTag": {"contact": contact, "tag": tag}});
        let answer = self.post("contactTags", &body, true).await?;
        answer
            .get("contactTag")
            .and_then(|t| ContactTag::deserialize(t).ok())
            .ok_or_else(|| ApiError::unexpected(201, "a contactTag answer without a `contactTag`"))
    }

    /// Finds or creates each tag by name and puts it on the contact; returns the tags.
    pub async fn tag_contact(&self, contact: &str, names: &[String]) -> Result<Vec<Tag>, ApiError> {
        let mut out = Vec::new();
        for name in names {
            let tag = self.find_or_create_tag(name).await?;
            self.add_contact_tag(contact, &tag.id).await?;
            out.push(tag);
        }
        Ok(out)
    }
}
