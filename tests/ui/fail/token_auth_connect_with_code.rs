// A token auth entry has no authorization code to exchange.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::Engine;
use sms::{App, auth};

fn never(engine: Engine<App>, credentials: auth::TextboltApiKey) {
    let _ = engine.connect_oauth2(credentials, "code", "https://ac.example/cb", None);
}

fn main() {
    let _ = never;
}
