// Errors cannot be allowed: only warning codes (AS1xxx) can.
appstudio::include_app!("tests/ui/apps/files.json", allow(AS0203));

fn main() {}
