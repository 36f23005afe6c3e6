//! The JSON Schema of `app.json`, generated from the spec model (`schema/app.schema.json`).

use serde_json::Value;

/// Where editors find the schema, relative to the repository root.
pub const PATH: &str = "schema/app.schema.json";

/// The schema as pretty-printed JSON, ending with a newline.
pub fn json_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<crate::spec::App>();
    let mut value = schema.to_value();
    // Optional keys are absent when unused: `null` is never a value the loader accepts for them.
    drop_null(&mut value);
    if let Value::Object(root) = &mut value {
        root.insert(
            "title".into(),
            "ActiveCampaign App Studio app configuration (app.json, version 2)".into(),
        );
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Removes the `null` alternatives schemars adds for `Option` fields.
fn drop_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
                if any.len() == 1 {
                    let only = any.remove(0);
                    map.remove("anyOf");
                    map.insert("allOf".into(), Value::Array(vec![only]));
                }
            }
            map.values_mut().for_each(drop_null);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null),
        _ => {}
    }
}
