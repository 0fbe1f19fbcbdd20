//! Stage 1: spec text (YAML or JSON) into an `openapiv3::OpenAPI` document.

use crate::diagnostics::{Diagnostic, JsonPointer};
use openapiv3::OpenAPI;

/// Parses YAML or JSON. Syntax and shape errors carry the line and column that serde reports.
pub fn load(text: &str) -> Result<OpenAPI, Vec<Diagnostic>> {
    let looks_like_json = text.trim_start().starts_with('{');
    let document: OpenAPI = if looks_like_json {
        serde_json::from_str(text).map_err(|error| {
            vec![Diagnostic::new(
                &JsonPointer::root(),
                format!(
                    "not a valid OpenAPI 3.0 JSON document (line {}, column {}): {}",
                    error.line(),
                    error.column(),
                    error
                ),
            )]
        })?
    } else {
        serde_yaml::from_str(text).map_err(|error| {
            let place = error
                .location()
                .map(|at| format!(" (line {}, column {})", at.line(), at.column()))
                .unwrap_or_default();
            vec![Diagnostic::new(
                &JsonPointer::root(),
                format!("not a valid OpenAPI 3.0 YAML document{place}: {error}"),
            )]
        })?
    };
    if !document.openapi.starts_with("3.0.") {
        return Err(vec![Diagnostic::new(
            &JsonPointer::root().join("openapi"),
            format!(
                "version {:?} is not supported; this generator reads OpenAPI 3.0.x",
                document.openapi
            ),
        )]);
    }
    Ok(document)
}
