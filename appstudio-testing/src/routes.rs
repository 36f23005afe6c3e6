//! Dispatch of `/api/3/` requests to the resource modules.

use serde_json::json;

use super::config::FakeConfig;
use super::state::Account;
use super::wire::{Answer, Req, route_not_found};
use super::{contacts, crm, deals, fields, lists, objects, tags, webhooks};

/// Answers one authenticated, admitted request for an account.
pub(super) fn route(a: &mut Account, config: &FakeConfig, req: &Req<'_>) -> Answer {
    if req.method == "GET" && req.segments() == ["users", "me"] {
        return (
            200,
            json!({"user": {"username": "admin", "firstName": "Ada", "lastName": "Admin",
                            "email": "admin@example.com", "phone": "", "signature": null,
                            "links": {}, "id": "1"}}),
        );
    }
    if let Some(answer) = contacts::route(a, config, req) {
        return answer;
    }
    if let Some(answer) = tags::route(a, config, req) {
        return answer;
    }
    let others: [fn(&mut Account, &Req<'_>) -> Option<Answer>; 6] = [
        fields::route,
        lists::route,
        crm::route,
        deals::route,
        objects::route,
        webhooks::route,
    ];
    others
        .iter()
        .find_map(|route| route(a, req))
        .unwrap_or_else(route_not_found)
}
