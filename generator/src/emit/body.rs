//! The pieces a request body adds to an operation's builder: a field, an argument of `new`
//! (required bodies) or a setter (optional ones), an accessor, and its serialization.

use super::types::type_tokens;
use super::{ident, runtime};
use crate::ir::{Api, Operation};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Everything the builder needs for its body; empty token streams for operations without one.
#[derive(Default)]
pub struct BodyItems {
    pub field: TokenStream,
    /// `name: Type` in `new`, for a required body.
    pub new_param: Option<TokenStream>,
    /// `name` (required) or `name: None` (optional) in `new`'s struct literal.
    pub new_init: TokenStream,
    pub setter: TokenStream,
    pub getter: TokenStream,
    /// An expression of type `Option<runtime::JsonBody>`, after `?`.
    pub serialized: TokenStream,
    /// For the client's call type: the forwarding setter, and the argument of its method.
    pub call_setter: TokenStream,
    pub call_param: Option<(TokenStream, proc_macro2::Ident)>,
}

pub fn body_items(api: &Api, operation: &Operation) -> BodyItems {
    let Some(body) = &operation.body else {
        return BodyItems {
            serialized: quote! { None },
            ..BodyItems::default()
        };
    };
    let name = ident(&body.rust_name);
    let ty = type_tokens(&api.types, &body.ty);
    let media_type = &body.media_type;
    let json_body = runtime("json_body");
    let mut docs = body
        .docs
        .as_deref()
        .map(super::docs::sanitize_text)
        .unwrap_or_default();
    if !docs.is_empty() {
        docs.push_str("\n\n");
    }
    docs.push_str(&format!("Sent as `{media_type}`."));
    let doc_attrs = super::docs::doc_attrs_trusted(&docs);
    let getter_name = format_ident!("get_{}", body.rust_name);
    let getter_doc = " The request body as set.";
    if body.required {
        BodyItems {
            field: quote! { #name: #ty, },
            new_param: Some(quote! { #name: #ty }),
            new_init: quote! { #name, },
            setter: TokenStream::new(),
            getter: quote! {
                #[doc = #getter_doc]
                pub fn #getter_name(&self) -> &#ty {
                    &self.#name
                }
            },
            serialized: quote! { Some(#json_body(#media_type, &self.#name)?) },
            call_setter: TokenStream::new(),
            call_param: Some((quote! { #name: #ty }, name)),
        }
    } else {
        let call_doc = format!(
            " Sets the request body; see [`{}::{}`].",
            operation.request_type, body.rust_name
        );
        BodyItems {
            field: quote! { #name: Option<#ty>, },
            new_param: None,
            new_init: quote! { #name: None, },
            setter: quote! {
                #doc_attrs
                pub fn #name(mut self, #name: #ty) -> Self {
                    self.#name = Some(#name);
                    self
                }
            },
            getter: quote! {
                #[doc = #getter_doc]
                pub fn #getter_name(&self) -> Option<&#ty> {
                    self.#name.as_ref()
                }
            },
            serialized: quote! {
                match &self.#name {
                    Some(body) => Some(#json_body(#media_type, body)?),
                    None => None,
                }
            },
            call_setter: quote! {
                #[doc = #call_doc]
                pub fn #name(mut self, #name: #ty) -> Self {
                    self.request = self.request.#name(#name);
                    self
                }
            },
            call_param: None,
        }
    }
}
