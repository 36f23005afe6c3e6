use super::prelude::{PRELUDE, SHIMS};
use super::*;
use serde_json::{Value, json};

/// Runs `program` on `input` (JSON text) and returns the outputs as compact JSON lines.
fn jq(program: &str, input: &str) -> String {
    let p = compile(program, &[]).unwrap_or_else(|e| panic!("{program}: {e:?}"));
    let input: Value = serde_json::from_str(input).expect("test input");
    let out = p
        .run(&input, &[])
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    out.iter()
        .map(|v| serde_json::to_string(v).expect("json"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn jq_err(program: &str, input: &str) -> JqError {
    let p = compile(program, &[]).unwrap_or_else(|e| panic!("{program}: {e:?}"));
    let input: Value = serde_json::from_str(input).expect("test input");
    match p.run(&input, &[]) {
        Ok(out) => panic!("{program}: expected an error, got {out:?}"),
        Err(e) => e,
    }
}

fn diags(program: &str, vars: &[&str]) -> Vec<JqDiag> {
    match check(program, vars) {
        Ok(()) => panic!("{program}: expected errors"),
        Err(d) => d,
    }
}

fn one_diag(program: &str, vars: &[&str]) -> (JqDiag, &'static str) {
    let d = diags(program, vars);
    assert_eq!(d.len(), 1, "{program}: {d:?}");
    let span = d[0].span.clone();
    let text: &'static str = program[span].to_string().leak();
    (d[0].clone(), text)
}

/// Programs typical of integrations with their jq 1.7 outputs, one per line:
/// `program ⇒ input ⇒ outputs` (outputs separated by spaces; `--` starts a comment).
const CASES: &str = r#"
-- paths and updates
.a.b = 1 ⇒ {} ⇒ {"a":{"b":1}}
.a.b |= . + 1 ⇒ {} ⇒ {"a":{"b":1}}
.a[2] = 1 ⇒ null ⇒ {"a":[null,null,1]}
.[0] = 1 ⇒ null ⇒ [1]
.[3] = 1 ⇒ [0] ⇒ [0,null,null,1]
.a += 1 ⇒ {} ⇒ {"a":1}
.a //= 3 ⇒ {"a":null} ⇒ {"a":3}
.a ⇒ null ⇒ null
.a.b.c ⇒ {"a":null} ⇒ null
.[] ⇒ {"a":1,"b":2} ⇒ 1 2
.[1:] ⇒ [1,2,3] ⇒ [2,3]
del(.a) ⇒ {"a":1,"b":2,"c":3} ⇒ {"b":2,"c":3}
{a: 1, b: 2, c: 3} | del(.a) | keys_unsorted ⇒ null ⇒ ["b","c"]
del(.[0,1]) ⇒ [1,2,3] ⇒ [3]
del(.[] | select(. == 2)) ⇒ [1,2,3,2] ⇒ [1,3]
del(.a.b) ⇒ {} ⇒ {}
getpath(["a","b"]) ⇒ {"a":{"b":5}} ⇒ 5
getpath(["a","b"]) ⇒ null ⇒ null
setpath(["a","b"]; 1) ⇒ null ⇒ {"a":{"b":1}}
[paths] ⇒ {"a":{"b":5},"c":[1]} ⇒ [["a"],["a","b"],["c"],["c",0]]
[leaf_paths] ⇒ {"a":{"b":5},"c":[1]} ⇒ [["a","b"],["c",0]]
to_entries ⇒ {"a":1,"b":2} ⇒ [{"key":"a","value":1},{"key":"b","value":2}]
from_entries ⇒ [{"key":"a","value":1},{"k":"b","v":2},{"name":"c","value":3},{"key":1,"value":4}] ⇒ {"a":1,"b":2,"c":3,"1":4}
with_entries(.value += 1) ⇒ {"a":1,"b":2} ⇒ {"a":2,"b":3}
with_entries(select(.value != null)) ⇒ {"a":1,"b":null,"c":3} ⇒ {"a":1,"c":3}
keys ⇒ {"b":1,"a":2} ⇒ ["a","b"]
{b: 1, a: 2} | keys_unsorted ⇒ null ⇒ ["b","a"]
has("a") ⇒ {"a":null} ⇒ true
has(1) ⇒ [1,2] ⇒ true
walk(if type == "number" then . + 1 else . end) ⇒ {"a":[1,{"b":2}]} ⇒ {"a":[2,{"b":3}]}
-- typical integration mappings
.body.items[] | {id: .id, name: .name} ⇒ {"body":{"items":[{"id":1,"name":"a","x":0},{"id":2,"name":"b"}]}} ⇒ {"id":1,"name":"a"} {"id":2,"name":"b"}
[.folders[] | {value: .id, display: .name}] ⇒ {"folders":[{"id":"f1","name":"Inbox"}]} ⇒ [{"value":"f1","display":"Inbox"}]
"\(.a)-\(.b)" ⇒ {"a":"x","b":2} ⇒ "x-2"
"\(.a)" ⇒ {"a":{"b":[1,"c"]}} ⇒ "{\"b\":[1,\"c\"]}"
"total: \(.n * 1.5)" ⇒ {"n":2} ⇒ "total: 3"
.a // "default" ⇒ {"a":false} ⇒ "default"
.a // "default" ⇒ {} ⇒ "default"
.a // "default" ⇒ {"a":0} ⇒ 0
{email: .contact.email, tags: (.tags // [])} ⇒ {"contact":{"email":"e@x"}} ⇒ {"email":"e@x","tags":[]}
map(select(.active)) | length ⇒ [{"active":true},{"active":false}] ⇒ 1
map(.price * .qty) | add ⇒ [{"price":1.5,"qty":2},{"price":2,"qty":3}] ⇒ 9
.items | map(.id) | join(",") ⇒ {"items":[{"id":1},{"id":"b"},{"id":null},{"id":true}]} ⇒ "1,b,,true"
join("-") ⇒ [] ⇒ ""
. as {a: $x, b: [$y]} | [$x, $y] ⇒ {"a":1,"b":[2]} ⇒ [1,2]
reduce .[] as $x (0; . + $x) ⇒ [1,2,3] ⇒ 6
[foreach .[] as $x (0; . + $x)] ⇒ [1,2,3] ⇒ [1,3,6]
[.[] | tostring] ⇒ [1,"1",[1],null,true,1.5] ⇒ ["1","1","[1]","null","true","1.5"]
[.[] | tonumber] ⇒ ["12","1.5","-3",7] ⇒ [12,1.5,-3,7]
tostring ⇒ 3.0 ⇒ "3.0"
. * 2 | tostring ⇒ 1.5 ⇒ "3"
if . then 1 end ⇒ false ⇒ false
if . then 1 end ⇒ true ⇒ 1
if . > 1 then "big" elif . > 0 then "small" else "none" end ⇒ 1 ⇒ "small"
try error("boom") catch . ⇒ null ⇒ "boom"
[.[] | numbers] ⇒ [1,"a",null] ⇒ [1]
[.[] | select(type == "string")] ⇒ [1,"a",null] ⇒ ["a"]
-- strings
ascii_downcase ⇒ "AbC" ⇒ "abc"
ascii_upcase ⇒ "abc" ⇒ "ABC"
test("a.c") ⇒ "xabcx" ⇒ true
test("A"; "i") ⇒ "a" ⇒ true
test("a"; null) ⇒ "a" ⇒ true
split(",") ⇒ "a,b,,c" ⇒ ["a","b","","c"]
[splits(", *"; null)] ⇒ "a, b,c" ⇒ ["a","b","c"]
gsub("a"; "b") ⇒ "banana" ⇒ "bbnbnb"
sub("a"; "b") ⇒ "banana" ⇒ "bbnana"
gsub("(?<x>[0-9])"; "<\(.x)>") ⇒ "a1b2" ⇒ "a<1>b<2>"
gsub("\\s+"; " ") ⇒ "a  b\n c" ⇒ "a b c"
capture("(?<y>\\d+)-(?<m>\\d+)") ⇒ "2023-11" ⇒ {"y":"2023","m":"11"}
[scan("\\d+")] ⇒ "a1b22c333" ⇒ ["1","22","333"]
ltrimstr("a") ⇒ "abc" ⇒ "bc"
ltrimstr("a") ⇒ 1 ⇒ 1
rtrimstr("c") ⇒ "abc" ⇒ "ab"
startswith("ab") ⇒ "abc" ⇒ true
endswith("bc") ⇒ "abc" ⇒ true
length ⇒ "héllo" ⇒ 5
length ⇒ -5 ⇒ 5
length ⇒ {"a":1} ⇒ 1
implode ⇒ [65,66] ⇒ "AB"
explode ⇒ "AB" ⇒ [65,66]
ascii ⇒ 65 ⇒ "A"
index(",") ⇒ "a,b" ⇒ 1
contains("bar") ⇒ "foobar" ⇒ true
contains({a: [1]}) ⇒ {"a":[1,2],"b":3} ⇒ true
inside([1,2,3]) ⇒ [1] ⇒ true
utf8bytelength ⇒ "é" ⇒ 2
reverse ⇒ "abc" ⇒ "cba"
-- formats
@base64 ⇒ "hello" ⇒ "aGVsbG8="
@base64d ⇒ "aGVsbG8=" ⇒ "hello"
@base64d ⇒ "aGVsbG8" ⇒ "hello"
@uri ⇒ "a b&c=d/é~" ⇒ "a%20b%26c%3Dd%2F%C3%A9~"
@csv ⇒ [1,"a\"b",null,true] ⇒ "1,\"a\"\"b\",,true"
@tsv ⇒ [1,"a\tb",null,true] ⇒ "1\ta\\tb\t\ttrue"
@json ⇒ {"a":[1,2]} ⇒ "{\"a\":[1,2]}"
@json "v=\(.)" ⇒ "x" ⇒ "v=\"x\""
@text ⇒ [1] ⇒ "[1]"
@html ⇒ "<a>" ⇒ "&lt;a&gt;"
@sh ⇒ "it's" ⇒ "'it'\\''s'"
fromjson ⇒ "{\"a\":1}" ⇒ {"a":1}
tojson ⇒ {"a":1.5,"b":"x"} ⇒ "{\"a\":1.5,\"b\":\"x\"}"
[.[] | tojson] ⇒ [1, 1.0, 100000000000000000000] ⇒ ["1","1.0","100000000000000000000"]
-- dates
todate ⇒ 1700000000 ⇒ "2023-11-14T22:13:20Z"
todate ⇒ 1700000000.5 ⇒ "2023-11-14T22:13:20Z"
fromdateiso8601 ⇒ "2023-11-14T22:13:20Z" ⇒ 1700000000
fromdate ⇒ "2023-11-14T22:13:20Z" ⇒ 1700000000
strftime("%Y-%m-%dT%H:%M:%SZ") ⇒ 1700000000 ⇒ "2023-11-14T22:13:20Z"
strftime("%A, %B %d, %Y") ⇒ 1700000000 ⇒ "Tuesday, November 14, 2023"
gmtime ⇒ 1700000000 ⇒ [2023,10,14,22,13,20,2,317]
strptime("%Y-%m-%d") | mktime ⇒ "2023-11-14" ⇒ 1699920000
now | type ⇒ null ⇒ "number"
(now | floor) > 1700000000 ⇒ null ⇒ true
-- arrays and aggregation
add ⇒ [1,2,3] ⇒ 6
add ⇒ ["a","b"] ⇒ "ab"
add ⇒ [] ⇒ null
add ⇒ [{"a":1},{"b":2}] ⇒ {"a":1,"b":2}
any ⇒ [false,1] ⇒ true
all ⇒ [] ⇒ true
any(. > 2) ⇒ [1,3] ⇒ true
unique ⇒ [3,1,3,2] ⇒ [1,2,3]
sort_by(.a) | map(.a) ⇒ [{"a":2},{"a":1}] ⇒ [1,2]
group_by(.a) | map(length) ⇒ [{"a":2},{"a":1},{"a":2}] ⇒ [1,2]
min_by(.a) ⇒ [{"a":2},{"a":1}] ⇒ {"a":1}
max_by(.a) ⇒ [{"a":2},{"a":1}] ⇒ {"a":2}
first, last ⇒ [1,2] ⇒ 1 2
first ⇒ [] ⇒ null
[last(empty)] ⇒ null ⇒ [null]
[limit(3; range(10))] ⇒ null ⇒ [0,1,2]
[limit(0; 1, 2)] ⇒ null ⇒ []
[limit(-1; 1, 2)] ⇒ null ⇒ [1,2]
[range(5)] ⇒ null ⇒ [0,1,2,3,4]
[range(0; 10; 3)] ⇒ null ⇒ [0,3,6,9]
[.[] | floor] ⇒ [1.7,-1.2] ⇒ [1,-2]
sqrt ⇒ 16 ⇒ 4
pow(2; 10) ⇒ null ⇒ 1024
[splits("b")] ⇒ "abc" ⇒ ["a","c"]
flatten ⇒ [1,[2,[3]]] ⇒ [1,2,3]
transpose ⇒ [[1,2],[3]] ⇒ [[1,3],[2,null]]
INDEX(.id) | keys ⇒ [{"id":"x"},{"id":"y"}] ⇒ ["x","y"]
IN(2, 3) ⇒ 3 ⇒ true
[tostream] | fromstream(.[]) ⇒ {"a":[1,{"b":2}]} ⇒ {"a":[1,{"b":2}]}
to_entries | map("\(.key)=\(.value)") | join("&") ⇒ {"a":1,"b":"x"} ⇒ "a=1&b=x"
-- numbers
1 / 3 ⇒ null ⇒ 0.3333333333333333
. + 1 ⇒ 9007199254740993 ⇒ 9007199254740994
. ⇒ 18446744073709551615 ⇒ 18446744073709551615
. ⇒ 1.0 ⇒ 1.0
1e1000 ⇒ null ⇒ 1.7976931348623157e308
[nan] | tojson ⇒ null ⇒ "[null]"
5.5 % 2 ⇒ null ⇒ 1
{a: (1, 2)} ⇒ null ⇒ {"a":1} {"a":2}
# nothing but a comment ⇒ {"a":1} ⇒ {"a":1}
"#;

#[test]
fn jq_compatibility() {
    let parse = |s: &str| {
        serde_json::Deserializer::from_str(s)
            .into_iter::<Value>()
            .collect::<Result<Vec<_>, _>>()
            .unwrap_or_else(|e| panic!("bad expected output {s}: {e}"))
    };
    let mut failures = Vec::new();
    let mut count = 0;
    for line in CASES
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
    {
        let [program, input, expected] = line.split(" ⇒ ").collect::<Vec<_>>()[..] else {
            panic!("bad case {line}");
        };
        count += 1;
        let got =
            std::panic::catch_unwind(|| jq(program, input)).unwrap_or_else(|_| "<panic>".into());
        // compare as JSON values, so that number formatting does not matter
        if got == "<panic>" || parse(&got) != parse(expected) {
            failures.push(format!("{program} <<< {input}: got {got}, want {expected}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(count >= 40);
}

#[test]
fn runtime_errors() {
    assert_eq!(
        jq_err("error(\"boom\")", "null"),
        JqError::Runtime("boom".into())
    );
    assert_eq!(
        jq_err("error({a: 1})", "null"),
        JqError::Runtime(r#"{"a":1} (not a string)"#.into())
    );
    assert!(
        matches!(jq_err(".a.b", r#"{"a":1}"#), JqError::Runtime(m) if m.contains("cannot index"))
    );
    assert!(
        matches!(jq_err("1 / 0", "null"), JqError::Runtime(m) if m.contains("divisor is zero"))
    );
    assert!(
        matches!(jq_err("tonumber", r#""abc""#), JqError::Runtime(m) if m.contains("cannot parse"))
    );
    assert!(matches!(
        jq_err("getpath([1])", r#"{"a":1}"#),
        JqError::Runtime(_)
    ));
    assert!(
        matches!(jq_err("{(1): 2}", "null"), JqError::Runtime(m) if m.contains("must be strings"))
    );
    assert!(
        matches!(jq_err(".[-1] = 1", "[]"), JqError::Runtime(m) if m.contains("out of bounds"))
    );
    assert!(matches!(
        jq_err("contains(1)", r#""a""#),
        JqError::Runtime(_)
    ));
    let e = jq_err("error(\"boom\")", "null");
    assert_eq!(e.to_string(), "the jq program failed: boom");
}

#[test]
fn limits() {
    assert_eq!(jq("[limit(10001; repeat(1))] | length", "null"), "10001");
    match jq_err("range(10001)", "null") {
        JqError::Limit(m) => assert!(m.contains("10000")),
        e => panic!("{e:?}"),
    }
    assert_eq!(jq("range(10000)", "null").split(' ').count(), MAX_OUTPUTS);
    match jq_err("reduce range(2000) as $i (null; [.])", "null") {
        JqError::Limit(m) => assert!(m.contains("nested")),
        e => panic!("{e:?}"),
    }
}

#[test]
fn value_conversion_is_exact() {
    let p = compile(".", &[]).expect("compile");
    let input = json!({
        "s": "x\u{0}é\"\\",
        "i": -42,
        "big": 9_223_372_036_854_775_807i64,
        "min": i64::MIN,
        "u": u64::MAX,
        "f": 1.5,
        "one": 1.0,
        "tiny": 1e-300,
        "huge": 1e300,
        "a": [true, false, null, [], {}],
        "z": {"b": 1, "a": 2},
    });
    let out = p.run(&input, &[]).expect("run");
    assert_eq!(out, vec![input.clone()]);
    // key order is kept (as far as `serde_json::Map` keeps it: without its
    // `preserve_order` feature, it sorts keys)
    let keys: Vec<&String> = out[0].as_object().expect("object").keys().collect();
    let want: Vec<&String> = input.as_object().expect("object").keys().collect();
    assert_eq!(keys, want);
    // computed integral numbers are integers, like jq prints them
    let out = compile("[.a * 2, .a / 2, 1e17 + 0]", &[])
        .expect("compile")
        .run(&json!({"a": 3}), &[])
        .expect("run");
    assert_eq!(out, vec![json!([6, 1.5, 1e17])]);
    assert_eq!(out[0][0], json!(6));
}

#[test]
fn number_printing_follows_jq() {
    let cases = [
        (3.0, "3"),
        (1.0 / 3.0, "0.3333333333333333"),
        (1e17, "1e+17"),
        (1.1e16, "11000000000000000"),
        (123456789012345678.0, "123456789012345680"),
        (1e300, "1e+300"),
        (0.00001, "1e-05"),
        (0.0001, "0.0001"),
        (1.5e-7, "1.5e-07"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-0.0, "-0"),
        (f64::NAN, "null"),
        (f64::INFINITY, "1.7976931348623157e+308"),
    ];
    for (f, want) in cases {
        let mut s = String::new();
        value::json::write_f64(f, &mut s);
        assert_eq!(s, want, "{f:e}");
    }
    assert_eq!(
        jq("[1e17 + 0, 0.1 + 0.2] | tostring", "null"),
        r#""[1e+17,0.30000000000000004]""#
    );
}

#[test]
fn globals_are_bound_in_order() {
    let p = compile("\"\\($__as_0)!\"", &["__as_0"]).expect("compile");
    assert_eq!(
        p.run(&json!(null), &[json!("x")]).expect("run"),
        vec![json!("x!")]
    );
    let p = compile("[$a, $b, .]", &["a", "b"]).expect("compile");
    assert_eq!(
        p.run(&json!(3), &[json!(1), json!({"k": 2})]).expect("run"),
        vec![json!([1, {"k": 2}, 3])]
    );
    // a selected value full of jq syntax is just a string
    let p = compile(". + $x", &["x"]).expect("compile");
    assert_eq!(
        p.run(&json!("a"), &[json!("\") | env | (\"")])
            .expect("run"),
        vec![json!("a\") | env | (\"")]
    );
    assert_eq!(
        p.run(&json!(null), &[]),
        Err(JqError::VarCount {
            expected: 1,
            found: 0
        })
    );
}

#[test]
fn program_is_send_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Program>();
    static CACHED: std::sync::OnceLock<Program> = std::sync::OnceLock::new();
    let p = CACHED.get_or_init(|| compile(".a", &[]).expect("compile"));
    let h = std::thread::spawn(move || p.run(&json!({"a": 1}), &[]).expect("run"));
    assert_eq!(h.join().expect("thread"), vec![json!(1)]);
}

#[test]
fn syntax_error_is_located() {
    let program = ".foo | map(.bar";
    let (d, _) = one_diag(program, &[]);
    assert!(d.message.contains("expected `)`"), "{d:?}");
    assert_eq!(d.span, program.len() - 1..program.len());

    let (d, text) = one_diag(".a | ]", &[]);
    assert_eq!(d.message, "unexpected token `]`");
    assert_eq!(text, "]");

    let (d, text) = one_diag(".a & .b", &[]);
    assert_eq!(d.message, "unexpected character `&`");
    assert_eq!(text, "&");

    let (d, text) = one_diag("[.a, ]", &[]);
    assert_eq!(d.message, "unexpected token `]`");
    assert_eq!(text, "]");

    let (d, text) = one_diag("if . then 1 else 2", &[]);
    assert_eq!(d.message, "expected `end`, found end of input");
    assert_eq!(text, "2");

    let (d, text) = one_diag(".a 1", &[]);
    assert_eq!(d.message, "unexpected token `1`");
    assert_eq!(text, "1");

    let (d, text) = one_diag("{a: 1 b: 2}", &[]);
    assert_eq!(d.message, "expected `,` or `}`, found `b`");
    assert_eq!(text, "b");

    let (d, text) = one_diag(".a | \"abc", &[]);
    assert_eq!(d.message, "unterminated string");
    assert_eq!(text, "\"");

    let (d, text) = one_diag("\"a\\qb\"", &[]);
    assert_eq!(d.message, "invalid escape sequence `\\q`");
    assert_eq!(text, "\\q");

    let (d, text) = one_diag("reduce .[] as $x (0)", &[]);
    assert!(d.message.contains("`reduce`"), "{d:?}");
    assert_eq!(text, "reduce");
}

#[test]
fn unknown_filter_is_located_with_suggestion() {
    let (d, text) = one_diag(".[] | lenght", &[]);
    assert_eq!(d.message, "unknown filter `lenght/0`");
    assert_eq!(text, "lenght");
    assert_eq!(d.help.as_deref(), Some("did you mean `length`?"));

    let (d, text) = one_diag("map(.a) | to_entry", &[]);
    assert_eq!(text, "to_entry");
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("to_entries")),
        "{d:?}"
    );

    let (d, text) = one_diag("map", &[]);
    assert_eq!(d.message, "unknown filter `map/0`");
    assert_eq!(text, "map");
    assert_eq!(d.help.as_deref(), Some("`map` takes 1 argument, not 0"));

    // all errors are collected, in order
    let d = diags("foo | bar(1) | $baz", &[]);
    let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "unknown filter `foo/0`",
            "unknown filter `bar/1`",
            "unknown variable `$baz`"
        ]
    );

    // user definitions and keywords used as object keys are fine
    assert_eq!(check("def f: 1; f", &[]), Ok(()));
    assert_eq!(check("{input: .a, env: .b, if: 1}", &[]), Ok(()));
    assert_eq!(check("  # only a comment\n", &[]), Ok(()));
}

#[test]
fn unknown_variable_is_located() {
    let (d, text) = one_diag("$foo", &["bar"]);
    assert_eq!(d.message, "unknown variable `$foo`");
    assert_eq!(text, "$foo");
    assert_eq!(
        d.help.as_deref(),
        Some("the variables defined here are `$bar`")
    );

    let (d, _) = one_diag(".a | $__as_1", &["__as_0"]);
    assert_eq!(d.help.as_deref(), Some("did you mean `$__as_0`?"));

    let (d, _) = one_diag(". as $item | $itme", &[]);
    assert_eq!(d.help.as_deref(), Some("did you mean `$item`?"));
}

#[test]
fn sandbox_rejections_are_located() {
    let cases = [
        ("env.HOME", "env"),
        ("$ENV.PATH", "$ENV"),
        (".a | input", "input"),
        ("[inputs]", "inputs"),
        ("halt_error", "halt_error"),
        ("halt_error(1)", "halt_error"),
        ("halt", "halt"),
        ("input_filename", "input_filename"),
        ("$__loc__", "$__loc__"),
        (".a | debug", "debug"),
        ("debug(\"x\")", "debug"),
        ("stderr", "stderr"),
        ("input_line_number", "input_line_number"),
        ("get_search_list", "get_search_list"),
        ("import \"a\" as a; .", "import"),
        ("include \"a\"; .", "include"),
        ("import \"data\" as $d; .", "import"),
    ];
    for (program, token) in cases {
        let (d, text) = one_diag(program, &[]);
        assert_eq!(text, token, "{program}: {d:?}");
        assert_eq!(
            d.message,
            format!("`{token}` is not allowed: jq programs run sandboxed"),
            "{program}"
        );
    }
}

#[test]
fn shims_and_prelude_load() {
    let parsed = jaq_core::load::parse(SHIMS, |p| p.defs()).expect("shims parse");
    assert!(parsed.len() > 40);
    assert!(
        PRELUDE
            .names
            .iter()
            .any(|(n, a)| *n == "leaf_paths" && *a == 0)
    );
    assert!(
        !PRELUDE
            .names
            .iter()
            .any(|(n, _)| *n == "env" || n.starts_with('_'))
    );
}

#[test]
fn compile_is_fast() {
    let programs = [
        ".body.items[] | {id: .id, name: .name}",
        "\"\\(.a)-\\(.b)\"",
        "[.folders[] | {value: .id, display: .name}] | sort_by(.display)",
    ];
    // warm up (parses the standard definitions once)
    for p in programs {
        check(p, &["__as_0"]).expect("compiles");
    }
    let n = 20;
    let start = std::time::Instant::now();
    for _ in 0..n {
        for p in programs {
            check(p, &["__as_0"]).expect("compiles");
        }
    }
    let per = start.elapsed() / (n * programs.len() as u32);
    // generous bound for debug builds on slow machines; release builds are far below 1 ms
    assert!(
        per < std::time::Duration::from_millis(50),
        "{per:?} per compile"
    );
}

/// Runs `program` under `limits` and returns the message of the limit it exceeded.
fn limit_err(program: &str, limits: &Limits) -> String {
    let p = compile(program, &[]).unwrap_or_else(|e| panic!("{program}: {e:?}"));
    match p.run_with_limits(&json!(0), &[], limits) {
        Err(JqError::Limit(m)) => m,
        other => panic!("{program}: expected a limit error, got {other:?}"),
    }
}

#[test]
fn runaway_programs_are_stopped() {
    let quick = Limits {
        time: std::time::Duration::from_millis(300),
        stack: 4 << 20,
        ..Limits::default()
    };
    // endless loops end at the time (or step) limit
    for p in ["def f: f; f", "last(repeat(1))", "[recurse(. + 1)]"] {
        let m = limit_err(p, &quick);
        assert!(m.contains("ms") || m.contains("steps"), "{p}: {m}");
    }
    let few_steps = Limits {
        steps: 10_000,
        ..quick
    };
    assert!(limit_err("last(range(1e9))", &few_steps).contains("10000 evaluation steps"));
    // endless recursion ends at the stack limit, on a thread of its own, and `try` does not
    // catch it
    for p in ["def f: f + 1; f", "try (def f: f + 1; f) catch \"caught\""] {
        assert!(limit_err(p, &quick).contains("recursion deeper"), "{p}");
    }
    // values too large to build
    let small = Limits {
        output_bytes: 1 << 20,
        ..quick
    };
    for p in [
        "\"x\" * 1e9 | length",
        "reduce range(40) as $i (\"x\"; . + .) | length",
    ] {
        assert!(limit_err(p, &small).contains("larger than"), "{p}");
    }
    // outputs too large to return
    let m = limit_err("[range(2e5)]", &small);
    assert!(m.contains("output") || m.contains("larger"), "{m}");
    // bounded recursion and ordinary programs still run
    let p = compile(
        "def f(n): if n == 0 then 0 else f(n - 1) + 1 end; f(200)",
        &[],
    )
    .expect("compile");
    assert_eq!(p.run(&json!(0), &[]).expect("run"), vec![json!(200)]);
}
