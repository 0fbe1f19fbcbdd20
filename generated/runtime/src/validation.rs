//! Parameter rules from the spec, checked before any request exists.

use std::fmt;

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
}

impl fmt::Display for ParameterLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
        })
    }
}

/// A parameter's name on the wire and in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParameterName {
    /// As the spec and Atlas's documentation spell it, e.g. `groupId`.
    pub wire: &'static str,
    /// As the builder spells it, e.g. `group_id`.
    pub rust: &'static str,
    pub location: ParameterLocation,
}

/// A `pattern` of the spec and the generated function that checks it (compiled once, on the
/// engine the pattern needs).
#[derive(Clone, Copy)]
pub struct Pattern {
    /// The pattern as the spec writes it.
    pub source: &'static str,
    pub matches: fn(&str) -> bool,
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// Two patterns are the same rule when the spec writes them the same way.
impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

/// The rules the spec sets for one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub parameter: ParameterName,
    pub pattern: Option<Pattern>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    /// For a list: how many items it must have at least and at most, and whether an item may
    /// repeat.
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub unique_items: bool,
}

/// One rule of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// The value must match this regular expression.
    Pattern(&'static str),
    /// The value must have at least this many characters.
    MinLength(usize),
    /// The value must have at most this many characters.
    MaxLength(usize),
    /// The value must be at least this.
    Minimum(i64),
    /// The value must be at most this.
    Maximum(i64),
    /// A path parameter must not be empty, `.` or `..`: as a path segment it would address
    /// another resource.
    PathSegment,
    /// The list must have at least this many items.
    MinItems(usize),
    /// The list must have at most this many items.
    MaxItems(usize),
    /// No item of the list may appear twice.
    UniqueItems,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Pattern(pattern) => write!(f, "must match the pattern {pattern}"),
            Rule::MinLength(min) => write!(f, "must be at least {min} characters long"),
            Rule::MaxLength(max) => write!(f, "must be at most {max} characters long"),
            Rule::Minimum(min) => write!(f, "must be at least {min}"),
            Rule::Maximum(max) => write!(f, "must be at most {max}"),
            Rule::PathSegment => f.write_str(
                "must not be empty, `.` or `..`: as a path segment it would address another resource",
            ),
            Rule::MinItems(1) => f.write_str("must have at least 1 item"),
            Rule::MinItems(min) => write!(f, "must have at least {min} items"),
            Rule::MaxItems(1) => f.write_str("must have at most 1 item"),
            Rule::MaxItems(max) => write!(f, "must have at most {max} items"),
            Rule::UniqueItems => f.write_str("must not list an item twice"),
        }
    }
}

/// A parameter value that breaks a rule of the spec: which parameter, what value, which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterError {
    parameter: ParameterName,
    value: String,
    rule: Rule,
}

impl ParameterError {
    /// The parameter's name as the spec spells it, e.g. `groupId`.
    pub fn parameter(&self) -> &'static str {
        self.parameter.wire
    }

    /// The parameter's name as the builder spells it, e.g. `group_id`.
    pub fn rust_name(&self) -> &'static str {
        self.parameter.rust
    }

    pub fn location(&self) -> ParameterLocation {
        self.parameter.location
    }

    /// The rejected value, as given; for a list whose count or repeats break a rule, its items
    /// joined with commas.
    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn rule(&self) -> Rule {
        self.rule
    }
}

impl fmt::Display for ParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {} parameter {} (`{}`): {:?} {}",
            self.parameter.location,
            self.parameter.wire,
            self.parameter.rust,
            self.value,
            self.rule
        )
    }
}

impl std::error::Error for ParameterError {}

impl Rules {
    /// Checks a string parameter: a path segment's shape first, then lengths, then the pattern.
    pub fn check_str(&self, value: &str) -> Result<(), ParameterError> {
        if self.parameter.location == ParameterLocation::Path && matches!(value, "" | "." | "..") {
            return Err(self.broken(value, Rule::PathSegment));
        }
        let length = match (self.min_length, self.max_length) {
            (None, None) => 0,
            _ if value.is_ascii() => value.len(),
            _ => value.chars().count(),
        };
        if let Some(min) = self.min_length.filter(|&min| length < min) {
            return Err(self.broken(value, Rule::MinLength(min)));
        }
        if let Some(max) = self.max_length.filter(|&max| length > max) {
            return Err(self.broken(value, Rule::MaxLength(max)));
        }
        // Patterns are unanchored, as in OpenAPI (ECMA-262): the spec anchors them with `^`
        // and `$` where it means to.
        if let Some(pattern) = self.pattern {
            if !(pattern.matches)(value) {
                return Err(self.broken(value, Rule::Pattern(pattern.source)));
            }
        }
        Ok(())
    }

    /// Checks an integer parameter against its range.
    pub fn check_integer(&self, value: i64) -> Result<(), ParameterError> {
        if let Some(min) = self.minimum.filter(|&min| value < min) {
            return Err(self.broken(&value.to_string(), Rule::Minimum(min)));
        }
        if let Some(max) = self.maximum.filter(|&max| value > max) {
            return Err(self.broken(&value.to_string(), Rule::Maximum(max)));
        }
        Ok(())
    }

