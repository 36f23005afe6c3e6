//! Polling cycles (D25): the cycle's log (every `!print_c` of its steps and of its results'
//! pipeline runs) and `post_poll`'s output; a request failing part-way (what came before stays
//! delivered, the state is the last good request's, `post_poll` runs, the next cycle retries
//! from there); the typed schedule of a `schedule` step and of an intake's own `frequency` and
//! `import_option`; a historical sync remembered in the stored state.

mod tally {
    appstudio::include_app!("tests/apps/polling_cycles.json");
}

use std::time::Duration;

use appstudio::api::DynamicField;
use appstudio::engine::{
    Connection, Engine, ErrorKind, ImportChoice, LogLine, Mapping, PollStop, RetryPolicy,
    ScheduleSource, Workflow, WorkflowState,
};
use appstudio::ir::ImportKind;
use appstudio::value::{Choice, Secret};
use appstudio_testing::FakeActiveCampaign;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{config, fake_activecampaign, get, ok};
use tally::workflows::ImportMembers;
use tally::workflows::import_members::{CustomData, mapping::SourceField};

fn member(email: &str, name: &str) -> Value {
    json!({"email": email, "name": name})
}

/// `GET /v1/members?page=N` answering 200 with these members.
fn page(n: u32, members: Value, more: bool) -> Mock {
    Mock::given(method("GET"))
        .and(path("/v1/members"))
        .and(query_param("page", n.to_string()))
        .respond_with(ok(json!({"members": members, "more": more})))
}

/// The Tally stand-in: who the key belongs to, and `post_poll`'s notification.
async fn tally_api() -> MockServer {
    let server = MockServer::start().await;
    get(&server, "/v1/me", json!({"id": "t-1", "name": "Tally"})).await;
    Mock::given(method("POST"))
        .and(path("/v1/polls"))
        .respond_with(ok(json!({"id": 77})))
        .mount(&server)
        .await;
    server
}

/// Retries quick enough for a test: three attempts.
fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// The workflow connected to the stand-in and the fake, selected, mapped, set up.
async fn tally_workflow(
    server: &MockServer,
    ac: &FakeActiveCampaign,
) -> (Connection<tally::auth::ApiKey>, Workflow<ImportMembers>) {
    let mut config = config("https://api.tally.example", server);
    config.retry = quick_retries();
    let engine = Engine::<tally::App>::new(config).expect("engine");
    let credentials = tally::auth::ApiKey {
        token: Secret::new("tk_1"),
    };
    let conn = engine
        .connect(credentials, Some(ac.account()))
        .await
        .expect("connect");
    let mut wf = conn.workflow(ImportMembers);
    wf.select(CustomData {
        members: Choice::new("all", "All members"),
    })
    .expect("select");
    let options = wf.map_options().await.expect("map options");
    let mapping = Mapping::new()
        .map(SourceField::Email, DynamicField::new("email"))
        .map(SourceField::Name, DynamicField::new("firstName"));
    wf.set_mapping(&mapping, &options).expect("mapping");
    let log = wf.initial_setup().await.expect("initial setup");
    assert_eq!(log, [line("data_intake.initial_setup", "setting up")]);
    assert_eq!(wf.polling_state(), Some(&appstudio::json!({"page": 1})));
    (conn, wf)
}

fn line(step: &str, text: &str) -> LogLine {
    LogLine {
        step: step.to_owned(),
        text: text.to_owned(),
    }
}

/// The bodies `post_poll` sent to the stand-in, in order.
async fn notifications(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/v1/polls")
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

/// How many times page `n` of the members was asked for.
async fn asked_for_page(server: &MockServer, n: u32) -> usize {
    let page = format!("page={n}");
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path() == "/v1/members" && r.url.query() == Some(page.as_str()))
        .count()
}

fn emails(ac: &FakeActiveCampaign) -> Vec<Value> {
    ac.contacts(ac.token())
        .iter()
        .map(|c| c["email"].clone())
        .collect()
}

