//! `src/media_types.rs`: each media type that operations ask for in `Accept`, once.
//!
//! A `const` `HeaderValue` costs nothing per request, but the compiler evaluates each such
//! constant: one per operation was 2% of the time rustc's self-profile gives Atlas's whole
//! crate, for the 13 media types its 454 operations share.

use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};

/// The name of the constant for each media type, e.g. `APPLICATION_VND_ATLAS_2024_11_13_JSON`
/// for `application/vnd.atlas.2024-11-13+json`; a name two types would share gets a number.
pub fn accept_constants(api: &Api) -> BTreeMap<&str, String> {
    let media_types: BTreeSet<&str> = api
        .operations
        .iter()
        .filter_map(|operation| operation.success.media_type.as_deref())
        .collect();
    let mut taken = BTreeSet::new();
    media_types
        .into_iter()
        .map(|media_type| {
            let base: String = media_type
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|part| !part.is_empty())
                .map(str::to_ascii_uppercase)
                .collect::<Vec<_>>()
                .join("_");
            let base = if base.is_empty() {
                "MEDIA_TYPE".to_owned()
            } else {
                base
            };
            let mut name = base.clone();
            let mut number = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{number}");
                number += 1;
            }
            (media_type, name)
        })
        .collect()
}

pub fn media_types_module(api: &Api) -> TokenStream {
    let constants = accept_constants(api).into_iter().map(|(media_type, name)| {
        let name = format_ident!("{}", name);
        let doc = format!(" `{media_type}`");
        quote! {
            #[doc = #doc]
            pub(crate) const #name: http::HeaderValue = http::HeaderValue::from_static(#media_type);
        }
    });
    quote! {
        //! The media types operations ask for in `Accept`, each once. With some of the crate's
        //! features off, the operations that ask for one may be left out, so unused ones are
        //! allowed.
        #![allow(dead_code)]
        #(#constants)*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_media_type_gets_one_constant_and_names_never_clash() {
        let operation = |id: &str, media_type: &str| {
            format!(
                "    get: {{operationId: {id}, responses: {{'200': {{description: ok, content: {{'{media_type}': {{schema: {{type: string}}}}}}}}}}}}\n"
            )
        };
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n{}  /b:\n{}  /c:\n{}",
            operation("a", "application/vnd.x+json"),
            operation("b", "application/vnd.x.json"),
            operation("c", "application/vnd.x+json"),
        );
        let api =
            crate::lower::lower(serde_yaml::from_str(&spec).expect("a spec")).expect("lowers");
        let constants: Vec<(&str, String)> = accept_constants(&api).into_iter().collect();
        assert_eq!(
            constants,
            [
                (
                    "application/vnd.x+json",
                    "APPLICATION_VND_X_JSON".to_owned()
                ),
                (
                    "application/vnd.x.json",
                    "APPLICATION_VND_X_JSON_2".to_owned()
                ),
            ]
        );
    }
}
