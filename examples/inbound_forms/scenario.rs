//! The inbound example end to end, offline: a stand-in Formly API and the fake ActiveCampaign
//! on loopback; connect, setup (options, selection, mapping), webhook registration, a challenge,
//! and form responses through `data_pipeline` into ActiveCampaign contacts. Shared by
//! `cargo run --example inbound_forms` and the example's test; the stand-in and the setup are
//! `setup.rs`'s (included beside this file).

use appstudio::engine::{Delivery, Engine, Incoming};
use appstudio_testing::FakeActiveCampaign;
use serde_json::{Value, json};

use super::App;
use super::setup::{Result, answer, engine_config, response, sample, set_up, stand_in_formly};

/// What the scenario left in ActiveCampaign, and how each delivery went.
pub struct Outcome {
    /// The contacts in the fake ActiveCampaign account.
    pub contacts: Vec<Value>,
    /// One line per webhook request.
    pub deliveries: Vec<String>,
}

/// Runs the scenario; `say` receives a line per step.
pub async fn run(mut say: impl FnMut(String)) -> Result<Outcome> {
    let formly = stand_in_formly().await;
    let ac = FakeActiveCampaign::start().await;
    let engine = Engine::<App>::new(engine_config(&formly.uri()))?;
    let mut wf = set_up(&engine, ac.account(), &mut say).await?;

    // the webhook: registered, challenged, then fed
    let registered = wf
        .create_webhook("https://hooks.example/formly/abc123")
        .await?;
    say(format!(
        "webhook {:?}: {}",
        registered.action,
        registered.output.unwrap_or_default()
    ));
    let mut deliveries = Vec::new();
    let challenge = Incoming::from_http(None, b"", "challenge=ch-9", [])?;
    let mut requests = vec![challenge];
    for event in [
        sample(),
        response(
            "77",
            "f_42",
            "r2",
            "grace@example.com",
            vec![answer("q_name", json!("Grace"))],
        ),
        response("77", "f_7", "r3", "other-form@example.com", vec![]),
        response("78", "f_42", "r4", "other-account@example.com", vec![]),
        response(
            "77",
            "f_42",
            "r5",
            "ada@example.com",
            vec![answer("q_name", json!("Ada L."))],
        ),
    ] {
        requests.push(Incoming::json(event));
    }
    for request in requests {
        let line = match wf.receive(request).await? {
            Delivery::Responded(r) => format!("answered {} {}", r.code, r.body),
            Delivery::Ignored { reason } => format!("ignored: {reason}"),
            Delivery::Processed { processed, .. } => {
                format!("contact written: {}", processed.output)
            }
        };
        say(line.clone());
        deliveries.push(line);
    }
    let contacts = ac.contacts(ac.token());
    Ok(Outcome {
        contacts,
        deliveries,
    })
}
