//! The fake ActiveCampaign API v3 server, exercised over plain HTTP with reqwest.

use std::time::Duration;

use appstudio_testing::{FakeActiveCampaign, FakeConfig, Fault};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A fake without a rate limit (most tests send bursts).
async fn unlimited() -> FakeActiveCampaign {
    FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        ..FakeConfig::default()
    })
    .await
}

/// An answer: status, headers, JSON body (`null` when not JSON).
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn call(
    ac: &FakeActiveCampaign,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
    call_with(&reqwest::Client::new(), ac, token, method, path, body).await
}

async fn call_with(
    client: &reqwest::Client,
    ac: &FakeActiveCampaign,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Reply {
    let mut rb = client.request(method, format!("{}{path}", ac.url()));
    if let Some(t) = token {
        rb = rb.header("Api-Token", t);
    }
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.expect("the fake answers");
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

async fn get(ac: &FakeActiveCampaign, path: &str) -> Reply {
    call(ac, Some(ac.token()), Method::GET, path, None).await
}

async fn post(ac: &FakeActiveCampaign, path: &str, body: Value) -> Reply {
    call(ac, Some(ac.token()), Method::POST, path, Some(body)).await
}

async fn put(ac: &FakeActiveCampaign, path: &str, body: Value) -> Reply {
    call(ac, Some(ac.token()), Method::PUT, path, Some(body)).await
}

async fn delete(ac: &FakeActiveCampaign, path: &str) -> Reply {
    call(ac, Some(ac.token()), Method::DELETE, path, None).await
}

/// The answer is ActiveCampaign's 404 for a missing `what` with `id`.
fn assert_not_found(r: Reply, what: &str, id: impl std::fmt::Display) {
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            404,
            json!({"message": format!("No Result found for {what} with id {id}")})
        )
    );
}

#[tokio::test]
async fn a_missing_or_bad_token_is_a_403() {
    let ac = unlimited().await;
    assert!(ac.url().starts_with("http://127.0.0.1:"));
    assert!(!ac.url().ends_with('/'));
    assert_eq!(ac.token(), "test-token");
    for token in [None, Some("nope"), Some("")] {
        let r = call(&ac, token, Method::GET, "/api/3/fields", None).await;
        assert_eq!(r.status, 403, "{token:?}");
        assert_eq!(r.body, json!({"message": "Forbidden"}));
        assert_eq!(
            r.headers["content-type"].to_str().unwrap(),
            "application/json"
        );
    }
    let r = get(&ac, "/api/3/users/me").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["user"]["id"], "1");
    // an unknown route under /api/3/ (with a token) is a 404 with a message
    let r = get(&ac, "/api/3/nothingHere").await;
    assert_eq!(
        (r.status, r.body),
        (StatusCode::NOT_FOUND, json!({"message": "Not Found"}))
    );
}

#[tokio::test]
async fn contacts_are_created_once_and_validated() {
    let ac = unlimited().await;
    let r = post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "jane@example.com", "firstName": "Jane",
                           "fieldValues": [{"field": "1", "value": "Gold"}, {"field": 4, "value": 250}]}}),
    )
    .await;
    assert_eq!(r.status, 201);
    let c = &r.body["contact"];
    assert_eq!(c["id"], "1");
    assert_eq!(c["email"], "jane@example.com");
    assert_eq!(c["firstName"], "Jane");
    assert_eq!(c["lastName"], "");
    assert_eq!(c["deleted"], "0");
    assert!(c["cdate"].as_str().unwrap().contains('T'));
    assert_eq!(c["fieldValues"], json!(["1", "2"]));
    let values = r.body["fieldValues"].as_array().unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(
        (
            &values[0]["contact"],
            &values[0]["field"],
            &values[0]["value"]
        ),
        (&json!("1"), &json!("1"), &json!("Gold"))
    );
    assert_eq!(values[1]["value"], "250", "values are strings on the wire");

    // the same email, any case: duplicate
    let r = post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "JANE@example.com"}}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(
        r.body,
        json!({"errors": [{"title": "Email address already exists in the system", "detail": "",
                           "code": "duplicate", "source": {"pointer": "/data/attributes/email"}}]})
    );
    let invalid = json!({"errors": [{"title": "Contact Email Address is not valid.", "detail": "",
        "code": "email_invalid", "error": "must_be_valid_email_address",
        "source": {"pointer": "/data/attributes/email"}}]});
    for body in [
        json!({"contact": {"email": "not an email"}}),
        json!({"contact": {"firstName": "No Email"}}),
        json!({"contact": {"email": 42}}),
        json!({}),
    ] {
        let r = post(&ac, "/api/3/contacts", body.clone()).await;
        assert_eq!((r.status.as_u16(), &r.body), (422, &invalid), "{body}");
    }
    // wrong types are 422 field_invalid
    let r = post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "x@example.com", "firstName": {"a": 1}}}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "field_invalid");
    assert_eq!(
        r.body["errors"][0]["source"]["pointer"],
        "/data/attributes/firstName"
    );
    let r = post(&ac, "/api/3/contacts", json!({"contact": "x"})).await;
    assert_eq!(r.status, 422);
    // malformed JSON is a 400 with an empty object
    let r = reqwest::Client::new()
        .post(format!("{}/api/3/contacts", ac.url()))
        .header("Api-Token", ac.token())
        .header("Content-Type", "application/json")
        .body("{\"contact\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap(), json!({}));
    // nothing of that was written
    assert_eq!(ac.contacts(ac.token()).len(), 1);
    // unknown field ids are ignored by default
    let r = post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "k@example.com", "fieldValues": [{"field": "9999", "value": "x"}]}}),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["fieldValues"], json!([]));
}

