// A connection of one auth entry does not reach a workflow whose `auth` is another entry.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Connection;
use sms::{auth, workflows};

fn never(conn: Connection<auth::TextboltAccountSid>) {
    let _ = conn.workflow(workflows::SubscribeContact);
}

fn main() {
    let _ = never;
}
