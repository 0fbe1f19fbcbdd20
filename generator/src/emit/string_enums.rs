//! String enums: a value Atlas does not list yet is kept, not refused.
//!
//! Each enum of the spec is an alias of a generic enum with a marker type of its own (see
//! `lower::shared_enums`): the generic enum holds the variants and impls once for every enum
//! that lists its values, and the marker keeps each a type of its own.

use super::docs::{doc_attrs_trusted, sanitize_text, spec_docs_with_note};
use crate::ir::{StringEnum, TypeDef};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The type parameter of a shared enum, which each alias fills with its marker.
const MARKER_PARAMETER: &str = "Name";
/// The module, beside each alias of a shared enum, that holds the alias's marker type.
const MARKER_MODULE: &str = "name";

/// The generic enum that holds the values of the spec's enums that list exactly these.
pub fn shared_enum_tokens(def: &TypeDef, values: &StringEnum) -> TokenStream {
    let marker = format_ident!("{MARKER_PARAMETER}");
    let docs = doc_attrs_trusted(
        "The values of the spec's enums that list exactly these, as one enum whose parameter \
         tells them apart: each of those enums is an alias of it with a marker type of its \
         own, and so a type of its own. Their docs say what the values mean.\n\n\
         Name those aliases rather than this enum: which enums share it follows the spec, so \
         a later version of this crate may split, rename or drop it (an enum that gains a \
         value moves to another), and code that names it is not covered by the crate's \
         version.",
    );
    let name = format_ident!("{}", def.rust_name);
    let deserialize = quote! {
        crate::runtime::deserialize_shared_string_enum::<#marker, _, _>(deserializer)
    };
    let body = EnumBody {
        name: &name,
        values,
        marker: &marker,
    };
    body.tokens(docs, deserialize)
}

/// An enum of the spec whose values a shared enum holds: the shared enum under the enum's
/// own name and docs, made a distinct type by a marker named after it.
pub fn instance_tokens(def: &TypeDef, shared: &TypeDef) -> TokenStream {
    let crate::ir::TypeKind::SharedEnum(values) = &shared.kind else {
        unreachable!("lowering makes instances of shared enums only")
    };
    let docs = spec_docs_with_note(def.docs.as_deref(), &evolution_note(def, values));
    let name = format_ident!("{}", def.rust_name);
    let shared = format_ident!("{}", shared.rust_name);
    let module = format_ident!("{MARKER_MODULE}");
    // A schema called `Name` has its module `name.rs` too.
    let allow_inception = (def.module_name == MARKER_MODULE).then(|| {
        quote! { #[allow(clippy::module_inception, reason = "the schema is called Name")] }
    });
    let marker_docs = format!(
        " What makes `{}` a type of its own, and names it in decoding errors.",
        def.rust_name
    );
    quote! {
        #docs
        pub type #name = crate::models::#shared<#module::#name>;

        /// Marker types, which users never name.
        #allow_inception
        pub mod #module {
            #[doc = #marker_docs]
            pub enum #name {}
        }
    }
}

/// What an enum's docs say about values Atlas adds later.
fn evolution_note(def: &TypeDef, values: &StringEnum) -> String {
    format!(
        "Atlas adds values over time: a value this crate does not list deserializes into \
         [`{name}::{fallback}`] and serializes back unchanged.\n\n\
         To match on it, name the variants you handle and end with a wildcard arm: the enum \
         is `#[non_exhaustive]`, so a later version of this crate may add a variant for a \
         value that arrives as `{fallback}` today. Code that needs such a value before then \
         compares [`{name}::as_str`] rather than matching `{fallback}`, and keeps working \
         when the variant appears.",
        name = def.rust_name,
        fallback = values.fallback_variant
    )
}

/// The enum and its impls, generic over a marker type.
struct EnumBody<'a> {
    name: &'a proc_macro2::Ident,
    values: &'a StringEnum,
    marker: &'a proc_macro2::Ident,
}

