mod app {
    appstudio::include_app!("tests/ui/apps/syntax_error.json");
}

fn main() {
    let _ = app::App::ir();
}
