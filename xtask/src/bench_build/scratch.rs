//! The crates under `target/bench-build/`: each in a folder of its own, as the only member of
//! a workspace of its own (so that Cargo does not take it for a stray package of the
//! repository's workspace), all sharing one target folder so dependencies build once.
//!
//! A file is only written when its contents change: a crate that is the same as last time
//! keeps its modification times, so the unmeasured warm-up build before the measured ones
//! finds nothing to do (for MongoDB's whole spec that saves minutes per crate).

use crate::codegen::{self, CodegenArgs, DEFAULT_OUT, display_path};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The wrapper workspace's member: the crate itself.
const MEMBER: &str = "crate";

/// Copies `generated/` as it stands in the work tree.
pub fn copy_committed(root: &Path, dir: &Path) -> Result<(), String> {
    let crate_dir = prepare(root, dir)?;
    sync_tree(&root.join(DEFAULT_OUT), &crate_dir)
}

/// Writes the crate our generator makes from `spec`, runtime included, as
/// `cargo xtask codegen --spec SPEC --out DIR` does.
pub fn write_ours(root: &Path, spec: &Path, dir: &Path) -> Result<(), String> {
    // codegen itself writes only what changed and deletes what the spec no longer makes.
    let crate_dir = prepare(root, dir)?;
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
        let crate_dir = prepare(root, dir)?;
        // progenitor writes every file afresh: it writes beside the crate, which is then
        // brought up to date file by file.
        let output_dir = dir.join("progenitor-output");
        let failed =
            |error: std::io::Error| format!("cannot prepare {}: {error}\n", output_dir.display());
        if output_dir.exists() {
            std::fs::remove_dir_all(&output_dir).map_err(failed)?;
        }
        let mut command = Command::new(self.bin);
        command
            .arg("progenitor")
            .arg("--input")
            .arg(spec)
            .arg("--output")
            .arg(&output_dir)
            .args(["--name", crate_name, "--version", "0.1.0"]);
        if let Some(style) = self.interface {
            command.args(["--interface", style]);
        }
        let output = command
            .output()
            .map_err(|error| format!("cannot run {}: {error}\n", self.bin.display()))?;
        if !output.status.success() || !output_dir.join("src/lib.rs").is_file() {
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
        sync_tree(&output_dir, &crate_dir)?;
        std::fs::remove_dir_all(&output_dir).map_err(failed)
    }
}

/// The crate's own folder inside the folder [`prepare`] set up.
pub fn member(dir: &Path) -> PathBuf {
    dir.join(MEMBER)
}

/// Gives `file` the current time as its modification time, so Cargo rebuilds its crate.
pub fn touch(file: &Path) -> Result<(), String> {
    set_modified(file, SystemTime::now())
}

pub fn modified(file: &Path) -> Result<SystemTime, String> {
    std::fs::metadata(file)
        .and_then(|metadata| metadata.modified())
        .map_err(|error| format!("cannot read the time of {}: {error}\n", file.display()))
}

pub fn set_modified(file: &Path, time: SystemTime) -> Result<(), String> {
    std::fs::File::options()
        .write(true)
        .open(file)
        .and_then(|opened| opened.set_modified(time))
        .map_err(|error| format!("cannot touch {}: {error}\n", file.display()))
}

/// Writes the one-member workspace in `dir`, with a copy of the repository's lock file the
/// first time (so our crates build against the dependency versions the committed crate is
/// tested with), and returns the member's folder.
fn prepare(root: &Path, dir: &Path) -> Result<PathBuf, String> {
    let shown = display_path(root, dir);
    let failed = |error: std::io::Error| format!("cannot prepare {shown}: {error}\n");
    std::fs::create_dir_all(dir).map_err(failed)?;
    let manifest = format!(
        "# Written by `cargo xtask bench-build`: a workspace of one, outside the repository's.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\"{MEMBER}\"]\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes()).map_err(failed)?;
    let lock = dir.join("Cargo.lock");
    if !lock.exists() {
        std::fs::copy(root.join("Cargo.lock"), lock).map_err(failed)?;
    }
    Ok(member(dir))
}

fn write_if_changed(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    match std::fs::read(path) {
        Ok(existing) if existing == contents => Ok(()),
        _ => std::fs::write(path, contents),
    }
}

/// Makes `to` hold exactly the regular files and folders of `from`, writing only files whose
/// contents differ.
fn sync_tree(from: &Path, to: &Path) -> Result<(), String> {
    let failed = |path: &Path, error: std::io::Error| {
        format!(
            "cannot copy {} to {}: {error}\n",
            path.display(),
            to.display()
        )
    };
    std::fs::create_dir_all(to).map_err(|error| failed(to, error))?;
    let mut wanted = Vec::new();
    let entries = std::fs::read_dir(from).map_err(|error| failed(from, error))?;
    for entry in entries {
        let entry = entry.map_err(|error| failed(from, error))?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().map_err(|error| failed(&path, error))?;
        if kind.is_dir() {
            if target.is_file() {
                std::fs::remove_file(&target).map_err(|error| failed(&target, error))?;
            }
            sync_tree(&path, &target)?;
        } else if kind.is_file() {
            if target.is_dir() {
                std::fs::remove_dir_all(&target).map_err(|error| failed(&target, error))?;
            }
            let contents = std::fs::read(&path).map_err(|error| failed(&path, error))?;
            write_if_changed(&target, &contents).map_err(|error| failed(&target, error))?;
        } else {
            continue;
        }
        wanted.push(entry.file_name());
    }
    let existing = std::fs::read_dir(to).map_err(|error| failed(to, error))?;
    for entry in existing {
        let entry = entry.map_err(|error| failed(to, error))?;
        if wanted.contains(&entry.file_name()) {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|error| failed(&path, error))?;
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
    fn syncing_writes_what_changed_and_removes_what_is_gone() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(from.path().join("src")).unwrap();
        std::fs::write(from.path().join("Cargo.toml"), "same").unwrap();
        std::fs::write(from.path().join("src/lib.rs"), "new").unwrap();
        std::fs::create_dir_all(to.path().join("src/old")).unwrap();
        std::fs::write(to.path().join("Cargo.toml"), "same").unwrap();
        std::fs::write(to.path().join("src/lib.rs"), "old").unwrap();
        std::fs::write(to.path().join("src/gone.rs"), "").unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let manifest = to.path().join("Cargo.toml");
        std::fs::File::options()
            .write(true)
            .open(&manifest)
            .unwrap()
            .set_modified(old)
            .unwrap();

        sync_tree(from.path(), to.path()).unwrap();

        let names = |dir: &Path| {
            let mut names: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(names(to.path()), ["Cargo.toml", "src"]);
        assert_eq!(names(&to.path().join("src")), ["lib.rs"]);
        assert_eq!(
            std::fs::read_to_string(to.path().join("src/lib.rs")).unwrap(),
            "new"
        );
        // An unchanged file keeps its time, so Cargo has nothing to rebuild for it.
        let modified = std::fs::metadata(&manifest).unwrap().modified().unwrap();
        assert_eq!(modified, old);
    }

    #[test]
    fn a_missing_file_cannot_be_touched() {
        let dir = tempfile::tempdir().unwrap();
        let error = touch(&dir.path().join("src/lib.rs")).unwrap_err();
        assert!(error.contains("src/lib.rs"), "{error}");
    }
}