impl EnumBody<'_> {
    fn tokens(&self, attrs: TokenStream, deserialize: TokenStream) -> TokenStream {
        let name = self.name;
        let fallback = format_ident!("{}", self.values.fallback_variant);
        let variants: Vec<_> = self
            .values
            .variants
            .iter()
            .map(|variant| format_ident!("{}", variant.rust_name))
            .collect();
        let wire_values: Vec<&str> = self
            .values
            .variants
            .iter()
            .map(|variant| variant.wire_value.as_str())
            .collect();
        let variant_docs = self.values.variants.iter().map(|variant| {
            let wire = &variant.wire_value;
            match variant.groups.as_slice() {
                [] => format!(" `{wire}`"),
                groups => format!(" `{wire}` ({})", sanitize_text(&groups.join(", "))),
            }
        });
        let variant_names = variants.iter().map(ToString::to_string);
        let fallback_name = fallback.to_string();
        let marker = self.marker;
        let params = quote! { <#marker> };
        let de_params = quote! { <'de, #marker> };
        let self_ty = quote! { #name<#marker> };
        // `Debug` prints what a derive would, from a table: a derived one is a match over
        // every variant, and those matches were a twentieth of the whole spec's type checking.
        // Equality and hashing go through `as_str`: derived ones would be a match over every
        // variant, per trait, and Atlas's enums run to hundreds of values. Comparing wire
        // values also makes `Unknown("X")` equal to the variant for "X", which is what it
        // means. No `Ord`: an order of wire strings means nothing, and the two impls per enum
        // cost the whole spec's crate 1.5% of its build memory (sort by `as_str` where an
        // order is needed). Plain serde: the runtime's one visitor decodes every string enum,
        // so a known value never allocates and an unknown one is kept, without a visitor per
        // enum in the generated code.
        quote! {
            #attrs
            #[non_exhaustive]
            pub enum #name #params {
                #( #[doc = #variant_docs] #variants, )*
                /// A value the spec did not list when this crate was generated, kept as sent.
                #fallback(String),
                // The marker must appear in the enum: in a variant no value can take.
                #[doc(hidden)]
                __Marker(std::convert::Infallible, std::marker::PhantomData<fn() -> #marker>),
            }

            impl #params #self_ty {
                /// The values the spec lists, in wire form.
                pub const KNOWN_VALUES: &'static [&'static str] = &[#(#wire_values),*];

                /// The value in wire form.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #wire_values, )*
                        Self::#fallback(value) => value,
                        Self::__Marker(never, _) => match *never {},
                    }
                }
            }

            // Derived, it would ask the marker for `Clone` too.
            impl #params Clone for #self_ty {
                fn clone(&self) -> Self {
                    match self {
                        #( Self::#variants => Self::#variants, )*
                        Self::#fallback(value) => Self::#fallback(value.clone()),
                        Self::__Marker(never, _) => match *never {},
                    }
                }
            }

            impl #params std::fmt::Display for #self_ty {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl #params std::fmt::Debug for #self_ty {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    const VARIANT_NAMES: &[&str] = &[#(#variant_names),*];
                    crate::runtime::debug_string_enum(
                        f,
                        self.as_str(),
                        Self::KNOWN_VALUES,
                        VARIANT_NAMES,
                        #fallback_name,
                    )
                }
            }

            impl #params PartialEq for #self_ty {
                fn eq(&self, other: &Self) -> bool {
                    self.as_str() == other.as_str()
                }
            }

            impl #params Eq for #self_ty {}

            impl #params std::hash::Hash for #self_ty {
                fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                    std::hash::Hash::hash(self.as_str(), state);
                }
            }

            impl #params std::str::FromStr for #self_ty {
                type Err = std::convert::Infallible;

                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl #params From<&str> for #self_ty {
                fn from(value: &str) -> Self {
                    match value {
                        #( #wire_values => Self::#variants, )*
                        _ => Self::#fallback(value.to_owned()),
                    }
                }
            }

            impl #params From<String> for #self_ty {
                fn from(value: String) -> Self {
                    // Through `From<&str>`, so that each enum has one match over its values:
                    // an unknown value is copied once more, and only deserializers that hand
                    // over owned strings (not `serde_json::from_slice`) come this way.
                    match Self::from(value.as_str()) {
                        Self::#fallback(_) => Self::#fallback(value),
                        known => known,
                    }
                }
            }

            impl #params serde::Serialize for #self_ty {
                fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl #de_params serde::Deserialize<'de> for #self_ty {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    #deserialize
                }
            }
        }
    }
}
