//! Response parsers: every documented status, an undocumented one, a body that is not JSON,
//! and Atlas's `envelope=true` wrapping.

#![allow(deprecated)] // Three of the four operations are deprecated by Atlas; they still work.

use atlas_snapshots::models::BackupTenantSnapshotStatus;
use atlas_snapshots::operations::{
    GetSharedClusterBackupRequest, ListLegacySnapshotsRequest, ListServerlessBackupsRequest,
    ListSharedClusterBackupsRequest,
};
use atlas_snapshots::runtime::ResponseError;
use integration_tests::committed_spec_json;
use serde_json::{Value, json};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

fn response(status: u16, body: impl Into<Vec<u8>>) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .body(body.into())
        .unwrap()
}

fn error_example(status: u16) -> Value {
    let spec = committed_spec_json();
    let responses = spec["components"]["responses"].as_object().unwrap();
    responses
        .values()
        .map(|response| response["content"]["application/json"]["example"].clone())
        .find(|example| example["error"] == status)
        .unwrap_or_else(|| panic!("no example for {status}"))
}

#[test]
fn documented_errors_parse_into_api_error() {
    let tenant = ListSharedClusterBackupsRequest::new(GROUP, "Cluster0");
    let one = GetSharedClusterBackupRequest::new(GROUP, "Cluster0", GROUP);
    let serverless = ListServerlessBackupsRequest::new(GROUP, "Cluster0");
    for status in [400, 401, 403, 404, 500] {
        let body = serde_json::to_vec(&error_example(status)).unwrap();
        let errors = [
            tenant
                .parse_response(&response(status, body.clone()))
                .unwrap_err()
                .status(),
            one.parse_response(&response(status, body.clone()))
                .unwrap_err()
                .status(),
            serverless
                .parse_response(&response(status, body.clone()))
                .unwrap_err()
                .status(),
        ];
        assert_eq!(errors, [status; 3]);
        let error = tenant.parse_response(&response(status, body)).unwrap_err();
        let api_error = error
            .api_error()
            .unwrap_or_else(|| panic!("{status}: {error}"));
        assert_eq!(api_error.error(), Some(i32::from(status)));
        let code = api_error
            .error_code()
            .expect("the examples carry an errorCode");
        assert!(error.to_string().contains(code), "{error}");
    }
}

/// Seed 003 marks no field of the error body required: a documented status whose body lacks
/// `errorCode`, or has nothing at all, is still Atlas's error, not a decode failure.
#[test]
fn documented_errors_without_error_code_are_api_errors() {
    let legacy = ListLegacySnapshotsRequest::new(GROUP, "Cluster0");
    for (status, body) in [
        (401, json!({"error": 401, "reason": "Unauthorized"})),
        (500, json!({"detail": "Something broke."})),
        (500, json!({})),
    ] {
        let error = legacy
            .parse_response(&response(status, body.to_string()))
            .unwrap_err();
        let api_error = error
            .api_error()
            .unwrap_or_else(|| panic!("{status} {body}: {error:?}"));
        assert_eq!(serde_json::to_value(api_error).unwrap(), body);
        assert_eq!(error.error_code(), None);
    }
}

#[test]
fn legacy_documents_only_401_and_500() {
    let legacy = ListLegacySnapshotsRequest::new(GROUP, "Cluster0");
    for status in [401, 500] {
        let body = serde_json::to_vec(&error_example(status)).unwrap();
        assert!(
            legacy
                .parse_response(&response(status, body))
                .unwrap_err()
                .api_error()
                .is_some()
        );
    }
    // An undocumented status (409: no operation documents it) with Atlas's error body is an
    // Atlas error all the same, as the client classifies it (one error story); without one,
    // the body is kept as received.
    let body = serde_json::to_vec(&serde_json::json!({
        "error": 409,
        "errorCode": "DUPLICATE_CLUSTER_NAME",
        "detail": "A cluster with this name already exists.",
    }))
    .unwrap();
    let error = legacy.parse_response(&response(409, body)).unwrap_err();
    assert!(matches!(error, ResponseError::Api { .. }), "{error:?}");
    assert_eq!(error.error_code(), Some("DUPLICATE_CLUSTER_NAME"));
    let body = b"<html>Conflict</html>".to_vec();
    match legacy
        .parse_response(&response(409, body.clone()))
        .unwrap_err()
    {
        ResponseError::UnexpectedStatus { status, body: kept } => {
            assert_eq!(status, 409);
            assert_eq!(kept, body);
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

#[test]
fn success_parses_the_typed_body() {
    let one = GetSharedClusterBackupRequest::new(GROUP, "Cluster0", GROUP);
    let snapshot = one
        .parse_response(&response(
            200,
            r#"{"id":"32b6e34b3d91647abb20e7b8","status":"QUEUED"}"#,
        ))
        .unwrap();
    assert_eq!(snapshot.status, Some(BackupTenantSnapshotStatus::Queued));
}

#[test]
fn undocumented_status_keeps_status_and_body() {
    let serverless = ListServerlessBackupsRequest::new(GROUP, "Cluster0");
    let error = serverless
        .parse_response(&response(418, "I'm a teapot"))
        .unwrap_err();
    assert_eq!(error.status(), 418);
    assert_eq!(error.raw_body(), Some(&b"I'm a teapot"[..]));
    assert!(error.to_string().contains("418"), "{error}");
    assert!(error.to_string().contains("I'm a teapot"), "{error}");
}

#[test]
fn body_that_is_not_json_is_a_decode_error() {
    let tenant = ListSharedClusterBackupsRequest::new(GROUP, "Cluster0");
    for status in [200, 404] {
        let error = tenant
            .parse_response(&response(status, "<html>gateway</html>"))
            .unwrap_err();
        assert!(
            matches!(error, ResponseError::Decode { .. }),
            "{status}: {error:?}"
        );
        assert_eq!(error.status(), status);
        assert_eq!(error.raw_body(), Some(&b"<html>gateway</html>"[..]));
        assert!(std::error::Error::source(&error).is_some());
    }
}

#[test]
fn enveloped_responses_parse() {
    let list = ListServerlessBackupsRequest::new(GROUP, "Cluster0").envelope(true);
    let page = list
        .parse_response(&response(
            200,
            json!({"status": 200, "results": [], "totalCount": 0}).to_string(),
        ))
        .unwrap();
    assert_eq!(page.total_count, Some(0));

    let one = GetSharedClusterBackupRequest::new(GROUP, "Cluster0", GROUP).envelope(true);
    let snapshot = one
        .parse_response(&response(
            200,
            json!({"status": 200, "content": {"status": "RUNNING"}}).to_string(),
        ))
        .unwrap();
    assert_eq!(snapshot.status, Some(BackupTenantSnapshotStatus::Running));

    let error = one
        .parse_response(&response(
            200,
            json!({"status": 404, "content": error_example(404)}).to_string(),
        ))
        .unwrap_err();
    assert_eq!(error.status(), 404);
    assert_eq!(
        error.api_error().unwrap().error_code(),
        Some("RESOURCE_NOT_FOUND")
    );

    // Without envelope(true) the same bytes are an ordinary body: no silent unwrapping.
    let plain = GetSharedClusterBackupRequest::new(GROUP, "Cluster0", GROUP);
    let unwrapped = plain
        .parse_response(&response(
            200,
            json!({"status": 200, "content": {}}).to_string(),
        ))
        .unwrap_err();
    assert!(
        matches!(unwrapped, ResponseError::Decode { .. }),
        "{unwrapped:?}"
    );
}
