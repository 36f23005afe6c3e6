// A workflow without a `historical_data_intake` has no historical sync.
mod orders {
    appstudio::include_app!("examples/polling_orders/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use orders::workflows::ImportOrders;

fn never(mut wf: Workflow<ImportOrders>) {
    let _ = wf.historical_sync();
}

fn main() {
    let _ = never;
}
