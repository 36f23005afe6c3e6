//! Peak memory of taking in a large webhook body (issue 9): each size is parsed in a child
//! process (this test binary run again on one ignored test), which reports the growth of its
//! peak resident set (`VmHWM` in `/proc/self/status`). Run with `--nocapture` to see the numbers.

use appstudio::engine::Incoming;

/// The peak resident set of this process, in KiB (0 where `/proc` is missing).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
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
    let body = body(&kind, bytes);
    let before = peak_kib();
    let result = Incoming::from_http(Some("application/json"), &body, "", []);
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
    let exe = std::env::current_exe().unwrap();
    let under = appstudio::engine::DEFAULT_MAX_WEBHOOK_BODY - 1024;
    for (kind, bytes) in [
        ("numbers", 10 << 20),
        ("numbers", 50 << 20),
        ("numbers", under),
        ("records", under),
    ] {
        let mb = bytes.div_ceil(1 << 20);
        let out = std::process::Command::new(&exe)
            .args([
                "webhook_memory::child",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env("WEBHOOK_MEMORY_BYTES", bytes.to_string())
            .env("WEBHOOK_MEMORY_KIND", kind)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.starts_with("WEBHOOK_MEMORY"))
            .unwrap_or_else(|| panic!("no report from the child: {text}"));
        println!("{kind} {bytes} bytes: {line}");
        let growth: u64 = line
            .rsplit('=')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        // bounded: a body over the limit is refused before parsing; one under it is held
        // once as parsed (about 16 times its size as serde_json values) and once as bytes
        assert!(growth < 20 * (mb as u64) * 1024, "{kind} {bytes}: {line}");
    }
}
