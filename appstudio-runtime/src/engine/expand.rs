//! `${…}` expansions at run time, with the context rules of D2: a value where a string is
//! exactly one expansion, text where it mixes, one percent-encoded segment in a URL path,
//! a header value without line breaks, a jq variable in a jq program. No selected value can
//! change the structure of what it is inserted into.

use std::collections::HashMap;

use crate::json::{Map, Value};

use super::error::{Error, Result};
use crate::ir::{Expansion, FieldType, FormField, Namespace, PathSeg, Scope, Segment};
use crate::ir::{StrTemplate, Template};

/// Stored `!save` values, one object per scope.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SavedData {
    /// `${data.workflow.*}`.
    pub workflow: Map,
    /// `${data.connection.*}`.
    pub connection: Map,
    /// `${data.application.*}`.
    pub application: Map,
}

impl SavedData {
    /// The values of one scope.
    pub fn scope(&self, scope: Scope) -> &Map {
        match scope {
            Scope::Workflow => &self.workflow,
            Scope::Connection => &self.connection,
            Scope::Application => &self.application,
        }
    }

    /// The values of one scope, to update.
    pub fn scope_mut(&mut self, scope: Scope) -> &mut Map {
        match scope {
            Scope::Workflow => &mut self.workflow,
            Scope::Connection => &mut self.connection,
            Scope::Application => &mut self.application,
        }
    }
}

/// What expansions read: everything a command may refer to at the place it runs.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Vars<'a> {
    /// The selections, `{"<id>": {"value": …, "display": …}}`.
    pub custom_data: Option<&'a Map>,
    /// The workflow's form fields (for personalization).
    pub fields: &'a [FormField],
    /// Personalization tags (`FIRSTNAME` → "Ada") of the contact being processed (D12).
    pub personal: Option<&'a HashMap<String, String>>,
    /// The connection's subdomain.
    pub subdomain: Option<&'a str>,
    /// The webhook intake's URL.
    pub webhook_url: Option<&'a str>,
    /// `!save`d values.
    pub data: Option<&'a SavedData>,
    /// The innermost pipe: its input, then each step's output (D18).
    pub piped: &'a [Value],
    /// The polling state.
    pub polling_state: Option<&'a Value>,
    /// The selected resource's id (`describe_selection.resource_id`).
    pub resource_id: Option<&'a Value>,
}

/// How an expansion is written, for messages.
pub(super) fn describe(e: &Expansion) -> String {
    let mut s = format!("${{{}", e.ns.as_str());
    for seg in e.path.iter() {
        match seg {
            PathSeg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            PathSeg::Index(i) => {
                s.push('.');
                s.push_str(&i.to_string());
            }
        }
    }
    s.push('}');
    s
}

