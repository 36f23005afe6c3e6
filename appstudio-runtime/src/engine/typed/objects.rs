//! [`Connection::provision_objects`]: the app's custom objects as schemas in the connection's
//! ActiveCampaign account (D27).

use super::Connection;
use crate::api::{AuthSpec, CustomObjects};
use crate::engine::error::Result;
use crate::engine::objects::ObjectsReport;

impl<C> Connection<C> {
    /// Makes the app's custom objects (`objects` in app.json) schemas in the connection's
    /// ActiveCampaign account, as installing the app does: created when missing (matched by
    /// the object's `name`, the schema's slug), fields the app added since added to them,
    /// nothing removed. Idempotent: a second call makes no write. An app without `objects`
    /// has no such call (the trait [`CustomObjects`]).
    pub async fn provision_objects(&self) -> Result<ObjectsReport>
    where
        C: AuthSpec,
        C::App: CustomObjects,
    {
        self.dynamic.provision_objects().await
    }
}
