//! The listing of small hand-written crates: name resolution, visibility and line shapes.

use super::*;

fn crate_listing(files: &[(&str, &str)]) -> Vec<String> {
    let files: Vec<GeneratedFile> = files
        .iter()
        .map(|(path, contents)| GeneratedFile {
            path: (*path).to_owned(),
            contents: (*contents).to_owned(),
        })
        .collect();
    listing(&files)
        .unwrap_or_else(|error| panic!("{error}"))
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn items_of_private_modules_are_listed_where_users_name_them() {
    let lines = crate_listing(&[
        (
            "src/lib.rs",
            "pub mod models; mod hidden; pub use hidden::Shown;",
        ),
        ("src/models/mod.rs", "mod thing; pub use thing::Thing;"),
        (
            "src/models/thing.rs",
            "pub struct Thing { pub id: String }\n\
             impl Thing { pub fn id(&self) -> &str { &self.id } fn private(&self) {} }\n\
             pub struct Unreachable;",
        ),
        (
            "src/hidden.rs",
            "pub struct Shown; pub(crate) struct Internal;",
        ),
    ]);
    assert_eq!(
        lines,
        [
            "pub struct crate::Shown",
            "pub mod crate::models",
            "pub struct crate::models::Thing { pub id: String }",
            "impl crate::models::Thing { pub fn id(&self) -> &str }",
        ]
    );
}

#[test]
fn paths_read_the_same_however_the_source_spells_them() {
    let lines = crate_listing(&[
        (
            "src/lib.rs",
            "pub mod a; pub mod b;\n\
             use std::fmt;\n\
             pub fn one(x: a::Item, y: crate::a::Item, z: self::a::Item) -> fmt::Result { todo!() }\n\
             pub fn two(w: ::core::time::Duration) {}",
        ),
        ("src/a.rs", "pub struct Item;"),
        (
            "src/b.rs",
            "use super::a::Item as Renamed; pub fn three(item: Renamed) {}",
        ),
    ]);
    assert!(lines.contains(&"pub fn crate::one(x: crate::a::Item, y: crate::a::Item, z: crate::a::Item) -> std::fmt::Result".to_owned()), "{lines:#?}");
    assert!(
        lines.contains(&"pub fn crate::two(w: std::time::Duration)".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"pub fn crate::b::three(item: crate::a::Item)".to_owned()),
        "{lines:#?}"
    );
}

#[test]
fn a_definition_path_users_can_write_wins_over_re_exports() {
    let lines = crate_listing(&[
        (
            "src/lib.rs",
            "pub mod runtime; pub use runtime::client::Client; pub use runtime::*;",
        ),
        (
            "src/runtime/mod.rs",
            "pub mod client; pub use client::Client;",
        ),
        (
            "src/runtime/client.rs",
            "#[derive(Debug, Clone)] pub struct Client { inner: u8 }",
        ),
    ]);
    assert_eq!(
        lines,
        [
            "reexport crate::Client = crate::runtime::client::Client",
            "reexport crate::client = crate::runtime::client",
            "pub mod crate::runtime",
            "reexport crate::runtime::Client = crate::runtime::client::Client",
            "pub mod crate::runtime::client",
            "pub struct crate::runtime::client::Client { .. }",
            "impl std::clone::Clone for crate::runtime::client::Client",
            "impl std::fmt::Debug for crate::runtime::client::Client",
        ]
    );
}

#[test]
fn what_makes_an_addition_breaking_is_in_the_line_it_breaks() {
    let lines = crate_listing(&[(
        "src/lib.rs",
        "pub struct Open { pub a: u8, pub b: u8 }\n\
         #[non_exhaustive] pub struct Closed { pub a: u8 }\n\
         pub enum Exhaustive { A, B(u8), C { x: bool } }\n\
         #[non_exhaustive] pub enum Growing { A, B(u8) }\n\
         pub trait Implement: Clone { type Out; fn must(&self); fn may(&self) {} const N: u8 = 1; }",
    )]);
    for expected in [
        // Built with a literal, matched exhaustively, implemented: every part is in the line.
        "pub struct crate::Open { pub a: u8, pub b: u8 }",
        "pub enum crate::Exhaustive { A, B(u8), C { x: bool } }",
        "pub trait crate::Implement: Clone { required: fn must, type Out }",
        // Parts users cannot rely on being all there get a line each.
        "#[non_exhaustive] pub struct crate::Closed { .. }",
        "field crate::Closed.a: u8",
        "#[non_exhaustive] pub enum crate::Growing { .. }",
        "variant crate::Growing::B(u8)",
        "trait crate::Implement { fn may(&self) { .. } }",
        "trait crate::Implement { const N: u8 = .. }",
    ] {
        assert!(
            lines.contains(&expected.to_owned()),
            "no {expected:?} in {lines:#?}"
        );
    }
}

#[test]
fn cfgs_hidden_items_tests_and_local_bindings() {
    let lines = crate_listing(&[(
        "src/lib.rs",
        "#[cfg(feature = \"client\")] pub mod client { pub struct Client; impl Client { pub fn send(mut self, mut body: Vec<u8>) {} } }\n\
         #[doc(hidden)] pub fn plumbing() {}\n\
         #[cfg(test)] pub mod tests { pub fn helper() {} }\n\
         pub struct Generic<T>(pub T);\n\
         impl<T: Clone> Generic<T> { pub fn get(&self) -> T where T: Default { todo!() } }",
    )]);
    assert_eq!(
        lines,
        [
            "pub struct crate::Generic<T>(pub T)",
            "impl<T: Clone> crate::Generic<T> { pub fn get(&self) -> T where T: Default }",
            "#[cfg(feature = \"client\")] pub mod crate::client",
            "#[cfg(feature = \"client\")] pub struct crate::client::Client",
            "#[cfg(feature = \"client\")] impl crate::client::Client { pub fn send(self, body: Vec<u8>) }",
        ]
    );
}

#[test]
fn trait_impls_are_listed_under_their_type_or_their_trait() {
    let lines = crate_listing(&[(
        "src/lib.rs",
        "pub trait Body {} struct Private;\n\
         impl Body for serde_json::Value {}\n\
         impl Body for Private {}\n\
         impl From<Private> for String { fn from(_: Private) -> String { String::new() } }\n\
         pub struct Page;\n\
         impl Iterator for Page { type Item = u8; fn next(&mut self) -> Option<u8> { None } }",
    )]);
    assert_eq!(
        lines,
        [
            "pub trait crate::Body { required: nothing }",
            "impl crate::Body for serde_json::Value",
            "pub struct crate::Page",
            "impl std::iter::Iterator for crate::Page { type Item = u8; }",
        ]
    );
}

#[test]
fn changes_are_classified_by_their_lines() {
    let old = "# @generated\n#\npub fn crate::a()\npub fn crate::b(x: u8)\n";
    let new =
        "# @generated, newer\npub fn crate::a()\npub fn crate::b(x: u16)\npub fn crate::c()\n";
    let change = ApiChange::between(old, new);
    assert_eq!(change.kind(), ChangeKind::Breaking);
    assert_eq!(change.removed, ["pub fn crate::b(x: u8)"]);
    assert_eq!(
        change.added,
        ["pub fn crate::b(x: u16)", "pub fn crate::c()"]
    );
    assert_eq!(change.summary(), "breaking: 1 removed or changed, 2 added");
    assert_eq!(
        change.details(1),
        "  - pub fn crate::b(x: u8)\n  + pub fn crate::b(x: u16)\n  + ... and 1 more\n"
    );
    // Comment lines are `# ` or `#`; an attribute line is not a comment.
    let cfg = ApiChange::between("", "#[cfg(x)] pub fn crate::d()\n");
    assert_eq!(cfg.kind(), ChangeKind::Additive);
}

#[test]
fn an_enum_told_apart_by_a_hidden_parameter_is_listed_as_each_alias() {
    let lines = crate_listing(&[
        ("src/lib.rs", "pub mod models;"),
        (
            "src/models/mod.rs",
            "mod shared; pub use shared::Shared;\n\
             mod cloud; pub use cloud::Cloud;\n\
             #[cfg(feature = \"peering\")] mod peer; #[cfg(feature = \"peering\")] pub use peer::Peer;\n\
             pub type Open<T> = Shared<T>;",
        ),
        (
            "src/models/shared.rs",
            "#[non_exhaustive]\n\
             pub enum Shared<N> { Aws, Unknown(String), #[doc(hidden)] __Marker(std::convert::Infallible, std::marker::PhantomData<fn() -> N>) }\n\
             impl<N> Shared<N> { pub fn as_str(&self) -> &str { todo!() } }\n\
             impl<'de, N> serde::Deserialize<'de> for Shared<N> { }\n\
             impl<N> Clone for Shared<N> { fn clone(&self) -> Self { todo!() } }",
        ),
        (
            "src/models/cloud.rs",
            "pub type Cloud = crate::models::Shared<name::Cloud>;\n\
             pub mod name { pub enum Cloud {} }",
        ),
        (
            "src/models/peer.rs",
            "pub type Peer = super::Shared<name::Peer>;\n\
             pub mod name { pub enum Peer {} }",
        ),
    ]);
    // Each alias reads as an enum of its own; the shared enum has no lines of its own, and an
    // alias that keeps the parameter is no instance (it would be listed as it is written).
    assert_eq!(
        lines,
        [
            "pub mod crate::models",
            "pub type crate::models::Cloud = #[non_exhaustive] enum { .. }",
            "variant crate::models::Cloud::Aws",
            "variant crate::models::Cloud::Unknown(String)",
            "impl crate::models::Cloud { pub fn as_str(&self) -> &str }",
            "impl std::clone::Clone for crate::models::Cloud",
            "impl<'de> serde::Deserialize<'de> for crate::models::Cloud",
            "pub type crate::models::Open<T> = crate::models::Shared<T>",
            "#[cfg(feature = \"peering\")] pub type crate::models::Peer = #[non_exhaustive] enum { .. }",
            "#[cfg(feature = \"peering\")] variant crate::models::Peer::Aws",
            "#[cfg(feature = \"peering\")] variant crate::models::Peer::Unknown(String)",
            "#[cfg(feature = \"peering\")] impl crate::models::Peer { pub fn as_str(&self) -> &str }",
            "#[cfg(feature = \"peering\")] impl std::clone::Clone for crate::models::Peer",
            "#[cfg(feature = \"peering\")] impl<'de> serde::Deserialize<'de> for crate::models::Peer",
        ]
    );
}
