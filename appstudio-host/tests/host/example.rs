//! The `host` example (`cargo run --example host --features host`): its run started as its
//! `main` starts it, on a database file holding a stale database, then the printed `curl`
//! replayed (its URL, content type and body): the form response becomes a contact in the fake
//! ActiveCampaign, and the host stops when its shutdown completes.

// The example's modules read these from their parent, as in the example.
use super::{App, auth, workflows};
use appstudio_host as host;

#[path = "../../../examples/host/run.rs"]
mod run;
#[path = "../../../examples/inbound_forms/setup.rs"]
mod setup;

use crate::support::{Url, until};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_example_turns_its_curl_into_a_contact() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("example.db");
    std::fs::write(&database, b"left by an earlier run").unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut lines = Vec::new();
    let options = run::Options {
        database: database.clone(),
        key: host::Key::generate(),
        workers: 2,
    };
    let shutdown = async {
        let _ = stopped.await;
    };
    let running = run::start(options, &mut |l| lines.push(l), shutdown)
        .await
        .expect("the example starts");
    let text = lines.join("\n");
    assert!(
        text.contains("connected: \"ops@acme.example (Acme)\""),
        "{text}"
    );
    let url = running.installation.url().to_owned();
    assert!(
        url.starts_with(&format!("{}/hooks/", running.base)),
        "{url}"
    );
    assert_eq!(running.installation.account_id.as_deref(), Some("77"));
    assert!(running.contacts().is_empty());

    // the printed command, taken apart: curl -X POST 'URL' -H 'HEADER' -d 'BODY'
    let curl = running.curl();
    let parts: Vec<&str> = curl.split('\'').collect();
    assert_eq!(parts.len(), 7, "{curl}");
    assert_eq!(
        (parts[0], parts[1], parts[2], parts[4]),
        ("curl -X POST ", url.as_str(), " -H ", " -d "),
        "{curl}"
    );
    let (header, value) = parts[3].split_once(": ").expect("a header");
    let posted = reqwest::Client::new()
        .post(parts[1])
        .header(header, value)
        .body(parts[5].to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 200);
    assert_eq!(
        posted
            .headers()
            .get(appstudio_host::STORED)
            .and_then(|v| v.to_str().ok()),
        Some("1"),
        "stored as one event"
    );

    until("the processed run", async || {
        let runs = running.runs().await.unwrap();
        runs.len() == 1 && runs[0].status == "processed"
    })
    .await;
    let contacts = running.contacts();
    assert_eq!(contacts.len(), 1, "{contacts:#?}");
    let c = &contacts[0];
    assert_eq!(
        (c["email"].as_str(), c["firstName"].as_str()),
        (Some("ada@example.com"), Some("Ada"))
    );
    assert_eq!(
        c["fieldValues"],
        serde_json::json!([{"field": "3", "value": "Books, Music"}])
    );

    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(10), running.stopped())
        .await
        .expect("the host stops")
        .expect("served without an error");
    assert!(
        tokio::net::TcpStream::connect(
            url.trim_start_matches("http://").split('/').next().unwrap()
        )
        .await
        .is_err(),
        "the host no longer listens"
    );
}
