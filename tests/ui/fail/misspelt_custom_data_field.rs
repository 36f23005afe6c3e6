// The selection has exactly the workflow's form fields; a misspelt one is not among them.
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}

use appstudio::value::Choice;
use forms::workflows::import_form_responses::CustomData;

fn never(workspace: Choice, form: Choice, tagging: Choice) -> CustomData {
    CustomData {
        workspace,
        from: form,
        tagging,
        extra_tag: None,
    }
}

fn main() {
    let _ = never;
}
