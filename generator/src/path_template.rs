//! Path templates such as `/groups/{groupId}/clusters`, parsed once into literal and parameter parts.

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub parts: Vec<PathPart>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Literal(String),
    /// A `{name}` placeholder, by its wire name.
    Parameter(String),
}

impl PathTemplate {
    /// Parses a template; the error says what is malformed.
    pub fn parse(template: &str) -> Result<Self, String> {
        if !template.starts_with('/') {
            return Err(format!("path {template:?} does not start with '/'"));
        }
        let mut parts = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find(['{', '}']) {
            if rest.as_bytes()[open] == b'}' {
                return Err(format!("path {template:?} has a '}}' without a '{{'"));
            }
            if open > 0 {
                parts.push(PathPart::Literal(rest[..open].to_owned()));
            }
            let after = &rest[open + 1..];
            let close = after
                .find('}')
                .ok_or_else(|| format!("path {template:?} has an unclosed '{{'"))?;
            let name = &after[..close];
            if name.is_empty() || name.contains('{') {
                return Err(format!(
                    "path {template:?} has a malformed parameter {{{name}}}"
                ));
            }
            parts.push(PathPart::Parameter(name.to_owned()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PathPart::Literal(rest.to_owned()));
        }
        Ok(Self { parts })
    }

    /// The parameter names in order of appearance.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            PathPart::Parameter(name) => Some(name.as_str()),
            PathPart::Literal(_) => None,
        })
    }
}

impl std::fmt::Display for PathTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for part in &self.parts {
            match part {
                PathPart::Literal(text) => f.write_str(text)?,
                PathPart::Parameter(name) => write!(f, "{{{name}}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_literals_and_parameters() {
        let template = PathTemplate::parse("/groups/{groupId}/clusters/{name}").unwrap();
        assert_eq!(
            template.parts,
            vec![
                PathPart::Literal("/groups/".into()),
                PathPart::Parameter("groupId".into()),
                PathPart::Literal("/clusters/".into()),
                PathPart::Parameter("name".into()),
            ]
        );
        assert_eq!(
            template.parameters().collect::<Vec<_>>(),
            ["groupId", "name"]
        );
    }

    #[test]
    fn path_without_parameters_is_one_literal() {
        let template = PathTemplate::parse("/api/atlas/v2").unwrap();
        assert_eq!(
            template.parts,
            vec![PathPart::Literal("/api/atlas/v2".into())]
        );
    }

    #[test]
    fn malformed_templates_are_rejected_with_a_reason() {
        for (template, reason) in [
            ("groups", "does not start with '/'"),
            ("/groups/{groupId", "unclosed '{'"),
            ("/groups/{}", "malformed parameter"),
            ("/groups/}x", "'}' without a '{'"),
        ] {
            let error = PathTemplate::parse(template).unwrap_err();
            assert!(error.contains(reason), "{template}: {error}");
        }
    }
}
