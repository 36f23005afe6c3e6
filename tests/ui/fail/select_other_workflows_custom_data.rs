// The selection of one workflow is not accepted by another workflow's `select`.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use sms::workflows::{SendSms, subscribe_contact};

fn never(mut wf: Workflow<SendSms>, data: subscribe_contact::CustomData) {
    let _ = wf.select(data);
}

fn main() {
    let _ = never;
}
