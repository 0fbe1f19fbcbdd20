//! Schemas into types: structs, string enums, aliases, and the type references between them.

use super::composition::{ObjectParts, is_object_like, single_reference};
use super::{Lowerer, component_ref_name};
use crate::diagnostics::JsonPointer;
use crate::ir::{EnumVariant, Field, Primitive, StringEnum, StructType, TypeId, TypeKind, TypeRef};
use crate::naming;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use std::collections::BTreeMap;

/// A schema position: either a `$ref` or an inline schema (boxed or not in `openapiv3`).
#[derive(Clone, Copy)]
pub(super) enum SchemaSite<'a> {
    Reference(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaSite<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaSite::Reference(reference),
            ReferenceOr::Item(schema) => SchemaSite::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaSite<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaSite::Reference(reference),
            ReferenceOr::Item(schema) => SchemaSite::Inline(schema),
        }
    }
}

impl Lowerer<'_> {
    /// Fills in the type reserved for a component schema.
    pub(super) fn lower_named_schema(
        &mut self,
        id: TypeId,
        schema: &ReferenceOr<Schema>,
        pointer: &JsonPointer,
    ) {
        let kind = match SchemaSite::from(schema) {
            SchemaSite::Reference(reference) => self
                .schema_reference(reference, pointer)
                .map(TypeKind::Alias),
            SchemaSite::Inline(schema) => {
                self.set_docs(id, schema);
                self.named_kind(id, schema, pointer)
            }
        };
        if let Some(kind) = kind {
            self.types.set_kind(id, kind);
        }
    }

    /// Resolves a schema position to a type, declaring inline structs and enums on the way.
    /// `name_hint` names an inline struct or enum after where it sits.
    pub(super) fn type_ref(
        &mut self,
        site: SchemaSite<'_>,
        pointer: &JsonPointer,
        name_hint: &str,
    ) -> Option<TypeRef> {
        let schema = match site {
            SchemaSite::Reference(reference) => return self.schema_reference(reference, pointer),
            SchemaSite::Inline(schema) => schema,
        };
        if let Some(target) = single_reference(schema) {
            return self.schema_reference(target, &pointer.join("allOf").join("0"));
        }
        if needs_named_type(schema) {
            return self.inline_named_type(schema, pointer, name_hint);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                Some(TypeRef::Primitive(match &string.format {
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Primitive::DateTime,
                    VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Primitive::Date,
                    // uuid, byte, password and unknown formats stay strings: Atlas's own examples
                    // carry placeholder values in uuid fields, and a stricter type would make such
                    // a response fail to deserialize.
                    _ => Primitive::String,
                }))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                Some(TypeRef::Primitive(match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Primitive::I32,
                    _ => Primitive::I64,
                }))
            }
            SchemaKind::Type(Type::Number(number)) => {
                Some(TypeRef::Primitive(match &number.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Primitive::F32,
                    _ => Primitive::F64,
                }))
            }
            SchemaKind::Type(Type::Boolean(_)) => Some(TypeRef::Primitive(Primitive::Boolean)),
            SchemaKind::Type(Type::Array(array)) => {
                let items = match &array.items {
                    Some(items) => self.type_ref(
                        items.into(),
                        &pointer.join("items"),
                        &format!("{name_hint}Item"),
                    )?,
                    None => TypeRef::Any,
                };
                Some(TypeRef::List(Box::new(items)))
            }
            SchemaKind::Type(Type::Object(object)) => {
                let values = match &object.additional_properties {
                    Some(AdditionalProperties::Schema(values)) => self.type_ref(
                        values.as_ref().into(),
                        &pointer.join("additionalProperties"),
                        &format!("{name_hint}Value"),
                    )?,
                    _ => TypeRef::Any,
                };
                Some(TypeRef::Map(Box::new(values)))
            }
            // `{}` (or only annotations, `additionalProperties` or `nullable`): any JSON value.
            SchemaKind::Any(any)
                if any.properties.is_empty()
                    && any.typ.is_none()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty()
                    && any.not.is_none()
                    && any.items.is_none()
                    && any.enumeration.is_empty() =>
            {
                Some(TypeRef::Any)
            }
            _ => {
                self.unsupported(schema, pointer);
                None
            }
        }
    }

    fn schema_reference(&mut self, reference: &str, pointer: &JsonPointer) -> Option<TypeRef> {
        let name = match component_ref_name(reference, "schemas") {
            Ok(name) => name,
            Err(message) => {
                self.sink.error(pointer, message);
                return None;
            }
        };
        match self.component_types.get(&name) {
            Some(&id) => Some(TypeRef::Named(id)),
            None => {
                let exists = self
                    .component_schemas()
                    .is_some_and(|schemas| schemas.contains_key(&name));
                // A schema that exists but failed to declare was reported already.
                if !exists {
                    self.sink
                        .error(pointer, format!("$ref to missing schema {name}"));
                }
                None
            }
        }
    }

    fn inline_named_type(
        &mut self,
        schema: &Schema,
        pointer: &JsonPointer,
        name_hint: &str,
    ) -> Option<TypeRef> {
        if let Some(&id) = self.inline_types.get(pointer) {
            return Some(TypeRef::Named(id));
        }
        let id = self.declare_type(naming::type_name(name_hint), pointer)?;
        self.inline_types.insert(pointer.clone(), id);
        self.set_docs(id, schema);
        if let Some(kind) = self.named_kind(id, schema, pointer) {
            self.types.set_kind(id, kind);
        }
        Some(TypeRef::Named(id))
    }

    fn set_docs(&mut self, id: TypeId, schema: &Schema) {
        let docs = schema.schema_data.description.clone();
        let deprecated = schema.schema_data.deprecated;
        self.types.set_docs(id, docs, deprecated);
    }

    fn named_kind(
        &mut self,
        id: TypeId,
        schema: &Schema,
        pointer: &JsonPointer,
    ) -> Option<TypeKind> {
        let owner = self.types.get(id).rust_name.clone();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                // `null` in an enum only says the field may be null; it is not a variant.
                let values = string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|value| (value.clone(), Vec::new()))
                    .collect();
                self.string_enum(values, pointer).map(TypeKind::StringEnum)
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                if self.string_enum_union(members, 0).is_some() =>
            {
                let values = self.string_enum_union(members, 0).unwrap_or_default();
                self.string_enum(values, pointer).map(TypeKind::StringEnum)
            }
            SchemaKind::Any(any)
                if !any.one_of.is_empty() && self.is_extended_by_members(pointer, &any.one_of) =>
            {
                self.one_of_type(&owner, &any.one_of, schema, &pointer.join("oneOf"))
                    .map(TypeKind::OneOf)
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::Any(_) | SchemaKind::AllOf { .. }
                if is_object_like(schema) =>
            {
                if let Some(target) = single_reference(schema) {
                    // `allOf: [$ref]` only re-describes another schema.
                    return self.schema_reference(target, pointer).map(TypeKind::Alias);
                }
                let parts = self.object_parts(schema, pointer, &owner, 0)?;
                Some(TypeKind::Struct(self.struct_type(parts)))
            }
            SchemaKind::OneOf { one_of } => self
                .one_of_type(&owner, one_of, schema, &pointer.join("oneOf"))
                .map(TypeKind::OneOf),
            SchemaKind::AnyOf { any_of } => self
                .one_of_type(&owner, any_of, schema, &pointer.join("anyOf"))
                .map(TypeKind::OneOf),
            _ => self
                .type_ref(SchemaSite::Inline(schema), pointer, &owner)
                .map(TypeKind::Alias),
        }
    }

    fn struct_type(&mut self, parts: ObjectParts) -> StructType {
        let mut fields: Vec<Field> = Vec::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for property in parts.properties {
            let rust_name = naming::snake_ident(&property.wire_name);
            match rust_names.get(&rust_name) {
                // `allOf` may restate a base property: the later statement wins.
                Some(first) if *first == property.wire_name => {
                    fields.retain(|field| field.wire_name != property.wire_name);
                }
                Some(first) => {
                    self.sink.error(
                        &property.pointer,
                        format!(
                            "property {:?} and property {first:?} both become the Rust field {rust_name}",
                            property.wire_name
                        ),
                    );
                    continue;
                }
                None => {}
            }
            rust_names.insert(rust_name.clone(), property.wire_name.clone());
            let hint = naming::derived_type_name(&property.owner, &property.wire_name);
            let Some(ty) = self.type_ref((&property.schema).into(), &property.pointer, &hint)
            else {
                continue;
            };
            let data = match &property.schema {
                ReferenceOr::Item(schema) => Some(&schema.schema_data),
                ReferenceOr::Reference { .. } => None,
            };
            let read_only = data.is_some_and(|data| data.read_only);
            let write_only = data.is_some_and(|data| data.write_only);
            fields.push(Field {
                // A field only the server fills, or only the client sends, is never demanded
                // from the other side, so it is optional whatever `required` says.
                required: parts.required.contains(&property.wire_name) && !read_only && !write_only,
                wire_name: property.wire_name,
                rust_name,
                ty,
                read_only,
                nullable: data.is_some_and(|data| data.nullable),
                default: data
                    .and_then(|data| data.default.as_ref())
                    .map(|value| value.to_string()),
                docs: data.and_then(|data| data.description.clone()),
                deprecated: data.is_some_and(|data| data.deprecated),
            });
        }
        let additional =
            parts
                .additional
                .and_then(|(additional, pointer, owner)| match additional {
                    AdditionalProperties::Any(true) => Some(TypeRef::Any),
                    AdditionalProperties::Any(false) => None,
                    AdditionalProperties::Schema(values) => {
                        let hint = format!("{owner}AdditionalProperty");
                        self.type_ref(values.as_ref().into(), &pointer, &hint)
                    }
                });
        if additional.is_some() && rust_names.contains_key("additional_properties") {
            self.sink.error(
                &parts.pointer,
                "a property named additionalProperties clashes with the field that keeps additionalProperties",
            );
        }
        StructType { fields, additional }
    }

    /// A string enum of the given values, in order; `groups` says, for each value, which
    /// titled groups of a `oneOf` list it.
    pub(super) fn string_enum(
        &mut self,
        values: Vec<(String, Vec<String>)>,
        pointer: &JsonPointer,
    ) -> Option<StringEnum> {
        let mut variants: Vec<EnumVariant> = Vec::with_capacity(values.len());
        let mut by_rust_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut ok = true;
        for (index, (value, groups)) in values.into_iter().enumerate() {
            let rust_name = naming::variant_name(&value);
            if let Some(&first) = by_rust_name.get(&rust_name) {
                self.sink.error(
                    &pointer.join("enum").join(index.to_string()),
                    format!(
                        "enum values {:?} and {value:?} both become the Rust variant {rust_name}",
                        variants[first].wire_value
                    ),
                );
                ok = false;
                continue;
            }
            by_rust_name.insert(rust_name.clone(), variants.len());
            variants.push(EnumVariant {
                wire_value: value,
                rust_name,
                groups,
            });
        }
        let fallback_variant = ["Unknown", "UnknownValue", "Unrecognized"]
            .into_iter()
            .find(|name| !by_rust_name.contains_key(*name))
            .unwrap_or("UnknownWireValue")
            .to_owned();
        ok.then_some(StringEnum {
            variants,
            fallback_variant,
        })
    }

    fn unsupported(&mut self, schema: &Schema, pointer: &JsonPointer) {
        let what = match &schema.schema_kind {
            SchemaKind::OneOf { .. } => "oneOf here".to_owned(),
            SchemaKind::AllOf { .. } => "allOf here".to_owned(),
            SchemaKind::AnyOf { .. } => "anyOf here".to_owned(),
            SchemaKind::Not { .. } => "`not` (a schema that says what a value is not)".to_owned(),
            SchemaKind::Any(any) => describe_untyped(any),
            SchemaKind::Type(_) => "this schema".to_owned(),
        };
        self.sink.error(
            pointer,
            format!("{what} is not supported by the generator yet"),
        );
    }
}

