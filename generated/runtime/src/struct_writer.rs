//! Encoding shared by every generated struct.
//!
//! A written-out `Serialize` impl spends most of its type checking on control flow: an
//! `if let` per optional field and a `?` per write. Generated impls instead hand each field
//! to a [`StructWriter`], which keeps the first error and skips the writes after it, so that
//! their bodies are straight lines of calls with one `?`.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

/// A struct being serialized, field by field.
pub struct StructWriter<S: Serializer> {
    object: S::SerializeStruct,
    error: Option<S::Error>,
}

impl<S: Serializer> StructWriter<S> {
    /// Starts a struct named `name` of `len` written fields.
    ///
    /// # Errors
    ///
    /// Whatever the serializer reports for a struct.
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Result<Self, S::Error> {
        Ok(Self {
            object: serializer.serialize_struct(name, len)?,
            error: None,
        })
    }

    /// Writes a field, unless an earlier write failed.
    #[inline]
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.object.serialize_field(key, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes an optional field when it is set; `None` leaves the key out.
    #[inline]
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Ends the struct.
    ///
    /// # Errors
    ///
    /// The first write that failed, or what the serializer reports at the end.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.object.end(),
        }
    }
}

/// How many of `present` are true: the number of optional fields a struct writes.
#[inline]
pub fn count_present(present: &[bool]) -> usize {
    present.iter().filter(|present| **present).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pair {
        name: String,
        size: Option<i32>,
        note: Option<String>,
    }

    impl Serialize for Pair {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = 1 + count_present(&[self.size.is_some(), self.note.is_some()]);
            let mut object = StructWriter::new(serializer, "Pair", len)?;
            object.field("name", &self.name);
            object.optional("size", &self.size);
            object.optional("note", &self.note);
            object.end()
        }
    }

    #[test]
    fn unset_optional_fields_are_left_out() {
        let pair = Pair {
            name: "a".into(),
            size: Some(3),
            note: None,
        };
        assert_eq!(
            serde_json::to_string(&pair).unwrap(),
            r#"{"name":"a","size":3}"#
        );
    }

    #[test]
    fn the_first_error_is_returned() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("refused"))
            }
        }
        struct Holder;
        impl Serialize for Holder {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = StructWriter::new(serializer, "Holder", 2)?;
                object.field("bad", &Bad);
                object.field("good", "y");
                object.end()
            }
        }
        let error = serde_json::to_string(&Holder).unwrap_err();
        assert_eq!(error.to_string(), "refused");
    }

    #[test]
    fn present_fields_are_counted() {
        assert_eq!(count_present(&[]), 0);
        assert_eq!(count_present(&[true, false, true]), 2);
    }
}
