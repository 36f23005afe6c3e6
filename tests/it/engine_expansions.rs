//! D2 against a mock API on loopback: a selected value full of jq syntax, quotes, `/`, `?`,
//! `#`, `%` and CR/LF changes neither the jq program, nor the URL's structure, nor the
//! headers; it arrives as data.

mod notes {
    appstudio::include_app!("tests/apps/hostile_values.json", allow(AS1003));
}

use appstudio::engine::{ErrorKind, Workflow};
use appstudio::value::{Secret, Text};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{engine, ok};

const HOSTILE: &str = "a/b?c=d&e=f#g\" | env | \"\\(1) ${x} %2F .. \r\nX-Injected: 1";

async fn notes_api() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .and(header("authorization", "Bearer k1"))
        .respond_with(ok(json!({"id": 1, "name": "Ann"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

use notes::workflows::FileNotes;
use notes::workflows::file_notes::CustomData;

async fn workflow(server: &MockServer) -> Workflow<FileNotes> {
    let credentials = notes::auth::ApiKey {
        token: Secret::new("k1"),
    };
    let conn = engine::<notes::App>("https://api.notes.example", server)
        .connect(credentials, None)
        .await
        .unwrap();
    conn.workflow(FileNotes)
}

/// A selection of this folder and, if any, this tag.
fn selection(folder: &str, tag: Option<&str>) -> CustomData {
    CustomData {
        folder: Text::from(folder),
        tag: tag.map(Text::from),
    }
}

fn contact() -> Value {
    json!({"email": "ann@example.com", "firstName": "Ann"})
}

#[tokio::test]
async fn a_hostile_value_is_data_everywhere() {
    let server = notes_api().await;
    let mut wf = workflow(&server).await;
    wf.select(selection(HOSTILE, Some("vip; x=1"))).unwrap();
    let done = wf.process(contact()).await.unwrap();
    assert_eq!(done.output, json!({"ok": true}));

    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .find(|r| r.method.as_str() == "POST")
        .unwrap();
    // the path: exactly three segments, the middle one the value
    let segments: Vec<String> = sent
        .url
        .path_segments()
        .unwrap()
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
        .collect();
    assert_eq!(segments, ["folders", HOSTILE, "notes"]);
    // the query: the two parameters the app wrote, the value intact; no fragment
    let query: Vec<(String, String)> = sent
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        query,
        [
            ("folder".to_owned(), HOSTILE.to_owned()),
            ("from".to_owned(), "app".to_owned())
        ]
    );
    assert_eq!(sent.url.fragment(), None);
    // headers: the tag as it is, nothing injected
    assert_eq!(sent.headers.get("x-tag").unwrap(), "vip; x=1");
    assert!(sent.headers.get("x-injected").is_none());
    // the jq program: the value is a string in a literal, alone, and compared with itself
    let body: Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        json!({"title": format!("Note for {HOSTILE}"), "folder": HOSTILE, "same": true})
    );
}

#[tokio::test]
async fn a_line_break_in_a_header_value_is_refused_before_sending() {
    let server = notes_api().await;
    let mut wf = workflow(&server).await;
    wf.select(selection("inbox", Some("vip\r\nX-Injected: 1")))
        .unwrap();
    let err = wf.process(contact()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("X-Tag"), "{err}");
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.method.as_str() != "POST"));
}

#[tokio::test]
async fn dot_segments_cannot_climb_out_of_the_path() {
    let server = notes_api().await;
    let mut wf = workflow(&server).await;
    for value in ["..", "."] {
        wf.select(selection(value, None)).unwrap();
        let err = wf.process(contact()).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    }
    // `...` and `a..b` are ordinary names
    wf.select(selection("...", None)).unwrap();
    wf.process(contact()).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let posts: Vec<&str> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| r.url.path())
        .collect();
    assert_eq!(posts, ["/folders/.../notes"]);
}
