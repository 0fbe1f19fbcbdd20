//! Decoding shared by every generated struct.
//!
//! A derived `Deserialize` writes, per struct, a field enum with three visitors, a sequence
//! visitor JSON never uses and a map visitor: on Atlas's whole spec that was a third of the
//! crate and most of its build time. Generated structs instead implement [`FromObject`]: one
//! loop over the object's keys. The key lookup, the visitor and the error for a missing field
//! live here once.
//!
//! A key the struct does not list is skipped (Atlas adds fields); a key given twice keeps its
//! last value, as `serde_json::Value` does.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

use crate::date_time::{DateTimeField, OptionalDateTimeField};

/// A struct that reads itself from the keys and values of one JSON object.
///
/// The loop over the keys is [`deserialize_object`]'s, written once; a struct only says where
/// each field's value goes ([`Self::read_field`]) and how the fields become the struct
/// ([`Self::finish`]). A loop per struct, with a local per field that every early return has
/// to drop, cost `cargo check` of Atlas's whole crate about a twentieth of its time.
pub trait FromObject: Sized {
    /// The wire names of the fields, in the order [`Self::field_index`] numbers them.
    const FIELDS: &'static [&'static str];
    /// What an error message says was expected, e.g. `struct Snapshot`.
    const EXPECTING: &'static str;
    /// Whether keys the struct does not list are kept ([`Self::read_other`]) rather than
    /// skipped: structs with `additionalProperties`.
    const KEEPS_OTHER_KEYS: bool = false;

    /// The fields while the object is read: `Self` when every field may be absent, otherwise
    /// the same fields as `Option`s, which [`Self::finish`] checks.
    type Partial: Default;

    /// The index in [`Self::FIELDS`] of a key, if it is one. Generated structs `match` the
    /// names as literals, which the compiler turns into a few integer comparisons: searching
    /// `FIELDS`, a `memcmp` call per name, made decoding 10% slower than a derive.
    #[inline]
    fn field_index(key: &str) -> Option<usize> {
        Self::FIELDS.iter().position(|field| *field == key)
    }

    /// Reads the value of the field at `index` in [`Self::FIELDS`] into `partial`.
    ///
    /// # Errors
    ///
    /// A value that does not decode as the field's type.
    fn read_field<'de, A: MapAccess<'de>>(
        partial: &mut Self::Partial,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// Reads the value of a key the struct does not list, when [`Self::KEEPS_OTHER_KEYS`].
    ///
    /// # Errors
    ///
    /// A value that is not well-formed, or not of the kept values' type.
    fn read_other<'de, A: MapAccess<'de>>(
        partial: &mut Self::Partial,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error> {
        let _ = (partial, key);
        skip_value(map)
    }

    /// The struct, once every key is read.
    ///
    /// # Errors
    ///
    /// `missing field` for a required field the object did not have.
    fn finish<E: de::Error>(partial: Self::Partial) -> Result<Self, E>;
}

/// `Deserialize::deserialize` for a [`FromObject`] struct.
///
/// # Errors
///
/// Whatever the deserializer or the struct's [`FromObject`] methods report.
pub fn deserialize_object<'de, D, T>(deserializer: D, name: &'static str) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    T: FromObject,
{
    deserializer.deserialize_struct(name, T::FIELDS, ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut partial = T::Partial::default();
        if T::KEEPS_OTHER_KEYS {
            while let Some(key) = map.next_key_seed(FieldOrKeySeed(T::FIELDS))? {
                match key {
                    FieldOrKey::Field(index) => T::read_field(&mut partial, index, &mut map)?,
                    FieldOrKey::Other(key) => T::read_other(&mut partial, key, &mut map)?,
                }
            }
        } else {
            while let Some(field) = map.next_key_seed(FieldOf::<T>::SEED)? {
                match field {
                    Some(index) => T::read_field(&mut partial, index, &mut map)?,
                    None => skip_value(&mut map)?,
                }
            }
        }
        T::finish(partial)
    }
}

