//! What makes two webhook requests one delivery (D28): the payload's own id where the
//! operator says an intake's payloads carry one ([`DeliveryId`]), else the query and the body.
//! App.json names no such member (the format has none), so it is host configuration.

use appstudio_runtime::engine::Incoming;
use appstudio_runtime::json::Value;
use sha2::{Digest, Sha256};

/// Where an intake's requests carry an id of their own, the same on every redelivery
/// ([`HostConfig::delivery_ids`](crate::HostConfig::delivery_ids)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryId {
    /// A request header (`Webhook-Id`, `X-Request-Id`, …); the name in any case.
    Header(String),
    /// A JSON pointer into the body (`/event_id`, `/response/id`).
    Pointer(String),
}

/// The dedup key of a request: `id:` and the SHA-256 of its delivery id when `id` finds one
/// (a string as it is, another JSON value as JSON), else `sha256:` and the hash of the raw
/// query and body.
pub(crate) fn dedup_key(
    id: Option<&DeliveryId>,
    incoming: &Incoming,
    query: &str,
    body: &[u8],
) -> String {
    let found = id.and_then(|id| match id {
        DeliveryId::Header(name) => incoming
            .headers
            .get(&name.to_ascii_lowercase())
            .and_then(Value::as_str)
            .map(str::to_owned),
        DeliveryId::Pointer(pointer) => match incoming.body.pointer(pointer) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.to_string()),
            Some(other) => Some(other.to_string()),
        },
    });
    match found.filter(|s| !s.is_empty()) {
        Some(id) => format!("id:{}", hex::encode(Sha256::digest(id.as_bytes()))),
        None => format!(
            "sha256:{}",
            hex::encode(
                Sha256::new()
                    .chain_update(query.as_bytes())
                    .chain_update(b"\n")
                    .chain_update(body)
                    .finalize()
            )
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str, headers: &[(&str, &str)]) -> Incoming {
        Incoming::from_http(
            Some("application/json"),
            body.as_bytes(),
            "",
            headers.iter().copied(),
        )
        .unwrap()
    }

    #[test]
    fn a_delivery_id_makes_changed_bodies_one_delivery_and_falls_back_to_the_body() {
        let pointer = DeliveryId::Pointer("/event/id".into());
        let header = DeliveryId::Header("Webhook-Id".into());
        let key = |id: Option<&DeliveryId>, body: &str, headers: &[(&str, &str)]| {
            dedup_key(id, &request(body, headers), "", body.as_bytes())
        };
        let first = r#"{"event": {"id": 7}, "sent_at": 1}"#;
        let again = r#"{"event": {"id": 7}, "sent_at": 2}"#;
        assert_eq!(
            key(Some(&pointer), first, &[]),
            key(Some(&pointer), again, &[])
        );
        assert!(key(Some(&pointer), first, &[]).starts_with("id:"));
        assert_ne!(key(None, first, &[]), key(None, again, &[]));
        // no id in the request: the body decides
        let anonymous = r#"{"sent_at": 1}"#;
        assert!(key(Some(&pointer), anonymous, &[]).starts_with("sha256:"));
        assert_eq!(
            key(Some(&header), first, &[("webhook-id", "msg_1")]),
            key(Some(&header), again, &[("webhook-id", "msg_1")])
        );
        assert_ne!(
            key(Some(&header), first, &[("webhook-id", "msg_1")]),
            key(Some(&header), first, &[("webhook-id", "msg_2")])
        );
    }
}
