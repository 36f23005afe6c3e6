//! Custom objects end to end (D27) against the fake ActiveCampaign: installing the app makes
//! its `objects` schemas (once; a later version of the app adds its new field and keeps the
//! records), and inbound events write records through `ActiveCampaign.sync`, related to the
//! contact and upserted by external id (mapped into the object's group, or carried under the
//! object's `external_id` in a record an outbound workflow builds).

mod v1 {
    appstudio::include_app!("tests/apps/custom_objects.json");
}
mod v2 {
    appstudio::include_app!("tests/apps/custom_objects_v2.json");
}

use appstudio::api::DynamicField;
use appstudio::engine::{Delivery, ErrorKind, Incoming, Mapping, ObjectReport, Provisioned};
use appstudio::value::{Choice, Secret};
use appstudio_testing::{FakeActiveCampaign, Fault};
use serde_json::{Value, json};
use wiremock::MockServer;
use wiremock::matchers::{method, path, query_param};

use crate::support::{engine, fake_activecampaign, get, ok};

async fn shoply() -> MockServer {
    let server = MockServer::start().await;
    get(&server, "/me", json!({"id": 4, "name": "Shoply"})).await;
    wiremock::Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(ok(json!({"id": "wh1"})))
        .mount(&server)
        .await;
    server
}

const ORIGIN: &str = "https://api.shoply.example";

fn key() -> Secret {
    Secret::new("k1")
}

fn order(email: &str, number: &str, total: f64, status: &str) -> Incoming {
    Incoming::json(json!({"buyer": {"email": email},
                          "order": {"number": number, "total": total, "status": status}}))
}

/// The writes the fake received on the schema routes: (method, path).
fn schema_writes(ac: &FakeActiveCampaign) -> Vec<(String, String)> {
    ac.requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/3/customObjects/schemas") && r.method != "GET")
        .map(|r| (r.method, r.path))
        .collect()
}

/// The value of field `id` of a record.
fn field<'a>(record: &'a Value, id: &str) -> &'a Value {
    record["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["id"] == id))
        .map_or(&Value::Null, |f| &f["value"])
}