/// Names the keywords of a schema no rule could type, so the maintainer sees which mix of
/// them the generator does not read, e.g. `a schema with oneOf and anyOf side by side`.
fn describe_untyped(any: &openapiv3::AnySchema) -> String {
    let mut keywords: Vec<&str> = Vec::new();
    if let Some(typ) = &any.typ {
        keywords.push(match typ.as_str() {
            "string" => "type: string",
            "number" => "type: number",
            "integer" => "type: integer",
            "boolean" => "type: boolean",
            "array" => "type: array",
            "object" => "type: object",
            _ => "an unknown type",
        });
    }
    for (present, keyword) in [
        (!any.one_of.is_empty(), "oneOf"),
        (!any.any_of.is_empty(), "anyOf"),
        (!any.all_of.is_empty(), "allOf"),
        (any.not.is_some(), "not"),
        (!any.properties.is_empty(), "properties"),
        (any.additional_properties.is_some(), "additionalProperties"),
        (any.items.is_some(), "items"),
        (!any.enumeration.is_empty(), "enum"),
        (any.pattern.is_some(), "pattern"),
        (
            any.minimum.is_some() || any.maximum.is_some(),
            "minimum/maximum",
        ),
        (any.format.is_some(), "format"),
    ] {
        if present {
            keywords.push(keyword);
        }
    }
    match keywords.as_slice() {
        [] => "a schema without type or keywords in this place".to_owned(),
        [only] => format!("a schema with only {only}"),
        [init @ .., last] => format!("a schema with {} and {last} side by side", init.join(", ")),
    }
}

