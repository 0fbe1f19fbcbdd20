//! Request builders: exact method, URL, query and headers per operation; every rule of the
//! spec rejected before a request exists, naming parameter, value and rule.

#![allow(deprecated)] // Three of the four operations are deprecated by Atlas; they still work.

use atlas_snapshots::DEFAULT_BASE_URL;
use atlas_snapshots::models::ListLegacySnapshotsCompleted;
use atlas_snapshots::operations::{
    GetFlexBackupRequest, GetSharedClusterBackupRequest, ListFlexBackupsRequest,
    ListLegacySnapshotsRequest, ListServerlessBackupsRequest, ListSharedClusterBackupsRequest,
};
use atlas_snapshots::runtime::{BuildError, ParameterLocation, Rule, encode_path_segment};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const SNAPSHOT: &str = "5f4007f327a3bd7b6f4103c5";

fn accept(request: &http::Request<Vec<u8>>) -> &str {
    request.headers()[http::header::ACCEPT].to_str().unwrap()
}

#[test]
fn list_shared_cluster_backups_request() {
    let request = ListSharedClusterBackupsRequest::new(GROUP, "Cluster0")
        .envelope(false)
        .pretty(true)
        .build_request(DEFAULT_BASE_URL)
        .unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri(),
        "https://cloud.mongodb.com/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/snapshots?envelope=false&pretty=true"
    );
    assert_eq!(accept(&request), "application/json");
    assert!(request.body().is_empty());
}

#[test]
fn get_shared_cluster_backup_request() {
    let request = GetSharedClusterBackupRequest::new(GROUP, "Cluster0", SNAPSHOT)
        .build_request(DEFAULT_BASE_URL)
        .unwrap();
    assert_eq!(
        request.uri(),
        "https://cloud.mongodb.com/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/snapshots/5f4007f327a3bd7b6f4103c5"
    );
    assert_eq!(accept(&request), "application/json");
}

#[test]
fn list_serverless_backups_request_sends_only_what_is_set_in_spec_order() {
    let request = ListServerlessBackupsRequest::new(GROUP, "serverless-1")
        .page_num(3)
        .items_per_page(500)
        .include_count(false)
        .build_request("http://127.0.0.1:8080/")
        .unwrap();
    assert_eq!(
        request.uri(),
        "http://127.0.0.1:8080/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/serverless/serverless-1/backup/snapshots?includeCount=false&itemsPerPage=500&pageNum=3"
    );
    let bare = ListServerlessBackupsRequest::new(GROUP, "serverless-1")
        .build_request("https://cloud.mongodb.com")
        .unwrap();
    assert_eq!(bare.uri().query(), None);
}

#[test]
fn list_legacy_snapshots_request_uses_the_versioned_media_type() {
    let request = ListLegacySnapshotsRequest::new(GROUP, "Cluster0")
        .completed(ListLegacySnapshotsCompleted::All)
        .items_per_page(100)
        .build_request("https://proxy.example.com/atlas")
        .unwrap();
    assert_eq!(
        request.uri(),
        "https://proxy.example.com/atlas/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/snapshots?itemsPerPage=100&completed=all"
    );
    assert_eq!(accept(&request), "application/vnd.atlas.2023-01-01+json");
    let incomplete = ListLegacySnapshotsRequest::new(GROUP, "Cluster0")
        .completed(ListLegacySnapshotsCompleted::False)
        .build_request(DEFAULT_BASE_URL)
        .unwrap();
    assert_eq!(incomplete.uri().query(), Some("completed=false"));
}

/// Asserts the build fails on `parameter` with `value` and `rule`, and the message says so.
fn assert_rejected(
    result: Result<http::Request<Vec<u8>>, BuildError>,
    parameter: &str,
    value: &str,
    rule: Rule,
) {
    let error = result.expect_err("an invalid parameter must not yield a request");
    let parameter_error = error
        .parameter_error()
        .unwrap_or_else(|| panic!("not a parameter error: {error}"));
    assert_eq!(parameter_error.parameter(), parameter);
    assert_eq!(parameter_error.value(), value);
    assert_eq!(parameter_error.rule(), rule);
    let message = error.to_string();
    assert!(message.contains(parameter), "{message}");
    assert!(message.contains(&format!("{value:?}")), "{message}");
    assert!(message.contains(&rule.to_string()), "{message}");
}

const HEX24: Rule = Rule::Pattern("^([a-f0-9]{24})$");
const CLUSTER: Rule = Rule::Pattern("^[a-zA-Z0-9][a-zA-Z0-9-]*$");

#[test]
fn group_id_rules() {
    for op in ["tenant", "serverless", "legacy"] {
        let build = |group: &str| match op {
            "tenant" => {
                ListSharedClusterBackupsRequest::new(group, "c").build_request(DEFAULT_BASE_URL)
            }
            "serverless" => {
                ListServerlessBackupsRequest::new(group, "c").build_request(DEFAULT_BASE_URL)
            }
            _ => ListLegacySnapshotsRequest::new(group, "c").build_request(DEFAULT_BASE_URL),
        };
        assert_rejected(
            build("32B6E34B3D91647ABB20E7B8"),
            "groupId",
            "32B6E34B3D91647ABB20E7B8",
            HEX24,
        );
        assert_rejected(
            build("32b6e34b3d91647abb20e7b"),
            "groupId",
            "32b6e34b3d91647abb20e7b",
            Rule::MinLength(24),
        );
        assert_rejected(
            build("32b6e34b3d91647abb20e7b8a"),
            "groupId",
            "32b6e34b3d91647abb20e7b8a",
            Rule::MaxLength(24),
        );
        assert_rejected(
            build("zzb6e34b3d91647abb20e7b8"),
            "groupId",
            "zzb6e34b3d91647abb20e7b8",
            HEX24,
        );
    }
}

