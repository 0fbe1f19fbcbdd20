//! Normalisation: schemas that `openapiv3` could not type, rewritten into the shapes lowering
//! understands, before any type is made.
//!
//! `openapiv3` types a schema only when every keyword fits one `type`; anything else lands in
//! `SchemaKind::Any`. Published specs are full of such schemas that still mean one clear thing,
//! so this pass applies JSON Schema's own rules instead of refusing them:
//!
//! - a keyword that does not apply to the declared `type` constrains nothing (JSON Schema
//!   validation keywords only apply to instances of their type): `pattern` on an integer,
//!   `minProperties` on a string;
//! - an integer bound written as a float (`minimum: 1199145600.0`) is the integer it equals;
//!   a fractional one is refused, naming the bound;
//! - `type` beside `oneOf`/`anyOf` and nothing else: the members say what the value is, so
//!   the schema is the `oneOf` (Atlas writes `type: object` beside unions of string enums);
//! - `enum` on an array whose items are strings lists the values of the items.
//!
//! What stays in `SchemaKind::Any` is either handled by lowering (objects with `allOf`,
//! properties beside `oneOf`) or refused there with a message naming the construct.

use crate::diagnostics::{Diagnostic, JsonPointer};
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, IntegerType, MediaType, NumberType, ObjectType,
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response, Schema,
    SchemaKind, StringType, Type,
};

/// Rewrites every schema of the document in place; returns what cannot be rewritten.
pub fn normalize(document: &mut OpenAPI) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let root = JsonPointer::root();
    if let Some(components) = &mut document.components {
        let at = root.join("components");
        for (name, schema) in &mut components.schemas {
            if let ReferenceOr::Item(schema) = schema {
                let pointer = at.join("schemas").join(name.clone());
                normalize_schema(schema, &pointer, &mut problems);
            }
        }
        for (name, parameter) in &mut components.parameters {
            if let ReferenceOr::Item(parameter) = parameter {
                let pointer = at.join("parameters").join(name.clone());
                normalize_parameter(parameter, &pointer, &mut problems);
            }
        }
        for (name, response) in &mut components.responses {
            if let ReferenceOr::Item(response) = response {
                let pointer = at.join("responses").join(name.clone());
                normalize_response(response, &pointer, &mut problems);
            }
        }
        for (name, body) in &mut components.request_bodies {
            if let ReferenceOr::Item(body) = body {
                let pointer = at.join("requestBodies").join(name.clone());
                normalize_request_body(body, &pointer, &mut problems);
            }
        }
    }
    for (path, item) in document.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let path_pointer = root.join("paths").join(path.clone());
        for (index, parameter) in item.parameters.iter_mut().enumerate() {
            if let ReferenceOr::Item(parameter) = parameter {
                let pointer = path_pointer.join("parameters").join(index.to_string());
                normalize_parameter(parameter, &pointer, &mut problems);
            }
        }
        for (method, operation) in item.iter_mut() {
            let pointer = path_pointer.join(method);
            for (index, parameter) in operation.parameters.iter_mut().enumerate() {
                if let ReferenceOr::Item(parameter) = parameter {
                    let pointer = pointer.join("parameters").join(index.to_string());
                    normalize_parameter(parameter, &pointer, &mut problems);
                }
            }
            if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
                normalize_request_body(body, &pointer.join("requestBody"), &mut problems);
            }
            for (status, response) in &mut operation.responses.responses {
                if let ReferenceOr::Item(response) = response {
                    let pointer = pointer.join("responses").join(status.to_string());
                    normalize_response(response, &pointer, &mut problems);
                }
            }
            if let Some(ReferenceOr::Item(response)) = &mut operation.responses.default {
                let pointer = pointer.join("responses").join("default");
                normalize_response(response, &pointer, &mut problems);
            }
        }
    }
    problems
}

trait IterMutOperations {
    fn iter_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut openapiv3::Operation)>;
}

