//! Formly (a fictional form builder) → ActiveCampaign: an inbound app with oauth2 on a
//! subdomain, an application-scope webhook, dependent dropdowns and static and dynamic mapping.
//!
//! `include_app!` checks `app.json` while this file compiles; a mistake in it fails
//! `cargo build` with its line and column. Run with `cargo run --example inbound_forms`.

// AS1003: the reference asks for `options` on text fields; this app's free-text fields have none.
appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));

use appstudio::api::OptionsQuery;
use appstudio::value::{Choice, Text};
use workflows::import_form_responses as responses;

fn main() {
    print!("{}", App::ir());

    // The form dropdown depends on the workspace: its options query cannot be built without it.
    let query = responses::options::Form {
        workspace: Choice::new("ws_1", "Marketing"),
    };
    let field = <responses::options::Form as OptionsQuery>::field();
    println!(
        "\noptions of `{}` are loaded with {}",
        field.id,
        serde_json::to_string(&query).expect("a query serializes")
    );

    // What a user selected in the setup, typed; `extra_tag` is optional.
    let selection = responses::CustomData {
        workspace: Choice::new("ws_1", "Marketing"),
        form: Choice::new("f_42", "Newsletter signup"),
        tagging: Choice::new("yes", "Tag contacts with the form name"),
        extra_tag: Some(Text::from("webinar-2026")),
    };
    println!(
        "custom_data: {}",
        serde_json::to_string_pretty(&selection).expect("custom_data serializes")
    );
}
