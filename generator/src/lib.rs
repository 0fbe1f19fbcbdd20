//! Generates a Rust client crate from a curated OpenAPI 3.0 description of the MongoDB Atlas
//! Admin API.
//!
//! The pipeline has one module per stage, with a gate between stages that reports every
//! problem found so far:
//!
//! 1. [`load`]: spec text into an `openapiv3` document;
//! 2. [`lower`]: the document into the typed [`ir`], with every semantic check;
//! 3. [`emit`]: the IR into token streams, one per module;
//! 4. [`format`](mod@format): tokens into formatted source with the generated header.
//!
//! Writing files is the caller's business (see the `xtask` crate): this crate does no I/O.

// A panic on some spec would be a bug the maintainer cannot act on: errors are values here.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod config;
pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod lower;
pub mod matcher;
pub mod naming;
pub mod path_template;
pub mod public_api;

use diagnostics::{Diagnostic, Diagnostics, JsonPointer};

/// A spec to generate from: its text, and the name used in headers and error messages.
#[derive(Debug, Clone, Copy)]
pub struct SpecSource<'a> {
    /// How to name the spec, e.g. `spec/atlas-snapshots.yaml`.
    pub name: &'a str,
    pub text: &'a str,
}

/// Settings that do not come from the spec: defaults from its file name
/// ([`Options::for_spec`]), or what the package config beside it says
/// ([`config::options_from_config`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The package name of the generated crate, e.g. `atlas-snapshots`.
    pub crate_name: String,
    pub crate_version: String,
    /// The rest of the manifest's `[package]`: description, links, publishing.
    pub package: config::PackageMetadata,
    /// The Cargo features on by default, exactly (`client`, a tag's feature, `full`,
    /// `unreferenced-models`, `http2`...); `None` gives `client` and every tag (`full`).
    pub default_features: Option<Vec<String>>,
    /// The examples written by hand beside the generated files (`examples/<name>.rs` or
    /// `examples/<name>/main.rs`), sorted. They call Atlas, so each needs the `client`
    /// feature: the manifest says so, and a build without it skips them instead of failing.
    pub client_examples: Vec<String>,
    /// Where the manifest finds the runtime crate, relative to the generated crate's folder:
    /// `runtime` (a copy beside the generated files) unless several generated crates share
    /// one.
    pub runtime_path: String,
}

impl Options {
    /// Options for a crate named after the spec file: `spec/atlas-snapshots.yaml` gives
    /// `atlas-snapshots`.
    pub fn for_spec(spec_name: &str) -> Self {
        let stem = spec_name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(spec_name)
            .split('.')
            .next()
            .unwrap_or_default();
        let crate_name: String = stem
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let crate_name = crate_name.trim_matches('-');
        // Cargo refuses these package names: they are Rust's own crates.
        let reserved = ["alloc", "core", "proc-macro", "std", "test"].contains(&crate_name);
        Self {
            crate_name: if crate_name.is_empty()
                || reserved
                || crate_name.starts_with(|c: char| c.is_ascii_digit())
            {
                format!("api-{crate_name}")
            } else {
                crate_name.to_owned()
            },
            crate_version: "0.1.0".to_owned(),
            package: config::PackageMetadata::default(),
            default_features: None,
            client_examples: Vec::new(),
            runtime_path: DEFAULT_RUNTIME_PATH.to_owned(),
        }
    }
}

/// One file of the generated crate, by path relative to the crate root (with `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Everything a run produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// The generated files, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Folders that hold only generated files: a file there that the run did not produce is
    /// stale and goes away.
    pub owned_dirs: Vec<String>,
}