impl IterMutOperations for openapiv3::PathItem {
    fn iter_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut openapiv3::Operation)> {
        [
            ("get", &mut self.get),
            ("put", &mut self.put),
            ("post", &mut self.post),
            ("delete", &mut self.delete),
            ("options", &mut self.options),
            ("head", &mut self.head),
            ("patch", &mut self.patch),
            ("trace", &mut self.trace),
        ]
        .into_iter()
        .filter_map(|(method, operation)| operation.as_mut().map(|operation| (method, operation)))
    }
}

fn normalize_parameter(
    parameter: &mut Parameter,
    pointer: &JsonPointer,
    problems: &mut Vec<Diagnostic>,
) {
    let (Parameter::Query { parameter_data, .. }
    | Parameter::Header { parameter_data, .. }
    | Parameter::Path { parameter_data, .. }
    | Parameter::Cookie { parameter_data, .. }) = parameter;
    match &mut parameter_data.format {
        ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
            normalize_schema(schema, &pointer.join("schema"), problems);
        }
        ParameterSchemaOrContent::Schema(ReferenceOr::Reference { .. }) => {}
        ParameterSchemaOrContent::Content(content) => {
            normalize_content(content, &pointer.join("content"), problems);
        }
    }
}

fn normalize_response(
    response: &mut Response,
    pointer: &JsonPointer,
    problems: &mut Vec<Diagnostic>,
) {
    normalize_content(&mut response.content, &pointer.join("content"), problems);
}

fn normalize_request_body(
    body: &mut RequestBody,
    pointer: &JsonPointer,
    problems: &mut Vec<Diagnostic>,
) {
    normalize_content(&mut body.content, &pointer.join("content"), problems);
}

fn normalize_content(
    content: &mut indexmap::IndexMap<String, MediaType>,
    pointer: &JsonPointer,
    problems: &mut Vec<Diagnostic>,
) {
    for (media_type, media) in content {
        if let Some(ReferenceOr::Item(schema)) = &mut media.schema {
            normalize_schema(
                schema,
                &pointer.join(media_type.clone()).join("schema"),
                problems,
            );
        }
    }
}

/// Normalises one schema and, depth first, every schema inside it.
fn normalize_schema(schema: &mut Schema, pointer: &JsonPointer, problems: &mut Vec<Diagnostic>) {
    // Explicit stack: specs nest deeply enough that recursion could exhaust the stack.
    let mut pending: Vec<(&mut Schema, JsonPointer)> = vec![(schema, pointer.clone())];
    while let Some((schema, pointer)) = pending.pop() {
        if let SchemaKind::Any(any) = &schema.schema_kind {
            match retype(any, &pointer) {
                Ok(Some(kind)) => schema.schema_kind = kind,
                Ok(None) => {}
                Err(problem) => problems.push(problem),
            }
        }
        push_children(schema, &pointer, &mut pending);
    }
}

fn push_children<'a>(
    schema: &'a mut Schema,
    pointer: &JsonPointer,
    pending: &mut Vec<(&'a mut Schema, JsonPointer)>,
) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            push_properties(&mut object.properties, pointer, pending);
            push_additional(object.additional_properties.as_mut(), pointer, pending);
        }
        SchemaKind::Type(Type::Array(array)) => {
            push_boxed(array.items.as_mut(), pointer.join("items"), pending);
        }
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of } => push_members("oneOf", one_of, pointer, pending),
        SchemaKind::AllOf { all_of } => push_members("allOf", all_of, pointer, pending),
        SchemaKind::AnyOf { any_of } => push_members("anyOf", any_of, pointer, pending),
        SchemaKind::Not { not } => {
            if let ReferenceOr::Item(not) = not.as_mut() {
                pending.push((not, pointer.join("not")));
            }
        }
        SchemaKind::Any(any) => {
            push_properties(&mut any.properties, pointer, pending);
            push_boxed(any.items.as_mut(), pointer.join("items"), pending);
            push_additional(any.additional_properties.as_mut(), pointer, pending);
            push_members("oneOf", &mut any.one_of, pointer, pending);
            push_members("allOf", &mut any.all_of, pointer, pending);
            push_members("anyOf", &mut any.any_of, pointer, pending);
            if let Some(ReferenceOr::Item(not)) = any.not.as_deref_mut() {
                pending.push((not, pointer.join("not")));
            }
        }
    }
}

