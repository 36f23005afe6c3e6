//! SIGKILL in the middle of a burst of webhooks (D28, "acknowledged = stored"): the host runs
//! in a child process (this test binary run again for [`child_host`]), is killed with SIGKILL
//! while posts are in flight and workers deliver, then started again on the same database
//! file and port: every webhook it acknowledged becomes a contact, none is lost.
//!
//! The fake ActiveCampaign and the stand-in Formly live in this (the parent) process, so they
//! outlive the child; the installation is made by the parent's own host on the same file
//! before the child starts. Unix only (SIGKILL).

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use appstudio_host::{Host, Key};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::App;
use crate::support::{Url, World, config, database_url, response, try_post, until_within};

/// The environment variable that makes [`child_host`] run a host: its settings as JSON.
const CHILD: &str = "APPSTUDIO_HOST_CRASH_CHILD";

/// Webhooks in the burst, posted by this many concurrent tasks.
const BURST: usize = 300;
const TASKS: usize = 8;
/// The child is killed when this many webhooks have been acknowledged.
const KILL_AT: usize = 100;
/// The bound of every wait (only so that a broken run does not hang).
const PATIENCE: Duration = Duration::from_secs(60);

/// The host of [`a_sigkilled_host_loses_no_acknowledged_webhook`] when started by it in a
/// child process (the settings in [`CHILD`]); without them it returns at once. It serves
/// with 4 workers until it is killed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of a_sigkilled_host_loses_no_acknowledged_webhook"]
async fn child_host() {
    let Ok(settings) = std::env::var(CHILD) else {
        return;
    };
    let s: Value = serde_json::from_str(&settings).expect("the child's settings");
    let text = |name: &str| s[name].as_str().expect(name).to_owned();
    let port = s["port"]
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .expect("port");
    let base = format!("http://127.0.0.1:{port}");
    let key = Key::from_hex(&text("key")).expect("the key");
    let mut c = config(
        &database_url(text("db").as_ref()),
        &base,
        key,
        &text("formly"),
    );
    // the killed child's leases expire soon, so that its restart takes their events again
    c.lease = Duration::from_secs(2);
    // the fake has no rate limit: the engine need not keep to ActiveCampaign's 5/s
    c.engine.activecampaign_rate = 1000;
    let host = Host::<App>::open(c)
        .await
        .expect("the child opens the host");
    // the port may still be held for a moment after the previous child was killed
    let started = Instant::now();
    let listener = loop {
        match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
            Ok(l) => break l,
            Err(e) if started.elapsed() < Duration::from_secs(10) => {
                eprintln!("child host: binding port {port}: {e}; trying again");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("child host: cannot bind port {port}: {e}"),
        }
    };
    host.serve(listener, 4, std::future::pending())
        .await
        .expect("the child serves");
}

/// A host in a child process; killed with SIGKILL and reaped when dropped, so that a failing
/// test leaves no process behind.
struct ChildHost(std::process::Child);

impl ChildHost {
    /// Starts [`child_host`] with `settings` and waits until it answers `/healthz` on `base`.
    async fn start(settings: &str, base: &str) -> ChildHost {
        let exe = std::env::current_exe().expect("the test binary");
        let child = Command::new(exe)
            .args(["--exact", "crash::child_host", "--ignored", "--nocapture"])
            .env(CHILD, settings)
            .stdout(Stdio::null())
            .spawn()
            .expect("the child host starts");
        let mut child = ChildHost(child);
        // a client of its own: no pooled connection outlives this child
        let client = reqwest::Client::new();
        let health = format!("{base}/healthz");
        until_within("the child host answers", PATIENCE, async || {
            if let Some(status) = child.0.try_wait().expect("the child's status") {
                panic!("the child host exited: {status}");
            }
            let r = client.get(&health).send().await;
            r.is_ok_and(|r| r.status().is_success())
        })
        .await;
        child
    }

    /// SIGKILL (what `Child::kill` sends on Unix), then its exit status.
    fn kill(&mut self) -> std::io::Result<ExitStatus> {
        self.0.kill()?;
        self.0.wait()
    }
}

