//! The shape of the public API: taken from the spec model of a valid app, or read leniently from
//! the JSON tree for the skeleton emitted after errors (one mistake, one error: the skeleton keeps
//! the items of parts the model left out as broken).

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
    /// Whether the app has `objects` (custom objects).
    pub objects: bool,
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
    /// `auth`: the key of its auth entry.
    pub auth: String,
    /// The kind of its `data_intake`.
    pub intake: IntakeShape,
    /// Whether it has a `historical_data_intake`.
    pub historical: bool,
    /// Whether `setup.connect` has `describe_connection`.
    pub describes_connection: bool,
    /// Whether `setup.select` has `describe_selection`.
    pub describes_selection: bool,
    /// Form fields in order.
    pub fields: Vec<FieldShape>,
    /// The `map` step, if any.
    pub map: Option<MapShape>,
}

/// The kind of a workflow's `data_intake`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IntakeShape {
    /// No `data_intake` (outbound).
    None,
    /// A webhook intake.
    Webhook,
    /// A polling intake.
    Polling,
    /// A name that names no intake (only after errors).
    Unknown,
}

/// A `map` step: the options of each side, `None` where a command loads them.
#[derive(Debug, Clone, Default)]
pub(crate) struct MapShape {
    /// `describe_source`'s static options.
    pub source: Option<Vec<MapOptShape>>,
    /// `describe_target`'s static options.
    pub target: Option<Vec<MapOptShape>>,
}

/// A static map option.
#[derive(Debug, Clone)]
pub(crate) struct MapOptShape {
    /// `id` (a number as its text).
    pub id: String,
    /// `title`.
    pub title: String,
    /// `group`.
    pub group: Option<String>,
    /// `source_fields`: the fixed values a target option offers (D26).
    pub fixed: Vec<FixedShape>,
}

