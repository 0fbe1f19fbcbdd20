//! `Serialize` and `Deserialize` for generated structs, written out rather than derived.
//!
//! serde's derive is general: field enums with three visitors, a sequence visitor that JSON
//! never drives, duplicate-key bookkeeping. On Atlas's whole spec its expansion was a third of
//! the crate's code and dominated type checking and borrow checking. The impls here do what a
//! JSON API needs, a loop over the object's keys and a write per field, and leave the shared
//! parts to the runtime's `object` module, which is compiled once.

use super::ident;
use super::types::field_is_optional;
use crate::ir::{Primitive, StructType, TypeDef, TypeRef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// Both impls for a struct whose fields are `fields` (each `Option<_>` unless required and
/// not nullable) and, with `additionalProperties`, an `additional_properties` map.
///
/// `slot_types` are the types `from_object` reads each field into, in field order: the
/// field's type, or `Option` of it for a field that cannot be `null`.
pub fn struct_serde_impls(
    def: &TypeDef,
    structure: &StructType,
    slot_types: &[TokenStream],
) -> TokenStream {
    // Naming a deprecated field or type in an impl warns like any other use.
    let allow_deprecated = (def.deprecated || structure.fields.iter().any(|f| f.deprecated))
        .then(|| quote! { #[allow(deprecated)] });
    let serialize = serialize_impl(def, structure, allow_deprecated.as_ref());
    let deserialize = deserialize_impl(def, structure, slot_types, allow_deprecated.as_ref());
    quote! { #serialize #deserialize }
}

fn serialize_impl(
    def: &TypeDef,
    structure: &StructType,
    allow_deprecated: Option<&TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let rust_name = &def.rust_name;
    // The kept keys of `additionalProperties` are not `'static`, which struct serializers
    // require: such a struct is written as a map. Atlas's spec has none, so it keeps the
    // plain form rather than a map writer of its own in the runtime.
    if structure.additional.is_some() {
        let entries = structure.fields.iter().map(|field| {
            let member = ident(&field.rust_name);
            let wire = &field.wire_name;
            if field.required {
                // A required nullable field is written even when `None`: as `null`.
                quote! { object.serialize_entry(#wire, &self.#member)?; }
            } else {
                quote! {
                    if let Some(value) = &self.#member {
                        object.serialize_entry(#wire, value)?;
                    }
                }
            }
        });
        return quote! {
            #allow_deprecated
            impl serde::Serialize for #name {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    use serde::ser::SerializeMap as _;
                    let mut object = serializer.serialize_map(None)?;
                    #(#entries)*
                    for (key, value) in &self.additional_properties {
                        object.serialize_entry(key, value)?;
                    }
                    object.end()
                }
            }
        };
    }
    let required_count = structure.fields.iter().filter(|f| f.required).count();
    let optional_present: Vec<TokenStream> = structure
        .fields
        .iter()
        .filter(|f| !f.required)
        .map(|field| {
            let member = ident(&field.rust_name);
            quote! { self.#member.is_some() }
        })
        .collect();
    let len = match (required_count, optional_present.is_empty()) {
        (count, true) => {
            let count = proc_macro2::Literal::usize_unsuffixed(count);
            quote! { #count }
        }
        (0, false) => quote! { crate::runtime::count_present(&[#(#optional_present),*]) },
        (count, false) => {
            let count = proc_macro2::Literal::usize_unsuffixed(count);
            quote! { #count + crate::runtime::count_present(&[#(#optional_present),*]) }
        }
    };
    // Straight-line writes through the runtime's `StructWriter`, with one `?`: see
    // `runtime/struct_writer.rs`.
    let field_writes = structure.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        let wire = &field.wire_name;
        if field.required {
            // A required nullable field is written even when `None`: as `null`.
            quote! { object.field(#wire, &self.#member); }
        } else {
            quote! { object.optional(#wire, &self.#member); }
        }
    });
    quote! {
        #allow_deprecated
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // The number of fields written, which some formats need up front.
                let len = #len;
                let mut object = crate::runtime::StructWriter::new(serializer, #rust_name, len)?;
                #(#field_writes)*
                object.end()
            }
        }
    }
}

fn deserialize_impl(
    def: &TypeDef,
    structure: &StructType,
    slot_types: &[TokenStream],
    allow_deprecated: Option<&TokenStream>,
) -> TokenStream {
    let name = format_ident!("{}", def.rust_name);
    let rust_name = &def.rust_name;
    let expecting = format!("struct {}", def.rust_name);
    let wire_names: Vec<&String> = structure
        .fields
        .iter()
        .map(|field| &field.wire_name)
        .collect();
    let indexes = (0..structure.fields.len()).map(proc_macro2::Literal::usize_unsuffixed);
    // Literals, not a search of `FIELDS`: see `FromObject::field_index`. Structs that keep
    // unlisted keys read them through `FieldOrKeySeed` and need no lookup of their own.
    let field_index = (structure.additional.is_none() && !structure.fields.is_empty()).then(|| {
        quote! {
            fn field_index(key: &str) -> Option<usize> {
                match key {
                    #( #wire_names => Some(#indexes), )*
                    _ => None,
                }
            }
        }
    });
    // Typed slots: the type checker then knows each reader's `T` where it is called,
    // instead of solving it from the struct literal at the end.
    let slots = structure
        .fields
        .iter()
        .zip(slot_types)
        .map(|(field, slot_type)| {
            let slot = ident(&field.rust_name);
            quote! { let mut #slot: #slot_type = None; }
        });
    let reads = structure.fields.iter().enumerate().map(|(index, field)| {
        let slot = ident(&field.rust_name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        // Date-times go through the runtime's reader of Atlas's shape (see
        // `runtime/date_time.rs`), which is nine times as fast as chrono's `Deserialize`.
        let is_date_time = field.ty == TypeRef::Primitive(Primitive::DateTime);
        let reader = match (field_is_optional(field), is_date_time) {
            (false, false) => quote! { read_required },
            // `Option<T>` decodes `null` as `None`, as the field's type says.
            (true, false) => quote! { read },
            (false, true) => quote! { read_required_date_time },
            (true, true) => quote! { read_date_time },
        };
        let read = quote! { crate::runtime::#reader(&mut __map, &mut #slot) };
        if structure.additional.is_some() {
            quote! { crate::runtime::FieldOrKey::Field(#index) => #read, }
        } else {
            quote! { Some(#index) => #read, }
        }
    });
    let inits = structure.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
        if !field_is_optional(field) {
            let wire = &field.wire_name;
            quote! { #member: crate::runtime::required(#member, #wire)? }
        } else {
            quote! { #member }
        }
    });
    let (key_seed, others, additional_slot, additional_init) = match &structure.additional {
        Some(_) => (
            quote! { crate::runtime::FieldOrKeySeed(Self::FIELDS) },
            quote! {
                crate::runtime::FieldOrKey::Other(__key) => __map.next_value().map(|__value| {
                    __additional.insert(__key, __value);
                }),
                crate::runtime::FieldOrKey::Field(_) => crate::runtime::skip_value(&mut __map),
            },
            quote! { let mut __additional = std::collections::BTreeMap::new(); },
            quote! { additional_properties: __additional, },
        ),
        None => (
            quote! { crate::runtime::FieldOf::<Self>::SEED },
            quote! { _ => crate::runtime::skip_value(&mut __map), },
            TokenStream::new(),
            TokenStream::new(),
        ),
    };
    quote! {
        #allow_deprecated
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_object(deserializer, #rust_name)
            }
        }

        #allow_deprecated
        impl crate::runtime::FromObject for #name {
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];
            const EXPECTING: &'static str = #expecting;

            #field_index

            fn from_object<'de, A: serde::de::MapAccess<'de>>(mut __map: A) -> Result<Self, A::Error> {
                #(#slots)*
                #additional_slot
                while let Some(__field) = __map.next_key_seed(#key_seed)? {
                    match __field {
                        #(#reads)*
                        #others
                    }?;
                }
                Ok(Self { #(#inits,)* #additional_init })
            }
        }
    }
}
