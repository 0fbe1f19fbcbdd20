//! `cargo xtask codegen`: read the spec, run the generator, write or check `generated/`.

use crate::write::{self, Plan};
use atlas_codegen::{Options, SpecSource};
use std::path::{Component, Path, PathBuf};

/// The spec and crate the workspace keeps in sync.
pub const DEFAULT_SPEC: &str = "spec/atlas-snapshots.yaml";
pub const DEFAULT_OUT: &str = "generated";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodegenArgs {
    pub check: bool,
    /// Replace or delete files that lack the generated header (see [`mod@write`]).
    pub force: bool,
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
    /// After writing, build the crate with clippy, rustdoc and its doc tests.
    pub verify: bool,
    /// Depend on the runtime crate at this path (relative to the output folder, or
    /// absolute) instead of copying one into the output folder: how several generated
    /// crates share one runtime.
    pub runtime: Option<String>,
}

impl CodegenArgs {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--force" => parsed.force = true,
                "--verify" => parsed.verify = true,
                "--spec" => parsed.spec = Some(args.next().ok_or("--spec needs a path")?.into()),
                "--out" => parsed.out = Some(args.next().ok_or("--out needs a folder")?.into()),
                "--runtime" => {
                    parsed.runtime = Some(args.next().ok_or("--runtime needs a folder")?.clone());
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(parsed)
    }
}

/// Generates, then writes (or, with `--check`, compares). Nothing is written unless the whole
/// generation succeeded, and writing is all-or-nothing.
pub fn codegen(root: &Path, args: &CodegenArgs) -> Result<String, String> {
    let spec_path = args.spec.clone().unwrap_or_else(|| root.join(DEFAULT_SPEC));
    let out_dir = args.out.clone().unwrap_or_else(|| root.join(DEFAULT_OUT));
    let spec_name = display_path(root, &spec_path);
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|error| format!("cannot read the spec {spec_name}: {error}\n"))?;
    let mut options = options_for(root, &spec_path, &spec_name)?;
    options.client_examples = hand_written_examples(&out_dir);
    let into_workspace = is_same_dir(&out_dir, &root.join(DEFAULT_OUT));
    if let Some(runtime) = &args.runtime {
        if into_workspace {
            return Err(
                "--runtime is for crates generated into another folder: generated/ \
                        uses the runtime crate it holds, generated/runtime/\nnothing was written.\n"
                    .to_owned(),
            );
        }
        // Lexically: the output folder may not exist yet, and Cargo reads `..` the same way.
        let runtime_dir = std::path::absolute(out_dir.join(runtime))
            .map(|path| normalize(&path))
            .unwrap_or_else(|_| out_dir.join(runtime));
        if !runtime_dir.join("Cargo.toml").is_file() {
            return Err(format!(
                "--runtime {runtime}: no crate there (no Cargo.toml in {}); the path is \
                 relative to the output folder\nnothing was written.\n",
                display_path(root, &runtime_dir)
            ));
        }
        options.runtime_path = runtime.replace('\\', "/");
    }
    let mut generation = atlas_codegen::generate(
        SpecSource {
            name: &spec_name,
            text: &text,
        },
        &options,
    )
    .map_err(|diagnostics| format!("{diagnostics}nothing was written.\n"))?;

    // The workspace's own generated/ holds the hand-written runtime crate, which is never
    // touched; any other folder gets a copy (unless told where to find one) so the crate
    // builds on its own. The copy opens with a `@generated` header like every generated file,
    // which is how a later run knows the files are its own to replace; its licence has no
    // header and is recognised by its text (`known`), as are copies made before copies had
    // headers. Copies of earlier versions, which lived in `src/runtime/`, are removed.
    let mut known = Vec::new();
    if !into_workspace {
        known = atlas_codegen::runtime_files()
            .into_iter()
            .map(|file| atlas_codegen::GeneratedFile {
                path: format!("{}/{}", atlas_codegen::DEFAULT_RUNTIME_PATH, file.path),
                contents: file.contents,
            })
            .collect();
        if args.runtime.is_none() {
            generation
                .files
                .extend(known.iter().map(|file| atlas_codegen::GeneratedFile {
                    path: file.path.clone(),
                    contents: with_copy_header(&file.path, &file.contents),
                }));
            generation.files.sort_by(|a, b| a.path.cmp(&b.path));
            generation
                .owned_dirs
                .push(format!("{}/src", atlas_codegen::DEFAULT_RUNTIME_PATH));
        }
        generation.owned_dirs.push("src/runtime".to_owned());
    }

    let out_name = display_path(root, &out_dir);
    let plan = Plan::new(&out_dir, &generation, &known).map_err(|error| {
        format!("cannot generate into {out_name}:\n{error}\nnothing was written.\n")
    })?;
    let api_report = crate::semver::codegen_report(&plan, &out_dir, &options);
    if args.check {
        return if plan.is_empty() {
            Ok(format!("{out_name} is up to date with {spec_name}.\n"))
        } else {
            Err(format!(
                "{out_name} is stale: run `cargo xtask codegen` and commit the result.\n\n{}",
                plan.diff(&out_name)
            ))
        };
    }
    if plan.is_empty() && plan.leftovers.is_empty() {
        let summary = format!(
            "{out_name} is up to date with {spec_name} ({} files).\n{api_report}",
            generation.files.len()
        );
        return verified(args, &out_dir, &out_name, summary);
    }
    write::apply(&out_dir, &plan, args.force).map_err(|error| match error {
        write::Error::Refused(_) => {
            format!("cannot generate into {out_name}:\n{error}\nnothing was written.\n")
        }
        write::Error::Io { .. } => {
            format!("writing {out_name} failed, and everything written was rolled back: {error}\n")
        }
    })?;
    let summary = format!("{}{api_report}", plan.summary(&out_name));
    verified(args, &out_dir, &out_name, summary)
}

