//! `cargo xtask codegen`: read the spec, run the generator, write or check `generated/`.

use crate::write::{self, Plan};
use atlas_codegen::{Options, SpecSource};
use std::path::{Path, PathBuf};

/// The spec and crate the workspace keeps in sync.
pub const DEFAULT_SPEC: &str = "spec/atlas-snapshots.yaml";
pub const DEFAULT_OUT: &str = "generated";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodegenArgs {
    pub check: bool,
    pub spec: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

impl CodegenArgs {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => parsed.check = true,
                "--spec" => parsed.spec = Some(args.next().ok_or("--spec needs a path")?.into()),
                "--out" => parsed.out = Some(args.next().ok_or("--out needs a folder")?.into()),
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
    let options = Options::for_spec(&spec_name);
    let mut generation = atlas_codegen::generate(
        SpecSource {
            name: &spec_name,
            text: &text,
        },
        &options,
    )
    .map_err(|diagnostics| format!("{diagnostics}nothing was written.\n"))?;

    // The workspace's own generated/ holds the hand-written runtime, which is never touched;
    // any other folder gets a copy so the crate builds on its own.
    if !is_same_dir(&out_dir, &root.join(DEFAULT_OUT)) {
        generation.files.extend(atlas_codegen::runtime_files());
        generation.files.sort_by(|a, b| a.path.cmp(&b.path));
        generation.owned_dirs.push("src/runtime".to_owned());
    }

    let out_name = display_path(root, &out_dir);
    let plan = Plan::new(&out_dir, &generation)
        .map_err(|error| format!("cannot read {out_name}: {error}\n"))?;
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
    if plan.is_empty() {
        return Ok(format!(
            "{out_name} is up to date with {spec_name} ({} files).\n",
            generation.files.len()
        ));
    }
    write::apply(&out_dir, &plan).map_err(|error| {
        format!("writing {out_name} failed, and everything written was rolled back: {error}\n")
    })?;
    Ok(plan.summary(&out_name))
}

/// A path as people read it: relative to the workspace when inside it, with `/`.
fn display_path(root: &Path, path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let shown = absolute.strip_prefix(&root).unwrap_or(&absolute);
    shown.to_string_lossy().replace('\\', "/")
}

fn is_same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
    }
}
