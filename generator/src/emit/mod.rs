//! Stage 3: the IR into token streams, one per generated module, plus the crate manifest.

mod body;
mod client;
mod crate_root;
pub mod docs;
mod one_of;
mod operations;
mod types;

use crate::Options;
use crate::ir::{Api, TypeId, TypeRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// One emitted file before formatting.
#[derive(Debug)]
pub enum EmittedFile {
    /// Rust source, formatted by the next stage.
    Rust { path: String, tokens: TokenStream },
    /// Any other text (the manifest), already in final form but for the header.
    Text { path: String, text: String },
}

/// Emits every file of the crate. Files come out sorted by path.
pub fn emit(api: &Api, options: &Options) -> Vec<EmittedFile> {
    let mut files = vec![
        EmittedFile::Text {
            path: "Cargo.toml".to_owned(),
            text: crate_root::manifest(api, options),
        },
        EmittedFile::Rust {
            path: "src/lib.rs".to_owned(),
            tokens: crate_root::lib_rs(api, options),
        },
        EmittedFile::Rust {
            path: "src/models/mod.rs".to_owned(),
            tokens: crate_root::models_mod(api),
        },
        EmittedFile::Rust {
            path: "src/operations/mod.rs".to_owned(),
            tokens: crate_root::operations_mod(api),
        },
    ];
    let error_bodies: Vec<TypeId> = api
        .operations
        .iter()
        .filter_map(|operation| match operation.error_body {
            Some(TypeRef::Named(id)) => Some(id),
            _ => None,
        })
        .collect();
    for (id, def) in api.types.iter() {
        files.push(EmittedFile::Rust {
            path: format!("src/models/{}.rs", def.module_name),
            tokens: types::model_module(&api.types, id, error_bodies.contains(&id)),
        });
    }
    for operation in &api.operations {
        files.push(EmittedFile::Rust {
            path: format!("src/operations/{}.rs", operation.module_name),
            tokens: operations::operation_module(api, operation),
        });
    }
    files.sort_by(|a, b| a.path().cmp(b.path()));
    files
}

impl EmittedFile {
    pub fn path(&self) -> &str {
        match self {
            EmittedFile::Rust { path, .. } | EmittedFile::Text { path, .. } => path,
        }
    }
}

/// An identifier from an IR name, which `naming` already made valid (raw ones included).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A path to an item of the hand-written runtime module: the one place emitters name it.
pub(crate) fn runtime(item: &str) -> TokenStream {
    let item = Ident::new(item, Span::call_site());
    quote! { crate::runtime::#item }
}
