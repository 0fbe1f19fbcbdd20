//! The xtask commands as a library, so tests drive exactly what `cargo xtask` runs.

// A panic on some spec would be a bug the maintainer cannot act on: errors are values here.
#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod bench_build;
pub mod codegen;
pub mod semver;
pub mod spec_sync;
pub mod test_suite;
pub mod verify;
pub mod write;

use std::path::{Path, PathBuf};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--force] [--verify] [--spec PATH] [--out DIR]
                           [--runtime PATH]
       cargo xtask test
       cargo xtask semver [--baseline REV]
       cargo xtask spec add|drift ...
       cargo xtask bench-build [--spec PATH] [--features LIST] [--no-default-features]
                               [--progenitor] [--progenitor-compat | --progenitor-spec PATH]
                               [--progenitor-interface positional|builder]
                               [--progenitor-version X.Y.Z] [--runs N]
                               [--no-committed] [--json]

  codegen                regenerate generated/ from spec/atlas-snapshots.yaml (package
                         settings from spec/atlas-snapshots.toml); says whether the
                         public API changed, additively or in a breaking way
  codegen --check        change nothing; fail with a diff when generated/ is stale
  codegen --spec PATH --out DIR
                         generate a complete crate from any spec into any folder, with
                         a copy of the runtime crate in DIR/runtime
  codegen --runtime PATH use the runtime crate at PATH (relative to DIR) instead of a
                         copy, to share one among several generated crates
  codegen --verify       then build the written crate: clippy -D warnings, rustdoc
                         -D warnings and its doc tests
  codegen --force        also replace or delete files in the output that lack the
                         `@generated` header (never through a symbolic link)
  test                   the whole suite: drift check, semver, fmt, clippy, doc, tests,
                         cargo publish --dry-run
  semver                 fail when generated/public-api.txt broke against the baseline
                         (the commit before its last change; HEAD while it is being
                         changed) without the version bump semver asks for
  spec add OPERATION_ID... --from OFFICIAL_SPEC [--spec PATH] [--dry-run] [--overwrite]
                         copy official operations and every component they reach
                         into the spec, appending text (comments and layout stay)
  spec drift --against OFFICIAL_SPEC [--spec PATH] [--allow PATH] [--json]
                         list how our operations differ from the official ones; fails
                         on differences not accepted in spec/drift-allow.yaml
  bench-build            CPU time and peak memory of `cargo check` and `cargo build` of
                         the committed crate, after `touch src/lib.rs` (in target/bench-build)
  bench-build --spec PATH
                         also of the crate written from PATH; --features and
                         --no-default-features then apply to that crate
  bench-build --progenitor
                         also of progenitor's crate from the same spec (progenitor 0.15.1,
                         installed into target/tools on first use); prints ours/progenitor
  bench-build --progenitor-compat | --progenitor-spec EDITED
                         give progenitor a copy of the spec rewritten where it refuses it
                         (MongoDB's spec), or EDITED, a copy edited by hand
  bench-build --runs N   median of N runs (default 3, or 1 for a crate whose first run
                         takes over 30 s of CPU); --no-committed leaves out the committed
                         crate beside --spec; --json prints the figures as JSON
";

/// Runs a command line; `Ok` holds what to print, `Err` the message for a non-zero exit.
pub fn run(args: &[String]) -> Result<String, String> {
    match args.split_first() {
        Some((command, rest))
            if command == "codegen" && rest.iter().any(|arg| arg == "--help" || arg == "-h") =>
        {
            Ok(USAGE.to_owned())
        }
        Some((command, rest)) if command == "codegen" => {
            let options =
                codegen::CodegenArgs::parse(rest).map_err(|error| format!("{error}\n\n{USAGE}"))?;
            codegen::codegen(&workspace_root(), &options)
        }
        Some((command, [])) if command == "test" => test_suite::run(&workspace_root()),
        Some((command, rest)) if command == "semver" => {
            let args =
                semver::SemverArgs::parse(rest).map_err(|error| format!("{error}\n\n{USAGE}"))?;
            semver::run(&workspace_root(), &args)
        }
        Some((command, rest)) if command == "spec" => spec_sync::run(&workspace_root(), rest),
        Some((command, rest)) if command == "bench-build" => {
            if rest.iter().any(|arg| arg == "--help" || arg == "-h") {
                return Ok(USAGE.to_owned());
            }
            let options = bench_build::BenchArgs::parse(rest)
                .map_err(|error| format!("{error}\n\n{USAGE}"))?;
            bench_build::bench_build(&workspace_root(), &options)
        }
        Some((flag, _)) if flag == "--help" || flag == "-h" => Ok(USAGE.to_owned()),
        _ => Err(USAGE.to_owned()),
    }
}

/// The workspace this xtask belongs to.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
