//! What the integration tests share: the example apps compiled once, stand-in third-party APIs
//! on loopback (wiremock), engines pointed at them, and the fake ActiveCampaign.

pub mod apps;
pub mod hook_apps;
pub mod provider;

use appstudio::api::AppSpec;
use appstudio::engine::{Engine, EngineConfig};
use appstudio::value::Choice;
use appstudio_testing::{FakeActiveCampaign, FakeConfig};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A 200 answer with this JSON body.
pub fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Mounts `GET path` answering 200 with this body.
pub async fn get(server: &MockServer, at: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at.to_owned()))
        .respond_with(ok(body))
        .mount(server)
        .await;
}

/// An engine configuration sending the app's requests for `origin` (the app's URL, `*` for
/// a subdomain) to the stand-in API.
pub fn config(origin: &str, server: &MockServer) -> EngineConfig {
    EngineConfig::default().with_override(origin, server.uri())
}

/// An engine of app `A` whose requests for `origin` go to the stand-in API.
pub fn engine<A: AppSpec>(origin: &str, server: &MockServer) -> Engine<A> {
    Engine::new(config(origin, server)).expect("engine")
}

/// A fake ActiveCampaign without its rate limit.
pub async fn fake_activecampaign() -> FakeActiveCampaign {
    FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await
}

/// The `display`s of options.
pub fn displays(options: &[Choice]) -> Vec<&str> {
    options.iter().map(|o| o.display.as_str()).collect()
}
