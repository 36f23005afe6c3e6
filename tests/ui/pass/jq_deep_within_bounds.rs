// A jq program nested 250 deep, with 1,000 pipes and 1,100 terms, compiles inside
// `include_app!` without overflowing rustc's stack: jaq runs on a thread with a large stack.
mod app {
    appstudio::include_app!("tests/ui/apps/jq_deep_within_bounds.json");
}

fn main() {
    let _ = app::App::ir();
}
