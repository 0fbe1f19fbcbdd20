//! Schemas into types: structs, string enums, aliases, and the type references between them.

use super::{Lowerer, component_ref_name};
use crate::diagnostics::JsonPointer;
use crate::ir::{EnumVariant, Field, Primitive, StringEnum, StructType, TypeId, TypeKind, TypeRef};
use crate::naming;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ObjectType, ReferenceOr, Schema, SchemaKind,
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
            SchemaKind::Any(any) if any.properties.is_empty() && any.typ.is_none() => {
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
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => self
                .string_enum(&string.enumeration, pointer)
                .map(TypeKind::StringEnum),
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                Some(TypeKind::Struct(self.struct_type(&owner, object, pointer)))
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                let object = ObjectType {
                    properties: any.properties.clone(),
                    required: any.required.clone(),
                    additional_properties: any.additional_properties.clone(),
                    ..ObjectType::default()
                };
                Some(TypeKind::Struct(self.struct_type(&owner, &object, pointer)))
            }
            _ => self
                .type_ref(SchemaSite::Inline(schema), pointer, &owner)
                .map(TypeKind::Alias),
        }
    }

    fn struct_type(
        &mut self,
        owner: &str,
        object: &ObjectType,
        pointer: &JsonPointer,
    ) -> StructType {
        if matches!(
            object.additional_properties,
            Some(AdditionalProperties::Schema(_)) | Some(AdditionalProperties::Any(true))
        ) {
            self.sink.error(
                &pointer.join("additionalProperties"),
                "additionalProperties beside properties is not supported yet",
            );
        }
        for (index, required) in object.required.iter().enumerate() {
            if !object.properties.contains_key(required) {
                self.sink.error(
                    &pointer.join("required").join(index.to_string()),
                    format!("required property {required:?} is not among the properties"),
                );
            }
        }
        let mut fields = Vec::new();
        let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
        for (wire_name, property) in &object.properties {
            let property_pointer = pointer.join("properties").join(wire_name.clone());
            let rust_name = naming::snake_ident(wire_name);
            if let Some(first) = rust_names.insert(rust_name.clone(), wire_name) {
                self.sink.error(
                    &property_pointer,
                    format!("property {wire_name:?} and property {first:?} both become the Rust field {rust_name}"),
                );
                continue;
            }
            let hint = naming::derived_type_name(owner, wire_name);
            let Some(ty) = self.type_ref(property.into(), &property_pointer, &hint) else {
                continue;
            };
            let (docs, read_only, deprecated) = match property {
                ReferenceOr::Item(schema) => (
                    schema.schema_data.description.clone(),
                    schema.schema_data.read_only,
                    schema.schema_data.deprecated,
                ),
                ReferenceOr::Reference { .. } => (None, false, false),
            };
            fields.push(Field {
                required: object.required.contains(wire_name),
                wire_name: wire_name.clone(),
                rust_name,
                ty,
                read_only,
                docs,
                deprecated,
            });
        }
        StructType { fields }
    }

    pub(super) fn string_enum(
        &mut self,
        values: &[Option<String>],
        pointer: &JsonPointer,
    ) -> Option<StringEnum> {
        let mut variants: Vec<EnumVariant> = Vec::new();
        let mut ok = true;
        for (index, value) in values.iter().enumerate() {
            // `null` in an enum only says the field may be null; it is not a variant.
            let Some(value) = value else { continue };
            let rust_name = naming::variant_name(value);
            if let Some(first) = variants
                .iter()
                .find(|variant| variant.rust_name == rust_name)
            {
                self.sink.error(
                    &pointer.join("enum").join(index.to_string()),
                    format!(
                        "enum values {:?} and {value:?} both become the Rust variant {rust_name}",
                        first.wire_value
                    ),
                );
                ok = false;
                continue;
            }
            variants.push(EnumVariant {
                wire_value: value.clone(),
                rust_name,
            });
        }
        let fallback_variant = ["Unknown", "UnknownValue", "Unrecognized"]
            .into_iter()
            .find(|name| variants.iter().all(|variant| variant.rust_name != *name))
            .unwrap_or("UnknownWireValue")
            .to_owned();
        ok.then_some(StringEnum {
            variants,
            fallback_variant,
        })
    }

    fn unsupported(&mut self, schema: &Schema, pointer: &JsonPointer) {
        let what = match &schema.schema_kind {
            SchemaKind::OneOf { .. } => "oneOf",
            SchemaKind::AllOf { .. } => "allOf",
            SchemaKind::AnyOf { .. } => "anyOf",
            SchemaKind::Not { .. } => "not",
            SchemaKind::Type(Type::Integer(_)) | SchemaKind::Type(Type::Number(_)) => {
                "a numeric enum"
            }
            _ => "this schema shape",
        };
        self.sink.error(
            pointer,
            format!("{what} is not supported by the generator yet"),
        );
    }
}

/// Whether an inline schema becomes a named Rust type of its own.
fn needs_named_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => !string.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
        SchemaKind::Any(any) => !any.properties.is_empty(),
        _ => false,
    }
}
