// A token auth connection is not restored from tokens: it comes back with `reconnect`.
mod sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}

use appstudio::engine::{Engine, Tokens};
use sms::{App, auth};

fn never(engine: Engine<App>, credentials: auth::TextboltApiKey, tokens: Tokens) {
    let _ = engine.restore(credentials, tokens, None);
}

fn main() {
    let _ = never;
}