#[tokio::test]
async fn unknown_fields_can_be_an_error() {
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        unknown_field_is_error: true,
        ..FakeConfig::default()
    })
    .await;
    let r = post(
        &ac,
        "/api/3/contact/sync",
        json!({"contact": {"email": "k@example.com", "fieldValues": [{"field": "9999", "value": "x"}]}}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "field_invalid");
    assert!(ac.contacts(ac.token()).is_empty());
}

#[tokio::test]
async fn contact_sync_is_an_idempotent_upsert_by_email() {
    let ac = unlimited().await;
    let body = json!({"contact": {"email": "Ada@Example.com", "firstName": "Ada",
                                  "fieldValues": [{"field": "1", "value": "Gold"},
                                                  {"field": "3", "value": ["Books", "Travel"]}]}});
    let first = post(&ac, "/api/3/contact/sync", body.clone()).await;
    let second = post(&ac, "/api/3/contact/sync", body).await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first.body["contact"]["id"], second.body["contact"]["id"]);
    assert_eq!(second.body["fieldValues"].as_array().unwrap().len(), 2);
    // matched on email whatever the case; only supplied members change
    let r = post(
        &ac,
        "/api/3/contact/sync",
        json!({"contact": {"email": "ada@example.com", "lastName": "Lovelace",
                           "fieldValues": [{"field": 1, "value": "Silver"}]}}),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["contact"]["id"], "1");
    assert_eq!(r.body["contact"]["firstName"], "Ada");
    assert_eq!(r.body["contact"]["lastName"], "Lovelace");
    // every value of the contact comes back, and the contact lists their ids
    assert_eq!(r.body["fieldValues"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["contact"]["fieldValues"], json!(["1", "2"]));
    let contacts = ac.contacts(ac.token());
    assert_eq!(contacts.len(), 1);
    assert_eq!(
        contacts[0]["fieldValues"],
        json!([{"field": "1", "value": "Silver"}, {"field": "3", "value": "||Books||Travel||"}])
    );
    assert_eq!(contacts[0]["tags"], json!([]));
    // sync needs an email
    let r = post(
        &ac,
        "/api/3/contact/sync",
        json!({"contact": {"firstName": "X"}}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "email_invalid");
}

#[tokio::test]
async fn contacts_are_read_updated_listed_and_deleted() {
    let ac = unlimited().await;
    assert_not_found(get(&ac, "/api/3/contacts/999").await, "Subscriber", 999);
    for (i, email) in ["b@example.com", "a@example.com", "c@other.org"]
        .iter()
        .enumerate()
    {
        let r = post(
            &ac,
            "/api/3/contacts",
            json!({"contact": {"email": email, "firstName": format!("N{i}")}}),
        )
        .await;
        assert_eq!(r.status, 201);
    }
    let r = get(&ac, "/api/3/contacts/2").await;
    assert_eq!(r.status, 200);
    for key in [
        "fieldValues",
        "contactLists",
        "contactAutomations",
        "deals",
        "geoIps",
        "geoAddresses",
        "accountContacts",
    ] {
        assert!(r.body[key].is_array(), "{key}");
    }
    assert_eq!(r.body["contact"]["email"], "a@example.com");

    let r = put(
        &ac,
        "/api/3/contacts/2",
        json!({"contact": {"phone": "+1 555", "fieldValues": [{"field": "2", "value": "2008-01-20"}]}}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["contact"]["phone"], "+1 555");
    assert_eq!(r.body["contact"]["email"], "a@example.com");
    assert_eq!(r.body["fieldValues"][0]["value"], "2008-01-20");
    let r = put(
        &ac,
        "/api/3/contacts/2",
        json!({"contact": {"email": "B@example.com"}}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), &r.body["errors"][0]["code"]),
        (422, &json!("duplicate"))
    );
    let r = put(&ac, "/api/3/contacts/77", json!({"contact": {}})).await;
    assert_eq!(r.status, 404);

    // lists: exact email (any case), string totals, default limit, orders
    let r = get(&ac, "/api/3/contacts?email=A%40EXAMPLE.com").await;
    assert_eq!(r.body["meta"]["total"], "1");
    assert_eq!(r.body["contacts"][0]["id"], "2");
    assert_eq!(r.body["scoreValues"], json!([]));
    assert_eq!(r.body["meta"]["page_input"]["limit"], 20);
    let r = get(
        &ac,
        "/api/3/contacts?email_like=example.com&orders[email]=ASC",
    )
    .await;
    let emails: Vec<&str> = r.body["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["a@example.com", "b@example.com"]);
    let r = get(
        &ac,
        "/api/3/contacts?orders[id]=DESC&limit=2&filters[nonsense]=1",
    )
    .await;
    assert_eq!(r.body["meta"]["total"], "3", "unknown filters are ignored");
    let ids: Vec<&str> = r.body["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["3", "2"]);
    let r = get(&ac, "/api/3/contacts?id_greater=1&search=n2").await;
    assert_eq!(r.body["meta"]["total"], "1");
    assert_eq!(r.body["contacts"][0]["email"], "c@other.org");
    let r = get(&ac, "/api/3/contacts?email=nobody%40example.com").await;
    assert_eq!(
        (r.body["meta"]["total"].clone(), r.body["contacts"].clone()),
        (json!("0"), json!([]))
    );

    let r = delete(&ac, "/api/3/contacts/2").await;
    assert_eq!((r.status.as_u16(), r.body), (200, json!({})));
    let r = delete(&ac, "/api/3/contacts/2").await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            404,
            json!({"message": "No result found for contact with id 2"})
        )
    );
    let r = get(&ac, "/api/3/contacts/2/fieldValues").await;
    assert_eq!(r.status, 404);
    let r = get(&ac, "/api/3/fieldValues?filters[fieldid]=2").await;
    assert_eq!(r.body["meta"]["total"], "0", "values went with the contact");
}

#[tokio::test]
async fn fields_page_across_more_than_a_hundred() {
    let ac = unlimited().await;
    let first = get(&ac, "/api/3/fields?limit=100&offset=0").await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["meta"]["total"], "105");
    let fields = first.body["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 100);
    let second = get(&ac, "/api/3/fields?limit=100&offset=100").await;
    assert_eq!(second.body["meta"]["total"], "105");
    assert_eq!(second.body["fields"].as_array().unwrap().len(), 5);
    assert_eq!(second.body["fields"][4]["id"], "105");
    // default 20, capped at 100
    let r = get(&ac, "/api/3/fields").await;
    assert_eq!(r.body["fields"].as_array().unwrap().len(), 20);
    let r = get(&ac, "/api/3/fields?limit=1000").await;
    assert_eq!(r.body["fields"].as_array().unwrap().len(), 100);
    // every member, string ids, and the types the contract asks for
    let tier = &fields[0];
    for key in [
        "id",
        "title",
        "type",
        "descript",
        "isrequired",
        "perstag",
        "defval",
        "show_in_list",
        "rows",
        "cols",
        "visible",
        "service",
        "ordernum",
        "cdate",
        "udate",
        "options",
        "relations",
        "links",
    ] {
        assert!(tier.get(key).is_some(), "field member {key}");
    }
    assert_eq!(
        (&tier["id"], &tier["type"]),
        (&json!("1"), &json!("dropdown"))
    );
    let types: Vec<&str> = fields.iter().map(|f| f["type"].as_str().unwrap()).collect();
    for t in ["text", "date", "dropdown", "listbox"] {
        assert!(types.contains(&t), "{t}");
    }
    // options and relations resolve into the sideloaded arrays
    let options = first.body["fieldOptions"].as_array().unwrap();
    for id in tier["options"].as_array().unwrap() {
        let o = options.iter().find(|o| &o["id"] == id).expect("option");
        assert_eq!(o["field"], "1");
    }
    let labels: Vec<&str> = options
        .iter()
        .filter(|o| o["field"] == "1")
        .map(|o| o["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Gold", "Silver", "Bronze"]);
    let listbox = fields.iter().find(|f| f["type"] == "listbox").unwrap();
    assert!(!listbox["options"].as_array().unwrap().is_empty());
    let rels = first.body["fieldRels"].as_array().unwrap();
    assert!(rels.iter().any(|r| r["id"] == tier["relations"][0]));

    let r = get(&ac, "/api/3/fields/3").await;
    assert_eq!(r.body["field"]["type"], "listbox");
    assert_eq!(r.body["fieldOptions"].as_array().unwrap().len(), 3);
    assert_not_found(get(&ac, "/api/3/fields/999").await, "Field", 999);
    // create: 201, duplicate title, missing members
    let r = post(
        &ac,
        "/api/3/fields",
        json!({"field": {"title": "Colour", "type": "text"}}),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["field"]["id"], "106");
    let r = post(
        &ac,
        "/api/3/fields",
        json!({"field": {"title": "colour", "type": "text"}}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            422,
            json!({"errors": [{"title": "There is already a field with this title",
                               "detail": "There is already a field named 'colour' -- choose another name",
                               "code": "duplicate"}]})
        )
    );
    let r = post(&ac, "/api/3/fields", json!({"field": {"type": "text"}})).await;
    assert_eq!(r.body["errors"][0]["code"], "field_missing");
    assert_eq!(
        r.body["errors"][0]["source"]["pointer"],
        "/data/attributes/title"
    );
    let r = post(&ac, "/api/3/fieldOption/bulk", json!({"fieldOptions": {}})).await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            422,
            json!({"errors": "Bulk operation failed. Request must contain an array of fieldOption objects."})
        )
    );
}