#[tokio::test]
async fn a_cycle_gives_post_polls_output_and_every_print_c_in_order() {
    let server = tally_api().await;
    page(
        1,
        json!([
            member("ann@example.com", "Ann"),
            member("bob@example.com", "Bob")
        ]),
        true,
    )
    .expect(1)
    .mount(&server)
    .await;
    // a member without an email fails in the pipeline; what it printed before still counts
    page(
        2,
        json!([{"email": null, "name": "Nobody"}, member("cy@example.com", "Cy")]),
        false,
    )
    .expect(1)
    .mount(&server)
    .await;
    let ac = fake_activecampaign().await;
    let (_conn, mut wf) = tally_workflow(&server, &ac).await;

    let cycle = wf.poll().await.expect("cycle");
    assert_eq!(cycle.processed.len(), 4);
    let failed: Vec<_> = cycle.errors().map(|e| e.kind()).collect();
    assert_eq!(failed, [ErrorKind::InvalidInput]);
    assert!(cycle.completed(), "{:?}", cycle.failure());
    assert_eq!((cycle.requests, cycle.stop), (2, PollStop::Done));
    assert_eq!(
        cycle.post_poll_output(),
        Some(&appstudio::json!({"notified": 77}))
    );
    assert_eq!(
        cycle.log,
        [
            line("data_intake.pre_poll", "cycle from page 1"),
            line("data_intake.request", "page 1"),
            line("data_pipeline", "member ann@example.com"),
            line("data_pipeline", "member bob@example.com"),
            line("data_intake.request", "page 2"),
            line("data_pipeline", "member null"),
            line("data_pipeline", "member cy@example.com"),
            line("data_intake.post_poll", "done, next page 3"),
        ]
    );
    assert_eq!(notifications(&server).await, [json!({"next_page": 3})]);
    assert_eq!(
        emails(&ac),
        [
            json!("ann@example.com"),
            json!("bob@example.com"),
            json!("cy@example.com")
        ]
    );
}

#[tokio::test]
async fn a_request_failing_part_way_keeps_what_came_and_the_next_cycle_retries_it() {
    let server = tally_api().await;
    page(
        1,
        json!([
            member("ann@example.com", "Ann"),
            member("bob@example.com", "Bob")
        ]),
        true,
    )
    .expect(1)
    .mount(&server)
    .await;
    page(2, json!([member("cy@example.com", "Cy")]), true)
        .expect(1)
        .mount(&server)
        .await;
    // page 3 fails on every attempt of the first cycle, then answers
    Mock::given(method("GET"))
        .and(path("/v1/members"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": "busy"})))
        .up_to_n_times(3)
        .with_priority(1)
        .mount(&server)
        .await;
    page(3, json!([member("dee@example.com", "Dee")]), false)
        .with_priority(2)
        .mount(&server)
        .await;
    let ac = fake_activecampaign().await;
    let (_conn, mut wf) = tally_workflow(&server, &ac).await;

    let cycle = wf.poll().await.expect("a failing request is in the cycle");
    assert_eq!((cycle.requests, cycle.stop), (3, PollStop::Failed));
    let error = cycle.error.as_ref().expect("the request's error");
    assert_eq!(error.kind(), ErrorKind::Remote5xx, "{error}");
    assert_eq!(error.step(), Some("data_intake.request"));
    assert!(error.loc().is_some(), "located in app.json: {error}");
    assert!(!cycle.completed());
    assert_eq!(asked_for_page(&server, 3).await, 3, "the retries");
    // requests 1-2 delivered their results; the state is the one after request 2
    assert_eq!(cycle.processed.len(), 3);
    assert_eq!(cycle.errors().count(), 0);
    assert_eq!(
        emails(&ac),
        [
            json!("ann@example.com"),
            json!("bob@example.com"),
            json!("cy@example.com")
        ]
    );
    assert_eq!(wf.polling_state(), Some(&appstudio::json!({"page": 3})));
    // post_poll ran after the failure, with that state
    assert_eq!(
        cycle.post_poll_output(),
        Some(&appstudio::json!({"notified": 77}))
    );
    assert_eq!(notifications(&server).await, [json!({"next_page": 3})]);
    assert_eq!(
        cycle.log.last(),
        Some(&line("data_intake.post_poll", "done, next page 3"))
    );
    // a failed cycle does not finish a single import
    assert_eq!(wf.poll_history().last_cycle, None);
    assert!(!wf.schedule().expect("schedule").finished());

    let cycle = wf.poll().await.expect("next cycle");
    assert!(cycle.completed(), "{:?}", cycle.failure());
    assert_eq!((cycle.requests, cycle.stop), (1, PollStop::Done));
    assert_eq!(
        cycle.log[..2],
        [
            line("data_intake.pre_poll", "cycle from page 3"),
            line("data_intake.request", "page 3"),
        ]
    );
    assert_eq!(asked_for_page(&server, 1).await, 1);
    assert_eq!(asked_for_page(&server, 3).await, 4);
    assert_eq!(emails(&ac).len(), 4);
    assert_eq!(wf.polling_state(), Some(&appstudio::json!({"page": 4})));
    assert_eq!(
        notifications(&server).await,
        [json!({"next_page": 3}), json!({"next_page": 4})]
    );
    let last = wf.poll_history().last_cycle.clone().expect("recorded");
    assert_eq!((last.requests, last.results), (1, 1));
}

#[tokio::test]
async fn an_intakes_frequency_and_import_option_make_the_schedule() {
    let server = tally_api().await;
    page(1, json!([member("ann@example.com", "Ann")]), false)
        .expect(1)
        .mount(&server)
        .await;
    let ac = fake_activecampaign().await;
    let (conn, mut wf) = tally_workflow(&server, &ac).await;

    let schedule = wf.schedule().expect("schedule");
    assert_eq!(schedule.source, ScheduleSource::Intake);
    assert_eq!(schedule.every, Duration::from_secs(600));
    assert_eq!(
        schedule.options,
        [ImportChoice {
            label: None,
            kind: ImportKind::Single
        }]
    );
    assert_eq!(schedule.import, ImportKind::Single);
    assert_eq!((&schedule.label, schedule.last_completed), (&None, None));
    assert!(schedule.next_run().is_some());
    let not_offered = wf.schedule().unwrap().choose(ImportKind::Recurring);
    assert_eq!(not_offered.unwrap_err().kind(), ErrorKind::InvalidInput);

    assert!(wf.poll().await.expect("cycle").completed());
    // a single import is done after one cycle, also once stored and resumed
    let schedule = wf.schedule().expect("schedule");
    assert!(schedule.finished());
    assert_eq!(schedule.next_run(), None);
    let stored = serde_json::to_string(&wf.state()).expect("state");
    let wf = conn
        .resume(serde_json::from_str::<WorkflowState<ImportMembers>>(&stored).expect("stored"))
        .expect("resume");
    assert_eq!(wf.schedule().expect("schedule").next_run(), None);
}

mod polling_orders {
    use std::time::Duration;

    use appstudio::engine::{ImportChoice, ScheduleSource};
    use appstudio::ir::ImportKind;
    use appstudio::value::Secret;
    use serde_json::json;
    use wiremock::MockServer;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};

    use crate::support::apps::polling_orders::App;
    use crate::support::apps::polling_orders::auth::ShoplaneSession;
    use crate::support::apps::polling_orders::workflows::ImportOrders;

    #[tokio::test]
    async fn a_schedule_step_makes_the_schedule() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/admin/api/sessions"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "s", "expires_in": 3600})),
            )
            .mount(&server)
            .await;
        let engine = crate::support::engine::<App>("https://*.shoplane.example", &server);
        let credentials = ShoplaneSession {
            subdomain: "acme".into(),
            username: "u".into(),
            password: Secret::new("p"),
        };
        let conn = engine.connect(credentials, None).await.expect("connect");
        let wf = conn.workflow(ImportOrders);
        let schedule = wf.schedule().expect("schedule");
        // the intake's own `frequency` and `import_option` are for custom-object workflows
        assert_eq!(schedule.source, ScheduleSource::Step);
        assert_eq!(schedule.label.as_deref(), Some("Import schedule"));
        assert_eq!(
            schedule.description.as_deref(),
            Some("Choose whether to keep importing orders or to import them only once.")
        );
        assert_eq!(schedule.every, Duration::from_secs(1800));
        assert_eq!(
            schedule.options,
            [
                ImportChoice {
                    label: Some("Import new and updated orders every 30 minutes".into()),
                    kind: ImportKind::Recurring
                },
                ImportChoice {
                    label: Some("Import existing orders once".into()),
                    kind: ImportKind::Single
                },
            ]
        );
        // the first option applies until the user's choice is given
        assert_eq!(schedule.import, ImportKind::Recurring);
        let chosen = schedule.choose(ImportKind::Single).expect("offered");
        assert_eq!(chosen.import, ImportKind::Single);
        assert!(!chosen.finished());
    }
}

