//! The crates under `target/bench-build/`: each in a folder of its own, as the only member of
//! a workspace of its own (so that Cargo does not take it for a stray package of the
//! repository's workspace), all sharing one target folder so dependencies build once.

use crate::codegen::{self, CodegenArgs, DEFAULT_OUT, display_path};
use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

/// The wrapper workspace's member: the crate itself.
const MEMBER: &str = "crate";

/// Copies `generated/` as it stands in the work tree.
pub fn copy_committed(root: &Path, dir: &Path) -> Result<(), String> {
    let crate_dir = fresh(root, dir)?;
    copy_tree(&root.join(DEFAULT_OUT), &crate_dir)
}

/// Writes the crate our generator makes from `spec`, runtime included, as
/// `cargo xtask codegen --spec SPEC --out DIR` does.
pub fn write_ours(root: &Path, spec: &Path, dir: &Path) -> Result<(), String> {
    let crate_dir = fresh(root, dir)?;
    let summary = codegen::codegen(
        root,
        &CodegenArgs {
            spec: Some(spec.to_path_buf()),
            out: Some(crate_dir),
            ..CodegenArgs::default()
        },
    )?;
    eprint!("{summary}");
    Ok(())
}

/// cargo-progenitor, installed, with the interface style to ask for.
#[derive(Debug, Clone, Copy)]
pub struct Progenitor<'a> {
    pub bin: &'a Path,
    /// `--interface`: `positional` (progenitor's default) or `builder`.
    pub interface: Option<&'a str>,
}

impl Progenitor<'_> {
    /// Writes the crate progenitor makes from `spec`.
    pub fn write(
        &self,
        root: &Path,
        spec: &Path,
        crate_name: &str,
        dir: &Path,
    ) -> Result<(), String> {
        let crate_dir = fresh(root, dir)?;
        let mut command = Command::new(self.bin);
        command
            .arg("progenitor")
            .arg("--input")
            .arg(spec)
            .arg("--output")
            .arg(&crate_dir)
            .args(["--name", crate_name, "--version", "0.1.0"]);
        if let Some(style) = self.interface {
            command.args(["--interface", style]);
        }
        let output = command
            .output()
            .map_err(|error| format!("cannot run {}: {error}\n", self.bin.display()))?;
        if !output.status.success() || !crate_dir.join("src/lib.rs").is_file() {
            // Its panics end in a long backtrace; the first lines say what it refused.
            let stderr = String::from_utf8_lossy(&output.stderr);
            let reason: Vec<&str> = stderr.lines().take(6).collect();
            return Err(format!(
                "progenitor could not write a crate from {} ({}):\n{}\n\
                 Try --progenitor-compat, or give it an edited copy with --progenitor-spec PATH.\n",
                display_path(root, spec),
                output.status,
                reason.join("\n"),
            ));
        }
        Ok(())
    }
}

/// The crate's own folder inside the folder [`fresh`] prepared.
pub fn member(dir: &Path) -> std::path::PathBuf {
    dir.join(MEMBER)
}

/// Gives `file` the current time as its modification time, so Cargo rebuilds its crate.
pub fn touch(file: &Path) -> Result<(), String> {
    std::fs::File::options()
        .write(true)
        .open(file)
        .and_then(|opened| opened.set_modified(SystemTime::now()))
        .map_err(|error| format!("cannot touch {}: {error}\n", file.display()))
}

/// Empties `dir`, writes its one-member workspace and the repository's lock file (so our
/// crates build against the dependency versions the committed crate is tested with), and
/// returns the member's folder, not yet created.
fn fresh(root: &Path, dir: &Path) -> Result<std::path::PathBuf, String> {
    let shown = display_path(root, dir);
    let failed = |error: std::io::Error| format!("cannot prepare {shown}: {error}\n");
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(failed)?;
    }
    std::fs::create_dir_all(dir).map_err(failed)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask bench-build`: a workspace of one, outside the repository's.\n\
             [workspace]\nresolver = \"3\"\nmembers = [\"{MEMBER}\"]\n"
        ),
    )
    .map_err(failed)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(failed)?;
    Ok(member(dir))
}

/// Copies a folder of regular files and folders.
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    let failed = |path: &Path, error: std::io::Error| {
        format!(
            "cannot copy {} to {}: {error}\n",
            path.display(),
            to.display()
        )
    };
    std::fs::create_dir_all(to).map_err(|error| failed(from, error))?;
    let entries = std::fs::read_dir(from).map_err(|error| failed(from, error))?;
    for entry in entries {
        let entry = entry.map_err(|error| failed(from, error))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|error| failed(&path, error))?;
        if kind.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()))?;
        } else if kind.is_file() {
            std::fs::copy(&path, to.join(entry.file_name()))
                .map_err(|error| failed(&path, error))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_moves_the_modification_time_forward() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("lib.rs");
        std::fs::write(&file, "").unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(old)
            .unwrap();
        touch(&file).unwrap();
        let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
        assert!(modified > old);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "");
    }

    #[test]
    fn a_missing_file_cannot_be_touched() {
        let dir = tempfile::tempdir().unwrap();
        let error = touch(&dir.path().join("src/lib.rs")).unwrap_err();
        assert!(error.contains("src/lib.rs"), "{error}");
    }
}
