//! Code-generation time (`generate()`: parse, check, compile jq, lower, emit) for every example
//! app and for a synthetic app of 100 workflows × 10 form fields.

use std::hint::black_box;
use std::path::Path;

use appstudio_codegen::Source;
use criterion::{Criterion, criterion_group, criterion_main};

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

fn bench(c: &mut Criterion) {
    let krate = quote::quote!(::appstudio);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut apps: Vec<(String, String)> = std::fs::read_dir(&examples)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| {
                    let p = e.path().join("app.json");
                    let text = std::fs::read_to_string(&p).ok()?;
                    Some((e.file_name().to_string_lossy().into_owned(), text))
                })
                .collect()
        })
        .unwrap_or_default();
    apps.sort();
    apps.push(("synthetic_100x10".to_owned(), synthetic(100, 10)));
    let mut group = c.benchmark_group("generate");
    for (name, text) in &apps {
        let source = Source::new("app.json", text.as_str());
        let g = appstudio_codegen::generate(&source, &krate);
        assert!(!g.has_errors(), "{name} is invalid:\n{}", g.render(&source));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| appstudio_codegen::generate(black_box(&source), &krate))
        });
    }
    group.finish();
    // The same plus tokenizing the IR source with proc-macro2's own lexer; inside `include_app!`
    // rustc's lexer does that part.
    let mut group = c.benchmark_group("generate_and_tokenize");
    for (name, text) in &apps {
        let source = Source::new("app.json", text.as_str());
        group.bench_function(name.as_str(), |b| {
            b.iter(|| appstudio_codegen::generate(black_box(&source), &krate).to_tokens())
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
