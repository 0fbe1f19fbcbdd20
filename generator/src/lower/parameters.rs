//! Parameters: declared at path and operation level, resolved, ordered, and typed with the
//! rules the builder checks.

use super::Lowerer;
use super::operations::{OperationSite, render_value};
use super::resolve_component;
use super::schemas::SchemaSite;
use crate::diagnostics::JsonPointer;
use crate::ir::{
    Constraints, ListStyle, Parameter, ParameterLocation, ParameterType, Pattern, PatternEngine,
    Primitive, TypeKind, TypeRef,
};
use crate::naming;
use openapiv3::{ParameterData, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;
use std::collections::BTreeSet;

/// What a parameter's `$ref` leads to.
enum Dereferenced<'doc> {
    /// A named string enum.
    Enum(crate::ir::TypeId),
    /// Any other schema, with where it is defined.
    Schema(&'doc Schema, JsonPointer),
}

impl<'doc> Lowerer<'doc> {
    /// Path-level parameters, overridden by operation-level ones with the same name and place;
    /// path parameters in template order, the rest in spec order.
    pub(super) fn lower_parameters(
        &mut self,
        site: &OperationSite<'_>,
        operation: &openapiv3::Operation,
        type_stem: &str,
    ) -> Option<Vec<Parameter>> {
        let mut declared: Vec<(JsonPointer, Parameter)> = Vec::new();
        let mut ok = true;
        let sources = site
            .path_parameters
            .iter()
            .enumerate()
            .map(|(index, parameter)| {
                (
                    site.path_pointer.join("parameters").join(index.to_string()),
                    parameter,
                )
            })
            .chain(
                operation
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(index, parameter)| {
                        (
                            site.pointer.join("parameters").join(index.to_string()),
                            parameter,
                        )
                    }),
            );
        for (pointer, parameter) in sources {
            match self.lower_parameter(parameter, &pointer, type_stem) {
                Some(lowered) => {
                    declared.retain(|(_, existing)| {
                        existing.wire_name != lowered.wire_name
                            || existing.location != lowered.location
                    });
                    declared.push((pointer, lowered));
                }
                None => ok = false,
            }
        }
        let mut rust_names = BTreeSet::new();
        for (pointer, parameter) in &declared {
            if !rust_names.insert(parameter.rust_name.clone()) {
                self.sink.error(pointer, format!("parameter {} becomes the Rust name {}, which another parameter of this operation already has", parameter.wire_name, parameter.rust_name));
                ok = false;
            }
            if parameter.location == ParameterLocation::Path
                && !site
                    .template
                    .parameters()
                    .any(|name| name == parameter.wire_name)
            {
                self.sink.error(
                    pointer,
                    format!(
                        "path parameter {} does not appear in the path",
                        parameter.wire_name
                    ),
                );
                ok = false;
            }
        }
        let mut ordered = Vec::new();
        for name in site.template.parameters() {
            match declared
                .iter()
                .position(|(_, p)| p.location == ParameterLocation::Path && p.wire_name == name)
            {
                Some(index) => ordered.push(declared.remove(index).1),
                None => {
                    self.sink.error(site.pointer, format!("path parameter {{{name}}} is not declared; add it to the operation's or the path's parameters"));
                    ok = false;
                }
            }
        }
        ordered.extend(
            declared
                .into_iter()
                .filter(|(_, p)| p.location != ParameterLocation::Path)
                .map(|(_, p)| p),
        );
        ok.then_some(ordered)
    }

    fn lower_parameter(
        &mut self,
        parameter: &ReferenceOr<openapiv3::Parameter>,
        pointer: &JsonPointer,
        type_stem: &str,
    ) -> Option<Parameter> {
        let components = self.document.components.as_ref().map(|c| &c.parameters);
        let (parameter, target) = match resolve_component(parameter, "parameters", components) {
            Ok(resolved) => resolved,
            Err(message) => {
                self.sink.error(pointer, message);
                return None;
            }
        };
        // A shared component is reported, and names its inline types, where it is defined.
        let pointer = target.as_ref().unwrap_or(pointer);
        let (data, location) = match parameter {
            openapiv3::Parameter::Path { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Path)
            }
            openapiv3::Parameter::Query { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Query)
            }
            openapiv3::Parameter::Header { parameter_data, .. } => {
                (parameter_data, ParameterLocation::Header)
            }
            openapiv3::Parameter::Cookie { .. } => {
                self.sink
                    .error(pointer, "cookie parameters are not supported");
                return None;
            }
        };
        if location == ParameterLocation::Path && !data.required {
            self.sink.error(
                &pointer.join("required"),
                format!("path parameter {} must be required", data.name),
            );
        }
        let name_hint = match &target {
            Some(target) => naming::type_name(
                target
                    .tokens()
                    .last()
                    .map_or(data.name.as_str(), String::as_str),
            ),
            None => naming::derived_type_name(type_stem, &data.name),
        };
        let (ty, constraints, default, list) =
            self.parameter_schema(data, location, &pointer.join("schema"), &name_hint)?;
        Some(Parameter {
            rust_name: naming::snake_ident(&data.name),
            wire_name: data.name.clone(),
            location,
            required: data.required,
            ty,
            constraints,
            default,
            docs: data.description.clone(),
            example: data.example.as_ref().map(render_value),
            deprecated: data.deprecated.unwrap_or(false),
            switches_envelope: data.extensions.get("x-response-envelope")
                == Some(&Value::Bool(true)),
            list,
            rules: None,
        })
    }

    /// The parameter's type and rules; for arrays, those of each item and how the list travels.
    fn parameter_schema(
        &mut self,
        data: &ParameterData,
        location: ParameterLocation,
        pointer: &JsonPointer,
        name_hint: &str,
    ) -> Option<(
        ParameterType,
        Constraints,
        Option<String>,
        Option<ListStyle>,
    )> {
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            self.sink.error(
                pointer,
                "parameters with `content` are not supported; use `schema`",
            );
            return None;
        };
        let parameter_at = pointer;
        let (schema, pointer) = match schema {
            ReferenceOr::Item(schema) => (schema, pointer.clone()),
            ReferenceOr::Reference { reference } => {
                match self.dereference_parameter_schema(reference, pointer, name_hint)? {
                    Dereferenced::Enum(id) => {
                        return Some((ParameterType::Enum(id), Constraints::default(), None, None));
                    }
                    Dereferenced::Schema(schema, target) => (schema, target),
                }
            }
        };
        let pointer = &pointer;
        let Schema {
            schema_kind: SchemaKind::Type(Type::Array(array)),
            schema_data,
        } = schema
        else {
            let (ty, constraints, default) = self.scalar_parameter(
                SchemaSite::Inline(schema),
                pointer,
                name_hint,
                (&data.name, parameter_at),
            )?;
            return Some((ty, constraints, default, None));
        };
        let style = match location {
            ParameterLocation::Path => {
                self.sink.error(
                    pointer,
                    format!(
                        "path parameter {} is an array, which cannot be one path segment",
                        data.name
                    ),
                );
                return None;
            }
            ParameterLocation::Query if data.explode != Some(false) => ListStyle::Repeated,
            ParameterLocation::Query | ParameterLocation::Header => ListStyle::CommaSeparated,
        };
        let Some(items) = &array.items else {
            self.sink.error(
                pointer,
                format!("array parameter {} needs `items`", data.name),
            );
            return None;
        };
        let (ty, mut constraints, _) = self.scalar_parameter(
            items.into(),
            &pointer.join("items"),
            &format!("{name_hint}Item"),
            (&data.name, parameter_at),
        )?;
        constraints.min_items = array.min_items;
        constraints.max_items = array.max_items;
        constraints.unique_items = array.unique_items;
        let default = schema_data.default.as_ref().map(Value::to_string);
        Some((ty, constraints, default, Some(style)))
    }

    /// A parameter schema behind `$ref`. A string enum stays its named type, so that every
    /// parameter using it takes the same Rust enum; any other schema (a plain string under a
    /// name, a pattern several parameters share, an array) is sent as what it is, read where it
    /// is defined, so errors point there.
    fn dereference_parameter_schema(
        &mut self,
        reference: &str,
        pointer: &JsonPointer,
        name_hint: &str,
    ) -> Option<Dereferenced<'doc>> {
        let named = self.type_ref(SchemaSite::Reference(reference), pointer, name_hint)?;
        if let Some(id) = self.string_enum_behind_aliases(&named) {
            return Some(Dereferenced::Enum(id));
        }
        let schemas = self.component_schemas();
        let reference = ReferenceOr::Reference {
            reference: reference.to_owned(),
        };
        // Followed to the end of the chain for where the schema is defined; the schema itself
        // is then taken from the document, which outlives this call.
        let target = match resolve_component(&reference, "schemas", schemas) {
            Ok((_, Some(target))) => target,
            Ok((_, None)) => unreachable!("a `$ref` resolves to a component or fails"),
            Err(message) => {
                self.sink.error(pointer, message);
                return None;
            }
        };
        match target.tokens().last().and_then(|name| schemas?.get(name)) {
            Some(ReferenceOr::Item(schema)) => Some(Dereferenced::Schema(schema, target)),
            _ => unreachable!("resolve_component ends its chain at a schema of the document"),
        }
    }

    /// The string enum a type is, through aliases (`A: {$ref: B}`, `A: {allOf: [{$ref: B}]}`):
    /// a parameter takes the enum itself rather than a copy named after the parameter.
    fn string_enum_behind_aliases(&self, ty: &TypeRef) -> Option<crate::ir::TypeId> {
        let mut current = ty.named()?;
        // Alias cycles are reported elsewhere; the bound only keeps this loop finite.
        for _ in 0..=self.types.len() {
            match &self.types.get(current).kind {
                TypeKind::StringEnum(_) => return Some(current),
                TypeKind::Alias(TypeRef::Named(next)) => current = *next,
                _ => return None,
            }
        }
        None
    }

    /// A scalar parameter (or a list's item): its type, rules and default. `parameter` is the
    /// parameter's name and where its own schema sits, for errors about a schema it reaches
    /// through `$ref`.
    fn scalar_parameter(
        &mut self,
        site: SchemaSite<'_>,
        pointer: &JsonPointer,
        name_hint: &str,
        parameter: (&str, &JsonPointer),
    ) -> Option<(ParameterType, Constraints, Option<String>)> {
        let (name, parameter_at) = parameter;
        let (resolved, site, pointer) = match site {
            SchemaSite::Inline(schema) => (schema, site, pointer.clone()),
            SchemaSite::Reference(reference) => {
                match self.dereference_parameter_schema(reference, pointer, name_hint)? {
                    Dereferenced::Enum(id) => {
                        return Some((ParameterType::Enum(id), Constraints::default(), None));
                    }
                    Dereferenced::Schema(schema, target) => {
                        (schema, SchemaSite::Inline(schema), target)
                    }
                }
            }
        };
        let pointer = &pointer;
        let default = resolved.schema_data.default.as_ref().map(render_value);
        let mut constraints = Constraints::default();
        let ty = match &resolved.schema_kind {
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
                match self.type_ref(site, pointer, name_hint)? {
                    TypeRef::Named(id) => ParameterType::Enum(id),
                    _ => return None,
                }
            }
            SchemaKind::Type(Type::String(string)) => {
                if let Some(pattern) = &string.pattern {
                    match compile_pattern(pattern) {
                        Ok(pattern) => constraints.pattern = Some(pattern),
                        Err(message) => {
                            self.sink.error(&pointer.join("pattern"), message);
                            return None;
                        }
                    }
                }
                constraints.min_length = string.min_length;
                constraints.max_length = string.max_length;
                ParameterType::String
            }
            SchemaKind::Type(Type::Boolean(_)) => ParameterType::Boolean,
            SchemaKind::Type(Type::Integer(integer)) => {
                constraints.minimum = integer.minimum.map(|min| {
                    if integer.exclusive_minimum {
                        min.saturating_add(1)
                    } else {
                        min
                    }
                });
                constraints.maximum = integer.maximum.map(|max| {
                    if integer.exclusive_maximum {
                        max.saturating_sub(1)
                    } else {
                        max
                    }
                });
                match self.type_ref(site, pointer, name_hint)? {
                    TypeRef::Primitive(Primitive::I32) => ParameterType::I32,
                    _ => ParameterType::I64,
                }
            }
            SchemaKind::Type(Type::Number(_)) => ParameterType::F64,
            _ => {
                // Where the schema is defined, and which parameter uses it when that is elsewhere.
                let user = if pointer.tokens().starts_with(parameter_at.tokens()) {
                    String::new()
                } else {
                    format!(" (through $ref from {parameter_at})")
                };
                self.sink.error(pointer, format!("parameter {name}{user} has a schema the generator cannot send yet; supported are strings, string enums, booleans, integers, numbers and arrays of them"));
                return None;
            }
        };
        Some((ty, constraints, default))
    }
}

