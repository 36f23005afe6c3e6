//! Differential test of the jq engine against the `jq` command-line tool (D15 in ARCHITECTURE.md: where jaq
//! and jq differ, the runtime follows jq).
//!
//! Two sources of programs:
//!
//! - `tests/jq_corpus/cases.txt`: programs typical of integrations (format described at the top
//!   of that file), each run on its inputs by both engines;
//! - every jq program of the example apps (`examples/*/app.json` at the workspace root: each
//!   `"!jq"` string and each `"!switch"`'s `"jq"`), with their `${…}` expansions turned into jq
//!   variables as the code generator does, run on the inputs of `tests/jq_corpus/examples.json`.
//!
//! A program that runs natively (issue 12) also runs on jaq, and the two must agree: each
//! case goes through three paths (native, jaq, the `jq` tool). Outputs are compared as JSON
//! values (numbers by value, object keys in order); when both fail, they agree whatever the
//! messages. The `jq` binary must be installed (CI installs it with
//! apt-get): the test fails without it unless `APPSTUDIO_SKIP_JQ_DIFF=1` is set.
//! `APPSTUDIO_JQ` names another binary (for instance a jq 1.7 build).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use appstudio_runtime::jq::{self, JqDiag};
use serde_json::Value;

/// A jq version, as `jq --version` prints it (`jq-1.6`, `jq-1.7.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Version(u32, u32, u32);

impl Version {
    fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let s = s.strip_prefix("jq-").unwrap_or(s);
        // `1.7.1`, `1.6`, `1.7.1-dirty`, `1.8.0rc1`
        let mut parts = s.split(|c: char| !c.is_ascii_digit()).map(str::parse);
        let major = parts.next()?.ok()?;
        let minor = parts.next()?.ok()?;
        let patch = parts.next().and_then(Result::ok).unwrap_or(0);
        Some(Version(major, minor, patch))
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// The jq command-line tool under comparison.
struct Jq {
    bin: String,
    version: Version,
}

impl Jq {
    /// Finds `jq`; `None` when it is missing and `APPSTUDIO_SKIP_JQ_DIFF=1` allows skipping.
    fn find() -> Option<Jq> {
        let skip = std::env::var("APPSTUDIO_SKIP_JQ_DIFF").is_ok_and(|v| v == "1");
        let bin = std::env::var("APPSTUDIO_JQ").unwrap_or_else(|_| "jq".to_string());
        let out = Command::new(&bin).arg("--version").output();
        let text = match out {
            Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
            Ok(out) if !skip => panic!(
                "`{bin} --version` failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(e) if !skip => panic!(
                "the jq differential test needs the `jq` command-line tool, which cannot be run \
                 ({bin}: {e}).\nInstall it (`apt-get install jq`; CI installs it), or set \
                 APPSTUDIO_SKIP_JQ_DIFF=1 to skip this test."
            ),
            _ => {
                eprintln!("jq differential test skipped: APPSTUDIO_SKIP_JQ_DIFF=1 and no `{bin}`");
                return None;
            }
        };
        let version = Version::parse(&text)
            .unwrap_or_else(|| panic!("cannot read the version of `{bin}`: {text:?}"));
        Some(Jq { bin, version })
    }

    /// Runs `jq -c program` on `input` with `vars` given by `--argjson`.
    fn run(&self, program: &str, input: &str, vars: &[(String, Value)]) -> Outcome {
        let mut cmd = Command::new(&self.bin);
        // dates and their names as our engine has them, whatever the machine's settings
        cmd.env("TZ", "UTC").env("LC_ALL", "C").arg("-c");
        for (name, value) in vars {
            cmd.arg("--argjson").arg(name).arg(value.to_string());
        }
        // jq 1.6 knows no `--`: a program starting with `-` would be an option
        if program.starts_with('-') {
            cmd.arg(format!(" {program}"));
        } else {
            cmd.arg(program);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.bin));
        let mut stdin = child.stdin.take().expect("stdin");
        let input = input.to_string();
        // written from another thread, so a large output cannot block the input
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        });
        let out = child.wait_with_output().expect("jq output");
        writer.join().expect("writer");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Outcome::Error(format!("{} ({})", stderr.trim(), out.status));
        }
        let values = serde_json::Deserializer::from_str(&stdout)
            .into_iter::<Value>()
            .collect::<Result<Vec<_>, _>>();
        match values {
            Ok(values) => Outcome::Values {
                values,
                text: stdout.lines().map(str::to_string).collect(),
            },
            Err(e) => Outcome::Error(format!("unreadable jq output {stdout:?}: {e}")),
        }
    }
}

