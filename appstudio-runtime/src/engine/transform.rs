//! The automatic transform between `data_pipeline.source` and `target` (D10): the user's saved
//! mapping renames source keys to target keys, unmapped keys are dropped, `_tags` passes
//! through; grouped mappings nest by group (spec §6.8); a target mapped to a fixed value
//! (`source_fields`) gets that value whatever the source holds (D26).

use crate::json::{Map, Value};

use super::error::{Error, Result};

/// The member of a saved mapping (top level, or in a target group) holding the targets mapped
/// to fixed values: `{"_fixed": {"<target id>": <fixed id>}}` (D26).
pub(crate) const FIXED_KEY: &str = "_fixed";

/// One side of a mapping entry: an option `id`, in a group when the options are grouped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldRef {
    /// The option's `group`, if any.
    pub group: Option<String>,
    /// The option's `id`.
    pub id: String,
}

/// A saved mapping: which source option feeds which target option, and which targets get a
/// fixed value instead.
///
/// As JSON (what App Studio saves): flat, `{"<source id>": "<target id>"}`; grouped by target
/// group, `{"<target group>": {"<source id>": "<target id>"}}`, where a source id of a grouped
/// source is written `"<source group>.<source id>"`. Targets mapped to fixed values are under
/// `_fixed` beside the entries of their level: `{"_fixed": {"<target id>": <fixed id>}}`
/// flat, `{"<target group>": {"_fixed": {…}}}` grouped; a mapping without fixed values is
/// saved exactly as before (D26).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// The entries, in saved order.
    pub entries: Vec<(FieldRef, FieldRef)>,
    /// The targets mapped to a fixed value (the `id` of one of their `source_fields`).
    pub fixed: Vec<(FieldRef, Value)>,
}

