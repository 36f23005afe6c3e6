appstudio::include_app!("tests/ui/apps/files.json", allow(AS1033));

fn main() {}
