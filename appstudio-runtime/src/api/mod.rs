//! Traits the generated API implements, so that the typed engine (`engine::Engine<App>`) is
//! driven by the app's own types: one credentials type per auth entry, one marker type per
//! workflow, one query type per form field with options.
//!
//! Each capability is a trait the code generator implements only where `app.json` has it (an
//! oauth2 auth, a webhook intake, a `map` step, a `search_term`…), so that using one the app
//! does not have fails to compile, with a message in the app's words.

mod fields;
mod mapping;

pub use fields::{put_field, take_field};
pub use mapping::{DynamicField, FixedValue, MapKey, Mapped};

use crate::ir;

/// A compiled app: the type `include_app!` emits as `App`.
pub trait AppSpec: 'static {
    /// The app's static IR.
    fn ir() -> &'static ir::App;
}

/// An app with `objects`: its custom objects become schemas in ActiveCampaign on install.
#[diagnostic::on_unimplemented(
    message = "the app `{Self}` has no custom objects",
    label = "app.json has no `objects`",
    note = "`provision_objects` makes the app's `objects` schemas in the ActiveCampaign account"
)]
pub trait CustomObjects: AppSpec {}

/// The credentials of one `auth` entry: the generated `auth::*` types, with exactly the entry's
/// `defined_fields`.
pub trait AuthSpec: serde::Serialize + serde::de::DeserializeOwned + 'static {
    /// The app it belongs to.
    type App: AppSpec;
    /// Its index in [`ir::App::auth`].
    const INDEX: usize;

    /// The auth entry's IR.
    fn ir() -> &'static ir::Auth {
        &Self::App::ir().auth[Self::INDEX]
    }
}

/// Credentials of an oauth2 auth entry: connected by sending the user to the authorization
/// URL and exchanging the code it returns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an oauth2 auth: there is no authorization code to exchange",
    label = "not the credentials of an oauth2 auth entry",
    note = "basic, token and session auths connect with `Engine::connect(credentials, …)`"
)]
pub trait OAuth2Credentials: AuthSpec {}

/// Credentials of a basic, token or session auth entry: connected by checking them
/// (`verify_url`, or the session login).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is an oauth2 auth: it connects with an authorization code",
    label = "an oauth2 auth cannot connect with its credentials alone",
    note = "send the user to `Engine::authorization_url`, then call `Engine::connect_oauth2` with the code it returns"
)]
pub trait CheckedCredentials: AuthSpec {}

/// Credentials of an auth entry whose connection holds tokens (oauth2, session): a stored
/// connection is restored from them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no tokens: a basic or token auth sends its credentials on every request",
    label = "no tokens to store or restore for this auth",
    note = "a stored connection of a basic or token auth comes back with `Engine::reconnect(credentials, …)`"
)]
pub trait TokenCredentials: AuthSpec {}

/// Credentials of a basic or token auth entry: nothing but the credentials is stored.
#[diagnostic::on_unimplemented(
    message = "`{Self}` connects with tokens (oauth2 or session), not with its credentials alone",
    label = "restoring this auth needs its stored tokens",
    note = "store `Connection::tokens()` and come back with `Engine::restore(credentials, tokens, …)`"
)]
pub trait PlainCredentials: AuthSpec {}

/// One workflow of a compiled app: the marker types `workflows::*` of the generated API.
pub trait WorkflowSpec: Copy + Default + std::fmt::Debug + Send + Sync + 'static {
    /// The app it belongs to.
    type App: AppSpec;
    /// The values of its form fields (`custom_data`).
    type CustomData: serde::Serialize + serde::de::DeserializeOwned;
    /// Its index in [`ir::App::workflows`].
    const INDEX: usize;
    /// Its `name` in `app.json`.
    const NAME: &'static str;

    /// The workflow's IR.
    fn ir() -> &'static ir::Workflow {
        &Self::App::ir().workflows[Self::INDEX]
    }
}