fn push_boxed<'a>(
    child: Option<&'a mut ReferenceOr<Box<Schema>>>,
    at: JsonPointer,
    pending: &mut Vec<(&'a mut Schema, JsonPointer)>,
) {
    if let Some(ReferenceOr::Item(child)) = child {
        pending.push((child.as_mut(), at));
    }
}

fn push_properties<'a>(
    properties: &'a mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    pointer: &JsonPointer,
    pending: &mut Vec<(&'a mut Schema, JsonPointer)>,
) {
    for (name, property) in properties {
        push_boxed(
            Some(property),
            pointer.join("properties").join(name.clone()),
            pending,
        );
    }
}

fn push_additional<'a>(
    additional: Option<&'a mut AdditionalProperties>,
    pointer: &JsonPointer,
    pending: &mut Vec<(&'a mut Schema, JsonPointer)>,
) {
    if let Some(AdditionalProperties::Schema(values)) = additional {
        if let ReferenceOr::Item(values) = values.as_mut() {
            pending.push((values, pointer.join("additionalProperties")));
        }
    }
}

fn push_members<'a>(
    keyword: &str,
    members: &'a mut [ReferenceOr<Schema>],
    pointer: &JsonPointer,
    pending: &mut Vec<(&'a mut Schema, JsonPointer)>,
) {
    for (index, member) in members.iter_mut().enumerate() {
        if let ReferenceOr::Item(member) = member {
            pending.push((member, pointer.join(keyword).join(index.to_string())));
        }
    }
}

