//! Serde for generated structs of form fields and credentials: a JSON object keyed by the ids
//! of `app.json`, an absent optional field left out.

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
