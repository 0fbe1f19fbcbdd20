//! The async client (feature `client`): the crate's `Client` and `Call`, and for each
//! operation a method on `Client` that returns the operation's `Call`, with setters for the
//! request's optional parameters.
//!
//! `Client` and `Call` are emitted into each crate, not taken from the runtime crate, only
//! because Rust allows inherent methods on a type in the crate that defines it. They are thin:
//! `send`, `stream`, `pages` and `collect_all` forward to the runtime, generic, so that an
//! operation nobody sends costs no async code.

use super::operations::{argument_type, output_type};
use super::types::type_tokens;
use super::{ident, runtime};
use crate::ir::{Api, Operation, Parameter, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `src/client.rs`: the crate's `Client`, `ClientBuilder` and `Call`. The same for every
/// spec; `lib.rs` compiles it with the `client` feature and re-exports its items.
pub fn client_module() -> TokenStream {
    quote! {
        //! The crate's async client: the runtime's client, with this crate's operations as
        //! methods (the operation modules add one each).

        use crate::runtime;

        /// Sends this crate's operations to Atlas, with authentication, timeouts and
        /// retries: one method per operation. Clone it freely: clones share connections, the
        /// Digest challenge and the access token.
        #[derive(Debug, Clone)]
        pub struct Client(runtime::Client);

        /// Configures a [`Client`]; [`Client::builder`] makes one.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        impl Client {
            /// A builder with Atlas's base URL, no credentials, a 10 s connect timeout, a
            /// 60 s request timeout and the default retry policy.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::default()
            }

            /// The base URL requests go to, without a trailing slash.
            pub fn base_url(&self) -> &str {
                self.0.base_url()
            }

            /// Sends one operation (of this crate or another generated one) and parses its
            /// answer; see [`runtime::Client::execute`].
            ///
            /// # Errors
            ///
            /// See [`runtime::Error`].
            pub async fn execute<O: runtime::Operation>(
                &self,
                operation: &O,
            ) -> Result<O::Output, runtime::Error<O::ErrorBody>> {
                self.0.execute(operation).await
            }

            /// The runtime's client underneath, which sends the operations of any
            /// generated crate.
            pub fn as_runtime(&self) -> &runtime::Client {
                &self.0
            }
        }

        impl From<runtime::Client> for Client {
            fn from(client: runtime::Client) -> Self {
                Self(client)
            }
        }

        impl runtime::ApiClient for Client {
            const PRODUCT: &'static str =
                concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
        }

        /// A request bound to a client, ready to send with [`Call::send`]. Each operation
        /// names its own, such as `ListFlexBackupsCall`, with setters for its optional
        /// parameters.
        #[derive(Debug, Clone)]
        #[must_use = "a call does nothing until it is sent"]
        pub struct Call<R> {
            pub(crate) client: Client,
            pub(crate) request: R,
        }

        impl<R> Call<R> {
            /// A call of `request` through `client`; `Client`'s operation methods build
            /// these.
            pub fn new(client: Client, request: R) -> Self {
                Self { client, request }
            }

            /// The request as built so far.
            pub fn request(&self) -> &R {
                &self.request
            }

            /// The request, to send it another way (or through another client).
            pub fn into_request(self) -> R {
                self.request
            }
        }

        impl<R: runtime::Operation> Call<R> {
            /// Sends the request (retrying as the client's policy allows) and parses the
            /// answer.
            ///
            /// # Errors
            ///
            /// See [`runtime::Error`].
            pub async fn send(self) -> Result<R::Output, runtime::Error<R::ErrorBody>> {
                self.client.0.execute(&self.request).await
            }
        }

        impl<R> Call<R>
        where
            R: runtime::Paginated + Send + Sync + 'static,
            R::Item: Send,
            R::Output: Send,
        {
            /// Every item of every page from the starting page on, fetched lazily one page
            /// at a time. `next().await` on it needs no trait in scope.
            pub fn stream(self) -> runtime::ItemStream<R> {
                runtime::ItemStream::new(self.client.0, self.request)
            }

            /// Every page from the starting page on, fetched lazily one at a time, each with
            /// its items and the server's `totalCount`. `next().await` on it needs no trait
            /// in scope.
            pub fn pages(self) -> runtime::PageStream<R> {
                runtime::PageStream::new(self.client.0, self.request)
            }

            /// Every item of every page, collected.
            ///
            /// # Errors
            ///
            /// The first page that fails.
            pub async fn collect_all(self) -> Result<Vec<R::Item>, runtime::Error<R::ErrorBody>> {
                self.stream().collect_all().await
            }
        }
    }
}

/// Items for one operation module, all behind `#[cfg(feature = "client")]`.
pub fn client_items(api: &Api, operation: &Operation) -> TokenStream {
    let request_type = format_ident!("{}", operation.request_type);
    let call_type = call_type_ident(operation);
    let fn_name = ident(&operation.fn_name);
    let client = quote! { crate::Client };
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
        " A `{}` call: the setters below, then [`send`](crate::Call::send){}.",
        operation.operation_id,
        if operation.pagination.is_some() {
            ", or page through it with [`stream`](crate::Call::stream), \
             [`pages`](crate::Call::pages) or [`collect_all`](crate::Call::collect_all)"
        } else {
            ""
        }
    );
    let call = quote! { crate::Call };
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
