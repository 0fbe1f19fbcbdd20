//! What a new user of the generated crate meets first (issue 9): a lean dependency, one error
//! story on the sans-IO and client paths, the public API's types reachable through the crate,
//! and docs that show what a user works with.

#![allow(deprecated)] // listLegacySnapshots is deprecated by Atlas; it still shows the point.

use atlas_snapshots::models::BackupTenantSnapshotStatus;
use atlas_snapshots::operations::ListLegacySnapshotsRequest;
use atlas_snapshots::runtime::ResponseError;
use atlas_snapshots::{Client, Credentials, Error, RetryPolicy};
use integration_tests::atlas_server::{AtlasServer, Dataset, Endpoint, Fault, ServerConfig};
use std::time::Duration;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";

fn generated(path: &str) -> String {
    let path = integration_tests::workspace_root()
        .join("generated")
        .join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `[dependencies]` line of one package in the generated manifest.
fn dependency_line<'a>(manifest: &'a str, name: &str) -> Option<&'a str> {
    manifest
        .lines()
        .find(|line| line.starts_with(&format!("{name} =")))
}

// --- Lean to depend on -----------------------------------------------------------------------

#[test]
fn the_manifest_pulls_no_macro_crates_no_clock_and_no_h2() {
    let manifest = generated("Cargo.toml");
    // serde_with brought darling, a second syn and its macros, for two derives on enums.
    assert_eq!(dependency_line(&manifest, "serde_with"), None, "{manifest}");
    // The rest comes through the runtime crate, the same for every generated crate.
    let runtime = generated("runtime/Cargo.toml");
    // tracing's default `attributes` feature brings tracing-attributes and with it syn.
    let tracing = dependency_line(&runtime, "tracing").expect("tracing");
    assert!(tracing.contains("default-features = false"), "{tracing}");
    // chrono's clock (iana-time-zone): nothing reads the time through chrono (Retry-After
    // dates are compared with `SystemTime`).
    for manifest in [&manifest, &runtime] {
        let chrono = dependency_line(manifest, "chrono").expect("chrono");
        assert!(chrono.contains("default-features = false"), "{chrono}");
        assert!(!manifest.contains("clock"), "{manifest}");
        // Nothing of serde's derive outside tests: no proc-macro in a sans-IO build.
        let serde = dependency_line(manifest, "serde").expect("serde");
        assert!(!serde.contains("derive"), "{serde}");
    }
    // h2 and what it needs only for those who ask for HTTP/2.
    let reqwest = dependency_line(&runtime, "reqwest").expect("reqwest");
    assert!(!reqwest.contains("http2"), "{reqwest}");
    assert!(
        runtime.contains("http2 = [\"client\", \"reqwest/http2\"]"),
        "{runtime}"
    );
    assert!(
        manifest.contains("http2 = [\"client\", \"atlas-codegen-runtime/http2\"]"),
        "{manifest}"
    );
    // The generated crate turns none of the runtime's features on by itself: a sans-IO
    // build of it is a sans-IO build of the runtime.
    let runtime_dependency = dependency_line(&manifest, "atlas-codegen-runtime").expect("runtime");
    assert!(
        runtime_dependency.contains("default-features = false"),
        "{runtime_dependency}"
    );
}