/// A workflow reached through a connection of auth entry `C` (its `auth` in `app.json`).
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` does not connect with auth `{C}`",
    label = "this workflow's `auth` in app.json is another entry",
    note = "a connection reaches only the workflows whose `auth` names its own auth entry"
)]
pub trait WorkflowOf<C>: WorkflowSpec {}

/// A workflow whose `data_intake` is a webhook intake.
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` receives no webhooks",
    label = "it has no webhook `data_intake` in app.json",
    note = "webhooks are created and received only for workflows with a webhook `data_intake`"
)]
pub trait WebhookWorkflow: WorkflowSpec {}

/// A workflow whose `data_intake` is a polling intake.
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` does not poll",
    label = "it has no polling `data_intake` in app.json",
    note = "only workflows with a polling `data_intake` have `initial_setup`, `poll` and `schedule`"
)]
pub trait PollingWorkflow: WorkflowSpec {}

/// A workflow with a `historical_data_intake`.
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` has no historical sync",
    label = "it has no `historical_data_intake` in app.json",
    note = "a historical sync runs the polling intake named by `historical_data_intake`"
)]
pub trait HistoricalWorkflow: WorkflowSpec {}

/// A workflow whose `setup.connect` has `describe_connection`.
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` has no `describe_connection`",
    label = "its `setup.connect` in app.json has no `describe_connection`",
    note = "`describe_connection` gives the connected account's id and description"
)]
pub trait DescribesConnection: WorkflowSpec {}

/// A workflow whose `setup.select` has `describe_selection`.
#[diagnostic::on_unimplemented(
    message = "workflow `{Self}` has no `describe_selection`",
    label = "its `setup.select` in app.json has no `describe_selection`",
    note = "`describe_selection` gives the selected resource's id and display text"
)]
pub trait DescribesSelection: WorkflowSpec {}

/// A typed request for one form field's options. It holds exactly the fields the options
/// command reads, so a dependent dropdown cannot be loaded before its parent is chosen.
pub trait OptionsQuery: serde::Serialize {
    /// The workflow of the field.
    type Workflow: WorkflowSpec;
    /// The field's index in `setup.select.form_fields`.
    const FIELD: usize;

    /// The field's IR.
    fn field() -> &'static ir::FormField {
        let select = <Self::Workflow as WorkflowSpec>::ir().setup.select.as_ref();
        match select {
            Some(select) => &select.form_fields[Self::FIELD],
            None => unreachable!("generated options queries exist only for workflows with select"),
        }
    }
}

/// An options query of a form field of workflow `W`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not load options of a form field of workflow `{W}`",
    label = "an options query of another workflow",
    note = "the options queries of a workflow are in its module: `workflows::<workflow>::options::*`"
)]
pub trait OptionsOf<W>: OptionsQuery {}

/// An options query of a field whose options take what the user typed (`search_term`).
#[diagnostic::on_unimplemented(
    message = "the options of `{Self}` take no search term",
    label = "this form field has no `search_term` in app.json",
    note = "load its options with `options(query)`"
)]
pub trait Searchable: OptionsQuery {}

/// One form field of a workflow: the marker types `workflows::<workflow>::fields::*`.
pub trait FormFieldSpec: Copy + 'static {
    /// The workflow of the field.
    type Workflow: WorkflowSpec;
    /// What the user selects or types: `Choice`, `Vec<Choice>` or `Text`.
    type Value: serde::Serialize + serde::de::DeserializeOwned;
    /// The field's `id` in `app.json`.
    const ID: &'static str;
    /// The field's index in `setup.select.form_fields`.
    const INDEX: usize;
}

/// A form field of workflow `W`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a form field of workflow `{W}`",
    label = "a form field of another workflow",
    note = "the form fields of a workflow are in its module: `workflows::<workflow>::fields::*`"
)]
pub trait FieldOf<W>: FormFieldSpec {}
