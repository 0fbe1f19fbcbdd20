//! Composition: `allOf` flattened into one struct, `oneOf` and `anyOf` into an enum.

use super::{Lowerer, component_ref_name, resolve_component};
use crate::diagnostics::JsonPointer;
use crate::ir::{OneOfType, OneOfVariant, Primitive, TypeRef};
use crate::naming;
use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};
use std::collections::{BTreeMap, BTreeSet};

/// How many schemas deep `allOf` may nest, counting both `$ref`s and inline members. Each
/// component is flattened once and remembered, so depth costs only stack: this bound keeps a
/// generated chain of thousands of bases from overflowing it, far above what APIs write.
const MAX_ALL_OF_DEPTH: usize = 128;

/// One property of a struct, with where it is defined and which type it belongs to there,
/// so that inline types inside it get the same name whichever struct flattens it.
#[derive(Clone)]
pub(super) struct PropertySite {
    pub wire_name: String,
    pub schema: ReferenceOr<Box<Schema>>,
    pub pointer: JsonPointer,
    pub owner: String,
}

/// Everything that makes up one struct, gathered across `allOf` members.
#[derive(Clone)]
pub(super) struct ObjectParts {
    pub properties: Vec<PropertySite>,
    pub required: BTreeSet<String>,
    /// `additionalProperties`, where it is, and the type it belongs to.
    pub additional: Option<(AdditionalProperties, JsonPointer, String)>,
    pub pointer: JsonPointer,
}

/// Whether a schema describes an object with named properties (possibly through `allOf`).
pub(super) fn is_object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
        SchemaKind::AllOf { .. } => true,
        _ => false,
    }
}

/// The target of `allOf: [{$ref: ...}]`, a schema that only re-describes another one.
pub(super) fn single_reference(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => Some(reference),
            ReferenceOr::Item(_) => None,
        },
        _ => None,
    }
}

