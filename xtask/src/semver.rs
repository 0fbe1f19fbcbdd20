//! The generated crate's version against its public API: `cargo xtask codegen` says whether a
//! run changed the API additively or in a breaking way, and `cargo xtask semver` fails when
//! the committed API broke without the version bump semver asks for.
//!
//! Both compare `public-api.txt`, the generator's listing of the crate's public API (see
//! `atlas_codegen::public_api`): a line that is gone or different is breaking, a new line is
//! additive. The version is the one in the generated `Cargo.toml`, which comes from the
//! package config beside the spec.
//!
//! The baseline of `cargo xtask semver`:
//! - `--baseline REV` when given (a release tag, say);
//! - else, when the listing or the manifest differ from `HEAD` in the working tree, `HEAD`:
//!   the check is about the change not yet committed;
//! - else the state before the last commit that changed either file (its first parent): the
//!   check is about the latest change, which is what CI sees after a merge.
//!
//! Each breaking change is thus judged against the version before it: two breaking commits
//! between releases bump twice, unless `--baseline` names the release they follow. Without
//! the history to find a baseline (not a git checkout, a shallow clone, the commit that
//! created the listing) the check passes and says why; CI should fetch at least the last two
//! commits (`fetch-depth: 2`, or `0`).

use crate::codegen::DEFAULT_OUT;
use crate::write::{Change, Plan};
use atlas_codegen::Options;
use atlas_codegen::public_api::{ApiChange, ChangeKind, LISTING_PATH};
use semver::Version;
use std::path::Path;
use std::process::Command;

const MANIFEST: &str = "Cargo.toml";

/// How many changed lines a report shows of each kind.
const SHOWN_LINES: usize = 12;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SemverArgs {
    /// The git revision to compare with; see the module docs for the default.
    pub baseline: Option<String>,
}

impl SemverArgs {
    pub fn parse(args: &[String]) -> Result<Self, String> {
        let mut parsed = Self::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--baseline" => {
                    parsed.baseline = Some(
                        args.next()
                            .ok_or("--baseline needs a git revision")?
                            .clone(),
                    );
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(parsed)
    }
}

/// The lines `cargo xtask codegen` adds about the public API: how this run changed it, and
/// whether the version follows.
pub fn codegen_report(plan: &Plan, out_dir: &Path, options: &Options) -> String {
    let change = plan
        .changes
        .iter()
        .find(|change| change.path() == LISTING_PATH);
    let api = match change {
        None => ApiChange::default(),
        Some(Change::Create { .. }) => {
            return "public API: listed for the first time (public-api.txt)\n".to_owned();
        }
        Some(Change::Update { old, new, .. }) => ApiChange::between(old, new),
        Some(Change::Delete { .. }) => return String::new(),
    };
    let mut out = format!(
        "public API: {}\n{}",
        api.summary(),
        api.details(SHOWN_LINES)
    );
    if api.kind() == ChangeKind::None {
        return out;
    }
    let old_manifest = match plan.changes.iter().find(|change| change.path() == MANIFEST) {
        Some(Change::Update { old, .. }) => Some(old.clone()),
        _ => std::fs::read_to_string(out_dir.join(MANIFEST)).ok(),
    };
    let old_version = old_manifest
        .as_deref()
        .and_then(|text| package_field(text, "version"))
        .and_then(|version| Version::parse(&version).ok());
    if let (Some(old), Ok(new)) = (old_version, Version::parse(&options.crate_version)) {
        match judge(&old, &new, api.kind()) {
            Ok(verdict) => out.push_str(&format!("version: {verdict}\n")),
            Err(problem) => out.push_str(&format!(
                "version: {problem}; set `version` under [package] in the package config beside \
                 the spec, then run `cargo xtask codegen` again (`cargo xtask semver` fails \
                 until then)\n"
            )),
        }
    }
    out
}

