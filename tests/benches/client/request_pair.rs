//! The request both request benchmarks build: ours, typed and validated, and the baseline,
//! the same `http::Request` formatted by hand.

use atlas_snapshots::models::ListLegacySnapshotsCompleted;
use atlas_snapshots::operations::ListLegacySnapshotsRequest;
use std::hint::black_box;

pub const GROUP: &str = "32b6e34b3d91647abb20e7b8";
pub const CLUSTER: &str = "Cluster0";
pub const BASE_URL: &str = "https://cloud.mongodb.com";

/// The typed request, with its path parameters and three query parameters set.
pub fn typed() -> ListLegacySnapshotsRequest {
    ListLegacySnapshotsRequest::new(black_box(GROUP), black_box(CLUSTER))
        .items_per_page(100)
        .page_num(2)
        .completed(ListLegacySnapshotsCompleted::All)
}

/// What a caller writes without the generated crate: `format!` and `http::Request::builder`,
/// with nothing checked.
pub fn by_hand() -> http::Request<Vec<u8>> {
    let uri = format!(
        "{BASE_URL}/api/atlas/v2/groups/{}/clusters/{}/snapshots?itemsPerPage=100&pageNum=2&completed=all",
        black_box(GROUP),
        black_box(CLUSTER)
    );
    http::Request::builder()
        .method("GET")
        .uri(uri)
        .header("accept", "application/vnd.atlas.2023-01-01+json")
        .body(Vec::<u8>::new())
        .unwrap()
}
