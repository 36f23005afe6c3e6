//! The standard definitions programs are compiled with: jaq's, jq-compatibility shims, and
//! the names of filters that leave the sandbox.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use jaq_core::load::lex::StrPart;
use jaq_core::load::parse::{self, Def};

use super::{limits, value};

/// Filters that reach outside the sandbox; calls to them get a dedicated message.
pub(super) const SANDBOXED_FILTERS: &[&str] = &[
    "env",
    "input",
    "inputs",
    "halt",
    "halt_error",
    "input_filename",
    "debug",
    "stderr",
    "input_line_number",
    "get_search_list",
    "get_prog_origin",
    "get_jq_origin",
    "modulemeta",
];

/// Variables that reach outside the sandbox.
pub(super) const SANDBOXED_VARS: &[&str] = &["$ENV", "$__loc__", "$__prog_args"];

/// jq definitions appended to jaq's standard library, so that programs behave as in jq 1.7.
///
/// A definition sees only the definitions before it, so `_jq_x` aliases capture jaq's `x`
/// before it is redefined.
pub(super) const SHIMS: &str = r#"
def have_decnum: false;
def have_literal_numbers: true;
def toarray: if type == "array" then . else [.] end;
def _jq_limit($n; f): limit($n; f);
def limit($n; f): if $n < 0 then f else _jq_limit($n; f) end;
def last(f): reduce f as $x (null; $x);
def _jq_ltrimstr($x): ltrimstr($x);
def ltrimstr($x): if type == "string" and ($x | type) == "string" then _jq_ltrimstr($x) else . end;
def _jq_rtrimstr($x): rtrimstr($x);
def rtrimstr($x): if type == "string" and ($x | type) == "string" then _jq_rtrimstr($x) else . end;
def _jq_reverse: reverse;
def reverse: if type == "string" then explode | _jq_reverse | implode elif . == null then [] else _jq_reverse end;
def from_entries: reduce .[] as $x ({}; . + {
  ($x | if .key == null then .k // .name // .Name // .K // .Key else .key end
      | if type == "string" then . else tojson end):
  ($x | if has("value") then .value elif has("Value") then .Value else .v end)});
def with_entries(f): to_entries | map(f) | from_entries;
def leaf_paths: paths(scalars);
def ascii: if type == "number" and . >= 0 and . <= 127 then [.] | implode
  else error("ascii only takes integers between 0 and 127") end;
def todateiso8601: strftime("%Y-%m-%dT%H:%M:%SZ");
def todate: todateiso8601;
def @base64d: tostring | if length % 4 == 0 then . else . + ("=" * (4 - length % 4)) end | decode_base64;
def @csv: if type == "array" then map(
    if type == "string" then "\"" + (split("\"") | join("\"\"")) + "\""
    elif type == "number" or type == "boolean" then tostring
    elif . == null then ""
    else error("\(type) (\(tojson)) is not valid in a csv row") end) | join(",")
  else error("\(type) (\(tojson)) cannot be csv-formatted, only an array can be") end;
def @tsv: if type == "array" then map(
    if type == "string" then split("\\") | join("\\\\") | split("\t") | join("\\t")
      | split("\n") | join("\\n") | split("\r") | join("\\r")
    elif type == "number" or type == "boolean" then tostring
    elif . == null then ""
    else error("\(type) (\(tojson)) is not valid in a tsv row") end) | join("\t")
  else error("\(type) (\(tojson)) cannot be tsv-formatted, only an array can be") end;
def delpaths($ps): reduce ($ps | sort | reverse[]) as $p (.;
  if ($p | length) == 0 then null
  elif getpath($p[:-1]) == null then .
  else getpath($p[:-1]) |= (.[$p[-1]] |= empty) end);
