// Warnings (D7) never fail a build on their own; `deny(warnings)` makes them errors.
#![deny(warnings)]

appstudio::include_app!("tests/ui/apps/text_without_options.json");

fn main() {}
