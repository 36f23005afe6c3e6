//! ActiveCampaign failing about 30 % of its requests with 429 or 503 (at random, seeded), with
//! several installations and workers: every event is delivered and its run is `processed`.

use std::collections::BTreeSet;
use std::time::Duration;

use appstudio_host::Host;
use appstudio_testing::Chaos;

use crate::App;
use crate::support::{Url, World, config, database_url, response, until_within};

/// Form responses posted; each is an event of every installation.
const RESPONSES: usize = 40;
const INSTALLATIONS: usize = 3;

/// Three installations of the same Formly account (each response is routed to all three),
/// 120 events, four workers, and ActiveCampaign answering about 30 % of requests 429 or 503:
/// every event ends `done` with its run `processed` (none dead), every respondent is a
/// contact, and the failures did happen (both statuses answered, runs retried).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_event_is_delivered_through_random_429s_and_503s() {
    let w = World::start().await;
    let mut installed = Vec::new();
    for _ in 0..INSTALLATIONS {
        installed.push(w.install().await);
    }
    let url = installed[0].url().to_owned();
    assert!(installed.iter().all(|i| i.url() == url), "one URL");
    let mut emails = BTreeSet::new();
    for n in 0..RESPONSES {
        let email = format!("chaos-{n}@example.com");
        let (status, stored) = w
            .post(&url, &response(&format!("r{n}"), &email, &format!("C{n}")))
            .await;
        assert_eq!((status, stored), (200, INSTALLATIONS as i64));
        emails.insert(email);
    }

    // the workers' host is patient: many attempts, short backoff
    let db = database_url(&w.db_path());
    let mut patient = config(&db, &w.base, w.key.clone(), &w.formly.url);
    patient.max_attempts = 50;
    patient.backoff_base = Duration::from_millis(5);
    patient.backoff_max = Duration::from_millis(40);
    // the fake has no rate limit: the engine need not keep to ActiveCampaign's 5/s
    patient.engine.activecampaign_rate = 1000;
    let host = Host::<App>::open(patient).await.unwrap();
    w.ac.chaos(Some(Chaos {
        rate: 0.3,
        statuses: vec![429, 503],
        seed: 8,
    }));
    let workers = host.start_workers(4);
    until_within(
        "every event is finished",
        Duration::from_secs(60),
        async || w.event_statuses().await.iter().all(|s| s != "pending"),
    )
    .await;
    workers.stop().await;
    w.ac.chaos(None);

    assert_eq!(
        w.event_statuses().await,
        vec!["done"; RESPONSES * INSTALLATIONS]
    );
    let mut retried = 0;
    for i in &installed {
        let runs = host.store().runs(&i.id).await.unwrap();
        assert_eq!(runs.len(), RESPONSES);
        assert!(runs.iter().all(|r| r.status == "processed"), "{runs:?}");
        retried += runs.iter().filter(|r| r.attempts > 1).count();
    }
    let contacts: BTreeSet<String> = w
        .contacts()
        .iter()
        .filter_map(|c| c["email"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(contacts, emails);
    let requests = w.ac.requests();
    let answered = |status| requests.iter().filter(|r| r.status == status).count();
    let (too_many, unavailable) = (answered(429), answered(503));
    eprintln!(
        "chaos: {} requests to ActiveCampaign, {too_many} answered 429, {unavailable} 503; \
         {retried} runs retried",
        requests.len()
    );
    assert!(too_many > 0 && unavailable > 0 && retried > 0);
}
