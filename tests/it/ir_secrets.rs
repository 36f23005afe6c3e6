//! Secrets of the IR never print: `{:?}` of an app redacts its oauth2 `client_secret` and
//! `token_request_body`.

mod app {
    appstudio::include_app!("tests/apps/oauth_notes.json");
}

use appstudio::api::AppSpec;

#[test]
fn debug_of_the_ir_redacts_the_client_secret() {
    let text = format!("{:?}", <app::App as AppSpec>::ir());
    assert!(text.contains("client_id"), "{text}");
    assert!(!text.contains("\"shh\""), "{text}");
    assert!(text.contains("client_secret: <redacted>"), "{text}");
    let pretty = format!("{:#?}", <app::App as AppSpec>::ir());
    assert!(!pretty.contains("\"shh\""), "{pretty}");
}
