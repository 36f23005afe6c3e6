const PATH: &str = "tests/ui/apps/files.json";

appstudio::include_app!(PATH);

fn main() {}
