mod files {
    appstudio::include_app!("tests/ui/apps/files.json");
}

use files::workflows::export_files::{options, CustomData, FormField};

fn main() {
    let folder = appstudio::value::Choice::new("f1", "Folder 1");
    let _query = options::File { folder: folder.clone() };
    let _root = options::Folder;
    let data = CustomData {
        folder,
        file: appstudio::value::Choice::new("x", "x.pdf"),
        note: None,
    };
    assert_eq!(FormField::ALL.len(), 3);
    let _ = data;
    let _ = files::App::ir();
}
