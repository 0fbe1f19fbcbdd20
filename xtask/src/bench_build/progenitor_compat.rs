//! `--progenitor-compat`: a copy of a spec rewritten where progenitor 0.15 refuses it, so the
//! baseline can be built from (nearly) the same operations and models as our crate.
//!
//! Each rule answers one way progenitor fails on MongoDB's spec, and each keeps the amount of
//! code to generate about the same (a model stays a model, an operation an operation):
//! - versioned JSON media types (`application/vnd.atlas.2023-01-01+json`): progenitor refuses
//!   them in request bodies and treats responses in them as raw bytes, so they become
//!   `application/json` (the first of several versions stays);
//! - a media type without a schema stops progenitor (`todo!`): the entry goes;
//! - progenitor allows one response type for the successes and one for the errors of an
//!   operation: the responses of the most common type in each group stay (ties: the lowest
//!   status code);
//! - an `enum` on an array or an object, and string enums whose values make no distinct Rust
//!   names (`<`, `>`), make it fail: the `enum` goes and the schema stays;
//! - a schema that lists subtypes in `oneOf`/`anyOf` while each subtype extends it through
//!   `allOf` sends progenitor into endless recursion: the subtype gets a copy of the parent's
//!   own part (without the `oneOf`/`anyOf`/`discriminator`) in place of the `$ref`;
//! - a schema that declares a property beside `oneOf`/`anyOf`/`allOf` members declaring it
//!   too, with a different `pattern`, stops progenitor 0.14 (typify 0.6 panics: "merging
//!   distinct patterns is impractical"): the outer declaration's `pattern` goes.

use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// How many times each rule changed the spec, by rule.
pub type Edits = BTreeMap<&'static str, usize>;

const MEDIA_TYPE: &str = "versioned media types renamed to application/json";
const NO_SCHEMA: &str = "media types without a schema removed";
const RESPONSE_TYPE: &str = "responses of a second type in their group removed";
const ENUM_SHAPE: &str = "enums on arrays or objects removed";
const ENUM_NAMES: &str = "enums without distinct variant names removed";
const SUBTYPE_CYCLE: &str = "subtype references to their parent inlined";
const PATTERN_CLASH: &str = "patterns clashing with a member's removed";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites the spec `text` (YAML or JSON) and returns it as YAML, with what was changed.
pub fn rewrite(text: &str) -> Result<(String, Edits), String> {
    let mut spec: Value =
        serde_yaml::from_str(text).map_err(|error| format!("cannot parse the spec: {error}"))?;
    let mut edits = Edits::new();
    drop_unnameable_enums(&mut spec, &mut edits);
    drop_clashing_patterns(&mut spec, &mut edits);
    break_subtype_cycles(&mut spec, &mut edits);
    for content in contents(&mut spec) {
        plain_json_media_types(content, &mut edits);
    }
    one_response_type_per_group(&mut spec, &mut edits);
    let text = serde_yaml::to_string(&spec)
        .map_err(|error| format!("cannot write the rewritten spec: {error}"))?;
    Ok((text, edits))
}

/// A summary such as `versioned media types renamed to application/json: 525; ...`.
pub fn describe(edits: &Edits) -> String {
    if edits.is_empty() {
        return "nothing to change".to_owned();
    }
    let parts: Vec<String> = edits
        .iter()
        .map(|(rule, count)| format!("{rule}: {count}"))
        .collect();
    parts.join("; ")
}

fn count(edits: &mut Edits, rule: &'static str) {
    *edits.entry(rule).or_default() += 1;
}

fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping()?.get(key)
}

fn get_mut<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    value.as_mapping_mut()?.get_mut(key)
}

/// Status codes are numbers or strings in YAML, whichever the author wrote.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        other => serde_yaml::to_string(other).unwrap_or_default(),
    }
}

fn drop_unnameable_enums(node: &mut Value, edits: &mut Edits) {
    match node {
        Value::Mapping(map) => {
            if let Some(values) = map.get("enum").and_then(Value::as_sequence) {
                let shape = map.get("type").and_then(Value::as_str);
                if matches!(shape, Some("array" | "object")) {
                    map.shift_remove("enum");
                    count(edits, ENUM_SHAPE);
                } else if !distinct_names(values) {
                    map.shift_remove("enum");
                    count(edits, ENUM_NAMES);
                }
            }
            for (_, child) in map.iter_mut() {
                drop_unnameable_enums(child, edits);
            }
        }
        Value::Sequence(items) => {
            for child in items {
                drop_unnameable_enums(child, edits);
            }
        }
        _ => {}
    }
}