/// The package config beside a spec: `spec/atlas-snapshots.toml` for
/// `spec/atlas-snapshots.yaml`.
pub fn config_path(spec_path: &Path) -> PathBuf {
    spec_path.with_extension("toml")
}

/// The generator's options for a spec: from its package config when it has one (see
/// `atlas_codegen::config`), else the defaults.
///
/// # Errors
///
/// A config that cannot be read, or every problem in it, located.
pub fn options_for(root: &Path, spec_path: &Path, spec_name: &str) -> Result<Options, String> {
    let config = config_path(spec_path);
    match std::fs::read_to_string(&config) {
        Ok(text) => {
            let config_name = display_path(root, &config);
            atlas_codegen::config::options_from_config(spec_name, &config_name, &text)
                .map_err(|error| format!("{error}nothing was written.\n"))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            Ok(Options::for_spec(spec_name))
        }
        Err(error) => Err(format!(
            "cannot read the package config {}: {error}\nnothing was written.\n",
            display_path(root, &config)
        )),
    }
}

/// The summary, after `--verify`'s checks when asked for.
fn verified(
    args: &CodegenArgs,
    out_dir: &Path,
    out_name: &str,
    summary: String,
) -> Result<String, String> {
    if !args.verify {
        return Ok(summary);
    }
    print!("{summary}");
    crate::verify::verify(out_dir, out_name)
}

