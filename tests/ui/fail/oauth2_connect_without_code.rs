// An oauth2 auth entry does not connect with its credentials alone: it needs a code.
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}

use appstudio::engine::Engine;
use forms::{App, auth};

fn never(engine: Engine<App>, credentials: auth::FormlyOauth) {
    let _ = engine.connect(credentials, None);
}

fn main() {
    let _ = never;
}
