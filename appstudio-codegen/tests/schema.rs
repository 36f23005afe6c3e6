//! `schema/app.schema.json` must match the spec model. Run with `EXPECTORATE=overwrite` to
//! regenerate it.

use std::path::Path;

#[test]
fn checked_in_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(appstudio_codegen::SCHEMA_PATH);
    expectorate::assert_contents(path, &appstudio_codegen::json_schema());
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
