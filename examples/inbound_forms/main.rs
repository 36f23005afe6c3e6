//! Formly (a fictional form builder) → ActiveCampaign: an inbound app with oauth2 on a
//! subdomain, an application-scope webhook, dependent dropdowns and a mapping to contact fields.
//!
//! `include_app!` checks `app.json` while this file compiles; a mistake in it fails
//! `cargo build` with its line and column. `cargo run --example inbound_forms` then runs the app
//! offline: a stand-in Formly API and a fake ActiveCampaign on loopback, the whole setup, and
//! a few form responses through `data_pipeline`.

// AS1003: the reference asks for `options` on text fields; this app's free-text fields have none.
appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));

#[path = "scenario.rs"]
mod scenario;
#[path = "setup.rs"]
mod setup;

#[tokio::main]
async fn main() {
    print!("{}", App::ir());
    println!();
    match scenario::run(|line| println!("· {line}")).await {
        Ok(outcome) => {
            let processed = outcome
                .deliveries
                .iter()
                .filter(|d| d.starts_with("contact written"))
                .count();
            println!(
                "\n{} webhook requests, {processed} through data_pipeline; contacts in ActiveCampaign:",
                outcome.deliveries.len()
            );
            for c in outcome.contacts {
                println!(
                    "  {} {} fields={} tags={}",
                    c["email"], c["firstName"], c["fieldValues"], c["tags"]
                );
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
