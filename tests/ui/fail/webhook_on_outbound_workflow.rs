// An outbound workflow has no webhook intake: there is no webhook to create.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Workflow;
use sms::workflows::SendSms;

fn never(mut wf: Workflow<SendSms>) {
    let _ = wf.create_webhook("https://hooks.example/sms");
}

fn main() {
    let _ = never;
}