/// A spec pattern with what the generated crate runs it on: compiled steps when the pattern
/// is simple enough (see [`crate::matcher`]), else the linear-time engine when it can, the
/// backtracking one when the pattern needs look-around or backreferences. The pattern is
/// compiled here exactly as the generated crate will compile it, so a pattern the crate
/// could not run is refused now, never dropped.
fn compile_pattern(source: &str) -> Result<Pattern, String> {
    let linear = match regex_lite::Regex::new(source) {
        // Compiled steps follow regex-lite's semantics, so only its patterns qualify.
        Ok(_) => {
            return Ok(Pattern {
                source: source.to_owned(),
                engine: crate::matcher::compile(source)
                    .map_or(PatternEngine::Linear, PatternEngine::Compiled),
            });
        }
        Err(error) => error,
    };
    match fancy_regex::Regex::new(source) {
        Ok(_) => Ok(Pattern {
            source: source.to_owned(),
            engine: PatternEngine::Backtracking,
        }),
        Err(error) => Err(format!(
            "pattern {source:?} does not compile as a regular expression: {error} ({linear})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_choose_the_engine_they_need() {
        assert!(matches!(
            compile_pattern("^([a-f0-9]{24})$").map(|p| p.engine),
            Ok(PatternEngine::Compiled(_))
        ));
        assert_eq!(
            compile_pattern("^[a-z]*[a-z0-9]$").map(|p| p.engine),
            Ok(PatternEngine::Linear)
        );
        assert_eq!(
            compile_pattern(r"^(\d+)(\.(?!$)|$)").map(|p| p.engine),
            Ok(PatternEngine::Backtracking)
        );
        let refused = compile_pattern("([a-z]").unwrap_err();
        assert!(
            refused.starts_with("pattern \"([a-z]\" does not compile"),
            "{refused}"
        );
    }
}