#[tokio::test]
async fn field_values_are_upserted_per_contact_and_field() {
    let ac = unlimited().await;
    post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "v@example.com"}}),
    )
    .await;
    let r = post(
        &ac,
        "/api/3/fieldValues",
        json!({"fieldValue": {"contact": 1, "field": "4", "value": "Big"}, "useDefaults": false}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["contacts"][0]["id"], "1");
    let id = r.body["fieldValue"]["id"].clone();
    let r = post(
        &ac,
        "/api/3/fieldValues",
        json!({"fieldValue": {"contact": "1", "field": 4, "value": "Huge"}}),
    )
    .await;
    assert_eq!(r.body["fieldValue"]["id"], id);
    assert_eq!(r.body["fieldValue"]["value"], "Huge");
    let r = post(
        &ac,
        "/api/3/fieldValues",
        json!({"fieldValue": {"contact": 1, "field": 4}}),
    )
    .await;
    assert_eq!(r.body["errors"][0]["code"], "field_missing");
    let r = post(
        &ac,
        "/api/3/fieldValues",
        json!({"fieldValue": {"contact": 9, "field": 4, "value": "x"}}),
    )
    .await;
    assert_eq!(r.body["errors"][0]["code"], "field_invalid");
    assert_not_found(get(&ac, "/api/3/fieldValues/77").await, "FieldValue", 77);
    let r = get(
        &ac,
        "/api/3/fieldValues?filters[fieldid]=4&filters[val]=Huge",
    )
    .await;
    assert_eq!(r.body["meta"]["total"], "1");
}

