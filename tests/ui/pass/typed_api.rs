// The typed API used as intended: connect, workflow, options, select, mapping, state (compiled, not run).
mod files {
    appstudio::include_app!("tests/ui/apps/files.json");
}
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}
mod orders {
    appstudio::include_app!("examples/order_history/app.json");
}

use appstudio::api::DynamicField;
use appstudio::engine::{Engine, EngineConfig, Mapping, Result, WorkflowState};
use appstudio::value::{Choice, Secret, Text};

/// The generated types alone.
fn types() {
    use files::workflows::export_files::{CustomData, FormField, options};

    let folder = Choice::new("f1", "Folder 1");
    let _query = options::File {
        folder: folder.clone(),
    };
    let _root = options::Folder;
    let data = CustomData {
        folder,
        file: Choice::new("x", "x.pdf"),
        note: None,
    };
    assert_eq!(FormField::ALL.len(), 3);
    let _ = data;
    let _ = files::App::ir();
}

/// oauth2: authorization URL, code, tokens; dependent options, a loaded mapping, a webhook.
async fn inbound(
    config: EngineConfig,
) -> Result<WorkflowState<forms::workflows::ImportFormResponses>> {
    use forms::auth::FormlyOauth;
    use forms::workflows::ImportFormResponses;
    use forms::workflows::import_form_responses::{CustomData, fields, options};

    let engine = Engine::<forms::App>::new(config)?;
    let credentials = FormlyOauth {
        subdomain: "acme".into(),
    };
    let _url = engine.authorization_url(&credentials, "https://ac.example/cb", "s1")?;
    let conn = engine
        .connect_oauth2(credentials.clone(), "code", "https://ac.example/cb", None)
        .await?;
    let conn = engine.restore(credentials, conn.tokens(), None)?;
    let _ = conn.describe(ImportFormResponses).await?;
    let mut wf = conn.workflow(ImportFormResponses);
    let workspace = wf.options(options::Workspace).await?.remove(0);
    wf.choose(fields::Workspace, workspace.clone())?;
    let form = wf
        .options(options::Form {
            workspace: workspace.clone(),
        })
        .await?
        .remove(0);
    let tagging = wf.options(options::Tagging).await?.remove(0);
    wf.select(CustomData {
        workspace,
        form,
        tagging,
        extra_tag: Some(Text::from("webinar")),
    })?;
    let _ = wf.describe_selection().await?;
    let map_options = wf.map_options().await?;
    let mapping = Mapping::new().map(DynamicField::new("q_name"), DynamicField::new("firstName"));
    wf.set_mapping(&mapping, &map_options)?;
    let _ = wf.create_webhook("https://hooks.example/formly").await?;
    let state = wf.state();
    let _again = conn.resume(state.clone())?;
    Ok(state)
}

/// Basic and token auths side by side; a search term; a static mapping.
async fn outbound(config: EngineConfig) -> Result<()> {
    use sms::auth::{TextboltAccountSid, TextboltApiKey};
    use sms::workflows::subscribe_contact::mapping::{SourceField, TargetField};
    use sms::workflows::{SendSms, SubscribeContact, send_sms, subscribe_contact};

    let engine = Engine::<sms::App>::new(config)?;
    let account = TextboltAccountSid {
        username: "AC1".into(),
        password: Secret::from("pw"),
    };
    let conn = engine.connect(account, None).await?;
    let mut send = conn.workflow(SendSms);
    let from_number = send.options(send_sms::options::FromNumber).await?.remove(0);
    send.select(send_sms::CustomData {
        from_number,
        message: Text::from("Hi"),
        media_url: None,
    })?;
    let _ = send.process(serde_json::json!({"id": 1})).await?;

    let keys = engine.reconnect(
        TextboltApiKey {
            token: Secret::from("t"),
        },
        None,
    )?;
    let mut subscribe = keys.workflow(SubscribeContact);
    let list = subscribe
        .options(subscribe_contact::options::List)
        .await?
        .remove(0);
    let tag = subscribe
        .search(subscribe_contact::options::Tag, "news")
        .await?
        .remove(0);
    subscribe.select(subscribe_contact::CustomData { list, tag })?;
    let map_options = subscribe.map_options().await?;
    let mapping = Mapping::new()
        .map(SourceField::Phone, TargetField::MobileNumber)
        .map(SourceField::Email, TargetField::Email);
    subscribe.set_mapping(&mapping, &map_options)?;
    Ok(())
}

/// A session auth: a stored workflow resumed, a webhook received, a historical sync.
async fn session(
    config: EngineConfig,
    saved: WorkflowState<orders::workflows::SyncNewOrders>,
) -> Result<()> {
    let engine = Engine::<orders::App>::new(config)?;
    let credentials = orders::auth::ShoplaneSession {
        username: "ops".into(),
        password: Secret::from("pw"),
        subdomain: "acme".into(),
    };
    let conn = engine.connect(credentials.clone(), None).await?;
    let conn = engine.restore(credentials, conn.tokens(), None)?;
    let mut wf = conn.resume(saved)?;
    let _ = wf.historical_sync().await?;
    let _ = wf.webhook_url();
    Ok(())
}

fn main() {
    types();
    let _ = (inbound, outbound, session);
}
