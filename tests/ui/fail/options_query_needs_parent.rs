// The options of `form` read `workspace`: the query cannot be sent before it is chosen.
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use forms::workflows::{ImportFormResponses, import_form_responses::options};

fn never(wf: Workflow<ImportFormResponses>) {
    let _ = wf.options(options::Form {});
}

fn main() {
    let _ = never;
}
