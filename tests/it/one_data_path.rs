//! Issue 12's one data path: the inbound example's events meet only native programs, so none
//! is converted into jaq's values; forced through jaq, the same events give the same results.

use serde_json::Value;

use crate::support::apps::inbound_forms::{App, auth, workflows};

#[path = "../../examples/inbound_forms/offline.rs"]
mod offline;

/// The transformed output of 20 events and how many inputs this thread converted for jaq.
fn run(native: bool) -> (Vec<Value>, u64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let mut wf = offline::workflow(native);
    let before = appstudio::jq::jaq_inputs_on_this_thread();
    let outputs = (0..20)
        .map(|i| {
            let event: serde_json::Value = serde_json::from_str(&offline::event(i)).expect("event");
            rt.block_on(wf.preview(event))
                .expect("preview")
                .transformed
                .into()
        })
        .collect();
    (outputs, appstudio::jq::jaq_inputs_on_this_thread() - before)
}

#[test]
fn events_meeting_only_native_programs_are_never_converted_for_jaq() {
    let (native, converted) = run(true);
    assert_eq!(converted, 0, "an input was converted into jaq's values");
    let (on_jaq, converted) = run(false);
    assert!(converted >= 19, "jaq ran on {converted} inputs only");
    assert_eq!(native, on_jaq);
    assert_eq!(native[7]["email"], "person7@example.com");
    assert_eq!(native[7]["_tags"][0], "Formly - Newsletter signup");
}
