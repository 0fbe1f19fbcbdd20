//! The seeds' response examples (kept as examples in the spec) deserialize into the models and
//! serialize back to the same JSON; unknown enum values and fields do not break a page.

use atlas_snapshots::models::{
    ApiError, BackupSnapshot, BackupSnapshotPartTypeName, BackupTenantSnapshot,
    BackupTenantSnapshotStatus, FieldViolation, FlexBackupSnapshot, FlexBackupSnapshot20241113,
    PaginatedApiAtlasFlexBackupSnapshot20241113View, PaginatedApiAtlasFlexBackupSnapshotView,
    PaginatedApiAtlasServerlessBackupSnapshotView, PaginatedSnapshotView,
    PaginatedTenantSnapshotView, ServerlessBackupSnapshotFrequencyType,
};
use integration_tests::committed_spec_json;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const TENANT_LIST: &str =
    "/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/backup/tenant/snapshots";
const TENANT_ONE: &str =
    "/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/backup/tenant/snapshots/{snapshotId}";
const SERVERLESS: &str =
    "/api/atlas/v1.0/groups/{groupId}/serverless/{clusterName}/backup/snapshots";
const LEGACY: &str = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/snapshots";

fn ok_example(path: &str, media_type: &str) -> Value {
    let spec = committed_spec_json();
    let example = &spec["paths"][path]["get"]["responses"]["200"]["content"][media_type]["example"];
    assert!(
        example.is_object(),
        "no 200 example for {path} {media_type}"
    );
    example.clone()
}

fn round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> T {
    let model: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|error| panic!("{error}: {example}"));
    assert_eq!(&serde_json::to_value(&model).unwrap(), example);
    model
}

#[test]
fn tenant_snapshot_examples_round_trip() {
    let page: PaginatedTenantSnapshotView =
        round_trip(&ok_example(TENANT_LIST, "application/json"));
    assert_eq!(page.total_count, Some(42));
    let one: BackupTenantSnapshot = round_trip(&ok_example(TENANT_ONE, "application/json"));
    assert_eq!(one.status, Some(BackupTenantSnapshotStatus::Pending));
    assert_eq!(
        one.finish_time.unwrap().to_rfc3339(),
        "2025-05-04T09:42:00+00:00"
    );
    assert_eq!(one.mongo_db_version.as_deref(), Some("string"));
}

#[test]
fn serverless_example_round_trips() {
    let page: PaginatedApiAtlasServerlessBackupSnapshotView =
        round_trip(&ok_example(SERVERLESS, "application/json"));
    let snapshot = &page.results.as_ref().unwrap()[0];
    assert_eq!(
        snapshot.frequency_type,
        Some(ServerlessBackupSnapshotFrequencyType::Hourly)
    );
    assert_eq!(snapshot.storage_size_bytes, Some(42_i64));
}

#[test]
fn legacy_example_round_trips() {
    let page: PaginatedSnapshotView =
        round_trip(&ok_example(LEGACY, "application/vnd.atlas.2023-01-01+json"));
    let snapshot = &page.results.as_ref().unwrap()[0];
    assert_eq!(
        snapshot.created.as_ref().unwrap().increment,
        Some(1_199_145_600)
    );
    let part = &snapshot.parts.as_ref().unwrap()[0];
    assert_eq!(part.type_name, Some(BackupSnapshotPartTypeName::ReplicaSet));
    assert_eq!(part.master_key_uuid.as_deref(), Some("string"));
}

#[test]
fn error_examples_round_trip() {
    let spec = committed_spec_json();
    let responses = spec["components"]["responses"].as_object().unwrap();
    assert_eq!(responses.len(), 5);
    for (name, response) in responses {
        let example = &response["content"]["application/json"]["example"];
        let error: ApiError = round_trip(example);
        assert_eq!(Value::from(error.error()), example["error"], "{name}");
        assert!(
            error.error_code().is_some_and(|code| !code.is_empty()),
            "{name}"
        );
    }
}

