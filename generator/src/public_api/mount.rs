//! The runtime crate, listed as the module generated crates re-export it as.
//!
//! A generated crate names the runtime `runtime` (`pub use atlas_codegen_runtime as
//! runtime;`), and its users see the runtime's items there. The listing shows them there too,
//! so that a change to the runtime reads as the change to the generated crate's API that it
//! is: the runtime's files are read as if they were the module `src/runtime/`, with the
//! runtime's own `crate::` paths pointing into that module, and the re-export reads as the
//! module's declaration. The resolver then sees one crate, as it always did.

use syn::visit_mut::VisitMut;

/// The package name of the runtime crate, as Rust code names it.
pub(super) const RUNTIME_CRATE: &str = "atlas_codegen_runtime";
/// The module generated crates re-export the runtime crate as.
const RUNTIME_MODULE: &str = "runtime";

/// Where a runtime file (path relative to the runtime crate) sits in the generated crate's
/// tree, or `None` for files outside `src/`.
pub(super) fn mounted_path(runtime_path: &str) -> Option<String> {
    let inside = runtime_path.strip_prefix("src/")?;
    let inside = if inside == "lib.rs" { "mod.rs" } else { inside };
    Some(format!("src/{RUNTIME_MODULE}/{inside}"))
}

/// A runtime file's syntax with every `crate::` path made `crate::runtime::`.
pub(super) fn mount_runtime_file(file: &mut syn::File) {
    IntoRuntimeModule.visit_file_mut(file);
}

/// The generated `lib.rs` with the runtime's re-export read as the module's declaration;
/// `None` when it has no such re-export.
pub(super) fn with_runtime_module(lib_rs: &syn::File) -> Option<syn::File> {
    let position = lib_rs.items.iter().position(is_runtime_reexport)?;
    let mut file = lib_rs.clone();
    let syn::Item::Use(reexport) = &file.items[position] else {
        return None;
    };
    let attrs = reexport.attrs.clone();
    let vis = reexport.vis.clone();
    let name = syn::Ident::new(RUNTIME_MODULE, proc_macro2::Span::call_site());
    file.items[position] = syn::parse_quote! { #(#attrs)* #vis mod #name; };
    Some(file)
}

/// `pub use atlas_codegen_runtime as runtime;`
fn is_runtime_reexport(item: &syn::Item) -> bool {
    let syn::Item::Use(item) = item else {
        return false;
    };
    matches!(&item.tree, syn::UseTree::Rename(rename)
        if rename.ident == RUNTIME_CRATE && rename.rename == RUNTIME_MODULE)
}

struct IntoRuntimeModule;

impl IntoRuntimeModule {
    fn runtime_ident() -> syn::Ident {
        syn::Ident::new(RUNTIME_MODULE, proc_macro2::Span::call_site())
    }
}

impl VisitMut for IntoRuntimeModule {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() && path.segments.first().is_some_and(|s| s.ident == "crate")
        {
            path.segments
                .insert(1, syn::PathSegment::from(Self::runtime_ident()));
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        if let syn::UseTree::Path(path) = &mut item.tree {
            if path.ident == "crate" {
                let rest = std::mem::replace(
                    &mut *path.tree,
                    syn::UseTree::Glob(syn::UseGlob {
                        star_token: Default::default(),
                    }),
                );
                *path.tree = syn::UseTree::Path(syn::UsePath {
                    ident: Self::runtime_ident(),
                    colon2_token: Default::default(),
                    tree: Box::new(rest),
                });
            }
        }
        syn::visit_mut::visit_item_use_mut(self, item);
    }

    // `pub(crate)` stays what it says: visible in the crate, not public.
    fn visit_visibility_mut(&mut self, _: &mut syn::Visibility) {}
}
