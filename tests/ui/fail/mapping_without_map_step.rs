// `send-sms` has no `map` step: there is no mapping to save for it.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Mapping;
use sms::workflows::SendSms;

fn never(mapping: &Mapping<SendSms>) {
    let _ = mapping;
}

fn main() {
    let _ = never;
}
