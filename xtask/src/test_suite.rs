//! `cargo xtask test`: the whole suite, in the order that fails fastest, as CI runs it.
//!
//! CI should check out at least the last two commits (`fetch-depth: 2`, or all with `0`):
//! `cargo xtask semver` compares the public API with the state before its last change, and
//! only passes with a notice when that commit is missing.

use std::process::Command;

/// One step: a cargo invocation with its extra environment.
struct Step {
    title: &'static str,
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
}

const STEPS: &[Step] = &[
    Step {
        title: "formatting",
        args: &["fmt", "--all", "--", "--check"],
        env: &[],
    },
    Step {
        title: "lints (every crate, the generated one too)",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        // Its examples call Atlas and say so (`required-features`); the rest must build
        // without the client.
        title: "lints of the generated crate and its runtime without the client",
        args: &[
            "clippy",
            "--package",
            "atlas-snapshots",
            "--package",
            "atlas-codegen-runtime",
            "--no-default-features",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        env: &[],
    },
    Step {
        title: "documentation",
        args: &["doc", "--workspace", "--no-deps"],
        env: &[("RUSTDOCFLAGS", "-D warnings")],
    },
    Step {
        title: "tests (unit, integration, snapshot, drift, doc)",
        args: &["test", "--workspace"],
        env: &[],
    },
];

/// Runs every step; the first failure stops the suite with its name.
pub fn run(root: &std::path::Path) -> Result<String, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    println!("==> generated/ is up to date with spec/");
    let check = crate::codegen::codegen(
        root,
        &crate::codegen::CodegenArgs {
            check: true,
            ..Default::default()
        },
    )?;
    print!("{check}");
    println!("==> the version follows the public API: cargo xtask semver");
    print!(
        "{}",
        crate::semver::run(root, &crate::semver::SemverArgs::default())?
    );
    for step in STEPS {
        run_cargo(&cargo, root, step.title, step.args, step.env)?;
    }
    // Last, as the slowest step on a fresh machine (about a minute: the packaged crates are
    // built on their own, against the newest compatible dependencies); it needs the crates.io
    // index. The runtime crate is packaged first and stands in for its unpublished release.
    // Uncommitted changes are packaged as they are, which cargo only does when told.
    forget_unpacked_runtime()?;
    let mut publish = vec!["publish", "--dry-run"];
    for package in PUBLISHED_CRATES {
        publish.extend(["--package", package]);
    }
    if is_dirty(root) {
        publish.push("--allow-dirty");
    }
    run_cargo(
        &cargo,
        root,
        "the generated crate and its runtime package and build as published",
        &publish,
        &[],
    )?;
    Ok("the whole test suite passed.\n".to_owned())
}

/// Removes what earlier dry runs unpacked of the runtime's package at its current version.
///
/// `cargo publish --dry-run` of several crates serves the runtime to the generated crate from
/// a registry in `target/`, and unpacks it under `$CARGO_HOME/registry/src/` as a published
/// crate, which it never unpacks again: once the runtime changed without a new version, the
/// generated crate was built against the copy of an earlier run and failed for no reason in
/// the code. The runtime is not on crates.io, so any such folder is one of those copies (and
/// were it ever published, cargo would unpack it again from its download cache).
fn forget_unpacked_runtime() -> Result<(), String> {
    // `USERPROFILE` is where Windows keeps the home folder `HOME` names elsewhere (and
    // `std::env::home_dir` is deprecated before Rust 1.87, above this crate's 1.85).
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .or_else(|| std::env::var_os("USERPROFILE"))
                .map(|home| std::path::Path::new(&home).join(".cargo"))
        });
    match cargo_home {
        Some(cargo_home) => forget_unpacked_runtime_in(&cargo_home),
        None => Ok(()),
    }
}

fn forget_unpacked_runtime_in(cargo_home: &std::path::Path) -> Result<(), String> {
    let unpacked = format!("atlas-codegen-runtime-{}", atlas_codegen::RUNTIME_VERSION);
    let Ok(registries) = std::fs::read_dir(cargo_home.join("registry").join("src")) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        let copy = registry.path().join(&unpacked);
        if copy.is_dir() {
            std::fs::remove_dir_all(&copy).map_err(|error| {
                format!(
                    "cannot remove {}, an earlier dry run's copy of the runtime: {error}\n",
                    copy.display()
                )
            })?;
        }
    }
    Ok(())
}

/// The crates `cargo xtask test` checks with `cargo publish --dry-run`, in the order they
/// would be published.
const PUBLISHED_CRATES: &[&str] = &["atlas-codegen-runtime", "atlas-snapshots"];

fn run_cargo(
    cargo: &str,
    root: &std::path::Path,
    title: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    println!("==> {title}: cargo {}", args.join(" "));
    let status = Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|error| format!("cannot run cargo: {error}\n"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the test suite failed at: {title}\n"))
    }
}

/// Whether what `cargo package` checks (the generated crate, the workspace manifest and lock
/// file) has uncommitted changes. Outside a git checkout cargo checks nothing.
fn is_dirty(root: &std::path::Path) -> bool {
    Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--",
            "generated",
            "Cargo.toml",
            "Cargo.lock",
        ])
        .current_dir(root)
        .output()
        .is_ok_and(|output| output.status.success() && !output.stdout.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_runtime_at_its_current_version_is_forgotten() {
        let home = tempfile::tempdir().unwrap();
        let registry = home.path().join("registry/src/tmp-registry-1a2b");
        let current = registry.join(format!(
            "atlas-codegen-runtime-{}",
            atlas_codegen::RUNTIME_VERSION
        ));
        let older = registry.join("atlas-codegen-runtime-0.0.1");
        let other = home
            .path()
            .join("registry/src/index.crates.io-3c4d/serde-1.0.0");
        for folder in [&current, &older, &other] {
            std::fs::create_dir_all(folder.join("src")).unwrap();
            std::fs::write(folder.join("src/lib.rs"), "").unwrap();
        }
        forget_unpacked_runtime_in(home.path()).unwrap();
        assert!(!current.exists());
        assert!(older.exists() && other.exists());
        // A machine that never unpacked a crate has nothing to forget.
        forget_unpacked_runtime_in(&home.path().join("nowhere")).unwrap();
    }
}
