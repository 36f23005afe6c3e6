appstudio::include_app!("tests/ui/apps/does-not-exist.json");

fn main() {}
