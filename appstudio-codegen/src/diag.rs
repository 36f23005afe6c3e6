//! Diagnostics and their rustc-style plain-text rendering.

use crate::json::Node;
use crate::source::{Source, Span};

pub(crate) use crate::codes::Code;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Reported, never fails the build (D7).
    Warning,
}

/// One problem in a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: Code,
    /// One-line summary.
    pub message: String,
    /// The offending token.
    pub span: Span,
    /// Text under the caret.
    pub label: String,
    /// `= help:` lines.
    pub help: Vec<String>,
    /// `= note:` lines (the JSON pointer is added when rendering).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error.
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            label: String::new(),
            help: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A warning.
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, span, message)
        }
    }

    /// Sets the text under the caret.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Adds a `= help:` line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help.push(help.into());
        self
    }

    /// Adds a `= help:` line if there is one.
    pub fn maybe_help(self, help: Option<String>) -> Self {
        match help {
            Some(h) => self.help(h),
            None => self,
        }
    }

    /// Adds a `= note:` line.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// How many diagnostics are rendered before "and N more".
pub(crate) const MAX_RENDERED: usize = 50;

/// Sorts diagnostics by position (errors before warnings at one place) and drops exact repeats.
pub(crate) fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by(|a, b| {
        (a.span.start, a.severity, a.code, &a.message).cmp(&(
            b.span.start,
            b.severity,
            b.code,
            &b.message,
        ))
    });
    diags.dedup_by(|a, b| a.span == b.span && a.code == b.code && a.message == b.message);
}

