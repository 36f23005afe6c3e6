//! Files large in one place: the diagnostics are exact (every duplicate key with its first
//! occurrence, every expansion located through escapes). How long they take is measured by the
//! benchmark (`benches/generate.rs`, group `large`), not here.

mod support {
    pub mod apps;
}

use std::collections::HashMap;

use appstudio_codegen::{Code, Source};
use support::apps::{many_expansions, many_keys};

fn generate(text: &str) -> (Source, appstudio_codegen::Generated) {
    let source = Source::new("app.json", text);
    let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
    (source, g)
}

#[test]
fn every_duplicate_key_is_reported_with_its_first_occurrence() {
    let text = many_keys(100_000);
    // the first offset of each `"kN"` key
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut at = 0;
    while let Some(i) = text[at..].find("\"k") {
        let start = at + i;
        let len = text[start + 2..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap();
        let key = &text[start..start + 3 + len];
        first.entry(key).or_insert(start);
        at = start + 1;
    }
    let (source, g) = generate(&text);
    let dups: Vec<_> = g
        .diagnostics()
        .iter()
        .filter(|d| d.code == Code::DUPLICATE_KEY)
        .collect();
    assert_eq!(dups.len(), 10_000);
    for (n, d) in dups.iter().enumerate() {
        let i = n * 10 + 9;
        let key = format!("\"k{}\"", i - 5);
        assert_eq!(&text[d.span.start as usize..d.span.end as usize], key);
        let note = format!("first at {}", source.location(first[key.as_str()] as u32));
        assert_eq!(d.notes, [note]);
    }
}

#[test]
fn expansions_in_a_long_string_with_escapes_are_located() {
    let text = many_expansions(10_000, "custom_data.nope{i}.value");
    let (_, g) = generate(&text);
    let unknown: Vec<_> = g
        .diagnostics()
        .iter()
        .filter(|d| d.code == Code::UNKNOWN_FORM_FIELD)
        .collect();
    assert_eq!(unknown.len(), 10_000);
    for (i, d) in unknown.iter().enumerate() {
        assert_eq!(
            &text[d.span.start as usize..d.span.end as usize],
            format!("nope{i}")
        );
    }
}

#[test]
fn a_long_string_of_valid_expansions_compiles() {
    let (source, g) = generate(&many_expansions(10_000, "piped_content.1.email"));
    assert!(!g.has_errors(), "{}", g.render(&source));
}
