//! Code-generation time (`generate()`: parse, check, compile jq, lower, emit) for every example
//! app and for a synthetic app of 100 workflows × 10 form fields; and, in the group `large`,
//! for files that are large in one place (100k keys in one object, 10k expansions in one
//! string), where a quadratic step shows.

use std::hint::black_box;
use std::path::Path;

use appstudio_codegen::Source;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "../tests/support/apps.rs"]
mod apps;
use apps::{many_expansions, many_keys, synthetic};

fn bench(c: &mut Criterion) {
    let krate = quote::quote!(::appstudio);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut apps: Vec<(String, String)> = std::fs::read_dir(&examples)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| {
                    let p = e.path().join("app.json");
                    let text = std::fs::read_to_string(&p).ok()?;
                    Some((e.file_name().to_string_lossy().into_owned(), text))
                })
                .collect()
        })
        .unwrap_or_default();
    apps.sort();
    apps.push(("synthetic_100x10".to_owned(), synthetic(100, 10)));
    let mut group = c.benchmark_group("generate");
    for (name, text) in &apps {
        let source = Source::new("app.json", text.as_str());
        let g = appstudio_codegen::generate(&source, &krate);
        assert!(!g.has_errors(), "{name} is invalid:\n{}", g.render(&source));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| appstudio_codegen::generate(black_box(&source), &krate))
        });
    }
    group.finish();
    // The same plus tokenizing the IR source with proc-macro2's own lexer; inside `include_app!`
    // rustc's lexer does that part.
    let mut group = c.benchmark_group("generate_and_tokenize");
    for (name, text) in &apps {
        let source = Source::new("app.json", text.as_str());
        group.bench_function(name.as_str(), |b| {
            b.iter(|| appstudio_codegen::generate(black_box(&source), &krate).to_tokens())
        });
    }
    group.finish();
}

/// Files large in one place; the first reports 10k duplicate keys.
fn large(c: &mut Criterion) {
    let krate = quote::quote!(::appstudio);
    let mut group = c.benchmark_group("large");
    for (name, text) in [
        ("keys_100k", many_keys(100_000)),
        (
            "expansions_10k",
            many_expansions(10_000, "piped_content.1.email"),
        ),
    ] {
        let source = Source::new("app.json", text);
        group.bench_function(name, |b| {
            b.iter(|| appstudio_codegen::generate(black_box(&source), &krate))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_group! {
    name = large_benches;
    config = Criterion::default().sample_size(10);
    targets = large
}
criterion_main!(benches, large_benches);