#[tokio::test]
async fn tags_are_searched_created_once_and_attached_once() {
    let ac = unlimited().await;
    let r = post(
        &ac,
        "/api/3/tags",
        json!({"tag": {"tag": "VIP", "tagType": "contact", "description": ""}}),
    )
    .await;
    assert_eq!(r.status, 201);
    let tag = r.body["tag"].clone();
    assert_eq!(tag["id"], "1");
    assert_eq!(tag["tag"], "VIP");
    assert_eq!(tag["tagType"], "contact");
    for key in ["description", "cdate", "links"] {
        assert!(tag.get(key).is_some(), "{key}");
    }
    post(&ac, "/api/3/tags", json!({"tag": {"tag": "VIP Gold"}})).await;
    post(&ac, "/api/3/tags", json!({"tag": {"tag": "Newsletter"}})).await;
    // duplicate names (any case) are a 422 by default
    let r = post(&ac, "/api/3/tags", json!({"tag": {"tag": "vip"}})).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "duplicate");
    let r = post(&ac, "/api/3/tags", json!({"tag": {"tagType": "contact"}})).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "field_missing");
    // search is a case-insensitive contains; filters[search][eq] is exact
    let r = get(&ac, "/api/3/tags?search=vip").await;
    assert_eq!(r.body["meta"]["total"], "2");
    let r = get(&ac, "/api/3/tags?filters[search][eq]=vip").await;
    assert_eq!(r.body["meta"]["total"], "1");
    assert_eq!(r.body["tags"][0]["tag"], "VIP");
    assert_not_found(get(&ac, "/api/3/tags/99").await, "Tag", 99);

    post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "t@example.com"}}),
    )
    .await;
    let link = json!({"contactTag": {"contact": "1", "tag": "1"}});
    let r = post(&ac, "/api/3/contactTags", link.clone()).await;
    assert_eq!(r.status, 201);
    let ct = r.body["contactTag"].clone();
    assert_eq!((&ct["contact"], &ct["tag"]), (&json!("1"), &json!("1")));
    // the existing association comes back with 200, nothing is duplicated
    let r = post(
        &ac,
        "/api/3/contactTags",
        json!({"contactTag": {"contact": 1, "tag": 1}}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["contactTag"]["id"], ct["id"]);
    let r = get(&ac, "/api/3/contacts/1/contactTags?limit=0").await;
    assert_eq!(r.body["contactTags"].as_array().unwrap().len(), 1);
    assert_eq!(ac.contacts(ac.token())[0]["tags"], json!(["VIP"]));
    let r = get(&ac, "/api/3/tags/1").await;
    assert_eq!(r.body["tag"]["subscriber_count"], "1");
    let r = get(
        &ac,
        "/api/3/contactTags?filters[subscriberid]=1&filters[tagid]=1",
    )
    .await;
    assert_eq!(r.body["meta"]["total"], "1");

    // errors in the contactTags style
    let r = post(
        &ac,
        "/api/3/contactTags",
        json!({"contactTag": {"contact": "999", "tag": "1"}}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            404,
            json!({"errors": [{"status": 404, "title": "Not Found", "detail": "Contact not found"}]})
        )
    );
    let r = post(
        &ac,
        "/api/3/contactTags",
        json!({"contactTag": {"contact": "1", "tag": "999"}}),
    )
    .await;
    assert_eq!(r.body["errors"][0]["detail"], "Tag not found");
    let r = post(
        &ac,
        "/api/3/contactTags",
        json!({"contactTag": {"tag": "1"}}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            422,
            json!({"errors": [{"status": 422, "title": "Missing attribute",
                               "source": {"pointer": "/data/attributes/contact"}}]})
        )
    );
    let id = ct["id"].as_str().unwrap();
    let r = delete(&ac, &format!("/api/3/contactTags/{id}")).await;
    assert_eq!((r.status.as_u16(), r.body), (200, json!({})));
    let r = delete(&ac, &format!("/api/3/contactTags/{id}")).await;
    assert_not_found(r, "SubscriberTag", id);
}