/// Whether string values keep distinct, non-empty names once reduced to letters and digits
/// (as progenitor's variant names are); enums of other values are left to progenitor.
fn distinct_names(values: &[Value]) -> bool {
    let mut names = Vec::new();
    for value in values {
        let Some(text) = value.as_str() else {
            return true;
        };
        let name: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || names.contains(&name) {
            return false;
        }
        names.push(name);
    }
    true
}

fn schema_name(reference: &Value) -> Option<&str> {
    get(reference, "$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

fn component_schemas(spec: &mut Value) -> Option<&mut Mapping> {
    get_mut(spec, "components")
        .and_then(|components| get_mut(components, "schemas"))
        .and_then(Value::as_mapping_mut)
}

fn drop_clashing_patterns(spec: &mut Value, edits: &mut Edits) {
    let Some(schemas) = component_schemas(spec) else {
        return;
    };
    // (schema, property) for every outer property whose pattern a member contradicts.
    let mut clashes = Vec::new();
    for (key, schema) in schemas.iter() {
        let Some(properties) = get(schema, "properties").and_then(Value::as_mapping) else {
            continue;
        };
        let members: Vec<&Value> = ["oneOf", "anyOf", "allOf"]
            .iter()
            .filter_map(|combinator| get(schema, combinator).and_then(Value::as_sequence))
            .flatten()
            .map(|member| {
                schema_name(member)
                    .and_then(|name| schemas.get(name))
                    .unwrap_or(member)
            })
            .collect();
        for (name, property) in properties {
            let Some(pattern) = get(property, "pattern") else {
                continue;
            };
            let contradicted = members.iter().any(|member| {
                get(member, "properties")
                    .and_then(|theirs| theirs.get(name))
                    .and_then(|theirs| get(theirs, "pattern"))
                    .is_some_and(|theirs| theirs != pattern)
            });
            if contradicted {
                clashes.push((key.clone(), name.clone()));
            }
        }
    }
    for (schema, property) in clashes {
        let removed = schemas
            .get_mut(&schema)
            .and_then(|schema| get_mut(schema, "properties"))
            .and_then(Value::as_mapping_mut)
            .and_then(|properties| properties.get_mut(&property))
            .and_then(Value::as_mapping_mut)
            .and_then(|property| property.shift_remove("pattern"));
        if removed.is_some() {
            count(edits, PATTERN_CLASH);
        }
    }
}

fn break_subtype_cycles(spec: &mut Value, edits: &mut Edits) {
    let Some(schemas) = component_schemas(spec) else {
        return;
    };
    // (child, parent, parent's own part) for every subtype that extends its parent.
    let mut cycles = Vec::new();
    for (parent_key, parent) in schemas.iter() {
        let Some(parent_name) = parent_key.as_str() else {
            continue;
        };
        let subtypes = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|key| get(parent, key).and_then(Value::as_sequence))
            .flatten()
            .filter_map(schema_name);
        for child in subtypes {
            let mut own = parent.as_mapping().cloned().unwrap_or_default();
            for key in ["oneOf", "anyOf", "discriminator"] {
                own.shift_remove(key);
            }
            cycles.push((
                child.to_owned(),
                parent_name.to_owned(),
                Value::Mapping(own),
            ));
        }
    }
    for (child, parent, own) in cycles {
        let Some(parts) = schemas
            .get_mut(child.as_str())
            .and_then(|child| get_mut(child, "allOf"))
            .and_then(Value::as_sequence_mut)
        else {
            continue;
        };
        for part in parts {
            if schema_name(part) == Some(parent.as_str()) {
                *part = own.clone();
                count(edits, SUBTYPE_CYCLE);
            }
        }
    }
}

/// Every `content` map of a request body or a response, in operations and in components.
fn contents(spec: &mut Value) -> Vec<&mut Mapping> {
    let mut found = Vec::new();
    let Some(root) = spec.as_mapping_mut() else {
        return found;
    };
    for (key, section) in root.iter_mut() {
        match key.as_str() {
            Some("paths") => {
                let items = section
                    .as_mapping_mut()
                    .into_iter()
                    .flat_map(|paths| paths.values_mut());
                for operation in items.flat_map(operations) {
                    let Some(operation) = operation.as_mapping_mut() else {
                        continue;
                    };
                    for (key, part) in operation.iter_mut() {
                        match key.as_str() {
                            Some("requestBody") => found.extend(content_of(part)),
                            Some("responses") => found.extend(
                                part.as_mapping_mut()
                                    .into_iter()
                                    .flat_map(|responses| responses.values_mut())
                                    .filter_map(content_of),
                            ),
                            _ => {}
                        }
                    }
                }
            }
            Some("components") => {
                let Some(components) = section.as_mapping_mut() else {
                    continue;
                };
                for (key, group) in components.iter_mut() {
                    if matches!(key.as_str(), Some("responses" | "requestBodies")) {
                        found.extend(
                            group
                                .as_mapping_mut()
                                .into_iter()
                                .flat_map(|group| group.values_mut())
                                .filter_map(content_of),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn content_of(holder: &mut Value) -> Option<&mut Mapping> {
    get_mut(holder, "content")?.as_mapping_mut()
}

/// The operations of a path item.
fn operations(item: &mut Value) -> impl Iterator<Item = &mut Value> {
    item.as_mapping_mut()
        .into_iter()
        .flat_map(|item| item.iter_mut())
        .filter(|(method, _)| {
            method
                .as_str()
                .is_some_and(|method| METHODS.contains(&method))
        })
        .map(|(_, operation)| operation)
}

fn plain_json_media_types(content: &mut Mapping, edits: &mut Edits) {
    let mut rewritten = Mapping::new();
    for (media_type, entry) in std::mem::take(content) {
        if get(&entry, "schema").is_none() {
            count(edits, NO_SCHEMA);
            continue;
        }
        let name = media_type.as_str().unwrap_or_default();
        let versioned = name.starts_with("application/vnd.") && name.ends_with("+json");
        if versioned {
            count(edits, MEDIA_TYPE);
            let plain = Value::from("application/json");
            if !rewritten.contains_key(&plain) {
                rewritten.insert(plain, entry);
            }
        } else {
            rewritten.insert(media_type, entry);
        }
    }
    *content = rewritten;
}

fn one_response_type_per_group(spec: &mut Value, edits: &mut Edits) {
    let shared = get(spec, "components")
        .and_then(|components| get(components, "responses"))
        .cloned()
        .unwrap_or(Value::Null);
    let Some(paths) = get_mut(spec, "paths").and_then(Value::as_mapping_mut) else {
        return;
    };
    for operation in paths.values_mut().flat_map(operations) {
        let Some(responses) = get_mut(operation, "responses").and_then(Value::as_mapping_mut)
        else {
            continue;
        };
        let mut statuses: Vec<(String, String)> = responses
            .iter()
            .map(|(status, response)| (key_text(status), response_type(response, &shared)))
            .collect();
        statuses.sort();
        for success in [true, false] {
            let group: Vec<&(String, String)> = statuses
                .iter()
                .filter(|(status, _)| status.starts_with('2') == success)
                .collect();
            let Some(kept) = most_common(group.iter().map(|(_, kind)| kind.as_str())) else {
                continue;
            };
            for (status, kind) in group {
                if kind != kept {
                    let key = responses
                        .keys()
                        .find(|key| key_text(key) == *status)
                        .cloned();
                    if let Some(key) = key {
                        responses.shift_remove(&key);
                        count(edits, RESPONSE_TYPE);
                    }
                }
            }
        }
    }
}

/// What progenitor makes of a response: the JSON schema's text, or raw bytes, or nothing.
fn response_type(response: &Value, shared: &Value) -> String {
    let resolved = get(response, "$ref")
        .and_then(Value::as_str)
        .and_then(|reference| reference.strip_prefix("#/components/responses/"))
        .and_then(|name| get(shared, name))
        .unwrap_or(response);
    let Some(content) = get(resolved, "content").and_then(Value::as_mapping) else {
        return "none".to_owned();
    };
    match content
        .get("application/json")
        .and_then(|entry| get(entry, "schema"))
    {
        Some(schema) => serde_yaml::to_string(schema).unwrap_or_default(),
        None if content.is_empty() => "none".to_owned(),
        None => "raw".to_owned(),
    }
}

/// The most frequent item; the earliest among equally frequent ones.
fn most_common<'a>(items: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let items: Vec<&str> = items.collect();
    let frequency = |item: &str| items.iter().filter(|other| **other == item).count();
    let mut best: Option<&str> = None;
    for item in &items {
        if best.is_none_or(|best| frequency(item) > frequency(best)) {
            best = Some(item);
        }
    }
    best
}

#[cfg(test)]
mod tests;