#[test]
fn unknown_enum_values_and_fields_are_kept_or_tolerated() {
    let page = json!({
        "results": [
            {"id": "32b6e34b3d91647abb20e7b8", "status": "ARCHIVED", "brandNewField": {"x": 1}},
            {"id": "32b6e34b3d91647abb20e7b9", "status": "COMPLETED"}
        ],
        "totalCount": 2
    });
    let parsed: PaginatedTenantSnapshotView = serde_json::from_value(page).unwrap();
    let results = parsed.results.as_ref().unwrap();
    assert_eq!(
        results[0].status,
        Some(BackupTenantSnapshotStatus::Unknown("ARCHIVED".into()))
    );
    assert_eq!(results[0].status.as_ref().unwrap().to_string(), "ARCHIVED");
    assert_eq!(
        results[1].status,
        Some(BackupTenantSnapshotStatus::Completed)
    );
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back["results"][0]["status"], "ARCHIVED");
}

#[test]
fn enums_parse_and_display_in_wire_form() {
    for value in BackupTenantSnapshotStatus::KNOWN_VALUES {
        let parsed: BackupTenantSnapshotStatus = value.parse().unwrap();
        assert!(
            !matches!(parsed, BackupTenantSnapshotStatus::Unknown(_)),
            "{value}"
        );
        assert_eq!(parsed.to_string(), *value);
    }
    assert_eq!(BackupTenantSnapshotStatus::from("NEW").as_str(), "NEW");
}

#[test]
fn users_can_build_models() {
    let mut snapshot = BackupSnapshot::default();
    snapshot.id = Some("32b6e34b3d91647abb20e7b8".into());
    snapshot.complete = Some(true);
    assert_eq!(
        serde_json::to_value(&snapshot).unwrap(),
        json!({"id": "32b6e34b3d91647abb20e7b8", "complete": true})
    );
    let mut error = ApiError::default();
    error.error = Some(404);
    error.error_code = Some("RESOURCE_NOT_FOUND".into());
    error.detail = Some("No snapshot".into());
    assert_eq!(
        serde_json::to_value(&error).unwrap(),
        json!({"error": 404, "errorCode": "RESOURCE_NOT_FOUND", "detail": "No snapshot"})
    );
}

#[test]
fn required_fields_are_required() {
    let missing_description = json!({"field": "itemsPerPage"});
    assert!(serde_json::from_value::<FieldViolation>(missing_description).is_err());
}

/// Seed 003 marks no field of the error body required (seeds 001 and 002 mark `error` and
/// `errorCode`): the one `ApiError` takes the weakest promise, so any part of it decodes.
#[test]
fn an_error_body_needs_no_field() {
    let sparse: ApiError =
        serde_json::from_value(json!({"error": 401, "reason": "Unauthorized"})).unwrap();
    assert_eq!(sparse.error(), Some(401));
    assert_eq!(sparse.reason(), Some("Unauthorized"));
    assert_eq!(sparse.error_code(), None);
    assert_eq!(
        serde_json::from_value::<ApiError>(json!({})).unwrap(),
        ApiError::default()
    );
}

/// A getter per optional field: slices for arrays (empty when absent), `&str` for strings,
/// copies for numbers, booleans and timestamps.
#[test]
fn models_read_through_getters() {
    let page: PaginatedSnapshotView = serde_json::from_value(json!({
        "results": [{"id": "32b6e34b3d91647abb20e7b8", "complete": true, "parts": []}],
        "totalCount": 1
    }))
    .unwrap();
    let results: &[BackupSnapshot] = page.results();
    assert_eq!(results.len(), 1);
    assert_eq!(page.total_count(), Some(1));
    let snapshot = &results[0];
    assert_eq!(snapshot.id(), Some("32b6e34b3d91647abb20e7b8"));
    assert_eq!(snapshot.complete(), Some(true));
    assert!(snapshot.parts().is_empty());
    assert_eq!(snapshot.created(), None);

    let empty = PaginatedSnapshotView::default();
    assert!(empty.results().is_empty());
    assert!(empty.links().is_empty());
}

/// Atlas versions models by date; the newest version of each is also named without it.
#[test]
fn versioned_models_have_their_unversioned_names() {
    fn same_type<T>(_: &T, _: &T) {}
    let snapshot = FlexBackupSnapshot::default();
    same_type(&snapshot, &FlexBackupSnapshot20241113::default());
    let page = PaginatedApiAtlasFlexBackupSnapshotView::default();
    same_type(
        &page,
        &PaginatedApiAtlasFlexBackupSnapshot20241113View::default(),
    );
    let results: &[FlexBackupSnapshot] = page.results();
    assert!(results.is_empty());
}

