//! String enums that list the same values share one generic enum, and stay types of their own.
//!
//! Atlas repeats an enum inline wherever a property takes it: on its whole spec, 657 string
//! enums hold 341 distinct lists of values (the cloud providers alone come 44 times). Each
//! enum is a dozen trait impls, and rustc pays about the same for an impl however small it
//! is, so the repeats were a seventh of the crate's type checking. Every string enum becomes
//! `pub type Name = OneOf..<name::Name>`: the generic enum holds the variants and every impl
//! once per list of values, and the marker type `name::Name`, one per enum, keeps each a
//! distinct type.
//!
//! Plain aliases of one enum would have saved as much, but they make two enums of the spec
//! one type: when Atlas adds a value to one of them, they part, and code that passed one where
//! the other was expected stops compiling. With markers, an enum that gains a value moves to
//! another generic enum and its users see only the new variant. Every enum is an alias, those
//! whose values no other enum lists too: a type alias does not allow `use Name::Variant`, so an
//! enum that turned into an alias when the spec gained another enum of the same values would
//! break code that compiled.

use crate::ir::{Gate, StringEnum, TypeDef, TypeId, TypeKind, TypeSpace};
use crate::naming;
use std::collections::{BTreeMap, BTreeSet};

/// How many variant names a shared enum's name spells out before it counts the rest.
const NAMED_VARIANTS: usize = 3;
/// How long the variant names in a shared enum's name may grow.
const MAX_NAME_LENGTH: usize = 64;

/// Moves the values of every string enum into a [`TypeKind::SharedEnum`], one per distinct
/// list, and makes each enum a [`TypeKind::SharedEnumInstance`] of it.
/// Runs before gating, so that the shared enum compiles wherever one of its instances does.
pub(super) fn share_enum_values(types: &mut TypeSpace) {
    let mut sets: BTreeMap<StringEnum, Vec<TypeId>> = BTreeMap::new();
    for (id, def) in types.iter() {
        if let TypeKind::StringEnum(values) = &def.kind {
            sets.entry(values.clone()).or_default().push(id);
        }
    }
    let mut taken_types: BTreeSet<String> = BTreeSet::new();
    let mut taken_modules: BTreeSet<String> = BTreeSet::new();
    for (_, def) in types.iter() {
        taken_types.insert(def.rust_name.clone());
        taken_modules.insert(def.module_name.clone());
    }
    for (values, members) in sets {
        let (rust_name, module_name) = free_name(&values, &taken_types, &taken_modules);
        taken_types.insert(rust_name.clone());
        taken_modules.insert(module_name.clone());
        let origin = types.get(members[0]).origin.clone();
        let shared = types.reserve(TypeDef {
            rust_name,
            module_name,
            origin,
            docs: None,
            deprecated: false,
            kind: TypeKind::SharedEnum(values),
            gate: Gate::Always,
        });
        for member in members {
            types.set_kind(member, TypeKind::SharedEnumInstance(shared));
        }
    }
}

/// A name that says which values the enum holds, `OneOfAwsAzureGcp` or
/// `OneOfM10M20M30And37More`, with a number after it when a type or module has it already.
/// Variant names go in while the name stays short enough for a file name of rustdoc's (a
/// value can be a sentence); one too long alone is cut.
fn free_name(
    values: &StringEnum,
    taken_types: &BTreeSet<String>,
    taken_modules: &BTreeSet<String>,
) -> (String, String) {
    let mut base = String::from("OneOf");
    let mut named = 0;
    for variant in values.variants.iter().take(NAMED_VARIANTS) {
        // `Self_`: a name of camel-case words only, as rustc's lint wants.
        let word: String = variant.rust_name.chars().filter(|c| *c != '_').collect();
        if named > 0 && base.len() + word.len() > MAX_NAME_LENGTH {
            break;
        }
        base.extend(word.chars().take(MAX_NAME_LENGTH - "OneOf".len()));
        named += 1;
    }
    if values.variants.len() > named {
        base.push_str(&format!("And{}More", values.variants.len() - named));
    }
    let mut candidate = base.clone();
    for number in 2.. {
        let module = naming::module_name(&candidate);
        if !taken_types.contains(&candidate) && !taken_modules.contains(&module) {
            return (candidate, module);
        }
        candidate = format!("{base}V{number}");
    }
    unreachable!("some number is free")
}

