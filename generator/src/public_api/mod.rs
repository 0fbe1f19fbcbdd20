//! The public API of a generated crate as text: one line per element users can name
//! (modules, types, fields, variants, functions, methods, constants, trait impls,
//! re-exports), each with its complete signature, sorted by the item it belongs to.
//!
//! The generator writes it beside the crate (`public-api.txt`), for the generated code and
//! the hand-written runtime alike: it is read from the crate's source with `syn`, the way
//! rustc resolves names, not derived from the spec, so that it lists what the code really
//! offers. Comparing two listings classifies a change (see [`ApiChange`]): a line that is
//! gone or different is breaking, a new line is additive (see `lines` for why that holds).
//!
//! What the text does not show: auto traits (`Send`, `Sync`, `Unpin`) and other properties
//! rustc infers, items that macros expand to (but `#[macro_export]` macros themselves),
//! `#[doc(hidden)]` items, which are public only for the crate's own generated code, and the
//! values of constants.

mod lines;
mod model;
mod mount;
mod resolve;
mod text;

use crate::GeneratedFile;
use model::Crate;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Where the listing goes, relative to the crate root.
pub const LISTING_PATH: &str = "public-api.txt";

/// What one source file contributes to the listing, taken from its syntax tree: the names it
/// binds and its lines with paths still unresolved. Unlike the tree, it can cross threads, so
/// the generator makes it where it parses each file anyway.
#[derive(Debug, Clone)]
pub struct FilePart {
    path: String,
    summaries: Vec<model::Summary>,
    lines: lines::FileLines,
}

impl FilePart {
    /// The part of the file at `path` (relative to the crate root); `None` for files outside
    /// `src/`, which are not the library.
    pub fn new(path: &str, file: &syn::File) -> Option<Self> {
        let module = model::module_path(path)?;
        let mounted = (path == "src/lib.rs")
            .then(|| mount::with_runtime_module(file))
            .flatten();
        let file = mounted.as_ref().unwrap_or(file);
        Some(Self {
            path: path.to_owned(),
            summaries: model::summarize(&file.items),
            lines: lines::file_lines(&module, &file.items),
        })
    }
}

/// The parts of the hand-written runtime crate, as the module `runtime` that every generated
/// crate re-exports it as (see `mount`), made once per process.
///
/// # Errors
///
/// A runtime file that does not parse (a bug of this crate).
pub fn runtime_parts() -> Result<&'static [FilePart], String> {
    static PARTS: OnceLock<Result<Vec<FilePart>, String>> = OnceLock::new();
    PARTS
        .get_or_init(|| {
            crate::runtime_files()
                .iter()
                .filter_map(|file| {
                    let mounted = mount::mounted_path(&file.path)?;
                    Some(match syn::parse_file(&file.contents) {
                        Ok(mut parsed) => {
                            mount::mount_runtime_file(&mut parsed);
                            FilePart::new(&mounted, &parsed)
                                .ok_or_else(|| format!("{mounted} is not a module"))
                        }
                        Err(error) => Err(format!("{} does not parse: {error}", file.path)),
                    })
                })
                .collect()
        })
        .as_deref()
        .map_err(Clone::clone)
}

/// The listing of the crate whose source files gave `parts`: one line per element, sorted by
/// the item it belongs to.
///
/// # Errors
///
/// A crate without `src/lib.rs`.
pub fn listing_from_parts(parts: &[&FilePart]) -> Result<String, String> {
    let krate = Crate::new(
        parts
            .iter()
            .map(|part| (part.path.clone(), part.summaries.clone()))
            .collect(),
    )?;
    let reach = krate.reach();
    let mut lines = resolve::structure_lines(&krate, &reach);
    let paths: Vec<resolve::ResolvedPaths> = parts
        .iter()
        .map(|part| resolve::resolve_paths(&krate, &reach, &part.lines))
        .collect();
    let files: Vec<_> = parts.iter().map(|part| &part.lines).zip(&paths).collect();
    let instances = resolve::Instances::new(&krate, &reach, &files);
    for (file, paths) in files {
        lines.extend(resolve::file_lines(&krate, &reach, file, paths, &instances));
    }
    lines
        .sort_unstable_by(|a, b| (&a.subject, a.rank, &a.text).cmp(&(&b.subject, b.rank, &b.text)));
    let mut out = String::new();
    let mut seen = BTreeSet::new();
    for line in &lines {
        if seen.insert(line.text.as_str()) {
            out.push_str(&line.text);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The listing of a crate given as files (paths relative to its root; those outside `src/`
/// are ignored).
///
/// # Errors
///
/// A file that does not parse as Rust, or a crate without `src/lib.rs`.
pub fn listing(files: &[GeneratedFile]) -> Result<String, String> {
    let mut parts = Vec::new();
    for file in files {
        if model::module_path(&file.path).is_none() {
            continue;
        }
        let parsed = syn::parse_file(&file.contents)
            .map_err(|error| format!("{} does not parse: {error}", file.path))?;
        parts.extend(FilePart::new(&file.path, &parsed));
    }
    listing_from_parts(&parts.iter().collect::<Vec<_>>())
}

/// How the public API changed between two listings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiChange {
    /// Lines of the old listing that the new one lacks: removed or changed elements.
    pub removed: Vec<String>,
    /// Lines of the new listing that the old one lacks.
    pub added: Vec<String>,
}

/// What a change means for users, in semver's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    None,
    /// Only new elements: code that compiled still compiles.
    Additive,
    /// Something was removed or changed: some code that compiled may not.
    Breaking,
}

impl ApiChange {
    /// Compares two listings; lines starting with `# ` (and lone `#`) are comments.
    pub fn between(old: &str, new: &str) -> Self {
        let entries = |text: &'_ str| -> BTreeSet<String> {
            text.lines()
                .map(str::trim_end)
                .filter(|line| !line.is_empty() && *line != "#" && !line.starts_with("# "))
                .map(str::to_owned)
                .collect()
        };
        let (old, new) = (entries(old), entries(new));
        Self {
            removed: old.difference(&new).cloned().collect(),
            added: new.difference(&old).cloned().collect(),
        }
    }

    pub fn kind(&self) -> ChangeKind {
        if !self.removed.is_empty() {
            ChangeKind::Breaking
        } else if !self.added.is_empty() {
            ChangeKind::Additive
        } else {
            ChangeKind::None
        }
    }

    /// One line: `no public API change`, `additive: 3 added`, or
    /// `breaking: 2 removed or changed, 3 added`.
    pub fn summary(&self) -> String {
        match self.kind() {
            ChangeKind::None => "no public API change".to_owned(),
            ChangeKind::Additive => format!("additive: {} added", self.added.len()),
            ChangeKind::Breaking => format!(
                "breaking: {} removed or changed, {} added",
                self.removed.len(),
                self.added.len()
            ),
        }
    }

    /// The changed lines, `-` for removed and `+` for added, at most `limit` of each.
    pub fn details(&self, limit: usize) -> String {
        let mut out = String::new();
        for (sign, lines) in [('-', &self.removed), ('+', &self.added)] {
            for line in lines.iter().take(limit) {
                let _ = writeln!(out, "  {sign} {line}");
            }
            if lines.len() > limit {
                let _ = writeln!(out, "  {sign} ... and {} more", lines.len() - limit);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
