//! `oneOf`/`anyOf` types: an enum with a variant per member and a fallback that keeps, as
//! JSON, anything no member matches, so a new kind of value never fails a whole response.

use super::docs::spec_docs_with_note;
use super::types::type_tokens;
use crate::ir::{ErrorByStatus, OneOfType, TypeDef, TypeRef, TypeSpace};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn one_of_tokens(types: &TypeSpace, def: &TypeDef, one_of: &OneOfType) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let fallback = format_ident!("{}", one_of.fallback_variant);
    let how = match &one_of.discriminator {
        Some(property) => format!("The `{property}` property says which variant a value is."),
        None => {
            "A value is the first variant it deserializes as, in the order the spec lists them."
                .to_owned()
        }
    };
    let evolution = format!(
        "{how} A value that matches none is kept, as JSON, in [`{}::{}`].",
        def.rust_name, one_of.fallback_variant
    );
    let docs = spec_docs_with_note(def.docs.as_deref(), &evolution);
    let variant_names: Vec<_> = one_of
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.rust_name))
        .collect();
    // Named types are boxed: variants stay small, and recursive schemas stay finite.
    let variant_types: Vec<TokenStream> = one_of
        .variants
        .iter()
        .map(|variant| {
            let ty = type_tokens(types, &variant.ty);
            match variant.ty {
                TypeRef::Named(_) => quote! { Box<#ty> },
                _ => ty,
            }
        })
        .collect();
    let deserialize_body = match &one_of.discriminator {
        Some(property) => {
            let arms = one_of
                .variants
                .iter()
                .zip(&variant_names)
                .map(|(variant, variant_name)| {
                    let values = &variant.tag_values;
                    quote! {
                        Some(#(#values)|*) => serde_json::from_value(value)
                            .map(Self::#variant_name)
                            .map_err(serde::de::Error::custom),
                    }
                });
            quote! {
                match value.get(#property).and_then(serde_json::Value::as_str) {
                    #(#arms)*
                    _ => Ok(Self::#fallback(value)),
                }
            }
        }
        None => {
            let attempts = variant_names.iter().map(|variant_name| {
                quote! {
                    if let Ok(parsed) = serde_json::from_value(value.clone()) {
                        return Ok(Self::#variant_name(parsed));
                    }
                }
            });
            quote! {
                #(#attempts)*
                Ok(Self::#fallback(value))
            }
        }
    };
    let serialize = untagged_serialize(&name, &variant_names, &fallback);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_names(#variant_types), )*
            /// A value no variant matches, kept as received.
            #fallback(serde_json::Value),
        }

        #serialize

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #deserialize_body
            }
        }
    }
}

/// The error body of an operation whose statuses document different schemas: the runtime
/// decodes each body by its status through `ErrorBody::deserialize_for_status`.
pub fn error_by_status_tokens(
    types: &TypeSpace,
    def: &TypeDef,
    errors: &ErrorByStatus,
) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let fallback = format_ident!("{}", errors.fallback_variant);
    let which: Vec<String> = errors
        .variants
        .iter()
        .map(|variant| {
            let statuses: Vec<String> = variant.statuses.iter().map(u16::to_string).collect();
            format!(
                "[`Self::{}`] for {}",
                variant.rust_name,
                statuses.join(", ")
            )
        })
        .collect();
    let note = format!(
        "The status of the response says which schema its body has: {}.",
        which.join("; ")
    );
    let docs = spec_docs_with_note(def.docs.as_deref(), &note);
    let variant_names: Vec<_> = errors
        .variants
        .iter()
        .map(|variant| format_ident!("{}", variant.rust_name))
        .collect();
    let variant_types: Vec<TokenStream> = errors
        .variants
        .iter()
        .map(|variant| type_tokens(types, &variant.ty))
        .collect();
    let status_patterns = errors.variants.iter().map(|variant| {
        let statuses = &variant.statuses;
        quote! { #(#statuses)|* }
    });
    // Error bodies this crate models (and JSON values) know their code and detail; other
    // shapes have none.
    let describes = |method: &proc_macro2::Ident| {
        let arms = errors.variants.iter().zip(&variant_names).map(|(variant, variant_name)| {
            match variant.ty {
                TypeRef::Named(_) | TypeRef::Any => {
                    quote! { Self::#variant_name(body) => crate::runtime::ErrorBody::#method(body.as_ref()), }
                }
                _ => quote! { Self::#variant_name(_) => None, },
            }
        });
        quote! {
            match self {
                #(#arms)*
                Self::#fallback(body) => crate::runtime::ErrorBody::#method(body),
            }
        }
    };
    let error_code = describes(&format_ident!("error_code"));
    let detail = describes(&format_ident!("detail"));
    let serialize = untagged_serialize(&name, &variant_names, &fallback);
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #( #variant_names(Box<#variant_types>), )*
            /// A body that does not decode as its status's schema, kept as received.
            #fallback(serde_json::Value),
        }

        #serialize

        /// Without a status, a body is the first variant it decodes as.
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                #(
                    if let Ok(parsed) = serde_json::from_value(value.clone()) {
                        return Ok(Self::#variant_names(Box::new(parsed)));
                    }
                )*
                Ok(Self::#fallback(value))
            }
        }

        impl crate::runtime::ErrorBody for #name {
            fn error_code(&self) -> Option<&str> {
                #error_code
            }

            fn detail(&self) -> Option<&str> {
                #detail
            }

            fn deserialize_for_status<'de, D: serde::Deserializer<'de>>(
                status: http::StatusCode,
                deserializer: D,
            ) -> Result<Self, D::Error> {
                match status.as_u16() {
                    #( #status_patterns => serde::Deserialize::deserialize(deserializer)
                        .map(|body| Self::#variant_names(Box::new(body))), )*
                    _ => serde::Deserialize::deserialize(deserializer).map(Self::#fallback),
                }
            }
        }
    }
}

/// `Serialize` for an enum whose variants each hold one value: the value alone, as a oneOf
/// member or error body appears on the wire, with no tag of Rust's own.
fn untagged_serialize(
    name: &proc_macro2::Ident,
    variant_names: &[proc_macro2::Ident],
    fallback: &proc_macro2::Ident,
) -> TokenStream {
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #( Self::#variant_names(value) => value.serialize(serializer), )*
                    Self::#fallback(value) => value.serialize(serializer),
                }
            }
        }
    }
}
