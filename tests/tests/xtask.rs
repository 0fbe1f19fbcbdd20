//! `cargo xtask codegen` as a maintainer uses it: drift check, located errors that leave the
//! output untouched, evolution of the spec, and crates generated elsewhere that build alone.

use integration_tests::{committed_spec, copy_dir, generate, tree, workspace_root};
use std::path::Path;
use std::process::Command;

fn codegen(args: &[&str]) -> Result<String, String> {
    let mut argv = vec!["codegen".to_owned()];
    argv.extend(args.iter().map(|arg| (*arg).to_owned()));
    xtask::run(&argv)
}

fn fixture(name: &str) -> String {
    workspace_root()
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn committed_crate_matches_the_spec() {
    if let Err(diff) = codegen(&["--check"]) {
        panic!("generated/ is stale; run `cargo xtask codegen`:\n{diff}");
    }
}

#[test]
fn broken_specs_give_located_errors_and_change_nothing() {
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&workspace_root().join("generated"), copy.path());
    let before = tree(copy.path());
    let out = copy.path().to_string_lossy().into_owned();
    for (spec, expected) in [
        ("errors/malformed.yaml", "line 10, column 1"),
        (
            "errors/dangling-ref.yaml",
            "#/components/schemas/Foo/properties/bar: $ref to missing schema Baz",
        ),
        (
            "errors/undeclared-path-parameter.yaml",
            "#/paths/~1groups~1{groupId}~1things~1{thingId}/get: path parameter {thingId} is not declared",
        ),
    ] {
        let error = codegen(&["--spec", &fixture(spec), "--out", &out]).expect_err(spec);
        assert!(error.contains(expected), "{spec}: {error}");
        assert!(error.contains("nothing was written"), "{spec}: {error}");
        assert_eq!(
            tree(copy.path()),
            before,
            "{spec} changed the output folder"
        );
    }
}

#[test]
fn a_broken_spec_leaves_the_committed_crate_untouched() {
    let generated = workspace_root().join("generated");
    let before = tree(&generated);
    let error =
        codegen(&["--spec", &fixture("errors/dangling-ref.yaml")]).expect_err("dangling ref");
    assert!(error.contains("$ref to missing schema Missing"), "{error}");
    assert_eq!(tree(&generated), before);
}

#[test]
fn a_missing_spec_is_a_clear_error() {
    let error =
        codegen(&["--spec", "does/not/exist.yaml", "--out", "unused"]).expect_err("missing");
    assert!(error.contains("cannot read the spec"), "{error}");
    assert!(error.contains("does/not/exist.yaml"), "{error}");
    assert!(!Path::new("unused").exists());
}

#[test]
fn check_reports_drift_with_a_diff_and_writes_nothing() {
    let copy = tempfile::tempdir().unwrap();
    let out = copy.path().to_string_lossy().into_owned();
    let spec = workspace_root()
        .join("spec/atlas-snapshots.yaml")
        .to_string_lossy()
        .into_owned();
    codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(codegen(&["--check", "--spec", &spec, "--out", &out]).is_ok());

    let model = copy.path().join("src/models/link.rs");
    std::fs::write(&model, "// edited by hand\n").unwrap();
    std::fs::write(
        copy.path().join("src/models/stale.rs"),
        "// no longer generated\n",
    )
    .unwrap();
    let before = tree(copy.path());
    let diff = codegen(&["--check", "--spec", &spec, "--out", &out]).expect_err("drift");
    assert!(diff.contains("/src/models/link.rs\n+++ b/"), "{diff}");
    assert!(diff.contains("-// edited by hand"), "{diff}");
    assert!(diff.contains("/src/models/stale.rs\n+++ b/"), "{diff}");
    assert_eq!(tree(copy.path()), before);

    let summary = codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(summary.contains("updated"), "{summary}");
    assert!(summary.contains("deleted"), "{summary}");
    assert!(codegen(&["--check", "--spec", &spec, "--out", &out]).is_ok());
}

#[test]
fn two_runs_are_byte_identical() {
    let spec = workspace_root()
        .join("spec/atlas-snapshots.yaml")
        .to_string_lossy()
        .into_owned();
    let (first, second) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for dir in [&first, &second] {
        codegen(&["--spec", &spec, "--out", &dir.path().to_string_lossy()]).unwrap();
    }
    assert_eq!(tree(first.path()), tree(second.path()));
}

#[test]
fn a_new_enum_value_or_field_changes_only_its_own_model() {
    let (name, text) = committed_spec();
    let before = generate(&name, &text).unwrap();
    let edited = text
        .replacen("- COMPLETED\n", "- COMPLETED\n                - ARCHIVED\n", 1)
        .replacen(
            "    BackupSnapshot:\n      type: object\n      properties:\n",
            "    BackupSnapshot:\n      type: object\n      properties:\n        region:\n          type: string\n          description: Where the snapshot lives.\n",
            1,
        );
    assert_ne!(edited, text, "the edit must apply to the spec");
    let after = generate(&name, &edited).unwrap_or_else(|errors| panic!("{errors}"));
    let changed: Vec<&str> = after
        .files
        .iter()
        .zip(&before.files)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.path.as_str())
        .collect();
    assert_eq!(before.files.len(), after.files.len());
    assert_eq!(
        changed,
        [
            "src/models/backup_snapshot.rs",
            "src/models/backup_tenant_snapshot_status.rs"
        ]
    );
    let status = &after
        .files
        .iter()
        .find(|f| f.path.ends_with("backup_tenant_snapshot_status.rs"))
        .unwrap()
        .contents;
    assert!(status.contains("Archived"), "{status}");
}

/// Generates the committed spec and every fixture into crates outside the workspace, builds
/// them together with clippy (warnings denied), and runs each fixture's behaviour tests
/// (`tests/fixtures/behaviour/<fixture>.rs`) inside its crate: generated code compiles on its
/// own and does what the spec says.
#[test]
fn generated_crates_build_on_their_own_and_behave() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let mut specs = vec![root.join("spec/atlas-snapshots.yaml")];
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    fixtures.sort();
    specs.extend(fixtures);
    let mut members = Vec::new();
    for spec in &specs {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let out = scratch.path().join(&stem);
        codegen(&[
            "--spec",
            &spec.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ])
        .unwrap();
        assert!(
            out.join("src/runtime/mod.rs").exists(),
            "the runtime travels with the crate"
        );
        let behaviour = root
            .join("tests/fixtures/behaviour")
            .join(format!("{}.rs", stem.replace('-', "_")));
        if behaviour.exists() {
            std::fs::create_dir_all(out.join("tests")).unwrap();
            std::fs::copy(&behaviour, out.join("tests/behaviour.rs")).unwrap();
        }
        members.push(format!("{stem:?}"));
    }
    std::fs::write(
        scratch.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    // The workspace's lock file pins the same dependency versions the committed crate uses.
    std::fs::copy(root.join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    let cargo = |args: &[&str]| {
        let output = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(scratch.path())
            .env("CARGO_TARGET_DIR", root.join("target/standalone"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "cargo {} failed on the generated crates:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    cargo(&[
        "clippy",
        "--quiet",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    cargo(&["test", "--quiet", "--workspace", "--tests"]);
}
