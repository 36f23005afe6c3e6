//! A crate that depends on `appstudio` under another name (`studio`): the generated code names
//! everything through the path `include_app!` passes, so it still compiles.

/// The app, compiled through the renamed dependency.
pub mod files {
    studio::include_app!("app.json");
}

#[cfg(test)]
mod tests {
    use super::files::workflows::export_files as wf;

    #[test]
    fn generated_code_uses_the_renamed_crate() {
        let q = wf::options::File {
            folder: studio::value::Choice::new("f1", "Folder 1"),
        };
        assert_eq!(
            serde_json::to_value(&q).unwrap()["folder"]["value"],
            serde_json::json!("f1")
        );
        assert_eq!(super::files::App::ir().workflows[0].name, "export-files");
    }
}
