//! `src/rules.rs`: every distinct set of parameter rules, once, for the operations to check.

use super::{ident, runtime};
use crate::ir::{Api, ParameterLocation, SharedRules};
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

pub fn rules_module(api: &Api) -> TokenStream {
    let rules = api
        .parameter_rules
        .iter()
        .map(|shared| shared_rules(api, shared));
    quote! {
        //! The spec's parameter rules, each set once however many operations check it; the
        //! runtime checks them. With some of the crate's features off, the operations that
        //! use a set may be left out, so unused ones are allowed.
        #![allow(dead_code)]
        #(#rules)*
    }
}

fn shared_rules(api: &Api, shared: &SharedRules) -> TokenStream {
    let parameter = &shared.parameter;
    let name = ident(&shared.name);
    let wire = &parameter.wire_name;
    let rust = parameter.rust_name.trim_start_matches("r#");
    let location = format_ident!(
        "{}",
        match parameter.location {
            ParameterLocation::Path => "Path",
            ParameterLocation::Query => "Query",
            ParameterLocation::Header => "Header",
        }
    );
    let constraints = &parameter.constraints;
    let option = |value: Option<TokenStream>| match value {
        Some(value) => quote! { Some(#value) },
        None => quote! { None },
    };
    let pattern = option(constraints.pattern.as_ref().map(|pattern| {
        let source = &pattern.source;
        let matcher = super::patterns::matcher_ident(api, pattern);
        let pattern_type = runtime("Pattern");
        quote! { #pattern_type { source: #source, matches: crate::patterns::#matcher } }
    }));
    let length =
        |n: Option<usize>| option(n.map(|n| Literal::usize_unsuffixed(n).into_token_stream()));
    let bound = |n: Option<i64>| option(n.map(|n| Literal::i64_unsuffixed(n).into_token_stream()));
    let min_length = length(constraints.min_length);
    let max_length = length(constraints.max_length);
    let minimum = bound(constraints.minimum);
    let maximum = bound(constraints.maximum);
    let min_items = length(constraints.min_items);
    let max_items = length(constraints.max_items);
    let unique_items = constraints.unique_items;
    let rules = runtime("Rules");
    let parameter_name = runtime("ParameterName");
    let location_type = runtime("ParameterLocation");
    let mut doc = format!(
        " `{wire}` ({} parameter)",
        location.to_string().to_lowercase()
    );
    let rules_text = super::operations::rules_text(constraints);
    if !rules_text.is_empty() {
        doc.push_str(&format!(": {rules_text}"));
    }
    doc.push('.');
    quote! {
        #[doc = #doc]
        pub(crate) static #name: #rules = #rules {
            parameter: #parameter_name { wire: #wire, rust: #rust, location: #location_type::#location },
            pattern: #pattern,
            min_length: #min_length,
            max_length: #max_length,
            minimum: #minimum,
            maximum: #maximum,
            min_items: #min_items,
            max_items: #max_items,
            unique_items: #unique_items,
        };
    }
}
