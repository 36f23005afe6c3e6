//! A stand-in webhook provider on loopback (the `tests/apps/hooks_*.json` apps' API): it counts
//! subscribe (`POST /hooks`), update (`PUT /hooks/{id}`) and unsubscribe (`DELETE /hooks/{id}`)
//! requests and keeps the live subscriptions; `GET /me` names the account of the bearer token
//! (`key-<account>`); `POST /seen` records what a pipeline reported.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use appstudio::engine::EngineConfig;
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate, matchers::any};

use super::ok;

/// What the provider saw and holds.
#[derive(Debug, Default)]
pub struct Book {
    /// `POST /hooks` requests.
    pub subscribes: usize,
    /// `PUT /hooks/{id}` requests.
    pub updates: usize,
    /// `DELETE /hooks/{id}` requests.
    pub unsubscribes: usize,
    /// Live subscriptions: id → the last body registered.
    pub live: BTreeMap<u64, Value>,
    /// Bodies of `POST /seen`.
    pub seen: Vec<Value>,
    next: u64,
}

/// The stand-in provider.
pub struct Provider {
    server: MockServer,
    book: Arc<Mutex<Book>>,
}

struct Answer {
    book: Arc<Mutex<Book>>,
    /// How long `POST /hooks` takes: two racing callers overlap in it.
    subscribe_delay: Duration,
}

impl Respond for Answer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let mut book = self.book.lock().unwrap();
        let path = request.url.path().to_owned();
        let id = path
            .strip_prefix("/hooks/")
            .and_then(|id| id.parse::<u64>().ok());
        match (request.method.as_str(), path.as_str(), id) {
            ("GET", "/me", _) => {
                let auth = request
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                let account = auth.strip_prefix("Bearer key-").unwrap_or("?");
                ok(json!({"id": account, "name": format!("Account {account}")}))
            }
            ("POST", "/hooks", _) => {
                book.subscribes += 1;
                book.next += 1;
                let id = 100 + book.next;
                book.live.insert(id, body);
                ok(json!({"id": id})).set_delay(self.subscribe_delay)
            }
            ("PUT", _, Some(id)) if book.live.contains_key(&id) => {
                book.updates += 1;
                book.live.insert(id, body);
                ok(json!({"id": id}))
            }
            ("DELETE", _, Some(id)) if book.live.contains_key(&id) => {
                book.unsubscribes += 1;
                book.live.remove(&id);
                ResponseTemplate::new(204)
            }
            ("POST", "/seen", _) => {
                book.seen.push(body);
                ok(json!({}))
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"error": "no such hook"})),
        }
    }
}

impl Provider {
    /// A provider answering at once.
    pub async fn start() -> Provider {
        Provider::start_with(Duration::ZERO).await
    }

    /// A provider whose `POST /hooks` answers after `subscribe_delay`.
    pub async fn start_with(subscribe_delay: Duration) -> Provider {
        let server = MockServer::start().await;
        let book = Arc::new(Mutex::new(Book::default()));
        Mock::given(any())
            .respond_with(Answer {
                book: book.clone(),
                subscribe_delay,
            })
            .mount(&server)
            .await;
        Provider { server, book }
    }

    /// An engine configuration sending the apps' API requests here.
    pub fn config(&self) -> EngineConfig {
        super::config("https://api.hooks.example", &self.server)
    }

    /// What the provider saw so far.
    pub fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        self.book.lock().unwrap()
    }

    /// `(subscribes, updates, unsubscribes, live)`.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let b = self.book();
        (b.subscribes, b.updates, b.unsubscribes, b.live.len())
    }
}
