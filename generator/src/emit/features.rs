//! The crate's Cargo features per tag: `cfg` attributes for gated items, the manifest's
//! feature entries, the crate docs' table of what each feature holds, and the check of the
//! maintainer's choice of default features.

use crate::Options;
use crate::diagnostics::{Diagnostic, JsonPointer};
use crate::ir::{Api, FULL_FEATURE, Gate, UNREFERENCED_MODELS_FEATURE};
use crate::lower::features::feature_name;
use proc_macro2::TokenStream;
use quote::quote;

/// The features the manifest declares whatever the spec, beside `default`.
const RUNTIME_FEATURES: &[&str] = &["client", "digest", "http2"];

/// The `cfg` predicate under which a gated item compiles: `feature = "a"` or
/// `any(feature = "a", feature = "b")`; `None` when it always compiles.
pub fn predicate(gate: &Gate) -> Option<TokenStream> {
    match gate {
        Gate::Always => None,
        Gate::AnyOf(features) => Some(match features.as_slice() {
            [single] => quote! { feature = #single },
            several => quote! { any(#(feature = #several),*) },
        }),
    }
}

/// Whether any item of the crate depends on a feature of the spec's.
pub fn any_gated(api: &Api) -> bool {
    !api.tag_features.is_empty() || api.has_unreferenced_models
}

/// `predicate` as doctest source, for examples that call a gated operation.
pub fn predicate_text(gate: &Gate) -> Option<String> {
    match gate {
        Gate::Always => None,
        Gate::AnyOf(features) => {
            let each: Vec<String> = features
                .iter()
                .map(|feature| format!("feature = {feature:?}"))
                .collect();
            Some(match each.as_slice() {
                [single] => single.clone(),
                several => format!("any({})", several.join(", ")),
            })
        }
    }
}

/// `predicate` joined with the `client` feature, for the client's items of a gated operation.
pub fn client_predicate(gate: &Gate) -> TokenStream {
    match predicate(gate) {
        None => quote! { feature = "client" },
        Some(gate) => quote! { all(feature = "client", #gate) },
    }
}

/// `#[cfg(...)]` for a gated item, and the note docs.rs shows on it.
pub fn cfg_attrs(gate: &Gate) -> TokenStream {
    predicate(gate)
        .map(|predicate| {
            quote! {
                #[cfg(#predicate)]
                #[cfg_attr(docsrs, doc(cfg(#predicate)))]
            }
        })
        .unwrap_or_default()
}

/// `#[cfg(...)]` alone, for private items (`mod` declarations), which docs do not show.
pub fn cfg_attr(gate: &Gate) -> TokenStream {
    predicate(gate)
        .map(|predicate| quote! { #[cfg(#predicate)] })
        .unwrap_or_default()
}

/// Every feature a maintainer may name as a default, in manifest order.
fn declared_features(api: &Api) -> Vec<&str> {
    let mut names: Vec<&str> = RUNTIME_FEATURES.to_vec();
    names.push(FULL_FEATURE);
    names.extend(api.tag_features.iter().map(|feature| feature.name.as_str()));
    if api.has_unreferenced_models {
        names.push(UNREFERENCED_MODELS_FEATURE);
    }
    names
}

/// Every name in `Options::default_features` must be a feature of the crate: a misspelt one
/// would otherwise make Cargo reject the manifest, far from its cause.
pub fn check_default_features(api: &Api, options: &Options) -> Result<(), Vec<Diagnostic>> {
    let Some(defaults) = &options.default_features else {
        return Ok(());
    };
    let declared = declared_features(api);
    let problems: Vec<Diagnostic> = defaults
        .iter()
        .filter(|name| !declared.contains(&name.as_str()))
        .map(|name| {
            let hint = match api.tag_features.iter().find(|feature| {
                feature.tag == *name || feature_name(name).as_deref() == Some(&feature.name)
            }) {
                Some(feature) => format!(
                    "did you mean `{}`, the feature of tag {:?}?",
                    feature.name, feature.tag
                ),
                None => format!("the features are: {}", declared.join(", ")),
            };
            Diagnostic::new(
                &JsonPointer::root(),
                format!(
                    "the default features (`[features] default` of the package config) name \
                     {name:?}, which is no feature of this crate; {hint}"
                ),
            )
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The features on by default: the maintainer's choice, or the client and every tag.
pub fn default_features(options: &Options) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    match &options.default_features {
        None => names.extend(["client".to_owned(), FULL_FEATURE.to_owned()]),
        Some(chosen) => {
            for name in chosen {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
    }
    names
}

/// The manifest's `default` line.
pub fn manifest_default(options: &Options) -> String {
    format!(
        "default = {}",
        super::crate_root::toml_array(&default_features(options))
    )
}

/// The manifest's entries for `full`, each tag and the unreferenced models.
pub fn manifest_entries(api: &Api) -> String {
    let mut members: Vec<&str> = api
        .tag_features
        .iter()
        .map(|feature| feature.name.as_str())
        .collect();
    if api.has_unreferenced_models {
        members.push(UNREFERENCED_MODELS_FEATURE);
    }
    if members.is_empty() {
        // Declared all the same, so that a dependent may name it whatever the spec.
        return "# Every operation and model of the spec, which all compile whatever the features:\n\
                # the spec tags no operation, and every model is in use.\n\
                full = []\n"
            .to_owned();
    }
    let mut text = String::from(
        "# Every operation and model of the spec. Each feature below compiles the operations of one\n\
         # tag and the models they reach; a model that several tags reach compiles with any of\n\
         # them, and operations without tags compile always.\n\
         full = [\n",
    );
    for member in &members {
        text.push_str(&format!("    {member:?},\n"));
    }
    text.push_str("]\n");
    for feature in &api.tag_features {
        let plural = if feature.operation_count == 1 {
            ""
        } else {
            "s"
        };
        let mut comment = format!(
            "Tag {:?}, {} operation{plural}",
            feature.tag, feature.operation_count
        );
        if let Some(sentence) = feature.description.as_deref().and_then(first_sentence) {
            comment.push_str(": ");
            comment.push_str(&sentence);
        }
        text.push_str(&toml_comment(&comment));
        text.push_str(&format!("{} = []\n", feature.name));
    }
    if api.has_unreferenced_models {
        let count = api
            .types
            .iter()
            .filter(|(_, def)| {
                def.is_model()
                    && def.gate == Gate::AnyOf(vec![UNREFERENCED_MODELS_FEATURE.to_owned()])
            })
            .count();
        text.push_str(&toml_comment(&format!(
            "The {count} models of the spec that no operation uses, with what they hold."
        )));
        text.push_str(&format!("{UNREFERENCED_MODELS_FEATURE} = []\n"));
    }
    text
}

/// The description's first sentence on one line, without control characters.
fn first_sentence(description: &str) -> Option<String> {
    let clean: String = description
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = clean.split_whitespace().collect();
    let end = words
        .iter()
        .position(|word| word.ends_with('.'))
        .map_or(words.len(), |index| index + 1);
    let sentence = words[..end].join(" ");
    (!sentence.is_empty()).then_some(sentence)
}

/// Text as `#` comment lines of at most about 100 columns.
fn toml_comment(text: &str) -> String {
    let mut lines = Vec::new();
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() > 1 && line.len() + 1 + word.len() > 100 {
            lines.push(std::mem::replace(&mut line, String::from("#")));
        }
        line.push(' ');
        line.push_str(word);
    }
    lines.push(line);
    lines.iter().map(|line| format!("{line}\n")).collect()
}

/// The crate docs' section on features: how tags become features, and a table of what each
/// holds. Empty when the spec has neither tags nor unreferenced models.
pub fn docs_section(api: &Api, crate_name: &str, crate_version: &str) -> String {
    if !any_gated(api) {
        return String::new();
    }
    let models_under = |feature: &str| {
        api.types
            .iter()
            .filter(|(_, def)| def.is_model() && def.gate.is_opened_by(feature))
            .count()
    };
    // The tag with the most operations, as the one a reader most likely wants.
    let example_tag = api
        .tag_features
        .iter()
        .min_by_key(|feature| (std::cmp::Reverse(feature.operation_count), &feature.name))
        .map(|feature| format!(", {:?}", feature.name))
        .unwrap_or_default();
    let mut text = format!(
        "# Features\n\n\
         Each tag of the spec is a Cargo feature that compiles the tag's operations and the \
         models they reach; a model that several tags reach compiles with any of them. `{FULL_FEATURE}` \
         turns every one on. To compile only what you call, turn the default features off and \
         name the tags:\n\n\
         ```toml\n\
         [dependencies]\n\
         {crate_name} = {{ version = \"{crate_version}\", default-features = false, features = [\"client\"{example_tag}] }}\n\
         ```\n\n\
         The last column counts the models a feature compiles beside those that always compile.\n\n\
         | Feature | Tag | Operations | Models |\n\
         |---|---|---|---|\n"
    );
    for feature in &api.tag_features {
        let operations: Vec<String> = api
            .operations
            .iter()
            .filter(|operation| operation.gate.is_opened_by(&feature.name))
            .map(|operation| format!("[`{0}`](operations::{0})", operation.request_type))
            .collect();
        text.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            feature.name,
            table_cell(&feature.tag),
            operations.join(", "),
            models_under(&feature.name)
        ));
    }
    if api.has_unreferenced_models {
        text.push_str(&format!(
            "| `{UNREFERENCED_MODELS_FEATURE}` | (none) | none: the schemas no operation uses | {} |\n",
            models_under(UNREFERENCED_MODELS_FEATURE)
        ));
    }
    let always: Vec<String> = api
        .operations
        .iter()
        .filter(|operation| operation.gate == Gate::Always)
        .map(|operation| format!("[`{0}`](operations::{0})", operation.request_type))
        .collect();
    let always_models = api
        .types
        .iter()
        .filter(|(_, def)| def.is_model() && def.gate == Gate::Always)
        .count();
    if !always.is_empty() {
        text.push_str(&format!(
            "\nOperations without tags compile whatever the features, with the {always_models} \
             models they reach: {}.\n",
            always.join(", ")
        ));
    }
    text.push_str(
        "\nThe other features: `client` (default) adds the async client; `http2` lets it speak \
         HTTP/2; `digest` signs requests with API keys (HTTP Digest), which `client` turns on.\n\n",
    );
    text
}

/// Spec text as the content of one Markdown table cell.
fn table_cell(text: &str) -> String {
    super::docs::sanitize_text(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::features::RESERVED_FEATURE_NAMES;

    /// A tag must not take the name of a feature or optional dependency the manifest declares
    /// for itself: the reserved list follows the manifest.
    #[test]
    fn the_manifest_declares_no_name_a_tag_could_take() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\n";
        let api = crate::lower::lower(crate::load::load(spec).unwrap()).unwrap();
        let manifest = super::super::crate_root::manifest(&api, &Options::for_spec("t.yaml"));
        let features = manifest
            .split("[features]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap();
        let feature_names = features
            .lines()
            .filter(|line| !line.starts_with('#') && !line.starts_with(' '))
            .filter_map(|line| line.split(" = ").next())
            .filter(|name| !name.is_empty() && !name.starts_with(']'));
        let optional_dependencies = manifest
            .lines()
            .filter(|line| line.contains("optional = true"))
            .filter_map(|line| line.split(" = ").next());
        for name in feature_names.chain(optional_dependencies) {
            assert!(
                RESERVED_FEATURE_NAMES.contains(&name),
                "{name} is not reserved"
            );
        }
    }

    #[test]
    fn descriptions_shrink_to_their_first_sentence() {
        assert_eq!(
            first_sentence("Returns invoices. Also\nother things.").as_deref(),
            Some("Returns invoices.")
        );
        assert_eq!(
            first_sentence("No full stop\there").as_deref(),
            Some("No full stop here")
        );
        assert_eq!(first_sentence(" \n "), None);
    }

    #[test]
    fn comments_wrap_at_a_hundred_columns() {
        let comment = toml_comment(&"word ".repeat(40));
        assert!(comment.lines().all(|line| line.len() <= 100), "{comment}");
        assert!(comment.lines().all(|line| line.starts_with("# ")));
        assert_eq!(
            comment.split_whitespace().filter(|w| *w == "word").count(),
            40
        );
    }
}
