//! Traits the generated API implements, so that generic runtime code can drive it.

use crate::ir;

/// A compiled app: the type `include_app!` emits as `App`.
pub trait AppSpec {
    /// The app's static IR.
    fn ir() -> &'static ir::App;
}

/// One workflow of a compiled app: the `Workflow` type of each generated workflow module.
pub trait WorkflowSpec {
    /// The app it belongs to.
    type App: AppSpec;
    /// The values of its form fields (`custom_data`).
    type CustomData: serde::Serialize + serde::de::DeserializeOwned;
    /// Its index in [`ir::App::workflows`].
    const INDEX: usize;

    /// The workflow's IR.
    fn ir() -> &'static ir::Workflow {
        &Self::App::ir().workflows[Self::INDEX]
    }
}

/// A typed request for one form field's options. It holds exactly the fields the options
/// command reads, so a dependent dropdown cannot be loaded before its parent is chosen.
pub trait OptionsQuery: serde::Serialize {
    /// The workflow of the field.
    type Workflow: WorkflowSpec;
    /// The field's index in `setup.select.form_fields`.
    const FIELD: usize;

    /// The field's IR.
    fn field() -> &'static ir::FormField {
        let select = <Self::Workflow as WorkflowSpec>::ir().setup.select.as_ref();
        match select {
            Some(select) => &select.form_fields[Self::FIELD],
            None => unreachable!("generated options queries exist only for workflows with select"),
        }
    }
}

/// Writes one form field into a `custom_data` map being serialized; an absent optional field
/// is left out. Used by generated `Serialize` impls.
pub fn put_field<M: serde::ser::SerializeMap, T: serde::Serialize>(
    map: &mut M,
    id: &str,
    value: &T,
) -> Result<(), M::Error> {
    let v = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if v.is_null() {
        return Ok(());
    }
    map.serialize_entry(id, &v)
}

/// Takes one field out of a deserialized map; a missing key reads as JSON `null`, so optional
/// fields become `None` and required ones report "missing field". Used by generated
/// `Deserialize` impls.
pub fn take_field<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    map: &mut serde_json::Map<String, serde_json::Value>,
    id: &str,
) -> Result<T, E> {
    match map.remove(id) {
        Some(v) => serde_json::from_value(v).map_err(|e| E::custom(format!("field `{id}`: {e}"))),
        None => serde_json::from_value(serde_json::Value::Null)
            .map_err(|_| E::custom(format!("missing field `{id}`"))),
    }
}

/// Implements `Serialize` and `Deserialize` for a generated struct of form fields or
/// credentials, as a JSON object keyed by the ids of `app.json`. Used by generated code.
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_fields {
    ($ty:ident { $($field:ident: $id:literal),* $(,)? }) => {
        impl $crate::__serde::Serialize for $ty {
            fn serialize<S: $crate::__serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut m = $crate::__serde::Serializer::serialize_map(s, ::core::option::Option::None)?;
                $( $crate::api::put_field(&mut m, $id, &self.$field)?; )*
                $crate::__serde::ser::SerializeMap::end(m)
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                #[allow(unused_mut, unused_variables)]
                let mut m = <$crate::__serde_json::Map<::std::string::String, $crate::__serde_json::Value>
                    as $crate::__serde::Deserialize>::deserialize(d)?;
                ::core::result::Result::Ok(Self { $( $field: $crate::api::take_field::<_, D::Error>(&mut m, $id)?, )* })
            }
        }
    };
}
