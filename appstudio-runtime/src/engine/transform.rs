//! The automatic transform between `data_pipeline.source` and `target` (D10): the user's saved
//! mapping renames source keys to target keys, unmapped keys are dropped, `_tags` passes
//! through; grouped mappings nest by group (spec §6.8).

use serde_json::{Map, Value};

use super::error::{Error, Result};

/// One side of a mapping entry: an option `id`, in a group when the options are grouped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// The option's `group`, if any.
    pub group: Option<String>,
    /// The option's `id`.
    pub id: String,
}

/// A saved mapping: which source option feeds which target option.
///
/// As JSON (what App Studio saves): flat, `{"<source id>": "<target id>"}`; grouped by target
/// group, `{"<target group>": {"<source id>": "<target id>"}}`, where a source id of a grouped
/// source is written `"<source group>.<source id>"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// The entries, in saved order.
    pub entries: Vec<(FieldRef, FieldRef)>,
}

impl Mapping {
    /// Parses a saved mapping. With `default_group`, a flat mapping is read as if it were
    /// under that target group (the reference's migration rule).
    pub fn from_json(saved: &Value, default_group: Option<&str>) -> Result<Mapping> {
        let Value::Object(members) = saved else {
            return Err(Error::invalid("a mapping must be a JSON object"));
        };
        let mut entries = Vec::new();
        for (key, value) in members {
            match value {
                Value::String(target) => entries.push((
                    source_ref(key),
                    FieldRef {
                        group: default_group.map(str::to_owned),
                        id: target.clone(),
                    },
                )),
                Value::Object(group) => {
                    for (src, target) in group {
                        let Value::String(target) = target else {
                            return Err(Error::invalid(format!(
                                "mapping `{key}.{src}` must name a target id (a string)"
                            )));
                        };
                        entries.push((
                            source_ref(src),
                            FieldRef {
                                group: Some(key.clone()),
                                id: target.clone(),
                            },
                        ));
                    }
                }
                other => {
                    return Err(Error::invalid(format!(
                        "mapping `{key}` must be a target id or a group of them, not {other}"
                    )));
                }
            }
        }
        Ok(Mapping { entries })
    }

    /// The mapping as App Studio saves it (what [`Mapping::from_json`] reads): flat entries
    /// as `{"<source>": "<target id>"}`, grouped ones under their target group.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (source, target) in &self.entries {
            let key = match &source.group {
                Some(g) => format!("{g}.{}", source.id),
                None => source.id.clone(),
            };
            let target_id = Value::String(target.id.clone());
            match &target.group {
                None => {
                    out.insert(key, target_id);
                }
                Some(g) => {
                    let group = out
                        .entry(g.clone())
                        .or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(group) = group {
                        group.insert(key, target_id);
                    }
                }
            }
        }
        Value::Object(out)
    }

    /// Whether `target` is mapped from something.
    pub fn maps_to(&self, target: &FieldRef) -> bool {
        self.entries
            .iter()
            .any(|(_, t)| t.id == target.id && (target.group.is_none() || t.group == target.group))
    }

    /// Applies the mapping to a `source` output.
    pub fn apply(&self, source: &Value) -> Result<Value> {
        let Value::Object(input) = source else {
            return Err(Error::invalid(format!(
                "`data_pipeline.source` must produce an object to map, not {}",
                kind(source)
            )));
        };
        let mut out = Map::new();
        for (from, to) in &self.entries {
            let value = match &from.group {
                Some(g) => input.get(g).and_then(|g| g.get(&from.id)),
                None => input.get(&from.id),
            };
            let Some(value) = value else { continue };
            let slot = match &to.group {
                Some(g) => match out
                    .entry(g.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
                {
                    Value::Object(m) => m,
                    _ => {
                        return Err(Error::invalid(format!(
                            "mapping target `{g}` is both a field and a group"
                        )));
                    }
                },
                None => &mut out,
            };
            slot.insert(to.id.clone(), value.clone());
        }
        if let Some(tags) = input.get("_tags") {
            out.insert("_tags".to_owned(), tags.clone());
        }
        Ok(Value::Object(out))
    }
}