async fn processed(delivery: Delivery) -> Value {
    match delivery {
        Delivery::Processed { processed, .. } => processed.output.into(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn objects_are_provisioned_once_and_records_follow_the_contact() {
    let ac = fake_activecampaign().await;
    let server = shoply().await;
    let shop = engine::<v1::App>(ORIGIN, &server);
    let conn = shop
        .connect(v1::auth::ApiKey { token: key() }, Some(ac.account()))
        .await
        .expect("connect");

    // install: the custom object becomes a schema related to contacts; the core object none
    let report = conn.provision_objects().await.expect("provision");
    assert_eq!(report.objects.len(), 1, "{report:?}");
    let order_schema = report.object("shoply_order").expect("reported");
    assert_eq!(order_schema.outcome, Provisioned::Created);
    let schema_id = order_schema.schema_id.clone();
    let schemas = ac.schemas(ac.token());
    assert_eq!(schemas.len(), 1);
    let schema = &schemas[0];
    assert_eq!(schema["id"], schema_id.as_str());
    assert_eq!(schema["slug"], "shoply_order");
    assert_eq!(schema["labels"]["plural"], "Shoply Orders");
    let fields: Vec<&str> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["total", "status"]);
    assert_eq!(schema["fields"][0]["scale"], 2);
    assert_eq!(
        schema["fields"][1]["options"],
        json!([{"value": "open"}, {"value": "paid"}, {"value": "shipped"}])
    );
    assert_eq!(
        schema["relationships"],
        json!([{"id": "primary-contact", "labels": {"singular": "Contact", "plural": "Contacts"},
                "namespace": "contacts", "hasMany": false}])
    );

    // idempotent: a second install reads and writes nothing
    let again = conn.provision_objects().await.expect("provision again");
    assert_eq!(
        again.object("shoply_order").unwrap().outcome,
        Provisioned::Unchanged
    );
    assert_eq!(again.object("shoply_order").unwrap().schema_id, schema_id);
    assert_eq!(
        schema_writes(&ac),
        [("POST".to_owned(), "/api/3/customObjects/schemas".to_owned())]
    );

    // an event mapped into the schema's group: a record on the buyer's contact
    let mut wf = conn.workflow(v1::workflows::SyncOrders);
    wf.select(v1::workflows::sync_orders::CustomData {
        store: Choice::new("main", "Main store"),
    })
    .expect("select");
    let options = wf.map_options().await.expect("map options");
    // the app's object is offered under its name, with its schema id
    let external = options
        .target
        .iter()
        .find(|o| o.key.group.as_deref() == Some("shoply_order") && o.key.id == "externalId")
        .expect("the object's options are offered");
    assert!(external.required);
    use v1::workflows::sync_orders::mapping::SourceField;
    let to = DynamicField::in_group;
    // a group's required fields bind a mapping that writes into the group, only that one:
    // no account or deal is mapped, so their required name and title are not asked for
    let partial = Mapping::new()
        .map(SourceField::ContactEmail, to("contact", "email"))
        .map(SourceField::OrderTotal, to("shoply_order", "total"));
    let err = wf.set_mapping(&partial, &options).unwrap_err();
    assert!(
        err.message()
            .ends_with("must be mapped (the mapping writes into group `shoply_order`)"),
        "{err}"
    );
    let mapping = Mapping::new()
        .map(SourceField::ContactEmail, to("contact", "email"))
        .map(SourceField::OrderNumber, to("shoply_order", "externalId"))
        .map(SourceField::OrderTotal, to("shoply_order", "total"))
        .map(SourceField::OrderStatus, to("shoply_order", "status"));
    wf.set_mapping(&mapping, &options).expect("mapping");
    wf.create_webhook("https://hooks.example/shoply")
        .await
        .expect("webhook");
    let out = processed(
        wf.receive(order("ann@example.com", "A-1", 12.5, "paid"))
            .await
            .expect("receive"),
    )
    .await;
    assert_eq!(out["errors"], json!([]), "{out}");
    let contact_id = ac.contacts(ac.token())[0]["id"].clone();
    let records = ac.records(ac.token());
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(record["schemaId"], schema_id.as_str());
    assert_eq!(record["externalId"], "A-1");
    assert_eq!(
        record["relationships"]["primary-contact"],
        json!([contact_id])
    );
    assert_eq!(
        (field(record, "total"), field(record, "status")),
        (&json!(12.5), &json!("paid"))
    );
    assert_eq!(
        out["external_ids"],
        json!([record["id"].as_str().unwrap().parse::<u64>().unwrap()])
    );

    // the same order again: updated, not a second record
    processed(
        wf.receive(order("ann@example.com", "A-1", 12.5, "shipped"))
            .await
            .expect("receive"),
    )
    .await;
    let records = ac.records(ac.token());
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["id"], record["id"]);
    assert_eq!(field(&records[0], "status"), "shipped");

    // a later version of the app adds a field: added, nothing removed, records kept
    let later = engine::<v2::App>(ORIGIN, &server);
    let conn2 = later
        .connect(v2::auth::ApiKey { token: key() }, Some(ac.account()))
        .await
        .expect("connect v2");
    ac.clear_requests();
    let report = conn2.provision_objects().await.expect("provision v2");
    assert_eq!(
        report.object("shoply_order").unwrap().outcome,
        Provisioned::Updated {
            fields: vec!["shipped-on".into()],
            relationships: vec![]
        }
    );
    let put = ac
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("a schema update");
    assert_eq!(
        put.path,
        format!("/api/3/customObjects/schemas/{schema_id}")
    );
    assert_eq!(
        put.body["schema"]["fields"].as_array().map(Vec::len),
        Some(1)
    );
    assert!(
        !schema_writes(&ac)
            .iter()
            .any(|(m, _)| m == "POST" || m == "DELETE"),
        "{:?}",
        schema_writes(&ac)
    );
    let schema = &ac.schemas(ac.token())[0];
    let fields: Vec<&str> = schema["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["total", "status", "shipped-on"]);
    let records = ac.records(ac.token());
    assert_eq!(records.len(), 1);
    assert_eq!(field(&records[0], "status"), "shipped");
    let third = conn2.provision_objects().await.expect("provision v2 again");
    assert_eq!(third.objects[0].outcome, Provisioned::Unchanged);
}

#[tokio::test]
async fn a_record_built_by_the_app_takes_its_external_id() {
    let ac = fake_activecampaign().await;
    ac.seed(
        ac.token(),
        json!({"contacts": [{"email": "bob@example.com"}]}),
    );
    let contact_id = ac.contacts(ac.token())[0]["id"].clone();
    let server = shoply().await;
    for total in [30, 31] {
        wiremock::Mock::given(method("GET"))
            .and(path("/orders/last"))
            .and(query_param("email", "bob@example.com"))
            .respond_with(ok(json!({"number": "B-7", "total": total})))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let shop = engine::<v1::App>(ORIGIN, &server);
    let conn = shop
        .connect(v1::auth::ApiKey { token: key() }, Some(ac.account()))
        .await
        .expect("connect");
    let mut wf = conn.workflow(v1::workflows::RecordOrder);

    // before install the object has no schema: nothing is written, and the error says why
    let e = wf
        .process(json!({"id": contact_id}))
        .await
        .expect_err("no schema yet");
    assert_eq!(e.kind(), ErrorKind::Config);
    assert!(e.message().contains("provision"), "{e}");
    assert!(ac.records(ac.token()).is_empty());

    let schema_id = conn.provision_objects().await.expect("provision").objects[0]
        .schema_id
        .clone();
    let run = wf
        .process(json!({"id": contact_id}))
        .await
        .expect("process");
    assert_eq!(run.output["errors"], json!([]), "{}", run.output);
    let records = ac.records(ac.token());
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["schemaId"], schema_id.as_str());
    assert_eq!(records[0]["externalId"], "B-7", "`external_id: order_id`");
    assert_eq!(
        records[0]["relationships"]["primary-contact"],
        json!([contact_id])
    );
    assert_eq!(field(&records[0], "total"), &json!(31));
    // `order_id` is not a field of the schema: it is the external id only
    assert_eq!(records[0]["fields"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn provisioning_needs_the_activecampaign_account() {
    let server = shoply().await;
    let shop = engine::<v1::App>(ORIGIN, &server);
    let conn = shop
        .connect(v1::auth::ApiKey { token: key() }, None)
        .await
        .expect("connect");
    let e = conn.provision_objects().await.expect_err("no account");
    assert_eq!(e.kind(), ErrorKind::Config);
}

#[tokio::test]
async fn a_schema_made_earlier_is_extended_after_a_failed_update() {
    let ac = fake_activecampaign().await;
    // an earlier install made the schema (slug in other case) with one field, and a record
    ac.seed(
        ac.token(),
        json!({"schemas": [{"id": "sc-1", "slug": "Shoply_Order",
                            "labels": {"singular": "Order", "plural": "Orders"},
                            "fields": [{"id": "total", "type": "number", "scale": 2,
                                        "labels": {"singular": "Total", "plural": "Totals"}}]}],
               "records": [{"schemaId": "sc-1", "externalId": "A-0",
                            "fields": [{"id": "total", "value": 5}]}]}),
    );
    let server = shoply().await;
    let shop = engine::<v1::App>(ORIGIN, &server);
    let conn = shop
        .connect(v1::auth::ApiKey { token: key() }, Some(ac.account()))
        .await
        .expect("connect");
    // the update is refused once (the listing, without the trailing `/`, is not)
    ac.fail(Fault {
        status: 422,
        times: 1,
        retry_after: None,
        path_prefix: Some("/api/3/customObjects/schemas/".into()),
    });
    let e = conn.provision_objects().await.expect_err("refused");
    assert!(e.message().contains("custom object `shoply_order`"), "{e}");
    assert_eq!(e.status(), Some(422));

    let report = conn.provision_objects().await.expect("provision");
    assert_eq!(
        report.objects[0],
        ObjectReport {
            name: "shoply_order".into(),
            schema_id: "sc-1".into(),
            outcome: Provisioned::Updated {
                fields: vec!["status".into()],
                relationships: vec!["primary-contact".into()],
            },
        }
    );
    let schemas = ac.schemas(ac.token());
    assert_eq!(schemas.len(), 1, "no second schema: {schemas:?}");
    assert_eq!(
        schemas[0]["labels"]["singular"], "Order",
        "the user's labels are kept"
    );
    assert_eq!(schemas[0]["fields"].as_array().map(Vec::len), Some(2));
    let records = ac.records(ac.token());
    assert_eq!(records.len(), 1);
    assert_eq!(field(&records[0], "total"), &json!(5));
    assert!(
        !ac.requests()
            .iter()
            .any(|r| r.method == "POST" || r.method == "DELETE"),
        "nothing created or deleted"
    );
}
