//! `cargo xtask spec add`: copy official operations, and every component they reach, into the
//! curated spec by appending text (see the module doc of [`super`] for why).

use super::closure::{Component, closure};
use super::tree::{Operation, Pointer, entries, field, key_text, operations, show};
use super::yaml_text::{TextEdit, emit_entry};
use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;

/// What `spec add` was asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddRequest {
    pub operation_ids: Vec<String>,
    pub overwrite: bool,
}

/// The outcome of planning an addition: the report, and the new text when there is one to
/// write (`None` when everything asked for is already there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddPlan {
    pub report: String,
    pub new_text: Option<String>,
}

/// A spec as the commands see it: its display name, text and tree.
#[derive(Debug)]
pub struct Spec<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub tree: Value,
}

impl<'a> Spec<'a> {
    pub fn parse(name: &'a str, text: &'a str) -> Result<Self, String> {
        let tree =
            serde_yaml::from_str(text).map_err(|error| format!("{name} is not YAML: {error}\n"))?;
        Ok(Self { name, text, tree })
    }
}

/// Keys that document rather than define: two components that differ only there are the same
/// component. Vendor extensions (`x-...`) are annotations too: ours (`x-sunset`,
/// `x-response-envelope`, ...) must not make a shared parameter look different.
fn is_documentation(key: &str) -> bool {
    matches!(
        key,
        "description" | "summary" | "example" | "examples" | "externalDocs" | "title"
    ) || key.starts_with("x-")
}

/// A flag at its default (`required: false`, ...) says nothing more than leaving it out.
fn is_default_flag(key: &str, value: &Value) -> bool {
    value == &Value::Bool(false)
        && matches!(
            key,
            "required" | "deprecated" | "nullable" | "readOnly" | "writeOnly" | "allowEmptyValue"
        )
}

/// Where two trees differ, ignoring documentation: `(ours, official, what)` per difference.
pub fn differences(
    ours: (&Pointer, &Value),
    theirs: (&Pointer, &Value),
    out: &mut Vec<(Pointer, Pointer, String)>,
) {
    let ((our_at, our), (their_at, their)) = (ours, theirs);
    match (our, their) {
        (Value::Mapping(_), Value::Mapping(_)) => {
            let their_entries = entries(their);
            for (key, value) in entries(our) {
                if is_documentation(&key) {
                    continue;
                }
                match field(their, &key) {
                    Some(other) => differences(
                        (&our_at.push(&key), value),
                        (&their_at.push(&key), other),
                        out,
                    ),
                    None if is_default_flag(&key, value) => {}
                    None => out.push((
                        our_at.push(&key),
                        their_at.push(&key),
                        "only ours has it".to_owned(),
                    )),
                }
            }
            for (key, value) in their_entries {
                if !is_documentation(&key)
                    && !is_default_flag(&key, value)
                    && field(our, &key).is_none()
                {
                    out.push((
                        our_at.push(&key),
                        their_at.push(&key),
                        "only the official one has it".to_owned(),
                    ));
                }
            }
        }
        (Value::Sequence(our_items), Value::Sequence(their_items)) => {
            for (index, (a, b)) in our_items.iter().zip(their_items).enumerate() {
                differences((&our_at.index(index), a), (&their_at.index(index), b), out);
            }
            if our_items.len() != their_items.len() {
                out.push((
                    our_at.clone(),
                    their_at.clone(),
                    format!(
                        "ours has {} entries, official {}",
                        our_items.len(),
                        their_items.len()
                    ),
                ));
            }
        }
        _ if our == their => {}
        _ => out.push((
            our_at.clone(),
            their_at.clone(),
            format!("ours {}, official {}", show(our), show(their)),
        )),
    }
}

/// The official operation as we copy it: path-level parameters moved into the operation (so
/// it can join a path item we already have), and the SDK code samples left out (they show
/// other languages' clients, not the API).
fn operation_to_copy(operation: &Operation<'_>) -> Value {
    let mut value = operation.value.clone();
    if let Value::Mapping(map) = &mut value {
        map.remove("x-codeSamples");
        if let Some(Value::Sequence(shared)) = field(operation.path_item, "parameters") {
            let own = match map.get("parameters") {
                Some(Value::Sequence(own)) => own.clone(),
                _ => Vec::new(),
            };
            let mut merged: Vec<Value> = shared.clone();
            merged.extend(own);
            map.insert(Value::from("parameters"), Value::Sequence(merged));
        }
    }
    value
}

