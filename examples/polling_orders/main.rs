//! Shoplane (a fictional shop platform) → ActiveCampaign by polling on a schedule, with session
//! auth against a per-shop subdomain.
//!
//! Run with `cargo run --example polling_orders`.

// AS1003: the reference asks for `options` on text fields; this app's free-text fields have none.
appstudio::include_app!("examples/polling_orders/app.json", allow(AS1003));

use appstudio::api::WorkflowSpec;
use appstudio::value::Choice;
use workflows::import_orders;

fn main() {
    print!("{}", App::ir());

    let schedule = <workflows::ImportOrders as WorkflowSpec>::ir()
        .setup
        .schedule
        .as_ref()
        .expect("a polling workflow has a schedule");
    println!("\nschedule: every {} s", schedule.frequency);
    for option in schedule.import_options.iter() {
        println!("  import option: {} ({:?})", option.label, option.kind);
    }

    let selection = import_orders::CustomData {
        store: Choice::new("st_7", "Downtown store"),
        customer_tag: None,
    };
    println!(
        "custom_data: {}",
        serde_json::to_string(&selection).expect("custom_data serializes")
    );
}
