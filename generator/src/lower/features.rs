//! Cargo features per tag. An operation compiles under the features of its tags, and a model
//! under the features of every operation that reaches it, so that a crate built for a few tags
//! compiles what those tags need and nothing more. Operations without tags, and the models
//! they reach, compile always; models no operation reaches get a feature of their own.

use super::Lowerer;
use crate::diagnostics::JsonPointer;
use crate::ir::{
    FULL_FEATURE, Gate, Operation, ParameterType, TagFeature, TypeId, TypeKind, TypeRef, TypeSpace,
    UNREFERENCED_MODELS_FEATURE,
};
use std::collections::{BTreeMap, BTreeSet};

/// Names a tag's feature cannot take: the generated manifest's own features, and its optional
/// dependencies (whose names appear in `dep:name` and `name/feature` entries beside them). A
/// tag that would take one gets `-operations` appended instead.
pub const RESERVED_FEATURE_NAMES: &[&str] = &[
    "client",
    "default",
    "digest",
    FULL_FEATURE,
    "futures-util",
    "http2",
    "md-5",
    "reqwest",
    "sha2",
    "tokio",
    "tracing",
    UNREFERENCED_MODELS_FEATURE,
];

/// Appended to a tag's feature name that is reserved: a tag `Client` gives `client-operations`.
const RESERVED_SUFFIX: &str = "-operations";

/// The feature name of a tag: its ASCII words, lowercase, joined by `-` (`Cloud Backups` gives
/// `cloud-backups`, `X.509 Authentication` gives `x-509-authentication`). Words are not split
/// at case changes: `MongoDB` stays one word. `None` when the tag has no ASCII letter or digit.
pub fn feature_name(tag: &str) -> Option<String> {
    let words: Vec<String> = tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        return None;
    }
    let name = words.join("-");
    Some(if RESERVED_FEATURE_NAMES.contains(&name.as_str()) {
        format!("{name}{RESERVED_SUFFIX}")
    } else {
        name
    })
}

impl Lowerer<'_> {
    /// Names a feature for every tag that some operation carries, reports tags that give no
    /// name or the name of another tag, and sets each operation's gate.
    pub(super) fn assign_tag_features(&mut self, operations: &mut [Operation]) -> Vec<TagFeature> {
        // Feature name -> (tag, where it is first used): operations are sorted by id, so the
        // first use, and thus which of two colliding tags is reported, is stable.
        let mut claimed: BTreeMap<String, (String, JsonPointer)> = BTreeMap::new();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_tag: BTreeMap<String, Option<String>> = BTreeMap::new();
        for operation in operations.iter_mut() {
            let mut features = BTreeSet::new();
            for (index, tag) in operation.tags.iter().enumerate() {
                let name = by_tag.entry(tag.clone()).or_insert_with(|| {
                    let pointer = operation.origin.join("tags").join(index.to_string());
                    let Some(name) = feature_name(tag) else {
                        self.sink.error(
                            &pointer,
                            format!("tag {tag:?} has no ASCII letter or digit to name a Cargo feature; rename the tag"),
                        );
                        return None;
                    };
                    if let Some((other, first)) = claimed.get(&name) {
                        self.sink.error(
                            &pointer,
                            format!("tag {tag:?} gives the Cargo feature `{name}`, which tag {other:?} at {first} gives already; rename one of the tags"),
                        );
                        return None;
                    }
                    claimed.insert(name.clone(), (tag.clone(), pointer));
                    Some(name)
                });
                if let Some(name) = name {
                    features.insert(name.clone());
                }
            }
            for name in &features {
                *counts.entry(name.clone()).or_default() += 1;
            }
            operation.gate = if features.is_empty() {
                Gate::Always
            } else {
                Gate::AnyOf(features.into_iter().collect())
            };
        }
        let descriptions: BTreeMap<&str, &str> = self
            .document
            .tags
            .iter()
            .filter_map(|tag| Some((tag.name.as_str(), tag.description.as_deref()?)))
            .collect();
        claimed
            .into_iter()
            .map(|(name, (tag, _))| TagFeature {
                operation_count: counts.get(&name).copied().unwrap_or_default(),
                description: descriptions
                    .get(tag.as_str())
                    .map(|text| (*text).to_owned()),
                name,
                tag,
            })
            .collect()
    }
}

