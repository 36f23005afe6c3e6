//! Peak memory of taking in a large webhook body (issue 9): each size is parsed in a child
//! process (this test binary run again on one ignored test), which reports the growth of its
//! peak resident set (`VmHWM` in `/proc/self/status`). Run with `--nocapture` to see the numbers.
//! A second child takes a large form response through the inbound example's whole webhook
//! path: verification, routing, `data_pipeline` into the fake ActiveCampaign.

use appstudio::engine::{Delivery, Engine, Incoming, Verification};

use crate::example_inbound_forms::setup;
use crate::support::apps::inbound_forms::App;

/// The peak resident set of this process, in KiB (0 where `/proc` is missing).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs the ignored test `child` of this binary in a child process with `env`: its report
/// (the line starting with `tag`) and the growth of its peak in KiB (the report's last field).
fn in_child(child: &str, tag: &str, env: &[(&str, String)]) -> (String, u64) {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([child, "--exact", "--ignored", "--nocapture"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with(tag))
        .unwrap_or_else(|| {
            let stderr = String::from_utf8_lossy(&out.stderr);
            panic!("no report from the child: {text}{stderr}")
        });
    let growth = line
        .rsplit_once("peak_growth_kib=")
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or_else(|| panic!("no peak growth in the report: {line}"));
    (line.to_owned(), growth)
}

/// A JSON array about `bytes` long of small numbers (`kind` "numbers") or of records.
fn body(kind: &str, bytes: usize) -> Vec<u8> {
    let item: &[u8] = match kind {
        "numbers" => b"1,",
        _ => br#"{"id":1234567,"email":"someone@example.com","tags":["a","b"]},"#,
    };
    let mut b = Vec::with_capacity(bytes + 2);
    b.push(b'[');
    while b.len() + item.len() < bytes {
        b.extend_from_slice(item);
    }
    b.extend_from_slice(b"1]");
    b
}

/// The child: takes in a body of `WEBHOOK_MEMORY_BYTES` bytes as `receive` would (parse, then
/// the payload the intake commands read) and prints the growth of its peak.
#[test]
#[ignore = "run by `peak_memory_of_large_bodies` in a child process"]
fn child() {
    let Some(bytes) = std::env::var("WEBHOOK_MEMORY_BYTES")
        .ok()
        .and_then(|b| b.parse().ok())
    else {
        return;
    };
    let kind = std::env::var("WEBHOOK_MEMORY_KIND").unwrap_or_default();
    let limit = std::env::var("WEBHOOK_MEMORY_LIMIT")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(appstudio::engine::DEFAULT_MAX_WEBHOOK_BODY);
    let body = body(&kind, bytes);
    let before = peak_kib();
    let result = Incoming::from_http_limited(limit, Some("application/json"), &body, "", []);
    let payload = result.map(Incoming::into_payload);
    let after = peak_kib();
    println!(
        "WEBHOOK_MEMORY ok={} peak_growth_kib={}",
        payload.is_ok(),
        after.saturating_sub(before)
    );
}

#[test]
fn peak_memory_of_large_bodies() {
    if peak_kib() == 0 {
        return;
    }
    let limit = appstudio::engine::DEFAULT_MAX_WEBHOOK_BODY;
    let under = limit - 1024;
    // the last: a 10 MB body where the limit is raised to 16 MiB
    // the last field: whether the body is taken in
    for (kind, bytes, limit, taken) in [
        ("numbers", 10 << 20, limit, false),
        ("numbers", 50 << 20, limit, false),
        ("numbers", under, limit, false),
        ("records", under, limit, true),
        ("records", 10_000_000, 16 << 20, true),
    ] {
        let (line, growth) = in_child(
            "webhook_memory::child",
            "WEBHOOK_MEMORY",
            &[
                ("WEBHOOK_MEMORY_BYTES", bytes.to_string()),
                ("WEBHOOK_MEMORY_KIND", kind.to_owned()),
                ("WEBHOOK_MEMORY_LIMIT", limit.to_string()),
            ],
        );
        println!("{kind} {bytes} bytes: {line}");
        assert!(
            line.contains(&format!("ok={taken}")),
            "{kind} {bytes}: {line}"
        );
        if !taken {
            // refused before parsing: nothing of it is held
            assert!(growth < 8 << 10, "{kind} {bytes}: {line}");
        } else {
            // held once parsed (about 6 times its size as the engine's values) and once as
            // bytes
            assert!(growth * 1024 < 10 * bytes as u64, "{kind} {bytes}: {line}");
        }
    }
}

/// A form response of the inbound example's selected form with answers until it is about
/// `bytes` long.
fn response_body(bytes: usize) -> Vec<u8> {
    let head = setup::response("77", "f_42", "r1", "ada@example.com", vec![]).to_string();
    let open = head
        .find("\"answers\":[")
        .map(|i| i + 11)
        .unwrap_or(head.len());
    let mut b = Vec::with_capacity(bytes + 64);
    b.extend_from_slice(&head.as_bytes()[..open]);
    let mut i = 0;
    while b.len() + 64 < bytes {
        if i > 0 {
            b.push(b',');
        }
        b.extend_from_slice(
            format!(r#"{{"question_id":"q_{i}","value":"an answer {i}"}}"#).as_bytes(),
        );
        i += 1;
    }
    b.extend_from_slice(&head.as_bytes()[open..]);
    b
}

/// The child of the whole path: sets the inbound example up (stand-in Formly, fake
/// ActiveCampaign), then takes a body of `WEBHOOK_RECEIVE_BYTES` bytes through `verify` and
/// `receive`, and prints the growth of its peak.
#[tokio::test]
#[ignore = "run by `peak_memory_of_a_large_body_through_the_whole_path` in a child process"]
async fn receive_child() {
    let Some(bytes) = std::env::var("WEBHOOK_RECEIVE_BYTES")
        .ok()
        .and_then(|b| b.parse().ok())
    else {
        return;
    };
    let formly = setup::stand_in_formly().await;
    let ac = appstudio_testing::FakeActiveCampaign::start().await;
    let engine = Engine::<App>::new(setup::engine_config(&formly.uri())).unwrap();
    let mut wf = setup::set_up(&engine, ac.account(), &mut |_| {})
        .await
        .unwrap();
    let body = response_body(bytes);
    let before = peak_kib();
    let incoming = Incoming::from_http(Some("application/json"), &body, "", []).unwrap();
    let verified = wf.verify(&incoming).await.unwrap();
    assert!(matches!(verified, Verification::Process(_)), "{verified:?}");
    let delivery = wf.receive(incoming).await.unwrap();
    let after = peak_kib();
    let processed = matches!(&delivery, Delivery::Processed { .. });
    drop(delivery);
    let contacts = ac.contacts(ac.token()).len();
    println!(
        "WEBHOOK_RECEIVE bytes={} processed={processed} contacts={contacts} peak_growth_kib={}",
        body.len(),
        after.saturating_sub(before)
    );
}

/// The whole webhook path holds a body just under the limit in about 10 times its size:
/// parsed once (shared, not copied, by verification and routing), the raw bytes (shared with
/// `.raw_body`), and what the source program builds (here an object of every answer, through
/// an array of one-member objects).
#[test]
fn peak_memory_of_a_large_body_through_the_whole_path() {
    if peak_kib() == 0 {
        return;
    }
    let bytes = appstudio::engine::DEFAULT_MAX_WEBHOOK_BODY - 1024;
    let (line, growth) = in_child(
        "webhook_memory::receive_child",
        "WEBHOOK_RECEIVE",
        &[("WEBHOOK_RECEIVE_BYTES", bytes.to_string())],
    );
    println!("{line}");
    assert!(line.contains("processed=true contacts=1"), "{line}");
    assert!(growth * 1024 < 12 * bytes as u64, "{line}");
}