#[test]
fn string_enums_round_trip_through_plain_serde() {
    // Borrowed (`visit_str`), owned (`visit_string`, from a `serde_json::Value`), escaped.
    let known: BackupTenantSnapshotStatus = serde_json::from_str(r#""COMPLETED""#).unwrap();
    assert_eq!(known, BackupTenantSnapshotStatus::Completed);
    let owned: BackupTenantSnapshotStatus =
        serde_json::from_value(serde_json::json!("QUEUED")).unwrap();
    assert_eq!(owned, BackupTenantSnapshotStatus::Queued);
    let escaped: BackupTenantSnapshotStatus = serde_json::from_str(r#""COMPL\u0045TED""#).unwrap();
    assert_eq!(escaped, BackupTenantSnapshotStatus::Completed);

    let unknown: BackupTenantSnapshotStatus = serde_json::from_str(r#""ARCHIVED""#).unwrap();
    assert_eq!(
        unknown,
        BackupTenantSnapshotStatus::Unknown("ARCHIVED".to_owned())
    );
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""ARCHIVED""#);
    assert_eq!(
        serde_json::to_string(&BackupTenantSnapshotStatus::Failed).unwrap(),
        r#""FAILED""#
    );
    assert_eq!(
        BackupTenantSnapshotStatus::from(String::from("RUNNING")),
        BackupTenantSnapshotStatus::Running
    );
    // Owned strings take their own path: `From<String>`, and deserializers such as
    // `serde_json::Value`'s, which hand over the `String` they hold.
    assert_eq!(
        BackupTenantSnapshotStatus::from(String::from("ARCHIVED")),
        BackupTenantSnapshotStatus::Unknown("ARCHIVED".to_owned())
    );
    assert_eq!(
        serde_json::from_value::<BackupTenantSnapshotStatus>(serde_json::json!("ARCHIVED"))
            .unwrap(),
        unknown
    );
    assert_eq!(
        serde_json::from_value::<BackupTenantSnapshotStatus>(serde_json::json!("FAILED"))
            .unwrap()
            .as_str(),
        "FAILED"
    );

    let error = serde_json::from_str::<BackupTenantSnapshotStatus>("42").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("a BackupTenantSnapshotStatus string"),
        "{error}"
    );
}

// --- One error story -------------------------------------------------------------------------

async fn start() -> AtlasServer {
    AtlasServer::start(ServerConfig {
        dataset: Dataset::new().with_legacy_snapshots(GROUP, CLUSTER, 2),
        ..ServerConfig::default()
    })
    .await
    .expect("the local server starts")
}

fn client(server: &AtlasServer, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .credentials(credentials)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client")
}

/// Sends a request built sans-IO with reqwest and hands back the `http::Response`.
async fn send_sans_io(request: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let (parts, body) = request.into_parts();
    let response = reqwest::Client::new()
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .bearer_auth("static-token")
        .body(body)
        .send()
        .await
        .expect("the local server answers");
    let mut answer = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    let body = response.bytes().await.expect("a body").to_vec();
    answer.body(body).expect("a response")
}

#[tokio::test]
async fn an_undocumented_atlas_error_is_classified_alike_on_both_paths() {
    let server = start().await;
    // 409 is documented by no operation; Atlas sends its error body with it all the same.
    let fault = || Fault::Status {
        status: 409,
        times: 1,
    };

    server.inject_on(Endpoint::ListLegacySnapshots, fault());
    let operation = ListLegacySnapshotsRequest::new(GROUP, CLUSTER);
    let request = operation.build_request(&server.base_url()).unwrap();
    let response = send_sans_io(request).await;
    assert_eq!(response.status(), 409);
    let sans_io = operation.parse_response(&response).unwrap_err();
    assert!(matches!(sans_io, ResponseError::Api { .. }), "{sans_io:?}");
    assert_eq!(sans_io.status(), 409);
    assert_eq!(sans_io.error_code(), Some("UNEXPECTED_ERROR"));
    assert!(sans_io.is_error_code("UNEXPECTED_ERROR"));
    assert!(!sans_io.is_error_code("RESOURCE_NOT_FOUND"));

    server.inject_on(Endpoint::ListLegacySnapshots, fault());
    let client = client(&server, Credentials::bearer_token("static-token"));
    let through_client = client
        .list_legacy_snapshots(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(through_client, Error::Api { .. }),
        "{through_client:?}"
    );
    assert_eq!(
        through_client.status(),
        Some(http::StatusCode::from_u16(409).unwrap())
    );
    assert_eq!(through_client.error_code(), sans_io.error_code());
    assert_eq!(through_client.api_error(), sans_io.api_error());
}

/// Seed 003 marks no field of the error body required: a documented 401 whose body has no
/// `errorCode` (nor `detail`) is Atlas's error all the same, with what it has, on both paths.
#[tokio::test]
async fn an_error_body_without_error_code_is_still_an_atlas_error_on_both_paths() {
    let server = start().await;
    let fault = || Fault::SparseError {
        status: 401,
        times: 1,
    };

    server.inject_on(Endpoint::ListLegacySnapshots, fault());
    let operation = ListLegacySnapshotsRequest::new(GROUP, CLUSTER);
    let request = operation.build_request(&server.base_url()).unwrap();
    let response = send_sans_io(request).await;
    assert_eq!(response.status(), 401);
    let sans_io = operation.parse_response(&response).unwrap_err();
    let ResponseError::Api { status, body } = &sans_io else {
        panic!("a typed Atlas error, not {sans_io:?}");
    };
    assert_eq!(*status, 401);
    assert_eq!(body.error(), Some(401));
    assert_eq!(body.reason(), Some("Unauthorized"));
    assert_eq!(body.error_code(), None);
    assert_eq!(sans_io.error_code(), None);

    // A static token: the client has no way to re-authenticate, so the 401 stands.
    server.inject_on(Endpoint::ListLegacySnapshots, fault());
    let client = client(&server, Credentials::bearer_token("static-token"));
    let through_client = client
        .list_legacy_snapshots(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(through_client, Error::Api { .. }),
        "{through_client:?}"
    );
    assert_eq!(
        through_client.status(),
        Some(http::StatusCode::UNAUTHORIZED)
    );
    assert_eq!(through_client.error_code(), None);
    assert_eq!(through_client.api_error(), sans_io.api_error());
}

#[test]
fn an_undocumented_status_without_an_atlas_body_stays_unexpected() {
    let operation = ListLegacySnapshotsRequest::new(GROUP, CLUSTER);
    for (status, body) in [
        (409, "<html>conflict</html>"),
        (502, r#"{"message": "bad gateway"}"#),
        (302, r#"{"errorCode": "MOVED", "error": 302}"#),
    ] {
        let response = http::Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap();
        let error = operation.parse_response(&response).unwrap_err();
        assert!(
            matches!(&error, ResponseError::UnexpectedStatus { .. }),
            "{status}: {error:?}"
        );
        assert_eq!(error.raw_body(), Some(body.as_bytes()));
        assert_eq!(error.error_code(), None);
    }
}

#[tokio::test]
async fn refused_credentials_give_401_whatever_their_kind() {
    let server = start().await;
    for credentials in [
        Credentials::api_keys("public-key", "wrong-private-key"),
        Credentials::bearer_token("wrong-static-token"),
        Credentials::service_account("client-id", "wrong-secret"),
    ] {
        let error = client(&server, credentials)
            .list_legacy_snapshots(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error.status(),
            Some(http::StatusCode::UNAUTHORIZED),
            "{error:?}"
        );
    }
}

// --- Types in the public API are reachable ---------------------------------------------------

/// Compiles only if every type a user meets is named through the crate, without depending on
/// `http`, `chrono` or `reqwest` directly.
#[test]
fn the_public_api_types_are_reachable_through_the_crate() {
    use atlas_snapshots::{AuthError, ConfigError, RequestContext, chrono, http, reqwest};

    let status: http::StatusCode = http::StatusCode::NOT_FOUND;
    let when: chrono::DateTime<chrono::Utc> = chrono::DateTime::UNIX_EPOCH;
    let context = RequestContext {
        operation: "listLegacySnapshots",
        method: http::Method::GET,
        path: "/".to_owned(),
    };
    let auth = AuthError::InvalidCredentials;
    let config: Result<Client, ConfigError> = Client::builder()
        .http_client(reqwest::Client::new())
        .base_url("http://127.0.0.1:1")
        .build();
    assert!(matches!(config, Err(ConfigError::InsecureUrl { .. })));
    assert_eq!(status, 404);
    assert_eq!(when.timestamp(), 0);
    assert_eq!(context.to_string(), "listLegacySnapshots (GET /)");
    assert!(!auth.to_string().is_empty());
}

// --- Doc hygiene -----------------------------------------------------------------------------

/// The names of each `pub use` statement of a module, split by whether `#[doc(hidden)]`
/// precedes it.
fn reexports(source: &str) -> (Vec<String>, Vec<String>) {
    let (mut hidden, mut shown) = (Vec::new(), Vec::new());
    for statement in source.split(';') {
        let statement = statement
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with("//"))
            .collect::<Vec<_>>()
            .join(" ");
        let Some(at) = statement.find("pub use ") else {
            continue;
        };
        let path = &statement[at + "pub use ".len()..];
        // `module::{A, B}` or `module::A`.
        let list = match path.split_once('{') {
            Some((_, list)) => list.trim_end_matches('}'),
            None => path.rsplit("::").next().unwrap_or(path),
        };
        let names = list
            .split([',', ' '])
            .filter(|name| !name.is_empty())
            .map(str::to_owned);
        if statement[..at].contains("#[doc(hidden)]") {
            hidden.extend(names);
        } else {
            shown.extend(names);
        }
    }
    (hidden, shown)
}

#[test]
fn runtime_plumbing_is_hidden_from_the_docs() {
    let (hidden, shown) = reexports(&generated("runtime/src/lib.rs"));
    for plumbing in [
        "build_request",
        "Query",
        "Headers",
        "Rules",
        "ResponseSpec",
        "json_body",
        "parse_json_response",
        "parse_optional_json_response",
        "parse_raw_response",
        "parse_empty_response",
        "Pattern",
    ] {
        assert!(hidden.iter().any(|name| name == plumbing), "{plumbing}");
        assert!(!shown.iter().any(|name| name == plumbing), "{plumbing}");
    }
    for public in ["ResponseError", "ErrorBody", "Operation", "BuildError"] {
        assert!(shown.iter().any(|name| name == public), "{public}");
    }
}

#[test]
fn client_items_say_they_need_the_client_feature_on_docs_rs() {
    let manifest = generated("Cargo.toml");
    assert!(
        manifest.contains(
            "[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]"
        ),
        "{manifest}"
    );
    let lib = generated("src/lib.rs");
    assert!(
        lib.contains("#![cfg_attr(docsrs, feature(doc_cfg))]"),
        "{lib}"
    );
    let runtime = generated("runtime/src/lib.rs");
    for source in [&lib, &runtime] {
        // Every public item gated on the client says so in the docs.
        let lines: Vec<&str> = source.lines().map(str::trim).collect();
        for (at, line) in lines.iter().enumerate() {
            let item = lines[at..].iter().find(|line| !line.starts_with("#["));
            let public = item.is_some_and(|item| item.starts_with("pub "));
            if *line == "#[cfg(feature = \"client\")]" && public {
                assert_eq!(
                    lines.get(at + 1).copied(),
                    Some("#[cfg_attr(docsrs, doc(cfg(feature = \"client\")))]"),
                    "after line {} of {source}",
                    at + 1
                );
            }
        }
    }
}

#[test]
fn string_enum_docs_say_how_to_match() {
    let source = generated("src/models/backup_tenant_snapshot_status.rs");
    let docs: String = source
        .lines()
        .map(str::trim)
        .take_while(|line| !line.starts_with("pub enum"))
        .filter_map(|line| line.strip_prefix("///"))
        .collect::<Vec<_>>()
        .join(" ");
    for needle in [
        "wildcard arm",
        "`#[non_exhaustive]`",
        "`Unknown`",
        "[`BackupTenantSnapshotStatus::as_str`]",
    ] {
        assert!(docs.contains(needle), "{needle} missing from: {docs}");
    }
}

#[test]
fn the_first_paragraph_of_the_docs_and_the_registry_page_names_flex() {
    // Flex is the API Atlas moves shared-tier and serverless clusters to: a reader who
    // looks for it must see at once that this crate covers it.
    let lib = generated("src/lib.rs");
    let summary = lib
        .lines()
        .find_map(|line| line.strip_prefix("//! "))
        .unwrap();
    assert!(summary.contains("Flex"), "{summary}");
    let manifest = generated("Cargo.toml");
    let description = manifest
        .lines()
        .find(|line| line.starts_with("description = "))
        .unwrap();
    assert!(description.contains("Flex"), "{description}");
}
