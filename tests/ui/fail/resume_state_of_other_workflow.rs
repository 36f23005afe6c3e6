// A stored state of one workflow cannot be resumed as another workflow of the same auth.
mod crm {
    appstudio::include_app!("examples/crm_objects/app.json", allow(AS1003));
}

use appstudio::engine::{Connection, Workflow, WorkflowState};
use crm::{auth, workflows};

fn never(conn: Connection<auth::PipewiseOauth>, state: WorkflowState<workflows::SyncDeals>) {
    let _: Workflow<workflows::CreateDeal> = conn.resume(state).unwrap();
}

fn main() {
    let _ = never;
}
