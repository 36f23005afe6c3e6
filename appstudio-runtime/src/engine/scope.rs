//! What a shared scope keeps (D24): a connection's or the app's `!save`d values and webhook
//! [`Subscription`] records. Data only, beneath the sessions that hold it and the lifecycle
//! calls (`subscription`) that change it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use crate::json::{Map, Value};
use serde::{Deserialize, Serialize};

use crate::lock::unpoisoned;

/// A webhook registered with the provider, as the state of its scope keeps it: a workflow's
/// state ([`DynWorkflowState::subscription`](super::dynamic::DynWorkflowState)), a
/// connection's or the app's ([`ConnectionState`](super::ConnectionState),
/// [`ApplicationState`](super::ApplicationState), keyed by the intake's name). What the
/// provider answered (its webhook id) is in the `!save`d values of the same scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// The URL registered (`${webhook.url}`).
    pub url: String,
    /// Workflow scope: the selection (`custom_data`) the registration was made for; a change
    /// runs `update`. Shared scopes serve every selection: `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Value>,
    /// Shared scopes: the workflow instances using the registration
    /// ([`DynWorkflowState::instance`](super::dynamic::DynWorkflowState)); `delete` runs when
    /// the last one leaves. Empty in workflow scope.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub users: BTreeSet<String>,
}

/// What a shared scope (a connection, the app) keeps beside its credentials: `!save`d values
/// and webhook subscriptions, with the lock that lets one lifecycle call at a time change them.
#[derive(Debug, Default)]
pub(crate) struct ScopeStore {
    /// `${data.<scope>.*}`.
    pub data: Mutex<Map>,
    /// Intake name → its registration.
    pub subscriptions: Mutex<BTreeMap<String, Subscription>>,
    /// Held by a lifecycle call from reading the record to writing it back, across the
    /// provider's requests: two workflows racing never create twice.
    pub(crate) lifecycle: tokio::sync::Mutex<()>,
}

impl ScopeStore {
    /// A copy of the saved values.
    pub(crate) fn data(&self) -> Map {
        unpoisoned(self.data.lock()).clone()
    }

    /// A copy of the subscriptions.
    pub(crate) fn subscriptions(&self) -> BTreeMap<String, Subscription> {
        unpoisoned(self.subscriptions.lock()).clone()
    }

    /// Replaces saved values and subscriptions with stored ones.
    pub(crate) fn restore(&self, data: Map, subscriptions: BTreeMap<String, Subscription>) {
        *unpoisoned(self.data.lock()) = data;
        *unpoisoned(self.subscriptions.lock()) = subscriptions;
    }

    pub(crate) fn get(&self, intake: &str) -> Option<Subscription> {
        unpoisoned(self.subscriptions.lock()).get(intake).cloned()
    }

    pub(crate) fn set(&self, intake: &str, record: Option<Subscription>) {
        let mut subs = unpoisoned(self.subscriptions.lock());
        match record {
            Some(r) => subs.insert(intake.to_owned(), r),
            None => subs.remove(intake),
        };
    }
}

/// A new workflow instance id (128 random bits as hex): who uses a shared subscription.
pub(crate) fn new_instance() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}
