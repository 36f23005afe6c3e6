//! Compiles the expansion snapshots of `tests/expand/` and checks that each is exactly what
//! `include_app!` generates today (the apps of `support::apps`): same IR, same workflow names.

macro_rules! snapshot {
    ($name:ident) => {
        #[allow(dead_code)] // the snapshot is compiled, not all of it used
        mod $name {
            include!(concat!("../expand/", stringify!($name), ".rs"));
        }
    };
}

snapshot!(crm_objects);
snapshot!(inbound_forms);
snapshot!(order_history);
snapshot!(outbound_sms);
snapshot!(polling_orders);

#[test]
fn snapshots_compile_to_the_macro_output() {
    use crate::support::apps;
    assert_eq!(crm_objects::App::ir(), apps::crm_objects::App::ir());
    assert_eq!(inbound_forms::App::ir(), apps::inbound_forms::App::ir());
    assert_eq!(order_history::App::ir(), apps::order_history::App::ir());
    assert_eq!(outbound_sms::App::ir(), apps::outbound_sms::App::ir());
    assert_eq!(polling_orders::App::ir(), apps::polling_orders::App::ir());
    assert_eq!(
        outbound_sms::App::WORKFLOWS,
        apps::outbound_sms::App::WORKFLOWS
    );
}
