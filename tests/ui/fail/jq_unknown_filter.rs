mod app {
    appstudio::include_app!("tests/ui/apps/jq_unknown_filter.json");
}

fn main() {
    // The API still exists after an error: only the error in the app is reported.
    let _ = app::workflows::export_files::FormField::ALL;
}
