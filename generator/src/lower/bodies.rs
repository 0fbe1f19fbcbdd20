//! Bodies: the success and error responses of an operation, and its request body.

use super::Lowerer;
use super::resolve_component;
use super::schemas::SchemaSite;
use crate::diagnostics::JsonPointer;
use crate::ir::{
    ErrorByStatus, ErrorResponse, ErrorVariant, Parameter, RequestBody, SuccessResponse, TypeKind,
    TypeRef,
};
use openapiv3::{ReferenceOr, Response, StatusCode};

impl Lowerer<'_> {
    pub(super) fn lower_responses(
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
            accept_constant: None,
            body: None,
            raw: false,
            empty_statuses: Vec::new(),
        };
        let mut first_success_body: Option<JsonPointer> = None;
        let mut errors = Vec::new();
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
            // HTTP forbids a body in a 204 or 205 (RFC 9110, 15.3.5-6), whatever the spec lists
            // under `content`; Atlas gives some 204s a media type without a schema.
            let body = match self.response_body(response, &body_pointer, &hint) {
                Ok(_) if code == 204 || code == 205 => None,
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
                        // The runtime sends it as a header value built at compile time.
                        if !media_type
                            .bytes()
                            .all(|byte| byte == b'\t' || (b' '..=b'~').contains(&byte))
                        {
                            self.sink.error(&status_pointer, format!("media type {media_type:?} cannot be sent in an Accept header: a header value is visible ASCII"));
                            ok = false;
                        }
                        success.media_type = Some(media_type);
                        success.body = ty;
                        success.raw = raw;
                    }
                }
            } else {
                // An error body that is not JSON is kept as raw bytes by the runtime.
                let body = match body {
                    Some((_, BodyKind::Json(ty))) => Some(ty),
                    _ => None,
                };
                errors.push(ErrorResponse {
                    status: code,
                    description: response.description.clone(),
                    body,
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
        if !ok {
            return None;
        }
        let error_body = self.error_body(&errors, pointer, type_stem);
        Some((success, errors, error_body))
    }

    /// The one type of every documented error body; where statuses document different
    /// schemas, an enum that the status decides (`<Operation>ErrorBody`).
    fn error_body(
        &mut self,
        errors: &[ErrorResponse],
        pointer: &JsonPointer,
        type_stem: &str,
    ) -> Option<TypeRef> {
        let mut variants: Vec<ErrorVariant> = Vec::new();
        for error in errors {
            let Some(ty) = &error.body else { continue };
            match variants.iter_mut().find(|variant| variant.ty == *ty) {
                Some(variant) => variant.statuses.push(error.status),
                None => variants.push(ErrorVariant {
                    rust_name: String::new(),
                    ty: ty.clone(),
                    statuses: vec![error.status],
                }),
            }
        }
        if variants.len() <= 1 {
            return variants.pop().map(|variant| variant.ty);
        }
        for variant in &mut variants {
            variant.rust_name = match &variant.ty {
                TypeRef::Named(id) => self.types.get(*id).rust_name.clone(),
                _ => format!("Status{}", variant.statuses[0]),
            };
        }
        let id = self.declare_type(format!("{type_stem}ErrorBody"), &pointer.join("responses"))?;
        let fallback_variant = ["Unknown", "UnknownValue", "Unrecognized"]
            .into_iter()
            .find(|name| variants.iter().all(|variant| variant.rust_name != *name))
            .unwrap_or("UnknownWireValue")
            .to_owned();
        self.types.set_docs(
            id,
            Some(format!(
                "The error body of `{type_stem}`, whose error statuses document different schemas."
            )),
            false,
        );
        self.types.set_kind(
            id,
            TypeKind::ErrorByStatus(ErrorByStatus {
                variants,
                fallback_variant,
            }),
        );
        Some(TypeRef::Named(id))
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
    pub(super) fn request_body(
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
}

/// What a response body is.
enum BodyKind {
    Json(TypeRef),
    /// Not JSON: handed over as bytes.
    Raw,
}

fn is_json_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}
