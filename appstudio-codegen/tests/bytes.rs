//! Property test: `generate()` never panics on arbitrary bytes nor on byte-level mutations
//! (deleted, duplicated, swapped ranges) of the example apps, and every diagnostic's span lies
//! within the source, on character boundaries. `PROPTEST_CASES` sets the number of cases
//! (256 by default, a few seconds; more for longer runs by hand).

use appstudio_codegen::Source;
use proptest::prelude::*;

/// The example apps, the starting points of the mutations.
fn seeds() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut paths: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path().join("app.json")))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// Compiles `bytes` (invalid UTF-8 replaced, as a file read lossily would be) and checks the
/// spans of what it reports.
fn compile(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let source = Source::new("app.json", text.as_ref());
    let g = appstudio_codegen::generate(&source, &quote::quote!(::appstudio));
    for d in g.diagnostics() {
        let (start, end) = (d.span.start as usize, d.span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span outside the source: {d:?}"
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span not on char boundaries: {d:?}"
        );
    }
    let _ = g.render(&source);
}

/// A byte-level edit of a file.
#[derive(Debug, Clone)]
enum Edit {
    /// Removes `len` bytes at `at`.
    Delete { at: prop::sample::Index, len: usize },
    /// Repeats `len` bytes at `at` right after them.
    Duplicate { at: prop::sample::Index, len: usize },
    /// Swaps the `len` bytes at `a` with those at `b` (when they do not overlap).
    Swap {
        a: prop::sample::Index,
        b: prop::sample::Index,
        len: usize,
    },
}

fn edit() -> impl Strategy<Value = Edit> {
    let index = any::<prop::sample::Index>;
    prop_oneof![
        (index(), 1usize..64).prop_map(|(at, len)| Edit::Delete { at, len }),
        (index(), 1usize..64).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        (index(), index(), 1usize..16).prop_map(|(a, b, len)| Edit::Swap { a, b, len }),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match e {
        Edit::Delete { at, len } => {
            let at = at.index(bytes.len());
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
        Edit::Duplicate { at, len } => {
            let at = at.index(bytes.len());
            let end = (at + len).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Edit::Swap { a, b, len } => {
            let (a, b) = (a.index(bytes.len()), b.index(bytes.len()));
            let (a, b) = (a.min(b), a.max(b));
            if a + len <= b && b + len <= bytes.len() {
                let (left, right) = bytes.split_at_mut(b);
                left[a..a + len].swap_with_slice(&mut right[..*len]);
            }
        }
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        compile(&bytes);
    }

    #[test]
    fn json_like_text_never_panics(text in r#"[{}\[\]",:\\$ a-z0-9.!-]{0,300}"#) {
        compile(text.as_bytes());
    }

    #[test]
    fn mutated_examples_never_panic(seed in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        let mut bytes = seeds[seed.index(seeds.len())].clone();
        for e in &edits {
            apply(&mut bytes, e);
        }
        compile(&bytes);
    }
}