impl Drop for ChildHost {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// A port free now, below Linux's default range of ephemeral ports (32768–60999): no
/// outgoing connection takes it as its source port while the host is down between the kill
/// and the restart.
fn free_port() -> u16 {
    (0..1000)
        .map(|_| fastrand::u16(20_000..32_000))
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .expect("a free port")
}

/// What became of one post of the burst.
#[derive(Debug)]
enum Outcome {
    /// Answered 2xx: stored, so it must be delivered.
    Acknowledged,
    /// Answered with another status.
    Refused(u16),
    /// No connection (the host was dead).
    NotConnected,
    /// Sent, or being sent, and no answer came (the host died meanwhile).
    Lost,
}

/// A webhook of the burst: respondent `n`.
fn webhook(n: usize) -> (String, Value) {
    let email = format!("respondent-{n}@example.com");
    let body = response(&format!("r{n}"), &email, &format!("R{n}"));
    (email, body)
}

/// Posts the burst to `url` from [`TASKS`] tasks; notifies `kill` at the [`KILL_AT`]-th
/// acknowledgement; gives each webhook's outcome, in the order of [`webhook`]'s `n`.
async fn burst(url: &str, kill: Arc<Notify>) -> Vec<Outcome> {
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for t in 0..TASKS {
        let (client, url, kill, acknowledged) = (
            client.clone(),
            url.to_owned(),
            kill.clone(),
            acknowledged.clone(),
        );
        tasks.spawn(async move {
            let mut outcomes = Vec::new();
            for n in (t..BURST).step_by(TASKS) {
                let body = webhook(n).1;
                let outcome = match try_post(&client, &url, &body).await {
                    Ok((status, _)) if (200..300).contains(&status) => {
                        if acknowledged.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AT {
                            kill.notify_one();
                        }
                        Outcome::Acknowledged
                    }
                    Ok((status, _)) => Outcome::Refused(status),
                    Err(e) if e.is_connect() => Outcome::NotConnected,
                    Err(_) => Outcome::Lost,
                };
                outcomes.push((n, outcome));
            }
            outcomes
        });
    }
    let mut all = Vec::new();
    while let Some(outcomes) = tasks.join_next().await {
        all.extend(outcomes.expect("a posting task"));
    }
    all.sort_by_key(|(n, _)| *n);
    all.into_iter().map(|(_, outcome)| outcome).collect()
}

/// The emails of the contacts in the fake ActiveCampaign.
fn contact_emails(w: &World) -> BTreeSet<String> {
    w.contacts()
        .iter()
        .filter_map(|c| c["email"].as_str().map(str::to_owned))
        .collect()
}

/// A host in a child process, SIGKILLed after 100 of 300 concurrent webhooks were
/// acknowledged (with posts in flight and workers delivering), then restarted on the same
/// file and port: every acknowledged webhook becomes a contact. Then the provider delivers
/// again what was not acknowledged: every webhook is a contact, each stored once (one
/// stored before the kill but not acknowledged is a redelivery, absorbed), every run
/// processed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkilled_host_loses_no_acknowledged_webhook() {
    let started = Instant::now();
    let key: [u8; 32] = std::array::from_fn(|_| fastrand::u8(..));
    let w = World::start_with_key(Key::from_bytes(key)).await;
    let installed = w.install().await;
    let path = installed.url().trim_start_matches(&w.base).to_owned();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let url = format!("{base}{path}");
    let settings = json!({
        "db": w.db_path(), "key": hex::encode(key), "formly": w.formly.url, "port": port,
    })
    .to_string();

    let mut child = ChildHost::start(&settings, &base).await;
    let kill = Arc::new(Notify::new());
    let posting = tokio::spawn({
        let (url, kill) = (url.clone(), kill.clone());
        async move { burst(&url, kill).await }
    });
    tokio::time::timeout(PATIENCE, kill.notified())
        .await
        .expect("acknowledgements before the kill");
    let status = child.kill().expect("the child host is killed");
    assert_eq!(status.signal(), Some(libc::SIGKILL), "{status}");
    let outcomes = posting.await.expect("the burst");
    assert_eq!(outcomes.len(), BURST);

    let acknowledged: BTreeSet<String> = (0..BURST)
        .filter(|n| matches!(outcomes[*n], Outcome::Acknowledged))
        .map(|n| webhook(n).0)
        .collect();
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let lost = count(|o| matches!(o, Outcome::Lost));
    let not_connected = count(|o| matches!(o, Outcome::NotConnected));
    let refused: Vec<u16> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Refused(status) => Some(*status),
            _ => None,
        })
        .collect();
    let delivered_at_kill = contact_emails(&w).len();
    eprintln!(
        "at the kill: {} acknowledged, {lost} without an answer, {not_connected} not \
         connected, refused: {refused:?}; {delivered_at_kill} delivered",
        acknowledged.len()
    );
    // the kill came in the middle of the burst: some were acknowledged, some not
    assert!(acknowledged.len() >= KILL_AT, "{outcomes:?}");
    assert!(
        acknowledged.len() < BURST && lost + not_connected > 0,
        "the burst ended before the kill"
    );

    // restarted on the same file and port: what was acknowledged is delivered
    drop(child);
    let _child = ChildHost::start(&settings, &base).await;
    until_within(
        "every acknowledged webhook is a contact",
        PATIENCE,
        async || contact_emails(&w).is_superset(&acknowledged),
    )
    .await;

    // the provider delivers again what was not acknowledged
    for (n, outcome) in outcomes.iter().enumerate() {
        if !matches!(outcome, Outcome::Acknowledged) {
            w.post_ok(&url, &webhook(n).1).await;
        }
    }
    let all: BTreeSet<String> = (0..BURST).map(|n| webhook(n).0).collect();
    until_within("every webhook is a contact", PATIENCE, async || {
        contact_emails(&w) == all
    })
    .await;
    until_within("every event is done", PATIENCE, async || {
        w.event_statuses().await.iter().all(|s| s == "done")
    })
    .await;
    assert_eq!(w.event_statuses().await.len(), BURST, "stored once each");
    let runs = w.host.store().runs(&installed.id).await.unwrap();
    assert!(runs.iter().all(|r| r.status == "processed"), "{runs:?}");
    eprintln!("SIGKILL test: {:.1} s", started.elapsed().as_secs_f64());
}
