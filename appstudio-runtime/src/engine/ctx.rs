//! [`Ctx`]: the state commands run in (what expansions read, what commands write), and
//! [`Respond`], what a `!respond` decided.

use std::collections::HashMap;
use std::sync::Arc;

use crate::json::{Map, Value};

use super::expand::{SavedData, Vars};
use crate::ir;

/// What a `!respond` decided about a webhook request.
#[derive(Debug, Clone, PartialEq)]
pub struct Respond {
    /// The request is a real payload, to be processed.
    pub process_payload: bool,
    /// Status code of the answer.
    pub code: u16,
    /// Headers of the answer.
    pub headers: Value,
    /// Body of the answer.
    pub body: Value,
}

/// The state a command runs in: the values expansions read, and what commands write.
#[derive(Debug, Clone, Default)]
pub(crate) struct Ctx {
    /// The workflow being run.
    pub workflow: Option<&'static ir::Workflow>,
    /// The selections.
    pub custom_data: Arc<Map>,
    /// Personalization tags of the contact being processed.
    pub personal: Option<HashMap<String, String>>,
    /// The connection's subdomain.
    pub subdomain: Option<String>,
    /// `${webhook.url}`.
    pub webhook_url: Option<String>,
    /// `!save`d values.
    pub data: SavedData,
    /// The polling state.
    pub polling_state: Option<Value>,
    /// The selected resource id.
    pub resource_id: Option<Value>,
    /// `(search_term, what the user typed)` when loading options.
    pub search: Option<(String, String)>,
    /// The contact being processed (outbound `!resource ActiveCampaignContact`).
    pub contact: Option<Value>,
    /// The last `!respond`.
    pub response: Option<Respond>,
    /// `!print_c` lines, in order.
    pub log: Vec<String>,
    /// No command may make a request (`!http`, `!resource`): a host answering a webhook's
    /// verification on its request path (D28).
    pub offline: bool,
}

impl Ctx {
    /// The variables seen by a command inside a pipe whose values so far are `piped`.
    pub(crate) fn vars<'a>(&'a self, piped: &'a [Value]) -> Vars<'a> {
        Vars {
            custom_data: Some(&*self.custom_data),
            fields: self
                .workflow
                .and_then(|w| w.setup.select.as_ref())
                .map_or(&[], |s| &s.form_fields[..]),
            personal: self.personal.as_ref(),
            subdomain: self.subdomain.as_deref(),
            webhook_url: self.webhook_url.as_deref(),
            data: Some(&self.data),
            piped,
            polling_state: self.polling_state.as_ref(),
            resource_id: self.resource_id.as_ref(),
        }
    }
}
