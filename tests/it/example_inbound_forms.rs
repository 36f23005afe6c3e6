//! The inbound example (`cargo run --example inbound_forms`) end to end against the stand-in
//! Formly API and the fake ActiveCampaign.

// The scenario of the example runs `super::App`.
use crate::support::apps::inbound_forms::{App, auth, workflows};

#[path = "../../examples/inbound_forms/scenario.rs"]
mod scenario;

use serde_json::json;

#[tokio::test]
async fn responses_become_contacts_with_tags_and_fields() {
    let mut lines = Vec::new();
    let outcome = scenario::run(|l| lines.push(l)).await.expect("scenario");
    let text = lines.join("\n");
    assert!(
        text.contains("connected: \"ops@acme.example (Acme)\" (account \"77\")"),
        "{text}"
    );
    assert!(
        text.contains("selected Newsletter signup (Marketing) (resource \"f_42\")"),
        "{text}"
    );
    assert!(
        text.contains("map 5 source fields to 109 ActiveCampaign fields"),
        "{text}"
    );
    let d = &outcome.deliveries;
    assert_eq!(d.len(), 6);
    assert!(
        d[0].starts_with("answered 200 {\"challenge\":\"ch-9\",\"signature\":\""),
        "{}",
        d[0]
    );
    assert!(d[3].contains("ignored: resource id \"f_7\""), "{}", d[3]);
    assert!(d[4].contains("ignored: account id \"78\""), "{}", d[4]);
    let contacts = outcome.contacts;
    assert_eq!(contacts.len(), 2, "{contacts:#?}");
    assert_eq!(contacts[0]["email"], "ada@example.com");
    assert_eq!(
        contacts[0]["firstName"], "Ada L.",
        "the second response updated the contact"
    );
    assert_eq!(
        contacts[0]["fieldValues"],
        json!([{"field": "3", "value": "Books, Music"}])
    );
    assert_eq!(
        contacts[0]["tags"],
        json!(["Formly - Newsletter signup", "webinar-2026"])
    );
    assert_eq!(contacts[1]["email"], "grace@example.com");
    assert_eq!(
        contacts[1]["tags"],
        json!(["Formly - Newsletter signup", "webinar-2026"])
    );
}
