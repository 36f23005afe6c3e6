//! `objects`: custom-object schemas.

use super::*;

/// One entry of `objects`. Members whose shape the reference does not give are kept as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Unique name.
    pub name: Str,
    /// `labels.singular`.
    pub singular: Str,
    /// `labels.plural`.
    pub plural: Str,
    /// Description.
    pub description: Str,
    /// Payload field holding the record's external id.
    pub external_id: Str,
    /// Core ActiveCampaign object it binds to (core object only).
    pub ac_object: Option<Str>,
    /// Custom-object field schema (JSON text).
    pub fields: Str,
    /// `relationships` (JSON text).
    pub relationships: Option<Str>,
    /// The other members the reference names without a shape, as `(key, JSON text)`.
    pub extra: List<(Str, Str)>,
}
