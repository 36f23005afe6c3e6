// A form field of one workflow is not chosen in another, even under the same name.
mod crm {
    appstudio::include_app!("examples/crm_objects/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use appstudio::value::Choice;
use crm::workflows::{CreateDeal, sync_deals};

fn never(mut wf: Workflow<CreateDeal>, pipeline: Choice) {
    let _ = wf.choose(sync_deals::fields::Pipeline, pipeline);
}

fn main() {
    let _ = never;
}
