//! Generated apps shared by the benchmark and the tests: a synthetic app of many workflows, and
//! apps large in one place.
#![allow(dead_code)]

/// A valid app of `workflows` outbound workflows with `fields` dropdowns each, every dropdown's
/// options an `!http` + `!jq` pipe reading the previous field.
pub fn synthetic(workflows: usize, fields: usize) -> String {
    let mut wfs = Vec::new();
    for w in 0..workflows {
        let mut ff = Vec::new();
        for f in 0..fields {
            let path = if f == 0 {
                "/items".to_owned()
            } else {
                format!("/items/${{custom_data.field-{}.value}}/children", f - 1)
            };
            ff.push(serde_json::json!({
                "label": format!("Field {f}"),
                "id": format!("field-{f}"),
                "type": "dropdown",
                "options": {"!pipe": [
                    {"!http": {"method": "GET", "path": path, "params": {"limit": "50"}}},
                    {"!jq": "[.items[] | {display: .name, value: (.id | tostring)}]"}
                ]}
            }));
        }
        wfs.push(serde_json::json!({
            "name": format!("workflow-{w}"),
            "label": format!("Synthetic - Workflow {w}"),
            "type": "automations",
            "auth": "api-key",
            "setup": {
                "connect": {"label": "Connect", "describe_connection": {"!pipe": [
                    {"!http": {"method": "GET", "path": "/me"}},
                    {"!jq": "{account_id: .id, description: .email}"}
                ]}},
                "select": {"label": "Choose", "form_fields": ff}
            },
            "data_pipeline": {
                "source": {"!resource": "ActiveCampaignContact"},
                "target": {"!pipe": [
                    {"!jq": "{email: .email, name: ((.firstName // \"\") + \" \" + (.lastName // \"\"))}"},
                    {"!http": {"method": "POST", "path": "/records/${custom_data.field-0.value}", "body": "${piped_content.1}"}}
                ]}
            }
        }));
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "$version": "2",
        "auth": {"api-key": {
            "type": "token", "header_key": "Authorization", "token_prefix": "Bearer",
            "verify_url": "https://api.example.com/me",
            "defined_fields": {"token": {"label": "API key", "placeholder": "key", "help_text": "Your API key."}}
        }},
        "api": {"base_url": "https://api.example.com/v1"},
        "workflows": wfs
    }))
    .unwrap()
}

/// The synthetic app of one workflow whose target `!http` body is `body`.
fn with_body(body: serde_json::Value) -> String {
    let mut app: serde_json::Value = serde_json::from_str(&synthetic(1, 1)).unwrap();
    app["workflows"][0]["data_pipeline"]["target"]["!pipe"][1]["!http"]["body"] = body;
    serde_json::to_string_pretty(&app).unwrap()
}

/// An app whose `!http` body is one object of `keys` keys, every tenth one a duplicate of an
/// earlier key (so AS0003 is reported `keys / 10` times).
pub fn many_keys(keys: usize) -> String {
    let marker = "\"__many_keys__\"";
    let text = with_body(serde_json::json!({"__many_keys__": 0}));
    let mut body = String::from("{");
    for i in 0..keys {
        let k = if i % 10 == 9 { i - 5 } else { i };
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("\"k{k}\": {i}"));
    }
    body.push('}');
    let at = text.find(marker).unwrap();
    let open = text[..at].rfind('{').unwrap();
    let close = at + text[at..].find('}').unwrap();
    format!("{}{body}{}", &text[..open], &text[close + 1..])
}

/// An app whose `!http` body is one string of `n` expansions separated by escapes, each
/// `${path}` with `{i}` in `path` replaced by its index (valid with `piped_content.1.email`).
pub fn many_expansions(n: usize, path: &str) -> String {
    let text: String = (0..n)
        .map(|i| {
            let path = path.replace("{i}", &i.to_string());
            format!("\"{i}\"\t${{{path}}}\n")
        })
        .collect();
    with_body(serde_json::Value::String(text))
}
