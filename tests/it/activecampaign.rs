//! The ActiveCampaign client against the fake ActiveCampaign server on loopback.

use std::time::{Duration, Instant};

use appstudio::activecampaign::{Client, ClientConfig};
use appstudio::engine::{ActiveCampaignResources, Error, ErrorKind, RetryPolicy};
use appstudio_testing::{FakeActiveCampaign, FakeConfig, Fault};
use serde_json::{Value, json};

use crate::support::fake_activecampaign;

fn quick_retries() -> ClientConfig {
    ClientConfig {
        retry: RetryPolicy {
            max_attempts: 6,
            base: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(5),
        },
        // the fake's own limit is checked separately
        requests_per_second: 1000,
        ..ClientConfig::default()
    }
}

fn client(ac: &FakeActiveCampaign, token: &str, config: ClientConfig) -> Client {
    Client::with_config(&ac.url(), token.into(), config).expect("client")
}

#[tokio::test]
async fn a_bad_token_is_a_403_and_error_bodies_parse() {
    let ac = fake_activecampaign().await;
    let bad = client(&ac, "nope", quick_retries());
    let e = bad.contact_fields().await.unwrap_err();
    assert_eq!(e.status, Some(403));
    assert_eq!(e.to_string(), "ActiveCampaign answered 403: Forbidden");
    assert_eq!(Error::from(e).kind(), ErrorKind::Remote4xx);

    let c = client(&ac, ac.token(), quick_retries());
    let create = json!({"contact": {"email": "dup@example.com"}});
    c.post("contacts", &create, false)
        .await
        .expect("first create");
    let e = c.post("contacts", &create, false).await.unwrap_err();
    assert!(e.has_code("duplicate"), "{e}");
    let e = c
        .post(
            "contacts",
            &json!({"contact": {"email": "not an email"}}),
            false,
        )
        .await
        .unwrap_err();
    assert!(e.has_code("email_invalid"));
    assert_eq!(
        e.errors[0].pointer.as_deref(),
        Some("/data/attributes/email")
    );
    let e = c.contact("999").await.unwrap_err();
    assert_eq!(
        e.message.as_deref(),
        Some("No Result found for Subscriber with id 999")
    );
    let e = c
        .post(
            "contactTags",
            &json!({"contactTag": {"contact": "999", "tag": "1"}}),
            true,
        )
        .await
        .unwrap_err();
    assert_eq!((e.status, e.errors[0].status), (Some(404), Some(404)));
}

#[tokio::test]
async fn contacts_are_upserted_with_custom_fields_and_tags_once() {
    let ac = fake_activecampaign().await;
    let c = client(&ac, ac.token(), quick_retries());
    let fields = c.contact_fields().await.expect("fields");
    assert_eq!(fields.len(), 105, "every page of custom fields");
    let tier = fields.iter().find(|f| f.title == "Tier").expect("Tier");
    assert_eq!(tier.field_type, "dropdown");
    assert_eq!(tier.options.len(), 3);
    let offsets: Vec<String> = ac
        .requests()
        .iter()
        .filter(|r| r.path == "/api/3/fields")
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(offsets, ["limit=100&offset=0", "limit=100&offset=100"]);

    let event = json!({"email": "Ada@Example.com", "firstName": "Ada", &tier.id: "Gold",
                       "_tags": ["VIP", "vip", "Newsletter"]});
    for _ in 0..2 {
        let out = c.write_contact(&event).await.expect("write");
        assert_eq!(out["email"], "Ada@Example.com");
    }
    let contacts = ac.contacts(ac.token());
    assert_eq!(contacts.len(), 1, "{contacts:#?}");
    assert_eq!(contacts[0]["firstName"], "Ada");
    assert_eq!(
        contacts[0]["fieldValues"],
        json!([{"field": tier.id, "value": "Gold"}])
    );
    assert_eq!(contacts[0]["tags"], json!(["VIP", "Newsletter"]));
    // the flat form of an outbound source
    let id = contacts[0]["id"].as_str().unwrap();
    let flat = c.contact_flat(id).await.expect("flat");
    assert_eq!(flat["email"], "Ada@Example.com");
    assert_eq!(flat[&tier.id], "Gold");
    // without an email nothing is written
    let e = c
        .write_contact(&json!({"firstName": "X"}))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test]
