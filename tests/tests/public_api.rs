//! The generated crate as a package: the config beside the spec, the public API listing and
//! how changes to it are classified, `cargo xtask codegen`'s report, and `cargo xtask semver`
//! against git baselines.

use atlas_codegen::public_api::{ApiChange, ChangeKind, LISTING_PATH};
use integration_tests::generate;
use std::path::Path;
use std::process::Command;

/// A small spec to evolve: two operations, a model with an optional field and an enum.
const BASE: &str = r##"openapi: 3.0.3
info: {title: Evolving API, version: "1.0"}
paths:
  /groups/{groupId}/things:
    get:
      operationId: listThings
      parameters:
        - {name: groupId, in: path, required: true, schema: {type: string}}
        - {name: pretty, in: query, schema: {type: boolean}}
      responses:
        "200": {description: OK, content: {application/json: {schema: {$ref: "#/components/schemas/Thing"}}}}
  /groups/{groupId}/things/{thingId}:
    delete:
      operationId: deleteThing
      parameters:
        - {name: groupId, in: path, required: true, schema: {type: string}}
        - {name: thingId, in: path, required: true, schema: {type: string}}
      responses:
        "204": {description: Deleted}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: string}
        state: {type: string, enum: [ACTIVE, DELETED]}
"##;

fn listing(spec: &str) -> String {
    let generation =
        generate("tests/evolving.yaml", spec).unwrap_or_else(|errors| panic!("{errors}"));
    generation
        .files
        .iter()
        .find(|file| file.path == LISTING_PATH)
        .map(|file| file.contents.clone())
        .expect("every generation lists its public API")
}

/// The change from the base spec to the base spec with `from` replaced by `to`.
fn change(from: &str, to: &str) -> ApiChange {
    assert!(BASE.contains(from), "the base spec has no {from:?}");
    ApiChange::between(&listing(BASE), &listing(&BASE.replacen(from, to, 1)))
}

fn has(lines: &[String], needle: &str) -> bool {
    lines.iter().any(|line| line.contains(needle))
}

#[test]
fn the_listing_names_each_element_with_its_signature() {
    let listing = listing(BASE);
    for expected in [
        "#[non_exhaustive] pub struct crate::models::Thing { .. }",
        "field crate::models::Thing.id: Option<String>",
        "variant crate::models::ThingState::Active",
        "impl crate::operations::ListThingsRequest { pub fn new(group_id: impl Into<String>) -> Self }",
        "impl crate::operations::ListThingsRequest { pub fn pretty(self, pretty: bool) -> Self }",
        "#[cfg(feature = \"client\")] impl crate::Client { pub fn delete_thing(&self, group_id: impl Into<String>, thing_id: impl Into<String>) -> crate::operations::DeleteThingCall }",
        "impl crate::runtime::Operation for crate::operations::ListThingsRequest { type ErrorBody = serde_json::Value; type Output = crate::models::Thing; }",
        "#[cfg(feature = \"client\")] pub struct crate::Client( .. )",
        "#[cfg(feature = \"client\")] pub type crate::ClientBuilder = crate::runtime::client::ClientBuilder<crate::Client>",
        "reexport crate::http = http",
        // The runtime's public API is part of the crate's.
        "pub fn crate::runtime::encode_path_segment(",
    ] {
        assert!(
            listing.lines().any(|line| line.starts_with(expected)),
            "no line starting {expected:?} in\n{listing}"
        );
    }
    // Plumbing for generated code only is `#[doc(hidden)]`, and private items never show.
    assert!(!listing.contains("crate::runtime::Rules"), "{listing}");
    assert!(!listing.contains("ReadmeDoctests"), "{listing}");
}

#[test]
fn an_optional_field_is_additive() {
    let change = change(
        "        id: {type: string}\n",
        "        id: {type: string}\n        size: {type: boolean}\n",
    );
    assert_eq!(change.kind(), ChangeKind::Additive, "{change:?}");
    assert_eq!(
        change.added,
        [
            "field crate::models::Thing.size: Option<bool>",
            "impl crate::models::Thing { pub fn size(&self) -> Option<bool> }"
        ]
    );
}

