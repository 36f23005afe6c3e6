//! Pipewise (a fictional CRM) ↔ ActiveCampaign: pagination, `rate_limit`, grouped mapping
//! and custom `objects`.
//!
//! Run with `cargo run --example crm_objects`.

// AS1003: the reference asks for `options` on text fields; this app's free-text fields have none.
appstudio::include_app!("examples/crm_objects/app.json", allow(AS1003));

use appstudio::value::Choice;
use workflows::{create_deal, sync_deals};

fn main() {
    print!("{}", App::ir());

    let app = App::ir();
    if let Some(p) = &app.api.pagination {
        println!("\npagination: {:?}", p.style);
    }
    if let Some(r) = &app.api.rate_limit {
        println!(
            "rate limit: {} reads / {} s, {} writes / {} s",
            r.read.requests, r.read.period, r.write.requests, r.write.period
        );
    }
    for object in app.objects.iter() {
        println!("custom object: {object:?}");
    }

    // The stage dropdown depends on the pipeline: its query holds exactly that.
    let query = create_deal::options::Stage {
        pipeline: Choice::new("p_1", "Sales"),
    };
    println!(
        "stage options query: {}",
        serde_json::to_string(&query).expect("a query serializes")
    );
    println!("multiselect labels are a list: {:?}", {
        let data = sync_deals::CustomData {
            pipeline: Choice::new("p_1", "Sales"),
            labels: vec![Choice::new("hot", "Hot"), Choice::new("vip", "VIP")],
        };
        data.labels.len()
    });
}
