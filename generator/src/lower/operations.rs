//! Paths and operations into IR operations: names, deprecation, paging; parameters and bodies
//! are lowered in their own modules.

use super::Lowerer;
use crate::diagnostics::JsonPointer;
use crate::ir::{
    Deprecation, Gate, Method, Operation, Pagination, Parameter, ParameterLocation, ParameterType,
    Replacement, ReplacementItems, SuccessResponse, TypeKind, TypeRef,
};
use crate::naming;
use crate::path_template::PathTemplate;
use openapiv3::ReferenceOr;
use serde_json::Value;
use std::collections::BTreeMap;

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
            // Set once every operation is known: feature names must not collide.
            gate: Gate::Always,
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

/// Where an operation sits: its method, parsed path and the path item's shared parameters.
pub(super) struct OperationSite<'a> {
    pub(super) method: Method,
    pub(super) template: &'a PathTemplate,
    pub(super) pointer: &'a JsonPointer,
    pub(super) path_parameters: &'a [ReferenceOr<openapiv3::Parameter>],
    pub(super) path_pointer: &'a JsonPointer,
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

/// A JSON value as it appears on the wire in a URL or header: strings unquoted.
pub(super) fn render_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
