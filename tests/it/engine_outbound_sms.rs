//! The outbound example end to end against a mock Textbolt API on loopback: connect (basic
//! auth, `verify_url`), describe the connection, load options, select, and push contacts
//! through `data_pipeline` (`!switch`, form-encoded bodies, personalization, `!print_c`).

use appstudio::engine::{Engine, ErrorKind, WorkflowState};
use appstudio::value::{Choice, Secret, Text};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::apps::outbound_sms as app;
use crate::support::{config, get, ok};
use app::auth::TextboltAccountSid;
use app::workflows::send_sms::{CustomData, options};
use app::workflows::{SendSms, SubscribeContact};

/// The credentials of `textbolt-account-sid`: HTTP Basic `AC0001:s3cret`.
const BASIC: &str = "Basic QUMwMDAxOnMzY3JldA==";

pub(crate) async fn textbolt() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/account"))
        .and(header("authorization", BASIC))
        .respond_with(ok(json!({
            "account_sid": "AC0001", "friendly_name": "Acme"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/phone-numbers"))
        .and(query_param("capability", "sms"))
        .and(query_param("page_size", "100"))
        .respond_with(ok(json!({"phone_numbers": [
            {"number": "+15550100", "friendly_name": "Main", "capabilities": {"sms": true}},
            {"number": "+15550199", "friendly_name": "Voice", "capabilities": {"sms": false}}
        ]})))
        .mount(&server)
        .await;
    server
}

pub(crate) const ORIGIN: &str = "https://api.textbolt.example";

fn engine(server: &MockServer) -> Engine<app::App> {
    crate::support::engine::<app::App>(ORIGIN, server)
}

fn credentials() -> TextboltAccountSid {
    TextboltAccountSid {
        username: "AC0001".into(),
        password: Secret::new("s3cret"),
    }
}

#[tokio::test]
async fn connect_setup_and_send() {
    let server = textbolt().await;
    Mock::given(method("POST"))
        .and(path("/v2/messages"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "To=%2B15557654321&From=%2B15550100&Body=Hi+Ada%2C+50%25+off%21",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "sid": "SM1", "status": "queued", "num_segments": "1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let conn = engine.connect(credentials(), None).await.unwrap();
    let d = conn.describe(SendSms).await.unwrap();
    assert_eq!(d.account_id, json!("AC0001"));
    assert_eq!(d.description, json!("Textbolt account Acme"));

    let mut wf = conn.workflow(SendSms);
    let options = wf.options(options::FromNumber).await.unwrap();
    assert_eq!(options, vec![Choice::new("+15550100", "Main (+15550100)")]);
    wf.select(CustomData {
        from_number: options[0].clone(),
        message: Text::from("Hi %FIRSTNAME%, 50% off!"),
        media_url: None,
    })
    .unwrap();

    let contact = json!({"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace", "phone": "+15557654321"});
    let done = wf.process(contact).await.unwrap();
    assert_eq!(
        done.output,
        json!({"message_sid": "SM1", "status": "queued", "segments": "1"})
    );
    assert_eq!(
        done.log,
        [
            "Sending a Textbolt message from +15550100 to +15557654321",
            "Textbolt accepted message SM1 (queued, 1 segment(s))"
        ]
    );
}

#[tokio::test]
async fn mms_case_and_hostile_values() {
    let server = textbolt().await;
    // A selected value full of jq syntax, quotes and CR/LF goes into the form body as data.
    let hostile = "\" | env | \"\r\nX: 1 ?#/";
    Mock::given(method("POST"))
        .and(path("/v2/messages"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"sid": "SM2", "status": "queued"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let engine = engine(&server);
    let conn = engine.connect(credentials(), None).await.unwrap();
    let mut wf = conn.workflow(SendSms);
    wf.select(CustomData {
        from_number: Choice::new("+15550100", "Main"),
        message: Text::from(hostile),
        media_url: Some(Text::from("https://cdn.example/a.png")),
    })
    .unwrap();
    let done = wf
        .process(json!({"email": "a@b.c", "phone": "+1"}))
        .await
        .unwrap();
    assert_eq!(done.output["segments"], json!("1"));
    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .find(|r| r.url.path() == "/v2/messages")
        .unwrap();
    let form: Vec<(String, String)> = form_urlencoded_pairs(&sent.body);
    assert!(form.contains(&("Body".into(), hostile.into())), "{form:?}");
    assert!(form.contains(&("MediaUrl".into(), "https://cdn.example/a.png".into())));
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The stand-in answers the credentials check (`verify_url`) with 401.
pub(crate) async fn refuse_credentials(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v2/account"))
        .respond_with(ResponseTemplate::new(401))
        .mount(server)
        .await;
}

#[tokio::test]
async fn bad_credentials_are_refused() {
    let server = textbolt().await;
    refuse_credentials(&server).await;
    let engine = engine(&server);
    let bad = TextboltAccountSid {
        username: "x".into(),
        password: Secret::new("y"),
    };
    let err = engine.connect(bad, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    // A missing password and an incomplete or mistyped selection cannot be written with the
    // typed API: they are checked on the untyped layer, in `engine_untyped`.
}

/// A stored workflow state names its workflow: it is read back only as that workflow's.
#[tokio::test]
async fn a_stored_state_is_only_its_workflows() {
    let server = textbolt().await;
    let conn = engine(&server).connect(credentials(), None).await.unwrap();
    let mut wf = conn.workflow(SendSms);
    let selection = CustomData {
        from_number: Choice::new("+15550100", "Main"),
        message: Text::from("hi"),
        media_url: None,
    };
    wf.select(selection.clone()).unwrap();
    let stored = serde_json::to_value(wf.state()).unwrap();
    let err = serde_json::from_value::<WorkflowState<SubscribeContact>>(stored.clone())
        .expect_err("a state of send-sms is not one of subscribe-contact");
    assert!(err.to_string().contains("send-sms"), "{err}");
    let state: WorkflowState<SendSms> = serde_json::from_value(stored).unwrap();
    let resumed = conn.resume(state).unwrap();
    assert_eq!(resumed.selection(), Some(selection));
}

/// A 503 storm and a 429 with `Retry-After` on reads are waited out; a POST that got a 503
/// is not sent twice.
#[tokio::test]
async fn retries_follow_the_policy() {
    let server = MockServer::start().await;
    get(
        &server,
        "/v2/account",
        json!({"account_sid": "AC0001", "friendly_name": "Acme"}),
    )
    .await;
    // Two 503s, then a 429 asking for one second, then the answer.
    Mock::given(method("GET"))
        .and(path("/v2/phone-numbers"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/phone-numbers"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/phone-numbers"))
        .respond_with(ok(json!({"phone_numbers": [
            {"number": "+15550100", "friendly_name": "Main", "capabilities": {"sms": true}}
        ]})))
        .with_priority(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/messages"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = config(ORIGIN, &server);
    config.retry.base = std::time::Duration::from_millis(5);
    let engine = Engine::<app::App>::new(config).unwrap();
    let conn = engine.connect(credentials(), None).await.unwrap();
    let mut wf = conn.workflow(SendSms);
    let started = std::time::Instant::now();
    let options = wf.options(options::FromNumber).await.unwrap();
    assert_eq!(options.len(), 1);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    wf.select(CustomData {
        from_number: options[0].clone(),
        message: Text::from("hi"),
        media_url: None,
    })
    .unwrap();
    let err = wf
        .process(json!({"email": "a@b.c", "phone": "+1"}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Remote5xx, "{err}");
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.workflow(), Some("send-sms"));
    assert_eq!(err.step(), Some("data_pipeline.target"));
    let loc = err.loc().expect("the failing command's place in app.json");
    assert_eq!((loc.line, loc.col), (113, 19), "{err}");
}
