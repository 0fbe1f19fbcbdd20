//! Operations: one module per operation with its request builder, validation and parser.

use super::docs::{doc_attrs, doc_attrs_trusted, sanitize_text};
use super::types::type_tokens;
use super::{ident, runtime};
use crate::ir::{
    Api, Constraints, ListStyle, Operation, Parameter, ParameterLocation, ParameterType, TypeRef,
};
use crate::path_template::PathPart;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// The body of `src/operations/<operation>.rs`.
pub fn operation_module(api: &Api, operation: &Operation) -> TokenStream {
    let request_type = format_ident!("{}", operation.request_type);
    let type_docs = request_docs(operation);
    let deprecated = deprecated_attr(operation);
    let allow_deprecated = deprecated.as_ref().map(|_| {
        quote! { #[allow(deprecated)] }
    });

    let required: Vec<&Parameter> = operation.parameters.iter().filter(|p| p.required).collect();
    let optional: Vec<&Parameter> = operation
        .parameters
        .iter()
        .filter(|p| !p.required)
        .collect();

    let body = super::body::body_items(api, operation);
    let body_field = &body.field;
    let body_init = &body.new_init;
    let body_setter = &body.setter;
    let body_getter = &body.getter;
    let body_serialized = &body.serialized;
    let struct_fields = operation.parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        let ty = stored_type(api, parameter);
        quote! { #name: #ty, }
    });
    let allow_many =
        super::allow_many_arguments(required.len() + usize::from(body.new_param.is_some()));
    let new_params = required
        .iter()
        .map(|parameter| {
            let name = ident(&parameter.rust_name);
            let ty = argument_type(api, parameter);
            quote! { #name: #ty }
        })
        .chain(body.new_param.clone());
    let new_inits = operation.parameters.iter().map(|parameter| {
        let name = ident(&parameter.rust_name);
        if parameter.required && takes_into_string(parameter) {
            quote! { #name: #name.into() }
        } else if parameter.required {
            quote! { #name }
        } else {
            quote! { #name: None }
        }
    });
    let new_docs = new_docs(&required);
    // No `PartialEq`: a request is compared through what it builds (`build_request`), and
    // 454 derived comparisons cost MongoDB's whole spec 1.6% of its build memory.
    let derive_default =
        (required.is_empty() && body.new_param.is_none()).then(|| quote! { , Default });
    let setters = optional.iter().map(|parameter| setter(api, parameter));
    let getters = operation
        .parameters
        .iter()
        .map(|parameter| getter(api, parameter));
    let checks = operation.parameters.iter().filter_map(check);
    let path_writes = path_writes(operation);
    let query_pushes = pushes(
        operation,
        ParameterLocation::Query,
        &format_ident!("target"),
    );
    let header_pushes = pushes(
        operation,
        ParameterLocation::Header,
        &format_ident!("headers"),
    );
    let headers_mut = (!header_pushes.is_empty()).then(|| quote! { mut });
    let method = format_ident!("{}", operation.method.as_str());
    // A constant of `src/media_types.rs`: the header value is checked when the crate compiles,
    // not per request (lowering refused media types that are no header value).
    let accept = match &operation.success.accept_constant {
        Some(name) => {
            let constant = format_ident!("{}", name);
            quote! { Some(crate::media_types::#constant) }
        }
        None => quote! { None },
    };
    let operation_id = &operation.operation_id;
    let template = operation.path.to_string();
    let success_statuses = operation
        .success
        .statuses
        .iter()
        .map(|&status| Literal::u16_unsuffixed(status));
    let error_statuses = operation
        .errors
        .iter()
        .map(|error| Literal::u16_unsuffixed(error.status));
    let error_body = super::client::error_body_tokens(api, operation);
    let trait_impls = super::client::trait_impls(api, operation);
    let client_items = super::client::client_items(api, operation);
    let envelope = match operation
        .parameters
        .iter()
        .find(|p| p.switches_envelope && p.ty == ParameterType::Boolean)
    {
        Some(parameter) => {
            let name = ident(&parameter.rust_name);
            if parameter.required {
                quote! { self.#name }
            } else {
                quote! { self.#name == Some(true) }
            }
        }
        None => quote! { false },
    };
    let output = output_type(api, operation);
    let parse = runtime(match (&operation.success.body, operation.success.raw) {
        (_, true) => "parse_raw_response",
        (Some(_), false) if !operation.success.empty_statuses.is_empty() => {
            "parse_optional_json_response"
        }
        (Some(_), false) => "parse_json_response",
        (None, false) => "parse_empty_response",
    });
    let empty_statuses = operation
        .success
        .empty_statuses
        .iter()
        .map(|&status| Literal::u16_unsuffixed(status));
    let response_error = runtime("ResponseError");
    let build_error = runtime("BuildError");
    let parameter_error = runtime("ParameterError");
    let response_spec = runtime("ResponseSpec");
    let base_url_type = runtime("BaseUrl");
    let build_from_text = runtime("build_request_from_text");
    let target_type = runtime("RequestTarget");
    let headers_type = runtime("Headers");
    let finish_request = runtime("finish_request");
    let parse_docs = parse_docs(operation);

    quote! {
        #type_docs
        #deprecated
        #[derive(Debug, Clone #derive_default)]
        #[must_use = "a request does nothing until it is built and sent"]
        pub struct #request_type {
            #(#struct_fields)*
            #body_field
        }

        #allow_deprecated
        impl #request_type {
            /// The operationId in the spec.
            pub const OPERATION_ID: &'static str = #operation_id;
            /// The HTTP method.
            pub const METHOD: http::Method = http::Method::#method;
            /// The path template, as the spec gives it.
            pub const PATH_TEMPLATE: &'static str = #template;

            #new_docs
            #allow_many
            pub fn new(#(#new_params),*) -> Self {
                Self { #(#new_inits,)* #body_init }
            }

            #(#setters)*
            #body_setter

            #(#getters)*
            #body_getter

            /// Checks every parameter against the spec's rules, without building anything.
            ///
            /// # Errors
            ///
            /// The first parameter that breaks a rule, with its value and the rule.
            pub fn validate(&self) -> Result<(), #parameter_error> {
                #(#checks)*
                Ok(())
            }

            /// Builds the HTTP request against `base_url` (such as `https://cloud.mongodb.com`),
            /// after checking every parameter: no request exists for invalid input.
            ///
            /// # Errors
            ///
            /// A parameter that breaks a rule of the spec, or a base URL that cannot be one.
            pub fn build_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, #build_error> {
                #build_from_text(self, base_url)
            }

            /// [`Self::build_request`] against a base URL parsed once, for callers that send
            /// many requests (the client does). `build_request` keeps the last base URL it
            /// parsed on each thread, so passing the same text each time costs little more.
            ///
            /// # Errors
            ///
            /// A parameter that breaks a rule of the spec.
            pub fn build_request_at(&self, base_url: &#base_url_type) -> Result<http::Request<Vec<u8>>, #build_error> {
                self.validate()?;
                let mut target = #target_type::new(base_url);
                #(#path_writes)*
                #(#query_pushes)*
                let #headers_mut headers = #headers_type::new();
                #(#header_pushes)*
                let body = #body_serialized;
                #finish_request(Self::METHOD, base_url, target, &headers, #accept, body)
            }

            #parse_docs
            pub fn parse_response<B: AsRef<[u8]>>(
                &self,
                response: &http::Response<B>,
            ) -> Result<#output, #response_error<#error_body>> {
                let spec = #response_spec {
                    success: &[#(#success_statuses),*],
                    empty_success: &[#(#empty_statuses),*],
                    documented_errors: &[#(#error_statuses),*],
                    enveloped: #envelope,
                };
                #parse(response, &spec)
            }
        }

        #trait_impls

        #client_items
    }
}

/// Spec text is sanitized for rustdoc; the generator's own sentences (links included) are not.
/// What `parse_response` returns on success.
pub(super) fn output_type(api: &Api, operation: &Operation) -> TokenStream {
    if operation.success.raw {
        return quote! { Vec<u8> };
    }
    match &operation.success.body {
        Some(body) if !operation.success.empty_statuses.is_empty() => {
            let body = type_tokens(&api.types, body);
            quote! { Option<#body> }
        }
        Some(body) => type_tokens(&api.types, body),
        None => quote! { () },
    }
}

fn request_docs(operation: &Operation) -> TokenStream {
    let title = operation
        .summary
        .as_deref()
        .unwrap_or(&operation.operation_id);
    let mut paragraphs = vec![
        sanitize_text(title),
        format!(
            "`{} {}` (operationId `{}`).",
            operation.method.as_str(),
            operation.path,
            operation.operation_id
        ),
    ];
    if let Some(description) = &operation.description {
        paragraphs.push(sanitize_text(description));
    }
    if let Some(deprecation) = &operation.deprecation {
        let label = if deprecation.deprecated {
            "Deprecated"
        } else {
            "Sunset"
        };
        let mut note = format!("**{label}.** {}", when_note(deprecation));
        if let Some(replacement) = &deprecation.replacement {
            note.push_str(&match &replacement.generated {
                Some(items) => format!(
                    " Use [`{}`](crate::operations::{}) (`Client::{}`) instead.",
                    items.request_type, items.request_type, items.fn_name
                ),
                None => format!(" Use {} instead.", replacement.operation_id),
            });
            if let Some(url) = &replacement.url {
                note.push_str(&format!(" See <{url}>."));
            }
        }
        paragraphs.push(note);
    }
    if let Some(url) = &operation.reference_url {
        paragraphs.push(format!("Atlas reference: <{url}>"));
    }
    doc_attrs_trusted(&paragraphs.join("\n\n"))
}

/// When the operation goes away, as a sentence.
fn when_note(deprecation: &crate::ir::Deprecation) -> String {
    match (&deprecation.sunset, deprecation.deprecated) {
        (Some(sunset), true) => format!(
            "Atlas deprecated this operation and sunsets it in {}.",
            month_name(sunset)
        ),
        (Some(sunset), false) => format!("Atlas sunsets this operation in {}.", month_name(sunset)),
        (None, _) => "Atlas deprecated this operation.".to_owned(),
    }
}

/// The plain-text note of `#[deprecated]`.
fn deprecation_note(operation: &Operation) -> Option<String> {
    let deprecation = operation.deprecation.as_ref()?;
    let mut note = when_note(deprecation);
    if let Some(replacement) = &deprecation.replacement {
        note.push_str(&match &replacement.generated {
            Some(items) => format!(
                " Use `{}` or `Client::{}` instead.",
                items.request_type, items.fn_name
            ),
            None => format!(" Use {} instead.", replacement.operation_id),
        });
    }
    Some(note)
}

/// `2026-01` (or `2026-01-15`) as `January 2026`; anything else as written.
fn month_name(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = date.splitn(3, '-');
    let (Some(year), Some(month)) = (parts.next(), parts.next()) else {
        return date.to_owned();
    };
    match month.parse::<usize>() {
        Ok(month @ 1..=12) if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
            format!("{} {year}", MONTHS[month - 1])
        }
        _ => date.to_owned(),
    }
}

pub(super) fn deprecated_attr(operation: &Operation) -> Option<TokenStream> {
    let deprecation = operation.deprecation.as_ref()?;
    if !deprecation.deprecated {
        return None;
    }
    let note = deprecation_note(operation)?;
    Some(quote! { #[deprecated(note = #note)] })
}

fn new_docs(required: &[&Parameter]) -> TokenStream {
    let mut text = String::from("Starts a request with its required parameters.");
    if !required.is_empty() {
        text.push_str("\n\n");
        for parameter in required {
            text.push_str(&format!(
                "- `{}`: {}\n",
                parameter.rust_name.trim_start_matches("r#"),
                rules_sentence(parameter)
            ));
        }
    }
    doc_attrs(&text)
}

fn rules_sentence(parameter: &Parameter) -> String {
    let mut sentence = format!(
        "{} parameter `{}`",
        location_word(parameter.location),
        parameter.wire_name
    );
    let rules = rules_text(&parameter.constraints);
    if !rules.is_empty() {
        sentence.push_str(&format!("; {rules}"));
    }
    sentence.push('.');
    sentence
}

fn location_word(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
    }
}

pub(super) fn rules_text(constraints: &Constraints) -> String {
    let mut rules = Vec::new();
    if let Some(pattern) = &constraints.pattern {
        rules.push(format!("must match `{}`", pattern.source));
    }
    match (constraints.min_length, constraints.max_length) {
        (Some(min), Some(max)) if min == max => rules.push(format!("exactly {min} characters")),
        (Some(min), Some(max)) => rules.push(format!("{min} to {max} characters")),
        (Some(min), None) => rules.push(format!("at least {min} characters")),
        (None, Some(max)) => rules.push(format!("at most {max} characters")),
        (None, None) => {}
    }
    match (constraints.minimum, constraints.maximum) {
        (Some(min), Some(max)) => rules.push(format!("from {min} to {max}")),
        (Some(min), None) => rules.push(format!("at least {min}")),
        (None, Some(max)) => rules.push(format!("at most {max}")),
        (None, None) => {}
    }
    let items = |count: usize| match count {
        1 => "1 item".to_owned(),
        _ => format!("{count} items"),
    };
    match (constraints.min_items, constraints.max_items) {
        (Some(min), Some(max)) if min == max => rules.push(format!("exactly {}", items(min))),
        (Some(min), Some(max)) => rules.push(format!("{min} to {}", items(max))),
        (Some(min), None) => rules.push(format!("at least {}", items(min))),
        (None, Some(max)) => rules.push(format!("at most {}", items(max))),
        (None, None) => {}
    }
    if constraints.unique_items {
        rules.push("no item twice".to_owned());
    }
    rules.join(", ")
}

fn setter(api: &Api, parameter: &Parameter) -> TokenStream {
    let name = ident(&parameter.rust_name);
    let ty = argument_type(api, parameter);
    let mut text = parameter.docs.clone().unwrap_or_default();
    text.push_str(&format!("\n\nSets the {}", rules_sentence(parameter)));
    if let Some(default) = &parameter.default {
        text.push_str(&format!(" Atlas uses `{default}` when it is not set."));
    }
    let docs = doc_attrs(&text);
    let deprecated = parameter.deprecated.then(|| quote! { #[deprecated] });
    let value = into_stored(parameter, quote! { #name });
    let allow = super::allow_self_convention(&parameter.rust_name);
    let set_name = set_ident(parameter);
    let stored = value_type(api, parameter);
    let set_doc = format!(
        " Sets or clears `{}`: `None` leaves it to Atlas, like not calling [`Self::{}`].",
        parameter.wire_name,
        parameter.rust_name.trim_start_matches("r#")
    );
    quote! {
        #docs
        #deprecated
        #allow
        pub fn #name(mut self, #name: #ty) -> Self {
            self.#name = Some(#value);
            self
        }

        #[doc = #set_doc]
        #deprecated
        pub fn #set_name(mut self, #name: Option<#stored>) -> Self {
            self.#name = #name;
            self
        }
    }
}

/// `set_<parameter>`: the setter that takes an `Option`, so an optional input passes through.
pub(super) fn set_ident(parameter: &Parameter) -> proc_macro2::Ident {
    format_ident!(
        "set_{}",
        parameter
            .rust_name
            .trim_start_matches("r#")
            .trim_end_matches('_')
    )
}

/// A read accessor per parameter, `get_<parameter>` as in the fluent SDKs Rust users know
/// (aws-sdk-rust's builders), so it never clashes with the setter.
fn getter(api: &Api, parameter: &Parameter) -> TokenStream {
    let field = ident(&parameter.rust_name);
    let stem = parameter
        .rust_name
        .trim_start_matches("r#")
        .trim_end_matches('_');
    let name = format_ident!("get_{stem}");
    let doc = format!(" The `{}` parameter as set.", parameter.wire_name);
    if parameter.list.is_some() {
        let item = item_type(api, parameter);
        let (ty, body) = if parameter.required {
            (quote! { &[#item] }, quote! { &self.#field })
        } else {
            (
                quote! { Option<&[#item]> },
                quote! { self.#field.as_deref() },
            )
        };
        let allow = super::allow_self_convention(&name.to_string());
        return quote! {
            #[doc = #doc]
            #allow
            pub fn #name(&self) -> #ty {
                #body
            }
        };
    }
    let value_type = match &parameter.ty {
        ParameterType::String => quote! { &str },
        ParameterType::Enum(id) => {
            let ty = type_tokens(&api.types, &TypeRef::Named(*id));
            quote! { &#ty }
        }
        other => scalar_type(other),
    };
    let by_reference = matches!(parameter.ty, ParameterType::String | ParameterType::Enum(_));
    let (ty, body) = match (parameter.required, by_reference) {
        (true, true) => (value_type, quote! { &self.#field }),
        (true, false) => (value_type, quote! { self.#field }),
        (false, true) if parameter.ty == ParameterType::String => {
            (quote! { Option<&str> }, quote! { self.#field.as_deref() })
        }
        (false, true) => (
            quote! { Option<#value_type> },
            quote! { self.#field.as_ref() },
        ),
        (false, false) => (quote! { Option<#value_type> }, quote! { self.#field }),
    };
    let allow = super::allow_self_convention(&name.to_string());
    quote! {
        #[doc = #doc]
        #allow
        pub fn #name(&self) -> #ty {
            #body
        }
    }
}

fn scalar_type(ty: &ParameterType) -> TokenStream {
    match ty {
        ParameterType::Boolean => quote! { bool },
        ParameterType::I32 => quote! { i32 },
        ParameterType::I64 => quote! { i64 },
        ParameterType::F64 => quote! { f64 },
        ParameterType::String | ParameterType::Enum(_) => quote! { String },
    }
}

/// The type of the parameter, or of each item of an array parameter.
fn item_type(api: &Api, parameter: &Parameter) -> TokenStream {
    match &parameter.ty {
        ParameterType::Enum(id) => type_tokens(&api.types, &TypeRef::Named(*id)),
        other => scalar_type(other),
    }
}

pub(super) fn value_type(api: &Api, parameter: &Parameter) -> TokenStream {
    let item = item_type(api, parameter);
    if parameter.list.is_some() {
        quote! { Vec<#item> }
    } else {
        item
    }
}

fn stored_type(api: &Api, parameter: &Parameter) -> TokenStream {
    let ty = value_type(api, parameter);
    if parameter.required {
        ty
    } else {
        quote! { Option<#ty> }
    }
}

/// What a setter or `new` takes: strings as `impl Into<String>`, the rest as stored.
pub(super) fn argument_type(api: &Api, parameter: &Parameter) -> TokenStream {
    if takes_into_string(parameter) {
        quote! { impl Into<String> }
    } else {
        value_type(api, parameter)
    }
}

fn takes_into_string(parameter: &Parameter) -> bool {
    parameter.ty == ParameterType::String && parameter.list.is_none()
}

/// Strings arrive as `impl Into<String>`; every other argument already has the stored type.
fn into_stored(parameter: &Parameter, argument: TokenStream) -> TokenStream {
    if takes_into_string(parameter) {
        quote! { #argument.into() }
    } else {
        argument
    }
}

fn check(parameter: &Parameter) -> Option<TokenStream> {
    let rules = ident(parameter.rules.as_deref()?);
    let rules = quote! { crate::rules::#rules };
    let field = ident(&parameter.rust_name);
    let method = match parameter.ty {
        ParameterType::String => Some(quote! { check_str }),
        ParameterType::I32 | ParameterType::I64 => Some(quote! { check_integer }),
        _ => None,
    };
    let value = match parameter.ty {
        ParameterType::String => quote! { value },
        ParameterType::I64 => quote! { *value },
        _ => quote! { i64::from(*value) },
    };
    if parameter.list.is_none() {
        let method = method?;
        return Some(if parameter.required {
            quote! { { let value = &self.#field; #rules.#method(#value)?; } }
        } else {
            quote! { if let Some(value) = &self.#field { #rules.#method(#value)?; } }
        });
    }
    // A list: its count and repeats first, then each item.
    let whole = parameter
        .constraints
        .constrains_items()
        .then(|| quote! { #rules.check_items(values)?; });
    let each = method
        .filter(|_| parameter.constraints.constrains_each_value())
        .map(|method| quote! { for value in values { #rules.#method(#value)?; } });
    if whole.is_none() && each.is_none() {
        return None;
    }
    Some(if parameter.required {
        quote! { { let values = &self.#field; #whole #each } }
    } else {
        quote! { if let Some(values) = &self.#field { #whole #each } }
    })
}

/// The path, written piece by piece into the request's one buffer: literals as they are,
/// parameters percent-encoded in place.
fn path_writes(operation: &Operation) -> Vec<TokenStream> {
    operation
        .path
        .parts
        .iter()
        .filter_map(|part| match part {
            PathPart::Literal(text) => Some(quote! { target.path(#text); }),
            PathPart::Parameter(wire) => {
                // Lowering guarantees every placeholder is declared.
                let parameter = operation
                    .parameters
                    .iter()
                    .find(|p| p.location == ParameterLocation::Path && &p.wire_name == wire)?;
                let field = ident(&parameter.rust_name);
                Some(if parameter.ty == ParameterType::String {
                    quote! { target.path_segment(&self.#field); }
                } else {
                    quote! { target.path_segment_display(&self.#field); }
                })
            }
        })
        .collect()
}

fn pushes(
    operation: &Operation,
    location: ParameterLocation,
    target: &proc_macro2::Ident,
) -> Vec<TokenStream> {
    operation
        .parameters
        .iter()
        .filter(|p| p.location == location)
        .map(|parameter| {
            let field = ident(&parameter.rust_name);
            let wire = &parameter.wire_name;
            let push = match parameter.list {
                // Query values in their typed form, so that no formatter runs.
                None if location == ParameterLocation::Query => match parameter.ty {
                    ParameterType::String => quote! { #target.push_str(#wire, value); },
                    ParameterType::Enum(_) => quote! { #target.push_str(#wire, value.as_str()); },
                    ParameterType::Boolean => quote! { #target.push_bool(#wire, *value); },
                    ParameterType::I32 => {
                        quote! { #target.push_integer(#wire, i64::from(*value)); }
                    }
                    ParameterType::I64 => quote! { #target.push_integer(#wire, *value); },
                    ParameterType::F64 => quote! { #target.push(#wire, value); },
                },
                None => quote! { #target.push(#wire, value); },
                Some(ListStyle::Repeated) => {
                    quote! { for item in value { #target.push(#wire, item); } }
                }
                Some(ListStyle::CommaSeparated) => quote! { #target.push_joined(#wire, value); },
            };
            if parameter.required {
                quote! { { let value = &self.#field; #push } }
            } else {
                quote! { if let Some(value) = &self.#field { #push } }
            }
        })
        .collect()
}

fn parse_docs(operation: &Operation) -> TokenStream {
    let mut text = String::from(
        "Reads the response to this request: the typed body for a documented success status.\n\n# Errors\n\n",
    );
    if operation.errors.is_empty() {
        text.push_str("- [`ResponseError::UnexpectedStatus`](crate::runtime::ResponseError::UnexpectedStatus) for any status the spec does not document as a success.\n");
    } else {
        let statuses: Vec<String> = operation
            .errors
            .iter()
            .map(|e| format!("{} ({})", e.status, e.description.trim_end_matches('.')))
            .collect();
        text.push_str(&format!(
            "- [`ResponseError::Api`](crate::runtime::ResponseError::Api) with the parsed error body for the documented statuses: {}.\n",
            statuses.join(", ")
        ));
        text.push_str("- [`ResponseError::UnexpectedStatus`](crate::runtime::ResponseError::UnexpectedStatus) with the status and raw body for any other status.\n");
    }
    text.push_str("- [`ResponseError::Decode`](crate::runtime::ResponseError::Decode) when the body does not decode, keeping status and body.");
    doc_attrs(&text)
}
