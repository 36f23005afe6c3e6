//! The typed API generated from a small app.

mod export_files {
    appstudio::include_app!("tests/apps/export_files.json", allow(AS1003));
}

use appstudio::api::{AppSpec, OptionsQuery, WorkflowSpec};
use appstudio::value::{Choice, Secret, Text};
use export_files::workflows::export_files as wf;

#[test]
fn custom_data_serializes_as_app_studio_custom_data() {
    let data = wf::CustomData {
        folder: Choice::new("f1", "Folder 1"),
        file: Choice::new("x9", "Report.pdf"),
        note: None,
    };
    let json = serde_json::to_value(&data).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "folder": {"value": "f1", "display": "Folder 1"},
            "file": {"value": "x9", "display": "Report.pdf"}
        })
    );
    let back: wf::CustomData = serde_json::from_value(json).unwrap();
    assert_eq!(back, data);
    let with_note = wf::CustomData {
        note: Some(Text::from("hello")),
        ..data
    };
    let json = serde_json::to_value(&with_note).unwrap();
    assert_eq!(json["note"], serde_json::json!({"value": "hello"}));
}

#[test]
fn missing_required_field_is_a_deserialize_error() {
    let err = serde_json::from_value::<wf::CustomData>(serde_json::json!({
        "folder": {"value": "f1", "display": "Folder 1"}
    }))
    .unwrap_err();
    assert!(err.to_string().contains("missing field `file`"), "{err}");
}

#[test]
fn option_queries_hold_exactly_their_dependencies() {
    let q = wf::options::File {
        folder: Choice::new("f1", "Folder 1"),
    };
    assert_eq!(
        serde_json::to_value(&q).unwrap(),
        serde_json::json!({"folder": {"value": "f1", "display": "Folder 1"}})
    );
    assert_eq!(<wf::options::File as OptionsQuery>::field().id, "file");
    assert_eq!(
        <wf::options::Folder as OptionsQuery>::field()
            .depends_on
            .len(),
        0
    );
    assert_eq!(
        <wf::options::File as OptionsQuery>::field().depends_on[0],
        "folder"
    );
}

#[test]
fn ir_and_names() {
    let app = export_files::App::ir();
    assert_eq!(app.workflows.len(), 1);
    assert_eq!(
        <export_files::workflows::ExportFiles as WorkflowSpec>::ir().name,
        "export-files"
    );
    assert_eq!(export_files::App::WORKFLOWS, ["export-files"]);
    assert_eq!(
        wf::FormField::ALL.map(wf::FormField::id),
        ["folder", "file", "note"]
    );
    assert!(std::ptr::eq(<export_files::App as AppSpec>::ir(), app));
    // The source map points back into the file.
    let target = &app.workflows[0].target;
    assert_eq!(target.loc.line, 43);
}

#[test]
fn credentials_hide_secrets() {
    let c = export_files::auth::ApiKey {
        token: Secret::new("s3cr3t"),
    };
    assert!(!format!("{c:?}").contains("s3cr3t"));
    assert_eq!(export_files::auth::ApiKey::KEY, "api-key");
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json, serde_json::json!({"token": "s3cr3t"}));
}

/// A `verify_url` that accepts the connection and never answers fails the connect after the
/// engine's timeout, instead of hanging it.
#[tokio::test]
async fn a_verify_url_that_never_answers_times_out() {
    use appstudio::engine::{Credentials, Engine};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(30)))
        .mount(&server)
        .await;
    let mut config = crate::support::config("https://api.example.com", &server);
    config.timeout = std::time::Duration::from_millis(200);
    let engine = Engine::of::<export_files::App>(config).unwrap();
    let started = std::time::Instant::now();
    let err = engine
        .connect("api-key", Credentials::default().with("token", "k"), None)
        .await
        .expect_err("the verification times out");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