/// A `oneOf` nested deeper than this in string-enum groups is a cycle.
const MAX_ENUM_UNION_DEPTH: usize = 16;

impl Lowerer<'_> {
    /// For a `oneOf`/`anyOf` whose members are all string enums (inline or by `$ref`, possibly
    /// themselves such unions): every value once, in order, with the titles of the groups that
    /// list it. Atlas describes regions and event types this way, one group per provider or
    /// product; a value is a plain string on the wire whichever group it comes from.
    pub(super) fn string_enum_union(
        &self,
        members: &[ReferenceOr<Schema>],
        depth: usize,
    ) -> Option<Vec<(String, Vec<String>)>> {
        if depth > MAX_ENUM_UNION_DEPTH || members.is_empty() {
            return None;
        }
        let mut values: Vec<(String, Vec<String>)> = Vec::new();
        let mut positions: BTreeMap<String, usize> = BTreeMap::new();
        for member in members {
            let (schema, component) = match member {
                ReferenceOr::Item(schema) => (schema, None),
                ReferenceOr::Reference { reference } => {
                    let name = component_ref_name(reference, "schemas").ok()?;
                    match self.component_schemas()?.get(&name)? {
                        ReferenceOr::Item(schema) => (schema, Some(name)),
                        ReferenceOr::Reference { .. } => return None,
                    }
                }
            };
            let group = schema.schema_data.title.clone().or(component);
            let member_values: Vec<(String, Vec<String>)> = match &schema.schema_kind {
                SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => string
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|value| (value.clone(), group.iter().cloned().collect()))
                    .collect(),
                SchemaKind::OneOf { one_of: nested } | SchemaKind::AnyOf { any_of: nested } => {
                    self.string_enum_union(nested, depth + 1)?
                }
                _ => return None,
            };
            for (value, groups) in member_values {
                match positions.get(&value) {
                    Some(&at) => {
                        for group in groups {
                            if !values[at].1.contains(&group) {
                                values[at].1.push(group);
                            }
                        }
                    }
                    None => {
                        positions.insert(value.clone(), values.len());
                        values.push((value, groups));
                    }
                }
            }
        }
        Some(values)
    }

    /// Whether every member of a union at `pointer` (a component schema) is a `$ref` to a
    /// schema that includes this one through `allOf`: the usual way to describe a base type
    /// and its kinds. The union is then the type, and its own properties reach each kind
    /// through that `allOf`.
    pub(super) fn is_extended_by_members(
        &self,
        pointer: &JsonPointer,
        members: &[ReferenceOr<Schema>],
    ) -> bool {
        let [components, schemas, name] = pointer.tokens() else {
            return false;
        };
        if components != "components" || schemas != "schemas" {
            return false;
        }
        let Some(all_schemas) = self.component_schemas() else {
            return false;
        };
        members.iter().all(|member| {
            let ReferenceOr::Reference { reference } = member else {
                return false;
            };
            let Some(ReferenceOr::Item(member)) = component_ref_name(reference, "schemas")
                .ok()
                .and_then(|member| all_schemas.get(&member))
            else {
                return false;
            };
            let all_of = match &member.schema_kind {
                SchemaKind::AllOf { all_of } => all_of,
                SchemaKind::Any(any) => &any.all_of,
                _ => return false,
            };
            all_of.iter().any(|part| match part {
                ReferenceOr::Reference { reference } => {
                    component_ref_name(reference, "schemas").is_ok_and(|base| base == *name)
                }
                ReferenceOr::Item(_) => false,
            })
        })
    }
}

/// Whether an inline schema becomes a named Rust type of its own.
fn needs_named_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
        SchemaKind::AllOf { .. } => single_reference(schema).is_none(),
        _ => is_object_like(schema),
    }
}