    /// Checks a list parameter's number of items and their uniqueness; each item's own rules
    /// are checked apart. The error's value is the list's items joined with commas.
    pub fn check_items<T: PartialEq + fmt::Display>(
        &self,
        values: &[T],
    ) -> Result<(), ParameterError> {
        let broken = |rule| {
            let listed: Vec<String> = values.iter().map(ToString::to_string).collect();
            Err(self.broken(&listed.join(","), rule))
        };
        if let Some(min) = self.min_items.filter(|&min| values.len() < min) {
            return broken(Rule::MinItems(min));
        }
        if let Some(max) = self.max_items.filter(|&max| values.len() > max) {
            return broken(Rule::MaxItems(max));
        }
        // Lists of parameters are short (Atlas caps them at tens), so pairs are compared
        // rather than hashed: items need no `Hash`, and floats compare as they are.
        let repeats = |(index, value): (usize, &T)| values[..index].contains(value);
        if self.unique_items && values.iter().enumerate().any(repeats) {
            return broken(Rule::UniqueItems);
        }
        Ok(())
    }

    fn broken(&self, value: &str, rule: Rule) -> ParameterError {
        ParameterError {
            parameter: self.parameter,
            value: value.to_owned(),
            rule,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP_ID: Rules = Rules {
        parameter: ParameterName {
            wire: "groupId",
            rust: "group_id",
            location: ParameterLocation::Path,
        },
        pattern: Some(Pattern {
            source: "^([a-f0-9]{24})$",
            matches: is_lowercase_hex_24,
        }),
        min_length: Some(24),
        max_length: Some(24),
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
        unique_items: false,
    };

    const PAGE: Rules = Rules {
        parameter: ParameterName {
            wire: "itemsPerPage",
            rust: "items_per_page",
            location: ParameterLocation::Query,
        },
        pattern: None,
        min_length: None,
        max_length: None,
        minimum: Some(1),
        maximum: Some(500),
        min_items: None,
        max_items: None,
        unique_items: false,
    };

    /// What the generated matcher for `^([a-f0-9]{24})$` decides, without an engine.
    fn is_lowercase_hex_24(value: &str) -> bool {
        value.len() == 24
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    }

    #[test]
    fn a_path_segment_never_addresses_another_resource() {
        const NAME: Rules = Rules {
            parameter: ParameterName {
                wire: "username",
                rust: "username",
                location: ParameterLocation::Path,
            },
            pattern: None,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            min_items: None,
            max_items: None,
            unique_items: false,
        };
        for value in ["", ".", ".."] {
            let error = NAME.check_str(value).unwrap_err();
            assert_eq!(
                (error.parameter(), error.rule()),
                ("username", Rule::PathSegment)
            );
        }
        for value in ["a.b", "...", "%2e%2e"] {
            assert_eq!(NAME.check_str(value), Ok(()), "{value}");
        }
    }

    #[test]
    fn valid_values_pass() {
        assert_eq!(GROUP_ID.check_str("32b6e34b3d91647abb20e7b8"), Ok(()));
        assert_eq!(PAGE.check_integer(1), Ok(()));
        assert_eq!(PAGE.check_integer(500), Ok(()));
    }

    #[test]
    fn errors_name_parameter_value_and_rule() {
        let error = GROUP_ID.check_str("32B6E34B3D91647ABB20E7B8").unwrap_err();
        assert_eq!(error.parameter(), "groupId");
        assert_eq!(error.rule(), Rule::Pattern("^([a-f0-9]{24})$"));
        assert_eq!(
            error.to_string(),
            "invalid path parameter groupId (`group_id`): \"32B6E34B3D91647ABB20E7B8\" must match the pattern ^([a-f0-9]{24})$"
        );
        assert_eq!(
            GROUP_ID.check_str("abc").unwrap_err().rule(),
            Rule::MinLength(24)
        );
        assert_eq!(PAGE.check_integer(0).unwrap_err().rule(), Rule::Minimum(1));
        assert_eq!(PAGE.check_integer(501).unwrap_err().value(), "501");
    }

    #[test]
    fn lists_are_checked_for_their_count_and_repeats() {
        const METRICS: Rules = Rules {
            parameter: ParameterName {
                wire: "metrics",
                rust: "metrics",
                location: ParameterLocation::Query,
            },
            pattern: None,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            min_items: Some(1),
            max_items: Some(3),
            unique_items: true,
        };
        assert_eq!(METRICS.check_items(&["A", "B", "C"]), Ok(()));
        let empty: [&str; 0] = [];
        assert_eq!(
            METRICS.check_items(&empty).unwrap_err().rule(),
            Rule::MinItems(1)
        );
        let error = METRICS.check_items(&["A", "B", "C", "D"]).unwrap_err();
        assert_eq!(error.rule(), Rule::MaxItems(3));
        assert_eq!(
            error.to_string(),
            "invalid query parameter metrics (`metrics`): \"A,B,C,D\" must have at most 3 items"
        );
        let error = METRICS.check_items(&[1, 2, 1]).unwrap_err();
        assert_eq!((error.rule(), error.value()), (Rule::UniqueItems, "1,2,1"));
        // Without the rules, any list passes.
        assert_eq!(PAGE.check_items(&[7, 7, 7, 7]), Ok(()));
    }
}
