//! The size of a program, bounded before jaq sees it: jaq's lexer, parser and compiler recurse
//! once per nesting level and per operator of a chain (`a | b | …`), so an unbounded program
//! overflows the stack of the thread compiling it (in `include_app!`, rustc's). One iterative
//! pass over the text counts both.
//!
//! Measured in a debug build, each level or token costs at most about 12 KiB of stack in jaq:
//! [`MAX_PROGRAM_TOKENS`] tokens stay within 128 MiB, and [`MAX_PROGRAM_NESTING`] levels within
//! 4 MiB. Code that compiles programs on a thread of its own gives it a stack that large.

use super::{JqDiag, JqDiagKind};

/// Maximum nesting of a jq program: brackets (`(`, `[`, `{`), string interpolations (`\(`)
/// and `if … end`.
pub const MAX_PROGRAM_NESTING: usize = 256;

/// Maximum number of tokens of a jq program (names, literals, operators, brackets).
pub const MAX_PROGRAM_TOKENS: usize = 10_000;

/// What is open at a point of the scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// `(`, `[` or `{` (and `\(` inside a string).
    Bracket,
    /// `if`, closed by `end`.
    If,
    /// A string literal.
    Str,
}

/// Checks the nesting and the length of `program` against [`MAX_PROGRAM_NESTING`] and
/// [`MAX_PROGRAM_TOKENS`] without recursing; the diagnostic points at the first opening past
/// the nesting limit, or at the first token past the length limit.
pub(super) fn check(program: &str) -> Result<(), JqDiag> {
    let b = program.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let (mut tokens, mut deepest) = (0usize, 0usize);
    let mut too_deep = None;
    let mut too_long = None;
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if open.last() == Some(&Open::Str) {
            match b[i] {
                b'\\' if b.get(i + 1) == Some(&b'(') => {
                    open.push(Open::Bracket);
                    i += 2;
                }
                b'\\' => i += 2,
                b'"' => {
                    open.pop();
                    i += 1;
                }
                _ => i += 1,
            }
        } else {
            match b[i] {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    i += 1;
                    continue;
                }
                b'#' => {
                    i = b[i..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(b.len(), |n| i + n);
                    continue;
                }
                b'"' => {
                    open.push(Open::Str);
                    i += 1;
                }
                b'(' | b'[' | b'{' => {
                    open.push(Open::Bracket);
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    // an `if` left open inside the brackets closes with them
                    while let Some(o) = open.pop() {
                        if o == Open::Bracket {
                            break;
                        }
                    }
                    i += 1;
                }
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                        i += 1;
                    }
                    let word = &program[start..i];
                    // not a field (`.if`), a variable, a format, nor an object key (`{if: 1}`)
                    let prev = program[..start].trim_end().bytes().next_back();
                    let next = program[i..].trim_start().bytes().next();
                    let keyword = !matches!(prev, Some(b'.' | b'$' | b'@')) && next != Some(b':');
                    if keyword && word == "if" {
                        open.push(Open::If);
                    } else if keyword && word == "end" && open.last() == Some(&Open::If) {
                        open.pop();
                    }
                }
                c if c.is_ascii_digit() => {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                        i += 1;
                    }
                }
                _ => i += program[i..].chars().next().map_or(1, char::len_utf8),
            }
            tokens += 1;
            if tokens > MAX_PROGRAM_TOKENS && too_long.is_none() {
                too_long =
                    Some(start..start + program[start..].chars().next().map_or(0, char::len_utf8));
            }
        }
        if open.len() > deepest {
            deepest = open.len();
            if deepest > MAX_PROGRAM_NESTING && too_deep.is_none() {
                too_deep = Some(start..start + 1);
            }
        }
    }
    if let Some(span) = too_deep {
        return Err(JqDiag {
            kind: JqDiagKind::Size,
            message: format!("program nests {deepest} levels deep (at most {MAX_PROGRAM_NESTING})"),
            span,
            help: Some(
                "name the inner parts with `def f: …;` or split the program into several \
                 `!jq` steps of a `!pipe`"
                    .into(),
            ),
        });
    }
    if let Some(span) = too_long {
        return Err(JqDiag {
            kind: JqDiagKind::Size,
            message: format!("program is too long: {tokens} tokens (at most {MAX_PROGRAM_TOKENS})"),
            span,
            help: Some("split it into several `!jq` steps of a `!pipe`".into()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nesting(program: &str) -> Option<String> {
        check(program).err().map(|d| {
            assert_eq!(d.kind, JqDiagKind::Size);
            format!("{} at {:?}", d.message, d.span)
        })
    }

    #[test]
    fn counts_brackets_interpolations_and_ifs() {
        let ok = |p: &str| assert_eq!(nesting(p), None, "{p}");
        ok(&format!("{}1{}", "(".repeat(256), ")".repeat(256)));
        ok(&"(1) ".repeat(1000));
        ok(r#"{if: 1, end: 2} | .if | "\(.end)" # ((((("#);
        let deep = format!("{}1{}", "(".repeat(700), ")".repeat(700));
        assert_eq!(
            nesting(&deep).unwrap(),
            "program nests 700 levels deep (at most 256) at 256..257"
        );
        let ifs = format!("{}.{}", "if . then ".repeat(300), " else . end".repeat(300));
        assert!(
            nesting(&ifs)
                .unwrap()
                .starts_with("program nests 300 levels")
        );
        let strs = format!("{}1{}", "\"\\(".repeat(200), ")\"".repeat(200));
        assert!(
            nesting(&strs)
                .unwrap()
                .starts_with("program nests 400 levels")
        );
    }

    #[test]
    fn counts_tokens() {
        let long = vec!["."; 6000].join(" | ");
        let msg = nesting(&long).unwrap();
        assert!(
            msg.starts_with("program is too long: 11999 tokens (at most 10000)"),
            "{msg}"
        );
        let at = long
            .char_indices()
            .filter(|(_, c)| !c.is_whitespace())
            .nth(10_000)
            .unwrap()
            .0;
        assert!(msg.ends_with(&format!("at {at}..{}", at + 1)), "{msg}");
        assert_eq!(nesting("é + \"é\\\"\" | 1e10 | .a_b"), None);
    }
}
