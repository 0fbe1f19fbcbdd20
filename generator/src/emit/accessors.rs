//! Borrowing getters for the optional fields of models, so that reading a response needs no
//! `as_deref()` or `unwrap_or_default()`: `page.results()` is a slice (empty when Atlas left
//! the field out) and `snapshot.id()` an `Option<&str>`.
//!
//! One rule for every struct, by the field's Rust type:
//!
//! | field                    | getter returns         |
//! |--------------------------|------------------------|
//! | `Option<Vec<T>>`         | `&[T]`                 |
//! | `Option<String>`         | `Option<&str>`         |
//! | `Option<T>`, `T: Copy`   | `Option<T>`            |
//! | `Option<Box<T>>`         | `Option<&T>`           |
//! | any other `Option<T>`    | `Option<&T>`           |
//!
//! Fields that are not `Option` (required and not nullable) are plain values already and get
//! no getter. A named type that is an alias counts as what it stands for (an alias of an
//! array gives a slice).
//!
//! A getter is named like its field. Where that name would shadow a method users call on
//! every model (`clone`, `eq`, ...), or an associated function (`new`, `default`), there is
//! no getter: the field stays public, and a getter would silently change what `x.clone()`
//! means. Getters are `#[inline]`: the crate then compiles none of them itself, only those a
//! user calls, which keeps the cost of a spec with thousands of models where it was.

use super::ident;
use super::types::{field_is_boxed, field_is_optional, type_tokens};
use crate::ir::{Field, Primitive, StructType, TypeDef, TypeId, TypeKind, TypeRef, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;

/// Method names a getter must not take. Inherent methods win over trait methods in method
/// calls, and inherent associated functions over trait ones in paths, so a getter with one
/// of these names would change what ordinary code means: `snapshot.clone()` returning a field
/// of the snapshot, `Snapshot::default()` failing to compile. These are the methods of the
/// traits every model implements or derives (and of the blanket impls of the standard
/// library), the constructor, and the conversions clippy expects a trait for.
const RESERVED_METHODS: &[&str] = &[
    // The constructor and `Default`.
    "new",
    "default",
    // `Clone`, `ToOwned`.
    "clone",
    "clone_from",
    "clone_into",
    "to_owned",
    // `PartialEq`, `Debug`.
    "eq",
    "ne",
    "fmt",
    // serde.
    "serialize",
    "deserialize",
    "deserialize_in_place",
    // Blanket conversions and `Any`.
    "into",
    "try_into",
    "from",
    "try_from",
    "borrow",
    "borrow_mut",
    "type_id",
    // Conversions that clippy's `should_implement_trait` wants as traits.
    "as_ref",
    "as_mut",
    "deref",
    "deref_mut",
];

/// The getters of a struct's optional fields, as one `impl` block; `None` when it has none.
pub fn accessors(
    types: &TypeSpace,
    id: TypeId,
    def: &TypeDef,
    structure: &StructType,
) -> Option<TokenStream> {
    let getters: Vec<TokenStream> = structure
        .fields
        .iter()
        .filter(|field| field_is_optional(field))
        .filter(|field| !RESERVED_METHODS.contains(&field.rust_name.trim_start_matches("r#")))
        .map(|field| getter(types, id, field))
        .collect();
    if getters.is_empty() {
        return None;
    }
    let name = quote::format_ident!("{}", def.rust_name);
    // A getter names the field's type, and reads the field: either may be deprecated.
    let allow_deprecated = (def.deprecated
        || structure
            .fields
            .iter()
            .any(|field| field.deprecated || mentions_deprecated(types, &field.ty)))
    .then(|| quote! { #[allow(deprecated)] });
    Some(quote! {
        #allow_deprecated
        impl #name {
            #(#getters)*
        }
    })
}

fn getter(types: &TypeSpace, owner: TypeId, field: &Field) -> TokenStream {
    let name = ident(&field.rust_name);
    let shown = field.rust_name.trim_start_matches("r#");
    let deprecated = field.deprecated.then(|| quote! { #[deprecated] });
    let allow_convention =
        super::allow_self_convention_because(&field.rust_name, "named after the spec's field");
    let (returns, body, docs) = if field_is_boxed(types, owner, field) {
        let ty = type_tokens(types, &field.ty);
        (
            quote! { Option<&#ty> },
            quote! { self.#name.as_deref() },
            format!(" The `{shown}` field, borrowed."),
        )
    } else {
        match resolve_aliases(types, &field.ty) {
            TypeRef::List(items) => {
                let items = type_tokens(types, items);
                (
                    quote! { &[#items] },
                    quote! { self.#name.as_deref().unwrap_or_default() },
                    format!(" The `{shown}` field, or an empty slice when it is absent."),
                )
            }
            TypeRef::Primitive(Primitive::String) => (
                quote! { Option<&str> },
                quote! { self.#name.as_deref() },
                format!(" The `{shown}` field, borrowed."),
            ),
            TypeRef::Primitive(primitive) if is_copy(*primitive) => {
                let ty = type_tokens(types, &field.ty);
                (
                    quote! { Option<#ty> },
                    quote! { self.#name },
                    format!(" The `{shown}` field."),
                )
            }
            _ => {
                let ty = type_tokens(types, &field.ty);
                (
                    quote! { Option<&#ty> },
                    quote! { self.#name.as_ref() },
                    format!(" The `{shown}` field, borrowed."),
                )
            }
        }
    };
    quote! {
        #[doc = #docs]
        #deprecated
        #allow_convention
        #[inline]
        pub fn #name(&self) -> #returns {
            #body
        }
    }
}

/// Every primitive but `String` is `Copy`: numbers, booleans and chrono's dates and times.
fn is_copy(primitive: Primitive) -> bool {
    !matches!(primitive, Primitive::String)
}

/// The type a reference stands for once named aliases are looked through (newtypes are
/// types of their own and stay). The chain is finite: lowering rejects alias cycles.
fn resolve_aliases<'a>(types: &'a TypeSpace, ty: &'a TypeRef) -> &'a TypeRef {
    let mut current = ty;
    while let TypeRef::Named(id) = current {
        match &types.get(*id).kind {
            TypeKind::Alias(target) => current = target,
            _ => break,
        }
    }
    current
}

/// Whether a type reference names a deprecated type, inside lists and maps too.
fn mentions_deprecated(types: &TypeSpace, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(id) => types.get(*id).deprecated,
        TypeRef::List(inner) | TypeRef::Map(inner) => mentions_deprecated(types, inner),
        TypeRef::Primitive(_) | TypeRef::Any => false,
    }
}