/// The typed form of a schema `openapiv3` left untyped, `None` to leave it to lowering.
fn retype(any: &AnySchema, pointer: &JsonPointer) -> Result<Option<SchemaKind>, Diagnostic> {
    let only_a_union = any.all_of.is_empty()
        && any.not.is_none()
        && any.properties.is_empty()
        && any.required.is_empty()
        && any.additional_properties.is_none()
        && any.items.is_none()
        && any.enumeration.is_empty();
    if only_a_union {
        match (any.one_of.is_empty(), any.any_of.is_empty()) {
            (false, true) => {
                return Ok(Some(SchemaKind::OneOf {
                    one_of: any.one_of.clone(),
                }));
            }
            (true, false) => {
                return Ok(Some(SchemaKind::AnyOf {
                    any_of: any.any_of.clone(),
                }));
            }
            _ => {}
        }
    }
    let composed = !any.one_of.is_empty()
        || !any.any_of.is_empty()
        || !any.all_of.is_empty()
        || any.not.is_some();
    if composed {
        return Ok(None);
    }
    let Some(typ) = any.typ.as_deref() else {
        return Ok(None);
    };
    let problem = |at: JsonPointer, message: String| Diagnostic::new(&at, message);
    let kind = match typ {
        "integer" => {
            let bound = |name: &str, value: Option<f64>| {
                value
                    .map(|value| {
                        whole_number(value).ok_or_else(|| {
                            problem(
                                pointer.join(name),
                                format!("integer with a fractional {name} {value}: an integer bound must be a whole number"),
                            )
                        })
                    })
                    .transpose()
            };
            let enumeration = any
                .enumeration
                .iter()
                .enumerate()
                .map(|(index, value)| match value {
                    serde_json::Value::Null => Ok(None),
                    value => value
                        .as_f64()
                        .and_then(whole_number)
                        .map(Some)
                        .ok_or_else(|| {
                            problem(
                                pointer.join("enum").join(index.to_string()),
                                format!("integer enum value {value} is not a whole number"),
                            )
                        }),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Type::Integer(IntegerType {
                format: any.format.clone().into(),
                multiple_of: bound("multipleOf", any.multiple_of)?,
                exclusive_minimum: any.exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: any.exclusive_maximum.unwrap_or_default(),
                minimum: bound("minimum", any.minimum)?,
                maximum: bound("maximum", any.maximum)?,
                enumeration,
            })
        }
        "number" => Type::Number(NumberType {
            format: any.format.clone().into(),
            multiple_of: any.multiple_of,
            exclusive_minimum: any.exclusive_minimum.unwrap_or_default(),
            exclusive_maximum: any.exclusive_maximum.unwrap_or_default(),
            minimum: any.minimum,
            maximum: any.maximum,
            enumeration: any
                .enumeration
                .iter()
                .map(serde_json::Value::as_f64)
                .collect(),
        }),
        "string" => Type::String(StringType {
            format: any.format.clone().into(),
            pattern: any.pattern.clone(),
            enumeration: string_values(&any.enumeration, pointer)?,
            min_length: any.min_length,
            max_length: any.max_length,
        }),
        "boolean" => Type::Boolean(openapiv3::BooleanType {
            enumeration: any
                .enumeration
                .iter()
                .map(serde_json::Value::as_bool)
                .collect(),
        }),
        "object" => Type::Object(ObjectType {
            properties: any.properties.clone(),
            required: any.required.clone(),
            additional_properties: any.additional_properties.clone(),
            min_properties: any.min_properties,
            max_properties: any.max_properties,
        }),
        "array" => {
            let mut items = any.items.clone();
            if !any.enumeration.is_empty() {
                items = Some(items_with_enum(items, &any.enumeration, pointer)?);
            }
            Type::Array(ArrayType {
                items,
                min_items: any.min_items,
                max_items: any.max_items,
                unique_items: any.unique_items.unwrap_or_default(),
            })
        }
        other => {
            return Err(problem(
                pointer.join("type"),
                format!(
                    "unknown type {other:?}; OpenAPI 3.0 types are string, number, integer, boolean, array and object"
                ),
            ));
        }
    };
    Ok(Some(SchemaKind::Type(kind)))
}

/// `1199145600.0` as the integer it is; `None` for fractions and values beyond `i64`.
fn whole_number(value: f64) -> Option<i64> {
    // 2^63 is exact in f64; everything strictly inside (-2^63, 2^63) converts without loss.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    (value.fract() == 0.0 && value > -LIMIT && value < LIMIT).then_some(value as i64)
}

fn string_values(
    values: &[serde_json::Value],
    pointer: &JsonPointer,
) -> Result<Vec<Option<String>>, Diagnostic> {
    values
        .iter()
        .enumerate()
        .map(|(index, value)| match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(value) => Ok(Some(value.clone())),
            other => Err(Diagnostic::new(
                &pointer.join("enum").join(index.to_string()),
                format!("string enum value {other} is not a string"),
            )),
        })
        .collect()
}

/// `enum` beside `type: array` cannot hold (an array never equals a string), so it lists the
/// values of the items; only string items can take them.
fn items_with_enum(
    items: Option<ReferenceOr<Box<Schema>>>,
    values: &[serde_json::Value],
    pointer: &JsonPointer,
) -> Result<ReferenceOr<Box<Schema>>, Diagnostic> {
    let values = string_values(values, pointer)?;
    match items {
        Some(ReferenceOr::Item(mut schema)) => match &mut schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => {
                string.enumeration = values;
                Ok(ReferenceOr::Item(schema))
            }
            _ => Err(Diagnostic::new(
                &pointer.join("enum"),
                "enum on an array applies to its items, which must then be an inline string schema without an enum of its own",
            )),
        },
        None => Ok(ReferenceOr::Item(Box::new(Schema {
            schema_data: Default::default(),
            schema_kind: SchemaKind::Type(Type::String(StringType {
                enumeration: values,
                ..Default::default()
            })),
        }))),
        Some(ReferenceOr::Reference { .. }) => Err(Diagnostic::new(
            &pointer.join("enum"),
            "enum on an array applies to its items, which must then be an inline string schema, not a $ref",
        )),
    }
}