impl Lowerer<'_> {
    /// The properties of an object schema, with `allOf` members flattened in order.
    pub(super) fn object_parts(
        &mut self,
        schema: &Schema,
        pointer: &JsonPointer,
        owner: &str,
        depth: usize,
    ) -> Option<ObjectParts> {
        // A component flattened as itself takes part in cycle detection like one reached by
        // `$ref`, so that `A: allOf [B]`, `B: allOf [A]` names the cycle from either end.
        let component = if depth == 0 {
            component_schema_name(pointer)
        } else {
            None
        };
        if let Some(name) = &component {
            self.all_of_path.push(name.clone());
        }
        let parts = self.object_parts_uncached(schema, pointer, owner, depth);
        if component.is_some() {
            self.all_of_path.pop();
        }
        parts
    }

    fn object_parts_uncached(
        &mut self,
        schema: &Schema,
        pointer: &JsonPointer,
        owner: &str,
        depth: usize,
    ) -> Option<ObjectParts> {
        if depth > MAX_ALL_OF_DEPTH {
            self.sink.error(
                pointer,
                format!("allOf nests more than {MAX_ALL_OF_DEPTH} schemas deep here; flatten some of the bases"),
            );
            return None;
        }
        let mut parts = ObjectParts {
            properties: Vec::new(),
            required: BTreeSet::new(),
            additional: None,
            pointer: pointer.clone(),
        };
        let (properties, required, additional, all_of) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => (
                &object.properties,
                &object.required,
                object.additional_properties.as_ref(),
                &[][..],
            ),
            SchemaKind::Any(any) => (
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                &any.all_of[..],
            ),
            SchemaKind::AllOf { all_of } => (&IndexMap::new(), &Vec::new(), None, &all_of[..]),
            // A union whose kinds all extend it is their base: it adds no property of its own.
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                if self.is_extended_by_members(pointer, members) =>
            {
                (&IndexMap::new(), &Vec::new(), None, &[][..])
            }
            other => {
                let what = match other {
                    SchemaKind::OneOf { .. } => "a oneOf whose members do not all extend it",
                    SchemaKind::AnyOf { .. } => "an anyOf whose members do not all extend it",
                    SchemaKind::Not { .. } => "a `not` schema",
                    SchemaKind::Type(Type::Array(_)) => "an array",
                    SchemaKind::Type(_) => "a scalar",
                    _ => "a schema without properties",
                };
                self.sink.error(
                    pointer,
                    format!("an allOf member must be an object schema, and this one is {what}"),
                );
                return None;
            }
        };
        let mut ok = true;
        for (index, member) in all_of.iter().enumerate() {
            let member_parts = match member {
                ReferenceOr::Reference { reference } => self.referenced_object_parts(
                    reference,
                    pointer,
                    &pointer.join("allOf").join(index.to_string()),
                    depth,
                ),
                ReferenceOr::Item(member) => self.object_parts(
                    member,
                    &pointer.join("allOf").join(index.to_string()),
                    owner,
                    depth + 1,
                ),
            };
            match member_parts {
                Some(member_parts) => {
                    parts.properties.extend(member_parts.properties);
                    parts.required.extend(member_parts.required);
                    if member_parts.additional.is_some() {
                        parts.additional = member_parts.additional;
                    }
                }
                None => ok = false,
            }
        }
        for (wire_name, property) in properties {
            parts.properties.push(PropertySite {
                wire_name: wire_name.clone(),
                schema: property.clone(),
                pointer: pointer.join("properties").join(wire_name.clone()),
                owner: owner.to_owned(),
            });
        }
        parts.required.extend(required.iter().cloned());
        parts.properties = without_repeated_sites(parts.properties);
        if let Some(additional) = additional {
            parts.additional = Some((
                additional.clone(),
                pointer.join("additionalProperties"),
                owner.to_owned(),
            ));
        }
        if depth == 0 {
            for (index, name) in required.iter().enumerate() {
                if !parts
                    .properties
                    .iter()
                    .any(|property| &property.wire_name == name)
                {
                    self.sink.error(
                        &pointer.join("required").join(index.to_string()),
                        format!("required property {name:?} is not among the properties"),
                    );
                }
            }
        }
        ok.then_some(parts)
    }

    /// The flattened parts of the component a member `$ref` names. Each component is
    /// flattened once: a diamond of bases costs its number of schemas, not its number of
    /// paths. A component that includes itself, directly or through others, is an error
    /// naming the cycle.
    fn referenced_object_parts(
        &mut self,
        reference: &str,
        pointer: &JsonPointer,
        member_pointer: &JsonPointer,
        depth: usize,
    ) -> Option<ObjectParts> {
        let schemas = self.component_schemas();
        let item = ReferenceOr::<Schema>::Reference {
            reference: reference.to_owned(),
        };
        let (schema, target) = match resolve_component(&item, "schemas", schemas) {
            Ok(resolved) => resolved,
            Err(message) => {
                self.sink.error(pointer, message);
                return None;
            }
        };
        let target = target.unwrap_or_else(|| pointer.clone());
        let name = target.tokens().last().cloned().unwrap_or_default();
        if let Some(start) = self.all_of_path.iter().position(|seen| *seen == name) {
            let mut cycle = self.all_of_path[start..].to_vec();
            cycle.push(name);
            self.sink.error(
                member_pointer,
                format!(
                    "allOf includes itself: {}; a schema cannot extend itself",
                    cycle.join(" -> ")
                ),
            );
            return None;
        }
        if let Some(parts) = self.all_of_parts.get(&name) {
            return parts.clone();
        }
        let owner = self
            .component_types
            .get(&name)
            .map(|&id| self.types.get(id).rust_name.clone())
            .unwrap_or_else(|| naming::type_name(&name));
        self.all_of_path.push(name.clone());
        let parts = self.object_parts_uncached(schema, &target, &owner, depth + 1);
        self.all_of_path.pop();
        // Remembered failures too: the problem was reported once, where it is.
        self.all_of_parts.insert(name, parts.clone());
        parts
    }

    /// An enum of the members of a `oneOf` or `anyOf`.
    pub(super) fn one_of_type(
        &mut self,
        owner: &str,
        members: &[ReferenceOr<Schema>],
        schema: &Schema,
        pointer: &JsonPointer,
    ) -> Option<OneOfType> {
        let discriminator = schema.schema_data.discriminator.as_ref();
        // Discriminator value -> component schema name, from `mapping` (values may be names
        // or references).
        let mut mapping: BTreeMap<String, String> = BTreeMap::new();
        if let Some(discriminator) = discriminator {
            for (value, target) in &discriminator.mapping {
                let name = if target.starts_with('#') {
                    match component_ref_name(target, "schemas") {
                        Ok(name) => name,
                        Err(message) => {
                            self.sink.error(
                                &pointer_to_discriminator(pointer)
                                    .join("mapping")
                                    .join(value.clone()),
                                message,
                            );
                            return None;
                        }
                    }
                } else {
                    target.clone()
                };
                mapping.insert(value.clone(), name);
            }
        }
        let mut variants: Vec<OneOfVariant> = Vec::new();
        let mut ok = true;
        for (index, member) in members.iter().enumerate() {
            let member_pointer = pointer.join(index.to_string());
            let hint = format!("{owner}Variant{}", index + 1);
            let Some(ty) = self.type_ref(member.into(), &member_pointer, &hint) else {
                ok = false;
                continue;
            };
            let rust_name = self.variant_name(&ty);
            if let Some(first) = variants
                .iter()
                .position(|variant| variant.rust_name == rust_name)
            {
                self.sink.error(
                    &member_pointer,
                    format!("members {first} and {index} both become the variant {rust_name}; give one of them a named schema"),
                );
                ok = false;
                continue;
            }
            let component = match member {
                ReferenceOr::Reference { reference } => {
                    component_ref_name(reference, "schemas").ok()
                }
                ReferenceOr::Item(_) => None,
            };
            let tag_values = match &component {
                Some(name) if discriminator.is_some() => {
                    let mapped: Vec<String> = mapping
                        .iter()
                        .filter(|(_, target)| *target == name)
                        .map(|(value, _)| value.clone())
                        .collect();
                    // Without a mapping entry, the schema name itself is the value.
                    if mapped.is_empty() {
                        vec![name.clone()]
                    } else {
                        mapped
                    }
                }
                _ => Vec::new(),
            };
            if discriminator.is_some() && component.is_none() {
                self.sink.error(
                    &member_pointer,
                    "with a discriminator, every member must be a $ref to a component schema",
                );
                ok = false;
            }
            variants.push(OneOfVariant {
                rust_name,
                ty,
                tag_values,
            });
        }
        for (value, target) in &mapping {
            if !variants
                .iter()
                .any(|variant| variant.tag_values.contains(value))
            {
                self.sink.error(
                    &pointer_to_discriminator(pointer)
                        .join("mapping")
                        .join(value.clone()),
                    format!(
                        "discriminator value {value:?} maps to {target}, which is not a member"
                    ),
                );
                ok = false;
            }
        }
        let fallback_variant = ["Unknown", "UnknownValue", "Unrecognized"]
            .into_iter()
            .find(|name| variants.iter().all(|variant| variant.rust_name != *name))
            .unwrap_or("UnknownWireValue")
            .to_owned();
        ok.then(|| OneOfType {
            variants,
            discriminator: discriminator.map(|d| d.property_name.clone()),
            fallback_variant,
        })
    }

    fn variant_name(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::Named(id) => self.types.get(*id).rust_name.clone(),
            TypeRef::Primitive(primitive) => match primitive {
                Primitive::String => "String",
                Primitive::DateTime => "DateTime",
                Primitive::Date => "Date",
                Primitive::Boolean => "Boolean",
                Primitive::I32 | Primitive::I64 => "Integer",
                Primitive::F32 | Primitive::F64 => "Number",
            }
            .to_owned(),
            TypeRef::List(_) => "List".to_owned(),
            TypeRef::Map(_) => "Map".to_owned(),
            TypeRef::Any => "Value".to_owned(),
        }
    }
}

/// The name of the component schema a pointer is, if it is one.
fn component_schema_name(pointer: &JsonPointer) -> Option<String> {
    match pointer.tokens() {
        [components, schemas, name] if components == "components" && schemas == "schemas" => {
            Some(name.clone())
        }
        _ => None,
    }
}

/// The same property definition reached along several `allOf` paths (a diamond of bases)
/// is one property: only its last occurrence is kept, where `struct_type` would have moved
/// it anyway. Restatements at other places stay for `struct_type` to resolve.
fn without_repeated_sites(properties: Vec<PropertySite>) -> Vec<PropertySite> {
    let mut seen = BTreeSet::new();
    let mut kept: Vec<PropertySite> = properties
        .into_iter()
        .rev()
        .filter(|property| seen.insert(property.pointer.clone()))
        .collect();
    kept.reverse();
    kept
}

/// `.../oneOf` -> `.../discriminator`.
fn pointer_to_discriminator(pointer: &JsonPointer) -> JsonPointer {
    let tokens = pointer.tokens();
    let mut parent = JsonPointer::root();
    for token in &tokens[..tokens.len().saturating_sub(1)] {
        parent = parent.join(token.clone());
    }
    parent.join("discriminator")
}
