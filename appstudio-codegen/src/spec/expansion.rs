//! `${namespace.path | default:TEXT}` expansions inside JSON strings (D1).

use std::ops::Range;

pub(crate) use appstudio_runtime::ir::Namespace;

use super::Cx;
use crate::codes::Code;
use crate::diag::Diagnostic;
use crate::source::Span;
use crate::suggest;

/// One parsed expansion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expansion {
    /// The namespace.
    pub ns: Namespace,
    /// The namespace's span.
    pub ns_span: Span,
    /// Path segments after the namespace.
    pub path: Vec<Seg>,
    /// `|default` (`Some("")`) or `|default:TEXT`.
    pub default: Option<String>,
    /// The whole `${…}`.
    pub span: Span,
    /// Byte range of the whole `${…}` in the decoded string.
    pub decoded: Range<usize>,
    /// The string literal holding it.
    pub literal: Span,
}

/// One path segment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seg {
    /// Its text.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

impl Expansion {
    /// The source form, normalised: `custom_data.folder.value`.
    pub(crate) fn display_path(&self) -> String {
        std::iter::once(self.ns.as_str())
            .chain(self.path.iter().map(|s| s.name.as_str()))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The span from the namespace to the end of the path.
    pub(crate) fn path_span(&self) -> Span {
        Span {
            start: self.ns_span.start,
            end: self.path.last().map_or(self.ns_span.end, |s| s.span.end),
        }
    }
}

/// A piece of a string: text or an expansion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    /// Literal text.
    Lit(String),
    /// An expansion.
    Var(Expansion),
}

/// Splits the decoded string `s` (the value of the string literal at `literal`) into text and
/// expansions. Malformed expansions are reported; `None` if any was.
pub(crate) fn parse_pieces(s: &str, literal: Span, cx: &mut Cx) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut ok = true;
    let mut rest = 0;
    let mut lit = String::new();
    while let Some(i) = s[rest..].find("${") {
        let start = rest + i;
        lit.push_str(&s[rest..start]);
        let Some(close) = s[start..].find('}') else {
            cx.push(
                Diagnostic::error(
                    Code::EXPANSION_SYNTAX,
                    cx.sub_span(literal, start..start + 2),
                    "unterminated expansion",
                )
                .label("this `${` is never closed")
                .help("close it with `}`"),
            );
            return None;
        };
        let end = start + close + 1;
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        match parse_one(s, start..end, literal, cx) {
            Some(e) => pieces.push(Piece::Var(e)),
            None => ok = false,
        }
        rest = end;
    }
    lit.push_str(&s[rest..]);
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    ok.then_some(pieces)
}

