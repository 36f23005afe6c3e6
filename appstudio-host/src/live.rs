//! Installations in memory: each one's workflow (with its connection) as the engine runs it,
//! its sealed secrets, and the registry of webhook URLs. The store is the truth; this is what
//! was loaded from it at start and kept in step with every commit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use appstudio_runtime::engine::dynamic::{Credentials, DynEngine, DynWorkflow, DynWorkflowState};
use appstudio_runtime::engine::{
    AcAccount, ApplicationState, ConnectionState, Error as EngineError, ErrorKind, TokenHook,
    Tokens,
};
use appstudio_runtime::ir::{self, IntakeKind, Scope};
use appstudio_runtime::json::Value;
use appstudio_runtime::value::Secret;
use serde::{Deserialize, Serialize};

use crate::store::{InstallationRow, States, Store};
use crate::{Error, Key};

/// What is sealed in an installation's `secrets` column.
#[derive(Serialize, Deserialize)]
struct Secrets {
    credentials: Value,
    tokens: Tokens,
    activecampaign: Option<StoredAccount>,
}

/// An ActiveCampaign account as sealed.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StoredAccount {
    url: String,
    token: Secret,
}

impl From<&AcAccount> for StoredAccount {
    fn from(a: &AcAccount) -> Self {
        StoredAccount {
            url: a.url.clone(),
            token: a.token.clone(),
        }
    }
}

/// One installation as the workers and the intake use it.
pub(crate) struct Live {
    pub id: String,
    /// The name of the workflow's `data_intake`.
    pub intake: &'static str,
    /// The webhook's scope (a polling installation shares nothing: `Workflow`).
    pub scope: Scope,
    /// Its webhook URL's token; `None` for a polling installation.
    pub token: Option<String>,
    /// The connection's account id as text (application-scope routing).
    pub account_id: RwLock<Option<String>>,
    /// The workflow the workers run; held for a whole run, so one at a time.
    pub run: tokio::sync::Mutex<DynWorkflow>,
    /// A copy for verification on the request path, which never waits for a run.
    pub snapshot: Mutex<DynWorkflow>,
    /// The unsealed parts of its secrets besides the tokens, to seal them again.
    credentials: Value,
    activecampaign: Option<StoredAccount>,
}

/// How a workflow's events arrive: its `data_intake`.
#[derive(Clone, Copy)]
pub(crate) enum Hosted {
    /// Requests to its webhook URL.
    Webhook(&'static ir::Webhook),
    /// Polling cycles the scheduler runs.
    Polling,
}

/// The `data_intake` of a workflow: its name and kind.
pub(crate) fn intake_of(
    app: &'static ir::App,
    wf: &'static ir::Workflow,
) -> Result<(&'static str, Hosted), Error> {
    match wf.data_intake.and_then(|i| app.intakes.get(i)) {
        Some(ir::Intake {
            name,
            kind: IntakeKind::Webhook(w),
            ..
        }) => Ok((name, Hosted::Webhook(w))),
        Some(ir::Intake {
            name,
            kind: IntakeKind::Polling(_),
            ..
        }) => Ok((name, Hosted::Polling)),
        None => Err(Error::Invalid(format!(
            "workflow `{}` has no `data_intake`: the host runs workflows fed by a webhook or \
             by polling",
            wf.name
        ))),
    }
}

/// The seal's associated data: the row and the column.
fn context(id: &str) -> String {
    format!("installations/{id}/secrets")
}

impl Live {
    /// An installation from its parts; sets the connection's token hook to `store`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        app: &'static ir::App,
        id: String,
        token: Option<String>,
        workflow: DynWorkflow,
        credentials: Value,
        activecampaign: Option<StoredAccount>,
        store: &Store,
        key: &Key,
    ) -> Result<Arc<Live>, Error> {
        let (intake, hosted) = intake_of(app, workflow.workflow())?;
        let scope = match hosted {
            Hosted::Webhook(hook) => hook.scope,
            Hosted::Polling => Scope::Workflow,
        };
        let account_id = workflow.connection().account_id().map(|v| id_text(&v));
        let live = Arc::new(Live {
            id,
            intake,
            scope,
            token,
            account_id: RwLock::new(account_id),
            snapshot: Mutex::new(workflow.clone()),
            run: tokio::sync::Mutex::new(workflow.clone()),
            credentials,
            activecampaign,
        });
        workflow
            .connection()
            .on_token_renewal(token_hook(&live, store.clone(), key.clone()));
        Ok(live)
    }

    /// An installation from its stored row: secrets opened, connection restored with its
    /// state, workflow resumed (restore the app's state first).
    pub(crate) fn restore(
        row: &InstallationRow,
        token: Option<String>,
        engine: &DynEngine,
        store: &Store,
        key: &Key,
    ) -> Result<Arc<Live>, Error> {
        let plain = key.open(&context(&row.id), &row.secrets)?;
        let secrets: Secrets = serde_json::from_slice(&plain)
            .map_err(|e| Error::Invalid(format!("installation `{}`: secrets: {e}", row.id)))?;
        let credentials = Credentials::from_json(&secrets.credentials)?;
        let account = secrets.activecampaign.as_ref().map(|a| AcAccount {
            url: a.url.clone(),
            token: a.token.clone(),
        });
        let conn = engine.restore(&row.auth, credentials, secrets.tokens, account)?;
        let invalid = |what: &str, e: serde_json::Error| {
            Error::Invalid(format!("installation `{}`: {what}: {e}", row.id))
        };
        let cs: ConnectionState = serde_json::from_str(&row.connection_state)
            .map_err(|e| invalid("connection state", e))?;
        conn.restore_state(cs);
        let ws: DynWorkflowState =
            serde_json::from_str(&row.workflow_state).map_err(|e| invalid("workflow state", e))?;
        let workflow = conn.resume(ws)?;
        Live::new(
            engine.app(),
            row.id.clone(),
            token,
            workflow,
            secrets.credentials,
            secrets.activecampaign,
            store,
            key,
        )
    }