/// What one engine made of a program and an input.
#[derive(Debug)]
enum Outcome {
    Values {
        values: Vec<Value>,
        text: Vec<String>,
    },
    Error(String),
}

impl Outcome {
    fn show(&self) -> String {
        match self {
            Outcome::Values { text, .. } if text.is_empty() => "(no output)".to_string(),
            Outcome::Values { text, .. } => text.join(" "),
            Outcome::Error(e) => format!("error: {e}"),
        }
    }
}

/// Runs `program` with our engine.
fn ours(program: &str, input: &Value, vars: &[(String, Value)]) -> Outcome {
    let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    let values: Vec<Value> = vars.iter().map(|(_, v)| v.clone()).collect();
    match jq::compile(program, &names) {
        Err(diags) => Outcome::Error(format!("compile: {}", show_diags(&diags))),
        Ok(p) => {
            // a program that runs natively must give what jaq gives: the third path
            let native = p.run(input, &values);
            if p.is_native() {
                let jaq = p.run_jaq(input, &values);
                let agree = match (&native, &jaq) {
                    (Ok(a), Ok(b)) => {
                        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
                    }
                    (Err(_), Err(_)) => true,
                    _ => false,
                };
                if !agree {
                    return Outcome::Error(format!(
                        "the native path gives {native:?}, jaq {jaq:?}"
                    ));
                }
            }
            match native {
                Ok(values) => {
                    let text = values.iter().map(Value::to_string).collect();
                    Outcome::Values { values, text }
                }
                Err(e) => Outcome::Error(e.to_string()),
            }
        }
    }
}

fn show_diags(diags: &[JqDiag]) -> String {
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    msgs.join("; ")
}

/// JSON equality as jq sees it: numbers by value, object keys in the same order.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && same(vx, vy))
        }
        _ => a == b,
    }
}

/// One program of the corpus.
#[derive(Debug, Default)]
struct Case {
    /// Where the case is (`cases.txt:12`).
    at: String,
    program: String,
    /// JSON texts, each run separately (`null` when none is given).
    inputs: Vec<String>,
    vars: Vec<(String, Value)>,
    /// Only run with a jq CLI at least this version (our runtime follows the newer jq).
    since: Option<Version>,
    /// Only run with a jq CLI older than this version.
    before: Option<Version>,
    /// Both must fail.
    error: bool,
    /// Our compilation must fail, with a message naming this construct.
    reject: Option<String>,
    /// Also compare the compact text of the outputs.
    text: bool,
    /// A known difference left as it is, and why: the engines must disagree.
    differs: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jq_corpus")
}