#[test]
fn a_new_enum_value_is_additive() {
    let change = change("[ACTIVE, DELETED]", "[ACTIVE, DELETED, PAUSED]");
    assert_eq!(change.kind(), ChangeKind::Additive, "{change:?}");
    assert_eq!(change.added, ["variant crate::models::ThingState::Paused"]);
}

#[test]
fn a_new_optional_parameter_is_additive() {
    let change = change(
        "        - {name: pretty, in: query, schema: {type: boolean}}\n",
        "        - {name: pretty, in: query, schema: {type: boolean}}\n        - {name: limit, in: query, schema: {type: integer, format: int32}}\n",
    );
    assert_eq!(change.kind(), ChangeKind::Additive, "{change:?}");
    assert!(
        has(
            &change.added,
            "impl crate::operations::ListThingsRequest { pub fn limit(self, limit: i32) -> Self }"
        ),
        "{change:?}"
    );
    assert!(
        has(
            &change.added,
            "impl crate::Call<crate::operations::ListThingsRequest> { pub fn limit("
        ),
        "{change:?}"
    );
}

#[test]
fn a_new_required_parameter_is_breaking() {
    let change = change(
        "        - {name: pretty, in: query, schema: {type: boolean}}\n",
        "        - {name: pretty, in: query, schema: {type: boolean}}\n        - {name: region, in: query, required: true, schema: {type: string}}\n",
    );
    assert_eq!(change.kind(), ChangeKind::Breaking, "{change:?}");
    // The constructor and the client method take one more argument: their lines changed.
    assert!(
        has(
            &change.removed,
            "impl crate::operations::ListThingsRequest { pub fn new(group_id: impl Into<String>) -> Self }"
        ),
        "{change:?}"
    );
    assert!(
        has(
            &change.removed,
            "pub fn list_things(&self, group_id: impl Into<String>) ->"
        ),
        "{change:?}"
    );
    assert!(
        has(
            &change.added,
            "pub fn new(group_id: impl Into<String>, region: impl Into<String>) -> Self"
        ),
        "{change:?}"
    );
}

#[test]
fn a_removed_operation_is_breaking() {
    let without = BASE.replace(
        &BASE[BASE.find("  /groups/{groupId}/things/{thingId}:").unwrap()
            ..BASE.find("components:").unwrap()],
        "",
    );
    let change = ApiChange::between(&listing(BASE), &listing(&without));
    assert_eq!(change.kind(), ChangeKind::Breaking, "{change:?}");
    assert!(
        has(
            &change.removed,
            "pub struct crate::operations::DeleteThingRequest"
        ),
        "{change:?}"
    );
    assert!(has(&change.removed, "pub fn delete_thing("), "{change:?}");
    assert!(change.added.is_empty(), "{change:?}");
}

#[test]
fn a_new_required_field_is_breaking() {
    // Required fields are constructor arguments, and a struct with one has no `Default`.
    let change = change(
        "      type: object\n",
        "      type: object\n      required: [id]\n",
    );
    assert_eq!(change.kind(), ChangeKind::Breaking, "{change:?}");
    assert!(
        has(
            &change.removed,
            "impl std::default::Default for crate::models::Thing"
        ),
        "{change:?}"
    );
    assert!(
        has(
            &change.removed,
            "field crate::models::Thing.id: Option<String>"
        ),
        "{change:?}"
    );
    assert!(
        has(
            &change.added,
            "impl crate::models::Thing { pub fn new(id: String) -> Self }"
        ),
        "{change:?}"
    );
}

#[test]
fn regenerating_the_same_spec_changes_nothing() {
    let change = ApiChange::between(&listing(BASE), &listing(BASE));
    assert_eq!(change.kind(), ChangeKind::None);
    assert_eq!(change.summary(), "no public API change");
}

