//! `/healthz` and the JSON admin routes (issue 11, deliverable 6): installations, an
//! installation's runs and schedules, dead letters and their replay. The admin routes exist only when the
//! operator set [`HostConfig::admin_token`](crate::HostConfig::admin_token), and each request
//! must carry it as `Authorization: Bearer …` (compared in constant time).

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::live::read;
use crate::shared::Inner;

/// `/healthz`: 200 when the store answers, else 503.
pub(crate) fn health(inner: Arc<Inner>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(inner)
}

async fn healthz(State(inner): State<Arc<Inner>>) -> Response {
    match inner.store.ping().await {
        Ok(()) => (StatusCode::OK, axum::Json(json!({"ok": true}))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the store does not answer");
            let body = json!({"ok": false, "error": "store unavailable"});
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
        }
    }
}

/// The admin routes under `/admin`, behind the bearer token; none without a token.
pub(crate) fn admin(inner: Arc<Inner>) -> Router {
    if inner.config.admin_token.is_none() {
        return Router::new();
    }
    Router::new()
        .route("/admin/installations", get(installations))
        .route("/admin/installations/{id}/runs", get(runs))
        .route("/admin/installations/{id}/schedules", get(schedules))
        .route("/admin/dead-letters", get(dead_letters))
        .route("/admin/dead-letters/{id}/replay", post(replay))
        .route_layer(middleware::from_fn_with_state(inner.clone(), bearer))
        .with_state(inner)
}

/// Refuses a request without the operator's token (401).
async fn bearer(State(inner): State<Arc<Inner>>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let expected = inner.config.admin_token.as_ref().map_or("", |t| t.expose());
    if expected.is_empty() || !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return error(StatusCode::UNAUTHORIZED, "a bearer token is needed");
    }
    next.run(request).await
}

/// Equal bytes, in time that depends only on the lengths.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": message}))).into_response()
}

/// A store failure as a 500 (logged; the answer names no detail).
fn failed(e: crate::Error) -> Response {
    tracing::error!(error = %e, "an admin request failed");
    error(StatusCode::INTERNAL_SERVER_ERROR, "the store failed")
}

async fn installations(State(inner): State<Arc<Inner>>) -> Response {
    let rows = match inner.store.installation_rows().await {
        Ok(rows) => rows,
        Err(e) => return failed(e),
    };
    let list: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            let url = read(&inner.registry.installations)
                .get(&row.id)
                .and_then(|l| l.url(&inner.config.public_url));
            json!({"id": row.id, "workflow": row.workflow, "account_id": row.account_id,
                   "webhook_url": url})
        })
        .collect();
    axum::Json(json!({"installations": list})).into_response()
}

async fn runs(State(inner): State<Arc<Inner>>, Path(id): Path<String>) -> Response {
    if inner.registry.get(&id).is_none() {
        return error(StatusCode::NOT_FOUND, "no such installation");
    }
    match inner.store.runs(&id).await {
        Ok(runs) => {
            let runs: Vec<Value> = runs
                .into_iter()
                .map(|r| {
                    json!({"event_id": r.event_id, "status": r.status, "attempts": r.attempts,
                           "duration_ms": r.duration_ms, "output": r.output, "error": r.error,
                           "step": r.step, "location": r.location})
                })
                .collect();
            axum::Json(json!({"runs": runs})).into_response()
        }
        Err(e) => failed(e),
    }
}

async fn schedules(State(inner): State<Arc<Inner>>, Path(id): Path<String>) -> Response {
    if inner.registry.get(&id).is_none() {
        return error(StatusCode::NOT_FOUND, "no such installation");
    }
    match inner.store.schedules(&id).await {
        Ok(rows) => {
            let rows: Vec<Value> = rows
                .into_iter()
                .map(|s| {
                    json!({"kind": s.kind, "import": s.import, "next_at_ms": s.next_at,
                           "queued_event": s.queued_event})
                })
                .collect();
            axum::Json(json!({"schedules": rows})).into_response()
        }
        Err(e) => failed(e),
    }
}

async fn dead_letters(State(inner): State<Arc<Inner>>) -> Response {
    match inner.store.dead_letters().await {
        Ok(dead) => {
            let dead: Vec<Value> = dead
                .into_iter()
                .map(|d| {
                    json!({"event_id": d.event_id, "installation_id": d.installation_id,
                           "attempts": d.attempts, "error": d.error, "error_kind": d.error_kind,
                           "step": d.step, "location": d.location})
                })
                .collect();
            axum::Json(json!({"dead_letters": dead})).into_response()
        }
        Err(e) => failed(e),
    }
}

async fn replay(State(inner): State<Arc<Inner>>, Path(id): Path<i64>) -> Response {
    match inner.store.replay(id).await {
        Ok(true) => {
            inner.wake.notify_waiters();
            (StatusCode::ACCEPTED, axum::Json(json!({"replayed": id}))).into_response()
        }
        Ok(false) => error(StatusCode::NOT_FOUND, "no such dead letter"),
        Err(e) => failed(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_compare_whole() {
        assert!(super::constant_time_eq(b"abc", b"abc"));
        assert!(!super::constant_time_eq(b"abc", b"abd"));
        assert!(!super::constant_time_eq(b"abc", b"abcd"));
        assert!(!super::constant_time_eq(b"", b"a"));
    }
}
