// An outbound workflow without `describe_selection` cannot describe its selection.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use sms::workflows::SendSms;

fn never(mut wf: Workflow<SendSms>) {
    let _ = wf.describe_selection();
}

fn main() {
    let _ = never;
}
