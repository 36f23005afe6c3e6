//! ActiveCampaign → Textbolt (a fictional SMS service): outbound workflows with basic and token
//! auth, a personalized textarea, `!switch` and a form-encoded body.
//!
//! Run with `cargo run --example outbound_sms`.

// AS1003: the reference asks for `options` on text fields; this app's free-text fields have none.
appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));

use appstudio::value::{Choice, Secret, Text};
use workflows::{send_sms, subscribe_contact};

fn main() {
    print!("{}", App::ir());

    // Credentials are typed per auth entry; secrets never show in `Debug`.
    let credentials = auth::TextboltAccountSid {
        username: "AC0001".into(),
        password: Secret::new("not-printed"),
    };
    println!(
        "\n{} credentials: {credentials:?}",
        auth::TextboltAccountSid::KEY
    );

    let message = send_sms::CustomData {
        from_number: Choice::new("+15550100", "Main line"),
        message: Text::from("Hi %FIRSTNAME%, your order has shipped."),
        media_url: None,
    };
    println!(
        "send-sms custom_data: {}",
        serde_json::to_string(&message).expect("custom_data serializes")
    );

    let mapping = subscribe_contact::mapping::TargetField::ALL.map(|f| f.id());
    println!("subscribe-contact maps onto {mapping:?}");
}