/// Parses `cases.txt`.
fn parse_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file = path.file_name().unwrap_or_default().to_string_lossy();
    let mut cases = Vec::new();
    let mut case: Option<Case> = None;
    let version = |s: &str, n: usize| {
        Version::parse(s).unwrap_or_else(|| panic!("{file}:{n}: bad version {s:?}"))
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            if let Some(c) = case.take() {
                assert!(!c.program.is_empty(), "{}: case without program", c.at);
                cases.push(c);
            }
            continue;
        }
        if line.starts_with('#') && case.is_none() {
            continue;
        }
        let c = case.get_or_insert_with(|| Case {
            at: format!("{file}:{n}"),
            ..Case::default()
        });
        if let Some(d) = line.strip_prefix('%') {
            let (word, rest) = d.split_once(' ').unwrap_or((d, ""));
            let rest = rest.trim();
            match word {
                "since" => c.since = Some(version(rest, n)),
                "before" => c.before = Some(version(rest, n)),
                "error" => c.error = true,
                "text" => c.text = true,
                "reject" => c.reject = Some(rest.to_string()),
                "differs" => c.differs = Some(rest.to_string()),
                "var" => {
                    let (name, value) = rest
                        .split_once(' ')
                        .unwrap_or_else(|| panic!("{file}:{n}: `%var NAME JSON`"));
                    let value = serde_json::from_str(value)
                        .unwrap_or_else(|e| panic!("{file}:{n}: bad JSON {value:?}: {e}"));
                    c.vars.push((name.to_string(), value));
                }
                _ => panic!("{file}:{n}: unknown directive %{word}"),
            }
        } else if c.program.is_empty() {
            c.program = line.to_string();
        } else {
            serde_json::from_str::<Value>(line)
                .unwrap_or_else(|e| panic!("{file}:{n}: bad JSON input {line:?}: {e}"));
            c.inputs.push(line.to_string());
        }
    }
    cases.extend(case);
    cases
}

/// Tallies of a run of the differential test.
#[derive(Default)]
struct Report {
    programs: usize,
    runs: usize,
    agreed: usize,
    rejected: usize,
    skipped: Vec<String>,
    /// Known differences (`%differs`), still differing.
    known: Vec<String>,
    mismatches: Vec<String>,
}

impl Report {
    /// Compares both engines on one program, input and variables.
    fn compare(&mut self, jq: &Jq, at: &str, program: &str, input: &str, case: CaseKind) {
        let CaseKind {
            vars,
            error,
            text: compare_text,
            differs,
        } = case;
        self.runs += 1;
        let value: Value = serde_json::from_str(input).expect("input JSON");
        let theirs = jq.run(program, input, vars);
        let mine = ours(program, &value, vars);
        let agree = match (&theirs, &mine) {
            (Outcome::Error(_), Outcome::Error(_)) => true,
            (
                Outcome::Values {
                    values: a,
                    text: ta,
                },
                Outcome::Values {
                    values: b,
                    text: tb,
                },
            ) => {
                !error
                    && a.len() == b.len()
                    && a.iter().zip(b).all(|(a, b)| same(a, b))
                    && (!compare_text || ta == tb)
            }
            _ => false,
        };
        let vars = if vars.is_empty() {
            String::new()
        } else {
            let vs: Vec<String> = vars.iter().map(|(n, v)| format!("${n} = {v}")).collect();
            format!("\n  vars:    {}", vs.join(", "))
        };
        let detail = format!(
            "  program: {program}\n  input:   {input}{vars}\n  jq {}: {}\n  ours:    {}",
            jq.version,
            theirs.show(),
            mine.show()
        );
        match (agree, differs) {
            (true, None) => self.agreed += 1,
            (false, Some(why)) => self.known.push(format!("{at}: {program}  ({why})")),
            (true, Some(why)) => self.mismatches.push(format!(
                "{at}: marked `%differs {why}`, but both agree now: remove the mark\n{detail}"
            )),
            (false, None) => {
                let expect = if error { " (both should fail)" } else { "" };
                self.mismatches.push(format!("{at}{expect}\n{detail}"));
            }
        }
    }

    fn finish(self, what: &str, jq: &Jq) {
        println!(
            "jq differential ({what}) against jq {}: {} programs, {} runs, {} agreed, {} rejected \
             at compile time, {} skipped for the jq version, {} known differences, {} mismatches",
            jq.version,
            self.programs,
            self.runs,
            self.agreed,
            self.rejected,
            self.skipped.len(),
            self.known.len(),
            self.mismatches.len()
        );
        for s in &self.skipped {
            println!("  skipped: {s}");
        }
        for k in &self.known {
            println!("  known difference: {k}");
        }
        if !self.mismatches.is_empty() {
            panic!(
                "{} mismatch(es) between jq {} and our engine:\n\n{}",
                self.mismatches.len(),
                jq.version,
                self.mismatches.join("\n\n")
            );
        }
    }
}

