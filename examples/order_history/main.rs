//! Shoplane → ActiveCampaign by webhook, with a historical sync: a one-time poll backfills past
//! orders through the same `data_pipeline`.
//!
//! Run with `cargo run --example order_history`.

appstudio::include_app!("examples/order_history/app.json");

use appstudio::api::WorkflowSpec;
use workflows::sync_new_orders;

fn main() {
    print!("{}", App::ir());

    let app = App::ir();
    let wf = <workflows::SyncNewOrders as WorkflowSpec>::ir();
    let name = |i: Option<usize>| i.and_then(|i| app.intakes.get(i)).map(|i| &*i.name);
    println!(
        "\nnew orders arrive through `{}`; past orders are backfilled by `{}`",
        name(wf.data_intake).unwrap_or("-"),
        name(wf.historical_data_intake).unwrap_or("-"),
    );
    let fields = sync_new_orders::mapping::SourceField::ALL.map(|f| f.title());
    println!("mappable order fields: {fields:?}");
}
