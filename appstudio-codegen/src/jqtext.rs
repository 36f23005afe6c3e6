//! jq programs with expansions: `${…}` become jq variables (D2), never spliced source text.
//!
//! The rewriting itself is the runtime's ([`jq::rewrite_expansions`]), so the engine and the
//! differential test of the jq front end see programs exactly as compiled here; this module
//! hands it the expansions the spec model found and keeps them in variable order.

use std::ops::Range;

use appstudio_runtime::jq;

use crate::spec::{Expansion, StrTmpl};

/// A jq program with its expansions replaced by variables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rewritten {
    /// The jq program jaq compiles.
    pub program: String,
    /// The expansions, in variable order (`$__as_0`, …).
    pub vars: Vec<Expansion>,
    /// Where each replacement is, to map offsets back.
    map: jq::Rewritten,
}

impl Rewritten {
    /// Variable names (without `$`).
    pub(crate) fn var_names(&self) -> Vec<String> {
        self.map.var_names()
    }

    /// Maps a range of the rewritten program to the original text; a range touching a
    /// replacement covers the whole `${…}`.
    pub(crate) fn to_original(&self, r: Range<usize>) -> Range<usize> {
        self.map.to_original(r)
    }
}

/// Rewrites the jq program `t`.
pub(crate) fn rewrite(t: &StrTmpl) -> Rewritten {
    let vars: Vec<Expansion> = t.expansions().cloned().collect();
    let ranges: Vec<Range<usize>> = vars.iter().map(|e| e.decoded.clone()).collect();
    let map = jq::rewrite_expansions(&t.text, &ranges);
    Rewritten {
        program: map.program.clone(),
        vars,
        map,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Source, Span};
    use crate::spec::{Cx, FromNode};

    fn tmpl(program: &str) -> StrTmpl {
        let text = serde_json::to_string(program).unwrap();
        let source = Source::new("app.json", text.clone());
        let mut cx = Cx::new(&source);
        let node = crate::json::parse(&text).unwrap().root;
        let t = StrTmpl::from_node(&node, &mut cx).unwrap();
        assert_eq!(t.span, Span::new(0, text.len()));
        t
    }

    #[test]
    fn expansions_become_variables() {
        let r = rewrite(&tmpl(". + ${piped_content.2}"));
        assert_eq!(r.program, ". + $__as_0");
        assert_eq!(r.vars.len(), 1);
        let r = rewrite(&tmpl("${custom_data.x.value}"));
        assert_eq!(r.program, "$__as_0");
    }

    #[test]
    fn offsets_map_back() {
        let src = ".x | ${custom_data.folder.value} | lenght";
        let r = rewrite(&tmpl(src));
        let at = r.program.find("lenght").unwrap();
        let o = r.to_original(at..at + 6);
        assert_eq!(&src[o], "lenght");
        let v = r.program.find('$').unwrap();
        let o = r.to_original(v..v + 3);
        assert_eq!(&src[o], "${custom_data.folder.value}");
    }
}