async fn storms_of_429_and_503_lose_nothing() {
    let ac = fake_activecampaign().await;
    let c = client(&ac, ac.token(), quick_retries());
    ac.fail(Fault {
        status: 429,
        times: 2,
        retry_after: Some(0),
        path_prefix: Some("/api/3/contact/sync".into()),
    });
    ac.fail(Fault {
        status: 503,
        times: 3,
        retry_after: None,
        path_prefix: Some("/api/3/tags".into()),
    });
    for i in 0..5 {
        c.write_contact(&json!({"email": format!("p{i}@example.com"), "_tags": ["Storm"]}))
            .await
            .expect("written despite the storm");
    }
    let contacts = ac.contacts(ac.token());
    assert_eq!(contacts.len(), 5);
    assert!(contacts.iter().all(|c| c["tags"] == json!(["Storm"])));
    let log = ac.requests();
    assert_eq!(log.iter().filter(|r| r.status == 429).count(), 2);
    assert_eq!(log.iter().filter(|r| r.status == 503).count(), 3);
    // exactly one tag was created: POST /tags is not retried blindly, and was not failed
    assert_eq!(
        log.iter()
            .filter(|r| r.method == "POST" && r.path == "/api/3/tags")
            .count(),
        1
    );
    // a POST that is not an upsert is not retried after a 503
    ac.fail(Fault {
        status: 503,
        times: 1,
        retry_after: None,
        path_prefix: Some("/api/3/deals".into()),
    });
    let e = c
        .post(
            "deals",
            &json!({"deal": {"title": "x", "contact": "1"}}),
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(e.status, Some(503));
}

#[tokio::test]
async fn the_limiter_keeps_an_account_under_five_requests_per_second() {
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        tokens: vec!["a".into(), "b".into()],
        ..FakeConfig::default()
    })
    .await;
    let config = ClientConfig {
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    };
    let start = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..12 {
        // a new client per task: the limiter is per account, not per client
        let c = client(&ac, if i % 2 == 0 { "a" } else { "b" }, config.clone());
        tasks.push(tokio::spawn(async move {
            c.get("users/me", &[]).await.map(|_| ())
        }));
    }
    for t in tasks {
        t.await.expect("join").expect("no 429 from the fake");
    }
    // 6 per account at 5 per second: the sixth waits for the window
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert!(ac.requests().iter().all(|r| r.status == 200));
}

#[tokio::test]
async fn activecampaign_sync_writes_related_records_and_reports_partial_failures() {
    let ac = fake_activecampaign().await;
    ac.seed(
        ac.token(),
        json!({"schemas": [{"id": "orders", "labels": {"singular": "Order"},
                            "fields": [{"id": "total", "labels": {"singular": "Total"}, "type": "number"}]}]}),
    );
    let c = client(&ac, ac.token(), quick_retries());
    let input = json!({
        "contact": {"email": "buyer@example.com", "firstName": "Bo"},
        "account": {"name": "Acme", "1": "Retail"},
        "deal": {"title": "First order", "value": 4200, "currency": "usd"},
        "customObjects": [{"schemaId": "orders", "externalId": "o-1", "total": 42}],
    });
    let out = c.sync(&input).await.expect("sync");
    assert_eq!(out["contact-id"], 1);
    assert_eq!(out["account_id"], 1);
    assert_eq!(out["account_contact_id"], 1);
    assert_eq!(out["deal_id"], 1);
    assert_eq!(out["external_ids"], json!([1]));
    assert_eq!(out["errors"], json!([]));
    // again: the same records are updated, not duplicated
    let out = c.sync(&input).await.expect("sync again");
    assert_eq!(
        (out["account_id"].clone(), out["external_ids"].clone()),
        (json!(1), json!([1]))
    );
    // a record with an unknown field fails alone
    let partial = json!({
        "contact": {"email": "buyer@example.com"},
        "customObjects": [{"schemaId": "orders", "externalId": "o-2", "colour": "red"}],
    });
    let out = c.sync(&partial).await.expect("partial");
    assert_eq!(out["contact-id"], 1);
    let errors = out["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]
            .as_str()
            .unwrap()
            .contains("Invalid value for field"),
        "{errors:?}"
    );
    // every write failing is an error
    let e = c
        .sync(&json!({"contact": {"email": "bad"}}))
        .await
        .unwrap_err();
    assert!(e.message().contains("every write failed"), "{e}");
    let _: Value = out;
}

#[tokio::test]
async fn the_fake_limits_each_account_and_says_when_to_retry() {
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        tokens: vec!["a".into(), "b".into()],
        retry_after: 7,
        ..FakeConfig::default()
    })
    .await;
    let no_limit = ClientConfig {
        requests_per_second: 10_000,
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    };
    let a = client(&ac, "a", no_limit.clone());
    for _ in 0..5 {
        a.get("users/me", &[]).await.expect("within the burst");
    }
    let e = a.get("users/me", &[]).await.unwrap_err();
    assert_eq!(
        (e.status, e.retry_after),
        (Some(429), Some(Duration::from_secs(7)))
    );
    assert_eq!(Error::from(e).kind(), ErrorKind::RateLimited);
    // another account has its own bucket
    client(&ac, "b", no_limit)
        .get("users/me", &[])
        .await
        .expect("account b is not limited by a");
}
