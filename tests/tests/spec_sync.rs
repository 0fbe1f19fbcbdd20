//! `cargo xtask spec add` and `cargo xtask spec drift` on official-like fixtures of our own
//! (`tests/fixtures/spec-sync/`, every name invented): the exact reports, the exact text that
//! `spec add` appends, and that nothing else in the spec folder changes.

use integration_tests::{copy_dir, generate, tree, workspace_root};
use std::path::{Path, PathBuf};

const SPEC: &str = "gizmos.yaml";

fn fixtures() -> PathBuf {
    workspace_root().join("tests/fixtures/spec-sync")
}

fn official() -> String {
    fixtures()
        .join("official.yaml")
        .to_string_lossy()
        .into_owned()
}

/// A throwaway copy of the fixture spec folder (spec, allow-list and an unrelated file).
fn spec_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("ours"), dir.path());
    dir
}

fn spec_path(dir: &Path) -> String {
    dir.join(SPEC).to_string_lossy().into_owned()
}

/// `cargo xtask spec <args> --spec <copy>`, with the copy's path redacted from the output.
fn spec(dir: &Path, args: &[&str]) -> Result<String, String> {
    let mut argv: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
    argv.extend(["--spec".to_owned(), spec_path(dir)]);
    let redact = |text: String| text.replace(&dir.to_string_lossy().into_owned(), "[spec-dir]");
    xtask::run(&argv).map(redact).map_err(redact)
}

/// Every file of the folder but the spec: what no command may touch.
fn others(dir: &Path) -> Vec<(String, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .filter(|(name, _)| name != SPEC)
        .collect()
}

fn read_spec(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(SPEC)).unwrap()
}

/// Whether `new` is `old` with lines inserted and none changed or removed.
fn only_insertions(old: &str, new: &str) -> bool {
    let mut new_lines = new.lines();
    old.lines()
        .all(|line| new_lines.by_ref().any(|candidate| candidate == line))
}

#[test]
fn add_copies_an_operation_with_its_closure_by_appending_text() {
    let dir = spec_folder();
    let (before, others_before) = (read_spec(dir.path()), others(dir.path()));
    let report = spec(
        dir.path(),
        &["spec", "add", "listWidgets", "--from", &official()],
    )
    .unwrap();
    insta::assert_snapshot!("add_report", report);

    let after = read_spec(dir.path());
    assert!(only_insertions(&before, &after), "a curated line changed");
    insta::assert_snapshot!("add_result", after);
    assert_eq!(others(dir.path()), others_before);

    // The result generates, the SDK code samples stayed behind, and a second run adds nothing.
    generate(SPEC, &after).unwrap_or_else(|error| panic!("{error}"));
    assert!(!after.contains("x-codeSamples"));
    let again = spec(
        dir.path(),
        &["spec", "add", "listWidgets", "--from", &official()],
    )
    .unwrap();
    assert!(again.contains("same     operation listWidgets"), "{again}");
    assert!(again.ends_with("nothing to add.\n"), "{again}");
    assert_eq!(read_spec(dir.path()), after);
}