impl Vars<'_> {
    /// The JSON value an expansion refers to; its `|default` when absent or `null`.
    pub(crate) fn lookup(&self, e: &Expansion) -> Result<Value> {
        let found = self.find(e)?;
        match (found, &e.default) {
            (Some(v), _) if !v.is_null() => Ok(v),
            (_, Some(default)) => Ok(Value::from(&**default)),
            (Some(null), None) => Ok(null),
            (None, None) => {
                Err(Error::invalid(format!("{} has no value here", describe(e))).at(e.loc))
            }
        }
    }

    fn find(&self, e: &Expansion) -> Result<Option<Value>> {
        let path = &e.path[..];
        let root_and_rest: Option<(Value, &[PathSeg])> = match e.ns {
            Namespace::CustomData => {
                return Ok(self.custom_data(path));
            }
            Namespace::Subdomain => self.subdomain.map(|s| (Value::from(s), path)),
            Namespace::Webhook => self.webhook_url.map(|u| {
                (
                    Value::Object([("url", Value::from(u))].into_iter().collect()),
                    path,
                )
            }),
            Namespace::Data => match (self.data, path.split_first()) {
                (Some(data), Some((PathSeg::Key(scope), rest))) => {
                    let scope = match &**scope {
                        "workflow" => Scope::Workflow,
                        "connection" => Scope::Connection,
                        "application" => Scope::Application,
                        other => {
                            return Err(Error::config(format!("unknown `!save` scope `{other}`")));
                        }
                    };
                    Some((Value::Object(data.scope(scope).clone()), rest))
                }
                _ => None,
            },
            Namespace::PipedContent => match path.split_first() {
                Some((PathSeg::Index(n), rest)) => {
                    self.piped.get(*n as usize).map(|v| (v.clone(), rest))
                }
                _ => None,
            },
            Namespace::PollingState => self.polling_state.map(|s| (s.clone(), path)),
            Namespace::Resource => self.resource_id.map(|id| {
                (
                    Value::Object([("id", id.clone())].into_iter().collect()),
                    path,
                )
            }),
        };
        Ok(root_and_rest.and_then(|(root, rest)| walk(&root, rest)))
    }

    /// `custom_data.<id>.value|display`, personalized when the field asks for it (D12).
    fn custom_data(&self, path: &[PathSeg]) -> Option<Value> {
        let data = self.custom_data?;
        let (Some(PathSeg::Key(id)), rest) = (path.first(), path.get(1..).unwrap_or(&[])) else {
            return Some(Value::Object(data.clone()));
        };
        let value = walk(data.get(id)?, rest)?;
        let field = self.fields.iter().find(|f| f.id == **id);
        let personalize =
            field.is_some_and(|f| f.personalize && f.field_type == FieldType::Textarea);
        match (personalize, self.personal, value) {
            (true, Some(tags), Value::String(s)) => {
                Some(Value::String(super::personalize::apply(&s, tags).into()))
            }
            (_, _, v) => Some(v),
        }
    }

    /// A string template as a JSON value: the value itself for one expansion, else text.
    pub(crate) fn value(&self, t: &StrTemplate) -> Result<Value> {
        match t {
            StrTemplate::Lit(s) => Ok(Value::from(&**s)),
            StrTemplate::Value(e) => self.lookup(e),
            StrTemplate::Mixed(_) => self.text(t).map(Value::from),
        }
    }

    /// A string template as text: strings inserted as they are, other values as compact JSON.
    pub(crate) fn text(&self, t: &StrTemplate) -> Result<String> {
        self.render(t, |v, out| {
            push_text(&v, out);
            Ok(())
        })
    }

    /// A URL path: each expansion is one percent-encoded path segment, so a value cannot add
    /// `/`, `?` or `#` (D2). `.` and `..` are errors: URL parsers resolve them (encoded too),
    /// which would climb out of the path the app wrote.
    pub(crate) fn url_path(&self, t: &StrTemplate) -> Result<String> {
        self.render(t, |v, out| {
            let mut text = String::new();
            push_text(&v, &mut text);
            if text == "." || text == ".." {
                return Err(Error::invalid(format!(
                    "the value `{text}` cannot stand in a URL path: it would change the path"
                )));
            }
            out.extend(percent_encoding::utf8_percent_encode(&text, SEGMENT));
            Ok(())
        })
    }

    /// A header value: text without CR, LF or NUL.
    pub(crate) fn header(&self, name: &str, t: &StrTemplate) -> Result<String> {
        let text = self.text(t)?;
        if text.contains(['\r', '\n', '\0']) {
            return Err(Error::invalid(format!(
                "the value of header `{name}` contains a line break"
            )));
        }
        Ok(text)
    }

    /// A JSON template (body, params, static options) with its expansions resolved.
    pub(crate) fn template(&self, t: &Template) -> Result<Value> {
        Ok(match t {
            Template::Null => Value::Null,
            Template::Bool(b) => Value::Bool(*b),
            Template::Number(n) => Value::Number(
                n.parse()
                    .map_err(|_| Error::config(format!("`{n}` is not a JSON number")))?,
            ),
            Template::String(s) => self.value(s)?,
            Template::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|i| self.template(i))
                    .collect::<Result<_>>()?,
            ),
            Template::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.to_string(), self.template(v)?)))
                    .collect::<Result<_>>()?,
            ),
        })
    }

    /// The values of a jq program's variables `$__as_0`, `$__as_1`, ….
    pub(crate) fn jq_vars(&self, vars: &[Expansion]) -> Result<Vec<Value>> {
        vars.iter().map(|e| self.lookup(e)).collect()
    }

    fn render(
        &self,
        t: &StrTemplate,
        mut insert: impl FnMut(Value, &mut String) -> Result<()>,
    ) -> Result<String> {
        let mut out = String::new();
        match t {
            StrTemplate::Lit(s) => out.push_str(s),
            StrTemplate::Value(e) => insert(self.lookup(e)?, &mut out)?,
            StrTemplate::Mixed(segments) => {
                for seg in segments.iter() {
                    match seg {
                        Segment::Lit(s) => out.push_str(s),
                        Segment::Var(e) => insert(self.lookup(e)?, &mut out)?,
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Characters encoded in a path segment: everything but RFC 3986 unreserved characters.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A value as text: a string as it is, anything else as compact JSON.
pub(super) fn push_text(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        other => out.push_str(&other.to_string()),
    }
}

/// Follows keys and indices into a value. A key applied to a list reads that key of every
/// element, so `custom_data.<multiselect>.value` is the list of values (D16).
pub(super) fn walk(v: &Value, path: &[PathSeg]) -> Option<Value> {
    let Some((seg, rest)) = path.split_first() else {
        return Some(v.clone());
    };
    match (seg, v) {
        (PathSeg::Key(k), Value::Object(m)) => walk(m.get(k)?, rest),
        (PathSeg::Index(i), Value::Array(a)) => walk(a.get(*i as usize)?, rest),
        (PathSeg::Index(i), Value::Object(m)) => walk(m.get(&i.to_string())?, rest),
        (PathSeg::Key(_), Value::Array(items)) => items
            .iter()
            .map(|item| walk(item, path))
            .collect::<Option<Vec<_>>>()
            .map(Value::from),
        _ => None,
    }
}
