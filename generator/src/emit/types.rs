//! Models: one module per named type, structs and string enums built for API evolution.

use super::docs::{doc_attrs, doc_attrs_trusted, sanitize_text, spec_docs_with_note};
use super::ident;
use crate::ir::{Field, Primitive, StructType, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The Rust type for a use of a type, as seen from any module of the crate.
pub fn type_tokens(types: &TypeSpace, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Named(id) => {
            let name = format_ident!("{}", types.get(*id).rust_name);
            quote! { crate::models::#name }
        }
        TypeRef::Primitive(primitive) => match primitive {
            Primitive::String => quote! { String },
            Primitive::DateTime => quote! { chrono::DateTime<chrono::Utc> },
            Primitive::Date => quote! { chrono::NaiveDate },
            Primitive::Boolean => quote! { bool },
            Primitive::I32 => quote! { i32 },
            Primitive::I64 => quote! { i64 },
            Primitive::F32 => quote! { f32 },
            Primitive::F64 => quote! { f64 },
        },
        TypeRef::List(items) => {
            let items = type_tokens(types, items);
            quote! { Vec<#items> }
        }
        TypeRef::Map(values) => {
            let values = type_tokens(types, values);
            quote! { std::collections::BTreeMap<String, #values> }
        }
        TypeRef::Any => quote! { serde_json::Value },
    }
}

/// The body of `src/models/<type>.rs`. Error bodies also tell the runtime where their
/// `errorCode` and `detail` are.
pub fn model_module(types: &TypeSpace, id: TypeId, is_error_body: bool) -> TokenStream {
    let def = types.get(id);
    match &def.kind {
        TypeKind::Struct(structure) => {
            let error_body = is_error_body.then(|| error_body_impl(def, structure));
            let tokens = struct_tokens(types, id, def, structure);
            let accessors = super::accessors::accessors(types, id, def, structure);
            quote! { #tokens #accessors #error_body }
        }
        TypeKind::StringEnum(_) => {
            unreachable!("lowering makes every string enum an instance of a shared enum")
        }
        TypeKind::SharedEnum(values) => super::string_enums::shared_enum_tokens(def, values),
        TypeKind::SharedEnumInstance(shared) => {
            super::string_enums::instance_tokens(def, types.get(*shared))
        }
        TypeKind::OneOf(one_of) => super::one_of::one_of_tokens(types, def, one_of),
        TypeKind::ErrorByStatus(errors) => {
            super::one_of::error_by_status_tokens(types, def, errors)
        }
        TypeKind::Alias(target) => {
            let name = format_ident!("{}", def.rust_name);
            let docs = def.docs.as_deref().map(doc_attrs);
            let target = type_tokens(types, target);
            quote! {
                #docs
                pub type #name = #target;
            }
        }
        TypeKind::Newtype(target) => newtype_tokens(types, def, target),
    }
}

/// A schema that contains itself through an array or a map, such as a tree given as an
/// array of trees: `pub type Tree = Vec<Tree>;` would not compile.
fn newtype_tokens(types: &TypeSpace, def: &TypeDef, target: &TypeRef) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let note = format!(
        "A struct rather than a type alias because the schema contains itself, which a Rust \
         type alias cannot; it reads and writes the same JSON as its one field. Build it with \
         `{}(value)` and reach the value as `.0`.",
        def.rust_name
    );
    let docs = spec_docs_with_note(def.docs.as_deref(), &note);
    let deprecated = def.deprecated.then(|| quote! { #[deprecated] });
    let default = matches!(target, TypeRef::List(_) | TypeRef::Map(_)).then(|| quote! { Default, });
    let allow_deprecated = def.deprecated.then(|| quote! { #[allow(deprecated)] });
    let target = type_tokens(types, target);
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name(pub #target);

        #allow_deprecated
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.0, serializer)
            }
        }

        #allow_deprecated
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                serde::Deserialize::deserialize(deserializer).map(Self)
            }
        }
    }
}

fn struct_tokens(
    types: &TypeSpace,
    id: TypeId,
    def: &TypeDef,
    structure: &StructType,
) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let has_required = structure.fields.iter().any(|field| field.required);
    let evolution = format!(
        "Marked `#[non_exhaustive]` so that fields Atlas adds later are not a breaking change; \
         build values with `{}` and assign the public fields.",
        if has_required { "new" } else { "Default" }
    );
    let docs = spec_docs_with_note(def.docs.as_deref(), &evolution);
    let deprecated = def.deprecated.then(|| quote! { #[deprecated] });
    let additional_type = structure.additional.as_ref().map(|values| {
        let values = type_tokens(types, values);
        quote! { std::collections::BTreeMap<String, #values> }
    });
    let additional = additional_type.as_ref().map(|additional_type| {
        quote! {
            /// Properties beyond those the spec names, as `additionalProperties` allows.
            pub additional_properties: #additional_type,
        }
    });
    let fields = structure.fields.iter().map(|field| {
        let field_name = ident(&field.rust_name);
        let ty = field_type(types, id, field);
        let docs = field_docs(field);
        let deprecated = field.deprecated.then(|| quote! { #[deprecated] });
        quote! {
            #docs
            #deprecated
            pub #field_name: #ty,
        }
    });
    let required: Vec<&Field> = structure
        .fields
        .iter()
        .filter(|field| field.required)
        .collect();
    let derive_default = required.is_empty().then(|| quote! { Default, });
    let slot_types: Vec<TokenStream> = structure
        .fields
        .iter()
        .map(|field| {
            let ty = field_type(types, id, field);
            if field_is_optional(field) {
                ty
            } else {
                quote! { Option<#ty> }
            }
        })
        .collect();
    let serde_impls = super::serde_impls::struct_serde_impls(
        def,
        structure,
        &slot_types,
        additional_type.as_ref(),
    );
    let constructor = (!required.is_empty()).then(|| {
        let params = required.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            let ty = field_type(types, id, field);
            quote! { #field_name: #ty }
        });
        let inits = structure.fields.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            if field.required {
                quote! { #field_name }
            } else {
                quote! { #field_name: None }
            }
        });
        let additional_init = structure
            .additional
            .as_ref()
            .map(|_| quote! { additional_properties: Default::default(), });
        let allow_deprecated = structure
            .fields
            .iter()
            .any(|f| f.deprecated)
            .then(|| quote! { #[allow(deprecated)] });
        let allow_many = super::allow_many_arguments(required.len());
        quote! {
            impl #name {
                /// Creates a value with the required fields; the optional ones start as `None`.
                #allow_deprecated
                #allow_many
                pub fn new(#(#params),*) -> Self {
                    Self { #(#inits,)* #additional_init }
                }
            }
        }
    });
    quote! {
        #docs
        #deprecated
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #additional
        }

        #constructor
        #serde_impls
    }
}

fn error_body_impl(def: &TypeDef, structure: &StructType) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let accessor = |wire: &str| {
        let field = structure.fields.iter().find(|field| {
            field.wire_name == wire && field.ty == TypeRef::Primitive(Primitive::String)
        });
        match field {
            Some(field) if field.required => {
                let name = ident(&field.rust_name);
                quote! { Some(&self.#name) }
            }
            Some(field) => {
                let name = ident(&field.rust_name);
                quote! { self.#name.as_deref() }
            }
            None => quote! { None },
        }
    };
    let error_code = accessor("errorCode");
    let detail = accessor("detail");
    quote! {
        impl crate::runtime::ErrorBody for #name {
            fn error_code(&self) -> Option<&str> {
                #error_code
            }

            fn detail(&self) -> Option<&str> {
                #detail
            }
        }
    }
}

/// The spec's description, and the default the server applies.
fn field_docs(field: &Field) -> Option<TokenStream> {
    let mut text = field.docs.as_deref().map(sanitize_text).unwrap_or_default();
    if let Some(default) = &field.default {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Atlas uses `{default}` when this is not set."));
    }
    (!text.is_empty()).then(|| doc_attrs_trusted(&text))
}

/// `Option` unless the field is required and cannot be `null`.
fn field_type(types: &TypeSpace, owner: TypeId, field: &Field) -> TokenStream {
    let mut ty = type_tokens(types, &field.ty);
    if field_is_boxed(types, owner, field) {
        ty = quote! { Box<#ty> };
    }
    if field_is_optional(field) {
        quote! { Option<#ty> }
    } else {
        ty
    }
}

/// Whether the field's Rust type is an `Option`.
pub(super) fn field_is_optional(field: &Field) -> bool {
    !field.required || field.nullable
}

/// A field that leads back to its struct without a `Vec` or map in between must be boxed
/// for the struct to have a finite size.
pub(super) fn field_is_boxed(types: &TypeSpace, owner: TypeId, field: &Field) -> bool {
    field
        .ty
        .named()
        .is_some_and(|target| types.holds_itself_inline(target, owner))
}