#[test]
fn add_reports_conflicting_components_on_both_sides_and_writes_nothing() {
    let dir = spec_folder();
    let before = tree(dir.path());
    let error = spec(
        dir.path(),
        &[
            "spec",
            "add",
            "getGadget",
            "listGizmos",
            "--from",
            &official(),
        ],
    )
    .unwrap_err();
    insta::assert_snapshot!("add_conflicts", error);
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn overwrite_replaces_only_the_conflicting_entries_and_keeps_our_extensions() {
    let dir = spec_folder();
    let (before, others_before) = (read_spec(dir.path()), others(dir.path()));
    let report = spec(
        dir.path(),
        &[
            "spec",
            "add",
            "getGadget",
            "--from",
            &official(),
            "--overwrite",
        ],
    )
    .unwrap();
    insta::assert_snapshot!("overwrite_report", report);
    let after = read_spec(dir.path());
    assert_eq!(others(dir.path()), others_before);
    generate(SPEC, &after).unwrap_or_else(|error| panic!("{error}"));

    let tree: serde_json::Value = serde_yaml::from_str(&after).unwrap();
    let gadget = &tree["components"]["schemas"]["Gadget"];
    assert_eq!(gadget["properties"]["name"]["maxLength"], 50);
    assert_eq!(
        gadget["x-curated-note"],
        "ours, kept when --overwrite replaces this schema"
    );
    // Lines outside the two replaced entries are untouched, comments included.
    let outside = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|line| !line.starts_with("      ") && !line.starts_with("    Gadget"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(outside(&after), outside(&before));
    assert!(after.contains("# A cycle: drift must stop where it closes."));
}

#[test]
fn dry_run_prints_the_change_as_a_diff_and_writes_nothing() {
    let dir = spec_folder();
    let before = tree(dir.path());
    let report = spec(
        dir.path(),
        &[
            "spec",
            "add",
            "listWidgets",
            "--from",
            &official(),
            "--dry-run",
        ],
    )
    .unwrap();
    insta::assert_snapshot!("add_dry_run", report);
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn add_names_operations_the_official_spec_lacks() {
    let dir = spec_folder();
    let before = tree(dir.path());
    let error = spec(
        dir.path(),
        &[
            "spec",
            "add",
            "listWidgets",
            "noSuchThing",
            "--from",
            &official(),
        ],
    )
    .unwrap_err();
    assert_eq!(
        error,
        "tests/fixtures/spec-sync/official.yaml has no operation noSuchThing; nothing was written.\n"
    );
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn drift_reports_each_kind_of_difference_and_fails() {
    let dir = spec_folder();
    let before = tree(dir.path());
    let report = spec(dir.path(), &["spec", "drift", "--against", &official()]).unwrap_err();
    insta::assert_snapshot!("drift_report", report);
    assert_eq!(tree(dir.path()), before);
}

#[test]
fn drift_as_json_for_machines() {
    let dir = spec_folder();
    let args = xtask::spec_sync::DriftArgs {
        against: official().into(),
        spec: Some(dir.path().join(SPEC)),
        allow: None,
        json: true,
    };
    let outcome = xtask::spec_sync::drift(&workspace_root(), &args).unwrap();
    assert!(!outcome.clean);
    let report = outcome
        .report
        .replace(&dir.path().to_string_lossy().into_owned(), "[spec-dir]");
    let json: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(json["unaccepted"], 24);
    assert_eq!(json["missingUpstream"], 1);
    insta::assert_snapshot!("drift_json", report);
}

#[test]
fn drift_passes_when_nothing_differs() {
    let dir = spec_folder();
    let ours = spec_path(dir.path());
    let report = spec(dir.path(), &["spec", "drift", "--against", &ours]).unwrap();
    assert!(
        report.contains("3 operations compared, 0 missing upstream; 0 differences"),
        "{report}"
    );
    assert!(report.ends_with("no drift to act on.\n"), "{report}");
}

/// Atlas renames operations; the same method on the same path is still compared, and the new
/// name is a difference of its own rather than an operation "removed upstream".
#[test]
fn a_renamed_operation_is_compared_by_method_and_path() {
    let dir = spec_folder();
    let renamed = dir.path().join("renamed.yaml");
    let text = read_spec(dir.path());
    assert!(text.contains("operationId: getGadget"));
    std::fs::write(
        &renamed,
        text.replace("operationId: getGadget", "operationId: getOneGadget"),
    )
    .unwrap();
    let error = spec(
        dir.path(),
        &["spec", "drift", "--against", &renamed.to_string_lossy()],
    )
    .unwrap_err();
    assert!(
        error.contains("3 operations compared, 0 missing upstream; 1 differences"),
        "{error}"
    );
    assert!(
        error.contains("operationId ours `getGadget`, official `getOneGadget`  [getGadget]"),
        "{error}"
    );
    // Names passed along: getGadget's operation is now getRetired, getRetired's is getOld.
    // Each of ours is still compared with the operation at its own method and path.
    let swapped = text
        .replace("operationId: getRetired", "operationId: getOld")
        .replace("operationId: getGadget", "operationId: getRetired");
    std::fs::write(&renamed, swapped).unwrap();
    let error = spec(
        dir.path(),
        &["spec", "drift", "--against", &renamed.to_string_lossy()],
    )
    .unwrap_err();
    assert!(
        error.contains("3 operations compared, 0 missing upstream; 2 differences"),
        "{error}"
    );
    assert!(
        error.contains("operationId ours `getGadget`, official `getRetired`  [getGadget]"),
        "{error}"
    );
    assert!(
        error.contains("operationId ours `getRetired`, official `getOld`  [getRetired]"),
        "{error}"
    );
}

#[test]
fn allow_lists_need_a_reason_and_a_pointer() {
    let error = xtask::spec_sync::report::parse_allow_list(
        "allow.yaml",
        "accepted:\n  - kind: path\n  - ours: '#/paths'\n    reason: ' '\n    why: typo\n",
    )
    .unwrap_err();
    assert_eq!(
        error,
        "allow.yaml#/accepted/0: needs a `reason`\n\
         allow.yaml#/accepted/0: needs `ours` or `official` (a pointer)\n\
         allow.yaml#/accepted/1: unknown key \"why\" (kind, ours, official, reason)\n\
         allow.yaml#/accepted/1: needs a `reason`\n"
    );
    let committed = workspace_root().join("spec/drift-allow.yaml");
    let text = std::fs::read_to_string(&committed).unwrap();
    xtask::spec_sync::report::parse_allow_list("spec/drift-allow.yaml", &text).unwrap();
}