#[test]
fn cluster_name_rules() {
    let tenant = |name: &str| {
        ListSharedClusterBackupsRequest::new(GROUP, name).build_request(DEFAULT_BASE_URL)
    };
    assert_rejected(
        tenant("-starts-with-dash"),
        "clusterName",
        "-starts-with-dash",
        CLUSTER,
    );
    assert_rejected(tenant("has/slash"), "clusterName", "has/slash", CLUSTER);
    assert_rejected(tenant(""), "clusterName", "", Rule::PathSegment);
    assert_rejected(tenant(".."), "clusterName", "..", Rule::PathSegment);
    let serverless =
        |name: &str| ListServerlessBackupsRequest::new(GROUP, name).build_request(DEFAULT_BASE_URL);
    assert_rejected(
        serverless("under_score"),
        "clusterName",
        "under_score",
        CLUSTER,
    );
    // Only the legacy operation documents lengths for clusterName.
    let legacy =
        |name: &str| ListLegacySnapshotsRequest::new(GROUP, name).build_request(DEFAULT_BASE_URL);
    assert_rejected(legacy(""), "clusterName", "", Rule::PathSegment);
    let long = "a".repeat(65);
    assert_rejected(legacy(&long), "clusterName", &long, Rule::MaxLength(64));
    assert!(legacy(&"a".repeat(64)).is_ok());
    assert!(tenant(&"a".repeat(65)).is_ok());
}

#[test]
fn snapshot_id_rule() {
    let result = GetSharedClusterBackupRequest::new(GROUP, "Cluster0", "not-a-snapshot")
        .build_request(DEFAULT_BASE_URL);
    assert_rejected(result, "snapshotId", "not-a-snapshot", HEX24);
}

#[test]
fn paging_rules() {
    let serverless = || ListServerlessBackupsRequest::new(GROUP, "c");
    assert_rejected(
        serverless()
            .items_per_page(0)
            .build_request(DEFAULT_BASE_URL),
        "itemsPerPage",
        "0",
        Rule::Minimum(1),
    );
    assert_rejected(
        serverless()
            .items_per_page(501)
            .build_request(DEFAULT_BASE_URL),
        "itemsPerPage",
        "501",
        Rule::Maximum(500),
    );
    assert_rejected(
        serverless().page_num(0).build_request(DEFAULT_BASE_URL),
        "pageNum",
        "0",
        Rule::Minimum(1),
    );
    assert_rejected(
        serverless().page_num(-7).build_request(DEFAULT_BASE_URL),
        "pageNum",
        "-7",
        Rule::Minimum(1),
    );
    let legacy = || ListLegacySnapshotsRequest::new(GROUP, "c");
    assert_rejected(
        legacy().items_per_page(-1).build_request(DEFAULT_BASE_URL),
        "itemsPerPage",
        "-1",
        Rule::Minimum(1),
    );
    assert!(
        legacy()
            .items_per_page(1)
            .page_num(i32::MAX)
            .build_request(DEFAULT_BASE_URL)
            .is_ok()
    );
}

#[test]
fn validation_errors_say_where_the_parameter_travels() {
    let error = ListServerlessBackupsRequest::new(GROUP, "c")
        .items_per_page(0)
        .validate()
        .unwrap_err();
    assert_eq!(error.location(), ParameterLocation::Query);
    assert_eq!(error.rust_name(), "items_per_page");
    assert_eq!(
        error.to_string(),
        "invalid query parameter itemsPerPage (`items_per_page`): \"0\" must be at least 1"
    );
}

#[test]
fn invalid_base_urls_are_rejected() {
    let error = ListServerlessBackupsRequest::new(GROUP, "c")
        .build_request("cloud.mongodb.com")
        .unwrap_err();
    assert!(
        matches!(error, BuildError::InvalidBaseUrl { .. }),
        "{error}"
    );
}

#[test]
fn path_segments_are_percent_encoded() {
    assert_eq!(encode_path_segment("a b/c?d#e%f"), "a%20b%2Fc%3Fd%23e%25f");
    assert_eq!(encode_path_segment("Cluster-0"), "Cluster-0");
    assert_eq!(encode_path_segment("é"), "%C3%A9");
}

#[test]
fn builders_expose_what_was_set() {
    let request = ListLegacySnapshotsRequest::new(GROUP, "Cluster0").items_per_page(7);
    assert_eq!(request.get_group_id(), GROUP);
    assert_eq!(request.get_items_per_page(), Some(7));
    assert_eq!(request.get_page_num(), None);
    assert_eq!(
        ListLegacySnapshotsRequest::OPERATION_ID,
        "listLegacySnapshots"
    );
}

#[test]
fn flex_replacements_use_their_versioned_media_type() {
    let list = ListFlexBackupsRequest::new(GROUP, "Flex0")
        .items_per_page(10)
        .build_request(DEFAULT_BASE_URL)
        .unwrap();
    assert_eq!(
        list.uri(),
        "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/flexClusters/Flex0/backup/snapshots?itemsPerPage=10"
    );
    assert_eq!(accept(&list), "application/vnd.atlas.2024-11-13+json");
    let one = GetFlexBackupRequest::new(GROUP, "Flex0", SNAPSHOT)
        .build_request(DEFAULT_BASE_URL)
        .unwrap();
    assert_eq!(
        one.uri(),
        "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/flexClusters/Flex0/backup/snapshots/5f4007f327a3bd7b6f4103c5"
    );
    let bad = GetFlexBackupRequest::new(GROUP, "-flex", SNAPSHOT)
        .build_request(DEFAULT_BASE_URL)
        .unwrap_err();
    assert_eq!(bad.parameter_error().map(|e| e.parameter()), Some("name"));
}
