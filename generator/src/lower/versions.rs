//! Unversioned names for the models that Atlas versions by date.
//!
//! Atlas names a new version of a resource's model after the day it appeared
//! (`FlexBackupSnapshot20241113`), and the types nested in it inherit the date
//! (`FlexBackupSnapshot20241113Status`). Users think of "the snapshot", not of its version:
//! each family of names that differ only in that date gets its name without the date, for its
//! newest version, where no type of the spec has that name already.

use crate::ir::{TypeId, TypeSpace, VersionAlias};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};

/// The aliases, sorted by name. A family gets none when its unversioned name is taken (by a
/// type, such as the unversioned model Atlas keeps beside the new one, or by Rust's prelude),
/// or when two of its names carry the newest date, so that neither is the newest.
pub(super) fn version_aliases(types: &TypeSpace) -> Vec<VersionAlias> {
    let taken: BTreeSet<&str> = types
        .iter()
        .map(|(_, def)| def.rust_name.as_str())
        .collect();
    let mut families: BTreeMap<String, Vec<(u32, TypeId)>> = BTreeMap::new();
    // A shared enum's name is made of its values, which may look like dates.
    for (id, def) in types.iter().filter(|(_, def)| def.is_model()) {
        if let Some((base, date)) = naming::split_date_version(&def.rust_name) {
            families.entry(base).or_default().push((date, id));
        }
    }
    families
        .into_iter()
        .filter(|(base, _)| {
            !taken.contains(base.as_str())
                && !naming::PRELUDE_TYPES.contains(&base.as_str())
                // A name the generator would not keep as spelled (`Self`) is no type name.
                && naming::type_name(base) == *base
        })
        .filter_map(|(rust_name, mut versions)| {
            versions.sort();
            let (version, target) = *versions.last()?;
            let newest = versions.iter().filter(|(date, _)| *date == version).count();
            (newest == 1).then(|| VersionAlias {
                rust_name,
                target,
                version,
                older: versions[..versions.len() - 1]
                    .iter()
                    .map(|(_, id)| *id)
                    .collect(),
            })
        })
        .collect()
}
