//! Methods of generated models and operations are `#[inline]`.
//!
//! Not for speed: an `#[inline]` function is compiled where it is called, not where it is
//! defined. A crate generated from Atlas's whole spec defines thousands of setters, getters,
//! request builders and enum conversions, and a program calls a handful; without the
//! attribute the crate itself compiles all of them to machine code on every clean build
//! (a quarter of its build time). Generic methods are compiled at their callers anyway.

use syn::{ImplItem, Item};

/// Marks every non-generic method of every `impl` block in `file` `#[inline]`, unless it
/// already says how to inline.
pub fn defer_codegen_to_callers(file: &mut syn::File) {
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        for impl_item in &mut block.items {
            let ImplItem::Fn(method) = impl_item else {
                continue;
            };
            let generic = method.sig.generics.params.iter().any(|param| {
                matches!(
                    param,
                    syn::GenericParam::Type(_) | syn::GenericParam::Const(_)
                )
            }) || method.sig.inputs.iter().any(|input| {
                matches!(input, syn::FnArg::Typed(arg) if matches!(*arg.ty, syn::Type::ImplTrait(_)))
            });
            let said = method
                .attrs
                .iter()
                .any(|attr| attr.path().is_ident("inline"));
            if !generic && !said {
                // After the docs, as one writes it by hand.
                let after_docs = method
                    .attrs
                    .iter()
                    .take_while(|attr| attr.path().is_ident("doc"))
                    .count();
                method
                    .attrs
                    .insert(after_docs, syn::parse_quote!(#[inline]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn marked(tokens: proc_macro2::TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).unwrap();
        defer_codegen_to_callers(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn plain_methods_are_marked_and_generic_ones_left_alone() {
        let out = marked(quote! {
            impl Thing {
                /// Docs stay first.
                pub fn get(&self) -> i32 { 1 }
                pub fn new(name: impl Into<String>) -> Self { todo!() }
                fn parse<B: AsRef<[u8]>>(body: B) {}
                #[inline(never)]
                fn cold(&self) {}
            }
            impl std::fmt::Display for Thing {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { Ok(()) }
            }
            pub fn free() {}
        });
        assert_eq!(out.matches("#[inline]").count(), 2, "{out}");
        assert!(
            out.contains("/// Docs stay first.\n    #[inline]\n    pub fn get"),
            "{out}"
        );
        assert!(out.contains("#[inline(never)]"), "{out}");
        assert!(!out.contains("#[inline]\npub fn free"), "{out}");
    }
}
