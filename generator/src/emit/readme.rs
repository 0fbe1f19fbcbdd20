//! `README.md`, the crate's page on the registry: what the crate is, the operations it covers,
//! its features and two examples. The crate compiles and runs the examples as doc tests (see
//! `lib_rs`), so they use the real API of the crate they describe.

use super::crate_root::{example_arguments, example_operation, list_example_operation};
use super::features;
use crate::Options;
use crate::ir::{Api, FULL_FEATURE, Operation, UNREFERENCED_MODELS_FEATURE};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub fn readme(api: &Api, options: &Options) -> String {
    let crate_ident = options.crate_name.replace('-', "_");
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", options.crate_name);
    if let Some(description) = &options.package.description {
        let _ = writeln!(out, "{}\n", one_line(description));
    }
    let _ = writeln!(
        out,
        "A typed Rust client for the {} (API version {}), generated from its OpenAPI \
         description. Every operation is a request builder that checks its parameters against \
         the spec's rules and gives an `http::Request` for any HTTP stack, and a parser that \
         turns the `http::Response` into the typed body or the API's error. The default \
         `client` feature adds an async client that sends them, with authentication, timeouts, \
         retries and pagination.\n",
        one_line(&api.title),
        one_line(&api.version),
    );
    if let Some(description) = &api.description {
        // Spec text: code in it must never become a doc test (the README is compiled).
        let _ = writeln!(out, "{}\n", super::docs::sanitize_text(description));
    }
    operations_section(api, &mut out);
    features_section(api, options, &mut out);
    examples_section(api, &crate_ident, &mut out);
    let _ = writeln!(out, "## Documentation\n");
    match options.documentation_url() {
        Some(url) => {
            let _ = writeln!(
                out,
                "Every type, operation and parameter rule is documented at <{url}>.\n"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "Every type, operation and parameter rule is documented in the crate docs: \
                 `cargo doc -p {} --open`.\n",
                options.crate_name
            );
        }
    }
    let _ = writeln!(
        out,
        "## License\n\nApache-2.0: see `LICENSE`. So is the hand-written runtime it depends on, \
         the crate `atlas-codegen-runtime`."
    );
    out
}

/// One table of operations per tag (the first tag of each), or one table when the spec
/// has no tags.
fn operations_section(api: &Api, out: &mut String) {
    if api.operations.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "## Operations\n\nThe crate covers {} operation{} of the API. Each has a request \
         builder in `operations` and, with the `client` feature, a method of `Client`.\n",
        api.operations.len(),
        if api.operations.len() == 1 { "" } else { "s" }
    );
    let mut by_tag: BTreeMap<Option<&str>, Vec<&Operation>> = BTreeMap::new();
    for operation in &api.operations {
        by_tag
            .entry(operation.tags.first().map(String::as_str))
            .or_default()
            .push(operation);
    }
    let tagged = by_tag.keys().any(Option::is_some);
    for (tag, operations) in by_tag {
        if tagged {
            let feature = api
                .tag_features
                .iter()
                .find(|feature| Some(feature.tag.as_str()) == tag);
            let _ = match feature {
                Some(feature) => writeln!(
                    out,
                    "### {} (feature `{}`)\n",
                    one_line(&feature.tag),
                    feature.name
                ),
                None => writeln!(out, "### {}\n", one_line(tag.unwrap_or("Other operations"))),
            };
        }
        let _ = writeln!(
            out,
            "| operation | request builder | `Client` method | method and path | summary |\n\
             | --- | --- | --- | --- | --- |"
        );
        for operation in operations {
            let mut summary = operation
                .summary
                .as_deref()
                .map(|summary| table_cell(&one_line(summary)))
                .unwrap_or_default();
            if let Some(deprecation) = operation.deprecation.as_ref() {
                let note = match (&deprecation.sunset, deprecation.deprecated) {
                    (Some(sunset), _) => format!("deprecated, removed in {sunset}"),
                    (None, true) => "deprecated".to_owned(),
                    (None, false) => String::new(),
                };
                if !note.is_empty() {
                    summary = format!("{summary} ({})", table_cell(&one_line(&note)));
                }
            }
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                code(&operation.operation_id),
                code(&operation.request_type),
                code(&operation.fn_name),
                code(&format!("{} {}", operation.method.as_str(), operation.path)),
                summary.trim()
            );
        }
        out.push('\n');
    }
}

