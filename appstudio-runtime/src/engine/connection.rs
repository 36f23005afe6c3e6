//! The engine's entry points: an [`DynEngine`] per app, a [`DynConnection`] per connected account.

use std::sync::{Arc, Mutex};

use crate::json::Value;

use super::auth::{self, Credentials, Tokens};
use super::ctx::Ctx;
use super::error::{Error, Result};
use super::exec;
use super::session::{ConnState, Session, TokenHook};
use super::{EngineConfig, Inner};
use crate::api::AppSpec;
use crate::ir::{self, AuthMethod};
use crate::lock::unpoisoned;
use crate::value::Secret;

/// Runs one compiled app. Cheap to clone; clones share the HTTP connection pool.
#[derive(Clone)]
pub struct DynEngine {
    pub(crate) inner: Arc<Inner>,
}

/// The ActiveCampaign account a connection belongs to: its API URL (such as
/// `https://acme.api-us1.com`) and an `Api-Token`.
#[derive(Clone, Debug)]
pub struct AcAccount {
    /// The account's API URL, without `/api/3`.
    pub url: String,
    /// The API token.
    pub token: Secret,
}

/// What `describe_connection` said about the connected account.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    /// Identifies the external account (routes application-scope webhooks).
    pub account_id: Value,
    /// Shown to the user after connecting.
    pub description: Value,
}

impl DynEngine {
    /// An engine for a compiled app's IR.
    pub fn new(app: &'static ir::App, config: EngineConfig) -> Result<DynEngine> {
        let client = crate::net::http_client(Some(config.timeout))
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        let app_limit = app
            .api
            .rate_limit
            .as_ref()
            .filter(|l| l.level == ir::RateLevel::App)
            .map(super::limit::Buckets::new);
        Ok(DynEngine {
            inner: Arc::new(Inner {
                app,
                client,
                config,
                app_limit,
                application: Default::default(),
            }),
        })
    }

    /// An engine for the app `include_app!` generated as `A`.
    pub fn of<A: AppSpec>(config: EngineConfig) -> Result<DynEngine> {
        Self::new(A::ir(), config)
    }

    /// The app.
    pub fn app(&self) -> &'static ir::App {
        self.inner.app
    }

    pub(crate) fn auth(&self, key: &str) -> Result<&'static ir::Auth> {
        let app = self.inner.app;
        app.auth.iter().find(|a| a.key == key).ok_or_else(|| {
            let keys: Vec<&str> = app.auth.iter().map(|a| &*a.key).collect();
            Error::invalid(format!(
                "no auth `{key}` in the app (it has {})",
                keys.join(", ")
            ))
        })
    }

    /// The URL to send a user to for an oauth2 auth entry.
    pub fn authorization_url(
        &self,
        auth_key: &str,
        credentials: &Credentials,
        redirect_uri: &str,
        state: &str,
    ) -> Result<url::Url> {
        self.authorization_url_for(self.auth(auth_key)?, credentials, redirect_uri, state)
    }

    pub(crate) fn authorization_url_for(
        &self,
        a: &'static ir::Auth,
        credentials: &Credentials,
        redirect_uri: &str,
        state: &str,
    ) -> Result<url::Url> {
        auth::authorization_url(&self.inner, oauth2(a)?, credentials, redirect_uri, state)
    }

    /// Connects with credentials: checks them (`verify_url` for basic and token; a session
    /// login for session). For oauth2 use [`DynEngine::connect_oauth2`].
    pub async fn connect(
        &self,
        auth_key: &str,
        credentials: Credentials,
        activecampaign: Option<AcAccount>,
    ) -> Result<DynConnection> {
        self.connect_with(self.auth(auth_key)?, credentials, activecampaign)
            .await
    }

    pub(crate) async fn connect_with(
        &self,
        a: &'static ir::Auth,
        credentials: Credentials,
        activecampaign: Option<AcAccount>,
    ) -> Result<DynConnection> {
        credentials.check(a)?;
        // the check counts against the connection's `api.rate_limit` too
        let user_limit = self.inner.user_limit();
        let tokens = match &a.method {
            AuthMethod::OAuth2(_) => {
                return Err(Error::invalid(format!(
                    "auth `{}` is oauth2: connect with `connect_oauth2` and the authorization code",
                    a.key
                )));
            }
            AuthMethod::Basic { .. } | AuthMethod::Token { .. } => {
                auth::verify(&self.inner, a, &credentials, user_limit.as_ref()).await?;
                Tokens::default()
            }
            AuthMethod::Session {
                verify_url,
                request_body,
            } => {
                auth::session_login(
                    &self.inner,
                    verify_url,
                    request_body.as_ref(),
                    &credentials,
                    None,
                    user_limit.as_ref(),
                )
                .await?
            }
        };
        self.connection(a, credentials, tokens, activecampaign, user_limit)
    }

    /// Connects an oauth2 auth entry by exchanging the authorization `code`.
    pub async fn connect_oauth2(
        &self,
        auth_key: &str,
        credentials: Credentials,
        code: &str,
        redirect_uri: &str,
        activecampaign: Option<AcAccount>,
    ) -> Result<DynConnection> {
        self.connect_oauth2_with(
            self.auth(auth_key)?,
            credentials,
            code,
            redirect_uri,
            activecampaign,
        )
        .await
    }

    pub(crate) async fn connect_oauth2_with(
        &self,
        a: &'static ir::Auth,
        credentials: Credentials,
        code: &str,
        redirect_uri: &str,
        activecampaign: Option<AcAccount>,
    ) -> Result<DynConnection> {
        let o = oauth2(a)?;
        credentials.check(a)?;
        let tokens = auth::exchange_code(&self.inner, o, &credentials, code, redirect_uri).await?;
        let user_limit = self.inner.user_limit();
        self.connection(a, credentials, tokens, activecampaign, user_limit)
    }

    /// A connection from stored tokens (an oauth2 or session connection made earlier).
    pub fn restore(
        &self,
        auth_key: &str,
        credentials: Credentials,
        tokens: Tokens,
        activecampaign: Option<AcAccount>,
    ) -> Result<DynConnection> {
        self.restore_with(self.auth(auth_key)?, credentials, tokens, activecampaign)
    }

    pub(crate) fn restore_with(
        &self,
        a: &'static ir::Auth,
        credentials: Credentials,
        tokens: Tokens,
        activecampaign: Option<AcAccount>,
    ) -> Result<DynConnection> {
        credentials.check(a)?;
        let user_limit = self.inner.user_limit();
        self.connection(a, credentials, tokens, activecampaign, user_limit)
    }

    fn connection(
        &self,
        auth: &'static ir::Auth,
        credentials: Credentials,
        tokens: Tokens,
        activecampaign: Option<AcAccount>,
        user_limit: Option<super::limit::Buckets>,
    ) -> Result<DynConnection> {
        let vars = auth::subdomain_vars(credentials.subdomain()?);
        let base_url = vars.url_path(&self.inner.app.api.base_url)?;
        let state = ConnState {
            auth,
            credentials,
            tokens: Mutex::new((tokens, 0)),
            refresh_lock: tokio::sync::Mutex::new(()),
            broken: Mutex::new(None),
            base_url,
            activecampaign: activecampaign
                .map(|a| {
                    let config = crate::activecampaign::ClientConfig {
                        requests_per_second: self.inner.config.activecampaign_rate,
                        retry: self.inner.config.retry.clone(),
                        timeout: self.inner.config.timeout,
                    };
                    crate::activecampaign::Client::with(
                        self.inner.client.clone(),
                        &a.url,
                        a.token,
                        config,
                    )
                    .map_err(|e| Error::invalid(e.to_string()))
                })
                .transpose()?,
            scope: Default::default(),
            account_id: Default::default(),
            user_limit,
            on_renewal: Default::default(),
        };
        Ok(DynConnection {
            engine: self.clone(),
            state: Arc::new(state),
        })
    }
}

