//! The second half of a listing: with the module tree built from every file, markers become
//! paths, lines of items users cannot name go, and each line gets its subject and `cfg`s.

use super::lines::{FileLines, MARKER, Owner, PendingPath, SUBJECT};
use super::model::{Crate, Reach, Target, union};
use std::collections::{BTreeMap, BTreeSet};

/// A finished line, with the key it sorts by: the item it is about, then what part of it.
pub(super) struct Line {
    pub(super) subject: String,
    pub(super) rank: u8,
    pub(super) text: String,
}

/// The lines the module tree itself gives: public modules and re-exports.
pub(super) fn structure_lines(krate: &Crate, reach: &Reach) -> Vec<Line> {
    let mut out = Vec::new();
    for target in reach.paths.keys() {
        let Some((path, cfgs)) = reach.canonical(krate, target) else {
            continue;
        };
        let shown = crate_path(path);
        for (alias, alias_cfgs) in &reach.paths[target] {
            if alias != path {
                out.push(Line {
                    subject: crate_path(alias),
                    rank: 0,
                    text: format!(
                        "{}reexport {} = {shown}",
                        cfg_prefix(alias_cfgs),
                        crate_path(alias)
                    ),
                });
            }
        }
        if matches!(target, Target::Module(_)) && !path.is_empty() {
            out.push(Line {
                subject: shown.clone(),
                rank: 0,
                text: format!("{}pub mod {shown}", cfg_prefix(cfgs)),
            });
        }
    }
    for (path, external, cfgs) in &reach.external {
        out.push(Line {
            subject: crate_path(path),
            rank: 0,
            text: format!(
                "{}reexport {} = {}",
                cfg_prefix(cfgs),
                crate_path(path),
                external_path(external).join("::")
            ),
        });
    }
    out
}

/// Each path of a file as the listing writes it, and what it names when that is in the crate.
pub(super) type ResolvedPaths = Vec<(String, Option<Target>)>;

pub(super) fn resolve_paths(krate: &Crate, reach: &Reach, file: &FileLines) -> ResolvedPaths {
    file.paths
        .iter()
        .map(|path| resolve_path(krate, reach, &file.modules[path.module], path))
        .collect()
}

/// The templates of the crate (see `lines`) and their public aliases, by the subject and
/// `cfg`s each is listed under.
#[derive(Default)]
pub(super) struct Instances {
    templates: BTreeSet<Target>,
    by_template: BTreeMap<Target, Vec<(String, Vec<String>)>>,
}

impl Instances {
    pub(super) fn new(
        krate: &Crate,
        reach: &Reach,
        files: &[(&FileLines, &ResolvedPaths)],
    ) -> Self {
        let mut templates = BTreeSet::new();
        for (file, _) in files {
            for (module, index) in &file.templates {
                if let Some(module) = krate.module_at(&file.modules[*module]) {
                    templates.insert(Target::Item(module, *index));
                }
            }
        }
        let mut by_template: BTreeMap<Target, Vec<(String, Vec<String>)>> = BTreeMap::new();
        for (file, paths) in files {
            for line in &file.lines {
                let (Owner::Item { module, index }, Some(alias_of)) = (&line.owner, line.alias_of)
                else {
                    continue;
                };
                let Some(template) = paths[alias_of].1.as_ref().filter(|t| templates.contains(t))
                else {
                    continue;
                };
                let Some(module) = krate.module_at(&file.modules[*module]) else {
                    continue;
                };
                if let Some((path, cfgs)) = reach.canonical(krate, &Target::Item(module, *index)) {
                    by_template
                        .entry(template.clone())
                        .or_default()
                        .push((crate_path(path), union(cfgs, &line.cfgs)));
                }
            }
        }
        Self {
            templates,
            by_template,
        }
    }
}

/// The finished lines of one file.
pub(super) fn file_lines(
    krate: &Crate,
    reach: &Reach,
    file: &FileLines,
    paths: &ResolvedPaths,
    instances: &Instances,
) -> Vec<Line> {
    let mut out = Vec::new();
    for line in &file.lines {
        let (subject, cfgs) = match &line.owner {
            Owner::Item { module, index } => {
                let Some(module) = krate.module_at(&file.modules[*module]) else {
                    continue;
                };
                let target = Target::Item(module, *index);
                let aliased = line
                    .alias_of
                    .and_then(|marker| paths[marker].1.as_ref())
                    .is_some_and(|aliased| instances.templates.contains(aliased));
                if aliased {
                    // Listed as the template's lines, under the alias's name.
                    continue;
                }
                let own = reach
                    .canonical(krate, &target)
                    .filter(|_| !instances.templates.contains(&target));
                let Some((path, cfgs)) = own else {
                    for (subject, alias_cfgs) in
                        instances.by_template.get(&target).into_iter().flatten()
                    {
                        out.push(Line {
                            text: format!(
                                "{}{}",
                                cfg_prefix(&union(alias_cfgs, &line.cfgs)),
                                substitute(&line.text, subject, paths)
                            ),
                            subject: subject.clone(),
                            rank: line.rank,
                        });
                    }
                    continue;
                };
                (crate_path(path), union(cfgs, &line.cfgs))
            }
            Owner::Impl {
                module,
                self_path,
                trait_path,
                self_text,
            } => {
                let Some(module) = krate.module_at(&file.modules[*module]) else {
                    continue;
                };
                // `Some(None)`: not one of the crate's items; `None`: one users cannot name.
                let public = |marker: Option<usize>| -> Option<Option<(String, Vec<String>)>> {
                    match marker.and_then(|marker| paths[marker].1.as_ref()) {
                        Some(target @ (Target::Item(..) | Target::Module(_))) => {
                            let (path, cfgs) = reach.canonical(krate, target)?;
                            Some(Some((crate_path(path), cfgs.clone())))
                        }
                        _ => Some(None),
                    }
                };
                let (Some(self_item), Some(trait_item)) = (public(*self_path), public(*trait_path))
                else {
                    continue;
                };
                // `impl From<Private> for String` is no use to anyone who cannot name `Private`.
                if mentions_private_item(&line.text, krate, reach, paths) {
                    continue;
                }
                let module_cfgs = union(&krate.modules[module].cfgs, &line.cfgs);
                match (self_item, trait_item, trait_path) {
                    (Some((subject, cfgs)), _, _) => (subject, union(&module_cfgs, &cfgs)),
                    // Inherent impls are only ever on the crate's own types.
                    (None, _, None) => continue,
                    (None, Some((subject, _)), Some(_)) => (subject, module_cfgs),
                    (None, None, Some(_)) => (substitute(self_text, "", paths), module_cfgs),
                }
            }
        };
        out.push(Line {
            text: format!(
                "{}{}",
                cfg_prefix(&cfgs),
                substitute(&line.text, &subject, paths)
            ),
            subject,
            rank: line.rank,
        });
    }
    out
}