fn features_section(api: &Api, options: &Options, out: &mut String) {
    let default_features = features::default_features(options);
    let is_default = |feature: &str| default_features.iter().any(|name| name == feature);
    let mut rows: Vec<(String, bool, String)> = [
        (
            "client",
            "the async client (reqwest with rustls, tokio): authentication, timeouts, retries, \
             pagination as a stream",
        ),
        (
            "digest",
            "HTTP Digest for API keys, sans-IO (`runtime::auth::DigestSigner`); `client` turns \
             it on",
        ),
        ("http2", "HTTP/2 for the client, negotiated over TLS"),
    ]
    .into_iter()
    .map(|(name, what)| (name.to_owned(), is_default(name), what.to_owned()))
    .collect();
    if features::any_gated(api) {
        let full_on = is_default(FULL_FEATURE);
        rows.push((
            FULL_FEATURE.to_owned(),
            full_on,
            "every tag's operations and the models they reach".to_owned(),
        ));
        for feature in &api.tag_features {
            let models = api
                .types
                .iter()
                .filter(|(_, def)| def.is_model() && def.gate.is_opened_by(&feature.name))
                .count();
            rows.push((
                feature.name.clone(),
                full_on || is_default(&feature.name),
                match feature.operation_count {
                    1 => format!(
                        "the operation tagged {}, and the {models} model{} it reaches",
                        code(&one_line(&feature.tag)),
                        if models == 1 { "" } else { "s" },
                    ),
                    count => format!(
                        "the {count} operations tagged {}, and the {models} model{} they reach",
                        code(&one_line(&feature.tag)),
                        if models == 1 { "" } else { "s" },
                    ),
                },
            ));
        }
        if api.has_unreferenced_models {
            rows.push((
                UNREFERENCED_MODELS_FEATURE.to_owned(),
                is_default(UNREFERENCED_MODELS_FEATURE),
                "the spec's models that no operation uses".to_owned(),
            ));
        }
    }
    let _ = writeln!(
        out,
        "## Features\n\n| feature | default | what it adds |\n| --- | --- | --- |"
    );
    for (feature, on, what) in rows {
        let on = if on { "yes" } else { "no" };
        let _ = writeln!(out, "| `{feature}` | {on} | {what} |");
    }
    let _ = writeln!(
        out,
        "\nWithout `client` the crate is sans-IO: request builders and response parsers for \
         any HTTP stack."
    );
    // The tag with the most operations, as the one a reader most likely wants.
    let example_tag = api
        .tag_features
        .iter()
        .min_by_key(|feature| (std::cmp::Reverse(feature.operation_count), &feature.name));
    if let Some(tag) = example_tag {
        let _ = writeln!(
            out,
            "\nEach tag is a feature: a crate that calls a few operations turns the default \
             features off and names the client and their tags, and compiles nothing else:\n\n\
             ```toml\n\
             [dependencies]\n\
             {} = {{ version = \"{}\", default-features = false, features = [\"client\", \"{}\"] }}\n\
             ```",
            options.crate_name, options.crate_version, tag.name
        );
    }
    out.push('\n');
}

fn examples_section(api: &Api, crate_ident: &str, out: &mut String) {
    let Some(operation) = example_operation(api) else {
        return;
    };
    let (arguments, runnable) = example_arguments(operation);
    let base_url = if api.default_base_url.is_some() {
        format!("{crate_ident}::DEFAULT_BASE_URL")
    } else {
        "\"https://api.example.com\"".to_owned()
    };
    let fence = if runnable { "rust" } else { "rust,no_run" };
    let request_type = &operation.request_type;
    let _ = writeln!(
        out,
        "## Examples\n\n\
         Build a request, send it with any HTTP client, and parse what comes back:\n\n\
         ```{fence}\n\
         use {crate_ident}::operations::{request_type};\n\n\
         fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
             let operation = {request_type}::new({arguments});\n    \
             let request = operation.build_request({base_url})?;\n    \
             println!(\"{{}} {{}}\", request.method(), request.uri());\n\n    \
             // Send `request`, then hand the `http::Response` to the operation:\n    \
             let response = {crate_ident}::http::Response::builder()\n        \
                 .status(500)\n        \
                 .body(b\"not json\".to_vec())?;\n    \
             match operation.parse_response(&response) {{\n        \
                 Ok(body) => println!(\"{{body:?}}\"),\n        \
                 Err(error) => eprintln!(\"the API did not answer as documented: {{error}}\"),\n    \
             }}\n    \
             Ok(())\n\
         }}\n\
         ```\n",
        arguments = arguments.join(", "),
    );
    let (call, description) = match list_example_operation(api) {
        Some(list) => {
            let (arguments, _) = example_arguments(list);
            (
                format!(
                    "    let mut items = client.{}({}).items_per_page(100).stream();\n    \
                     while let Some(item) = items.try_next().await? {{\n        \
                         println!(\"{{item:?}}\");\n    \
                     }}\n",
                    list.fn_name,
                    arguments.join(", ")
                ),
                "list operations stream every item of every page",
            )
        }
        None => (
            format!(
                "    let answer = client.{}({}).send().await?;\n    \
                 println!(\"{{answer:?}}\");\n",
                operation.fn_name,
                arguments.join(", ")
            ),
            "each call is sent with `send`",
        ),
    };
    let _ = writeln!(
        out,
        "With the `client` feature (and `tokio` for the runtime), `Client` sends any operation \
         with authentication, timeouts and retries; {description}:\n\n\
         ```rust,no_run\n\
         #[tokio::main]\n\
         async fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
             let client = {crate_ident}::Client::builder()\n        \
                 .service_account(\"mdb_sa_id_...\", \"mdb_sa_sk_...\")\n        \
                 .build()?;\n\
         {call}    \
             Ok(())\n\
         }}\n\
         ```\n"
    );
}

/// Text on one line: a heading, a table cell.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a table cell, whose `|` would end the cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// A code span in a table cell, whatever backticks the text holds.
fn code(text: &str) -> String {
    let text = table_cell(text);
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