/// How to compare one run.
#[derive(Clone, Copy)]
struct CaseKind<'a> {
    vars: &'a [(String, Value)],
    error: bool,
    text: bool,
    differs: Option<&'a str>,
}

#[test]
fn corpus_agrees_with_jq() {
    let Some(jq) = Jq::find() else { return };
    let cases = parse_cases(&corpus_dir().join("cases.txt"));
    assert!(
        cases.len() >= 130,
        "only {} cases in the corpus",
        cases.len()
    );
    let mut report = Report::default();
    for case in &cases {
        report.programs += 1;
        if let Some(name) = &case.reject {
            let names: Vec<&str> = case.vars.iter().map(|(n, _)| n.as_str()).collect();
            match jq::compile(&case.program, &names) {
                Ok(_) => report.mismatches.push(format!(
                    "{}\n  program: {}\n  compiles, but should be rejected at compile time",
                    case.at, case.program
                )),
                Err(diags) if !show_diags(&diags).contains(name.as_str()) => {
                    report.mismatches.push(format!(
                        "{}\n  program: {}\n  rejected, but the message does not name `{name}`: {}",
                        case.at,
                        case.program,
                        show_diags(&diags)
                    ))
                }
                Err(_) => report.rejected += 1,
            }
            continue;
        }
        let too_old = case.since.is_some_and(|v| jq.version < v);
        let too_new = case.before.is_some_and(|v| jq.version >= v);
        if too_old || too_new {
            let why = match (case.since, case.before) {
                (Some(v), _) if too_old => format!("needs jq >= {v}"),
                (_, Some(v)) => format!("needs jq < {v}"),
                _ => unreachable!(),
            };
            report
                .skipped
                .push(format!("{} ({why}): {}", case.at, case.program));
            continue;
        }
        let null = ["null".to_string()];
        let inputs = if case.inputs.is_empty() {
            &null[..]
        } else {
            &case.inputs[..]
        };
        for input in inputs {
            let kind = CaseKind {
                vars: &case.vars,
                error: case.error,
                text: case.text,
                differs: case.differs.as_deref(),
            };
            report.compare(&jq, &case.at, &case.program, input, kind);
        }
    }
    report.finish("corpus", &jq);
}

/// A jq program found in an example app.
struct AppProgram {
    example: String,
    /// JSON pointer of the program in `app.json`.
    pointer: String,
    program: String,
}

