// `send-sms` has no `map` step: it has no map options.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use sms::workflows::SendSms;

fn never(wf: Workflow<SendSms>) {
    let _ = wf.map_options();
}

fn main() {
    let _ = never;
}
