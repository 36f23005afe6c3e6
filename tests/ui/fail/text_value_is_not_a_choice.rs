mod files {
    appstudio::include_app!("tests/ui/apps/files.json");
}

fn main() {
    let _data = files::workflows::export_files::CustomData {
        folder: appstudio::value::Text::from("f1"),
        file: appstudio::value::Choice::new("x", "x.pdf"),
        note: None,
    };
}
