//! The unversioned names of date-versioned models (see `lower::versions`), as type aliases
//! in the models index.

use super::docs::doc_attrs_trusted;
use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One `pub type` per alias, with docs that say which version it is and that it moves.
pub fn version_aliases(api: &Api) -> TokenStream {
    let aliases = api.version_aliases.iter().map(|alias| {
        let target_def = api.types.get(alias.target);
        let name = format_ident!("{}", alias.rust_name);
        let target = format_ident!("{}", target_def.rust_name);
        let date = alias.version;
        let mut text = format!(
            "`{name}` in the newest version this crate's spec has: [`{target}`], of \
             {year:04}-{month:02}-{day:02}.\n\n\
             The alias follows the newest version of the spec the crate is generated from. When \
             a later spec adds a newer version, the alias moves to it, and its fields may \
             differ: for code that names the alias that is a breaking change, which the \
             crate's version then says. Name [`{target}`] to stay on this version.",
            year = date / 10_000,
            month = date / 100 % 100,
            day = date % 100,
        );
        if !alias.older.is_empty() {
            let older: Vec<String> = alias
                .older
                .iter()
                .map(|id| format!("[`{}`]", api.types.get(*id).rust_name))
                .collect();
            text.push_str(&format!("\n\nOlder versions: {}.", older.join(", ")));
        }
        let docs = doc_attrs_trusted(&text);
        // Naming a deprecated version warns, here as anywhere: the alias warns its users.
        let deprecated = target_def
            .deprecated
            .then(|| quote! { #[deprecated] #[allow(deprecated)] });
        // The alias exists where its version does: under the features that compile it.
        let gate = super::features::cfg_attrs(&target_def.gate);
        quote! {
            #docs
            #gate
            #deprecated
            pub type #name = #target;
        }
    });
    quote! { #(#aliases)* }
}
