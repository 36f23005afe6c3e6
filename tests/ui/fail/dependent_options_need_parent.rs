mod files {
    appstudio::include_app!("tests/ui/apps/files.json");
}

fn main() {
    // The options of `file` read `folder`: they cannot be loaded before it is chosen.
    let _query = files::workflows::export_files::options::File {};
}