def del(f): delpaths([path(f)]);
def walk(f): def w: if type == "object" then map_values(w) elif type == "array" then map(w) else . end | f; w;
def transpose: [range(0; map(length) | max // 0) as $i | [.[][$i]]];
def IN(s): any(s == .; .);
def IN(src; s): any(src == s; .);
def INDEX(stream; idx_expr): reduce stream as $row ({}; .[$row | idx_expr | tostring] = $row);
def INDEX(idx_expr): INDEX(.[]; idx_expr);
def JOIN($idx; idx_expr): [.[] | [., $idx[idx_expr]]];
def JOIN($idx; stream; idx_expr): stream | [., $idx[idx_expr]];
def JOIN($idx; stream; idx_expr; join_expr): stream | [., $idx[idx_expr]] | join_expr;
def tostream: path(def r: (.[]? | r), .; r) as $p | getpath($p) | reduce path(.[]?) as $q ([$p, .]; [$p + $q]);
def fromstream(i): {x: null, e: false} as $init | foreach i as $i ($init;
  if .e then $init else . end
  | if $i | length == 2
    then setpath(["e"]; $i[0] | length == 0) | setpath(["x"] + $i[0]; $i[1])
    else setpath(["e"]; $i[0] | length == 1) end;
  if .e then .x else empty end);
def truncate_stream(stream): . as $n | null | stream | . as $input
  | if (.[0] | length) > $n then setpath([0]; $input[0][$n:]) else empty end;
def _jq_re_flags: (. // "") | if type == "string" then explode
  | map(if . == 115 then empty elif . == 109 or . == 112 then 115 else . end) | implode end;
def _jq_test(re; flags): test(re; flags);
def test(re; flags): _jq_test(re; flags | _jq_re_flags);
def _jq_match(re; flags): match(re; flags);
def match(re; flags): _jq_match(re; flags | _jq_re_flags);
def _jq_capture(re; flags): capture(re; flags);
def capture(re; flags): ([re | _jq_match("\\\\.|\\(\\?<[A-Za-z_][A-Za-z0-9_]*>"; "g").string
    | select(startswith("(?<")) | {key: .[3:-1], value: null}] | from_entries) as $names
  | _jq_capture(re; flags | _jq_re_flags) | $names + .;
def capture(re): capture(re; null);
def _jq_scan(re; flags): scan(re; flags);
def scan(re; flags): _jq_scan(re; flags | _jq_re_flags);
def _jq_sub(re; f; flags): sub(re; f; flags);
def sub(re; f; flags): _jq_sub(re; f; flags | _jq_re_flags);
def gsub(re; f; flags): _jq_sub(re; f; "g" + (flags | _jq_re_flags));
def _jq_flatten($d): flatten($d);
def flatten($d): if $d < 0 then error("flatten depth must not be negative") else _jq_flatten($d) end;
def _jq_gmtime: gmtime;
def gmtime: . as $t | _jq_gmtime | .[5] = (.[5] | floor) + ($t - ($t | floor));
def _jq_mktime: mktime;
def mktime: _jq_mktime | floor;
def _jq_implode: implode;
def implode: if type != "array" then error("implode input must be an array") else map(
    if type != "number" or isnan
    then error("\(type) (\(tojson)) can't be imploded, unicode codepoint needs to be numeric")
    else if . < 0 then ceil else floor end
      | if . < 0 or . > 1114111 or (. >= 55296 and . <= 57343) then 65533 end end)
  | _jq_implode end;
"#;

/// Names of jaq internals that are never suggested as "did you mean".
pub(super) const INTERNAL_FILTERS: &[&str] = &[
    "error_empty",
    "min_by_or_empty",
    "max_by_or_empty",
    "split_",
    "split_matches",
    "matches",
    "scan_",
    "capture_of_match",
    "escape_sh",
    "escape_html",
    "unescape_html",
    "encode_uri",
    "decode_uri",
    "encode_base64",
    "decode_base64",
    "path_value",
    "key_values",
    "skip",
    "tobytes",
];

/// The standard definitions, parsed once.
///
/// Compiling all of them for every program would take milliseconds in a debug build (the code
/// generator runs in a proc macro), so each program gets only the definitions it can reach.
pub(super) struct Prelude {
    defs: Vec<Def<&'static str>>,
    /// For each name, the indices of its definitions and the names their bodies call.
    calls: HashMap<&'static str, Vec<(usize, Vec<&'static str>)>>,
    /// Public filter names and arities, for "did you mean".
    pub(super) names: Vec<(&'static str, usize)>,
}

impl Prelude {
    /// The definitions reachable from the given names, in their original order.
    pub(super) fn reachable<'s>(&self, used: &[&str]) -> Vec<Def<&'s str>> {
        let mut seen: HashSet<&str> = used.iter().copied().collect();
        let mut todo: Vec<&str> = seen.iter().copied().collect();
        let mut include = vec![false; self.defs.len()];
        while let Some(name) = todo.pop() {
            for (i, calls) in self.calls.get(name).into_iter().flatten() {
                include[*i] = true;
                for call in calls {
                    if seen.insert(call) {
                        todo.push(call);
                    }
                }
            }
        }
        let defs = self.defs.iter().zip(include).filter(|(_, inc)| *inc);
        defs.map(|(d, _)| d.clone()).collect()
    }
}

/// Names of the filters (and formats) a term calls.
fn calls_in<'a>(t: &parse::Term<&'a str>, out: &mut Vec<&'a str>) {
    use jaq_core::path::Part;
    use parse::Term;
    fn pattern<'a>(p: &parse::Pattern<&'a str>, out: &mut Vec<&'a str>) {
        match p {
            parse::Pattern::Var(_) => {}
            parse::Pattern::Arr(ps) => ps.iter().for_each(|p| pattern(p, out)),
            parse::Pattern::Obj(kps) => kps.iter().for_each(|(k, p)| {
                calls_in(k, out);
                pattern(p, out);
            }),
        }
    }
    match t {
        Term::Id | Term::Recurse | Term::Num(_) | Term::Var(_) | Term::Break(_) => {}
        Term::Str(fmt, parts) => {
            out.extend(fmt.iter().copied());
            for part in parts {
                if let StrPart::Term(t) = part {
                    calls_in(t, out);
                }
            }
        }
        Term::Arr(t) => t.iter().for_each(|t| calls_in(t, out)),
        Term::Obj(kvs) => kvs.iter().for_each(|(k, v)| {
            calls_in(k, out);
            v.iter().for_each(|v| calls_in(v, out));
        }),
        Term::Neg(t) | Term::Label(_, t) => calls_in(t, out),
        Term::BinOp(l, op, r) => {
            calls_in(l, out);
            if let parse::BinaryOp::Pipe(Some(p)) = op {
                pattern(p, out);
            }
            calls_in(r, out);
        }
        Term::Fold(_, xs, p, args) => {
            calls_in(xs, out);
            pattern(p, out);
            args.iter().for_each(|t| calls_in(t, out));
        }
        Term::TryCatch(t, c) => {
            calls_in(t, out);
            c.iter().for_each(|c| calls_in(c, out));
        }
        Term::IfThenElse(its, e) => {
            its.iter().for_each(|(i, t)| {
                calls_in(i, out);
                calls_in(t, out);
            });
            e.iter().for_each(|e| calls_in(e, out));
        }
        Term::Def(defs, t) => {
            defs.iter().for_each(|d| calls_in(&d.body, out));
            calls_in(t, out);
        }
        Term::Call(name, args) => {
            out.push(name);
            args.iter().for_each(|t| calls_in(t, out));
        }
        Term::Path(t, path) => {
            calls_in(t, out);
            for (part, _) in &path.0 {
                match part {
                    Part::Index(i) => calls_in(i, out),
                    Part::Range(a, b) => a.iter().chain(b).for_each(|t| calls_in(t, out)),
                }
            }
        }
    }
}

/// The children of a term that are terms (for [`instrument`]).
fn children_mut<S>(t: &mut parse::Term<S>) -> Vec<&mut parse::Term<S>> {
    use jaq_core::path::Part;
    use parse::Term;
    fn pattern<'a, S>(p: &'a mut parse::Pattern<S>, out: &mut Vec<&'a mut Term<S>>) {
        match p {
            parse::Pattern::Var(_) => {}
            parse::Pattern::Arr(ps) => ps.iter_mut().for_each(|p| pattern(p, out)),
            parse::Pattern::Obj(kps) => kps.iter_mut().for_each(|(k, p)| {
                out.push(k);
                pattern(p, out);
            }),
        }
    }
    let mut out = Vec::new();
    match t {
        Term::Id | Term::Recurse | Term::Num(_) | Term::Var(_) | Term::Break(_) => {}
        Term::Str(_, parts) => out.extend(parts.iter_mut().filter_map(|p| match p {
            StrPart::Term(t) => Some(t),
            _ => None,
        })),
        Term::Arr(t) => out.extend(t.as_deref_mut()),
        Term::Obj(kvs) => kvs.iter_mut().for_each(|(k, v)| {
            out.push(k);
            out.extend(v.as_mut());
        }),
        Term::Neg(t) | Term::Label(_, t) => out.push(t),
        Term::BinOp(l, op, r) => {
            out.push(l);
            if let parse::BinaryOp::Pipe(Some(p)) = op {
                pattern(p, &mut out);
            }
            out.push(r);
        }
        Term::Fold(_, xs, p, args) => {
            out.push(xs);
            pattern(p, &mut out);
            out.extend(args.iter_mut());
        }
        Term::TryCatch(t, c) => {
            out.push(t);
            out.extend(c.as_deref_mut());
        }
        Term::IfThenElse(its, e) => {
            its.iter_mut().for_each(|(i, t)| {
                out.push(i);
                out.push(t);
            });
            out.extend(e.as_deref_mut());
        }
        Term::Def(defs, t) => {
            out.extend(defs.iter_mut().map(|d| &mut d.body));
            out.push(t);
        }
        Term::Call(_, args) => out.extend(args.iter_mut()),
        Term::Path(t, path) => {
            out.push(t);
            for (part, _) in path.0.iter_mut() {
                match part {
                    Part::Index(i) => out.push(i),
                    Part::Range(a, b) => out.extend(a.iter_mut().chain(b.iter_mut())),
                }
            }
        }
    }
    out
}

