//! The declared `rust-version`s are true. Clippy's `incompatible_msrv` (on in every lint run)
//! holds our own code to its crate's version; this test holds the dependencies to it, from
//! what `cargo metadata` reports of each package:
//!
//! - everything the generated crate builds on (normal and build dependencies, all features,
//!   every platform) declares a rust-version no newer than the crate's, so a downstream crate
//!   on that Rust builds it;
//! - every workspace crate declares at least what it and its dev-dependencies need (the
//!   benches' criterion needs a newer Rust than the generated crate does).
//!
//! Cargo resolves with these versions in mind: the workspace uses resolver 3, whose
//! `incompatible-rust-versions = "fallback"` prefers dependency versions that support them.

use integration_tests::workspace_root;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// A `rust-version` as numbers, `1.85` as `[1, 85, 0]`: `1.9` sorts before `1.85`, and
/// `1.85.0` is `1.85`.
type RustVersion = [u64; 3];

fn parse(version: &str) -> RustVersion {
    let mut parsed = [0; 3];
    for (at, part) in version.split('.').enumerate() {
        assert!(at < 3, "rust-version {version:?}");
        parsed[at] = part
            .parse()
            .unwrap_or_else(|_| panic!("rust-version {version:?}"));
    }
    parsed
}

struct Metadata {
    /// Package id -> name, version and rust-version (if the package declares one).
    packages: BTreeMap<String, (String, String, Option<RustVersion>)>,
    /// Package id -> its dependencies, each with whether it is only a dev-dependency.
    dependencies: BTreeMap<String, Vec<(String, bool)>>,
    members: Vec<String>,
}

fn metadata() -> Metadata {
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo metadata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = json["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            (
                package["id"].as_str().unwrap().to_owned(),
                (
                    package["name"].as_str().unwrap().to_owned(),
                    package["version"].as_str().unwrap().to_owned(),
                    package["rust_version"].as_str().map(parse),
                ),
            )
        })
        .collect();
    let dependencies = json["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|dep| {
                    let only_dev = dep["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|kind| kind["kind"] == "dev");
                    (dep["pkg"].as_str().unwrap().to_owned(), only_dev)
                })
                .collect();
            (node["id"].as_str().unwrap().to_owned(), deps)
        })
        .collect();
    let members = json["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    Metadata {
        packages,
        dependencies,
        members,
    }
}

impl Metadata {
    /// The packages building `roots` takes: them and their normal and build dependencies.
    fn closure(&self, roots: impl IntoIterator<Item = String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = roots.into_iter().collect();
        while let Some(id) = stack.pop() {
            if seen.insert(id.clone()) {
                stack.extend(
                    self.dependencies[&id]
                        .iter()
                        .filter(|(_, only_dev)| !only_dev)
                        .map(|(dep, _)| dep.clone()),
                );
            }
        }
        seen
    }

    /// The packages of `ids` that need a newer Rust than `limit`, as `name version (needs X)`.
    fn newer_than(&self, ids: &BTreeSet<String>, limit: &RustVersion) -> Vec<String> {
        ids.iter()
            .filter_map(|id| {
                let (name, version, rust_version) = &self.packages[id];
                let needed = rust_version.as_ref()?;
                (needed > limit).then(|| format!("{name} {version} (needs {needed:?})"))
            })
            .collect()
    }

    fn member(&self, name: &str) -> &String {
        self.members
            .iter()
            .find(|id| self.packages[*id].0 == name)
            .unwrap_or_else(|| panic!("no workspace member {name}"))
    }

    fn declared(&self, id: &str) -> RustVersion {
        let (name, _, rust_version) = &self.packages[id];
        rust_version.unwrap_or_else(|| panic!("{name} declares no rust-version"))
    }
}

#[test]
fn the_generated_crate_builds_on_the_rust_it_declares() {
    let metadata = metadata();
    let generated = metadata.member("atlas-snapshots");
    let declared = metadata.declared(generated);
    let closure = metadata.closure([generated.clone()]);
    assert!(closure.len() > 10, "{closure:?}");
    let too_new = metadata.newer_than(&closure, &declared);
    assert!(
        too_new.is_empty(),
        "atlas-snapshots declares rust-version {declared:?}, but it builds on {too_new:?}"
    );
}

#[test]
fn workspace_crates_declare_what_their_tests_and_benches_need() {
    let metadata = metadata();
    for member in &metadata.members {
        let declared = metadata.declared(member);
        // The crate with its dev-dependencies, and everything those build on.
        let dev_roots = metadata.dependencies[member]
            .iter()
            .map(|(dep, _)| dep.clone());
        let closure = metadata.closure(std::iter::once(member.clone()).chain(dev_roots));
        let too_new = metadata.newer_than(&closure, &declared);
        assert!(
            too_new.is_empty(),
            "{} declares rust-version {declared:?}, but its targets build on {too_new:?}",
            metadata.packages[member].0
        );
    }
}