/// The examples a maintainer keeps in the output folder, as Cargo finds them
/// (`examples/NAME.rs`, `examples/NAME/main.rs`), sorted: the manifest declares each.
fn hand_written_examples(out_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out_dir.join("examples")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let name = if path.is_dir() && path.join("main.rs").is_file() {
                path.file_name()?
            } else if path.is_file() && path.extension().is_some_and(|ext| ext == "rs") {
                path.file_stem()?
            } else {
                return None;
            };
            name.to_str().map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

/// A runtime file as copied beside a crate generated with `--out`: with a header in the
/// file's own comment syntax, except the licence, whose text is the standard one.
fn with_copy_header(path: &str, contents: &str) -> String {
    let comment = if path.ends_with(".rs") {
        "//"
    } else if path.ends_with(".toml") {
        "#"
    } else {
        return contents.to_owned();
    };
    format!(
        "{comment} @generated by `cargo xtask codegen`: a copy of the hand-written runtime crate of\n\
         {comment} atlas-codegen (generated/runtime/ in its repository). Do not edit by hand: every\n\
         {comment} run replaces it.\n\n{contents}"
    )
}

/// A path as people read it, and as generated headers name it: relative to the workspace
/// (with `/`) when it is inside, however it was spelled (absolute, with `..`, or through a
/// link); otherwise exactly as given, so that no run turns a relative path into an absolute
/// one that names the machine it ran on.
pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    let inside = |path: PathBuf, root: PathBuf| {
        path.strip_prefix(&root)
            .ok()
            .filter(|relative| !relative.as_os_str().is_empty())
            .map(Path::to_path_buf)
    };
    let lexical = || {
        let path = normalize(&std::path::absolute(path).ok()?);
        inside(path, normalize(&std::path::absolute(root).ok()?))
    };
    // A file that does not exist yet (an output folder) is resolved through its parent.
    let canonical = || {
        let (parent, name) = (path.parent()?, path.file_name()?);
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        inside(
            std::fs::canonicalize(parent).ok()?.join(name),
            std::fs::canonicalize(root).ok()?,
        )
    };
    let shown = lexical().or_else(canonical);
    shown
        .as_deref()
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Removes `.` and resolves `..` without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    normal
}

fn is_same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_inside_the_workspace_are_relative_however_they_are_spelled() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        std::fs::create_dir_all(root.join("spec")).unwrap();
        std::fs::write(root.join("spec/api.yaml"), "").unwrap();
        let cases = [
            root.join("spec/api.yaml"),
            root.join("spec/../spec/./api.yaml"),
            root.join("generated/not-yet"),
        ];
        assert_eq!(display_path(root, &cases[0]), "spec/api.yaml");
        assert_eq!(display_path(root, &cases[1]), "spec/api.yaml");
        assert_eq!(display_path(root, &cases[2]), "generated/not-yet");
        #[cfg(unix)]
        {
            let elsewhere = tempfile::tempdir().unwrap();
            let link = elsewhere.path().join("link");
            std::os::unix::fs::symlink(root, &link).unwrap();
            assert_eq!(
                display_path(root, &link.join("spec/api.yaml")),
                "spec/api.yaml"
            );
        }
    }

    #[test]
    fn examples_are_found_as_cargo_finds_them() {
        let out = tempfile::tempdir().unwrap();
        assert_eq!(hand_written_examples(out.path()), Vec::<String>::new());
        let examples = out.path().join("examples");
        std::fs::create_dir_all(examples.join("with_main")).unwrap();
        std::fs::create_dir_all(examples.join("without_main")).unwrap();
        std::fs::write(examples.join("with_main/main.rs"), "fn main() {}").unwrap();
        std::fs::write(examples.join("list.rs"), "fn main() {}").unwrap();
        std::fs::write(examples.join("notes.md"), "").unwrap();
        assert_eq!(hand_written_examples(out.path()), ["list", "with_main"]);
    }

    #[test]
    fn paths_outside_the_workspace_are_shown_as_given() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let absolute = outside.path().join("api.yaml");
        assert_eq!(
            display_path(root.path(), &absolute),
            absolute.to_string_lossy().replace('\\', "/")
        );
        // A relative path stays relative: the current folder is not part of the output.
        assert_eq!(
            display_path(root.path(), Path::new("some/where/api.yaml")),
            "some/where/api.yaml"
        );
        assert_eq!(
            display_path(root.path(), Path::new("../api.yaml")),
            "../api.yaml"
        );
    }
}
