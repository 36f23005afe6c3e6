//! jq programs with expansions: `${…}` become jq variables (D2), never spliced source text.
//!
//! In code, `${x}` becomes `$__as_N`; inside a jq string literal it becomes `\($__as_N)`. Offsets
//! in the rewritten program (where jaq reports errors) map back to the original text.

use std::ops::Range;

use crate::spec::{Expansion, StrTmpl};

/// Prefix of the jq variables that stand for expansions.
pub const VAR_PREFIX: &str = "__as_";

/// A jq program with its expansions replaced by variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewritten {
    /// The jq program jaq compiles.
    pub program: String,
    /// The expansions, in variable order (`$__as_0`, …).
    pub vars: Vec<Expansion>,
    /// `(range in program, range in original)` of every replacement.
    replaced: Vec<(Range<usize>, Range<usize>)>,
}

impl Rewritten {
    /// Variable names (without `$`).
    pub fn var_names(&self) -> Vec<String> {
        (0..self.vars.len())
            .map(|i| format!("{VAR_PREFIX}{i}"))
            .collect()
    }

    /// Maps an offset of the rewritten program to the original text.
    fn offset(&self, at: usize, end: bool) -> usize {
        let mut shift: isize = 0;
        for (new, old) in &self.replaced {
            if at < new.start || (end && at == new.start) {
                break;
            }
            if at < new.end || (end && at == new.end) {
                return if end { old.end } else { old.start };
            }
            shift += old.len() as isize - new.len() as isize;
        }
        (at as isize + shift).max(0) as usize
    }

    /// Maps a range of the rewritten program to the original text; a range touching a
    /// replacement covers the whole `${…}`.
    pub fn to_original(&self, r: Range<usize>) -> Range<usize> {
        let start = self.offset(r.start, false);
        let end = self.offset(r.end, true).max(start);
        start..end
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Code { parens: u32 },
    Str,
    Comment,
}

/// Rewrites the jq program `t`.
pub fn rewrite(t: &StrTmpl) -> Rewritten {
    let text = t.text.as_str();
    let expansions: Vec<&Expansion> = t.expansions().collect();
    let mut out = String::with_capacity(text.len());
    let mut vars = Vec::new();
    let mut replaced = Vec::new();
    // A stack of modes: strings nest in interpolations, interpolations in strings.
    let mut stack = vec![Mode::Code { parens: 0 }];
    let mut i = 0;
    let bytes = text.as_bytes();
    let mut next = expansions.iter().peekable();
    while i < text.len() {
        if let Some(e) = next.next_if(|e| e.decoded.start == i) {
            let n = vars.len();
            let var = match stack.last() {
                Some(Mode::Str) => format!("\\(${VAR_PREFIX}{n})"),
                _ => format!("${VAR_PREFIX}{n}"),
            };
            let start = out.len();
            out.push_str(&var);
            replaced.push((start..out.len(), e.decoded.clone()));
            vars.push((*e).clone());
            i = e.decoded.end;
            continue;
        }
        let c = bytes[i];
        let mode = stack.last().copied().unwrap_or(Mode::Code { parens: 0 });
        let mut len = text[i..].chars().next().map_or(1, char::len_utf8);
        match mode {
            Mode::Code { parens } => match c {
                b'"' => stack.push(Mode::Str),
                b'(' => set_parens(&mut stack, parens + 1),
                b')' if parens > 0 => set_parens(&mut stack, parens - 1),
                b')' if stack.len() > 1 => {
                    stack.pop();
                }
                b'#' => stack.push(Mode::Comment),
                _ => {}
            },
            Mode::Comment => {
                if c == b'\n' {
                    stack.pop();
                }
            }
            Mode::Str => match c {
                b'"' => {
                    stack.pop();
                }
                b'\\' if bytes.get(i + 1) == Some(&b'(') => {
                    stack.push(Mode::Code { parens: 0 });
                    len = 2;
                }
                b'\\' => len = 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8),
                _ => {}
            },
        }
        // Never split an expansion that starts inside the skipped bytes.
        if let Some(e) = next.peek()
            && e.decoded.start > i
            && e.decoded.start < i + len
        {
            len = e.decoded.start - i;
        }
        out.push_str(&text[i..i + len]);
        i += len;
    }
    Rewritten {
        program: out,
        vars,
        replaced,
    }
}

fn set_parens(stack: &mut [Mode], parens: u32) {
    if let Some(top) = stack.last_mut() {
        *top = Mode::Code { parens };
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
    fn inside_strings_they_interpolate() {
        let r = rewrite(&tmpl(
            r#"if "${custom_data.m.value|default}" == "" then 0 else 1 end"#,
        ));
        assert_eq!(r.program, r#"if "\($__as_0)" == "" then 0 else 1 end"#);
        let r = rewrite(&tmpl(r#""a\(.x + "${subdomain}")b" + ${subdomain}"#));
        assert_eq!(r.program, r#""a\(.x + "\($__as_0)")b" + $__as_1"#);
        let r = rewrite(&tmpl("# ${subdomain} \"\n.a | \"${subdomain}\""));
        assert_eq!(r.program, "# $__as_0 \"\n.a | \"\\($__as_1)\"");
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
