// A workflow is named by its generated marker; a misspelt one does not exist.
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}

use appstudio::engine::Connection;
use forms::{auth, workflows};

fn never(conn: Connection<auth::FormlyOauth>) {
    let _ = conn.workflow(workflows::ImportFormResponse);
}

fn main() {
    let _ = never;
}