/// Parses the expansion at `s[range]` (`${` … `}`).
fn parse_one(s: &str, range: Range<usize>, literal: Span, cx: &mut Cx) -> Option<Expansion> {
    let inner_start = range.start + 2;
    let inner_end = range.end - 1;
    let span = |r: Range<usize>, cx: &Cx| cx.sub_span(literal, r);
    let whole = span(range.clone(), cx);
    let inner = &s[inner_start..inner_end];
    // Split off the filter.
    let (path_text, filter) = match inner.find('|') {
        Some(p) => (&inner[..p], Some((inner_start + p, &inner[p + 1..]))),
        None => (inner, None),
    };
    let lead = path_text.len() - path_text.trim_start().len();
    let path_start = inner_start + lead;
    let path_text = path_text.trim();
    if path_text.is_empty() {
        cx.push(
            Diagnostic::error(Code::EXPANSION_SYNTAX, whole, "empty expansion")
                .label("nothing to expand")
                .help(format!(
                    "an expansion names a variable: {}",
                    suggest::one_of(&namespaces())
                )),
        );
        return None;
    }
    // Segments separated by `.` or `::`.
    let mut segs: Vec<Seg> = Vec::new();
    let mut at = 0;
    let bytes = path_text.as_bytes();
    let mut seg_start = 0;
    while at <= bytes.len() {
        let sep = if at == bytes.len() {
            Some(0)
        } else if bytes[at] == b'.' {
            Some(1)
        } else if path_text[at..].starts_with("::") {
            Some(2)
        } else {
            None
        };
        match sep {
            Some(len) => {
                let text = &path_text[seg_start..at];
                let r = path_start + seg_start..path_start + at;
                if text.is_empty() || text.contains(char::is_whitespace) {
                    let bad = if text.is_empty() {
                        path_start + at.saturating_sub(1)..path_start + (at + len).max(1)
                    } else {
                        r.clone()
                    };
                    cx.push(
                        Diagnostic::error(
                            Code::EXPANSION_SYNTAX,
                            span(bad, cx),
                            format!("malformed expansion `{inner}`"),
                        )
                        .label(if text.is_empty() {
                            "empty path segment"
                        } else {
                            "spaces inside a path"
                        })
                        .help("write `${namespace.key.key}` (or `${namespace::key.key}`)"),
                    );
                    return None;
                }
                segs.push(Seg {
                    name: text.to_owned(),
                    span: span(r, cx),
                });
                at += len.max(1);
                seg_start = at;
            }
            None => at += path_text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    let first = segs.remove(0);
    let Some(ns) = Namespace::ALL
        .iter()
        .find(|(n, _)| *n == first.name)
        .map(|(_, ns)| *ns)
    else {
        let names = namespaces();
        cx.push(
            Diagnostic::error(
                Code::UNKNOWN_NAMESPACE,
                first.span,
                format!("unknown variable `{}`", first.name),
            )
            .label("not a variable namespace")
            .maybe_help(suggest::did_you_mean(&first.name, names.iter().copied()))
            .help(format!("the namespaces are {}", suggest::one_of(&names))),
        );
        return None;
    };
    let default = match filter {
        None => None,
        Some((bar, f)) => {
            let lead = f.len() - f.trim_start().len();
            let fstart = bar + 1 + lead;
            let f = f.trim_start();
            let (name, arg) = match f.find(':') {
                Some(c) => (f[..c].trim_end(), Some(&f[c + 1..])),
                None => (f.trim_end(), None),
            };
            if name != "default" {
                let r = fstart..fstart + name.len().max(1);
                cx.push(
                    Diagnostic::error(
                        Code::EXPANSION_SYNTAX,
                        span(r, cx),
                        format!("unknown filter `{name}`"),
                    )
                    .label("not a filter")
                    .help("the only filter is `default` (`| default` or `| default:TEXT`)"),
                );
                return None;
            }
            Some(arg.unwrap_or("").to_owned())
        }
    };
    Some(Expansion {
        ns,
        ns_span: first.span,
        path: segs,
        default,
        span: whole,
        decoded: range,
        literal,
    })
}

fn namespaces() -> Vec<&'static str> {
    Namespace::ALL.iter().map(|(n, _)| *n).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    fn parse(s: &str) -> (Option<Vec<Piece>>, Vec<String>) {
        let text = serde_json::to_string(s).unwrap();
        let source = Source::new("app.json", text.clone());
        let mut cx = Cx::new(&source);
        let pieces = parse_pieces(s, Span::new(0, text.len()), &mut cx);
        let diags = cx
            .diags
            .iter()
            .map(|d| format!("{}: {}", d.message, &text[d.span.range()]))
            .collect();
        (pieces, diags)
    }

    #[test]
    fn parses_both_separators_and_filters() {
        let (p, d) = parse("/f/${custom_data::folder.value | default:x y}/${piped_content.0}");
        assert!(d.is_empty(), "{d:?}");
        let p = p.unwrap();
        assert_eq!(p.len(), 4);
        let Piece::Var(e) = &p[1] else { panic!() };
        assert_eq!(e.ns, Namespace::CustomData);
        assert_eq!(e.display_path(), "custom_data.folder.value");
        assert_eq!(e.default.as_deref(), Some("x y"));
        let Piece::Var(e) = &p[3] else { panic!() };
        assert_eq!(e.path[0].name, "0");
        assert_eq!(e.default, None);
    }

    #[test]
    fn reports_located_errors() {
        assert_eq!(
            parse("${custom_dta.x}").1,
            ["unknown variable `custom_dta`: custom_dta"]
        );
        assert_eq!(parse("a ${x").1, ["unterminated expansion: ${"]);
        assert_eq!(
            parse("${subdomain|dflt}").1,
            ["unknown filter `dflt`: dflt"]
        );
        assert_eq!(parse("${ }").1, ["empty expansion: ${ }"]);
        assert_eq!(parse("${data..x}").1.len(), 1);
        // escapes before the expansion are accounted for
        assert_eq!(
            parse("\"q\" ${bogus}").1,
            ["unknown variable `bogus`: bogus"]
        );
    }
}
