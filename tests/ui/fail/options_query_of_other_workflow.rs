// An options query of one workflow is not one of another workflow's, even for a same-named field.
mod crm {
    appstudio::include_app!("examples/crm_objects/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use crm::workflows::{CreateDeal, sync_deals};

fn never(wf: Workflow<CreateDeal>) {
    let _ = wf.options(sync_deals::options::Pipeline);
}

fn main() {
    let _ = never;
}
