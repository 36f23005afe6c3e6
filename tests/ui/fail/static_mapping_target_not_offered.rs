// The map targets of `subscribe-contact` are listed in app.json; `nickname` is not one of them.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Mapping;
use sms::workflows::SubscribeContact;
use sms::workflows::subscribe_contact::mapping::{SourceField, TargetField};

fn never() -> Mapping<SubscribeContact> {
    Mapping::new().map(SourceField::FirstName, TargetField::Nickname)
}

fn main() {
    let _ = never;
}
