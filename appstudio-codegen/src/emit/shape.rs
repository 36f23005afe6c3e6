//! The shape of the public API, read leniently from the JSON tree, so that the same items are
//! emitted for a valid app and, as a skeleton, for an app with errors (one mistake, one error).

use crate::json::{Node, Value};
use crate::source::{Source, Span};
use crate::spec::{self, Cx, Namespace};

/// What the typed API is generated from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shape {
    /// One per `auth` entry.
    pub auth: Vec<AuthShape>,
    /// One per workflow.
    pub workflows: Vec<WorkflowShape>,
}

/// An auth entry.
#[derive(Debug, Clone)]
pub(crate) struct AuthShape {
    /// Key under `auth`.
    pub key: String,
    /// `type`.
    pub kind: String,
    /// Declared `defined_fields` names.
    pub fields: Vec<String>,
    /// Doc location.
    pub at: String,
}

/// A workflow.
#[derive(Debug, Clone)]
pub(crate) struct WorkflowShape {
    /// `name`.
    pub name: String,
    /// `label`.
    pub label: String,
    /// Doc location.
    pub at: String,
    /// Form fields in order.
    pub fields: Vec<FieldShape>,
    /// Static `describe_source` options: `(id, title)`.
    pub source_fields: Vec<(String, String)>,
    /// Static `describe_target` options: `(id, title)`.
    pub target_fields: Vec<(String, String)>,
}

/// A form field.
#[derive(Debug, Clone)]
pub(crate) struct FieldShape {
    /// `id`.
    pub id: String,
    /// `label`.
    pub label: String,
    /// `type` (`text` when unreadable).
    pub kind: String,
    /// `required` (default `true`).
    pub required: bool,
    /// Whether it has `options`.
    pub has_options: bool,
    /// Ids of the fields its options read, in order of first use.
    pub depends_on: Vec<String>,
    /// Doc location.
    pub at: String,
}

fn str_of<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str)
}

fn items(n: Option<&Node>) -> &[Node] {
    match n.map(|n| &n.value) {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

/// Reads the shape of the app at `root`.
pub(crate) fn read(root: &Node, source: &Source) -> Shape {
    let at = |span: Span| source.location(span.start);
    let mut shape = Shape::default();
    if let Some(Node {
        value: Value::Object(members),
        ..
    }) = root.get("auth")
    {
        for m in members.iter().filter(|m| m.key != "_comment") {
            let fields = match m.value.get("defined_fields").map(|d| &d.value) {
                Some(Value::Object(f)) => f
                    .iter()
                    .filter(|f| {
                        ["username", "password", "token", "subdomain"].contains(&f.key.as_str())
                    })
                    .map(|f| f.key.clone())
                    .collect(),
                _ => Vec::new(),
            };
            shape.auth.push(AuthShape {
                key: m.key.clone(),
                kind: str_of(&m.value, "type").unwrap_or("").to_owned(),
                fields,
                at: at(m.key_span),
            });
        }
    }
    for wf in items(root.get("workflows")) {
        let Some(name) = str_of(wf, "name") else {
            continue;
        };
        let setup = wf.get("setup");
        let select = setup.and_then(|s| s.get("select"));
        let mut fields: Vec<FieldShape> = Vec::new();
        for f in items(select.and_then(|s| s.get("form_fields"))) {
            let Some(id) = str_of(f, "id") else { continue };
            if fields.iter().any(|x| x.id == id) {
                continue;
            }
            let options = f.get("options");
            let mut depends_on = Vec::new();
            if let Some(o) = options {
                expansions(o, source, &mut |ns, first| {
                    if ns == Namespace::CustomData
                        && fields.iter().any(|x| x.id == first)
                        && !depends_on.iter().any(|d: &String| d == first)
                    {
                        depends_on.push(first.to_owned());
                    }
                });
            }
            fields.push(FieldShape {
                id: id.to_owned(),
                label: str_of(f, "label").unwrap_or(id).to_owned(),
                kind: str_of(f, "type").unwrap_or("text").to_owned(),
                required: !matches!(
                    f.get("required").map(|r| &r.value),
                    Some(Value::Bool(false))
                ),
                has_options: options.is_some(),
                depends_on,
                at: at(f.span),
            });
        }
        let map = setup.and_then(|s| s.get("map"));
        let side = |key: &str| -> Vec<(String, String)> {
            items(map.and_then(|m| m.get(key)).and_then(|s| s.get("options")))
                .iter()
                .filter_map(|o| {
                    let id = match o.get("id").map(|i| &i.value) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Number(n)) => n.clone(),
                        _ => return None,
                    };
                    Some((id, str_of(o, "title").unwrap_or("").to_owned()))
                })
                .collect()
        };
        shape.workflows.push(WorkflowShape {
            name: name.to_owned(),
            label: str_of(wf, "label").unwrap_or(name).to_owned(),
            at: at(wf.span),
            fields,
            source_fields: side("describe_source"),
            target_fields: side("describe_target"),
        });
    }
    shape
}

/// Calls `f(namespace, first path segment)` for every well-formed expansion under `node`.
fn expansions(node: &Node, source: &Source, f: &mut impl FnMut(Namespace, &str)) {
    match &node.value {
        Value::String(s) if s.contains("${") => {
            let mut cx = Cx::new(source);
            for p in spec::parse_pieces(s, node.span, &mut cx).unwrap_or_default() {
                if let spec::Piece::Var(e) = p {
                    f(e.ns, e.path.first().map_or("", |s| s.name.as_str()));
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| expansions(i, source, f)),
        Value::Object(members) => members.iter().for_each(|m| expansions(&m.value, source, f)),
        _ => {}
    }
}
