//! What every generated string enum shares: one visitor instead of one per enum, and `Debug`.

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
        expecting: Expecting::Text(expecting),
        target: PhantomData,
    })
}

/// [`deserialize_string_enum`] for an enum that the spec's enums of its values share, each under
/// a marker type named after it: an error names the marker's type, the enum the spec meant.
pub fn deserialize_shared_string_enum<'de, Name, D, T>(deserializer: D) -> Result<T, D::Error>
where
    Name: ?Sized,
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    deserializer.deserialize_str(StringEnumVisitor {
        expecting: Expecting::TypeName(std::any::type_name::<Name>()),
        target: PhantomData,
    })
}

/// `Debug` for a generated string enum, as a derive would print it: the variant's name for a
/// value the enum lists, `Unknown("value")` for any other.
///
/// `known_values` and `variant_names` are in the same order. The value is looked up, not
/// matched, so that the crate holds no match over every variant for it; an `Unknown` holding
/// a listed value prints as that value's variant, as it compares equal to it.
///
/// # Errors
///
/// Whatever the formatter reports.
pub fn debug_string_enum(
    f: &mut fmt::Formatter<'_>,
    value: &str,
    known_values: &[&str],
    variant_names: &[&str],
    fallback_name: &str,
) -> fmt::Result {
    match known_values.iter().position(|known| *known == value) {
        Some(index) => f.write_str(variant_names[index]),
        None => f.debug_tuple(fallback_name).field(&value).finish(),
    }
}

struct StringEnumVisitor<T> {
    expecting: Expecting,
    target: PhantomData<T>,
}

enum Expecting {
    Text(&'static str),
    /// A type's path, of which the message shows the last segment.
    TypeName(&'static str),
}

impl<T> serde::de::Visitor<'_> for StringEnumVisitor<T>
where
    T: for<'a> From<&'a str> + From<String>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expecting {
            Expecting::Text(text) => f.write_str(text),
            Expecting::TypeName(path) => {
                let name = path.rsplit("::").next().unwrap_or(path);
                write!(f, "a {name} string")
            }
        }
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

    mod name {
        /// A marker as the generated code writes one per enum that shares its values.
        pub enum Paint {}
    }

    #[test]
    fn a_shared_enum_is_named_after_its_marker_in_errors() {
        let decode = |json: &str| -> Result<Color, serde_json::Error> {
            let mut deserializer = serde_json::Deserializer::from_str(json);
            deserialize_shared_string_enum::<name::Paint, _, _>(&mut deserializer)
        };
        assert_eq!(decode("\"RED\"").unwrap(), Color::Red);
        let error = decode("[]").unwrap_err().to_string();
        assert!(error.contains("expected a Paint string"), "{error}");
    }

    /// The same enum with the generated `Debug`, to compare with the derived one above.
    struct TableColor(Color);

    impl fmt::Debug for TableColor {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let value = match &self.0 {
                Color::Red => "RED",
                Color::Unknown(value) => value,
            };
            debug_string_enum(f, value, &["RED"], &["Red"], "Unknown")
        }
    }

    #[test]
    fn debug_prints_what_a_derive_prints() {
        for color in [Color::Red, Color::Unknown("TEAL \"x\"".to_owned())] {
            let derived = format!("{color:?} {color:#?}");
            let table = TableColor(color);
            assert_eq!(format!("{table:?} {table:#?}"), derived);
        }
        // A listed value kept as `Unknown` is that variant, as equality says.
        assert_eq!(
            format!("{:?}", TableColor(Color::Unknown("RED".to_owned()))),
            "Red"
        );
    }
}