fn codegen(args: &[&str]) -> Result<String, String> {
    let mut argv = vec!["codegen".to_owned()];
    argv.extend(args.iter().map(|arg| (*arg).to_owned()));
    xtask::run(&argv)
}

/// A folder with `api.yaml` (the base spec) and, when given, `api.toml`.
fn spec_folder(config: Option<&str>) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("api.yaml"), BASE).unwrap();
    if let Some(config) = config {
        std::fs::write(dir.path().join("api.toml"), config).unwrap();
    }
    let spec = dir.path().join("api.yaml").to_string_lossy().into_owned();
    let out = dir.path().join("out").to_string_lossy().into_owned();
    (dir, spec, out)
}

#[test]
fn the_config_beside_the_spec_sets_the_manifest() {
    let (dir, spec, out) = spec_folder(Some(
        r#"[package]
name = "evolving-client"
version = "2.1.0"
description = "An API that changes."
repository = "https://example.com/evolving"
keywords = ["api"]
publish = true

[features]
default = []
"#,
    ));
    codegen(&["--spec", &spec, "--out", &out]).unwrap();
    let manifest = std::fs::read_to_string(dir.path().join("out/Cargo.toml")).unwrap();
    for expected in [
        "name = \"evolving-client\"\nversion = \"2.1.0\"\n",
        "description = \"An API that changes.\"\n",
        "readme = \"README.md\"\n",
        "repository = \"https://example.com/evolving\"\n",
        "documentation = \"https://docs.rs/evolving-client\"\n",
        "keywords = [\"api\"]\n",
        "publish = true\n",
        "[features]\ndefault = []\n",
    ] {
        assert!(
            manifest.contains(expected),
            "no {expected:?} in\n{manifest}"
        );
    }
    let readme = std::fs::read_to_string(dir.path().join("out/README.md")).unwrap();
    assert!(
        readme.starts_with("<!-- @generated by `cargo xtask codegen`"),
        "{readme}"
    );
    assert!(
        readme.contains("# evolving-client\n\nAn API that changes.\n"),
        "{readme}"
    );
    assert!(readme.contains("| `deleteThing` | `DeleteThingRequest` | `delete_thing` | `DELETE /groups/{groupId}/things/{thingId}` |"), "{readme}");
    assert!(readme.contains("| `client` | no |"), "{readme}");
    assert!(
        readme.contains("<https://docs.rs/evolving-client>"),
        "{readme}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/LICENSE")).unwrap(),
        std::fs::read_to_string(integration_tests::workspace_root().join("LICENSE")).unwrap()
    );
}