/// Our vendor extensions survive an overwrite: those the official value lacks are kept.
fn keep_our_extensions(ours: &Value, mut theirs: Value) -> Value {
    if let Value::Mapping(map) = &mut theirs {
        for (key, value) in entries(ours) {
            if key.starts_with("x-") && !map.contains_key(key.as_str()) {
                map.insert(Value::from(key), value.clone());
            }
        }
    }
    theirs
}

#[derive(Debug)]
enum Change {
    /// A new operation at a path we may or may not have.
    AddOperation {
        path: String,
        method: String,
        value: Value,
    },
    ReplaceOperation {
        path: String,
        method: String,
        value: Value,
    },
    AddComponent {
        component: Component,
        value: Value,
    },
    ReplaceComponent {
        component: Component,
        value: Value,
    },
}

/// Plans `spec add`: what to add, reuse or report, and the edited text. Pure: the caller reads
/// and writes the files.
pub fn plan(ours: &Spec<'_>, theirs: &Spec<'_>, request: &AddRequest) -> Result<AddPlan, String> {
    let official_operations = operations(&theirs.tree);
    let our_operations = operations(&ours.tree);
    let mut lines = Vec::new();
    let mut conflicts = Vec::new();
    let mut changes = Vec::new();

    let mut wanted: Vec<&Operation<'_>> = Vec::new();
    let mut unknown = Vec::new();
    for id in &request.operation_ids {
        match official_operations.iter().find(|op| &op.id == id) {
            Some(op) if !wanted.iter().any(|w| w.id == op.id) => wanted.push(op),
            Some(_) => {}
            None => unknown.push(id.as_str()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "{} has no operation {}; nothing was written.\n",
            theirs.name,
            unknown.join(", ")
        ));
    }

    for op in &wanted {
        let value = operation_to_copy(op);
        let label = format!("{} {} {}", op.id, op.method.to_uppercase(), op.path);
        let at_location = our_operations
            .iter()
            .find(|ours| ours.path == op.path && ours.method == op.method);
        match our_operations.iter().find(|ours| ours.id == op.id) {
            Some(existing) if existing.path != op.path || existing.method != op.method => {
                conflicts.push(format!(
                    "  conflict operation {label}: ours is at {}, the official one at {}; move ours by hand first\n",
                    existing.pointer, op.pointer
                ));
            }
            Some(existing) => {
                let mut found = Vec::new();
                differences(
                    (&existing.pointer, existing.value),
                    (&op.pointer, &value),
                    &mut found,
                );
                if found.is_empty() {
                    lines.push(format!(
                        "  same     operation {label} ({})\n",
                        existing.pointer
                    ));
                } else if request.overwrite {
                    lines.push(format!(
                        "  replace  operation {label} ({})\n",
                        existing.pointer
                    ));
                    changes.push(Change::ReplaceOperation {
                        path: op.path.clone(),
                        method: op.method.to_owned(),
                        value: keep_our_extensions(existing.value, value),
                    });
                } else {
                    conflicts.push(conflict_text(&format!("operation {label}"), &found));
                }
            }
            None => match at_location {
                Some(other) => conflicts.push(format!(
                    "  conflict operation {label}: ours has {} there ({}); move it by hand first\n",
                    other.id, other.pointer
                )),
                None => {
                    lines.push(format!(
                        "  add      operation {label} ({})\n",
                        Pointer::root().push("paths").push(&op.path).push(op.method)
                    ));
                    changes.push(Change::AddOperation {
                        path: op.path.clone(),
                        method: op.method.to_owned(),
                        value,
                    });
                }
            },
        }
    }

    // The closure starts from the operations as copied, path-level parameters included.
    let copies: Vec<(Pointer, Value)> = wanted
        .iter()
        .map(|op| (op.pointer.clone(), operation_to_copy(op)))
        .collect();
    let roots: Vec<(Pointer, &Value)> = copies
        .iter()
        .map(|(at, value)| (at.clone(), value))
        .collect();
    let components = closure(&theirs.tree, &roots).map_err(|errors| {
        let mut text = format!("{} cannot be copied from:\n", theirs.name);
        for error in errors {
            text.push_str(&format!("  {}{error}\n", theirs.name));
        }
        text.push_str("nothing was written.\n");
        text
    })?;
    for component in components {
        let pointer = component.pointer();
        let Some(official) = pointer.get(&theirs.tree) else {
            continue;
        };
        match pointer.get(&ours.tree) {
            None => {
                lines.push(format!("  add      {pointer}\n"));
                changes.push(Change::AddComponent {
                    component,
                    value: official.clone(),
                });
            }
            Some(existing) => {
                let mut found = Vec::new();
                differences((&pointer, existing), (&pointer, official), &mut found);
                if found.is_empty() {
                    lines.push(format!("  reuse    {pointer} (same as ours)\n"));
                } else if request.overwrite {
                    lines.push(format!("  replace  {pointer}\n"));
                    changes.push(Change::ReplaceComponent {
                        component,
                        value: keep_our_extensions(existing, official.clone()),
                    });
                } else {
                    conflicts.push(conflict_text(&pointer.to_string(), &found));
                }
            }
        }
    }

    let mut report = format!(
        "spec add: {} from {} into {}\n",
        plural(wanted.len(), "operation", "operations"),
        theirs.name,
        ours.name
    );
    report.extend(lines);
    if !conflicts.is_empty() {
        report.push_str(&format!(
            "{} from ours:\n",
            plural(conflicts.len(), "thing differs", "things differ")
        ));
        report.extend(conflicts);
        report.push_str(
            "nothing was written; rerun with --overwrite to replace ours with the official \
             definitions (our x- extensions are kept).\n",
        );
        return Err(report);
    }
    if changes.is_empty() {
        report.push_str("nothing to add.\n");
        return Ok(AddPlan {
            report,
            new_text: None,
        });
    }
    let new_text = apply(ours, &changes)?;
    Ok(AddPlan {
        report,
        new_text: Some(new_text),
    })
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

fn conflict_text(what: &str, found: &[(Pointer, Pointer, String)]) -> String {
    let mut text = format!("  conflict {what}\n");
    for (ours, theirs, detail) in found {
        if ours == theirs {
            text.push_str(&format!("      {ours} (both sides): {detail}\n"));
        } else {
            text.push_str(&format!("      ours {ours}, official {theirs}: {detail}\n"));
        }
    }
    text
}

/// Applies the changes to the text and, the same way, to our tree; the edited text must parse
/// to exactly that tree, or nothing is written.
fn apply(ours: &Spec<'_>, changes: &[Change]) -> Result<String, String> {
    let mut edit = TextEdit::new(ours.text);
    let step = edit.indent_step;
    let mut expected = ours.tree.clone();
    let internal = |what: String| {
        format!(
            "cannot edit {} as text: {what}; nothing was written. Add it by hand, or rewrite \
             that part of the file in block style.\n",
            ours.name
        )
    };

    // New operations grouped by path, so a new path item is written once with all its methods.
    let mut new_paths: BTreeMap<String, Vec<(String, Value)>> = BTreeMap::new();
    let mut path_order = Vec::new();
    for change in changes {
        match change {
            Change::AddOperation {
                path,
                method,
                value,
            } => {
                set(&mut expected, &["paths", path, method], value.clone());
                if edit.find_path(&["paths", path]).is_some() {
                    new_paths.entry(path.clone()).or_default();
                } else if !new_paths.contains_key(path) {
                    path_order.push(path.clone());
                }
                new_paths
                    .entry(path.clone())
                    .or_default()
                    .push((method.clone(), value.clone()));
            }
            Change::ReplaceOperation {
                path,
                method,
                value,
            } => {
                set(&mut expected, &["paths", path, method], value.clone());
                let block = edit
                    .find_path(&["paths", path, method])
                    .ok_or_else(|| internal(format!("no block for {method} {path}")))?;
                edit.replace(block, emit_entry(method, value, block.indent, step));
            }
            Change::ReplaceComponent { component, value } => {
                let keys = ["components", component.section.as_str(), &component.name];
                set(&mut expected, &keys, value.clone());
                let block = edit
                    .find_path(&keys)
                    .ok_or_else(|| internal(format!("no block for {}", component.pointer())))?;
                edit.replace(
                    block,
                    emit_entry(&component.name, value, block.indent, step),
                );
            }
            Change::AddComponent { .. } => {}
        }
    }

    // Operations at paths we have go into those path items; new paths go at the end of paths.
    for (path, methods) in &new_paths {
        let Some(block) = edit.find_path(&["paths", path]) else {
            continue;
        };
        if edit.has_inline_value(block) {
            return Err(internal(format!("the path item {path} is written inline")));
        }
        let indent = edit.child_indent(block).unwrap_or(block.indent + step);
        for (method, value) in methods {
            edit.append_to(block, emit_entry(method, value, indent, step));
        }
    }
    let mut path_items = Mapping::new();
    for path in &path_order {
        let mut item = Mapping::new();
        for (method, value) in &new_paths[path] {
            item.insert(Value::from(method.as_str()), value.clone());
        }
        path_items.insert(Value::from(path.as_str()), Value::Mapping(item));
    }
    append_entries(&mut edit, "paths", path_items, &internal)?;

    // New components, section by section, in the order they were reached.
    let mut sections: Vec<(String, Mapping)> = Vec::new();
    for change in changes {
        if let Change::AddComponent { component, value } = change {
            set(
                &mut expected,
                &["components", &component.section, &component.name],
                value.clone(),
            );
            let index = match sections.iter().position(|(s, _)| *s == component.section) {
                Some(index) => index,
                None => {
                    sections.push((component.section.clone(), Mapping::new()));
                    sections.len() - 1
                }
            };
            sections[index]
                .1
                .insert(Value::from(component.name.as_str()), value.clone());
        }
    }
    let mut new_sections = Mapping::new();
    for (section, items) in sections {
        match edit.find_path(&["components", &section]) {
            Some(block) if edit.has_inline_value(block) => {
                return Err(internal(format!("components/{section} is written inline")));
            }
            Some(block) => {
                let indent = edit.child_indent(block).unwrap_or(block.indent + step);
                let spaced = edit.children_spaced(block);
                for (name, value) in &items {
                    let name = key_text(name).unwrap_or_default();
                    let text = emit_entry(&name, value, indent, step);
                    edit.append_to(block, if spaced { format!("\n{text}") } else { text });
                }
            }
            None => {
                new_sections.insert(Value::from(section), Value::Mapping(items));
            }
        }
    }
    append_entries(&mut edit, "components", new_sections, &internal)?;

    let text = edit.finish();
    let reread: Value = serde_yaml::from_str(&text)
        .map_err(|error| internal(format!("the edited text is not YAML ({error})")))?;
    if reread != expected {
        return Err(internal(
            "the edited text does not read back as the intended document".to_owned(),
        ));
    }
    Ok(text)
}

/// Appends entries to a top-level mapping (`paths`, `components`), creating it at the end of
/// the file if the spec has none.
fn append_entries(
    edit: &mut TextEdit,
    top: &str,
    items: Mapping,
    internal: &dyn Fn(String) -> String,
) -> Result<(), String> {
    if items.is_empty() {
        return Ok(());
    }
    let step = edit.indent_step;
    match edit.find_path(&[top]) {
        Some(block) if edit.has_inline_value(block) => {
            Err(internal(format!("{top} is written inline")))
        }
        Some(block) => {
            let indent = edit.child_indent(block).unwrap_or(step);
            let spaced = edit.children_spaced(block);
            for (key, value) in &items {
                let key = key_text(key).unwrap_or_default();
                let text = emit_entry(&key, value, indent, step);
                edit.append_to(block, if spaced { format!("\n{text}") } else { text });
            }
            Ok(())
        }
        None => {
            edit.append_to_file(emit_entry(top, &Value::Mapping(items), 0, step));
            Ok(())
        }
    }
}

/// Sets `tree[keys...]`, creating mappings on the way (and appending new keys at the end).
fn set(tree: &mut Value, keys: &[&str], value: Value) {
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut node = tree;
    for key in parents {
        if !matches!(node, Value::Mapping(_)) {
            *node = Value::Mapping(Mapping::new());
        }
        let Value::Mapping(map) = node else { return };
        let key = existing_key(map, key);
        node = map
            .entry(key)
            .or_insert_with(|| Value::Mapping(Mapping::new()));
        if node.is_null() {
            *node = Value::Mapping(Mapping::new());
        }
    }
    if !matches!(node, Value::Mapping(_)) {
        *node = Value::Mapping(Mapping::new());
    }
    if let Value::Mapping(map) = node {
        let key = existing_key(map, last);
        map.insert(key, value);
    }
}

/// The key as the mapping already spells it (`200` or `'200'`), else a string key.
fn existing_key(map: &Mapping, key: &str) -> Value {
    map.keys()
        .find(|existing| key_text(existing).as_deref() == Some(key))
        .cloned()
        .unwrap_or_else(|| Value::from(key))
}