/// Renders one diagnostic like rustc: header, location, excerpt with caret, help and notes.
pub(crate) fn render(diag: &Diagnostic, source: &Source, root: Option<&Node>) -> String {
    use std::fmt::Write;
    let (line, col) = source.line_col(diag.span.start);
    let kind = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let gutter = line.to_string().len();
    let pad = " ".repeat(gutter);
    let mut out = String::new();
    let _ = writeln!(out, "{kind}[{}]: {}", diag.code.as_str(), diag.message);
    let _ = writeln!(out, "{pad}--> {}:{line}:{col}", source.name);
    let _ = writeln!(out, "{pad} |");
    let text = source.line_text(line);
    let line_start = source.text[..diag.span.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let before = &source.text[line_start..diag.span.start as usize];
    let end = (diag.span.end as usize)
        .min(line_start + text.len())
        .max(diag.span.start as usize);
    let under = source.text.get(diag.span.start as usize..end).unwrap_or("");
    let (shown, indent, width) = excerpt(text, before, under);
    let _ = writeln!(out, "{line} | {shown}");
    let label = if diag.label.is_empty() {
        String::new()
    } else {
        format!(" {}", diag.label)
    };
    let _ = writeln!(
        out,
        "{pad} | {}{}{label}",
        " ".repeat(indent),
        "^".repeat(width)
    );
    let pointer = root.and_then(|r| r.locate(diag.span));
    if !diag.help.is_empty() || !diag.notes.is_empty() || pointer.is_some() {
        let _ = writeln!(out, "{pad} |");
    }
    for h in &diag.help {
        let _ = writeln!(out, "{pad} = help: {h}");
    }
    for n in &diag.notes {
        let _ = writeln!(out, "{pad} = note: {n}");
    }
    if let Some(p) = pointer.filter(|p| !p.is_empty()) {
        let _ = writeln!(out, "{pad} = note: at {p}");
    }
    out
}

/// Renders a list: sorted, capped at [`MAX_RENDERED`], with a summary line.
pub(crate) fn render_all(diags: &[Diagnostic], source: &Source, root: Option<&Node>) -> String {
    let mut out = String::new();
    for d in diags.iter().take(MAX_RENDERED) {
        out.push_str(&render(d, source, root));
        out.push('\n');
    }
    if diags.len() > MAX_RENDERED {
        out.push_str(&format!(
            "... and {} more diagnostics\n\n",
            diags.len() - MAX_RENDERED
        ));
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => {}
        (0, w) => out.push_str(&format!("{}: {}\n", source.name, plural(w, "warning"))),
        (e, 0) => out.push_str(&format!("{}: {}\n", source.name, plural(e, "error"))),
        (e, w) => out.push_str(&format!(
            "{}: {}, {}\n",
            source.name,
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
    out
}

/// Characters kept on each side of the underlined part of a long line (and the most of it
/// underlined).
const CONTEXT: usize = 60;

/// Lines up to this many characters are shown whole.
const LONG_LINE: usize = 160;

/// The excerpt of `line` shown above the caret, where `before` is the part of the line before
/// the span and `under` the part of the span on the line: the whole line if it is short, else
/// [`CONTEXT`] characters around the span, with `…` where cut. Returns the excerpt (tabs
/// expanded), the caret's indent and its width.
fn excerpt(line: &str, before: &str, under: &str) -> (String, usize, usize) {
    let total = line.chars().count();
    if total <= LONG_LINE {
        let width = display_width(under).max(1);
        return (expand_tabs(line), display_width(before), width);
    }
    let at = before.chars().count();
    let len = under.chars().count().clamp(1, CONTEXT);
    let from = at.saturating_sub(CONTEXT);
    let to = (at + len + CONTEXT).min(total);
    let byte = |chars: usize| {
        line.char_indices()
            .nth(chars)
            .map_or(line.len(), |(i, _)| i)
    };
    let (from_b, at_b, to_b) = (byte(from), byte(at), byte(to));
    let under_end = byte((at + len).min(total));
    let mut shown = String::new();
    if from > 0 {
        shown.push('…');
    }
    shown.push_str(&expand_tabs(&line[from_b..to_b]));
    if to < total {
        shown.push('…');
    }
    let indent = usize::from(from > 0) + display_width(&line[from_b..at_b]);
    let width = display_width(&line[at_b..under_end]).max(1);
    (shown, indent, width)
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', "    ")
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;

    #[test]
    fn renders_like_rustc() {
        let text = "{\n  \"path\": \"/f/${custom_data.foldr.value}\"\n}\n";
        let source = Source::new("app.json", text);
        let root = crate::json::parse(text).unwrap().root;
        let start = text.find("foldr").unwrap();
        let d = Diagnostic::error(
            Code::UNKNOWN_FORM_FIELD,
            Span::new(start, start + 5),
            "unknown form field `foldr` in `custom_data`",
        )
        .label("not a field of this workflow")
        .help("did you mean `folder`?");
        let out = render(&d, &source, Some(&root));
        assert_eq!(
            out,
            "error[AS0203]: unknown form field `foldr` in `custom_data`
 --> app.json:2:29
  |
2 |   \"path\": \"/f/${custom_data.foldr.value}\"
  |                             ^^^^^ not a field of this workflow
  |
  = help: did you mean `folder`?
  = note: at /path
"
        );
    }

    /// A long line (a minified file) is cut around the caret, which stays under its token.
    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let filler: String = (0..4000).map(|i| format!("\"f{i}\":{i},")).collect();
        let text = format!("{{{filler}\"bad\":1,{filler}\"z\":2}}");
        let source = Source::new("app.json", text.as_str());
        let start = text.find("\"bad\"").unwrap();
        let d = Diagnostic::error(
            Code::UNKNOWN_KEY,
            Span::new(start, start + 5),
            "unknown key",
        )
        .label("unknown key");
        let out = render(&d, &source, None);
        let lines: Vec<&str> = out.lines().collect();
        let excerpt = lines[3].strip_prefix("1 | ").unwrap();
        let carets = lines[4].strip_prefix("  | ").unwrap();
        assert!(excerpt.chars().count() <= 2 * CONTEXT + 10, "{excerpt}");
        assert!(
            excerpt.starts_with('…') && excerpt.ends_with('…'),
            "{excerpt}"
        );
        let col = carets.find('^').unwrap();
        let under: String = excerpt.chars().skip(col).take(5).collect();
        assert_eq!(under, "\"bad\"");
        assert_eq!(carets.trim(), "^^^^^ unknown key");
        // at the start of the line: no `…` before
        let d = Diagnostic::error(Code::UNKNOWN_KEY, Span::new(1, 5), "unknown key");
        let out = render(&d, &source, None);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[3].starts_with("1 | {\"f0\":0,"), "{}", lines[3]);
        assert_eq!(lines[4], "  |  ^^^^");
    }
}