/// A fixed value of a static map option's `source_fields`.
#[derive(Debug, Clone)]
pub(crate) struct FixedShape {
    /// `id` (a number as its text).
    pub id: String,
    /// Whether the `id` is a number.
    pub number: bool,
    /// `title`.
    pub title: String,
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
    /// Whether its options take a `search_term`.
    pub search: bool,
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

/// The shape of a loaded app.
pub(super) fn of_app(app: &spec::App, source: &Source) -> Shape {
    let at = |span: Span| source.location(span.start);
    let auth = app
        .auth
        .get()
        .into_iter()
        .flat_map(|m| m.0.iter())
        .map(|(key, a)| {
            let mut fields: Vec<(Span, &str)> = a
                .defined_fields()
                .map(|d| {
                    [
                        (&d.username, "username"),
                        (&d.password, "password"),
                        (&d.token, "token"),
                        (&d.subdomain, "subdomain"),
                    ]
                    .into_iter()
                    .filter_map(|(f, name)| f.as_ref().map(|f| (f.span, name)))
                    .collect()
                })
                .unwrap_or_default();
            // In file order, as the raw reading gives them.
            fields.sort_by_key(|(span, _)| span.start);
            AuthShape {
                key: key.value.clone(),
                kind: a.type_name().to_owned(),
                fields: fields.into_iter().map(|(_, n)| n.to_owned()).collect(),
                at: at(key.span),
            }
        })
        .collect();
    let intakes = intake_kinds(app);
    let workflows = app
        .workflows
        .get()
        .into_iter()
        .flatten()
        .map(|wf| workflow_of(wf, &intakes, source))
        .collect();
    Shape {
        auth,
        workflows,
        objects: app.objects.as_ref().is_some_and(|o| !o.is_empty()),
    }
}

/// Each intake's name and kind.
fn intake_kinds(app: &spec::App) -> Vec<(&str, IntakeShape)> {
    app.data_intake
        .iter()
        .flatten()
        .map(|i| {
            let kind = match i {
                spec::Intake::Webhook(_) => IntakeShape::Webhook,
                spec::Intake::Polling(_) => IntakeShape::Polling,
            };
            (i.name().value.as_str(), kind)
        })
        .collect()
}

/// The kind of the intake `name` names.
fn intake_of(name: Option<&str>, kinds: &[(&str, IntakeShape)]) -> IntakeShape {
    match name {
        None => IntakeShape::None,
        Some(name) => kinds
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(IntakeShape::Unknown, |(_, k)| *k),
    }
}

fn workflow_of(
    wf: &spec::Workflow,
    intakes: &[(&str, IntakeShape)],
    source: &Source,
) -> WorkflowShape {
    let at = |span: Span| source.location(span.start);
    let mut fields: Vec<FieldShape> = Vec::new();
    let setup = wf.setup.get();
    for f in setup
        .and_then(|s| s.select.as_ref())
        .into_iter()
        .flat_map(|s| &s.form_fields)
    {
        // Fields its options read, declared before it, by first use in the file.
        let mut uses: Vec<(u32, String)> = Vec::new();
        if let Some(o) = &f.options {
            o.walk_expansions(&mut |e| {
                if e.ns == Namespace::CustomData
                    && let Some(id) = e.path.first()
                    && fields.iter().any(|x| x.id == id.name)
                {
                    uses.push((id.span.start, id.name.clone()));
                }
            });
        }
        uses.sort();
        let mut depends_on: Vec<String> = Vec::new();
        for (_, id) in uses {
            if !depends_on.contains(&id) {
                depends_on.push(id);
            }
        }
        fields.push(FieldShape {
            id: f.id.value.clone(),
            label: f.label.value.clone(),
            kind: f.kind.value.as_str().to_owned(),
            required: f.is_required(),
            has_options: f.options.is_some(),
            search: f.search_term.is_some(),
            depends_on,
            at: at(f.span),
        });
    }
    let side = |s: Option<&spec::MapSide>| -> Option<Vec<MapOptShape>> {
        match s.map(|s| &s.options) {
            Some(spec::OptionsOf::Static(list)) => Some(
                list.iter()
                    .map(|o| MapOptShape {
                        id: scalar_text(&o.id).0,
                        title: o.title.value.clone(),
                        group: o.group.as_ref().map(|g| g.value.clone()),
                        fixed: o
                            .source_fields
                            .iter()
                            .flatten()
                            .map(|f| {
                                let (id, number) = scalar_text(&f.id);
                                FixedShape {
                                    id,
                                    number,
                                    title: f.title.value.clone(),
                                }
                            })
                            .collect(),
                    })
                    .collect(),
            ),
            _ => None,
        }
    };
    let map = setup.and_then(|s| s.map.as_ref()).map(|m| MapShape {
        source: side(Some(&m.describe_source)),
        target: side(m.describe_target.as_ref()),
    });
    WorkflowShape {
        name: wf.name.value.clone(),
        label: wf.label.value.clone(),
        at: at(wf.span),
        auth: wf.auth.value.clone(),
        intake: intake_of(wf.data_intake.as_ref().map(|t| t.value.as_str()), intakes),
        historical: wf.historical_data_intake.is_some(),
        describes_connection: setup.is_some_and(|s| s.connect.describe_connection.is_some()),
        describes_selection: setup
            .and_then(|s| s.select.as_ref())
            .is_some_and(|s| s.describe_selection.is_some()),
        fields,
        map,
    }
}

/// Reads the shape of the app at `root`, leniently.
pub(super) fn read(root: &Node, source: &Source) -> Shape {
    let at = |span: Span| source.location(span.start);
    // after errors: every capability, so that the user's code gets no cascade
    let mut shape = Shape {
        objects: true,
        ..Shape::default()
    };
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
    let intakes: Vec<(&str, IntakeShape)> = items(root.get("data_intake"))
        .iter()
        .filter_map(|i| {
            let kind = match str_of(i, "type") {
                Some("webhook") => IntakeShape::Webhook,
                Some("polling") => IntakeShape::Polling,
                _ => IntakeShape::Unknown,
            };
            Some((str_of(i, "name")?, kind))
        })
        .collect();
    shape.workflows = items(root.get("workflows"))
        .iter()
        .filter_map(|wf| read_workflow(wf, &intakes, source))
        .collect();
    shape
}

/// Reads one workflow, leniently; `None` without a `name`.
fn read_workflow(
    wf: &Node,
    intakes: &[(&str, IntakeShape)],
    source: &Source,
) -> Option<WorkflowShape> {
    let at = |span: Span| source.location(span.start);
    let name = str_of(wf, "name")?;
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
            search: f.get("search_term").is_some(),
            depends_on,
            at: at(f.span),
        });
    }
    let side = |m: &Node, key: &str| -> Option<Vec<MapOptShape>> {
        let options = m.get(key).and_then(|s| s.get("options"))?;
        let Value::Array(list) = &options.value else {
            return None;
        };
        Some(
            list.iter()
                .filter_map(|o| {
                    let id = match o.get("id").map(|i| &i.value) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Number(n)) => n.clone(),
                        _ => return None,
                    };
                    let fixed = match o.get("source_fields").map(|f| &f.value) {
                        Some(Value::Array(values)) => values
                            .iter()
                            .filter_map(|f| {
                                let (id, number) = match f.get("id").map(|i| &i.value) {
                                    Some(Value::String(s)) => (s.clone(), false),
                                    Some(Value::Number(n)) => (n.clone(), true),
                                    _ => return None,
                                };
                                Some(FixedShape {
                                    id,
                                    number,
                                    title: str_of(f, "title").unwrap_or("").to_owned(),
                                })
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    Some(MapOptShape {
                        id,
                        title: str_of(o, "title").unwrap_or("").to_owned(),
                        group: str_of(o, "group").map(str::to_owned),
                        fixed,
                    })
                })
                .collect(),
        )
    };
    let map = setup.and_then(|s| s.get("map")).map(|m| MapShape {
        source: side(m, "describe_source"),
        target: side(m, "describe_target"),
    });
    Some(WorkflowShape {
        name: name.to_owned(),
        label: str_of(wf, "label").unwrap_or(name).to_owned(),
        at: at(wf.span),
        auth: str_of(wf, "auth").unwrap_or("").to_owned(),
        intake: intake_of(str_of(wf, "data_intake"), intakes),
        historical: wf.get("historical_data_intake").is_some(),
        describes_connection: setup
            .and_then(|s| s.get("connect"))
            .is_some_and(|c| c.get("describe_connection").is_some()),
        describes_selection: select.is_some_and(|s| s.get("describe_selection").is_some()),
        fields,
        map,
    })
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

/// A scalar `id` as text, and whether it is a number.
fn scalar_text(id: &spec::Scalar) -> (String, bool) {
    match id {
        spec::Scalar::Str(t) => (t.value.clone(), false),
        spec::Scalar::Int(n) => (n.value.to_string(), true),
    }
}
