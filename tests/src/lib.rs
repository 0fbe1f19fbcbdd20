//! Shared helpers for the integration tests in `tests/tests/`.

pub mod atlas_server;

use atlas_codegen::{Generation, Options, SpecSource};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The committed spec's path and text.
pub fn committed_spec() -> (String, String) {
    let name = "spec/atlas-snapshots.yaml".to_owned();
    let text = std::fs::read_to_string(workspace_root().join(&name))
        .unwrap_or_else(|error| panic!("cannot read {name}: {error}"));
    (name, text)
}

/// The committed spec as JSON, to read its examples.
pub fn committed_spec_json() -> serde_json::Value {
    let (_, text) = committed_spec();
    serde_yaml::from_str(&text).unwrap_or_else(|error| panic!("spec is not YAML: {error}"))
}

/// Generates from spec text, with the options the xtask gives it: from the package config
/// beside the spec (a workspace path) when there is one.
pub fn generate(
    name: &str,
    text: &str,
) -> Result<Generation, atlas_codegen::diagnostics::Diagnostics> {
    atlas_codegen::generate(SpecSource { name, text }, &options_for(name))
}

/// The options the xtask uses for the spec at `name` (relative to the workspace).
pub fn options_for(name: &str) -> Options {
    let config = Path::new(name).with_extension("toml");
    match std::fs::read_to_string(workspace_root().join(&config)) {
        Ok(text) => {
            let config_name = config.to_string_lossy().replace('\\', "/");
            atlas_codegen::config::options_from_config(name, &config_name, &text)
                .unwrap_or_else(|error| panic!("{error}"))
        }
        Err(_) => Options::for_spec(name),
    }
}

/// Files left out of snapshots: the licence, the same standard text for every spec, and the
/// public API listing, mostly the runtime's and the same for every spec (`tests/public_api.rs`
/// tests it; the committed crate's is in `generated/`, where review sees it).
const UNSNAPSHOTTED_FILES: &[&str] = &["LICENSE", atlas_codegen::public_api::LISTING_PATH];

/// All generated files as one text, for a snapshot.
pub fn render(generation: &Generation) -> String {
    generation
        .files
        .iter()
        .filter(|file| !UNSNAPSHOTTED_FILES.contains(&file.path.as_str()))
        .map(|file| format!("==> {} <==\n{}", file.path, file.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file below `dir`, relative path and contents, sorted: a fingerprint of a folder.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((relative, std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    files.sort();
    files
}

/// Copies a folder recursively (used to run the xtask against a throwaway copy).
pub fn copy_dir(from: &Path, to: &Path) {
    for (relative, contents) in tree(from) {
        let target = to.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .unwrap_or_else(|error| panic!("mkdir {parent:?}: {error}"));
        }
        std::fs::write(&target, contents)
            .unwrap_or_else(|error| panic!("write {target:?}: {error}"));
    }
}

/// Makes `dir` a Cargo workspace of the given member folders (crates generated there), with
/// this workspace's lock file, so that they build on the dependency versions the committed
/// crate uses.
pub fn write_scratch_workspace(dir: &Path, members: &[String]) {
    let members: Vec<String> = members.iter().map(|member| format!("{member:?}")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap_or_else(|error| panic!("write the scratch workspace manifest: {error}"));
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .unwrap_or_else(|error| panic!("copy Cargo.lock: {error}"));
}

/// Copies the runtime crate into `dir/runtime`, for crates generated into `dir` with
/// `--runtime ../runtime` to share: one copy, compiled once, as a maintainer who keeps several
/// generated crates in one workspace would have it. Returns that argument.
pub fn write_shared_runtime(dir: &Path) -> &'static str {
    copy_dir(
        &workspace_root().join("generated/runtime"),
        &dir.join("runtime"),
    );
    "../runtime"
}

/// Runs cargo in a scratch workspace, and panics with its output if it fails. Every such
/// workspace shares one target folder, so that their dependencies build once.
pub fn run_cargo(dir: &Path, args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target/standalone"),
        )
        .output()
        .unwrap_or_else(|error| panic!("cannot run cargo: {error}"));
    assert!(
        output.status.success(),
        "cargo {} failed on the generated crates:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