/// The oauth2 configuration of an auth entry.
fn oauth2(a: &'static ir::Auth) -> Result<&'static ir::OAuth2> {
    match &a.method {
        AuthMethod::OAuth2(o) => Ok(o),
        _ => Err(Error::invalid(format!("auth `{}` is not oauth2", a.key))),
    }
}

/// A connected account. Cheap to clone; clones share tokens, so a refresh is done once.
#[derive(Clone)]
pub struct DynConnection {
    pub(crate) engine: DynEngine,
    pub(crate) state: Arc<ConnState>,
}

impl std::fmt::Debug for DynConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynConnection")
            .field("auth", &self.state.auth.key)
            .field("credentials", &self.state.credentials)
            .finish_non_exhaustive()
    }
}

impl DynConnection {
    pub(crate) fn session(&self) -> Session<'_> {
        Session {
            inner: &self.engine.inner,
            conn: Some(&self.state),
        }
    }

    /// The current tokens (to store them; see [`DynEngine::restore`]).
    pub fn tokens(&self) -> Tokens {
        unpoisoned(self.state.tokens.lock()).0.clone()
    }

    /// Sets the hook told of renewed tokens before they are used (see [`TokenHook`]);
    /// clones of this connection share it.
    pub fn on_token_renewal(&self, hook: TokenHook) {
        *unpoisoned(self.state.on_renewal.lock()) = Some(hook);
    }

    /// The account id `describe_connection` gave (or a resumed state carried).
    pub fn account_id(&self) -> Option<Value> {
        unpoisoned(self.state.account_id.lock()).clone()
    }

    /// Keeps a stored account id unless the connection knows one already.
    pub(crate) fn keep_account_id(&self, id: Value) {
        unpoisoned(self.state.account_id.lock()).get_or_insert(id);
    }

    /// A context with the connection's variables.
    pub(crate) fn ctx(&self) -> Ctx {
        Ctx {
            subdomain: self.state.credentials.get("subdomain").map(str::to_owned),
            ..Ctx::default()
        }
    }

    /// Runs the `describe_connection` of a workflow's `connect` step.
    pub async fn describe(&self, workflow: &str) -> Result<Description> {
        self.describe_with(self.workflow(workflow)?.workflow())
            .await
    }

    pub(crate) async fn describe_with(
        &self,
        workflow: &'static ir::Workflow,
    ) -> Result<Description> {
        let locate = |e: Error| {
            e.in_step("setup.connect.describe_connection")
                .in_workflow(&workflow.name, &self.engine.inner.app.file)
        };
        let Some(cmd) = &workflow.setup.connect.describe_connection else {
            return Err(Error::config(format!(
                "workflow `{}` has no `describe_connection`",
                workflow.name
            )));
        };
        let mut ctx = self.ctx();
        let session = self.session();
        let out = exec::run(&session, cmd, Value::Null, &mut ctx, &[])
            .await
            .map_err(locate)?;
        match (out.get("account_id"), out.get("description")) {
            (Some(account_id), Some(description)) => {
                *unpoisoned(self.state.account_id.lock()) = Some(account_id.clone());
                Ok(Description {
                    account_id: account_id.clone(),
                    description: description.clone(),
                })
            }
            _ => Err(locate(
                Error::invalid(format!(
                    "`describe_connection` must give {{account_id, description}}, not {}",
                    super::http::excerpt(&out)
                ))
                .at(cmd.loc),
            )),
        }
    }
}
