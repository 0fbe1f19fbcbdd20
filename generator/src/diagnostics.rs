//! Problems found in a spec, each located by a JSON pointer, collected and reported together.

use std::fmt;

/// A JSON pointer (RFC 6901) into the spec document, e.g. `#/components/schemas/Foo`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct JsonPointer {
    tokens: Vec<String>,
}

impl JsonPointer {
    /// The pointer to the whole document.
    pub fn root() -> Self {
        Self::default()
    }

    /// This pointer extended by one reference token (unescaped form).
    pub fn join(&self, token: impl Into<String>) -> Self {
        let mut tokens = self.tokens.clone();
        tokens.push(token.into());
        Self { tokens }
    }

    /// Parses a local `$ref` such as `#/components/schemas/Foo~1Bar`, undoing `~1` and `~0`.
    pub fn parse_local_ref(reference: &str) -> Option<Self> {
        let path = reference.strip_prefix('#')?;
        if path.is_empty() {
            return Some(Self::root());
        }
        let path = path.strip_prefix('/')?;
        let tokens = path
            .split('/')
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect();
        Some(Self { tokens })
    }

    /// Whether this pointer is `other` or one of its direct children.
    pub fn is_within_one_of(&self, other: &JsonPointer) -> bool {
        self.tokens.starts_with(&other.tokens) && self.tokens.len() <= other.tokens.len() + 1
    }

    /// The reference tokens, unescaped.
    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#")?;
        for token in &self.tokens {
            write!(f, "/{}", token.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

/// One problem in the spec: where it is and what is wrong, in a plain sentence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Where in the document the problem is.
    pub pointer: JsonPointer,
    /// What is wrong, as a sentence a maintainer can act on.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn new(pointer: &JsonPointer, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.clone(),
            message: message.into(),
        }
    }
}

/// Every problem found in one run, sorted by place so reports are stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    /// The file the pointers refer to, as the caller named it.
    pub spec_name: String,
    /// The problems, sorted by pointer and message.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub(crate) fn new(spec_name: &str, mut items: Vec<Diagnostic>) -> Self {
        items.sort();
        items.dedup();
        Self {
            spec_name: spec_name.to_owned(),
            items,
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.items.len();
        writeln!(
            f,
            "{} problem{} in {}:",
            count,
            if count == 1 { "" } else { "s" },
            self.spec_name
        )?;
        for item in &self.items {
            writeln!(f, "  {}{}: {}", self.spec_name, item.pointer, item.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Collects diagnostics while a stage walks the spec, so that one run reports them all.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    items: Vec<Diagnostic>,
}

impl Sink {
    pub(crate) fn error(&mut self, pointer: &JsonPointer, message: impl Into<String>) {
        self.items.push(Diagnostic::new(pointer, message));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub(crate) fn into_items(self) -> Vec<Diagnostic> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_escapes_and_unescapes_reference_tokens() {
        let pointer = JsonPointer::root()
            .join("paths")
            .join("/groups/{groupId}")
            .join("a~b");
        assert_eq!(pointer.to_string(), "#/paths/~1groups~1{groupId}/a~0b");
        assert_eq!(
            JsonPointer::parse_local_ref(&pointer.to_string()),
            Some(pointer)
        );
    }

    #[test]
    fn only_local_references_parse() {
        assert_eq!(JsonPointer::parse_local_ref("other.yaml#/a"), None);
        assert_eq!(
            JsonPointer::parse_local_ref("#/components/schemas/Foo").map(|p| p.tokens().to_vec()),
            Some(vec!["components".into(), "schemas".into(), "Foo".into()])
        );
    }
}
