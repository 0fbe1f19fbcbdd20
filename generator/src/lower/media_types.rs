//! Media types shared across operations: Atlas's 454 operations ask for 13 in `Accept`, so the
//! generated crate holds each `HeaderValue` once (`src/media_types.rs`) and operations name it.
//! A `const` costs nothing per request, but the compiler evaluates each one: one per operation
//! was 2% of the time rustc's self-profile gives Atlas's whole crate.

use crate::ir::{AcceptMediaType, Operation};
use std::collections::BTreeMap;

/// Names every media type operations ask for and points each operation at its name, e.g.
/// `APPLICATION_VND_ATLAS_2024_11_13_JSON` for `application/vnd.atlas.2024-11-13+json`. Media
/// types are named in sorted order, so a name two of them would share gets `_2` on the later.
pub(super) fn share_media_types(operations: &mut [Operation]) -> Vec<AcceptMediaType> {
    let mut names: BTreeMap<String, String> = operations
        .iter()
        .filter_map(|operation| operation.success.media_type.clone())
        .map(|media_type| (media_type, String::new()))
        .collect();
    let mut taken: Vec<String> = Vec::new();
    for (media_type, name) in &mut names {
        let words: Vec<String> = media_type
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        let stem = if words.is_empty() {
            "MEDIA_TYPE".to_owned()
        } else {
            words.join("_")
        };
        *name = (1..)
            .map(|ordinal| match ordinal {
                1 => stem.clone(),
                _ => format!("{stem}_{ordinal}"),
            })
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or(stem);
        taken.push(name.clone());
    }
    for success in operations
        .iter_mut()
        .map(|operation| &mut operation.success)
    {
        success.accept_constant = success
            .media_type
            .as_ref()
            .and_then(|media_type| names.get(media_type).cloned());
    }
    let mut shared: Vec<AcceptMediaType> = names
        .into_iter()
        .map(|(media_type, name)| AcceptMediaType { name, media_type })
        .collect();
    shared.sort_by(|a, b| a.name.cmp(&b.name));
    shared
}

#[cfg(test)]
mod tests {
    use crate::ir::AcceptMediaType;

    #[test]
    fn each_media_type_gets_one_constant_and_names_never_clash() {
        let operation = |id: &str, media_type: &str| {
            format!(
                "    get: {{operationId: {id}, responses: {{'200': {{description: ok, content: {{'{media_type}': {{schema: {{type: string}}}}}}}}}}}}\n"
            )
        };
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n{}  /b:\n{}  /c:\n{}",
            operation("a", "application/vnd.x+json"),
            operation("b", "application/vnd.x.json"),
            operation("c", "application/vnd.x+json"),
        );
        let api =
            crate::lower::lower(serde_yaml::from_str(&spec).expect("a spec")).expect("lowers");
        let shared = |name: &str, media_type: &str| AcceptMediaType {
            name: name.to_owned(),
            media_type: media_type.to_owned(),
        };
        assert_eq!(
            api.accept_media_types,
            [
                shared("APPLICATION_VND_X_JSON", "application/vnd.x+json"),
                shared("APPLICATION_VND_X_JSON_2", "application/vnd.x.json"),
            ]
        );
        let named: Vec<(&str, Option<&str>)> = api
            .operations
            .iter()
            .map(|operation| {
                (
                    operation.operation_id.as_str(),
                    operation.success.accept_constant.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                ("a", Some("APPLICATION_VND_X_JSON")),
                ("b", Some("APPLICATION_VND_X_JSON_2")),
                ("c", Some("APPLICATION_VND_X_JSON")),
            ]
        );
    }
}