/// Reads one key and answers the index [`FromObject::field_index`] gives it, or `None` for a
/// key the struct does not list. Matching happens on the borrowed key, so no key is ever
/// allocated.
struct FieldOf<T>(PhantomData<fn() -> T>);

impl<T> FieldOf<T> {
    const SEED: Self = Self(PhantomData);
}

impl<'de, T: FromObject> DeserializeSeed<'de> for FieldOf<T> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<T: FromObject> Visitor<'_> for FieldOf<T> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(T::field_index(key))
    }

    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<Self::Value, E> {
        Ok(std::str::from_utf8(key).ok().and_then(T::field_index))
    }
}

/// One key of an object whose struct keeps the keys it does not list
/// (`additionalProperties`).
enum FieldOrKey {
    Field(usize),
    Other(String),
}

/// Like [`FieldOf`], but an unlisted key comes back whole, to be kept.
#[derive(Clone, Copy)]
struct FieldOrKeySeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for FieldOrKeySeed {
    type Value = FieldOrKey;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for FieldOrKeySeed {
    type Value = FieldOrKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(match self.0.iter().position(|field| *field == key) {
            Some(index) => FieldOrKey::Field(index),
            None => FieldOrKey::Other(key.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(match self.0.iter().position(|field| *field == key) {
            Some(index) => FieldOrKey::Field(index),
            None => FieldOrKey::Other(key),
        })
    }
}

/// The value of a required field, or serde's "missing field" error.
///
/// # Errors
///
/// `missing field <name>` when the object did not have it.
pub fn required<T, E: de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Reads the value of the current key into the field's slot: `Option<T>` fields decode
/// `null` as `None`, as their type says.
///
/// Generated `read_field` bodies call these readers, one per field, with no `?` of their own: a
/// `?` and an assignment per field, written out, were a third of the crate's type checking on
/// Atlas's whole spec.
///
/// # Errors
///
/// A value that does not decode as `T`.
#[inline]
pub fn read<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// [`read`] for a required field, whose slot stays `None` until its key arrives.
///
/// # Errors
///
/// A value that does not decode as `T`, `null` included.
#[inline]
pub fn read_required<'de, A: MapAccess<'de>, T: de::Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// [`read`] for a date-time that may be `null`, through the runtime's fast reader of
/// Atlas's shape.
///
/// # Errors
///
/// A value that is neither `null` nor an ISO 8601 date-time.
#[inline]
pub fn read_date_time<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<DateTime<Utc>>,
) -> Result<(), A::Error> {
    *slot = map.next_value::<OptionalDateTimeField>()?.0;
    Ok(())
}

/// [`read_required`] for a date-time.
///
/// # Errors
///
/// A value that is not an ISO 8601 date-time.
#[inline]
pub fn read_required_date_time<'de, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<DateTime<Utc>>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value::<DateTimeField>()?.0);
    Ok(())
}

/// Skips the value of a key the struct does not list, whatever its shape.
///
/// # Errors
///
/// A value that is not well-formed.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<de::IgnoredAny>().map(drop)
}

