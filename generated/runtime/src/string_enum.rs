//! Deserialization shared by every generated string enum: one visitor instead of one per enum.

use std::fmt;
use std::marker::PhantomData;

/// Deserializes a string into a generated string enum. A value the enum lists never allocates
/// (`From<&str>` matches it); an unknown value is kept, moved when the deserializer hands over
/// an owned `String`.
pub fn deserialize_string_enum<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    deserializer.deserialize_str(StringEnumVisitor {
        expecting,
        target: PhantomData,
    })
}

struct StringEnumVisitor<T> {
    expecting: &'static str,
    target: PhantomData<T>,
}

impl<T> serde::de::Visitor<'_> for StringEnumVisitor<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
        Ok(T::from(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Color {
        Red,
        Unknown(String),
    }

    impl From<&str> for Color {
        fn from(value: &str) -> Self {
            match value {
                "RED" => Color::Red,
                other => Color::Unknown(other.to_owned()),
            }
        }
    }

    impl From<String> for Color {
        fn from(value: String) -> Self {
            if value == "RED" {
                Color::Red
            } else {
                Color::Unknown(value)
            }
        }
    }

    fn decode(json: &str) -> Result<Color, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(json);
        deserialize_string_enum(&mut deserializer, "a Color string")
    }

    #[test]
    fn known_and_unknown_values_decode_and_other_json_is_refused() {
        assert_eq!(decode("\"RED\"").unwrap(), Color::Red);
        assert_eq!(
            decode("\"TEAL\"").unwrap(),
            Color::Unknown("TEAL".to_owned())
        );
        let error = decode("42").unwrap_err().to_string();
        assert!(error.contains("a Color string"), "{error}");
    }
}