    /// The secrets sealed with `tokens`.
    pub(crate) fn seal(&self, key: &Key, tokens: Tokens) -> Result<Vec<u8>, Error> {
        seal(
            key,
            &self.id,
            &self.credentials,
            tokens,
            self.activecampaign.as_ref(),
        )
    }

    /// What to commit for this installation after `workflow` ran (its tokens as they are).
    pub(crate) fn states(
        &self,
        key: &Key,
        workflow: &DynWorkflow,
        app_state: &ApplicationState,
    ) -> Result<States, Error> {
        let conn = workflow.connection();
        let account_id = conn.account_id().map(|v| id_text(&v));
        *write(&self.account_id) = account_id.clone();
        Ok(States {
            installation_id: self.id.clone(),
            account_id,
            secrets: self.seal(key, conn.tokens())?,
            connection_state: to_json(&conn.state())?,
            workflow_state: to_json(&workflow.state())?,
            app_state: to_json(app_state)?,
            next_run: None,
        })
    }

    /// Its webhook URL under `public_url`; `None` for a polling installation.
    pub(crate) fn url(&self, public_url: &str) -> Option<String> {
        self.token.as_deref().map(|t| hook_url(public_url, t))
    }

    /// Keeps `workflow` as the copy verification runs on.
    pub(crate) fn refresh_snapshot(&self, workflow: &DynWorkflow) {
        *self.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = workflow.clone();
    }

    /// A copy of the workflow for verification.
    pub(crate) fn snapshot(&self) -> DynWorkflow {
        self.snapshot
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// The webhook URL of `token` under `public_url`.
pub(crate) fn hook_url(public_url: &str, token: &str) -> String {
    format!("{}/hooks/{token}", public_url.trim_end_matches('/'))
}

/// Secrets sealed for installation `id`.
pub(crate) fn seal(
    key: &Key,
    id: &str,
    credentials: &Value,
    tokens: Tokens,
    activecampaign: Option<&StoredAccount>,
) -> Result<Vec<u8>, Error> {
    let secrets = Secrets {
        credentials: credentials.clone(),
        tokens,
        activecampaign: activecampaign.cloned(),
    };
    let plain = serde_json::to_vec(&secrets)
        .map_err(|e| Error::Invalid(format!("secrets do not serialize: {e}")))?;
    key.seal(&context(id), &plain)
}

/// A state as JSON text.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::Invalid(format!("a state does not serialize: {e}")))
}

/// Writes renewed tokens to the store before the engine uses them (D28). A failure to store
/// them fails the request that needed them as a transient error ([`ErrorKind::Remote5xx`]), so
/// the event is retried; the worker's commit writes the tokens again with the run.
fn token_hook(live: &Arc<Live>, store: Store, key: Key) -> TokenHook {
    let live = Arc::downgrade(live);
    Arc::new(move |tokens: Tokens| {
        let (live, store, key) = (live.clone(), store.clone(), key.clone());
        Box::pin(async move {
            let Some(live) = live.upgrade() else {
                return Ok(());
            };
            let stored = match live.seal(&key, tokens) {
                Ok(sealed) => store.update_secrets(&live.id, &sealed).await,
                Err(e) => Err(e),
            };
            stored.map_err(|e| {
                EngineError::new(
                    ErrorKind::Remote5xx,
                    format!("the host could not store the renewed tokens: {e}"),
                )
            })
        })
    })
}

/// The installations and webhook URLs in memory.
#[derive(Default)]
pub(crate) struct Registry {
    pub installations: RwLock<HashMap<String, Arc<Live>>>,
    /// URL token → (intake name, installation id; none for an application-scope URL).
    pub hooks: RwLock<HashMap<String, (String, Option<String>)>>,
}

impl Registry {
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Live>> {
        read(&self.installations).get(id).cloned()
    }

    /// The installations receiving through intake `intake`, oldest first by id order.
    pub(crate) fn of_intake(&self, intake: &str) -> Vec<Arc<Live>> {
        let mut all: Vec<_> = read(&self.installations)
            .values()
            .filter(|l| l.intake == intake)
            .cloned()
            .collect();
        all.sort_by(|a, b| a.id.cmp(&b.id));
        all
    }

    /// The application-scope URL of an intake, if one was made.
    pub(crate) fn shared_token(&self, intake: &str) -> Option<String> {
        read(&self.hooks)
            .iter()
            .find(|(_, (i, inst))| i == intake && inst.is_none())
            .map(|(t, _)| t.clone())
    }
}

/// A read lock that survives a panic elsewhere.
pub(crate) fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

/// A write lock that survives a panic elsewhere.
pub(crate) fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

/// An id as text: a string as it is, anything else as JSON (`"12"` and `12` are one account,
/// as the engine compares them).
pub(crate) fn id_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}
