// A jq program of 700 nested parentheses is an error located in app.json, not a crash of
// rustc ("rustc unexpectedly overflowed its stack").
mod app {
    appstudio::include_app!("tests/ui/apps/jq_too_deep.json");
}

fn main() {}