/// Runs the whole pipeline: the same spec and options always give byte-identical files.
pub fn generate(spec: SpecSource<'_>, options: &Options) -> Result<Generation, Diagnostics> {
    let fail = |items: Vec<Diagnostic>| Diagnostics::new(spec.name, items);
    let document = load::load(spec.text).map_err(fail)?;
    let api = lower::lower(document).map_err(fail)?;
    emit::check_default_features(&api, options).map_err(fail)?;
    let headers = Headers {
        rust: format::header("//", spec.name),
        toml: format::header("#", spec.name),
        markdown: format::markdown_header(spec.name),
    };
    let jobs = emit::jobs(&api);
    // Files are independent: each worker emits and formats its share, in order.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk_size = jobs.len().div_ceil(workers).max(1);
    let rendered: Vec<Result<Rendered, Diagnostic>> = std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks(chunk_size)
            .map(|chunk| {
                let (api, headers) = (&api, &headers);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(path, job)| render_file(api, options, headers, path, *job))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut files = Vec::with_capacity(rendered.len() + 1);
    let mut api_parts = Vec::with_capacity(rendered.len());
    let mut problems = Vec::new();
    for file in rendered {
        match file {
            Ok(Rendered { file, api_part }) => {
                files.push(file);
                api_parts.extend(api_part);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    files.push(public_api_file(&api_parts, &headers).map_err(|problem| fail(vec![problem]))?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generation {
        files,
        owned_dirs: vec!["src/models".to_owned(), "src/operations".to_owned()],
    })
}

/// The listing of the crate's public API, runtime included (see [`public_api`]).
fn public_api_file(
    generated: &[public_api::FilePart],
    headers: &Headers,
) -> Result<GeneratedFile, Diagnostic> {
    let listing = public_api::runtime_parts().and_then(|runtime| {
        let parts: Vec<&public_api::FilePart> = generated.iter().chain(runtime).collect();
        public_api::listing_from_parts(&parts)
    });
    let listing = listing.map_err(|error| {
        Diagnostic::new(
            &JsonPointer::root(),
            format!("internal error: cannot list the public API ({error}); please report it with the spec"),
        )
    })?;
    Ok(GeneratedFile {
        path: public_api::LISTING_PATH.to_owned(),
        contents: format!(
            "{}#\n\
             # The crate's public API, the runtime's included: one line per item, field, variant,\n\
             # method and trait impl, with its signature. A removed or changed line is a breaking\n\
             # change, an added line an additive one: `cargo xtask codegen` says which a run made,\n\
             # and `cargo xtask semver` checks that the version in Cargo.toml follows.\n\
             {listing}",
            headers.toml
        ),
    })
}

struct Headers {
    rust: String,
    toml: String,
    markdown: String,
}

/// A file as a worker hands it back: its text and, for Rust, its share of the public API
/// listing, taken from the syntax tree the worker has at hand.
struct Rendered {
    file: GeneratedFile,
    api_part: Option<public_api::FilePart>,
}

/// Emits and formats one file.
fn render_file(
    api: &ir::Api,
    options: &Options,
    headers: &Headers,
    path: &str,
    job: emit::FileJob,
) -> Result<Rendered, Diagnostic> {
    let file = |path, contents| Rendered {
        file: GeneratedFile { path, contents },
        api_part: None,
    };
    let emitted = emit::render(api, options, path, job).map_err(|error| {
        Diagnostic::new(
            &JsonPointer::root(),
            format!(
                "internal error: the code generated for {path} does not parse ({error}); please report it with the spec"
            ),
        )
    })?;
    Ok(match emitted {
        emit::EmittedFile::Rust { path, file: tree } => Rendered {
            api_part: public_api::FilePart::new(&path, &tree),
            file: GeneratedFile {
                contents: format::rust_file(&tree, &headers.rust),
                path,
            },
        },
        emit::EmittedFile::Text { path, text } => file(path, format!("{}\n{text}", headers.toml)),
        emit::EmittedFile::Markdown { path, text } => {
            file(path, format!("{}\n{text}", headers.markdown))
        }
        emit::EmittedFile::Verbatim { path, text } => file(path, text),
    })
}

/// The version of the runtime crate (`generated/runtime/`) that generated manifests require.
pub const RUNTIME_VERSION: &str = "0.2.2";

/// Where a generated crate finds the runtime crate unless told otherwise: a copy in its own
/// folder, as in `generated/`.
pub const DEFAULT_RUNTIME_PATH: &str = "runtime";

/// The hand-written runtime crate the generated code calls into, as committed in
/// `generated/runtime/`, with paths relative to that folder. A crate generated into another
/// folder needs a copy to build on its own.
pub fn runtime_files() -> Vec<GeneratedFile> {
    RUNTIME_FILES
        .iter()
        .map(|(path, contents)| GeneratedFile {
            path: (*path).to_owned(),
            contents: (*contents).to_owned(),
        })
        .collect()
}

/// One runtime file: its path in the runtime crate and its text, embedded at compile time.
macro_rules! runtime_file {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!("../../generated/runtime/", $path)),
        )
    };
}

/// Every file of `generated/runtime/` (a test checks that none is missing).
const RUNTIME_FILES: &[(&str, &str)] = &[
    runtime_file!("Cargo.toml"),
    runtime_file!("LICENSE"),
    runtime_file!("src/auth/digest.rs"),
    runtime_file!("src/auth/hash.rs"),
    runtime_file!("src/auth/mod.rs"),
    runtime_file!("src/auth/token.rs"),
    runtime_file!("src/base_url.rs"),
    runtime_file!("src/client/auth.rs"),
    runtime_file!("src/client/error.rs"),
    runtime_file!("src/client/mod.rs"),
    runtime_file!("src/client/pager.rs"),
    runtime_file!("src/client/retry.rs"),
    runtime_file!("src/date_time.rs"),
    runtime_file!("src/lib.rs"),
    runtime_file!("src/matcher.rs"),
    runtime_file!("src/object.rs"),
    runtime_file!("src/operation.rs"),
    runtime_file!("src/request.rs"),
    runtime_file!("src/response.rs"),
    runtime_file!("src/retry.rs"),
    runtime_file!("src/string_enum.rs"),
    runtime_file!("src/struct_writer.rs"),
    runtime_file!("src/validation.rs"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_come_from_the_spec_file() {
        assert_eq!(
            Options::for_spec("spec/atlas-snapshots.yaml").crate_name,
            "atlas-snapshots"
        );
        assert_eq!(
            Options::for_spec("C:\\specs\\My API.v2.json").crate_name,
            "my-api"
        );
        assert_eq!(Options::for_spec("test.yaml").crate_name, "api-test");
        assert_eq!(Options::for_spec("2024.yaml").crate_name, "api-2024");
    }

    #[test]
    fn every_runtime_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/runtime");
        let mut on_disk = Vec::new();
        let mut pending = vec![root.clone()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let relative = path.strip_prefix(&root).unwrap();
                    on_disk.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<&str> = RUNTIME_FILES.iter().map(|(path, _)| *path).collect();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn manifests_require_the_runtime_version_committed() {
        let manifest = RUNTIME_FILES[0].1;
        let version = manifest
            .lines()
            .find_map(|line| line.strip_prefix("version = "))
            .expect("the runtime's manifest has a version");
        assert_eq!(version, format!("{RUNTIME_VERSION:?}"));
    }
}
