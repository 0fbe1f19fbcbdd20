//! cargo-progenitor, the baseline: installed from crates.io by the benchmark itself into the
//! workspace's `target/tools`, at one pinned version so figures compare across runs (or at
//! the release `--progenitor-version` names, each in a folder of its own).

use crate::codegen::display_path;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest release when the benchmark was written; a newer one is a deliberate change here.
pub const VERSION: &str = "0.15.1";
const PACKAGE: &str = "cargo-progenitor";
/// The install root, inside the workspace so nothing lands in the user's `~/.cargo/bin`.
const ROOT: &str = "target/tools";

/// Returns the cargo-progenitor binary of `version`, installing it first unless it is there.
pub fn install(root: &Path, cargo: &str, version: &str) -> Result<PathBuf, String> {
    let tools = install_root(root, version);
    let bin = tools
        .join("bin")
        .join(format!("{PACKAGE}{}", std::env::consts::EXE_SUFFIX));
    if bin.is_file() && installed_version(&tools).as_deref() == Some(version) {
        return Ok(bin);
    }
    eprintln!(
        "==> installing {PACKAGE} {version} into {} (once; it takes a few minutes)",
        display_path(root, &tools)
    );
    let status = Command::new(cargo)
        .args(["install", "--locked", "--version", version, "--root"])
        .arg(&tools)
        .arg(PACKAGE)
        // A target folder set for the repository would fill with a release build of
        // progenitor; cargo install's own temporary one is removed afterwards.
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .map_err(|error| format!("cannot run cargo install: {error}\n"))?;
    if !status.success() || !bin.is_file() {
        return Err(format!(
            "`cargo install {PACKAGE} --version {version}` failed ({status}).\n"
        ));
    }
    Ok(bin)
}

/// `target/tools` for the pinned release, `target/tools/cargo-progenitor-VERSION` for another:
/// each install root holds one release, and the pinned one stays where earlier runs put it.
fn install_root(root: &Path, version: &str) -> PathBuf {
    let tools = root.join(ROOT);
    if version == VERSION {
        tools
    } else {
        tools.join(format!("{PACKAGE}-{version}"))
    }
}

/// The version of cargo-progenitor recorded in the install root's `.crates.toml`, where
/// cargo install lists what it installed as `"NAME VERSION (SOURCE)" = [binaries]`.
fn installed_version(tools: &Path) -> Option<String> {
    let record = std::fs::read_to_string(tools.join(".crates.toml")).ok()?;
    version_in_record(&record)
}

fn version_in_record(record: &str) -> Option<String> {
    record.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix('"')?.strip_prefix(PACKAGE)?;
        let version = rest.strip_prefix(' ')?.split(' ').next()?;
        Some(version.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_installed_version_is_read_from_cargo_install_records() {
        let record = "[v1]\n\
            \"cargo-nextest 0.9.90 (registry+https://github.com/rust-lang/crates.io-index)\" = [\"cargo-nextest\"]\n\
            \"cargo-progenitor 0.15.1 (registry+https://github.com/rust-lang/crates.io-index)\" = [\"cargo-progenitor\"]\n";
        assert_eq!(version_in_record(record).as_deref(), Some("0.15.1"));
        assert_eq!(version_in_record("[v1]\n"), None);
        let lookalike = "\"cargo-progenitor-extra 1.0.0 (registry+x)\" = []\n";
        assert_eq!(version_in_record(lookalike), None);
    }
}