/// Sets the gate of every type from the operations that reach it, directly or through fields,
/// variants, items, map values and aliases. Returns whether some type is reached by no
/// operation (it then compiles under [`UNREFERENCED_MODELS_FEATURE`]).
pub(super) fn gate_models(types: &mut TypeSpace, operations: &[Operation]) -> bool {
    let successors: Vec<Vec<TypeId>> = types
        .iter()
        .map(|(_, def)| referenced_types(&def.kind))
        .collect();
    // Feature -> the types its operations use; `None` for operations without tags.
    let mut roots: BTreeMap<Option<&str>, Vec<TypeId>> = BTreeMap::new();
    for operation in operations {
        let used = operation_types(operation);
        match &operation.gate {
            Gate::Always => roots.entry(None).or_default().extend(used),
            Gate::AnyOf(features) => {
                for feature in features {
                    roots
                        .entry(Some(feature.as_str()))
                        .or_default()
                        .extend(used.iter().copied());
                }
            }
        }
    }
    let mut always = vec![false; types.len()];
    let mut features: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); types.len()];
    for (feature, starts) in &roots {
        for id in reachable(&successors, starts) {
            match feature {
                None => always[id.0] = true,
                Some(feature) => {
                    features[id.0].insert(feature);
                }
            }
        }
    }
    let unreferenced: Vec<TypeId> = (0..types.len())
        .filter(|&index| !always[index] && features[index].is_empty())
        .map(TypeId)
        .collect();
    // An unreferenced model needs what it holds, which some tag may need too.
    for id in reachable(&successors, &unreferenced) {
        features[id.0].insert(UNREFERENCED_MODELS_FEATURE);
    }
    for (index, features) in features.into_iter().enumerate() {
        let gate = if always[index] {
            Gate::Always
        } else {
            Gate::AnyOf(features.into_iter().map(str::to_owned).collect())
        };
        types.set_gate(TypeId(index), gate);
    }
    !unreferenced.is_empty()
}

/// Every type reachable from `starts`, each once.
fn reachable(successors: &[Vec<TypeId>], starts: &[TypeId]) -> Vec<TypeId> {
    let mut seen = vec![false; successors.len()];
    let mut pending: Vec<TypeId> = starts.to_vec();
    let mut found = Vec::new();
    while let Some(id) = pending.pop() {
        if std::mem::replace(&mut seen[id.0], true) {
            continue;
        }
        found.push(id);
        pending.extend(successors[id.0].iter().copied());
    }
    found
}

/// The types a type's generated code names.
fn referenced_types(kind: &TypeKind) -> Vec<TypeId> {
    let mut found = Vec::new();
    match kind {
        TypeKind::Struct(structure) => {
            for field in &structure.fields {
                super::mentioned_types(&field.ty, &mut found);
            }
            if let Some(additional) = &structure.additional {
                super::mentioned_types(additional, &mut found);
            }
        }
        TypeKind::StringEnum(_) | TypeKind::SharedEnum(_) => {}
        TypeKind::SharedEnumInstance(shared) => found.push(*shared),
        TypeKind::OneOf(one_of) => {
            for variant in &one_of.variants {
                super::mentioned_types(&variant.ty, &mut found);
            }
        }
        TypeKind::Alias(target) | TypeKind::Newtype(target) => {
            super::mentioned_types(target, &mut found);
        }
        TypeKind::ErrorByStatus(errors) => {
            for variant in &errors.variants {
                super::mentioned_types(&variant.ty, &mut found);
            }
        }
    }
    found
}

/// The types an operation's generated code names: enum parameters, the request body, the
/// success body and page items, and the error bodies.
fn operation_types(operation: &Operation) -> Vec<TypeId> {
    let mut found: Vec<TypeId> = operation
        .parameters
        .iter()
        .filter_map(|parameter| match parameter.ty {
            ParameterType::Enum(id) => Some(id),
            _ => None,
        })
        .collect();
    let bodies: Vec<&TypeRef> = operation
        .body
        .iter()
        .map(|body| &body.ty)
        .chain(&operation.success.body)
        .chain(
            operation
                .pagination
                .iter()
                .map(|pagination| &pagination.item),
        )
        .chain(
            operation
                .errors
                .iter()
                .filter_map(|error| error.body.as_ref()),
        )
        .chain(&operation.error_body)
        .collect();
    for body in bodies {
        super::mentioned_types(body, &mut found);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_kebab_case_words_of_the_tag() {
        assert_eq!(
            feature_name("Cloud Backups").as_deref(),
            Some("cloud-backups")
        );
        assert_eq!(
            feature_name("X.509 Authentication").as_deref(),
            Some("x-509-authentication")
        );
        assert_eq!(
            feature_name("MongoDB Cloud Users").as_deref(),
            Some("mongodb-cloud-users")
        );
        assert_eq!(
            feature_name("  Third-Party  Integrations ").as_deref(),
            Some("third-party-integrations")
        );
        assert_eq!(feature_name("Über").as_deref(), Some("ber"));
        assert_eq!(feature_name("—"), None);
    }

    #[test]
    fn reserved_feature_names_get_a_suffix() {
        assert_eq!(feature_name("Client").as_deref(), Some("client-operations"));
        assert_eq!(feature_name("Full").as_deref(), Some("full-operations"));
        assert_eq!(
            feature_name("Unreferenced Models").as_deref(),
            Some("unreferenced-models-operations")
        );
        assert_eq!(feature_name("HTTP/2").as_deref(), Some("http-2"));
    }
}