fn collect_programs(example: &str, v: &Value, pointer: &str, out: &mut Vec<AppProgram>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let p = format!("{pointer}/{}", k.replace('~', "~0").replace('/', "~1"));
                let found = match (k.as_str(), x) {
                    ("!jq", Value::String(s)) => Some((p.clone(), s)),
                    ("!switch", Value::Object(sw)) => match sw.get("jq") {
                        Some(Value::String(s)) => Some((format!("{p}/jq"), s)),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some((pointer, program)) = found {
                    out.push(AppProgram {
                        example: example.to_string(),
                        pointer,
                        program: program.clone(),
                    });
                }
                collect_programs(example, x, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect_programs(example, x, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Rewrites the `${…}` of a program into jq variables `$__as_N` (`\($__as_N)` inside a string
/// literal) with the rewriter the code generator uses; returns the program and the inner text
/// of each expansion. An expansion here runs from `${` to the next `}` (the code generator
/// parses them fully; the example apps hold no `}` inside one).
fn rewrite_expansions(text: &str) -> (String, Vec<String>) {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|s| s + from) {
        let Some(close) = text[start..].find('}') else {
            break;
        };
        ranges.push(start..start + close + 1);
        from = start + close + 1;
    }
    let inner = ranges
        .iter()
        .map(|r| text[r.start + 2..r.end - 1].to_string())
        .collect();
    (jq::rewrite_expansions(text, &ranges).program, inner)
}

/// The value an expansion stands for: from a table of `examples.json`'s `var_sets` (by the whole expansion
/// text, then by its path), else its default, else a string.
fn expansion_value(inner: &str, table: &serde_json::Map<String, Value>) -> Value {
    let inner = inner.trim();
    let (path, filter) = match inner.split_once('|') {
        Some((p, f)) => (p.trim(), Some(f.trim())),
        None => (inner, None),
    };
    if let Some(v) = table.get(inner).or_else(|| table.get(path)) {
        return v.clone();
    }
    match filter.and_then(|f| f.strip_prefix("default")) {
        Some(d) => Value::from(d.strip_prefix(':').unwrap_or("")),
        None => Value::from(format!("sample {path}")),
    }
}

#[test]
fn example_apps_agree_with_jq() {
    let Some(jq) = Jq::find() else { return };
    let samples_path = corpus_dir().join("examples.json");
    let samples: Value = serde_json::from_str(
        &std::fs::read_to_string(&samples_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", samples_path.display())),
    )
    .expect("examples.json is JSON");
    let var_sets: Vec<serde_json::Map<String, Value>> = samples["var_sets"]
        .as_array()
        .map(|a| a.iter().filter_map(|t| t.as_object().cloned()).collect())
        .unwrap_or_default();
    assert!(!var_sets.is_empty(), "examples.json has no `var_sets`");
    let inputs_of = |example: &str| -> Vec<Value> {
        let mut inputs: Vec<Value> = samples["inputs"][example]
            .as_array()
            .cloned()
            .unwrap_or_default();
        inputs.extend(
            samples["inputs"]["*"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        );
        inputs
    };

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("app.json").is_file())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no example app in {}", root.display());
    let mut programs = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap_or_default().to_string_lossy();
        let file = dir.join("app.json");
        let app: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("app.json"))
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        collect_programs(&name, &app, "", &mut programs);
    }
    assert!(!programs.is_empty(), "no jq program in the example apps");

    let mut report = Report::default();
    for p in &programs {
        report.programs += 1;
        let (program, expansions) = rewrite_expansions(&p.program);
        let at = format!("examples/{}/app.json#{}", p.example, p.pointer);
        // without expansions, one run per input is enough
        let sets = if expansions.is_empty() {
            &var_sets[..1]
        } else {
            &var_sets[..]
        };
        for table in sets {
            let vars: Vec<(String, Value)> = expansions
                .iter()
                .enumerate()
                .map(|(i, e)| (jq::expansion_var(i), expansion_value(e, table)))
                .collect();
            for input in inputs_of(&p.example) {
                let kind = CaseKind {
                    vars: &vars,
                    error: false,
                    text: false,
                    differs: None,
                };
                report.compare(&jq, &at, &program, &input.to_string(), kind);
            }
        }
    }
    report.finish("example apps", &jq);
}

#[test]
fn expansions_are_rewritten_like_the_code_generator() {
    let (p, e) = rewrite_expansions(". + ${piped_content.2}");
    assert_eq!(
        (p.as_str(), e),
        (". + $__as_0", vec!["piped_content.2".to_string()])
    );
    let (p, _) =
        rewrite_expansions(r#"if "${custom_data.m.value|default}" == "" then 0 else 1 end"#);
    assert_eq!(p, r#"if "\($__as_0)" == "" then 0 else 1 end"#);
    let (p, _) = rewrite_expansions(r#""a\(.x + "${subdomain}")b" + ${subdomain}"#);
    assert_eq!(p, r#""a\(.x + "\($__as_0)")b" + $__as_1"#);
    let (p, _) = rewrite_expansions("# ${subdomain} \"\n.a | \"${subdomain}\"");
    assert_eq!(p, "# $__as_0 \"\n.a | \"\\($__as_1)\"");
    let table = serde_json::Map::new();
    assert_eq!(
        expansion_value("a.b|default:x y", &table),
        Value::from("x y")
    );
    assert_eq!(expansion_value("a.b | default", &table), Value::from(""));
}
