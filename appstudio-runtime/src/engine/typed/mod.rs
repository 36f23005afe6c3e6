//! The typed engine (D20): [`Engine<App>`](Engine), [`Connection<Credentials>`](Connection)
//! and [`Workflow<Marker>`](Workflow), driven by the types `include_app!` generates, so that no
//! app name is written in a string and a step the app does not have does not compile.
//!
//! Each type is a thin wrapper over its [`dynamic`](super::dynamic) counterpart, which does the
//! work; the wrappers only pick the auth entry, workflow and form field by their generated type
//! and convert typed values to the JSON the engine runs on.

mod mapping;
mod objects;
mod polling;
mod state;
mod webhook;
mod workflow;

pub use mapping::{FixedOption, MapOption, MapOptions, Mapping};
pub use state::WorkflowState;
pub use workflow::{SelectionDescription, Workflow};

use std::marker::PhantomData;

use crate::json::Value;

use super::EngineConfig;
use super::auth::{Credentials, Tokens};
use super::connection::{AcAccount, Description, DynConnection, DynEngine};
use super::error::{Error, Result};
use super::state::{ApplicationState, ConnectionState};
use crate::api::{
    AppSpec, AuthSpec, CheckedCredentials, DescribesConnection, OAuth2Credentials,
    PlainCredentials, TokenCredentials, WorkflowOf,
};

/// Runs the app `A` that `include_app!` generated. Cheap to clone; clones share the HTTP
/// connection pool and the app's saved values.
pub struct Engine<A> {
    dynamic: DynEngine,
    app: PhantomData<fn() -> A>,
}

impl<A> Clone for Engine<A> {
    fn clone(&self) -> Self {
        Self {
            dynamic: self.dynamic.clone(),
            app: PhantomData,
        }
    }
}

impl<A: AppSpec> Engine<A> {
    /// An engine for the app.
    pub fn new(config: EngineConfig) -> Result<Self> {
        Ok(Self {
            dynamic: DynEngine::new(A::ir(), config)?,
            app: PhantomData,
        })
    }

    /// The untyped engine underneath.
    pub fn dynamic(&self) -> &DynEngine {
        &self.dynamic
    }

    /// The app's state (application-scope `!save`d values and webhook subscriptions), to
    /// store it.
    pub fn state(&self) -> ApplicationState {
        self.dynamic.state()
    }

    /// Brings a stored [`ApplicationState`] back (after a restart, before running anything).
    pub fn restore_state(&self, state: ApplicationState) {
        self.dynamic.restore_state(state);
    }

    /// The URL to send a user to, to connect an oauth2 auth entry.
    pub fn authorization_url<C>(
        &self,
        credentials: &C,
        redirect_uri: &str,
        state: &str,
    ) -> Result<url::Url>
    where
        C: OAuth2Credentials + AuthSpec<App = A>,
    {
        let plain = untyped(credentials)?;
        self.dynamic
            .authorization_url_for(C::ir(), &plain, redirect_uri, state)
    }

    /// Connects an oauth2 auth entry by exchanging the authorization `code` its redirect
    /// brought back.
    pub async fn connect_oauth2<C>(
        &self,
        credentials: C,
        code: &str,
        redirect_uri: &str,
        activecampaign: Option<AcAccount>,
    ) -> Result<Connection<C>>
    where
        C: OAuth2Credentials + AuthSpec<App = A>,
    {
        let plain = untyped(&credentials)?;
        let conn = self
            .dynamic
            .connect_oauth2_with(C::ir(), plain, code, redirect_uri, activecampaign)
            .await?;
        Ok(Connection::wrap(conn))
    }

    /// Connects a basic or token auth entry (its `verify_url` checks the credentials) or a
    /// session one (its login gives the session token).
    pub async fn connect<C>(
        &self,
        credentials: C,
        activecampaign: Option<AcAccount>,
    ) -> Result<Connection<C>>
    where
        C: CheckedCredentials + AuthSpec<App = A>,
    {
        let plain = untyped(&credentials)?;
        let conn = self
            .dynamic
            .connect_with(C::ir(), plain, activecampaign)
            .await?;
        Ok(Connection::wrap(conn))
    }

