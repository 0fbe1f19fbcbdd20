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
/// not nullable) and, with `additionalProperties`, an `additional_properties` map of
/// `additional_type`.
///
/// `slot_types` are the types a struct with required fields reads each field into, in field
/// order: the field's type, or `Option` of it for a field that cannot be `null`.
pub fn struct_serde_impls(
    def: &TypeDef,
    structure: &StructType,
    slot_types: &[TokenStream],
    additional_type: Option<&TokenStream>,
) -> TokenStream {
    // Naming a deprecated field or type in an impl warns like any other use.
    let allow_deprecated = (def.deprecated || structure.fields.iter().any(|f| f.deprecated))
        .then(|| quote! { #[allow(deprecated)] });
    let serialize = serialize_impl(def, structure, allow_deprecated.as_ref());
    let deserialize = deserialize_impl(
        def,
        structure,
        slot_types,
        additional_type,
        allow_deprecated.as_ref(),
    );
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
    additional_type: Option<&TokenStream>,
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
    let indexes: Vec<proc_macro2::Literal> = (0..structure.fields.len())
        .map(proc_macro2::Literal::usize_unsuffixed)
        .collect();
    // Literals, not a search of `FIELDS`: see `FromObject::field_index`. Structs that keep
    // unlisted keys read them through the runtime's search and need no lookup of their own.
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
    let reads = structure.fields.iter().map(|field| {
        let member = ident(&field.rust_name);
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
        quote! { crate::runtime::#reader(map, &mut partial.#member) }
    });
    // A struct whose fields may all be absent is its own partial form (it is `Default`);
    // one with a required field reads into `Option` slots of a struct beside it.
    let has_required = structure.fields.iter().any(|field| field.required);
    let (partial_type, slots_struct, finish) = if has_required {
        let slots = format_ident!("__{}Slots", def.rust_name);
        let slots_doc = format!(" The fields of [`{rust_name}`] while its object is read.");
        let slot_fields = structure
            .fields
            .iter()
            .zip(slot_types)
            .map(|(field, slot_type)| {
                let member = ident(&field.rust_name);
                quote! { #member: #slot_type, }
            });
        let additional_slot = additional_type.map(|additional_type| {
            quote! { additional_properties: #additional_type, }
        });
        let inits = structure.fields.iter().map(|field| {
            let member = ident(&field.rust_name);
            if field_is_optional(field) {
                quote! { #member: partial.#member }
            } else {
                let wire = &field.wire_name;
                quote! { #member: crate::runtime::required(partial.#member, #wire)? }
            }
        });
        let additional_init = structure
            .additional
            .as_ref()
            .map(|_| quote! { additional_properties: partial.additional_properties, });
        (
            quote! { #slots },
            quote! {
                #[doc = #slots_doc]
                #allow_deprecated
                #[derive(Default)]
                pub struct #slots {
                    #(#slot_fields)*
                    #additional_slot
                }
            },
            quote! { Ok(Self { #(#inits,)* #additional_init }) },
        )
    } else {
        (quote! { Self }, TokenStream::new(), quote! { Ok(partial) })
    };
    let keeps_other_keys = structure
        .additional
        .as_ref()
        .map(|_| quote! { const KEEPS_OTHER_KEYS: bool = true; });
    let read_other = structure.additional.as_ref().map(|_| {
        quote! {
            fn read_other<'de, A: serde::de::MapAccess<'de>>(
                partial: &mut Self::Partial,
                key: String,
                map: &mut A,
            ) -> Result<(), A::Error> {
                crate::runtime::keep_other(map, key, &mut partial.additional_properties)
            }
        }
    });
    quote! {
        #allow_deprecated
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_object(deserializer, #rust_name)
            }
        }

        #slots_struct

        #allow_deprecated
        impl crate::runtime::FromObject for #name {
            const FIELDS: &'static [&'static str] = &[#(#wire_names),*];
            const EXPECTING: &'static str = #expecting;
            #keeps_other_keys
            type Partial = #partial_type;

            #field_index

            // Inlined into the runtime's loop over the keys, where the match on the index
            // folds into the match on the key: a call per field made decoding 40% slower.
            #[inline]
            fn read_field<'de, A: serde::de::MapAccess<'de>>(
                partial: &mut Self::Partial,
                index: usize,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match index {
                    #( #indexes => #reads, )*
                    _ => crate::runtime::skip_value(map),
                }
            }

            #read_other

            fn finish<E: serde::de::Error>(partial: Self::Partial) -> Result<Self, E> {
                #finish
            }
        }
    }
}
