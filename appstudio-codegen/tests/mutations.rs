//! Property test: random mutations of valid configs never panic the code generator, and every
//! diagnostic it reports points inside the file and renders.

use appstudio_codegen::Source;
use proptest::prelude::*;
use serde_json::Value;

/// The valid apps the mutations start from.
fn seeds() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = vec![root.join("tests/ui/apps/files.json")];
    if let Ok(dir) = std::fs::read_dir(root.join("examples")) {
        for e in dir.filter_map(Result::ok) {
            let p = e.path().join("app.json");
            if p.exists() {
                paths.push(p);
            }
        }
    }
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn compile(text: &str) {
    let source = Source::new("app.json", text);
    let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
    for d in g.diagnostics() {
        assert!(d.span.start <= d.span.end, "inverted span {d:?}");
        assert!(
            (d.span.end as usize) <= text.len(),
            "span past the end {d:?}"
        );
        assert!(
            text.is_char_boundary(d.span.start as usize),
            "span not on a char boundary {d:?}"
        );
    }
    let _ = g.render(&source);
    if !g.has_errors() {
        assert!(g.ir().is_some(), "a valid app lowers to IR");
    }
}

/// Structured mutations of a JSON value, applied at the `n`-th node in document order.
#[derive(Debug, Clone)]
enum Mutation {
    Remove,
    Replace(Value),
    RenameKey(String),
    InjectIntoString(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let values = prop_oneof![
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(1e300)),
        Just(serde_json::json!("")),
        Just(serde_json::json!("${custom_data.x.value}")),
        Just(serde_json::json!({"!jq": ".a | lenght"})),
        Just(serde_json::json!({"!pipe": []})),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
    ];
    let texts = prop_oneof![
        Just("${".to_owned()),
        Just("${piped_content.9}".to_owned()),
        Just("${data.workflow.nope}".to_owned()),
        Just("${subdomain.x}".to_owned()),
        Just("${custom_data.}".to_owned()),
        Just("\"\\(".to_owned()),
        Just("é😀\u{0}".to_owned()),
        Just("${webhook.url|default:x}".to_owned()),
    ];
    prop_oneof![
        Just(Mutation::Remove),
        values.prop_map(Mutation::Replace),
        "[a-z_!$]{1,12}".prop_map(Mutation::RenameKey),
        texts.prop_map(Mutation::InjectIntoString),
    ]
}

/// Applies `m` to the `n`-th node (pre-order, modulo the node count).
fn apply(v: &mut Value, n: &mut usize, m: &Mutation) -> bool {
    if *n == 0 {
        match m {
            Mutation::Replace(r) => *v = r.clone(),
            Mutation::InjectIntoString(t) => match v {
                Value::String(s) => {
                    let at = s
                        .char_indices()
                        .map(|(i, _)| i)
                        .nth(s.chars().count() / 2)
                        .unwrap_or(0);
                    s.insert_str(at, t);
                }
                other => *other = Value::String(t.clone()),
            },
            _ => return false,
        }
        return true;
    }
    *n -= 1;
    match v {
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                if *n == 0 {
                    match m {
                        Mutation::Remove => {
                            map.remove(&k);
                            return true;
                        }
                        Mutation::RenameKey(new) => {
                            if let Some(val) = map.remove(&k) {
                                map.insert(new.clone(), val);
                            }
                            return true;
                        }
                        _ => {}
                    }
                }
                if let Some(child) = map.get_mut(&k)
                    && apply(child, n, m)
                {
                    return true;
                }
            }
        }
        Value::Array(items) => {
            for i in 0..items.len() {
                if *n == 0 && matches!(m, Mutation::Remove) {
                    items.remove(i);
                    return true;
                }
                if apply(&mut items[i], n, m) {
                    return true;
                }
            }
        }
        _ => {}
    }
    false
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Object(m) => m.values().map(count).sum(),
        Value::Array(a) => a.iter().map(count).sum(),
        _ => 0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn structured_mutations_never_panic(seed in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), ms in prop::collection::vec(mutation(), 1..4)) {
        let seeds = seeds();
        let text = &seeds[seed.index(seeds.len())];
        let mut value: Value = serde_json::from_str(text).unwrap();
        for m in &ms {
            let mut n = at.index(count(&value));
            apply(&mut value, &mut n, m);
        }
        compile(&serde_json::to_string_pretty(&value).unwrap());
    }

    #[test]
    fn text_mutations_never_panic(seed in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), len in 0usize..8, insert in "[{}\\[\\]\",:\\\\$a-z0-9 \n]{0,6}") {
        let seeds = seeds();
        let text = &seeds[seed.index(seeds.len())];
        let mut start = at.index(text.len() + 1);
        while !text.is_char_boundary(start) { start -= 1; }
        let mut end = (start + len).min(text.len());
        while !text.is_char_boundary(end) { end += 1; }
        let mutated = format!("{}{}{}", &text[..start], insert, &text[end..]);
        compile(&mutated);
    }
}

#[test]
fn seeds_are_valid() {
    for text in seeds() {
        let source = Source::new("app.json", text.as_str());
        let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
        assert!(!g.has_errors(), "{}", g.render(&source));
    }
}
