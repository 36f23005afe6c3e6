//! Parsing, compilation and the mapping of jaq's errors to [`JqDiag`]s; the size of a program
//! is bounded first ([`bounds`]).

mod bounds;

pub use bounds::{MAX_PROGRAM_NESTING, MAX_PROGRAM_TOKENS};

/// Maximum number of expansions (`${…}`, so global variables) of one program the engine runs.
pub const MAX_EXPANSIONS: usize = 256;

use std::ops::Range;

use jaq_core::load::lex::{self, StrPart, Tok, Token};
use jaq_core::load::parse;
use jaq_core::load::{Arena, File, Loader};

use super::prelude::{PRELUDE, SANDBOXED_FILTERS, SANDBOXED_VARS};
use super::value::{self, D};
use super::{JqDiag, JqDiagKind, limits};
use crate::suggest::did_you_mean;

/// Compiles a program, or returns every problem found, sorted by position. A program past the
/// bounds of [`bounds`] is refused before jaq reads it.
///
/// With `bounded`, every definition of the program starts with a call to [`limits::TICK`],
/// which bounds recursion (those of the standard definitions always do).
pub(super) fn compile(
    program: &str,
    vars: &[&str],
    bounded: bool,
) -> Result<jaq_core::Filter<D>, Vec<JqDiag>> {
    bounds::check(program).map_err(|d| vec![d])?;
    let Some(text) = bounded.then(|| instrumented(program)).flatten() else {
        return compile_text(program, vars);
    };
    match compile_text(&text, vars) {
        Ok(filter) => Ok(filter),
        // the diagnostics located in the program as written
        Err(diags) => match compile_text(program, vars) {
            Err(diags) => Err(diags),
            Ok(filter) => {
                debug_assert!(false, "{text}: {diags:?}");
                Ok(filter)
            }
        },
    }
}

/// The program with [`limits::TICK`] called first in the body of each definition, or `None`
/// if it has no definitions (or does not lex).
fn instrumented(program: &str) -> Option<String> {
    fn bodies(program: &str, tokens: &[Token<&str>], out: &mut Vec<usize>) {
        for (i, Token(s, tok)) in tokens.iter().enumerate() {
            match tok {
                Tok::Block(inner) => bodies(program, inner, out),
                Tok::Str(parts) => {
                    for part in parts {
                        if let StrPart::Term(t) = part {
                            bodies(program, std::slice::from_ref(t), out);
                        }
                    }
                }
                // `def name:` or `def name(args):`
                Tok::Word if *s == "def" => {
                    let mut rest = tokens[i + 1..].iter();
                    if !matches!(rest.next(), Some(Token(_, Tok::Word | Tok::Fmt))) {
                        continue;
                    }
                    let mut next = rest.next();
                    if let Some(Token(b, Tok::Block(_))) = next
                        && b.starts_with('(')
                    {
                        next = rest.next();
                    }
                    if let Some(Token(colon, Tok::Sym)) = next
                        && *colon == ":"
                    {
                        out.push(span_of(program, colon).end);
                    }
                }
                _ => {}
            }
        }
    }
    let tokens = lex::Lexer::new(program).lex().ok()?;
    let mut at = Vec::new();
    bodies(program, &tokens, &mut at);
    if at.is_empty() {
        return None;
    }
    at.sort_unstable();
    let mut text = String::with_capacity(program.len() + at.len() * 16);
    let mut from = 0;
    for a in at {
        text.push_str(&program[from..a]);
        text.push(' ');
        text.push_str(limits::TICK);
        text.push_str(" |");
        from = a;
    }
    text.push_str(&program[from..]);
    Some(text)
}

