// An app without `objects` has no custom objects to provision.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Connection;
use sms::auth::TextboltAccountSid;

fn never(conn: Connection<TextboltAccountSid>) {
    let _ = conn.provision_objects();
}

fn main() {
    let _ = never;
}
