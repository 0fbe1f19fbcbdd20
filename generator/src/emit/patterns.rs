//! `src/patterns.rs`: every distinct parameter pattern of the spec, compiled once per process
//! on first use, on the engine it needs.

use crate::ir::{Api, Pattern, PatternEngine};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The function that checks a pattern: `matches_<n>`, by its place among the sorted patterns.
pub fn matcher_ident(api: &Api, pattern: &Pattern) -> Ident {
    let index = api
        .patterns()
        .iter()
        .position(|known| *known == pattern)
        .unwrap_or_default();
    format_ident!("matches_{index}")
}

pub fn patterns_module(api: &Api) -> TokenStream {
    let matchers = api
        .patterns()
        .into_iter()
        .enumerate()
        .map(|(index, pattern)| {
            let name = format_ident!("matches_{index}");
            let source = &pattern.source;
            let doc = format!(" `{source}`");
            match pattern.engine {
                PatternEngine::Linear => quote! {
                    #[doc = #doc]
                    pub(crate) fn #name(value: &str) -> bool {
                        static COMPILED: std::sync::LazyLock<Option<regex_lite::Regex>> =
                            std::sync::LazyLock::new(|| regex_lite::Regex::new(#source).ok());
                        COMPILED.as_ref().is_some_and(|regex| regex.is_match(value))
                    }
                },
                // A value that exhausts the backtracking limit is not known to match: refused.
                PatternEngine::Backtracking => quote! {
                    #[doc = #doc]
                    pub(crate) fn #name(value: &str) -> bool {
                        static COMPILED: std::sync::LazyLock<Option<fancy_regex::Regex>> =
                            std::sync::LazyLock::new(|| fancy_regex::Regex::new(#source).ok());
                        COMPILED
                            .as_ref()
                            .is_some_and(|regex| regex.is_match(value).unwrap_or(false))
                    }
                },
            }
        });
    quote! {
        //! The spec's parameter patterns. Each compiles on first use; the generator compiled
        //! every one with the same engine, so none fails here.
        #(#matchers)*
    }
}
