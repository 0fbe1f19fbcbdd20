//! Stage 3: the IR into token streams, one per generated module, plus the crate manifest,
//! its README and its licence.

mod accessors;
mod body;
mod client;
mod crate_root;
pub mod docs;
mod features;
mod inline;
mod media_types;
mod one_of;
mod operations;
mod patterns;
mod readme;
mod rules;
mod serde_impls;
mod string_enums;
mod types;
mod versions;

use crate::Options;
use crate::ir::{Api, TypeId};
pub use features::check_default_features;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// One emitted file before formatting.
pub enum EmittedFile {
    /// Rust source, parsed (which checks the emitted tokens), for the next stage to print.
    Rust { path: String, file: Box<syn::File> },
    /// TOML (the manifest), already in final form but for the header.
    Text { path: String, text: String },
    /// Markdown (the README), already in final form but for the header.
    Markdown { path: String, text: String },
    /// A file that gets no header: the licence, whose text is the standard one.
    Verbatim { path: String, text: String },
}

/// The licence of the generated crate (and of the runtime crate it depends on).
const LICENSE: &str = include_str!("../../../LICENSE");

/// One file to emit. Emission is split into jobs so that callers can render files on
/// several threads (token streams cannot cross threads; the IR can).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileJob {
    Manifest,
    Readme,
    License,
    LibRs,
    Client,
    Patterns,
    Rules,
    MediaTypes,
    ModelsIndex,
    OperationsIndex,
    Model(TypeId),
    /// An index into `Api::operations`.
    Operation(usize),
}

/// Every file of the crate, sorted by path.
pub fn jobs(api: &Api) -> Vec<(String, FileJob)> {
    let mut jobs = vec![
        ("Cargo.toml".to_owned(), FileJob::Manifest),
        ("README.md".to_owned(), FileJob::Readme),
        ("LICENSE".to_owned(), FileJob::License),
        ("src/lib.rs".to_owned(), FileJob::LibRs),
        ("src/client.rs".to_owned(), FileJob::Client),
        ("src/patterns.rs".to_owned(), FileJob::Patterns),
        ("src/rules.rs".to_owned(), FileJob::Rules),
        ("src/media_types.rs".to_owned(), FileJob::MediaTypes),
        ("src/models/mod.rs".to_owned(), FileJob::ModelsIndex),
        ("src/operations/mod.rs".to_owned(), FileJob::OperationsIndex),
    ];
    for (id, def) in api.types.iter() {
        jobs.push((
            format!("src/models/{}.rs", def.module_name),
            FileJob::Model(id),
        ));
    }
    for (index, operation) in api.operations.iter().enumerate() {
        jobs.push((
            format!("src/operations/{}.rs", operation.module_name),
            FileJob::Operation(index),
        ));
    }
    jobs.sort_by(|a, b| a.0.cmp(&b.0));
    jobs
}

/// Emits one file.
///
/// # Errors
///
/// The emitted tokens do not parse as a Rust file: a bug of the generator.
pub fn render(
    api: &Api,
    options: &Options,
    path: &str,
    job: FileJob,
) -> Result<EmittedFile, syn::Error> {
    let path = path.to_owned();
    let tokens = match job {
        FileJob::Manifest => {
            return Ok(EmittedFile::Text {
                path,
                text: crate_root::manifest(api, options),
            });
        }
        FileJob::Readme => {
            return Ok(EmittedFile::Markdown {
                path,
                text: readme::readme(api, options),
            });
        }
        FileJob::License => {
            return Ok(EmittedFile::Verbatim {
                path,
                text: LICENSE.to_owned(),
            });
        }
        FileJob::LibRs => crate_root::lib_rs(api, options),
        FileJob::Client => client::client_module(),
        FileJob::Patterns => patterns::patterns_module(api),
        FileJob::Rules => rules::rules_module(api),
        FileJob::MediaTypes => media_types::media_types_module(api),
        FileJob::ModelsIndex => crate_root::models_mod(api),
        FileJob::OperationsIndex => crate_root::operations_mod(api),
        FileJob::Model(id) => {
            let is_error_body = api.is_error_body(id);
            types::model_module(&api.types, id, is_error_body)
        }
        FileJob::Operation(index) => operations::operation_module(api, &api.operations[index]),
    };
    let mut file: syn::File = syn::parse2(tokens)?;
    if matches!(job, FileJob::Model(_) | FileJob::Operation(_)) {
        inline::defer_codegen_to_callers(&mut file);
    }
    Ok(EmittedFile::Rust {
        path,
        file: Box::new(file),
    })
}

// By hand: syn's syntax trees implement `Debug` only with a feature that doubles their
// compile time, and the path says which file it is.
impl std::fmt::Debug for EmittedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self {
            EmittedFile::Rust { .. } => "Rust",
            EmittedFile::Text { .. } => "Text",
            EmittedFile::Markdown { .. } => "Markdown",
            EmittedFile::Verbatim { .. } => "Verbatim",
        };
        f.debug_struct("EmittedFile")
            .field("kind", &kind)
            .field("path", &self.path())
            .finish_non_exhaustive()
    }
}

impl EmittedFile {
    pub fn path(&self) -> &str {
        match self {
            EmittedFile::Rust { path, .. }
            | EmittedFile::Text { path, .. }
            | EmittedFile::Markdown { path, .. }
            | EmittedFile::Verbatim { path, .. } => path,
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
/// A method named after a parameter may start with a prefix that clippy's
/// `wrong_self_convention` reserves for conversions (`from_date`, `to_date`); the name is the
/// spec's, so the lint is allowed on that method alone.
pub(crate) fn allow_self_convention(method: &str) -> Option<TokenStream> {
    allow_self_convention_because(method, "named after the spec's parameter")
}

/// [`allow_self_convention`] with the reason given: what in the spec the method is named after.
pub(crate) fn allow_self_convention_because(method: &str, reason: &str) -> Option<TokenStream> {
    let method = method.trim_start_matches("r#");
    ["as_", "from_", "into_", "is_", "to_"]
        .iter()
        .any(|prefix| method.starts_with(prefix))
        .then(|| {
            quote! { #[allow(clippy::wrong_self_convention, reason = #reason)] }
        })
}

/// Constructors and client methods take one argument per required field or parameter, as
/// many as the spec has: clippy's `too_many_arguments` is allowed where that exceeds its limit.
pub(crate) fn allow_many_arguments(arguments: usize) -> Option<TokenStream> {
    (arguments > 7).then(|| {
        quote! { #[allow(clippy::too_many_arguments, reason = "one argument per required input of the spec")] }
    })
}

pub(crate) fn runtime(item: &str) -> TokenStream {
    let item = Ident::new(item, Span::call_site());
    quote! { crate::runtime::#item }
}
