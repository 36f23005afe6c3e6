//! The fake's random failures over HTTP: about the requested share fails, with the statuses
//! asked for, and a failed request changes nothing.

use std::collections::BTreeSet;

use appstudio_testing::{Chaos, FakeActiveCampaign, FakeConfig};
use serde_json::json;

/// 400 contact syncs, one after another, with 30 % chaos of 429 and 503: between 25 % and 35 %
/// fail (the draws are seeded and the requests sequential, so the count is the same on every
/// run), with both statuses (429 with `Retry-After`); exactly the contacts whose sync passed
/// exist; with chaos off again every request passes.
#[tokio::test]
async fn chaos_fails_about_the_requested_share_before_any_change() {
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await;
    ac.chaos(Some(Chaos {
        rate: 0.3,
        statuses: vec![429, 503],
        seed: 2026,
    }));
    let client = reqwest::Client::new();
    let sync = |email: String| {
        client
            .post(format!("{}/api/3/contact/sync", ac.url()))
            .header("Api-Token", ac.token())
            .json(&json!({"contact": {"email": email}}))
            .send()
    };
    let mut passed = BTreeSet::new();
    let (mut too_many, mut unavailable) = (0, 0);
    for i in 0..400 {
        let email = format!("c{i}@example.com");
        let r = sync(email.clone()).await.unwrap();
        match r.status().as_u16() {
            s if (200..300).contains(&s) => {
                passed.insert(email);
            }
            429 => {
                assert!(r.headers().contains_key("retry-after"));
                too_many += 1;
            }
            503 => unavailable += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    let failed = too_many + unavailable;
    assert!((100..=140).contains(&failed), "{failed} of 400 failed");
    assert!(
        too_many > 20 && unavailable > 20,
        "{too_many} 429s, {unavailable} 503s"
    );
    let contacts: BTreeSet<String> = ac
        .contacts(ac.token())
        .iter()
        .filter_map(|c| c["email"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(contacts, passed, "a failed request changed the data");

    ac.chaos(None);
    for i in 0..50 {
        let r = sync(format!("calm{i}@example.com")).await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
}