#[tokio::test]
async fn duplicate_tags_can_return_the_existing_one() {
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        rate_limit: None,
        duplicate_tag_is_error: false,
        ..FakeConfig::default()
    })
    .await;
    let a = post(&ac, "/api/3/tags", json!({"tag": {"tag": "VIP"}})).await;
    let b = post(&ac, "/api/3/tags", json!({"tag": {"tag": "vip"}})).await;
    assert!(b.status.is_success());
    assert_eq!(a.body["tag"]["id"], b.body["tag"]["id"]);
    assert_eq!(get(&ac, "/api/3/tags").await.body["meta"]["total"], "1");
}

#[tokio::test]
async fn the_rate_limit_is_per_account_with_retry_after() {
    let ac = FakeActiveCampaign::start_with(FakeConfig {
        tokens: vec!["a".into(), "b".into()],
        rate_limit: Some(5),
        retry_after: 3,
        ..FakeConfig::default()
    })
    .await;
    // a burst of 8 at once on one connection pool: 5 pass, the rest wait for the refill
    let client = reqwest::Client::new();
    let url = format!("{}/api/3/users/me", ac.url());
    let burst: Vec<_> = (0..8)
        .map(|_| {
            let request = client.get(&url).header("Api-Token", "a").send();
            tokio::spawn(async move {
                let r = request.await.expect("answer");
                let status = r.status().as_u16();
                let retry_after = r.headers().get("retry-after").cloned();
                let limit = r.headers().get("ratelimit-limit").cloned();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                (status, retry_after, limit, body)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in burst {
        answers.push(task.await.expect("join"));
    }
    let ok = answers.iter().filter(|a| a.0 == 200).count();
    let limited: Vec<_> = answers.iter().filter(|a| a.0 == 429).collect();
    // 5 from the full bucket (a sixth only if the burst took over 200 ms)
    assert!((5..=6).contains(&ok), "{ok} passed");
    assert_eq!(ok + limited.len(), 8);
    let (_, retry_after, limit, body) = limited[0];
    assert_eq!(retry_after.as_ref().unwrap(), "3");
    assert_eq!(limit.as_ref().unwrap(), "5");
    assert_eq!(body, &json!({"message": "Too Many Requests"}));
    // account b has its own bucket
    let r = call(&ac, Some("b"), Method::GET, "/api/3/users/me", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers["ratelimit-limit"], "5");
    assert_eq!(r.headers["ratelimit-remaining"], "4");
    // control routes are not limited and need no token
    for _ in 0..10 {
        let r = call(&ac, None, Method::GET, "/__fake/requests", None).await;
        assert_eq!(r.status, 200);
    }
    // rate-limited requests are logged too
    let log = ac.requests();
    assert_eq!(
        log.iter().filter(|r| r.status == 429).count(),
        limited.len()
    );
    assert_eq!(log.len(), 9);
    // the bucket refills at 5 per second
    tokio::time::sleep(Duration::from_millis(450)).await;
    let r = call(&ac, Some("a"), Method::GET, "/api/3/users/me", None).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn faults_are_injected_for_matching_paths() {
    let ac = unlimited().await;
    ac.fail(Fault {
        status: 503,
        times: 2,
        retry_after: None,
        path_prefix: Some("/api/3/tags".into()),
    });
    assert_eq!(
        get(&ac, "/api/3/fields?limit=1").await.status,
        200,
        "other paths"
    );
    assert_eq!(get(&ac, "/api/3/tags").await.status, 503);
    assert_eq!(get(&ac, "/api/3/tags/1").await.status, 503);
    assert_eq!(get(&ac, "/api/3/tags").await.status, 200, "consumed");
    // a 429 fault carries Retry-After; over HTTP too, without a token
    let r = call(
        &ac,
        None,
        Method::POST,
        "/__fake/fail",
        Some(json!({"status": 429, "times": 1, "retry_after": 9, "path_prefix": "/api/3/contact"})),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = post(
        &ac,
        "/api/3/contact/sync",
        json!({"contact": {"email": "f@example.com"}}),
    )
    .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "9");
    let r = post(
        &ac,
        "/api/3/contact/sync",
        json!({"contact": {"email": "f@example.com"}}),
    )
    .await;
    assert_eq!(r.status, 201);
    // no prefix: any path; faults still need a valid token first
    ac.fail(Fault {
        status: 500,
        times: 1,
        retry_after: None,
        path_prefix: None,
    });
    let r = call(&ac, Some("bad"), Method::GET, "/api/3/users/me", None).await;
    assert_eq!(r.status, 403);
    assert_eq!(get(&ac, "/api/3/users/me").await.status, 500);
    assert_eq!(get(&ac, "/api/3/users/me").await.status, 200);
    assert_eq!(
        ac.contacts(ac.token()).len(),
        1,
        "a failed write wrote nothing"
    );
}

#[tokio::test]
async fn requests_are_logged() {
    let ac = unlimited().await;
    post(
        &ac,
        "/api/3/contact/sync",
        json!({"contact": {"email": "l@example.com"}}),
    )
    .await;
    get(&ac, "/api/3/contacts?email=l%40example.com").await;
    call(&ac, None, Method::GET, "/api/3/users/me", None).await;
    let log = ac.requests();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, "/api/3/contact/sync");
    assert_eq!(log[0].query, None);
    assert_eq!(log[0].body, json!({"contact": {"email": "l@example.com"}}));
    assert_eq!(log[0].status, 201);
    assert!(
        log[0]
            .headers
            .iter()
            .any(|(k, v)| k == "api-token" && v == "test-token")
    );
    assert_eq!(log[1].query.as_deref(), Some("email=l%40example.com"));
    assert_eq!(log[1].body, Value::Null);
    assert_eq!(log[2].status, 403);
    assert!(log[0].at <= log[1].at && log[1].at <= log[2].at);
    // over HTTP
    let r = call(&ac, None, Method::GET, "/__fake/requests", None).await;
    let entries = r.body["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0]["headers"]["api-token"], "test-token");
    assert_eq!(entries[1]["status"], 200);
    ac.clear_requests();
    assert!(ac.requests().is_empty());
}

#[tokio::test]
async fn seed_and_reset() {
    let ac = unlimited().await;
    ac.seed(
        ac.token(),
        json!({"fields": [{"title": "Colour", "type": "dropdown", "options": ["Red", "Blue"]}],
               "tags": ["Seeded"], "lists": ["Customers"],
               "contacts": [{"email": "s@example.com", "firstName": "Sam",
                             "fieldValues": [{"field": "Colour", "value": "Red"}],
                             "tags": ["Seeded", "New"], "lists": ["Customers"]}]}),
    );
    let contacts = ac.contacts(ac.token());
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0]["firstName"], "Sam");
    assert_eq!(
        contacts[0]["fieldValues"],
        json!([{"field": "106", "value": "Red"}])
    );
    assert_eq!(contacts[0]["tags"], json!(["Seeded", "New"]));
    assert_eq!(
        get(&ac, "/api/3/fields?limit=1").await.body["meta"]["total"],
        "106"
    );
    assert_eq!(get(&ac, "/api/3/lists").await.body["meta"]["total"], "2");
    // over HTTP, for the account of the token
    let r = call(
        &ac,
        Some(ac.token()),
        Method::POST,
        "/__fake/seed",
        Some(json!({"contacts": [{"email": "h@example.com"}]})),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(ac.contacts(ac.token()).len(), 2);
    ac.reset();
    assert!(ac.contacts(ac.token()).is_empty());
    assert_eq!(
        get(&ac, "/api/3/fields?limit=1").await.body["meta"]["total"],
        "105"
    );
    let r = call(&ac, None, Method::POST, "/__fake/reset", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(ac.requests().len(), 0);
}

#[tokio::test]
async fn lists_and_subscriptions() {
    let ac = unlimited().await;
    let r = post(
        &ac,
        "/api/3/lists",
        json!({"list": {"name": "VIPs", "sender_url": "https://x.test"}}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["list"]["id"], "2");
    let r = post(&ac, "/api/3/lists", json!({"list": {}})).await;
    assert_eq!(r.body["errors"][0]["code"], "field_missing");
    post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "l@example.com"}}),
    )
    .await;
    let r = post(
        &ac,
        "/api/3/contactLists",
        json!({"contactList": {"list": 2, "contact": 1, "status": 1}}),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["contactList"]["status"], "1");
    assert_eq!(r.body["contacts"][0]["id"], "1");
    let r = post(
        &ac,
        "/api/3/contactLists",
        json!({"contactList": {"list": 2, "contact": 1, "status": 2}}),
    )
    .await;
    assert_eq!(r.body["contactList"]["status"], "2");
    let r = post(
        &ac,
        "/api/3/contactLists",
        json!({"contactList": {"list": 99, "contact": 1, "status": 1}}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "field_invalid");
    let r = get(&ac, "/api/3/contacts/1/contactLists").await;
    assert_eq!(r.body["contactLists"].as_array().unwrap().len(), 1);
    let r = get(&ac, "/api/3/contacts?listid=2&status=2").await;
    assert_eq!(r.body["meta"]["total"], "1");
    let r = get(&ac, "/api/3/contacts?listid=2&status=1").await;
    assert_eq!(r.body["meta"]["total"], "0");
}

#[tokio::test]
async fn accounts_deals_and_account_contacts() {
    let ac = unlimited().await;
    let r = post(
        &ac,
        "/api/3/accounts",
        json!({"account": {"name": "Acme",
        "fields": [{"customFieldId": 1, "fieldValue": "Retail"}]}}),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["account"]["id"], "1");
    assert_eq!(r.body["account"]["fields"][0]["fieldValue"], "Retail");
    let r = post(&ac, "/api/3/accounts", json!({"account": {"name": "acme"}})).await;
    assert_eq!(
        (r.status.as_u16(), &r.body["errors"][0]["code"]),
        (422, &json!("duplicate"))
    );
    let r = post(&ac, "/api/3/accounts", json!({"account": {}})).await;
    assert_eq!(r.body["errors"][0]["code"], "field_missing");
    post(
        &ac,
        "/api/3/accounts",
        json!({"account": {"name": "Globex"}}),
    )
    .await;
    post(
        &ac,
        "/api/3/contacts",
        json!({"contact": {"email": "d@example.com"}}),
    )
    .await;
    let r = post(
        &ac,
        "/api/3/accountContacts",
        json!({"accountContact": {"account": 1, "contact": 1}}),
    )
    .await;
    assert_eq!(r.status, 201);
    let r = post(
        &ac,
        "/api/3/accountContacts",
        json!({"accountContact": {"account": 2, "contact": 1}}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), &r.body["errors"][0]["code"]),
        (422, &json!("field_invalid"))
    );
    let r = get(&ac, "/api/3/accountContacts?filters[contact]=1").await;
    assert_eq!(r.body["accountContacts"][0]["account"], "1");

    let r = post(
        &ac,
        "/api/3/deals",
        json!({"deal": {"title": "Big", "contact": "1", "value": 45600, "currency": "USD"}}),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["deal"]["id"], "1");
    assert_eq!(r.body["deal"]["value"], 45600);
    assert_eq!(r.body["deal"]["currency"], "usd");
    assert_eq!(r.body["contacts"][0]["id"], "1");
    let r = post(
        &ac,
        "/api/3/deals",
        json!({"deal": {"title": "Neg", "contact": "1", "value": -1}}),
    )
    .await;
    assert_eq!(r.body["errors"][0]["code"], "field_invalid");
    let r = put(&ac, "/api/3/deals/1", json!({"deal": {"status": 1}})).await;
    assert_eq!(
        (r.status.as_u16(), &r.body["deal"]["title"]),
        (200, &json!("Big"))
    );
    let r = get(&ac, "/api/3/deals?filters[status]=1").await;
    assert_eq!(r.body["meta"]["total"], "1");
    assert_not_found(get(&ac, "/api/3/deals/9").await, "Deal", 9);
}

#[tokio::test]
async fn custom_objects_use_numeric_meta_and_their_own_error_style() {
    let ac = unlimited().await;
    let r = post(&ac, "/api/3/customObjects/schemas", json!({"schema": {
        "slug": "orders", "labels": {"singular": "Order", "plural": "Orders"},
        "fields": [{"id": "total", "labels": {"singular": "Total", "plural": "Totals"}, "type": "number"},
                   {"id": "status", "labels": {"singular": "Status", "plural": "Statuses"}, "type": "dropdown",
                    "options": [{"id": "open", "value": "open"}, {"id": "shipped", "value": "shipped"}]}],
        "relationships": [{"id": "primary-contact", "labels": {"singular": "Contact", "plural": "Contacts"},
                           "namespace": "contacts", "hasMany": false}]}})).await;
    assert_eq!(r.status, 201);
    let schema = r.body["schema"]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["schema"]["visibility"], "private");
    let r = post(
        &ac,
        "/api/3/customObjects/schemas",
        json!({"schema": {"slug": "orders",
        "labels": {"singular": "O", "plural": "Os"}}}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["source"]["type"], "pointer");
    let r = get(&ac, "/api/3/customObjects/schemas").await;
    assert_eq!(
        r.body["meta"],
        json!({"total": 1, "count": 1, "limit": 20, "offset": 0})
    );

    let path = format!("/api/3/customObjects/records/{schema}");
    let record = json!({"record": {"externalId": "o-1", "fields": [{"id": "total", "value": 100}],
                                   "relationships": {"primary-contact": [14]}}});
    let r = post(&ac, &path, record.clone()).await;
    assert_eq!(r.status, 201);
    let id = r.body["record"]["id"].clone();
    let r = post(
        &ac,
        &path,
        json!({"record": {"externalId": "o-1",
        "fields": [{"id": "status", "value": "shipped"}]}}),
    )
    .await;
    assert_eq!(r.body["record"]["id"], id, "upserted on externalId");
    assert_eq!(r.body["record"]["fields"].as_array().unwrap().len(), 2);
    let r = post(
        &ac,
        &path,
        json!({"record": {"externalId": "o-2",
        "fields": [{"id": "colour", "value": "red"}]}}),
    )
    .await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (
            422,
            json!({"errors": [{"title": "Invalid value for field \"colour\"",
                "detail": "colour cannot accept a value that is not defined in the schema.",
                "source": {"type": "pointer", "value": "/data/attributes/colour"}}]})
        )
    );
    let r = post(
        &ac,
        &path,
        json!({"record": {"externalId": "o-3",
        "fields": [{"id": "status", "value": "lost"}]}}),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = get(
        &ac,
        &format!("{path}?filters[relationships.primary-contact][eq]=14"),
    )
    .await;
    assert_eq!(r.body["meta"]["total"], 1);
    assert_eq!(
        r.body["records"][0]["relationships"]["primary-contact"],
        json!(["14"])
    );
    let r = get(&ac, &format!("/api/3/records/{schema}/external/o-1")).await;
    assert_eq!(r.body["record"]["id"], id);
    let r = delete(&ac, &format!("{path}/{}", id.as_str().unwrap())).await;
    assert_eq!(r.status, 202);
    let r = get(&ac, "/api/3/customObjects/records/nope").await;
    assert_eq!(
        (r.status.as_u16(), r.body),
        (404, json!({"message": "Not Found"}))
    );
}

#[tokio::test]
async fn webhooks_are_stored_and_events_listed() {
    let ac = unlimited().await;
    let r = get(&ac, "/api/3/webhook/events").await;
    assert_eq!(r.body["meta"]["total"], 25);
    let r = post(
        &ac,
        "/api/3/webhooks",
        json!({"webhook": {"name": "w", "url": "https://example.com/h",
        "events": ["subscribe", "update"], "sources": ["public", "api"]}}),
    )
    .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.body["webhook"]["listid"], "0");
    let r = post(&ac, "/api/3/webhooks", json!({"webhook": {"name": "w"}})).await;
    assert_eq!(r.body["errors"][0]["code"], "field_missing");
    let r = get(&ac, "/api/3/webhooks").await;
    assert_eq!(r.body["meta"]["total"], "1");
}

#[tokio::test]
async fn odd_input_never_breaks_the_fake() {
    let ac = unlimited().await;
    let client = reqwest::Client::new();
    let bodies = [
        json!(null),
        json!([]),
        json!("x"),
        json!(1),
        json!({"contact": []}),
        json!({"contact": {"email": ["a"]}}),
        json!({"contact": {"email": "a@b.co", "fieldValues": "x"}}),
        json!({"contact": {"email": "a@b.co", "fieldValues": [1, null]}}),
        json!({"tag": {"tag": {}}}),
        json!({"contactTag": []}),
        json!({"fieldValue": {"contact": [], "field": {}, "value": {}}}),
        json!({"record": {"fields": [{"id": null}]}}),
        json!({"deal": {"title": [], "value": "abc"}}),
    ];
    let paths = [
        "/api/3/contacts",
        "/api/3/contact/sync",
        "/api/3/contacts/1",
        "/api/3/tags",
        "/api/3/contactTags",
        "/api/3/fieldValues",
        "/api/3/fields",
        "/api/3/lists",
        "/api/3/contactLists",
        "/api/3/accounts",
        "/api/3/accountContacts",
        "/api/3/deals",
        "/api/3/webhooks",
        "/api/3/customObjects/schemas",
        "/api/3/customObjects/records/x",
        "/api/3/fieldOption/bulk",
        "/api/3/fieldRels",
    ];
    for path in paths {
        for body in &bodies {
            for method in [Method::POST, Method::PUT] {
                let r = call_with(
                    &client,
                    &ac,
                    Some(ac.token()),
                    method.clone(),
                    path,
                    Some(body.clone()),
                )
                .await;
                assert!(
                    r.status.is_client_error() || r.status.is_success(),
                    "{method} {path} {body}: {}",
                    r.status
                );
            }
        }
    }
    for path in [
        "/api/3/contacts/abc",
        "/api/3/contacts/-1",
        "/api/3/contacts/99999999999999999999999",
        "/api/3/contacts?limit=-5&offset=abc",
        "/api/3/tags?orders[search]=weight&search=",
        "/api/3/fields?limit=100&offset=18446744073709551615",
        "/api/3/customObjects/records/x/external/%FF",
        "/api/3/",
    ] {
        let r = get(&ac, path).await;
        assert!(r.status == 200 || r.status == 404, "{path}: {}", r.status);
    }
    assert_eq!(get(&ac, "/api/3/users/me").await.status, 200, "still up");
}
