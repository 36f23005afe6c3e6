//! The inbound example's app (Formly → ActiveCampaign) run by the production host:
//! `cargo run --example host --features host` opens a host on a SQLite file, starts the
//! stand-in Formly API and the fake ActiveCampaign on loopback, installs one installation,
//! serves its webhook on 127.0.0.1 and prints the `curl` that posts a form response to it;
//! the workers then put the contact into the fake ActiveCampaign, printed as it changes.
//! Ctrl-C or SIGTERM stops the host gracefully (`host::shutdown_signal`).
//!
//! `APPSTUDIO_HOST_DB` names the database file (default `target/host-example.db`; replaced at
//! every start), `APPSTUDIO_HOST_KEY` the key sealing secrets in it (64 hexadecimal digits;
//! without it a fixed demo key is used).

// AS1003: the reference asks for `options` on text fields; this app's free-text fields have none.
appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));

use appstudio::host;

#[path = "run.rs"]
mod run;
#[path = "../inbound_forms/setup.rs"]
mod setup;

use std::path::PathBuf;
use std::time::Duration;

use host::Key;
use serde_json::Value;

/// A fixed key for this demo only: it is printed and public, so anything sealed with it is
/// readable by anyone. An operator keeps a key of their own (`APPSTUDIO_HOST_KEY`).
const DEMO_KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[tokio::main]
async fn main() {
    if let Err(e) = serve().await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn print_contacts(contacts: &[Value]) {
    println!("contacts in ActiveCampaign:");
    for c in contacts {
        println!(
            "  {} {} fields={} tags={}",
            c["email"], c["firstName"], c["fieldValues"], c["tags"]
        );
    }
}

async fn serve() -> setup::Result<()> {
    let database = std::env::var_os("APPSTUDIO_HOST_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/target/host-example.db").into());
    let key = match std::env::var("APPSTUDIO_HOST_KEY") {
        Ok(hex) => Key::from_hex(&hex)?,
        Err(_) => {
            println!(
                "· key: {DEMO_KEY} (DEMO ONLY: a fixed, public key; \
                 set APPSTUDIO_HOST_KEY to 64 hexadecimal digits of your own)"
            );
            Key::from_hex(DEMO_KEY)?
        }
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = run::Options {
        database,
        key,
        workers: 2,
    };
    let shutdown = async {
        let _ = stopped.await;
    };
    let running = run::start(options, &mut |line| println!("· {line}"), shutdown).await?;

    println!("\nPost a form response to the installation's webhook:\n");
    println!("{}\n", running.curl());
    println!("(the host's health check: curl {}/healthz)", running.base);
    println!("Waiting for events (Ctrl-C or SIGTERM stops the host).");
    let signal = host::shutdown_signal();
    tokio::pin!(signal);
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    // each run of the log once it is final, and the contacts after a processed one
    let mut shown = std::collections::HashSet::new();
    loop {
        tokio::select! {
            _ = &mut signal => break,
            _ = tick.tick() => {
                for run in running.runs().await? {
                    let done = !matches!(run.status.as_str(), "received" | "failed");
                    if !done || !shown.insert(run.event_id) {
                        continue;
                    }
                    let detail = run.output.or(run.error).unwrap_or_default();
                    println!("event {}: {} {detail}", run.event_id, run.status);
                    if run.status == "processed" {
                        print_contacts(&running.contacts());
                    }
                }
            }
        }
    }
    println!("stopping: no new requests; the workers finish their current event");
    let _ = stop.send(());
    running.stopped().await?;
    println!("stopped");
    Ok(())
}
