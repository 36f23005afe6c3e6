mod app {
    appstudio::include_app!("tests/ui/apps/jq_syntax_error.json");
}

fn main() {
    // The API still exists after an error: only the error in the app is reported.
    let _ = app::workflows::export_files::FormField::ALL;
}
