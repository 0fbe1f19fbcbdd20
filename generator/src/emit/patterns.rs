//! `src/patterns.rs`: every distinct parameter pattern of the spec, as compiled steps or as a
//! regular expression compiled once per process on first use, on the engine it needs.

use crate::ir::{Api, Pattern, PatternEngine};
use crate::matcher::{Matcher, RuntimeSet, RuntimeStep};
use proc_macro2::{Ident, Literal, Span, TokenStream};
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
            match &pattern.engine {
                PatternEngine::Compiled(matcher) => {
                    let matcher = matcher_tokens(matcher);
                    quote! {
                        #[doc = #doc]
                        pub(crate) fn #name(value: &str) -> bool {
                            static MATCHER: crate::runtime::Matcher = #matcher;
                            MATCHER.is_match(value)
                        }
                    }
                }
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
        //! The spec's parameter patterns. Simple ones are steps the runtime's `Matcher` runs
        //! directly (the generator proved that each step is decided by the next character);
        //! the others compile on first use, on the engine the generator compiled them with, so
        //! none fails here. With some of the crate's features off, the operations that check
        //! a pattern may be left out, so unused ones are allowed.
        #![allow(dead_code)]
        #(#matchers)*
    }
}

fn matcher_tokens(matcher: &Matcher) -> TokenStream {
    let anchored_start = matcher.anchored_start;
    let anchored_end = matcher.anchored_end;
    let steps = steps_tokens(&matcher.runtime_steps());
    quote! {
        crate::runtime::Matcher { anchored_start: #anchored_start, anchored_end: #anchored_end, steps: #steps }
    }
}

fn steps_tokens(steps: &[RuntimeStep]) -> TokenStream {
    let steps = steps.iter().map(|step| match step {
        RuntimeStep::Literal(text) => quote! { crate::runtime::Step::Literal(#text) },
        RuntimeStep::Chars { set, min, max } => {
            let set = set_tokens(set);
            let (min, max) = (count(*min), count(*max));
            quote! { crate::runtime::Step::Chars { set: #set, min: #min, max: #max } }
        }
        RuntimeStep::Group {
            steps,
            first,
            min,
            max,
        } => {
            let steps = steps_tokens(steps);
            let first = set_tokens(first);
            let (min, max) = (count(*min), count(*max));
            quote! {
                crate::runtime::Step::Group { steps: #steps, first: #first, min: #min, max: #max }
            }
        }
    });
    quote! { &[#(#steps),*] }
}

/// A count, with no limit as `u32::MAX` by name.
fn count(count: u32) -> TokenStream {
    if count == u32::MAX {
        quote! { u32::MAX }
    } else {
        let count = Literal::u32_unsuffixed(count);
        quote! { #count }
    }
}

fn set_tokens(set: &RuntimeSet) -> TokenStream {
    // In hex, the bitmap reads as the characters it holds, four to a digit.
    let ascii = syn::LitInt::new(&format!("{:#034x}", set.ascii), Span::call_site());
    let other = set
        .other
        .iter()
        .map(|(start, end)| quote! { (#start, #end) });
    quote! { crate::runtime::CharSet { ascii: #ascii, other: &[#(#other),*] } }
}
