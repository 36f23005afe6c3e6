// An oauth2 connection does not come back from its credentials alone: it needs its tokens.
mod forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}

use appstudio::engine::Engine;
use forms::{App, auth};

fn never(engine: Engine<App>, credentials: auth::FormlyOauth) {
    let _ = engine.reconnect(credentials, None);
}

fn main() {
    let _ = never;
}
