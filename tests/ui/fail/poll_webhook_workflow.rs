// A workflow whose data intake is a webhook does not poll.
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use forms::workflows::ImportFormResponses;

fn never(mut wf: Workflow<ImportFormResponses>) {
    let _ = wf.poll();
}

fn main() {
    let _ = never;
}
