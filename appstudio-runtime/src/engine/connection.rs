//! The engine's entry points: an [`Engine`] per app, a [`Connection`] per connected account.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::auth::{self, Credentials, Tokens};
use super::ctx::Ctx;
use super::error::{Error, Result};
use super::exec;
use super::session::{ConnState, Session};
use super::{EngineConfig, Inner};
use crate::api::AppSpec;
use crate::ir::{self, AuthMethod};
use crate::lock::unpoisoned;
use crate::value::Secret;

/// Runs one compiled app. Cheap to clone; clones share the HTTP connection pool.
#[derive(Clone)]
pub struct Engine {
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

impl Engine {
    /// An engine for a compiled app's IR.
    pub fn new(app: &'static ir::App, config: EngineConfig) -> Result<Engine> {
        let client = crate::net::http_client(Some(config.timeout))
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        let app_limit = app
            .api
            .rate_limit
            .as_ref()
            .filter(|l| l.level == ir::RateLevel::App)
            .map(super::limit::Buckets::new);
        Ok(Engine {
            inner: Arc::new(Inner {
                app,
                client,
                config,
                app_limit,
                application_data: Default::default(),
            }),
        })
    }

    /// An engine for the app `include_app!` generated as `A`.
    pub fn of<A: AppSpec>(config: EngineConfig) -> Result<Engine> {
        Self::new(A::ir(), config)
    }

    /// The app.
    pub fn app(&self) -> &'static ir::App {
        self.inner.app
    }

    fn auth(&self, key: &str) -> Result<&'static ir::Auth> {
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
        let a = self.auth(auth_key)?;
        let AuthMethod::OAuth2(o) = &a.method else {
            return Err(Error::invalid(format!("auth `{auth_key}` is not oauth2")));
        };
        auth::authorization_url(&self.inner, o, credentials, redirect_uri, state)
    }

    /// Connects with credentials: checks them (`verify_url` for basic and token; a session
    /// login for session). For oauth2 use [`Engine::connect_oauth2`].
    pub async fn connect(
        &self,
        auth_key: &str,
        credentials: Credentials,
        activecampaign: Option<AcAccount>,
    ) -> Result<Connection> {
        let a = self.auth(auth_key)?;
        credentials.check(a)?;
        // the check counts against the connection's `api.rate_limit` too
        let user_limit = self.inner.user_limit();
        let tokens = match &a.method {
            AuthMethod::OAuth2(_) => {
                return Err(Error::invalid(format!(
                    "auth `{auth_key}` is oauth2: connect with `connect_oauth2` and the authorization code"
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
    ) -> Result<Connection> {
        let a = self.auth(auth_key)?;
        let AuthMethod::OAuth2(o) = &a.method else {
            return Err(Error::invalid(format!("auth `{auth_key}` is not oauth2")));
        };
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
    ) -> Result<Connection> {
        let a = self.auth(auth_key)?;
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
    ) -> Result<Connection> {
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
            saved: Default::default(),
            account_id: Default::default(),
            user_limit,
        };
        Ok(Connection {
            engine: self.clone(),
            state: Arc::new(state),
        })
    }
}

/// A connected account. Cheap to clone; clones share tokens, so a refresh is done once.
#[derive(Clone)]
pub struct Connection {
    pub(crate) engine: Engine,
    pub(crate) state: Arc<ConnState>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("auth", &self.state.auth.key)
            .field("credentials", &self.state.credentials)
            .finish_non_exhaustive()
    }
}

impl Connection {
    pub(crate) fn session(&self) -> Session<'_> {
        Session {
            inner: &self.engine.inner,
            conn: Some(&self.state),
        }
    }

    /// The current tokens (to store them; see [`Engine::restore`]).
    pub fn tokens(&self) -> Tokens {
        unpoisoned(self.state.tokens.lock()).0.clone()
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
        let wf = self.workflow(workflow)?;
        let Some(cmd) = &wf.workflow().setup.connect.describe_connection else {
            return Err(Error::config(format!(
                "workflow `{workflow}` has no `describe_connection`"
            )));
        };
        let mut ctx = self.ctx();
        let session = self.session();
        let out = exec::run(&session, cmd, Value::Null, &mut ctx, &[])
            .await
            .map_err(|e| wf.locate(e, "setup.connect.describe_connection"))?;
        match (out.get("account_id"), out.get("description")) {
            (Some(account_id), Some(description)) => Ok(Description {
                account_id: {
                    *unpoisoned(self.state.account_id.lock()) = Some(account_id.clone());
                    account_id.clone()
                },
                description: description.clone(),
            }),
            _ => Err(wf.locate(
                Error::invalid(format!(
                    "`describe_connection` must give {{account_id, description}}, not {}",
                    super::http::excerpt(&out)
                ))
                .at(cmd.loc),
                "setup.connect.describe_connection",
            )),
        }
    }
}
