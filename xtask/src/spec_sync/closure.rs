//! The closure of `$ref`s: every component an operation reaches, directly or through other
//! components, and the security schemes it names.

use super::tree::{Pointer, entries, field};
use serde_yaml::Value;
use std::collections::BTreeSet;

/// One entry of `components`: its section (`schemas`, `parameters`, ...) and name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Component {
    pub section: String,
    pub name: String,
}

impl Component {
    pub fn pointer(&self) -> Pointer {
        Pointer::root()
            .push("components")
            .push(&self.section)
            .push(&self.name)
    }
}

/// The components reached from `roots`, in the order they are first reached (breadth first,
/// so an operation's own schemas come before what they use). Cycles end where they close.
/// Errors name each `$ref` that cannot be followed.
pub fn closure(
    document: &Value,
    roots: &[(Pointer, &Value)],
) -> Result<Vec<Component>, Vec<String>> {
    let mut found: Vec<Component> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut errors = Vec::new();
    let mut pending: Vec<(Pointer, Value)> = roots
        .iter()
        .map(|(pointer, value)| (pointer.clone(), (*value).clone()))
        .collect();
    // Security requirements name schemes rather than `$ref` them.
    for (pointer, operation) in roots {
        if let Some(Value::Sequence(requirements)) = field(operation, "security") {
            for requirement in requirements {
                for (name, _) in entries(requirement) {
                    let component = Component {
                        section: "securitySchemes".to_owned(),
                        name,
                    };
                    if component.pointer().get(document).is_none() {
                        errors.push(format!(
                            "{}/security: security scheme {:?} is not in components",
                            pointer, component.name
                        ));
                    } else if seen.insert(component.clone()) {
                        found.push(component);
                    }
                }
            }
        }
    }
    let mut next = 0;
    loop {
        for (pointer, value) in std::mem::take(&mut pending) {
            let mut references = Vec::new();
            collect_refs(&value, &pointer, &mut references);
            for (at, reference) in references {
                match component_of(&reference) {
                    Some(component) if component.pointer().get(document).is_some() => {
                        if seen.insert(component.clone()) {
                            found.push(component);
                        }
                    }
                    Some(_) => errors.push(format!("{at}: $ref {reference:?} points at nothing")),
                    None => errors.push(format!(
                        "{at}: $ref {reference:?} is not a component of this document"
                    )),
                }
            }
        }
        let Some(component) = found.get(next) else {
            break;
        };
        next += 1;
        let pointer = component.pointer();
        if let Some(value) = pointer.get(document) {
            pending.push((pointer, value.clone()));
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        errors.sort();
        errors.dedup();
        Err(errors)
    }
}

/// `#/components/schemas/Foo` (or a pointer inside it) -> the component `schemas/Foo`.
fn component_of(reference: &str) -> Option<Component> {
    let tokens = Pointer::from_ref(reference)?.tokens();
    match tokens.as_slice() {
        [components, section, name, ..] if components == "components" => Some(Component {
            section: section.clone(),
            name: name.clone(),
        }),
        _ => None,
    }
}

/// Every `$ref` below `value`, with where it sits, in document order.
pub fn collect_refs(value: &Value, at: &Pointer, out: &mut Vec<(Pointer, String)>) {
    match value {
        Value::Mapping(_) => {
            for (key, child) in entries(value) {
                match child {
                    Value::String(reference) if key == "$ref" => {
                        out.push((at.clone(), reference.clone()));
                    }
                    _ => collect_refs(child, &at.push(&key), out),
                }
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_refs(item, &at.index(index), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_refs_through_components_and_stops_at_cycles() {
        let document: Value = serde_yaml::from_str(
            "
paths:
  /a:
    get:
      security: [{Key: []}]
      responses:
        '200': {$ref: '#/components/responses/ok'}
components:
  securitySchemes: {Key: {type: apiKey}}
  responses:
    ok: {content: {application/json: {schema: {$ref: '#/components/schemas/Tree'}}}}
  schemas:
    Tree: {properties: {children: {items: {$ref: '#/components/schemas/Tree'}}, leaf: {$ref: '#/components/schemas/Leaf/properties/x'}}}
    Leaf: {properties: {x: {type: string}}}
",
        )
        .unwrap();
        let at = Pointer::root().push("paths").push("/a").push("get");
        let operation = at.get(&document).unwrap();
        let names: Vec<String> = closure(&document, &[(at, operation)])
            .unwrap()
            .iter()
            .map(|c| format!("{}/{}", c.section, c.name))
            .collect();
        assert_eq!(
            names,
            [
                "securitySchemes/Key",
                "responses/ok",
                "schemas/Tree",
                "schemas/Leaf"
            ]
        );
    }
}