    /// A connection of an oauth2 or session auth entry made earlier, from its stored
    /// [`Connection::tokens`].
    pub fn restore<C>(
        &self,
        credentials: C,
        tokens: Tokens,
        activecampaign: Option<AcAccount>,
    ) -> Result<Connection<C>>
    where
        C: TokenCredentials + AuthSpec<App = A>,
    {
        let plain = untyped(&credentials)?;
        let conn = self
            .dynamic
            .restore_with(C::ir(), plain, tokens, activecampaign)?;
        Ok(Connection::wrap(conn))
    }

    /// A connection of a basic or token auth entry made earlier, from its credentials alone
    /// (`verify_url` is not called again).
    pub fn reconnect<C>(
        &self,
        credentials: C,
        activecampaign: Option<AcAccount>,
    ) -> Result<Connection<C>>
    where
        C: PlainCredentials + AuthSpec<App = A>,
    {
        let plain = untyped(&credentials)?;
        let conn = self
            .dynamic
            .restore_with(C::ir(), plain, Tokens::default(), activecampaign)?;
        Ok(Connection::wrap(conn))
    }
}

/// Typed credentials as the engine's [`Credentials`].
fn untyped<C: AuthSpec>(credentials: &C) -> Result<Credentials> {
    let json = serde_json::to_value(credentials)
        .map_err(|e| Error::invalid(format!("credentials do not serialize: {e}")))?;
    Credentials::from_json(&crate::json::Value::from(&json))
}

/// An account connected through auth entry `C` (a generated `auth::*` type). It reaches the
/// workflows whose `auth` is that entry. Cheap to clone; clones share tokens.
pub struct Connection<C> {
    dynamic: DynConnection,
    auth: PhantomData<fn() -> C>,
}

impl<C> Clone for Connection<C> {
    fn clone(&self) -> Self {
        Self::wrap(self.dynamic.clone())
    }
}

impl<C> std::fmt::Debug for Connection<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.dynamic.fmt(f)
    }
}

impl<C> Connection<C> {
    fn wrap(dynamic: DynConnection) -> Self {
        Self {
            dynamic,
            auth: PhantomData,
        }
    }

    /// The untyped connection underneath.
    pub fn dynamic(&self) -> &DynConnection {
        &self.dynamic
    }

    /// A workflow of this connection, to set it up and run it.
    pub fn workflow<W: WorkflowOf<C>>(&self, workflow: W) -> Workflow<W> {
        let _ = workflow;
        Workflow::new(&self.dynamic)
    }

    /// Runs a workflow's `describe_connection`; the account id it gives is kept with the
    /// connection (it routes application-scope webhooks).
    pub async fn describe<W>(&self, workflow: W) -> Result<Description>
    where
        W: WorkflowOf<C> + DescribesConnection,
    {
        let _ = workflow;
        self.dynamic.describe_with(W::ir()).await
    }

    /// A workflow instance from its stored [`WorkflowState`], checked against the app as it
    /// is now (restore the connection's [`ConnectionState`] first).
    pub fn resume<W: WorkflowOf<C>>(&self, state: WorkflowState<W>) -> Result<Workflow<W>> {
        Workflow::resume(&self.dynamic, state)
    }

    /// The connection's current tokens, to store them (see [`Engine::restore`]).
    pub fn tokens(&self) -> Tokens
    where
        C: TokenCredentials,
    {
        self.dynamic.tokens()
    }

    /// Sets the hook told of renewed tokens before any request uses them, so that a host
    /// commits them first (see [`super::TokenHook`], D28).
    pub fn on_token_renewal(&self, hook: super::TokenHook)
    where
        C: TokenCredentials,
    {
        self.dynamic.on_token_renewal(hook);
    }

    /// The account id `describe_connection` gave (or a resumed state carried).
    pub fn account_id(&self) -> Option<Value> {
        self.dynamic.account_id()
    }

    /// The connection's state (account id, connection-scope `!save`d values and webhook
    /// subscriptions), to store it beside its tokens.
    pub fn state(&self) -> ConnectionState {
        self.dynamic.state()
    }

    /// Brings a stored [`ConnectionState`] back (after a restart, before resuming its
    /// workflows).
    pub fn restore_state(&self, state: ConnectionState) {
        self.dynamic.restore_state(state);
    }
}
