// A warning that does not apply is silenced by its code, even under `deny(warnings)`.
#![deny(warnings)]

mod app {
    appstudio::include_app!("tests/ui/apps/text_without_options.json", allow(AS1003));
}

fn main() {
    let _ = app::App::ir();
}
