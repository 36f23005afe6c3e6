//! The example apps, compiled once for every test that runs them (AS1003: the reference asks
//! for `options` on text fields, which some examples' free-text fields do not have).

pub mod crm_objects {
    appstudio::include_app!("examples/crm_objects/app.json", allow(AS1003));
}
pub mod inbound_forms {
    appstudio::include_app!("examples/inbound_forms/app.json", allow(AS1003));
}
pub mod order_history {
    appstudio::include_app!("examples/order_history/app.json");
}
pub mod outbound_sms {
    appstudio::include_app!("examples/outbound_sms/app.json", allow(AS1003));
}
pub mod polling_orders {
    appstudio::include_app!("examples/polling_orders/app.json", allow(AS1003));
}
