// A basic auth connection holds no tokens to store.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Connection;
use sms::auth;

fn never(conn: Connection<auth::TextboltAccountSid>) {
    let _ = conn.tokens();
}

fn main() {
    let _ = never;
}