mod order_history {
    use appstudio::api::DynamicField;
    use appstudio::engine::{Connection, Engine, ErrorKind, Mapping, PollStop, WorkflowState};
    use appstudio::value::Secret;
    use serde_json::{Value, json};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::quick_retries;
    use crate::support::apps::order_history::workflows::SyncNewOrders;
    use crate::support::apps::order_history::workflows::sync_new_orders::{
        CustomData, mapping::SourceField, options,
    };
    use crate::support::apps::order_history::{App, auth};
    use crate::support::{config, fake_activecampaign, ok};

    fn order(id: u64) -> Value {
        json!({"id": id, "total_price": "10.00",
               "customer": {"email": format!("c{}@example.com", id % 2), "first_name": "F",
                            "last_name": "L", "orders_count": 2}})
    }

    /// How many times the stand-in was asked for past orders.
    async fn backfill_requests(server: &MockServer) -> Vec<String> {
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == "/admin/api/2024-04/orders")
            .map(|r| r.url.query().unwrap_or_default().to_owned())
            .collect()
    }

    fn engine(server: &MockServer, ac_rate: u32) -> Engine<App> {
        let mut config = config("https://*.shoplane.example", server);
        config.retry = quick_retries();
        config.activecampaign_rate = ac_rate;
        Engine::<App>::new(config).expect("engine")
    }

    fn credentials() -> auth::ShoplaneSession {
        auth::ShoplaneSession {
            subdomain: "acme".into(),
            username: "u".into(),
            password: Secret::new("p"),
        }
    }

    /// The workflow state through JSON, and the workflow resumed from it by a new engine.
    fn restart(
        server: &MockServer,
        conn: &Connection<auth::ShoplaneSession>,
        state: &WorkflowState<SyncNewOrders>,
        ac: &appstudio_testing::FakeActiveCampaign,
    ) -> (
        Connection<auth::ShoplaneSession>,
        appstudio::engine::Workflow<SyncNewOrders>,
        Value,
    ) {
        let tokens = serde_json::to_string(&conn.tokens()).expect("tokens");
        let stored = serde_json::to_string(state).expect("state");
        let conn = engine(server, 1000)
            .restore(
                credentials(),
                serde_json::from_str(&tokens).expect("tokens"),
                Some(ac.account()),
            )
            .expect("restore");
        let wf = conn
            .resume(serde_json::from_str(&stored).expect("stored state"))
            .expect("resume");
        (conn, wf, serde_json::from_str(&stored).expect("json"))
    }

    #[tokio::test]
    async fn a_historical_sync_is_remembered_in_the_stored_state() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/admin/api/sessions"))
            .respond_with(ok(json!({"access_token": "s", "expires_in": 3600})))
            .mount(&server)
            .await;
        let page1: Vec<Value> = (1..=100).map(order).collect();
        Mock::given(method("GET"))
            .and(path("/admin/api/2024-04/orders"))
            .and(query_param("page", "1"))
            .respond_with(ok(json!({"orders": page1})))
            .mount(&server)
            .await;
        // page 2 fails on every attempt of the first sync, then answers
        Mock::given(method("GET"))
            .and(path("/admin/api/2024-04/orders"))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(503))
            .up_to_n_times(3)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/admin/api/2024-04/orders"))
            .and(query_param("page", "2"))
            .respond_with(ok(json!({"orders": [order(101)]})))
            .with_priority(2)
            .mount(&server)
            .await;
        let ac = fake_activecampaign().await;
        let conn = engine(&server, 1000)
            .connect(credentials(), Some(ac.account()))
            .await
            .expect("connect");
        let mut wf = conn.workflow(SyncNewOrders);
        let tags = wf.options(options::FirstOrderTag).await.expect("options");
        wf.select(CustomData {
            first_order_tag: tags[1].clone(),
        })
        .expect("select");
        let map_options = wf.map_options().await.expect("map options");
        let mapping = Mapping::new().map(SourceField::Email, DynamicField::new("email"));
        wf.set_mapping(&mapping, &map_options).expect("mapping");

        let sync = wf.historical_sync().await.expect("sync").expect("runs");
        assert_eq!((sync.requests, sync.stop), (2, PollStop::Failed));
        let error = sync.error.as_ref().expect("page 2 failed");
        assert_eq!(error.kind(), ErrorKind::Remote5xx, "{error}");
        assert_eq!(error.step(), Some("historical_data_intake.request"));
        assert_eq!(sync.processed.len(), 100);
        assert_eq!(ac.contacts(ac.token()).len(), 2);

        // stored and resumed: the interrupted sync goes on from page 2, without
        // `initial_setup` (which would start again from page 1)
        let (conn, mut wf, stored) = restart(&server, &conn, &wf.state(), &ac);
        assert_eq!(stored["polling_state"], json!({"page": 2}));
        assert_eq!(
            stored["polled"],
            json!({"historical_sync": {"requests": 2, "results": 100}})
        );
        let sync = wf.historical_sync().await.expect("sync").expect("goes on");
        assert!(sync.completed(), "{:?}", sync.failure());
        assert_eq!((sync.requests, sync.stop), (1, PollStop::Done));
        assert_eq!(
            backfill_requests(&server).await.len(),
            1 + 3 + 1,
            "page 1, page 2 thrice, page 2"
        );
        assert_eq!(ac.contacts(ac.token()).len(), 2);

        // completed, stored, resumed: it does not run again
        let (_conn, mut wf, stored) = restart(&server, &conn, &wf.state(), &ac);
        let run = &stored["polled"]["historical_sync"];
        assert_eq!(
            (&run["requests"], &run["results"]),
            (&json!(3), &json!(101))
        );
        assert!(run["completed_at"].as_u64().is_some(), "{run}");
        let done = wf.poll_history().historical_sync.clone().expect("recorded");
        assert!(done.completed_at.is_some());
        assert!(wf.historical_sync().await.expect("sync").is_none());
        assert_eq!(backfill_requests(&server).await.len(), 5, "nothing sent");
    }
}
