// `list` has no `search_term`: its options are loaded with `options`, not searched.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use sms::workflows::{SubscribeContact, subscribe_contact::options};

fn never(wf: Workflow<SubscribeContact>) {
    let _ = wf.search(options::List, "news");
}

fn main() {
    let _ = never;
}
