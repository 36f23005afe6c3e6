//! `schema/app.schema.json` must match the spec model. Run with `BLESS=1` to regenerate it.

use std::path::Path;

#[test]
fn checked_in_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(appstudio_codegen::SCHEMA_PATH);
    let generated = appstudio_codegen::json_schema();
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is stale: run `BLESS=1 cargo test -p appstudio-codegen --test schema`",
        appstudio_codegen::SCHEMA_PATH
    );
}

#[test]
fn schema_describes_the_format() {
    let schema: serde_json::Value =
        serde_json::from_str(&appstudio_codegen::json_schema()).unwrap();
    let props = &schema["properties"];
    for key in [
        "$schema",
        "$version",
        "auth",
        "api",
        "data_intake",
        "workflows",
        "objects",
    ] {
        assert!(props.get(key).is_some(), "missing top-level key {key}");
    }
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(required, ["$version", "auth", "api", "workflows"]);
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
    let text = schema.to_string();
    for command in [
        "!jq",
        "!http",
        "!pipe",
        "!switch",
        "!resource",
        "!save",
        "!error",
        "!print_c",
        "!extract",
        "!sha",
        "!respond",
    ] {
        assert!(
            text.contains(&format!("\"{command}\"")),
            "schema lacks {command}"
        );
    }
}