impl Mapping {
    /// Parses a saved mapping. With `default_group`, a flat mapping is read as if it were
    /// under that target group (the reference's migration rule).
    pub fn from_json(saved: &Value, default_group: Option<&str>) -> Result<Mapping> {
        let Value::Object(members) = saved else {
            return Err(Error::invalid("a mapping must be a JSON object"));
        };
        let mut mapping = Mapping::default();
        for (key, value) in members {
            if key == FIXED_KEY {
                mapping.read_fixed(value, default_group, FIXED_KEY)?;
                continue;
            }
            match value {
                Value::String(target) => mapping.entries.push((
                    source_ref(key),
                    FieldRef {
                        group: default_group.map(str::to_owned),
                        id: target.to_string(),
                    },
                )),
                Value::Object(group) => {
                    for (src, target) in group {
                        if src == FIXED_KEY {
                            mapping.read_fixed(target, Some(key), &format!("{key}.{src}"))?;
                            continue;
                        }
                        let Value::String(target) = target else {
                            return Err(Error::invalid(format!(
                                "mapping `{key}.{src}` must name a target id (a string)"
                            )));
                        };
                        mapping.entries.push((
                            source_ref(src),
                            FieldRef {
                                group: Some(key.to_string()),
                                id: target.to_string(),
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
        Ok(mapping)
    }

    /// Reads a `_fixed` member: `{"<target id>": <fixed id>}`, a fixed id a string or a number.
    fn read_fixed(&mut self, value: &Value, group: Option<&str>, at: &str) -> Result<()> {
        let Value::Object(targets) = value else {
            return Err(Error::invalid(format!(
                "mapping `{at}` must be an object of target ids and fixed values, not {}",
                kind(value)
            )));
        };
        for (target, id) in targets {
            if !matches!(id, Value::String(_) | Value::Number(_)) {
                return Err(Error::invalid(format!(
                    "mapping `{at}.{target}` must be a fixed value's id (a string or a number), \
                     not {}",
                    kind(id)
                )));
            }
            self.fixed.push((
                FieldRef {
                    group: group.map(str::to_owned),
                    id: target.to_string(),
                },
                id.clone(),
            ));
        }
        Ok(())
    }

    /// The mapping as App Studio saves it (what [`Mapping::from_json`] reads): flat entries
    /// as `{"<source>": "<target id>"}`, grouped ones under their target group, fixed values
    /// under `_fixed` of their level.
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        for (source, target) in &self.entries {
            let key = match &source.group {
                Some(g) => format!("{g}.{}", source.id),
                None => source.id.clone(),
            };
            if let Some(level) = level(&mut out, target.group.as_deref()) {
                level.insert(key, Value::String(target.id.clone().into()));
            }
        }
        for (target, id) in &self.fixed {
            let fixed =
                level(&mut out, target.group.as_deref()).and_then(|l| level(l, Some(FIXED_KEY)));
            if let Some(fixed) = fixed {
                fixed.insert(target.id.clone(), id.clone());
            }
        }
        Value::Object(out)
    }

    /// Whether `target` is mapped from something or to a fixed value.
    pub fn maps_to(&self, target: &FieldRef) -> bool {
        let is =
            |t: &FieldRef| t.id == target.id && (target.group.is_none() || t.group == target.group);
        self.entries.iter().any(|(_, t)| is(t)) || self.fixed.iter().any(|(t, _)| is(t))
    }

    /// Whether some entry or fixed value targets the group `group`.
    pub fn maps_into(&self, group: &str) -> bool {
        let into = |t: &FieldRef| t.group.as_deref() == Some(group);
        self.entries.iter().any(|(_, t)| into(t)) || self.fixed.iter().any(|(t, _)| into(t))
    }

    /// Applies the mapping to a `source` output: mapped source keys renamed, then fixed
    /// values set (they win over source data for the same target).
    pub fn apply(&self, source: &Value) -> Result<Value> {
        let Value::Object(input) = source else {
            return Err(Error::invalid(format!(
                "`data_pipeline.source` must produce an object to map, not {}",
                kind(source)
            )));
        };
        let mut out = Map::with_capacity(self.entries.len() + self.fixed.len() + 1);
        for (from, to) in &self.entries {
            let value = match &from.group {
                Some(g) => input.get(g).and_then(|g| g.get(&from.id)),
                None => input.get(&from.id),
            };
            let Some(value) = value else { continue };
            slot(&mut out, to)?.insert(to.id.clone(), value.clone());
        }
        for (to, id) in &self.fixed {
            slot(&mut out, to)?.insert(to.id.clone(), id.clone());
        }
        if let Some(tags) = input.get("_tags") {
            out.insert("_tags".to_owned(), tags.clone());
        }
        Ok(Value::Object(out))
    }
}

/// The object a target is written in: its group's (made when missing), else `out` itself.
fn slot<'a>(out: &'a mut Map, to: &FieldRef) -> Result<&'a mut Map> {
    match &to.group {
        Some(g) => level(out, Some(g)).ok_or_else(|| {
            Error::invalid(format!("mapping target `{g}` is both a field and a group"))
        }),
        None => Ok(out),
    }
}

/// The member object `key` of `out` (made when missing), or `out` itself without a key;
/// `None` when the member is not an object.
fn level<'a>(out: &'a mut Map, key: Option<&str>) -> Option<&'a mut Map> {
    let Some(key) = key else { return Some(out) };
    if !out.contains_key(key) {
        out.insert(key, Value::Object(Map::new()));
    }
    match out.get_mut(key) {
        Some(Value::Object(m)) => Some(m),
        _ => None,
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
    use crate::json;

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
    fn fixed_values_win_over_the_source_and_round_trip() {
        // flat: the target gets the fixed id whatever the source holds
        let saved = json!({"mail": "email", "_fixed": {"status": "active"}});
        let m = Mapping::from_json(&saved, None).unwrap();
        assert_eq!(
            m.apply(&json!({"mail": "a@b.c", "status": "gone"}))
                .unwrap(),
            json!({"email": "a@b.c", "status": "active"})
        );
        assert_eq!(m.to_json(), saved);
        assert!(m.maps_to(&FieldRef {
            group: None,
            id: "status".into()
        }));
        // grouped: under the target's group, a number kept a number
        let saved =
            json!({"contact": {"mail": "email"}, "deal": {"t": "title", "_fixed": {"stage": 3}}});
        let m = Mapping::from_json(&saved, None).unwrap();
        assert_eq!(
            m.apply(&json!({"mail": "a@b.c", "t": "Big"})).unwrap(),
            json!({"contact": {"email": "a@b.c"}, "deal": {"title": "Big", "stage": 3}})
        );
        assert_eq!(m.to_json(), saved);
        // a flat `_fixed` read under the default group is saved under it
        let m = Mapping::from_json(&json!({"_fixed": {"stage": "1"}}), Some("deal")).unwrap();
        assert_eq!(m.to_json(), json!({"deal": {"_fixed": {"stage": "1"}}}));
        // a fixed value is an id, nothing else
        for bad in [
            json!({"_fixed": "x"}),
            json!({"_fixed": {"s": [1]}}),
            json!({"g": {"_fixed": {"s": null}}}),
        ] {
            assert!(Mapping::from_json(&bad, None).is_err(), "{bad}");
        }
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