/// `"group.id"` is a grouped source option; a plain id is flat.
fn source_ref(key: &str) -> FieldRef {
    match key.split_once('.') {
        Some((group, id)) if !group.is_empty() && !id.is_empty() => FieldRef {
            group: Some(group.to_owned()),
            id: id.to_owned(),
        },
        _ => FieldRef {
            group: None,
            id: key.to_owned(),
        },
    }
}

/// A JSON type name for messages.
pub(super) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_mapping_renames_drops_and_keeps_tags() {
        let m = Mapping::from_json(&json!({"mail": "email", "first": "firstName"}), None).unwrap();
        let out = m
            .apply(&json!({"mail": "a@b.c", "first": "Ada", "secret": 1, "_tags": ["x"]}))
            .unwrap();
        assert_eq!(
            out,
            json!({"email": "a@b.c", "firstName": "Ada", "_tags": ["x"]})
        );
    }

    #[test]
    fn grouped_mappings_nest_by_group() {
        // flat source, grouped target
        let m = Mapping::from_json(
            &json!({"contact": {"mail": "email"}, "deal": {"amount": "value"}}),
            None,
        )
        .unwrap();
        assert_eq!(
            m.apply(&json!({"mail": "a@b.c", "amount": 5})).unwrap(),
            json!({"contact": {"email": "a@b.c"}, "deal": {"value": 5}})
        );
        // grouped source, grouped target
        let m = Mapping::from_json(&json!({"deal": {"order.total": "value"}}), None).unwrap();
        assert_eq!(
            m.apply(&json!({"order": {"total": 9}})).unwrap(),
            json!({"deal": {"value": 9}})
        );
        // grouped source, flat target
        let m = Mapping::from_json(&json!({"person.mail": "email"}), None).unwrap();
        assert_eq!(
            m.apply(&json!({"person": {"mail": "x@y.z"}})).unwrap(),
            json!({"email": "x@y.z"})
        );
    }

    #[test]
    fn saved_form_round_trips() {
        for (saved, default_group) in [
            (json!({"mail": "email", "person.first": "firstName"}), None),
            (
                json!({"contact": {"mail": "email"}, "deal": {"order.total": "value"}}),
                None,
            ),
            (
                json!({"mail": "email", "deal": {"n": "title"}}),
                Some("contact"),
            ),
        ] {
            let m = Mapping::from_json(&saved, default_group).unwrap();
            let again = Mapping::from_json(&m.to_json(), default_group).unwrap();
            assert_eq!(again, m, "{saved}");
        }
        // a flat entry read under a default group is saved under it
        let m = Mapping::from_json(&json!({"mail": "email"}), Some("contact")).unwrap();
        assert_eq!(m.to_json(), json!({"contact": {"mail": "email"}}));
    }

    #[test]
    fn default_group_migrates_a_flat_mapping() {
        let m = Mapping::from_json(&json!({"mail": "email"}), Some("contact")).unwrap();
        assert_eq!(
            m.apply(&json!({"mail": "a@b.c"})).unwrap(),
            json!({"contact": {"email": "a@b.c"}})
        );
        assert!(m.maps_to(&FieldRef {
            group: Some("contact".into()),
            id: "email".into()
        }));
    }

    #[test]
    fn bad_mappings_are_errors_not_panics() {
        assert!(Mapping::from_json(&json!(["x"]), None).is_err());
        assert!(Mapping::from_json(&json!({"a": 1}), None).is_err());
        assert!(Mapping::from_json(&json!({"g": {"a": 1}}), None).is_err());
        let m = Mapping::from_json(&json!({"a": "b"}), None).unwrap();
        assert!(m.apply(&json!("text")).is_err());
        // a target group colliding with a flat target id cannot panic
        let m = Mapping::from_json(&json!({"x": "g", "g": {"y": "z"}}), None).unwrap();
        assert!(m.apply(&json!({"x": 1, "y": 2})).is_err());
    }
}
