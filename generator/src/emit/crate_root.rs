//! The crate's root files: manifest, `lib.rs` with the crate docs, and the module indexes.

use super::docs::inner_doc_attrs;
use super::features;
use crate::Options;
use crate::config::Publish;
use crate::ir::{
    Api, Gate, Method, Operation, ParameterType, PatternEngine, SecurityScheme, TypeKind, TypeRef,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// `Cargo.toml`. Dependency versions are those the hand-written runtime is written against;
/// the package fields come from the options (the package config beside the spec).
pub fn manifest(api: &Api, options: &Options) -> String {
    let package = &options.package;
    let description = package.description.clone().unwrap_or_else(|| {
        // The title's whitespace (newlines, tabs) collapses to single spaces and other control
        // characters go: a description is one line on the registry page.
        let title: String = api
            .title
            .chars()
            .filter(|c| !c.is_control() || c.is_whitespace())
            .collect();
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        format!("Typed client for the {title} (generated from an OpenAPI spec).")
    });
    let mut optional = String::new();
    for (key, value) in [
        ("repository", &package.repository),
        ("homepage", &package.homepage),
        ("documentation", &options.documentation_url()),
    ] {
        if let Some(value) = value {
            optional.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    for (key, values) in [
        ("keywords", &package.keywords),
        ("categories", &package.categories),
    ] {
        if !values.is_empty() {
            optional.push_str(&format!("{key} = {}\n", toml_array(values)));
        }
    }
    let publish = match &package.publish {
        Publish::Nowhere => "false".to_owned(),
        Publish::Anywhere => "true".to_owned(),
        Publish::Registries(registries) => toml_array(registries),
    };
    format!(
        r#"[package]
name = {name}
version = {version}
edition = "2024"
rust-version = "1.85"
description = {description}
# Apache-2.0 like the runtime crate it depends on; LICENSE holds the text.
license = "Apache-2.0"
readme = "README.md"
{optional}publish = {publish}

[features]
{default}
# The async client (reqwest with rustls, tokio). Without it the crate is sans-IO: request
# builders and response parsers for any HTTP stack.
client = ["digest", "atlas-codegen-runtime/client"]
# HTTP/2 for the client, negotiated over TLS. Off by default: Atlas answers HTTP/1.1 too, and
# h2 with what it needs is about eight packages more to build.
http2 = ["client", "atlas-codegen-runtime/http2"]

# HTTP Digest for API keys (`runtime::auth::DigestSigner`): MD5 and SHA-256 from RustCrypto.
# `client` turns it on; a sans-IO crate that only uses service accounts can leave it off.
digest = ["atlas-codegen-runtime/digest"]

{tag_features}
[dependencies]
# The hand-written runtime: validation, requests, responses, the client. A crate of its own,
# so that regenerating rebuilds only what the spec made; `cargo xtask codegen` copies it
# beside a crate it generates into another folder.
atlas-codegen-runtime = {{ version = "{runtime_version}", path = {runtime_path}, default-features = false }}
chrono = {{ version = "0.4.40", default-features = false, features = ["serde", "std"] }}
{pattern_engines}http = "1.1"
# No `derive`: models implement serde by hand (the derive's expansion was most of the crate's
# build), so a sans-IO build compiles no proc-macro at all.
serde = "1.0.200"
serde_json = "1.0.120"

[dev-dependencies]
serde = {{ version = "1.0.200", features = ["derive"] }}
tokio = {{ version = "1.43", features = ["macros", "rt-multi-thread"] }}
{examples}
[lints.rust]
unsafe_code = "forbid"

[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]
"#,
        name = toml_string(&options.crate_name),
        version = toml_string(&options.crate_version),
        runtime_version = crate::RUNTIME_VERSION,
        runtime_path = toml_string(&options.runtime_path),
        description = toml_string(&description),
        pattern_engines = pattern_engines(api),
        default = features::manifest_default(options),
        tag_features = features::manifest_entries(api),
        examples = client_examples(options),
    )
}

/// An `[[example]]` table per hand-written example: they call Atlas through the client.
fn client_examples(options: &Options) -> String {
    options
        .client_examples
        .iter()
        .map(|name| {
            format!(
                "\n[[example]]\nname = {}\nrequired-features = [\"client\"]\n",
                toml_string(name)
            )
        })
        .collect()
}

/// A TOML basic string: one line, with quotes, backslashes and control characters escaped.
pub(super) fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

pub(super) fn toml_array(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|item| toml_string(item)).collect();
    format!("[{}]", items.join(", "))
}

/// The regular-expression engines the spec's patterns need, and no other.
fn pattern_engines(api: &Api) -> String {
    let mut dependencies = String::new();
    if api.uses_pattern_engine(|engine| *engine == PatternEngine::Backtracking) {
        // The features the generator compiles patterns with: without `unicode`, `\\d` and
        // friends would not compile here although they did there.
        dependencies.push_str("fancy-regex = \"0.14\"\n");
    }
    if api.uses_pattern_engine(|engine| *engine == PatternEngine::Linear) {
        dependencies.push_str("regex-lite = \"0.1.6\"\n");
    }
    dependencies
}

pub fn lib_rs(api: &Api, options: &Options) -> TokenStream {
    let crate_ident = options.crate_name.replace('-', "_");
    let mut text = format!(
        "Typed, sans-IO client for the {} (API version {}).\n\n",
        api.title, api.version
    );
    if let Some(description) = &api.description {
        text.push_str(&super::docs::sanitize_text(description));
        text.push_str("\n\n");
    }
    text.push_str(
        "# Layout\n\n\
         - [`operations`]: one request builder per operation. Required path parameters go to \
         `new`, optional query parameters are chainable setters. `build_request` checks every \
         parameter against the spec's rules and returns an [`http::Request`] for any HTTP \
         stack; `parse_response` turns the [`http::Response`] into the typed body or a \
         [`runtime::ResponseError`].\n\
         - [`models`]: the request and response types. Structs are `#[non_exhaustive]` and \
         string enums keep values they do not know, so new fields and values in Atlas do not \
         break code that compiles today.",
    );
    if api
        .types
        .iter()
        .any(|(_, def)| matches!(def.kind, TypeKind::SharedEnum(_)))
    {
        text.push_str(
            " Each string enum is an alias of a generic `OneOf...` enum with a marker type of \
             its own: enums that list the same values share its code, and each is still a type \
             of its own. Name the alias, as the spec does.",
        );
    }
    text.push_str(
        "\n\
         - [`runtime`]: the hand-written code every operation shares, the crate \
         `atlas-codegen-runtime`.\n\n",
    );
    if !api.security_schemes.is_empty() {
        text.push_str("# Authentication\n\nThe API accepts:\n\n");
        for scheme in &api.security_schemes {
            text.push_str(&match scheme {
                SecurityScheme::HttpDigest { name } => format!("- `{name}`: HTTP Digest authentication (RFC 7616).\n"),
                SecurityScheme::HttpBearer { name } => format!("- `{name}`: a bearer token in `Authorization`.\n"),
                SecurityScheme::OAuthClientCredentials { name, token_url } => format!(
                    "- `{name}`: OAuth 2.0 client credentials against <{token_url}>; the access token is sent as a bearer token.\n"
                ),
            });
        }
        text.push('\n');
    }
    if let Some(operation) = example_operation(api) {
        text.push_str(&example(
            operation,
            &crate_ident,
            api.default_base_url.is_some(),
        ));
    }
    let crate_docs = inner_doc_attrs(&text);
    let client_docs = client_example(api, &crate_ident).map(|text| {
        let lines = super::docs::trusted_lines(&text);
        quote! { #( #![cfg_attr(feature = "client", doc = #lines)] )* }
    });
    let features_docs = features::docs_section(api, &options.crate_name, &options.crate_version);
    let features_docs = (!features_docs.is_empty()).then(|| {
        // A blank line first, to end the section before.
        let lines =
            std::iter::once(String::new()).chain(super::docs::trusted_lines(&features_docs));
        quote! { #( #![doc = #lines] )* }
    });
    let base_url = api.default_base_url.as_ref().map(|url| {
        quote! {
            /// The server the spec names, the default base URL for `build_request`.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let error_alias = shared_error_body(api).map(|(error_body, gate)| {
        let predicate = features::client_predicate(&gate);
        // rustfmt and prettyplease lay out a long `cfg` differently, and `cargo fmt` runs
        // over the committed crate.
        let skip_rustfmt = (gate != Gate::Always).then(|| quote! { #[rustfmt::skip] });
        quote! {
            /// The error of every client call of this crate.
            #skip_rustfmt
            #[cfg(#predicate)]
            #[cfg_attr(docsrs, doc(cfg(#predicate)))]
            pub type Error = runtime::Error<#error_body>;
        }
    });
    let mut readme_gates: Vec<&Gate> = [example_operation(api), list_example_operation(api)]
        .into_iter()
        .flatten()
        .map(|operation| &operation.gate)
        .collect();
    readme_gates.dedup();
    // rustfmt and prettyplease lay out a long `cfg` differently (see `error_alias`).
    let readme_skip_rustfmt = readme_gates
        .iter()
        .any(|gate| **gate != Gate::Always)
        .then(|| quote! { #[rustfmt::skip] });
    let readme_gates: Vec<TokenStream> = readme_gates
        .into_iter()
        .filter_map(features::predicate)
        .collect();
    let gated = features::any_gated(api);
    let allow_broken_links = gated.then(|| {
        quote! {
            #![cfg_attr(
                not(feature = "full"),
                allow(
                    rustdoc::broken_intra_doc_links,
                    reason = "docs link items of other tags, which only some features compile"
                )
            )]
        }
    });
    quote! {
        #crate_docs
        #client_docs
        #features_docs
        #![cfg_attr(docsrs, feature(doc_cfg))]
        #allow_broken_links

        // The README is the registry page: its examples are compiled and run as doc tests so
        // that it never shows code that does not build. One of them uses the client, and
        // their operations may need their tags' features.
        #readme_skip_rustfmt
        #[cfg(all(doctest, feature = "client" #(, #readme_gates)*))]
        #[doc = include_str!("../README.md")]
        struct ReadmeDoctests;

        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod operations;
        #[rustfmt::skip]
        mod patterns;
        #[rustfmt::skip]
        mod media_types;
        #[rustfmt::skip]
        mod rules;
        #[rustfmt::skip]
        #[cfg(feature = "client")]
        mod client;
        #[doc(inline)]
        pub use atlas_codegen_runtime as runtime;

        /// The `chrono` crate of the models' dates and timestamps.
        pub use chrono;
        #[cfg(feature = "client")]
        #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
        pub use client::{Call, Client, ClientBuilder};
        /// The `http` crate of this crate's signatures (requests, responses, status codes),
        /// so that callers name its types without depending on it themselves.
        pub use http;
        /// The `reqwest` crate that [`ClientBuilder::http_client`] takes a client of.
        #[cfg(feature = "client")]
        #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
        pub use runtime::reqwest;
        #[cfg(feature = "client")]
        #[cfg_attr(docsrs, doc(cfg(feature = "client")))]
        pub use runtime::{AuthError, ConfigError, Credentials, RequestContext, RetryPolicy};

        #error_alias

        #base_url
    }
}

/// A crate-docs section on the async client, shown when its feature is on: the first list
/// operation, paged through as a stream.
fn client_example(api: &Api, crate_ident: &str) -> Option<String> {
    let operation = list_example_operation(api)?;
    let (arguments, _) = example_arguments(operation);
    let (gate_open, gate_close) = example_gate(operation);
    Some(format!(
        "# Calling Atlas\n\n\
         With the default `client` feature, [`Client`] sends any operation with authentication \
         (API keys over HTTP Digest, a service account, or a bearer token), timeouts, and \
         retries of idempotent requests; list operations stream every item of every page\
         {needs}:\n\n\
         ```no_run\n\
         # async fn run() -> Result<(), Box<dyn std::error::Error>> {{\n\
         {gate_open}\
         let client = {crate_ident}::Client::builder()\n    \
             .service_account(\"mdb_sa_id_...\", \"mdb_sa_sk_...\")\n    \
             .build()?;\n\
         // A call is a value of a named type: store it, pass it on, return it.\n\
         let call: {crate_ident}::operations::{call_type} =\n    \
             client.{fn_name}({arguments}).items_per_page(100);\n\
         let mut items = call.stream();\n\
         while let Some(item) = items.try_next().await? {{\n    \
             println!(\"{{item:?}}\");\n\
         }}\n\
         {gate_close}\
         # Ok(())\n\
         # }}\n\
         ```\n\n\
         Errors are [`Error`]: match on the variant, or ask for `status()` and `error_code()`.\n",
        fn_name = operation.fn_name,
        call_type = super::client::call_type_ident(operation),
        arguments = arguments.join(", "),
        needs = example_needs(operation),
    ))
}

/// Hidden doctest lines around an example's body: the operation it calls may sit behind its
/// tag's feature, and the example must compile whatever the features (it then does nothing).
fn example_gate(operation: &Operation) -> (String, String) {
    match features::predicate_text(&operation.gate) {
        Some(predicate) => (format!("# #[cfg({predicate})] {{\n"), "# }\n".to_owned()),
        None => (String::new(), String::new()),
    }
}

/// ` (with the `x` feature)` when the example's operation needs a tag's feature.
fn example_needs(operation: &Operation) -> String {
    match &operation.gate {
        Gate::Always => String::new(),
        Gate::AnyOf(features) => {
            let names: Vec<String> = features.iter().map(|name| format!("`{name}`")).collect();
            match names.as_slice() {
                [single] => format!(" (with the {single} feature)"),
                several => format!(" (with one of the features {})", several.join(", ")),
            }
        }
    }
}

/// The operation the client examples page through: a current list operation, when the spec
/// has one, and one that compiles whatever the features, when the spec has such.
pub(super) fn list_example_operation(api: &Api) -> Option<&Operation> {
    api.operations
        .iter()
        .filter(|operation| operation.deprecation.as_ref().is_none_or(|d| !d.deprecated))
        .chain(&api.operations)
        .filter(|operation| operation.pagination.is_some())
        .min_by_key(|operation| operation.gate != Gate::Always)
}

/// The error body all operations share, when they do, and the features it compiles under.
fn shared_error_body(api: &Api) -> Option<(TokenStream, Gate)> {
    let first = api.operations.first()?;
    let shared = api
        .operations
        .iter()
        .all(|operation| operation.error_body == first.error_body);
    shared.then(|| match &first.error_body {
        Some(ty @ TypeRef::Named(id)) => (
            super::types::type_tokens(&api.types, ty),
            api.types.get(*id).gate.clone(),
        ),
        _ => (quote! { serde_json::Value }, Gate::Always),
    })
}

/// The operation the crate docs show: a current read, when the spec has one, and one that
/// compiles whatever the features, when the spec has such.
pub(super) fn example_operation(api: &Api) -> Option<&Operation> {
    let current = |operation: &&Operation| {
        operation
            .deprecation
            .as_ref()
            .is_none_or(|deprecation| !deprecation.deprecated)
    };
    api.operations
        .iter()
        .filter(current)
        .filter(|operation| operation.method == Method::Get && operation.body.is_none())
        .min_by_key(|operation| operation.gate != Gate::Always)
        .or_else(|| api.operations.iter().find(current))
        .or_else(|| api.operations.first())
}

/// Rust expressions for the required parameters, from the spec's examples, and whether they
/// are all real values (else the doctest is compiled but not run).
pub(super) fn example_arguments(operation: &Operation) -> (Vec<String>, bool) {
    let mut runnable = true;
    let mut arguments: Vec<String> = operation
        .parameters
        .iter()
        .filter(|parameter| parameter.required)
        .map(|parameter| match (&parameter.ty, &parameter.example) {
            // An empty list, unless the spec demands items (`minItems`): no example gives them.
            _ if parameter.list.is_some() => match parameter.constraints.min_items {
                Some(min) if min > 0 => placeholder(&mut runnable),
                _ => "Vec::new()".to_owned(),
            },
            (ParameterType::String, Some(example)) => format!("{example:?}"),
            (ParameterType::String, None) => {
                runnable = false;
                format!("\"<{}>\"", parameter.wire_name)
            }
            (ParameterType::Enum(_), _) | (_, None) => {
                runnable = false;
                "todo!()".to_owned()
            }
            // Spec text reaches the doctest only as a literal the generator has parsed.
            (ParameterType::Boolean, Some(example)) => match example.parse::<bool>() {
                Ok(value) => value.to_string(),
                Err(_) => placeholder(&mut runnable),
            },
            (ParameterType::I32 | ParameterType::I64, Some(example)) => {
                match example.parse::<i64>() {
                    Ok(value) => value.to_string(),
                    Err(_) => placeholder(&mut runnable),
                }
            }
            (ParameterType::F64, Some(example)) => match example.parse::<f64>() {
                Ok(value) if value.is_finite() => format!("{value:?}"),
                _ => placeholder(&mut runnable),
            },
        })
        .collect();

    if operation.body.as_ref().is_some_and(|body| body.required) {
        arguments.push(placeholder(&mut runnable));
    }
    (arguments, runnable)
}

/// An argument the example cannot fill in: it compiles, and the doctest is not run.
fn placeholder(runnable: &mut bool) -> String {
    *runnable = false;
    "todo!()".to_owned()
}

fn example(operation: &Operation, crate_ident: &str, has_base_url: bool) -> String {
    let (arguments, runnable) = example_arguments(operation);
    let base_url = if has_base_url {
        format!("{crate_ident}::DEFAULT_BASE_URL")
    } else {
        "\"https://api.example.com\"".to_owned()
    };
    let fence = if runnable { "```" } else { "```no_run" };
    let request_type = &operation.request_type;
    let arguments = arguments.join(", ");
    let (gate_open, gate_close) = example_gate(operation);
    let needs = example_needs(operation);
    format!(
        "# Example\n\n\
         Build a request, send it with any HTTP client, and parse what comes back{needs}:\n\n\
         {fence}\n\
         {gate_open}\
         use {crate_ident}::operations::{request_type};\n\n\
         let operation = {request_type}::new({arguments});\n\
         let request = operation.build_request({base_url})?;\n\
         assert_eq!(request.method(), {request_type}::METHOD);\n\
         println!(\"{{}} {{}}\", request.method(), request.uri());\n\n\
         # fn send(_: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {{\n\
         #     http::Response::builder().status(500).body(b\"not json\".to_vec()).unwrap()\n\
         # }}\n\
         let response = send(request);\n\
         match operation.parse_response(&response) {{\n    \
             Ok(body) => println!(\"{{body:?}}\"),\n    \
             Err(error) => eprintln!(\"Atlas did not answer as documented: {{error}}\"),\n\
         }}\n\
         {gate_close}\
         # Ok::<(), Box<dyn std::error::Error>>(())\n\
         ```\n"
    )
}

pub fn models_mod(api: &Api) -> TokenStream {
    let entries = api.types.iter().map(|(_, def)| {
        let module = format_ident!("{}", def.module_name);
        let name = format_ident!("{}", def.rust_name);
        let module_cfg = features::cfg_attr(&def.gate);
        let cfg = features::cfg_attrs(&def.gate);
        // Re-exporting a deprecated model is no use of it.
        let allow = def.deprecated.then(|| quote! { #[allow(deprecated)] });
        quote! {
            #module_cfg
            mod #module;
            #cfg
            #allow
            pub use #module::#name;
        }
    });
    let version_aliases = super::versions::version_aliases(api);
    quote! {
        //! Request and response types, one module per schema of the spec.
        #(#entries)*
        #version_aliases
    }
}

pub fn operations_mod(api: &Api) -> TokenStream {
    let entries = api.operations.iter().map(|operation| {
        let module = format_ident!("{}", operation.module_name);
        let name = format_ident!("{}", operation.request_type);
        let allow = operation
            .deprecation
            .as_ref()
            .is_some_and(|d| d.deprecated)
            .then(|| quote! { #[allow(deprecated)] });
        let call = super::client::call_type_ident(operation);
        let module_cfg = features::cfg_attr(&operation.gate);
        let cfg = features::cfg_attrs(&operation.gate);
        let client = features::client_predicate(&operation.gate);
        quote! {
            #module_cfg
            mod #module;
            #cfg
            #allow
            pub use #module::#name;
            #[cfg(#client)]
            #[cfg_attr(docsrs, doc(cfg(#client)))]
            #allow
            pub use #module::#call;
        }
    });
    quote! {
        //! One request builder per operation of the spec and, with the `client` feature, the
        //! call that `Client` returns for it: a value you can store, pass
        //! around and return, then `send`.
        #(#entries)*
    }
}