#[test]
fn enums_compare_and_hash_by_wire_value() {
    use std::collections::HashSet;
    // A value kept as `Unknown` is the same value as the variant that names it.
    let spelled_out = BackupTenantSnapshotStatus::Unknown("COMPLETED".into());
    assert_eq!(spelled_out, BackupTenantSnapshotStatus::Completed);
    let set: HashSet<_> = [spelled_out, BackupTenantSnapshotStatus::Completed].into();
    assert_eq!(set.len(), 1, "equal values hash alike");
    let mut values = [
        BackupTenantSnapshotStatus::from("ZZZ"),
        BackupTenantSnapshotStatus::Queued,
        BackupTenantSnapshotStatus::Completed,
    ];
    // No `Ord` (an order of wire strings means nothing); sorting goes by the wire value.
    values.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let wire: Vec<&str> = values.iter().map(|value| value.as_str()).collect();
    assert_eq!(wire, ["COMPLETED", "QUEUED", "ZZZ"]);
}

#[test]
fn objects_decode_whatever_the_key_order_spelling_or_repetition() {
    // Keys out of order, an escaped key, a repeated key (the last one counts, as for
    // `serde_json::Value`) and unknown keys of every shape.
    let text = r#"{"totalCount": 1, "extra": [1, {"a": null}], "results": [],
        "res\u0075lts": [{"id": "32b6e34b3d91647abb20e7b8", "status": "QUEUED", "more": {}}]}"#;
    let page: PaginatedTenantSnapshotView = serde_json::from_str(text).unwrap();
    assert_eq!(page.total_count, Some(1));
    let results = page.results.unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].status, Some(BackupTenantSnapshotStatus::Queued));
    let error = serde_json::from_str::<PaginatedTenantSnapshotView>("[1, 2]").unwrap_err();
    assert!(
        error
            .to_string()
            .contains("expected struct PaginatedTenantSnapshotView"),
        "{error}"
    );
}

/// Date-time fields take a faster reader than chrono's `Deserialize` for the shape Atlas sends;
/// every other shape (offsets, leap seconds, lower case) and every error must still be chrono's.
#[test]
fn date_time_fields_decode_as_chrono_does() {
    use atlas_snapshots::chrono::{DateTime, Utc};
    for text in [
        "2025-04-01T04:00:11.382Z",
        "2025-04-01T04:00:11Z",
        "2025-04-01T06:00:11.382+02:00",
        "2025-04-01t04:00:11z",
        "2016-12-31T23:59:60Z",
        "2025-02-29T04:00:11Z",
        "yesterday",
    ] {
        let snapshot = serde_json::from_value::<BackupSnapshot>(json!({"expires": text}));
        match text.parse::<DateTime<Utc>>() {
            Ok(expected) => assert_eq!(snapshot.unwrap().expires, Some(expected), "{text}"),
            Err(error) => {
                let message = snapshot.unwrap_err().to_string();
                assert!(message.contains(&error.to_string()), "{text}: {message}");
            }
        }
    }
    let snapshot: BackupSnapshot = serde_json::from_value(json!({"expires": null})).unwrap();
    assert_eq!(snapshot.expires, None);
}

#[test]
fn enums_with_the_same_values_stay_types_of_their_own() {
    use atlas_snapshots::models::FlexBackupSnapshot20241113Status as FlexStatus;
    use std::any::TypeId;
    // The shared-tier and the Flex snapshot's status list the same values and share their
    // code, but each is its own type: a value added to one later changes nothing for the
    // other, and code that mixes them up does not compile today either.
    assert_ne!(
        TypeId::of::<BackupTenantSnapshotStatus>(),
        TypeId::of::<FlexStatus>()
    );
    assert_eq!(
        FlexStatus::KNOWN_VALUES,
        BackupTenantSnapshotStatus::KNOWN_VALUES
    );
    let flex: FlexBackupSnapshot20241113 =
        serde_json::from_value(json!({"status": "COMPLETED"})).unwrap();
    assert_eq!(flex.status, Some(FlexStatus::Completed));
    let status = FlexStatus::from("ARCHIVED");
    assert_eq!(format!("{status:?}"), r#"Unknown("ARCHIVED")"#);
    assert_eq!(status.clone(), FlexStatus::Unknown("ARCHIVED".into()));
    assert_eq!(serde_json::to_value(&status).unwrap(), json!("ARCHIVED"));
    // Errors name the enum of the spec, not the shared one.
    let error = serde_json::from_value::<FlexStatus>(json!(7))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("expected a FlexBackupSnapshot20241113Status string"),
        "{error}"
    );
}