/// Starts the body of every recursive definition in `d` (itself included) with a call to
/// [`limits::TICK`], which bounds the steps and the stack depth of recursion.
///
/// jq definitions can only call themselves and the definitions before and around them, so a
/// definition is recursive only if its body names it.
fn instrument(d: &mut Def<&'static str>) {
    fn nested(t: &mut parse::Term<&'static str>) {
        match t {
            parse::Term::Def(defs, rest) => {
                defs.iter_mut().for_each(instrument);
                nested(rest);
            }
            t => children_mut(t).into_iter().for_each(nested),
        }
    }
    nested(&mut d.body);
    let mut called = Vec::new();
    calls_in(&d.body, &mut called);
    if called.contains(&d.name) {
        let body = core::mem::take(&mut d.body);
        d.body = parse::Term::BinOp(
            Box::new(parse::Term::Call(limits::TICK, Vec::new())),
            parse::BinaryOp::Pipe(None),
            Box::new(body),
        );
    }
}

pub(super) static PRELUDE: LazyLock<Prelude> = LazyLock::new(|| {
    let shims = jaq_core::load::parse(SHIMS, |p| p.defs()).unwrap_or_default();
    debug_assert!(!shims.is_empty(), "the jq shims do not parse");
    // `join`, `type` and `add` are natives here (the definitions are slow and `join` is not
    // jq's); `add(f)` stays a definition
    let defs: Vec<_> = jaq_core::defs()
        .filter(|d| !matches!(d.name, "join" | "type"))
        // `nan` and `infinite` divide by zero there, an error here: they are natives instead
        .chain(jaq_std::defs().filter(|d| match d.name {
            "stderr" | "debug" | "halt" | "halt_error" | "nan" | "infinite" | "type" | "join" => {
                false
            }
            "add" => !d.args.is_empty(),
            _ => true,
        }))
        .chain(jaq_json::defs().filter(|d| !matches!(d.name, "tonumber" | "toboolean")))
        .chain(shims)
        .collect();
    let mut defs = defs;
    defs.iter_mut().for_each(instrument);
    let mut names: Vec<(&'static str, usize)> = defs
        .iter()
        .map(|d| (d.name, d.args.len()))
        .chain(value::natives().into_iter().map(|(n, a, _)| (n, a.len())))
        .filter(|(n, _)| {
            !n.starts_with(['_', '!'])
                && !INTERNAL_FILTERS.contains(n)
                && !SANDBOXED_FILTERS.contains(n)
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    let mut calls: HashMap<_, Vec<_>> = HashMap::new();
    for (i, d) in defs.iter().enumerate() {
        let mut called = Vec::new();
        calls_in(&d.body, &mut called);
        calls.entry(d.name).or_default().push((i, called));
    }
    Prelude { defs, calls, names }
});
