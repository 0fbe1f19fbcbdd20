//! Paths and operations into IR operations: parameters with constraints, responses, deprecation.

use super::schemas::SchemaSite;
use super::{Lowerer, resolve_component};
use crate::diagnostics::JsonPointer;
use crate::ir::{
    Constraints, Deprecation, ErrorResponse, ListStyle, Method, Operation, Pagination, Parameter,
    ParameterLocation, ParameterType, Primitive, Replacement, ReplacementItems, RequestBody,
    SuccessResponse, TypeKind, TypeRef,
};
use crate::naming;
use crate::path_template::PathTemplate;
use openapiv3::{
    ParameterData, ParameterSchemaOrContent, ReferenceOr, Response, Schema, SchemaKind, StatusCode,
    Type,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

impl Lowerer<'_> {
    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let document = self.document;
        let mut operations = Vec::new();
        let mut operation_ids: BTreeMap<String, JsonPointer> = BTreeMap::new();
        let mut fn_names: BTreeMap<String, JsonPointer> = BTreeMap::new();
        for (path, item) in &document.paths.paths {
            let path_pointer = JsonPointer::root().join("paths").join(path.clone());
            let ReferenceOr::Item(item) = item else {
                self.sink.error(
                    &path_pointer,
                    "a $ref path item is not supported; define it inline",
                );
                continue;
            };
            let template = match PathTemplate::parse(path) {
                Ok(template) => template,
                Err(message) => {
                    self.sink.error(&path_pointer, message);
                    continue;
                }
            };
            for (method_name, operation) in item.iter() {
                let pointer = path_pointer.join(method_name);
                let Some(method) = method_from_str(method_name) else {
                    self.sink
                        .error(&pointer, format!("unknown HTTP method {method_name}"));
                    continue;
                };
                let Some(operation_id) = operation.operation_id.clone() else {
                    self.sink.error(&pointer, "operation has no operationId; every operation needs one to name its Rust method");
                    continue;
                };
                if let Some(first) = operation_ids.insert(operation_id.clone(), pointer.clone()) {
                    self.sink.error(
                        &pointer,
                        format!("operationId {operation_id} is already used at {first}"),
                    );
                    continue;
                }
                if !operation_id.chars().any(|c| c.is_ascii_alphanumeric()) {
                    self.sink.error(
                        &pointer.join("operationId"),
                        format!("operationId {operation_id:?} has no letters or digits to name a Rust method"),
                    );
                    continue;
                }
                let fn_name = naming::snake_ident(&operation_id);
                if let Some(first) = fn_names.insert(fn_name.clone(), pointer.clone()) {
                    self.sink.error(&pointer, format!("operationId {operation_id} becomes the Rust method {fn_name}, which {first} already uses"));
                    continue;
                }
                if let Some(lowered) = self.lower_operation(
                    OperationSite {
                        method,
                        template: &template,
                        pointer: &pointer,
                        path_parameters: &item.parameters,
                        path_pointer: &path_pointer,
                    },
                    operation,
                    operation_id,
                    fn_name,
                ) {
                    operations.push(lowered);
                }
            }
        }
        operations.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
        self.link_replacements(&mut operations);
        operations
    }

    fn lower_operation(
        &mut self,
        site: OperationSite<'_>,
        operation: &openapiv3::Operation,
        operation_id: String,
        fn_name: String,
    ) -> Option<Operation> {
        let pointer = site.pointer;
        let type_stem = naming::type_name(&operation_id);
        let parameters = self.lower_parameters(&site, operation, &type_stem)?;
        let (success, errors, error_body) = self.lower_responses(operation, pointer, &type_stem)?;
        let pagination = self.pagination(&parameters, &success);
        let body = match &operation.request_body {
            Some(body) => Some(self.request_body(
                body,
                &pointer.join("requestBody"),
                &type_stem,
                &parameters,
            )?),
            None => None,
        };
        Some(Operation {
            module_name: naming::module_name(&operation_id),
            request_type: format!("{type_stem}Request"),
            fn_name,
            operation_id,
            origin: pointer.clone(),
            method: site.method,
            path: site.template.clone(),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            tags: operation.tags.clone(),
            reference_url: operation
                .external_docs
                .as_ref()
                .map(|docs| docs.url.clone()),
            deprecation: self.deprecation(operation, pointer),
            parameters,
            success,
            errors,
            error_body,
            pagination,
            body,
        })
    }

    /// Path-level parameters, overridden by operation-level ones with the same name and place;
    /// path parameters in template order, the rest in spec order.
    fn lower_parameters(
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
        let ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Array(array)),
            schema_data,
        }) = schema
        else {
            let (ty, constraints, default) =
                self.scalar_parameter(schema.into(), pointer, name_hint, &data.name)?;
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
        let (ty, constraints, _) = self.scalar_parameter(
            items.into(),
            &pointer.join("items"),
            &format!("{name_hint}Item"),
            &data.name,
        )?;
        let default = schema_data.default.as_ref().map(Value::to_string);
        Some((ty, constraints, default, Some(style)))
    }

    fn scalar_parameter(
        &mut self,
        site: SchemaSite<'_>,
        pointer: &JsonPointer,
        name_hint: &str,
        name: &str,
    ) -> Option<(ParameterType, Constraints, Option<String>)> {
        let resolved = match site {
            SchemaSite::Inline(schema) => schema,
            SchemaSite::Reference(_) => {
                // A referenced schema can only be a named type; parameters accept enums of them.
                return match self.type_ref(site, pointer, name_hint)? {
                    TypeRef::Named(id)
                        if matches!(self.types.get(id).kind, TypeKind::StringEnum(_)) =>
                    {
                        Some((ParameterType::Enum(id), Constraints::default(), None))
                    }
                    _ => {
                        self.sink.error(pointer, "a parameter $ref schema must be a string enum; inline scalar schemas instead");
                        None
                    }
                };
            }
        };
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
                    if let Err(error) = regex::Regex::new(pattern) {
                        self.sink.error(
                            &pointer.join("pattern"),
                            format!("pattern {pattern:?} does not compile: {error}"),
                        );
                        return None;
                    }
                    constraints.pattern = Some(pattern.clone());
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
                self.sink.error(pointer, format!("parameter {name} has a schema the generator cannot send yet; supported are strings, string enums, booleans, integers, numbers and arrays of them"));
                return None;
            }
        };
        Some((ty, constraints, default))
    }

    fn lower_responses(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &JsonPointer,
        type_stem: &str,
    ) -> Option<(SuccessResponse, Vec<ErrorResponse>, Option<TypeRef>)> {
        let responses_pointer = pointer.join("responses");
        let components = self.document.components.as_ref().map(|c| &c.responses);
        let mut success = SuccessResponse {
            statuses: Vec::new(),
            media_type: None,
            body: None,
            raw: false,
            empty_statuses: Vec::new(),
        };
        let mut first_success_body: Option<JsonPointer> = None;
        let mut errors = Vec::new();
        let mut error_body: Option<(TypeRef, JsonPointer)> = None;
        let mut ok = true;
        if operation.responses.default.is_some() {
            self.sink.error(
                &responses_pointer.join("default"),
                "a `default` response is not supported yet; list the statuses",
            );
            ok = false;
        }
        for (status, response) in &operation.responses.responses {
            let status_pointer = responses_pointer.join(status.to_string());
            let StatusCode::Code(code) = *status else {
                self.sink.error(
                    &status_pointer,
                    "status ranges such as 4XX are not supported yet; list the statuses",
                );
                ok = false;
                continue;
            };
            let (response, target) = match resolve_component(response, "responses", components) {
                Ok(resolved) => resolved,
                Err(message) => {
                    self.sink.error(&status_pointer, message);
                    ok = false;
                    continue;
                }
            };
            let body_pointer = target.unwrap_or(status_pointer.clone());
            let hint = if (200..300).contains(&code) {
                format!("{type_stem}Response")
            } else {
                format!("{type_stem}Error")
            };
            let body = match self.response_body(response, &body_pointer, &hint) {
                Ok(body) => body,
                Err(()) => {
                    ok = false;
                    continue;
                }
            };
            if (200..300).contains(&code) {
                success.statuses.push(code);
                match body {
                    None => success.empty_statuses.push(code),
                    Some((media_type, kind)) => {
                        let (ty, raw) = match kind {
                            BodyKind::Json(ty) => (Some(ty), false),
                            BodyKind::Raw => (None, true),
                        };
                        if let Some(first) = &first_success_body {
                            if success.body != ty || success.raw != raw {
                                self.sink.error(&status_pointer, format!("every 2xx response with a body must have the same body schema, and this one differs from {first}"));
                                ok = false;
                            }
                        } else {
                            first_success_body = Some(status_pointer.clone());
                        }
                        success.media_type = Some(media_type);
                        success.body = ty;
                        success.raw = raw;
                    }
                }
            } else {
                // An error body that is not JSON is kept as raw bytes by the runtime.
                if let Some((_, BodyKind::Json(ty))) = body {
                    match &error_body {
                        Some((first, first_pointer)) if *first != ty => {
                            self.sink.error(&status_pointer, format!("error responses of one operation must share a body schema, and this one differs from {first_pointer}"));
                            ok = false;
                        }
                        Some(_) => {}
                        None => error_body = Some((ty, status_pointer.clone())),
                    }
                }
                errors.push(ErrorResponse {
                    status: code,
                    description: response.description.clone(),
                });
            }
        }
        if ok && success.statuses.is_empty() {
            self.sink
                .error(&responses_pointer, "operation documents no 2xx response");
            ok = false;
        }
        success.statuses.sort_unstable();
        errors.sort_by_key(|error| error.status);
        ok.then(|| (success, errors, error_body.map(|(ty, _)| ty)))
    }

    /// The JSON body of a response: its media type and type. Among several JSON media types
    /// (Atlas versions them by date) the newest wins, so requests ask for the latest version.
    #[allow(clippy::result_unit_err)] // The error was reported to the sink already.
    fn response_body(
        &mut self,
        response: &Response,
        pointer: &JsonPointer,
        name_hint: &str,
    ) -> Result<Option<(String, BodyKind)>, ()> {
        let Some((media_type, content)) = response
            .content
            .iter()
            .filter(|(media_type, _)| is_json_media_type(media_type))
            .max_by(|a, b| a.0.cmp(b.0))
        else {
            // No JSON: the newest media type, if any, is downloaded as bytes.
            return Ok(response
                .content
                .keys()
                .max()
                .map(|media_type| (media_type.clone(), BodyKind::Raw)));
        };
        let content_pointer = pointer
            .join("content")
            .join(media_type.clone())
            .join("schema");
        let Some(schema) = &content.schema else {
            return Ok(Some((media_type.clone(), BodyKind::Json(TypeRef::Any))));
        };
        let ty = self
            .type_ref(SchemaSite::from(schema), &content_pointer, name_hint)
            .ok_or(())?;
        Ok(Some((media_type.clone(), BodyKind::Json(ty))))
    }

    /// The JSON request body: its newest JSON media type (Atlas versions them by date) and
    /// type. The builder field is `body`, or `request_body` when a parameter is named `body`.
    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        pointer: &JsonPointer,
        type_stem: &str,
        parameters: &[Parameter],
    ) -> Option<RequestBody> {
        let components = self.document.components.as_ref().map(|c| &c.request_bodies);
        let (body, target) = match resolve_component(body, "requestBodies", components) {
            Ok(resolved) => resolved,
            Err(message) => {
                self.sink.error(pointer, message);
                return None;
            }
        };
        let pointer = target.unwrap_or_else(|| pointer.clone());
        let Some((media_type, content)) = body
            .content
            .iter()
            .filter(|(media_type, _)| is_json_media_type(media_type))
            .max_by(|a, b| a.0.cmp(b.0))
        else {
            self.sink.error(
                &pointer.join("content"),
                "only JSON request bodies are supported",
            );
            return None;
        };
        let ty = match &content.schema {
            Some(schema) => self.type_ref(
                SchemaSite::from(schema),
                &pointer
                    .join("content")
                    .join(media_type.clone())
                    .join("schema"),
                &format!("{type_stem}Body"),
            )?,
            None => TypeRef::Any,
        };
        let rust_name = if parameters
            .iter()
            .any(|parameter| parameter.rust_name == "body")
        {
            "request_body"
        } else {
            "body"
        };
        Some(RequestBody {
            rust_name: rust_name.to_owned(),
            media_type: media_type.clone(),
            ty,
            required: body.required,
            docs: body.description.clone(),
        })
    }

    /// Recognises Atlas's paging convention (see [`Pagination`]).
    fn pagination(
        &self,
        parameters: &[Parameter],
        success: &SuccessResponse,
    ) -> Option<Pagination> {
        let integer_query = |wire: &str| {
            parameters.iter().find(|p| {
                p.wire_name == wire
                    && p.location == ParameterLocation::Query
                    && p.ty == ParameterType::I32
                    && p.list.is_none()
                    && !p.required
            })
        };
        let page = integer_query("pageNum")?;
        let size = integer_query("itemsPerPage")?;
        let Some(TypeRef::Named(id)) = &success.body else {
            return None;
        };
        if !success.empty_statuses.is_empty() {
            return None;
        }
        let TypeKind::Struct(structure) = &self.types.get(*id).kind else {
            return None;
        };
        let results = structure
            .fields
            .iter()
            .find(|field| field.wire_name == "results")?;
        let TypeRef::List(item) = &results.ty else {
            return None;
        };
        Some(Pagination {
            page_param: page.rust_name.clone(),
            size_param: size.rust_name.clone(),
            default_size: size
                .default
                .as_deref()
                .and_then(|d| d.parse().ok())
                .unwrap_or(100),
            results_field: results.rust_name.clone(),
            results_required: results.required,
            item: (**item).clone(),
        })
    }

    fn deprecation(
        &mut self,
        operation: &openapiv3::Operation,
        pointer: &JsonPointer,
    ) -> Option<Deprecation> {
        let sunset = match operation.extensions.get("x-sunset") {
            None => None,
            Some(Value::String(sunset)) => Some(sunset.clone()),
            Some(_) => {
                self.sink.error(
                    &pointer.join("x-sunset"),
                    "x-sunset must be a string such as \"2026-01\"",
                );
                None
            }
        };
        let replacement = match operation.extensions.get("x-replaced-by") {
            None => None,
            Some(Value::Object(object)) => match object.get("operationId") {
                Some(Value::String(operation_id)) => Some(Replacement {
                    operation_id: operation_id.clone(),
                    generated: None,
                    url: object.get("url").and_then(Value::as_str).map(str::to_owned),
                }),
                _ => {
                    self.sink.error(
                        &pointer.join("x-replaced-by"),
                        "x-replaced-by needs an operationId string",
                    );
                    None
                }
            },
            Some(_) => {
                self.sink.error(
                    &pointer.join("x-replaced-by"),
                    "x-replaced-by must be an object with operationId and url",
                );
                None
            }
        };
        let deprecation = Deprecation {
            deprecated: operation.deprecated,
            sunset,
            replacement,
        };
        (deprecation != Deprecation::default()).then_some(deprecation)
    }

    /// Points each replacement at its generated method when the spec has that operation.
    fn link_replacements(&self, operations: &mut [Operation]) {
        let generated: BTreeMap<String, ReplacementItems> = operations
            .iter()
            .map(|operation| {
                let items = ReplacementItems {
                    fn_name: operation.fn_name.clone(),
                    request_type: operation.request_type.clone(),
                };
                (operation.operation_id.clone(), items)
            })
            .collect();
        for operation in operations {
            if let Some(replacement) = operation
                .deprecation
                .as_mut()
                .and_then(|d| d.replacement.as_mut())
            {
                replacement.generated = generated.get(&replacement.operation_id).cloned();
            }
        }
    }
}

/// What a response body is.
enum BodyKind {
    Json(TypeRef),
    /// Not JSON: handed over as bytes.
    Raw,
}

/// Where an operation sits: its method, parsed path and the path item's shared parameters.
struct OperationSite<'a> {
    method: Method,
    template: &'a PathTemplate,
    pointer: &'a JsonPointer,
    path_parameters: &'a [ReferenceOr<openapiv3::Parameter>],
    path_pointer: &'a JsonPointer,
}

fn method_from_str(method: &str) -> Option<Method> {
    Some(match method {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "patch" => Method::Patch,
        "head" => Method::Head,
        "options" => Method::Options,
        "trace" => Method::Trace,
        _ => return None,
    })
}

fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// A JSON value as it appears on the wire in a URL or header: strings unquoted.
fn render_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
