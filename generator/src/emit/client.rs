//! The async client's entry point for each operation (feature `client`): a method on
//! `runtime::Client` that returns the operation's `runtime::Call`, with setters for the
//! request's optional parameters. `send`, `stream`, `pages` and `collect_all` are the
//! runtime's, generic, so that an operation nobody sends costs no async code.

use super::operations::{argument_type, output_type};
use super::types::type_tokens;
use super::{ident, runtime};
use crate::ir::{Api, Operation, Parameter, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Items for one operation module, all behind `#[cfg(feature = "client")]`.
pub fn client_items(api: &Api, operation: &Operation) -> TokenStream {
    let request_type = format_ident!("{}", operation.request_type);
    let call_type = call_type_ident(operation);
    let fn_name = ident(&operation.fn_name);
    let client = runtime("Client");
    let deprecated = super::operations::deprecated_attr(operation);
    let allow_deprecated = deprecated.as_ref().map(|_| quote! { #[allow(deprecated)] });

    let body = super::body::body_items(api, operation);
    let required: Vec<&Parameter> = operation.parameters.iter().filter(|p| p.required).collect();
    let params = required
        .iter()
        .map(|parameter| {
            let name = ident(&parameter.rust_name);
            let ty = argument_type(api, parameter);
            quote! { #name: #ty }
        })
        .chain(body.call_param.as_ref().map(|(param, _)| param.clone()));
    let args = required
        .iter()
        .map(|parameter| ident(&parameter.rust_name))
        .chain(body.call_param.as_ref().map(|(_, name)| name.clone()));
    // `&self` counts as an argument for clippy.
    let allow_many =
        super::allow_many_arguments(1 + required.len() + usize::from(body.call_param.is_some()));
    let body_setter = &body.call_setter;
    let setters = operation
        .parameters
        .iter()
        .filter(|p| !p.required)
        .map(|parameter| {
            let name = ident(&parameter.rust_name);
            let ty = argument_type(api, parameter);
            let doc = format!(
                " Sets `{}`; see [`{}::{}`].",
                parameter.wire_name,
                operation.request_type,
                parameter.rust_name.trim_start_matches("r#")
            );
            // A deprecated parameter's forwarding setter is deprecated too, and calls the
            // request's deprecated setter knowingly.
            let deprecated = parameter
                .deprecated
                .then(|| quote! { #[deprecated] #[allow(deprecated)] });
            let allow = super::allow_self_convention(&parameter.rust_name);
            let set_name = super::operations::set_ident(parameter);
            let stored = super::operations::value_type(api, parameter);
            let set_doc = format!(
                " Sets or clears `{}`; see [`{}::{}`].",
                parameter.wire_name, operation.request_type, set_name
            );
            quote! {
                #[doc = #doc]
                #deprecated
                #allow
                pub fn #name(mut self, #name: #ty) -> Self {
                    self.request = self.request.#name(#name);
                    self
                }

                #[doc = #set_doc]
                #deprecated
                pub fn #set_name(mut self, #name: Option<#stored>) -> Self {
                    self.request = self.request.#set_name(#name);
                    self
                }
            }
        });
    let method_doc = super::docs::doc_attrs_trusted(&format!(
        "{} (`{} {}`).\n\nRequired parameters go here; optional ones are setters on the returned \
         call, which `send().await` sends. [`{}`] documents each parameter's rules and default.",
        super::docs::sanitize_text(
            operation
                .summary
                .as_deref()
                .unwrap_or(&operation.operation_id)
        ),
        operation.method.as_str(),
        operation.path,
        operation.request_type,
    ));
    let call_doc = format!(
        " A `{}` call: the setters below, then [`send`](crate::runtime::Call::send){}.",
        operation.operation_id,
        if operation.pagination.is_some() {
            ", or page through it with [`stream`](crate::runtime::Call::stream), \
             [`pages`](crate::runtime::Call::pages) or \
             [`collect_all`](crate::runtime::Call::collect_all)"
        } else {
            ""
        }
    );
    let call = runtime("Call");
    let setters: Vec<TokenStream> = setters.collect();
    let setters_impl = (!setters.is_empty() || !body_setter.is_empty()).then(|| {
        quote! {
            #[cfg(feature = "client")]
            #allow_deprecated
            impl #call<#request_type> {
                #(#setters)*
                #body_setter
            }
        }
    });
    quote! {
        #[cfg(feature = "client")]
        #[doc = #call_doc]
        #allow_deprecated
        pub type #call_type = #call<#request_type>;

        #setters_impl

        #[cfg(feature = "client")]
        #allow_deprecated
        impl #client {
            #method_doc
            #deprecated
            #allow_many
            pub fn #fn_name(&self, #(#params),*) -> #call_type {
                #call::new(self.clone(), #request_type::new(#(#args),*))
            }
        }
    }
}

/// The `Operation` and (for list operations) `Paginated` implementations.
pub fn trait_impls(api: &Api, operation: &Operation) -> TokenStream {
    let request_type = format_ident!("{}", operation.request_type);
    let operation_trait = runtime("Operation");
    let output = output_type(api, operation);
    let error_body = error_body_tokens(api, operation);
    let idempotent = operation.method.is_idempotent();
    let build_error = runtime("BuildError");
    let base_url = runtime("BaseUrl");
    let response_error = runtime("ResponseError");
    let allow_deprecated = operation
        .deprecation
        .as_ref()
        .is_some_and(|d| d.deprecated)
        .then(|| quote! { #[allow(deprecated)] });
    let paginated = operation.pagination.as_ref().map(|pagination| {
        let paginated_trait = runtime("Paginated");
        let item = type_tokens(&api.types, &pagination.item);
        let page = ident(&pagination.page_param);
        let size = ident(&pagination.size_param);
        let default_size = proc_macro2::Literal::i32_unsuffixed(pagination.default_size);
        let results = ident(&pagination.results_field);
        let items = if pagination.results_required {
            quote! { output.#results }
        } else {
            quote! { output.#results.unwrap_or_default() }
        };
        quote! {
            #allow_deprecated
            impl #paginated_trait for #request_type {
                type Item = #item;

                fn paging(&self) -> (i32, i32) {
                    (self.#page.unwrap_or(1), self.#size.unwrap_or(#default_size))
                }

                fn with_paging(&self, page_num: i32, items_per_page: i32) -> Self {
                    self.clone().#page(page_num).#size(items_per_page)
                }

                fn into_items(output: Self::Output) -> Vec<Self::Item> {
                    #items
                }
            }
        }
    });
    quote! {
        #allow_deprecated
        impl #operation_trait for #request_type {
            type Output = #output;
            type ErrorBody = #error_body;
            const OPERATION_ID: &'static str = Self::OPERATION_ID;
            const IDEMPOTENT: bool = #idempotent;

            fn build_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, #build_error> {
                Self::build_request(self, base_url)
            }

            fn build_request_at(&self, base_url: &#base_url) -> Result<http::Request<Vec<u8>>, #build_error> {
                Self::build_request_at(self, base_url)
            }

            fn parse_response<B: AsRef<[u8]>>(
                &self,
                response: &http::Response<B>,
            ) -> Result<Self::Output, #response_error<Self::ErrorBody>> {
                Self::parse_response(self, response)
            }
        }

        #paginated
    }
}

/// The client call of an operation: `ListFlexBackupsRequest` gives `ListFlexBackupsCall`.
pub fn call_type_ident(operation: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Call", operation.request_type.trim_end_matches("Request"))
}

pub fn error_body_tokens(api: &Api, operation: &Operation) -> TokenStream {
    match &operation.error_body {
        Some(ty @ TypeRef::Named(_)) => type_tokens(&api.types, ty),
        _ => quote! { serde_json::Value },
    }
}
