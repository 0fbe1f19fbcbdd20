//! `src/media_types.rs`: each media type that operations ask for in `Accept`, once (see
//! `lower::media_types`).

use crate::ir::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn media_types_module(api: &Api) -> TokenStream {
    let constants = api.accept_media_types.iter().map(|shared| {
        let name = format_ident!("{}", shared.name);
        let media_type = &shared.media_type;
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
