//! `!extract`: parses JSON-string members of the payload (form-encoded webhooks often carry
//! JSON inside a field).

use crate::json::Value;

use super::error::{Error, Result};

/// Parses each listed key whose value is a string holding JSON (`to_json`), or keeps the
/// text; other members pass through.
pub(super) fn run(
    item_keys: &[std::borrow::Cow<'static, str>],
    to_json: bool,
    input: Value,
) -> Result<Value> {
    let Value::Object(mut members) = input else {
        return Err(Error::invalid("`!extract` needs an object as input"));
    };
    if to_json {
        for key in item_keys {
            if let Some(Value::String(text)) = members.get(key) {
                let parsed = Value::from_slice(text.as_bytes()).map_err(|e| {
                    Error::invalid(format!("`!extract`: `{key}` does not hold JSON: {e}"))
                })?;
                members.insert(key.to_string(), parsed);
            }
        }
    }
    Ok(Value::Object(members))
}