#[test]
fn a_bad_config_is_located_and_nothing_is_written() {
    let (dir, spec, out) = spec_folder(Some("[package]\nversion = \"one\"\npublsh = true\n"));
    let error = codegen(&["--spec", &spec, "--out", &out]).unwrap_err();
    let config = dir
        .path()
        .join("api.toml")
        .to_string_lossy()
        .replace('\\', "/");
    assert!(
        error.starts_with(&format!("2 problems in {config}:\n")),
        "{error}"
    );
    assert!(
        error.contains(&format!(
            "{config}:2:11: `package.version` = \"one\" is not a semantic version"
        )),
        "{error}"
    );
    assert!(
        error.contains(&format!("{config}:3:1: unknown key `publsh`")),
        "{error}"
    );
    assert!(error.ends_with("nothing was written.\n"), "{error}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn default_features_the_crate_lacks_are_refused() {
    let (dir, spec, out) = spec_folder(Some("[features]\ndefault = [\"clinet\"]\n"));
    let error = codegen(&["--spec", &spec, "--out", &out]).unwrap_err();
    assert!(
        error.contains("the default features (`[features] default` of the package config) name \"clinet\", which is no feature of this crate; the features are: client, digest, http2, full"),
        "{error}"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_hand_written_readme_is_not_replaced_unless_forced() {
    let (dir, spec, out) = spec_folder(None);
    std::fs::create_dir_all(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/README.md"), "# mine\n").unwrap();
    let error = codegen(&["--spec", &spec, "--out", &out]).unwrap_err();
    assert!(error.contains("refusing to overwrite README.md"), "{error}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/README.md")).unwrap(),
        "# mine\n"
    );
    codegen(&["--spec", &spec, "--out", &out, "--force"]).unwrap();
    // Now it is the generator's: the next run replaces it without being told.
    std::fs::write(
        dir.path().join("api.yaml"),
        BASE.replace("Evolving API", "Evolved API"),
    )
    .unwrap();
    codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(
        std::fs::read_to_string(dir.path().join("out/README.md"))
            .unwrap()
            .contains("Evolved API")
    );
}

#[test]
fn codegen_says_how_the_public_api_changed_and_what_the_version_needs() {
    let (dir, spec, out) = spec_folder(None);
    let first = codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(
        first.contains("public API: listed for the first time"),
        "{first}"
    );

    std::fs::write(
        dir.path().join("api.yaml"),
        BASE.replace("[ACTIVE, DELETED]", "[ACTIVE, DELETED, PAUSED]"),
    )
    .unwrap();
    let additive = codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(
        additive.contains(
            "public API: additive: 1 added\n  + variant crate::models::ThingState::Paused\n"
        ),
        "{additive}"
    );
    assert!(
        additive.contains(
            "version: stays 0.1.0; the next release needs 0.1.1 or later for the additions"
        ),
        "{additive}"
    );

    let again = codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(
        again.contains("public API: no public API change"),
        "{again}"
    );

    std::fs::write(dir.path().join("api.yaml"), BASE).unwrap();
    let breaking = codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(breaking.contains("public API: breaking: 1 removed or changed, 0 added\n  - variant crate::models::ThingState::Paused\n"), "{breaking}");
    assert!(
        breaking
            .contains("version: stays 0.1.0, but the API broke: semver asks for 0.2.0 or later"),
        "{breaking}"
    );

    std::fs::write(
        dir.path().join("api.yaml"),
        BASE.replace("[ACTIVE, DELETED]", "[ACTIVE]"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("api.toml"),
        "[package]\nversion = \"0.2.0\"\n",
    )
    .unwrap();
    let bumped = codegen(&["--spec", &spec, "--out", &out]).unwrap();
    assert!(
        bumped.contains("version: 0.1.0 -> 0.2.0 marks the breaking change"),
        "{bumped}"
    );
}

/// A git repository holding `generated/public-api.txt` and `generated/Cargo.toml`.
struct Repo(tempfile::TempDir);

impl Repo {
    fn new() -> Self {
        let repo = Self(tempfile::tempdir().unwrap());
        repo.git(&["init", "-q"]);
        repo
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args([
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(self.path())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    /// Writes the crate's listing (these lines after a header) and version.
    fn write(&self, lines: &[&str], version: &str) {
        let generated = self.path().join("generated");
        std::fs::create_dir_all(&generated).unwrap();
        let listing = format!("# @generated by a test\n#\n{}\n", lines.join("\n"));
        std::fs::write(generated.join("public-api.txt"), listing).unwrap();
        let manifest = format!(
            "# @generated by a test\n[package]\nname = \"demo\"\nversion = \"{version}\"\n"
        );
        std::fs::write(generated.join("Cargo.toml"), manifest).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn semver(&self, baseline: Option<&str>) -> Result<String, String> {
        let args = xtask::semver::SemverArgs {
            baseline: baseline.map(str::to_owned),
        };
        xtask::semver::run(self.path(), &args)
    }
}

#[test]
fn semver_checks_the_change_being_made_against_head() {
    let repo = Repo::new();
    repo.write(&["pub fn crate::a()", "pub fn crate::b()"], "0.1.0");
    repo.commit("first");
    repo.write(
        &[
            "pub fn crate::a()",
            "pub fn crate::b()",
            "pub fn crate::c()",
        ],
        "0.1.0",
    );
    let additive = repo.semver(None).unwrap();
    assert!(additive.contains("against HEAD ("), "{additive}");
    assert!(
        additive.contains("additive: 1 added\n  + pub fn crate::c()\n"),
        "{additive}"
    );

    repo.write(&["pub fn crate::a()"], "0.1.1");
    let error = repo.semver(None).unwrap_err();
    assert!(
        error.contains("breaking: 1 removed or changed, 0 added\n  - pub fn crate::b()\n"),
        "{error}"
    );
    assert!(
        error.contains(
            "version: 0.1.0 -> 0.1.1, but the API broke: semver asks for 0.2.0 or later."
        ),
        "{error}"
    );

    repo.write(&["pub fn crate::a()"], "0.2.0");
    let bumped = repo.semver(None).unwrap();
    assert!(
        bumped.contains("version: 0.1.0 -> 0.2.0 marks the breaking change."),
        "{bumped}"
    );
}

#[test]
fn semver_checks_the_last_committed_change_on_a_clean_tree() {
    let repo = Repo::new();
    repo.write(&["pub fn crate::a()", "pub fn crate::b()"], "0.1.0");
    repo.commit("first");
    // The first commit created the listing: nothing to compare with.
    let created = repo.semver(None).unwrap();
    assert!(
        created.contains("nothing to compare with")
            && created.contains("created generated/public-api.txt"),
        "{created}"
    );

    repo.write(&["pub fn crate::a()"], "0.1.0");
    repo.commit("break without a bump");
    std::fs::write(repo.path().join("unrelated.txt"), "later work").unwrap();
    repo.commit("an unrelated commit on top");
    let error = repo.semver(None).unwrap_err();
    assert!(error.contains("- pub fn crate::b()"), "{error}");
    assert!(error.contains("stays 0.1.0, but the API broke"), "{error}");

    // A release tag as the baseline judges everything since the release at once.
    repo.git(&["tag", "v0.1.0", "HEAD~2"]);
    repo.write(&["pub fn crate::a()", "pub fn crate::d()"], "0.2.0");
    repo.commit("bump");
    let since_release = repo.semver(Some("v0.1.0")).unwrap();
    assert!(
        since_release.contains("against v0.1.0 ("),
        "{since_release}"
    );
    assert!(
        since_release.contains("0.1.0 -> 0.2.0 marks the breaking change"),
        "{since_release}"
    );
    assert!(
        repo.semver(Some("no-such-tag"))
            .unwrap_err()
            .contains("is not a commit")
    );
}

#[test]
fn semver_passes_with_a_notice_without_history() {
    let plain = tempfile::tempdir().unwrap();
    let generated = plain.path().join("generated");
    std::fs::create_dir_all(&generated).unwrap();
    std::fs::write(generated.join("public-api.txt"), "pub fn crate::a()\n").unwrap();
    std::fs::write(
        generated.join("Cargo.toml"),
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let args = xtask::semver::SemverArgs::default();
    let outside = xtask::semver::run(plain.path(), &args).unwrap();
    assert!(
        outside.contains("is not a git checkout; passing."),
        "{outside}"
    );

    let repo = Repo::new();
    repo.write(&["pub fn crate::a()", "pub fn crate::b()"], "0.1.0");
    repo.commit("first");
    repo.write(&["pub fn crate::a()"], "0.1.0");
    repo.commit("second");
    let clone = tempfile::tempdir().unwrap();
    let status = Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", repo.path().display()))
        .arg(clone.path().join("shallow"))
        .status()
        .unwrap();
    assert!(status.success());
    let shallow = xtask::semver::run(&clone.path().join("shallow"), &args).unwrap();
    assert!(
        shallow.contains("this is a shallow clone without the commit before"),
        "{shallow}"
    );
    assert!(shallow.contains("fetch-depth: 2 or 0"), "{shallow}");
}
