//! jq programs with expansions (D2 in ARCHITECTURE.md): every `${…}` of a program becomes a jq variable
//! bound to the expansion's JSON value, never spliced source text.
//!
//! In code, `${x}` becomes `$__as_N` ([`expansion_var`]); inside a jq string literal it becomes
//! `\($__as_N)`. Offsets in the rewritten program (where jaq reports problems) map back to the
//! original text ([`Rewritten::to_original`]). The code generator rewrites every program of an
//! app this way at build time; the engine binds `vars[N]` of an `ir::Jq` to `$__as_N`.

use std::ops::Range;

/// The name (without `$`) of the jq variable that stands for the `n`-th expansion of a
/// program: `__as_N`.
pub fn expansion_var(n: usize) -> String {
    format!("__as_{n}")
}

/// A jq program whose expansions were replaced by variables ([`rewrite_expansions`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    /// The jq program jaq compiles.
    pub program: String,
    /// `(range in program, range in original)` of every replacement.
    replaced: Vec<(Range<usize>, Range<usize>)>,
}

impl Rewritten {
    /// How many variables the program reads: `$__as_0` up to `$__as_{n-1}`.
    pub fn var_count(&self) -> usize {
        self.replaced.len()
    }

    /// The variable names (without `$`), in order: the names to compile the program with.
    pub fn var_names(&self) -> Vec<String> {
        (0..self.var_count()).map(expansion_var).collect()
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

/// Rewrites the jq program `text` whose expansions (each `${…}` as a whole) are at the byte
/// ranges `expansions`, sorted and not overlapping: the `N`-th becomes `$__as_N` in code and
/// `\($__as_N)` inside a string literal. Where the expansions are is the caller's to find (the
/// code generator parses them with the rest of the config).
pub fn rewrite_expansions(text: &str, expansions: &[Range<usize>]) -> Rewritten {
    let mut out = String::with_capacity(text.len());
    let mut replaced = Vec::new();
    // A stack of modes: strings nest in interpolations, interpolations in strings.
    let mut stack = vec![Mode::Code { parens: 0 }];
    let mut i = 0;
    let mut next = expansions.iter().peekable();
    while i < text.len() {
        if let Some(e) = next.next_if(|e| e.start == i) {
            let var = expansion_var(replaced.len());
            let start = out.len();
            match stack.last() {
                Some(Mode::Str) => out.push_str(&format!("\\(${var})")),
                _ => out.push_str(&format!("${var}")),
            }
            replaced.push((start..out.len(), e.clone()));
            i = e.end;
            continue;
        }
        let mut len = step(&mut stack, text, i);
        // Never split an expansion that starts inside the skipped bytes.
        if let Some(e) = next.peek()
            && e.start > i
            && e.start < i + len
        {
            len = e.start - i;
        }
        out.push_str(&text[i..i + len]);
        i += len;
    }
    Rewritten {
        program: out,
        replaced,
    }
}

/// Reads the token at `i` (one character, or a `\(` or an escape in a string), updating the
/// mode stack; returns its length in bytes.
fn step(stack: &mut Vec<Mode>, text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let c = bytes[i];
    let mode = stack.last().copied().unwrap_or(Mode::Code { parens: 0 });
    let mut len = text[i..].chars().next().map_or(1, char::len_utf8);
    match mode {
        Mode::Code { parens } => match c {
            b'"' => stack.push(Mode::Str),
            b'(' => set_parens(stack, parens + 1),
            b')' if parens > 0 => set_parens(stack, parens - 1),
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
    len
}

fn set_parens(stack: &mut [Mode], parens: u32) {
    if let Some(top) = stack.last_mut() {
        *top = Mode::Code { parens };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranges of the `${…}` of `text` (no `}` inside one).
    fn rewrite(text: &str) -> Rewritten {
        let mut ranges = Vec::new();
        let mut from = 0;
        while let Some(start) = text[from..].find("${").map(|s| s + from) {
            let end = start + text[start..].find('}').expect("closed") + 1;
            ranges.push(start..end);
            from = end;
        }
        rewrite_expansions(text, &ranges)
    }

    #[test]
    fn expansions_become_variables() {
        let r = rewrite(". + ${piped_content.2}");
        assert_eq!(r.program, ". + $__as_0");
        assert_eq!(r.var_names(), ["__as_0"]);
        assert_eq!(rewrite("${custom_data.x.value}").program, "$__as_0");
        assert_eq!(expansion_var(12), "__as_12");
    }

    #[test]
    fn inside_strings_they_interpolate() {
        let r = rewrite(r#"if "${custom_data.m.value|default}" == "" then 0 else 1 end"#);
        assert_eq!(r.program, r#"if "\($__as_0)" == "" then 0 else 1 end"#);
        let r = rewrite(r#""a\(.x + "${subdomain}")b" + ${subdomain}"#);
        assert_eq!(r.program, r#""a\(.x + "\($__as_0)")b" + $__as_1"#);
        let r = rewrite("# ${subdomain} \"\n.a | \"${subdomain}\"");
        assert_eq!(r.program, "# $__as_0 \"\n.a | \"\\($__as_1)\"");
        // an escape right before an expansion does not swallow its `$`
        let r = rewrite(r#""a\\${subdomain}""#);
        assert_eq!(r.program, r#""a\\\($__as_0)""#);
    }

    #[test]
    fn offsets_map_back() {
        let src = ".x | ${custom_data.folder.value} | lenght";
        let r = rewrite(src);
        let at = r.program.find("lenght").unwrap();
        assert_eq!(&src[r.to_original(at..at + 6)], "lenght");
        let v = r.program.find('$').unwrap();
        assert_eq!(&src[r.to_original(v..v + 3)], "${custom_data.folder.value}");
    }
}
