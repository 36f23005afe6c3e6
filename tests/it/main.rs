//! The integration tests of `appstudio`, in one binary (one link of the whole stack): the
//! generated API, the engine and the ActiveCampaign client against stand-in APIs and the fake
//! ActiveCampaign on loopback, the examples end to end, and the expansion snapshots.
//! `support` holds what they share. The trybuild UI tests are their own binary (`tests/ui.rs`).

mod support;

mod activecampaign;
mod api;
mod auth_requests;
mod commands_halt_extract;
mod custom_objects;
mod engine_crm_resources;
mod engine_deep_values;
mod engine_expansions;
mod engine_oauth2;
mod engine_outbound_sms;
mod engine_paging_and_limits;
mod engine_untyped;
mod example_crm_objects;
mod example_inbound_forms;
mod example_order_history;
mod example_outbound_sms;
mod example_polling_orders;
mod expand;
mod expanded;
mod ir_secrets;
mod mapping_fixed;
mod net_origins;
mod one_data_path;
mod polling_cycles;
mod saved_scopes;
mod typed_mapping;
mod webhook_intake_props;
mod webhook_memory;
mod webhook_scopes;