#[cfg(test)]
mod tests {
    use crate::ir::{Api, TypeKind};

    fn lowered(schemas: &str) -> Api {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        crate::lower::lower(serde_yaml::from_str(&spec).expect("a spec")).expect("lowers")
    }

    /// Each enum's name, with the name of the shared enum that holds its values.
    fn sharing(api: &Api) -> Vec<(String, Option<String>)> {
        let mut names: Vec<(String, Option<String>)> = api
            .types
            .iter()
            .filter_map(|(_, def)| match &def.kind {
                TypeKind::StringEnum(_) => Some((def.rust_name.clone(), None)),
                TypeKind::SharedEnumInstance(shared) => Some((
                    def.rust_name.clone(),
                    Some(api.types.get(*shared).rust_name.clone()),
                )),
                _ => None,
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_enum_is_an_alias_of_the_generic_enum_of_its_values() {
        let api = lowered(
            "    Disk: {type: object, properties: {tier: {type: string, enum: [M10, M20, M30, M40]}}}
    Node: {type: object, properties: {tier: {type: string, enum: [M10, M20, M30, M40]}}}
    Reordered: {type: object, properties: {tier: {type: string, enum: [M20, M10, M30, M40]}}}
    Fewer: {type: object, properties: {tier: {type: string, enum: [M10]}}}
    Cloud: {type: object, properties: {provider: {type: string, enum: [AWS, GCP]}}}
    Peering: {type: object, properties: {provider: {type: string, enum: [AWS, GCP]}}}
    OneOfAwsGcp: {type: object, properties: {provider: {type: string, enum: [AWS, GCP]}}}
    Link: {type: object, properties: {rel: {type: string, enum: [self, other]}}}
    Page: {type: object, properties: {rel: {type: string, enum: [self, other]}}}
    Note: {type: object, properties: {text: {type: string, enum: [LONG_ENOUGH_TO_FILL_A_LINE_OF_TEXT_BY_ITSELF_AND_THEN_SOME_MORE_STILL_WITHOUT_END, B]}}}
    Memo: {type: object, properties: {text: {type: string, enum: [LONG_ENOUGH_TO_FILL_A_LINE_OF_TEXT_BY_ITSELF_AND_THEN_SOME_MORE_STILL_WITHOUT_END, B]}}}
",
        );
        let some = |name: &str| Some(name.to_owned());
        assert_eq!(
            sharing(&api),
            [
                ("CloudProvider".to_owned(), some("OneOfAwsGcpV2")),
                ("DiskTier".to_owned(), some("OneOfM10M20M30And1More")),
                // Alone with its values, and still an alias: see the module docs.
                ("FewerTier".to_owned(), some("OneOfM10")),
                // `Self_` joins the name as `Self`: no underscore inside a camel-case name.
                ("LinkRel".to_owned(), some("OneOfSelfOther")),
                // A value as long as a sentence is cut, and counted among the rest.
                (
                    "MemoText".to_owned(),
                    some(
                        "OneOfLongEnoughToFillALineOfTextByItselfAndThenSomeMoreStillWithAnd1More"
                    )
                ),
                ("NodeTier".to_owned(), some("OneOfM10M20M30And1More")),
                (
                    "NoteText".to_owned(),
                    some(
                        "OneOfLongEnoughToFillALineOfTextByItselfAndThenSomeMoreStillWithAnd1More"
                    )
                ),
                // A schema has the name the values would give: the shared enum takes another.
                ("OneOfAwsGcpProvider".to_owned(), some("OneOfAwsGcpV2")),
                ("PageRel".to_owned(), some("OneOfSelfOther")),
                ("PeeringProvider".to_owned(), some("OneOfAwsGcpV2")),
                // The same values in another order list `KNOWN_VALUES` differently.
                ("ReorderedTier".to_owned(), some("OneOfM20M10M30And1More")),
            ]
        );
        let shared = api
            .types
            .iter()
            .find(|(_, def)| def.rust_name == "OneOfAwsGcpV2")
            .map(|(_, def)| def)
            .unwrap();
        assert!(!shared.is_model());
        assert_eq!(shared.module_name, "one_of_aws_gcp_v2");
    }
}
