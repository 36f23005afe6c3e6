//! The typed `map` step: static options as generated enums (required targets checked, grouped
//! sources keep their group), loaded options as `DynamicField`s checked against what was
//! loaded, and the saved mapping read back typed after a restart.

use appstudio::api::DynamicField;
use appstudio::engine::{Engine, EngineConfig, MapOptions, Mapping, Tokens};
use appstudio::json;
use appstudio::value::Secret;

use crate::support::apps::{crm_objects, inbound_forms, outbound_sms};

#[tokio::test]
async fn static_options_are_enums_and_required_targets_are_checked() {
    use outbound_sms::workflows::SubscribeContact;
    use outbound_sms::workflows::subscribe_contact::mapping::{SourceField, TargetField};

    let engine = Engine::<outbound_sms::App>::new(EngineConfig::default()).unwrap();
    let credentials = || outbound_sms::auth::TextboltApiKey {
        token: Secret::new("tb-key"),
    };
    let conn = engine.reconnect(credentials(), None).unwrap();
    let mut wf = conn.workflow(SubscribeContact);
    let options = wf.map_options().await.unwrap();
    let keys: Vec<TargetField> = options.target.iter().map(|o| o.key).collect();
    assert_eq!(keys, TargetField::ALL);
    let required: Vec<&str> = options
        .target
        .iter()
        .filter(|o| o.required)
        .map(|o| o.title.as_str())
        .collect();
    assert_eq!(required, ["Mobile number", "Email address"]);

    let partial = Mapping::new().map(SourceField::Email, TargetField::Email);
    let err = wf.set_mapping(&partial, &options).unwrap_err();
    assert!(
        err.to_string().contains("`Mobile number` must be mapped"),
        "{err}"
    );
    let whole = partial.map(SourceField::Phone, TargetField::MobileNumber);
    wf.set_mapping(&whole, &options).unwrap();
    assert_eq!(
        wf.state().dynamic().mapping,
        Some(json!({"email": "email", "phone": "mobile_number"}))
    );

    // after a restart the saved mapping reads back as the same enums
    let stored = serde_json::to_string(&wf.state()).unwrap();
    let engine = Engine::<outbound_sms::App>::new(EngineConfig::default()).unwrap();
    let conn = engine.reconnect(credentials(), None).unwrap();
    let wf = conn.resume(serde_json::from_str(&stored).unwrap()).unwrap();
    assert_eq!(wf.mapping(), Some(whole));
}

#[test]
fn loaded_options_are_checked_when_the_mapping_is_saved() {
    use inbound_forms::workflows::ImportFormResponses;

    let engine = Engine::<inbound_forms::App>::new(EngineConfig::default()).unwrap();
    let tokens = Tokens {
        access: Some(Secret::new("token")),
        ..Tokens::default()
    };
    let credentials = inbound_forms::auth::FormlyOauth {
        subdomain: "acme".into(),
    };
    let conn = engine.restore(credentials, tokens, None).unwrap();
    let mut wf = conn.workflow(ImportFormResponses);
    let options = MapOptions::<ImportFormResponses>::from_json(
        &[
            json!({"id": "q_name", "title": "Your first name"}),
            json!({"id": "respondent_email", "title": "Email"}),
        ],
        &[
            json!({"id": "email", "title": "Email", "required": true}),
            json!({"id": "firstName", "title": "First name"}),
        ],
    );
    let field = DynamicField::new;
    let unknown = Mapping::new()
        .map(field("respondent_email"), field("email"))
        .map(field("q_name"), field("nickname"));
    let err = wf.set_mapping(&unknown, &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("`nickname` is not one of the target options"),
        "{err}"
    );
    let unknown_source = Mapping::new().map(field("q_age"), field("email"));
    let err = wf.set_mapping(&unknown_source, &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("`q_age` is not one of the source options"),
        "{err}"
    );
    let good = Mapping::new()
        .map(field("respondent_email"), field("email"))
        .map(field("q_name"), field("firstName"));
    wf.set_mapping(&good, &options).unwrap();
    assert_eq!(wf.mapping(), Some(good));
}

#[tokio::test]
async fn grouped_static_sources_map_into_the_default_target_group() {
    use crm_objects::workflows::SyncDeals;
    use crm_objects::workflows::sync_deals::mapping::SourceField;

    assert_eq!(SourceField::ContactEmail.group(), Some("contact"));
    assert_eq!(SourceField::DealTitle.id(), "deal_title");
    let engine = Engine::<crm_objects::App>::new(EngineConfig::default()).unwrap();
    let tokens = Tokens {
        access: Some(Secret::new("token")),
        ..Tokens::default()
    };
    let conn = engine
        .restore(crm_objects::auth::PipewiseOauth {}, tokens, None)
        .unwrap();
    let mut wf = conn.workflow(SyncDeals);
    let options = MapOptions::<SyncDeals>::from_json(
        &[],
        &[
            json!({"id": "email", "title": "Email", "group": "contact"}),
            json!({"id": "title", "title": "Deal title", "group": "deal"}),
        ],
    );
    let not_offered = Mapping::new().map(
        SourceField::ContactEmail,
        DynamicField::in_group("deal", "email"),
    );
    let err = wf.set_mapping(&not_offered, &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("`email` of group `deal` is not one of the target options"),
        "{err}"
    );
    // a target without a group is in `default_group` (contact), as a flat saved mapping is
    let mapping = Mapping::new()
        .map(SourceField::ContactEmail, DynamicField::new("email"))
        .map(
            SourceField::DealTitle,
            DynamicField::in_group("deal", "title"),
        );
    wf.set_mapping(&mapping, &options).unwrap();
    assert_eq!(
        wf.state().dynamic().mapping,
        Some(json!({
            "contact": {"contact.email": "email"},
            "deal": {"deal.deal_title": "title"},
        }))
    );
    let read_back = wf.mapping().unwrap();
    assert_eq!(
        read_back.entries()[0],
        (
            SourceField::ContactEmail,
            DynamicField::in_group("contact", "email")
        )
    );
}