/// Keeps the value of a key the struct does not list, for `additionalProperties`.
///
/// # Errors
///
/// A value that does not decode as `V`.
pub fn keep_other<'de, A: MapAccess<'de>, V: de::Deserialize<'de>>(
    map: &mut A,
    key: String,
    others: &mut BTreeMap<String, V>,
) -> Result<(), A::Error> {
    others.insert(key, map.next_value()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Pair {
        name: String,
        size: Option<i32>,
    }

    impl FromObject for Pair {
        const FIELDS: &'static [&'static str] = &["name", "size"];
        const EXPECTING: &'static str = "struct Pair";
        type Partial = (Option<String>, Option<i32>);

        fn read_field<'de, A: MapAccess<'de>>(
            partial: &mut Self::Partial,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => read_required(map, &mut partial.0),
                1 => read(map, &mut partial.1),
                _ => skip_value(map),
            }
        }

        fn finish<E: de::Error>((name, size): Self::Partial) -> Result<Self, E> {
            Ok(Self {
                name: required(name, "name")?,
                size,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Pair {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer, "Pair")
        }
    }

    #[test]
    fn unknown_keys_of_any_shape_are_skipped() {
        let pair: Pair = serde_json::from_str(
            r#"{"extra": {"deep": [1, {"x": null}]}, "name": "a", "size": 3, "more": "x"}"#,
        )
        .unwrap();
        assert_eq!(
            pair,
            Pair {
                name: "a".into(),
                size: Some(3)
            }
        );
    }

    #[test]
    fn null_and_absent_optional_fields_are_none() {
        let absent: Pair = serde_json::from_str(r#"{"name": "a"}"#).unwrap();
        let null: Pair = serde_json::from_str(r#"{"name": "a", "size": null}"#).unwrap();
        assert_eq!(absent.size, None);
        assert_eq!(null.size, None);
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let error = serde_json::from_str::<Pair>(r#"{"size": 3}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `name`"),
            "{error}"
        );
    }

    #[test]
    fn a_wrong_shape_says_what_was_expected() {
        let error = serde_json::from_str::<Pair>(r#""a string""#).unwrap_err();
        assert!(
            error.to_string().contains("expected struct Pair"),
            "{error}"
        );
    }

    #[test]
    fn keys_with_escapes_still_match() {
        // serde_json hands over an unescaped key as a transient `&str`, not a borrowed one.
        let pair: Pair = serde_json::from_str(r#"{"n\u0061me": "a"}"#).unwrap();
        assert_eq!(pair.name, "a");
    }

    #[derive(Debug, Default, PartialEq)]
    struct Labels {
        owner: Option<String>,
        others: BTreeMap<String, i64>,
    }

    impl FromObject for Labels {
        const FIELDS: &'static [&'static str] = &["owner"];
        const EXPECTING: &'static str = "struct Labels";
        const KEEPS_OTHER_KEYS: bool = true;
        type Partial = Self;

        fn read_field<'de, A: MapAccess<'de>>(
            partial: &mut Self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => read(map, &mut partial.owner),
                _ => skip_value(map),
            }
        }

        fn read_other<'de, A: MapAccess<'de>>(
            partial: &mut Self,
            key: String,
            map: &mut A,
        ) -> Result<(), A::Error> {
            keep_other(map, key, &mut partial.others)
        }

        fn finish<E: de::Error>(partial: Self) -> Result<Self, E> {
            Ok(partial)
        }
    }

    impl<'de> serde::Deserialize<'de> for Labels {
        fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_object(deserializer, "Labels")
        }
    }

    #[test]
    fn structs_that_keep_other_keys_get_them_and_their_fields() {
        let labels: Labels =
            serde_json::from_str(r#"{"b": 2, "owner": "ops", "a": 1, "b": 3}"#).unwrap();
        assert_eq!(labels.owner.as_deref(), Some("ops"));
        assert_eq!(
            labels.others,
            BTreeMap::from([("a".into(), 1), ("b".into(), 3)])
        );
        let error = serde_json::from_str::<Labels>(r#"{"a": "one"}"#).unwrap_err();
        assert!(error.to_string().contains("expected i64"), "{error}");
    }

    #[test]
    fn unlisted_keys_are_kept_when_asked() {
        let mut deserializer = serde_json::Deserializer::from_str(r#""color""#);
        match FieldOrKeySeed(&["name"])
            .deserialize(&mut deserializer)
            .unwrap()
        {
            FieldOrKey::Other(key) => assert_eq!(key, "color"),
            FieldOrKey::Field(index) => panic!("matched field {index}"),
        }
    }
}