/// Compiles the text of a program.
fn compile_text(program: &str, vars: &[&str]) -> Result<jaq_core::Filter<D>, Vec<JqDiag>> {
    let tokens = match lex::Lexer::new(program).lex() {
        Ok(tokens) => tokens,
        Err(errs) => {
            let diags = errs.iter().map(|e| lex_diag(program, e)).collect();
            return Err(finish(diags));
        }
    };
    // jq runs an empty program as `.`
    let code = if tokens.is_empty() { "." } else { program };

    let mut diags = Vec::new();
    for Token(s, tok) in &tokens {
        if matches!(tok, Tok::Word) && matches!(*s, "import" | "include") {
            diags.push(sandboxed(program, s));
        }
    }
    let mut names = Names::default();
    names.collect(&tokens);

    let prelude = &*PRELUDE;
    let arena = Arena::default();
    let loader = Loader::new(prelude.reachable(&names.words));
    let modules = match loader.load(&arena, File { code, path: () }) {
        Ok(modules) => modules,
        Err(errs) => {
            for (_file, err) in errs {
                match err {
                    jaq_core::load::Error::Lex(errs) => {
                        diags.extend(errs.iter().map(|e| lex_diag(program, e)))
                    }
                    jaq_core::load::Error::Parse(errs) => {
                        diags.extend(errs.iter().map(|e| parse_diag(program, e)))
                    }
                    // module loading always fails; reported above as a sandbox violation
                    jaq_core::load::Error::Io(errs) => {
                        if diags.is_empty() {
                            diags.extend(errs.iter().map(|(path, _)| {
                                JqDiag {
                                    kind: JqDiagKind::Sandbox,
                                    message: "`import` and `include` are not allowed: \
                                              jq programs run sandboxed"
                                        .into(),
                                    span: span_of(program, path),
                                    help: None,
                                }
                            }))
                        }
                    }
                }
            }
            return Err(finish(diags));
        }
    };

    let globals: Vec<String> = vars.iter().map(|v| format!("${v}")).collect();
    let compiler = jaq_core::Compiler::<_, D>::default()
        .with_funs(natives())
        .with_global_vars(globals.iter().map(String::as_str));
    match compiler.compile(modules) {
        Ok(filter) if diags.is_empty() => Ok(filter),
        Ok(_) => Err(finish(diags)),
        Err(errs) => {
            for (_file, errs) in errs {
                for (name, undefined) in errs {
                    diags.push(undefined_diag(program, name, &undefined, &globals, &names));
                }
            }
            Err(finish(diags))
        }
    }
}

/// A native filter: name, arguments, implementation.
type NativeFun<'s> = (&'s str, Box<[jaq_core::Bind]>, jaq_core::Native<D>);

/// The native filters, with their `'static` names shortened to the program's lifetime.
fn natives<'s>() -> Vec<NativeFun<'s>> {
    let mut natives = value::natives();
    natives.push(value::tick_native());
    natives
}

/// Sorts diagnostics by position and drops those at a position already reported.
fn finish(mut diags: Vec<JqDiag>) -> Vec<JqDiag> {
    diags.sort_by_key(|d| (d.span.start, d.span.end));
    diags.dedup_by(|b, a| a.span.start == b.span.start);
    diags
}

/// Names seen in the program, for "did you mean".
#[derive(Default)]
pub(super) struct Names<'s> {
    vars: Vec<&'s str>,
    defs: Vec<&'s str>,
    /// Every word and format, a superset of the filters called.
    words: Vec<&'s str>,
}

