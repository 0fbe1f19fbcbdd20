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

/// Generates from spec text, with options derived from the name as the xtask does.
pub fn generate(
    name: &str,
    text: &str,
) -> Result<Generation, atlas_codegen::diagnostics::Diagnostics> {
    atlas_codegen::generate(SpecSource { name, text }, &Options::for_spec(name))
}

/// All generated files as one text, for a snapshot.
pub fn render(generation: &Generation) -> String {
    generation
        .files
        .iter()
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