/// Whether a version change fits an API change, with a sentence saying why.
///
/// # Errors
///
/// The sentence for a version that went down, or that is semver-compatible with the old one
/// although the API broke.
pub fn judge(old: &Version, new: &Version, kind: ChangeKind) -> Result<String, String> {
    if new < old {
        return Err(format!("the version went down from {old} to {new}"));
    }
    let moved = if new == old {
        format!("stays {old}")
    } else {
        format!("{old} -> {new}")
    };
    match kind {
        ChangeKind::Breaking if compatible(old, new) => Err(format!(
            "{moved}, but the API broke: semver asks for {} or later",
            least_breaking(old)
        )),
        ChangeKind::Breaking => Ok(format!("{moved} marks the breaking change")),
        ChangeKind::Additive if new == old => Ok(format!(
            "{moved}; the next release needs {} or later for the additions",
            least_additive(old)
        )),
        ChangeKind::Additive | ChangeKind::None => Ok(moved),
    }
}

/// Cargo's reading of semver: `^old` accepts `new`.
fn compatible(old: &Version, new: &Version) -> bool {
    if old.major > 0 {
        new.major == old.major
    } else if old.minor > 0 {
        new.major == 0 && new.minor == old.minor
    } else {
        new.major == 0 && new.minor == 0 && new.patch == old.patch
    }
}

/// The first version a breaking change may have: a new major, or a new minor before 1.0.
fn least_breaking(old: &Version) -> Version {
    if old.major > 0 {
        Version::new(old.major + 1, 0, 0)
    } else if old.minor > 0 {
        Version::new(0, old.minor + 1, 0)
    } else {
        Version::new(0, 0, old.patch + 1)
    }
}

/// The first version additions may have: a new minor, or a new patch before 1.0 (Cargo's
/// convention for 0.x).
fn least_additive(old: &Version) -> Version {
    if old.major > 0 {
        Version::new(old.major, old.minor + 1, 0)
    } else {
        Version::new(0, old.minor, old.patch + 1)
    }
}

/// `cargo xtask semver`: the committed public API against the baseline (see the module
/// docs).
///
/// # Errors
///
/// A breaking change without the version bump it needs, a version that went down, or git
/// failing in a checkout.
pub fn run(root: &Path, args: &SemverArgs) -> Result<String, String> {
    let listing = format!("{DEFAULT_OUT}/{LISTING_PATH}");
    let manifest = format!("{DEFAULT_OUT}/{MANIFEST}");
    let read = |relative: &str| {
        std::fs::read_to_string(root.join(relative))
            .map_err(|error| format!("cannot read {relative}: {error}\n"))
    };
    let (new_listing, new_manifest) = (read(&listing)?, read(&manifest)?);
    let pass = |why: String| {
        Ok(format!(
            "semver: nothing to compare with: {why}; passing.\n"
        ))
    };

    if git(root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        return pass(format!("{} is not a git checkout", root.display()));
    }
    // The revision, and how to name it to people.
    let (baseline, named) = match &args.baseline {
        Some(revision) => (revision.clone(), revision.clone()),
        None => {
            let at_head = |relative: &str| git(root, &["show", &format!("HEAD:./{relative}")]).ok();
            let (head_listing, head_manifest) = (at_head(&listing), at_head(&manifest));
            if head_listing.is_none() {
                return pass(format!("{listing} is not committed yet"));
            }
            if head_listing.as_deref() != Some(new_listing.as_str())
                || head_manifest.as_deref() != Some(new_manifest.as_str())
            {
                ("HEAD".to_owned(), "HEAD".to_owned())
            } else {
                let last = git(
                    root,
                    &["log", "-n", "1", "--format=%H", "--", &listing, &manifest],
                )?;
                let last = last.trim().to_owned();
                let parent = format!("{last}^");
                if git(
                    root,
                    &[
                        "rev-parse",
                        "--verify",
                        "--quiet",
                        &format!("{parent}^{{commit}}"),
                    ],
                )
                .is_err()
                {
                    let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
                        .is_ok_and(|answer| answer.trim() == "true");
                    let short = &last[..last.len().min(12)];
                    return pass(if shallow {
                        format!(
                            "this is a shallow clone without the commit before {short}, the last \
                             change to {listing}; fetch more history (fetch-depth: 2 or 0) to check it"
                        )
                    } else {
                        format!("{short} created {listing}")
                    });
                }
                (
                    parent,
                    format!("the commit before {}", &last[..last.len().min(12)]),
                )
            }
        }
    };
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{baseline}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("the baseline {baseline:?} is not a commit of this repository\n"))?;
    let commit = commit.trim();
    let shown = format!("{named} ({})", &commit[..commit.len().min(12)]);
    let at_baseline = |relative: &str| git(root, &["show", &format!("{commit}:./{relative}")]).ok();
    let (Some(old_listing), Some(old_manifest)) = (at_baseline(&listing), at_baseline(&manifest))
    else {
        return pass(format!("the baseline, {shown}, has no {listing}"));
    };

    let version = |text: &str, place: &str| -> Result<(String, Version), String> {
        let name = package_field(text, "name").unwrap_or_default();
        let version = package_field(text, "version")
            .ok_or_else(|| format!("{place} has no [package] version\n"))?;
        let version = Version::parse(&version)
            .map_err(|error| format!("{place}: version {version:?} is not semver: {error}\n"))?;
        Ok((name, version))
    };
    let (old_name, old_version) = version(&old_manifest, &format!("{manifest} at {shown}"))?;
    let (new_name, new_version) = version(&new_manifest, &manifest)?;
    if old_name != new_name {
        return pass(format!(
            "the package was renamed from {old_name} to {new_name}, a new crate"
        ));
    }
    let change = ApiChange::between(&old_listing, &new_listing);
    let report = format!(
        "semver: {listing} against {shown}: {}\n{}",
        change.summary(),
        change.details(SHOWN_LINES)
    );
    match judge(&old_version, &new_version, change.kind()) {
        Ok(verdict) => Ok(format!("{report}version: {verdict}.\n")),
        Err(problem) => Err(format!(
            "{report}version: {problem}.\nSet `version` under [package] in the spec's package \
             config (spec/*.toml) and run `cargo xtask codegen`.\n"
        )),
    }
}