impl<'s> Names<'s> {
    fn collect(&mut self, tokens: &[Token<&'s str>]) {
        let mut after_def = false;
        for Token(s, tok) in tokens {
            match tok {
                Tok::Var => self.vars.push(s),
                Tok::Word if after_def => self.defs.push(s),
                Tok::Word | Tok::Fmt => self.words.push(s),
                Tok::Block(inner) => self.collect(inner),
                Tok::Str(parts) => {
                    for part in parts {
                        if let StrPart::Term(t) = part {
                            self.collect(std::slice::from_ref(t));
                        }
                    }
                }
                _ => {}
            }
            after_def = matches!(tok, Tok::Word) && *s == "def";
        }
    }
}

/// Byte range of `part`, a slice of `whole`; the whole text if it is not one.
fn span_of(whole: &str, part: &str) -> Range<usize> {
    let (w, p) = (whole.as_ptr() as usize, part.as_ptr() as usize);
    if p >= w && p + part.len() <= w + whole.len() {
        p - w..p - w + part.len()
    } else {
        0..whole.len()
    }
}

/// Span of the character at byte `at`, or of the last non-blank character at the end.
fn char_at(program: &str, at: usize) -> Range<usize> {
    match program.get(at..).and_then(|rest| rest.chars().next()) {
        Some(c) => at..at + c.len_utf8(),
        None => end_span(program),
    }
}

/// Span of the last non-blank character (for "unexpected end of input").
fn end_span(program: &str) -> Range<usize> {
    let trimmed = program.trim_end();
    match trimmed.chars().next_back() {
        Some(c) => trimmed.len() - c.len_utf8()..trimmed.len(),
        None => 0..program.len(),
    }
}

/// A token as shown in a message: a block by its opening delimiter, long tokens cut.
fn show(tok: &str) -> String {
    if tok.starts_with(['(', '[', '{']) {
        return tok[..1].to_string();
    }
    let mut chars = tok.chars();
    let head: String = chars.by_ref().take(24).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

fn sandboxed(program: &str, name: &str) -> JqDiag {
    JqDiag {
        kind: JqDiagKind::Sandbox,
        message: format!("`{name}` is not allowed: jq programs run sandboxed"),
        span: span_of(program, name),
        help: Some(
            "jq programs cannot read the environment, other inputs or files, \
             nor write to stderr or stop the process"
                .into(),
        ),
    }
}

fn lex_diag(program: &str, (expect, rest): &lex::Error<&str>) -> JqDiag {
    let at = span_of(program, rest).start;
    let found = program.get(at..).and_then(|r| r.chars().next());
    let found_or_end = |what: &str| match found {
        Some(c) => format!("expected {what}, found `{c}`"),
        None => format!("expected {what}, found end of input"),
    };
    let (message, span, help) = match expect {
        // the lexer reports the opening quote
        lex::Expect::Delim(open) if *open == "\"" => (
            "unterminated string".to_string(),
            span_of(program, open),
            Some("add a closing `\"`".to_string()),
        ),
        lex::Expect::Delim(open) => {
            let close = match *open {
                "(" => ")",
                "[" => "]",
                _ => "}",
            };
            let start = span_of(program, open).start;
            let snippet: String = program[start..].chars().take(16).collect();
            let help = format!("the `{open}` of `{}` is not closed", snippet.trim_end());
            (
                found_or_end(&format!("`{close}`")),
                char_at(program, at),
                Some(help),
            )
        }
        lex::Expect::Token => match found {
            Some(c @ (')' | ']' | '}')) => (
                format!("unexpected token `{c}`"),
                char_at(program, at),
                None,
            ),
            Some(c) => (
                format!("unexpected character `{c}`"),
                char_at(program, at),
                None,
            ),
            None => ("unexpected end of input".into(), end_span(program), None),
        },
        lex::Expect::Digit => (found_or_end("a digit"), char_at(program, at), None),
        lex::Expect::Ident => match program[..at].chars().next_back() {
            Some(p @ ('$' | '@')) => (format!("expected a name after `{p}`"), at - 1..at, None),
            _ => (found_or_end("a name"), char_at(program, at), None),
        },
        lex::Expect::Escape => match found {
            Some(c) => (
                format!("invalid escape sequence `\\{c}`"),
                at.saturating_sub(1)..at + c.len_utf8(),
                Some(
                    "valid escapes are `\\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, \
                     `\\t`, `\\uXXXX` and `\\(...)`"
                        .into(),
                ),
            ),
            None => ("unterminated string".into(), end_span(program), None),
        },
        lex::Expect::Unicode => (
            "invalid unicode escape: expected 4 hexadecimal digits".into(),
            match program[..at].rfind("\\u") {
                Some(start) => start..at.max(start + 2),
                None => char_at(program, at),
            },
            None,
        ),
        other => (found_or_end(other.as_str()), char_at(program, at), None),
    };
    JqDiag {
        kind: JqDiagKind::Syntax,
        message,
        span,
        help,
    }
}

fn expected(expect: &parse::Expect<&str>) -> String {
    use parse::Expect;
    match expect {
        Expect::Just(s) => format!("`{s}`"),
        Expect::Var => "a variable".into(),
        Expect::Pattern => "a pattern (`$x`, `[...]` or `{...}`)".into(),
        Expect::ElseOrEnd => "`elif`, `else` or `end`".into(),
        Expect::CommaOrRBrack => "`,` or `]`".into(),
        Expect::CommaOrRBrace => "`,` or `}`".into(),
        Expect::SemicolonOrRParen => "`;` or `)`".into(),
        Expect::Term => "a filter".into(),
        Expect::Key => "a key".into(),
        Expect::Ident => "a name".into(),
        Expect::Arg => "an argument name".into(),
        Expect::Str => "a string".into(),
        other => other.as_str().into(),
    }
}

fn parse_diag(program: &str, (expect, found): &parse::Error<&str>) -> JqDiag {
    if found.is_empty() {
        let message = match expect {
            parse::Expect::Nothing => "unexpected end of input".to_string(),
            e => format!("expected {}, found end of input", expected(e)),
        };
        return JqDiag {
            kind: JqDiagKind::Syntax,
            message,
            span: end_span(program),
            help: None,
        };
    }
    let mut span = span_of(program, found);
    if found.starts_with(['(', '[', '{']) {
        span.end = span.start + 1;
    }
    let tok = show(found);
    let (message, help) = match expect {
        parse::Expect::Nothing => (format!("unexpected token `{tok}`"), None),
        parse::Expect::Term => (
            format!("unexpected token `{tok}`"),
            Some("expected a filter here".to_string()),
        ),
        e => (format!("expected {}, found `{tok}`", expected(e)), None),
    };
    let help = match (expect, *found) {
        (parse::Expect::Term, "?" | "//") if program.contains("?//") => {
            Some("destructuring alternatives (`?//`) are not supported".into())
        }
        _ => help,
    };
    JqDiag {
        kind: JqDiagKind::Syntax,
        message,
        span,
        help,
    }
}

fn undefined_diag(
    program: &str,
    name: &str,
    undefined: &jaq_core::compile::Undefined,
    globals: &[String],
    names: &Names,
) -> JqDiag {
    use jaq_core::compile::Undefined;
    let span = span_of(program, name);
    let (message, help) = match undefined {
        Undefined::Filter(_) if SANDBOXED_FILTERS.contains(&name) => {
            return sandboxed(program, name);
        }
        Undefined::Var if SANDBOXED_VARS.contains(&name) => return sandboxed(program, name),
        Undefined::Filter(n) if matches!(name, "reduce" | "foreach") => (
            format!(
                "`{name}` takes {} arguments, not {n}",
                if name == "reduce" { "2" } else { "2 or 3" }
            ),
            Some(if name == "reduce" {
                "write `reduce SOURCE as $x (INIT; UPDATE)`".to_string()
            } else {
                "write `foreach SOURCE as $x (INIT; UPDATE)` or \
                 `foreach SOURCE as $x (INIT; UPDATE; EXTRACT)`"
                    .to_string()
            }),
        ),
        Undefined::Filter(arity) => (
            format!("unknown filter `{name}/{arity}`"),
            filter_help(name, *arity, names),
        ),
        Undefined::Var => (
            format!("unknown variable `{name}`"),
            var_help(name, globals, names),
        ),
        Undefined::Label => (
            format!("unknown label `{name}`"),
            Some(format!("declare it with `label {name} | ...`")),
        ),
        Undefined::Mod => (format!("unknown module `{name}`"), None),
        other => (format!("unknown {} `{name}`", other.as_str()), None),
    };
    JqDiag {
        kind: JqDiagKind::Undefined,
        message,
        span,
        help,
    }
}

fn filter_help(name: &str, arity: usize, names: &Names) -> Option<String> {
    let known = &PRELUDE.names;
    let arities: Vec<usize> = known
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, a)| *a)
        .collect();
    if !arities.is_empty() {
        let list = match arities.as_slice() {
            [one] => one.to_string(),
            [init @ .., last] => {
                let init: Vec<String> = init.iter().map(usize::to_string).collect();
                format!("{} or {last}", init.join(", "))
            }
            [] => String::new(),
        };
        let plural = if arities == [1] { "" } else { "s" };
        return Some(format!(
            "`{name}` takes {list} argument{plural}, not {arity}"
        ));
    }
    let same_arity = known.iter().filter(|(_, a)| *a == arity).map(|(n, _)| *n);
    let any = known
        .iter()
        .map(|(n, _)| *n)
        .chain(names.defs.iter().copied());
    did_you_mean(name, same_arity).or_else(|| did_you_mean(name, any))
}

fn var_help(name: &str, globals: &[String], names: &Names) -> Option<String> {
    let candidates = globals
        .iter()
        .map(String::as_str)
        .chain(names.vars.iter().copied())
        .filter(|v| *v != name);
    if let Some(help) = did_you_mean(name, candidates) {
        return Some(help);
    }
    Some(if globals.is_empty() {
        "no variables are defined here".to_string()
    } else {
        let list: Vec<String> = globals.iter().map(|g| format!("`{g}`")).collect();
        format!("the variables defined here are {}", list.join(", "))
    })
}