/// Whether a line names an item of the crate that users cannot name.
fn mentions_private_item(
    text: &str,
    krate: &Crate,
    reach: &Reach,
    paths: &[(String, Option<Target>)],
) -> bool {
    text.split(MARKER)
        .filter_map(|piece| piece.parse::<usize>().ok())
        .filter_map(|marker| paths.get(marker)?.1.as_ref())
        .any(|target| reach.canonical(krate, target).is_none())
}

/// A path as the listing writes it, and what it names when that is in the crate.
fn resolve_path(
    krate: &Crate,
    reach: &Reach,
    module: &[String],
    path: &PendingPath,
) -> (String, Option<Target>) {
    let as_written = || {
        let mut text = external_path(&path.segments).join("::");
        if path.as_trait && path.segments.len() == 1 {
            if let Some(full) = std_trait(&text) {
                text = full.to_owned();
            }
        }
        text
    };
    if path.external {
        return (as_written(), None);
    }
    let Some(module) = krate.module_at(module) else {
        return (as_written(), None);
    };
    match krate.resolve(module, &path.segments) {
        Some((Target::External(external), _)) => {
            let mut text = external_path(&external).join("::");
            if path.as_trait && external.len() == 1 {
                if let Some(full) = std_trait(&text) {
                    text = full.to_owned();
                }
            }
            (text, None)
        }
        Some((local, consumed)) => {
            let mut full = vec!["crate".to_owned()];
            match reach.canonical(krate, &local) {
                Some((public, _)) => full.extend(public.iter().cloned()),
                None => full.extend(krate.definition_path(&local)),
            }
            // What the path names inside the item: an enum variant, an associated item.
            full.extend(path.segments.iter().skip(consumed).cloned());
            (full.join("::"), Some(local))
        }
        None => (as_written(), None),
    }
}

/// The line's text with its markers replaced: `ǂSǂ` by the subject, `ǂNǂ` by path N.
fn substitute(text: &str, subject: &str, paths: &[(String, Option<Target>)]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find(MARKER) {
        out.push_str(&rest[..start]);
        let after = &rest[start + MARKER.len_utf8()..];
        let Some(end) = after.find(MARKER) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let marker = &after[..end];
        if format!("{MARKER}{marker}{MARKER}") == SUBJECT {
            out.push_str(subject);
        } else if let Some((path, _)) = marker.parse::<usize>().ok().and_then(|n| paths.get(n)) {
            out.push_str(path);
        } else {
            out.push_str(&rest[start..start + MARKER.len_utf8() * 2 + end]);
        }
        rest = &after[end + MARKER.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The prelude's and the standard derives' traits by their full path, so that a derive and
/// a hand-written impl of the same trait read the same.
fn std_trait(name: &str) -> Option<&'static str> {
    Some(match name {
        "Debug" => "std::fmt::Debug",
        "Clone" => "std::clone::Clone",
        "Copy" => "std::marker::Copy",
        "PartialEq" => "std::cmp::PartialEq",
        "Eq" => "std::cmp::Eq",
        "PartialOrd" => "std::cmp::PartialOrd",
        "Ord" => "std::cmp::Ord",
        "Hash" => "std::hash::Hash",
        "Default" => "std::default::Default",
        "From" => "std::convert::From",
        "Into" => "std::convert::Into",
        "TryFrom" => "std::convert::TryFrom",
        "TryInto" => "std::convert::TryInto",
        "AsRef" => "std::convert::AsRef",
        "AsMut" => "std::convert::AsMut",
        "Iterator" => "std::iter::Iterator",
        "IntoIterator" => "std::iter::IntoIterator",
        "Extend" => "std::iter::Extend",
        "Drop" => "std::ops::Drop",
        "Send" => "std::marker::Send",
        "Sync" => "std::marker::Sync",
        "ToString" => "std::string::ToString",
        "ToOwned" => "std::borrow::ToOwned",
        _ => return None,
    })
}

/// Another crate's path, with `core::` and `alloc::` written as `std::`, which re-exports
/// them: the same item, however the source spelt it.
fn external_path(path: &[String]) -> Vec<String> {
    let mut path = path.to_vec();
    if let Some(first) = path.first_mut() {
        if first == "core" || first == "alloc" {
            *first = "std".to_owned();
        }
    }
    path
}

fn crate_path(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        format!("crate::{}", path.join("::"))
    }
}

fn cfg_prefix(cfgs: &[String]) -> String {
    match cfgs {
        [] => String::new(),
        [one] => format!("#[cfg({one})] "),
        many => format!("#[cfg(all({}))] ", many.join(", ")),
    }
}