/// A string field of `[package]` in a manifest.
fn package_field(manifest: &str, key: &str) -> Option<String> {
    let document = toml::de::DeTable::parse(manifest).ok()?;
    let package = document.get_ref().get("package")?.get_ref().as_table()?;
    package.get(key)?.get_ref().as_str().map(str::to_owned)
}

/// Runs git in `root`; `Ok` holds its standard output.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|error| format!("cannot run git: {error}\n"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "git {} failed: {}\n",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn a_breaking_change_needs_an_incompatible_version() {
        let breaking = ChangeKind::Breaking;
        assert!(
            judge(&v("0.1.0"), &v("0.1.1"), breaking)
                .unwrap_err()
                .contains("semver asks for 0.2.0 or later")
        );
        assert!(judge(&v("0.1.0"), &v("0.2.0"), breaking).is_ok());
        assert!(
            judge(&v("1.4.2"), &v("1.5.0"), breaking)
                .unwrap_err()
                .contains("2.0.0")
        );
        assert!(judge(&v("1.4.2"), &v("2.0.0"), breaking).is_ok());
        assert!(judge(&v("0.0.3"), &v("0.0.4"), breaking).is_ok());
        assert!(judge(&v("0.0.3"), &v("0.0.3"), breaking).is_err());
    }

    #[test]
    fn additions_pass_and_say_what_the_release_needs() {
        assert_eq!(
            judge(&v("0.1.0"), &v("0.1.0"), ChangeKind::Additive).unwrap(),
            "stays 0.1.0; the next release needs 0.1.1 or later for the additions"
        );
        assert_eq!(
            judge(&v("1.2.0"), &v("1.2.0"), ChangeKind::Additive).unwrap(),
            "stays 1.2.0; the next release needs 1.3.0 or later for the additions"
        );
        assert_eq!(
            judge(&v("0.1.0"), &v("0.1.1"), ChangeKind::None).unwrap(),
            "0.1.0 -> 0.1.1"
        );
    }

    #[test]
    fn a_version_never_goes_down() {
        assert!(
            judge(&v("0.2.0"), &v("0.1.9"), ChangeKind::None)
                .unwrap_err()
                .contains("went down from 0.2.0 to 0.1.9")
        );
    }

    #[test]
    fn manifest_fields_are_read_from_package() {
        let manifest = "# header\n[package]\nname = \"x\"\nversion = \"0.3.1\"\n[dependencies]\nversion = \"no\"\n";
        assert_eq!(package_field(manifest, "version").as_deref(), Some("0.3.1"));
        assert_eq!(package_field(manifest, "name").as_deref(), Some("x"));
        assert_eq!(package_field("not toml [", "version"), None);
    }
}
