//! The webhook-scope apps (`tests/apps/hooks_*.json`, one inbound workflow `sync-events` each,
//! its intake of one scope), compiled once for the tests of D24, with the steps that make a
//! connection and a workflow ready to receive at the [`super::provider::Provider`].

macro_rules! hooks_app {
    ($(#[$doc:meta])* $name:ident, $file:literal) => {
        $(#[$doc])*
        pub mod $name {
            appstudio::include_app!($file, allow(AS1003, AS1004));

            use appstudio::api::DynamicField;
            use appstudio::engine::{AcAccount, Connection, Engine, Mapping, Workflow};
            use appstudio::value::{Secret, Text};
            use workflows::SyncEvents;
            use workflows::sync_events::CustomData;
            use workflows::sync_events::mapping::SourceField;

            /// The connection of account `account` (token `key-<account>`), described.
            pub async fn connect(
                engine: &Engine<App>,
                account: &str,
                ac: AcAccount,
            ) -> Connection<auth::HooksKey> {
                let credentials = auth::HooksKey {
                    token: Secret::new(format!("key-{account}")),
                };
                let conn = engine.connect(credentials, Some(ac)).await.expect("connect");
                conn.describe(SyncEvents).await.expect("describe");
                conn
            }

            /// A workflow of `conn` with form `form` selected and the email mapped.
            pub async fn workflow(
                conn: &Connection<auth::HooksKey>,
                form: &str,
            ) -> Workflow<SyncEvents> {
                let mut wf = conn.workflow(SyncEvents);
                select(&mut wf, form).await;
                let options = wf.map_options().await.expect("map options");
                let mapping = Mapping::new().map(SourceField::Email, DynamicField::new("email"));
                wf.set_mapping(&mapping, &options).expect("mapping");
                wf
            }

            /// Selects form `form`.
            pub async fn select(wf: &mut Workflow<SyncEvents>, form: &str) {
                wf.select(CustomData {
                    form: Text::from(form),
                })
                .expect("select");
                wf.describe_selection().await.expect("describe selection");
            }
        }
    };
}

hooks_app!(
    /// Workflow scope, with `update`.
    by_workflow,
    "tests/apps/hooks_workflow.json"
);
hooks_app!(
    /// Workflow scope, without `update`.
    by_workflow_plain,
    "tests/apps/hooks_workflow_plain.json"
);
hooks_app!(
    /// Connection scope.
    by_connection,
    "tests/apps/hooks_connection.json"
);
hooks_app!(
    /// Application scope, routed by account id; its pipeline reports saved values.
    by_application,
    "tests/apps/hooks_application.json"
);
