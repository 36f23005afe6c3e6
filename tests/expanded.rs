//! Compiles the expansion snapshots of `tests/expand/` and checks that each is exactly what
//! `include_app!` generates today: same IR, same workflow names, same form fields.

macro_rules! example {
    ($name:ident, $path:literal) => {
        mod $name {
            #[allow(dead_code)] // the snapshot is compiled, not all of it used
            pub mod snapshot {
                include!(concat!("expand/", stringify!($name), ".rs"));
            }
            #[allow(deprecated)] // the AS1003 warnings of the examples
            pub mod via_macro {
                appstudio::include_app!($path);
            }
        }
    };
}

example!(crm_objects, "examples/crm_objects/app.json");
example!(inbound_forms, "examples/inbound_forms/app.json");
example!(order_history, "examples/order_history/app.json");
example!(outbound_sms, "examples/outbound_sms/app.json");
example!(polling_orders, "examples/polling_orders/app.json");

#[test]
fn snapshots_compile_to_the_macro_output() {
    assert_eq!(
        crm_objects::snapshot::App::ir(),
        crm_objects::via_macro::App::ir()
    );
    assert_eq!(
        inbound_forms::snapshot::App::ir(),
        inbound_forms::via_macro::App::ir()
    );
    assert_eq!(
        order_history::snapshot::App::ir(),
        order_history::via_macro::App::ir()
    );
    assert_eq!(
        outbound_sms::snapshot::App::ir(),
        outbound_sms::via_macro::App::ir()
    );
    assert_eq!(
        polling_orders::snapshot::App::ir(),
        polling_orders::via_macro::App::ir()
    );
    assert_eq!(
        outbound_sms::snapshot::App::WORKFLOWS,
        outbound_sms::via_macro::App::WORKFLOWS
    );
}
