//! Webhook intake: `/hooks/{token}` (D28). A verification request is answered at once; any
//! other request is stored (one event per installation it is for) and only then answered 2xx.
//! Nothing here waits for a remote API: verification and routing run without requests.
//! Concurrent requests are stored together, one commit for a batch ([`group`]).

mod group;

use std::sync::Arc;

use appstudio_runtime::engine::dynamic::DynWorkflow;
use appstudio_runtime::engine::{ErrorKind, Incoming, Respond, Verification};
use appstudio_runtime::json;
use appstudio_runtime::json::{Map, Value};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::dedup::dedup_key;
use crate::live::{Live, id_text, read};
use crate::shared::Inner;
use crate::store::NewEvent;
use group::GroupCommit;

/// The response header telling how many events a request was stored as (0: a redelivery
/// within the dedup window, or no installation routed).
pub const STORED: HeaderName = HeaderName::from_static("appstudio-stored");

/// What the intake's requests share: the host's [`Inner`] and the writer storing their events.
struct Intake {
    inner: Arc<Inner>,
    commits: GroupCommit,
}

/// The intake's routes.
pub(crate) fn router(inner: Arc<Inner>) -> Router {
    let limit = inner.config.engine.max_webhook_body;
    let window = inner.config.dedup_window.as_millis() as i64;
    let intake = Intake {
        commits: GroupCommit::new(inner.store.clone(), window),
        inner,
    };
    Router::new()
        .route("/hooks/{token}", any(hook))
        // a larger body is refused (413) before the handler, unread and unstored
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Arc::new(intake))
}

/// A JSON answer.
fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// One request to a webhook URL.
async fn hook(
    State(intake): State<Arc<Intake>>,
    Path(token): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let inner = &intake.inner;
    let Some((intake_name, installation)) = read(&inner.registry.hooks).get(&token).cloned() else {
        return answer(StatusCode::NOT_FOUND, json!({"error": "no such webhook"}));
    };
    let query = query.unwrap_or_default();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)))
        .collect();
    let max = inner.config.engine.max_webhook_body;
    let incoming = match Incoming::from_http_limited(
        max,
        content_type.as_deref(),
        &body,
        &query,
        pairs.iter().copied(),
    ) {
        Ok(i) => i,
        Err(e) if e.kind() == ErrorKind::BodyTooLarge => {
            return answer(StatusCode::PAYLOAD_TOO_LARGE, json!({"error": e.message()}));
        }
        Err(e) => return answer(StatusCode::BAD_REQUEST, json!({"error": e.message()})),
    };
    let candidates = match &installation {
        Some(id) => inner.registry.get(id).into_iter().collect(),
        None => inner.registry.of_intake(&intake_name),
    };
    let Some(first) = candidates.first().cloned() else {
        return answer(StatusCode::NOT_FOUND, json!({"error": "no such webhook"}));
    };
    // verification, without requests, on a copy of the workflow (no run is waited for); the
    // same copy routes
    let snapshot = first.snapshot();
    let respond = match snapshot.verify(&incoming).await {
        Ok(Verification::Respond(r)) => return responded(&r),
        Ok(Verification::Ignore(reason)) => {
            return answer(StatusCode::OK, json!({"stored": 0, "ignored": reason}));
        }
        Ok(Verification::Process(respond)) => respond,
        // verification needs a request: the worker runs it, with the rest, from the store
        Err(e) if e.kind() == ErrorKind::Config => None,
        Err(e) => {
            // the provider is told what failed, not where the app's file is
            tracing::warn!(error = %e, "a webhook's verification failed");
            return answer(StatusCode::BAD_REQUEST, json!({"error": e.message()}));
        }
    };
    let targets = match installation {
        Some(_) => candidates,
        None => route(&snapshot, candidates.clone(), &incoming).await,
    };
    let headers_json: Map = pairs
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), Value::from(*v)))
        .collect();
    let headers_json = Value::Object(headers_json).to_string();
    let dedup_key = dedup_key(
        inner.config.delivery_ids.get(&intake_name),
        &incoming,
        &query,
        &body,
    );
    let events: Vec<NewEvent> = targets
        .iter()
        .map(|live| NewEvent {
            installation_id: live.id.clone(),
            content_type: content_type.clone(),
            query: query.clone(),
            headers: headers_json.clone(),
            body: body.to_vec(),
            dedup_key: dedup_key.clone(),
        })
        .collect();
    // answered only once the batch holding these events is committed
    match intake.commits.enqueue(events).await {
        Some(stored) => {
            if stored > 0 {
                inner.wake.notify_waiters();
            }
            // the answer the app's `verification` chose for a payload, else 202
            let mut response = match respond {
                Some(r) => responded(&r),
                None => answer(StatusCode::ACCEPTED, json!({"stored": stored})),
            };
            response
                .headers_mut()
                .insert(STORED, HeaderValue::from(stored));
            response
        }
        // not stored (the writer logged why): not acknowledged, so the provider delivers it
        // again
        None => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"error": "not stored; retry"}),
        ),
    }
}

/// An application-scope request's installations: those whose account id is the one the
/// intake's `account_id` gives (all of them when it gives none or needs a request; the
/// workers' `receive` checks the routing again).
async fn route(first: &DynWorkflow, all: Vec<Arc<Live>>, incoming: &Incoming) -> Vec<Arc<Live>> {
    match first.account_of(incoming).await {
        Ok(Some(account)) => {
            let account = id_text(&account);
            all.into_iter()
                .filter(|l| read(&l.account_id).as_deref() == Some(account.as_str()))
                .collect()
        }
        _ => all,
    }
}

/// The answer a `!respond` chose.
fn responded(r: &Respond) -> Response {
    let status = StatusCode::from_u16(r.code).unwrap_or(StatusCode::OK);
    let mut response = match &r.body {
        Value::String(s) => (status, s.to_string()).into_response(),
        Value::Null => status.into_response(),
        other => (status, axum::Json(other.clone())).into_response(),
    };
    if let Value::Object(headers) = &r.headers {
        for (k, v) in headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::try_from(k.as_str()),
                HeaderValue::try_from(id_text(v).as_str()),
            ) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    response
}
