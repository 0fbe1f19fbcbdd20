//! Client benchmarks, each beside a baseline measured in the same run:
//!
//! - decoding a 500-snapshot page into the typed model vs into `serde_json::Value`;
//! - building a validated request vs formatting the same `http::Request` by hand;
//! - listing 10,000 snapshots through the client's stream from the local server vs fetching
//!   the same pages with bare reqwest into `serde_json::Value`.
//!
//! Run with `cargo bench -p integration-tests --bench client`.

#![allow(deprecated)] // The legacy operation is deprecated by Atlas; it is the richest model.

use atlas_snapshots::models::{ListLegacySnapshotsCompleted, PaginatedSnapshotView};
use atlas_snapshots::operations::ListLegacySnapshotsRequest;
use atlas_snapshots::{Client, Credentials};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use integration_tests::atlas_server::{AtlasServer, Dataset, ServerConfig};
use integration_tests::committed_spec_json;
use std::hint::black_box;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";

/// The seed's legacy snapshot example, 500 times with distinct ids.
fn page_of_500() -> Vec<u8> {
    let spec = committed_spec_json();
    let example = &spec["paths"]["/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/snapshots"]
        ["get"]["responses"]["200"]["content"]["application/vnd.atlas.2023-01-01+json"]["example"];
    let template = example["results"][0].clone();
    let results: Vec<serde_json::Value> = (0..500)
        .map(|index| {
            let mut item = template.clone();
            item["id"] = format!("{index:024x}").into();
            item
        })
        .collect();
    serde_json::to_vec(
        &serde_json::json!({"links": example["links"], "results": results, "totalCount": 500}),
    )
    .unwrap()
}

fn decode(c: &mut Criterion) {
    let body = page_of_500();
    let mut group = c.benchmark_group("decode a 500-snapshot page");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed PaginatedSnapshotView", |b| {
        b.iter(|| serde_json::from_slice::<PaginatedSnapshotView>(black_box(&body)).unwrap())
    });
    group.bench_function("baseline: serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build a request");
    group.bench_function("validated ListLegacySnapshotsRequest", |b| {
        b.iter(|| {
            ListLegacySnapshotsRequest::new(black_box(GROUP), black_box(CLUSTER))
                .items_per_page(100)
                .page_num(2)
                .completed(ListLegacySnapshotsCompleted::All)
                .build_request("https://cloud.mongodb.com")
                .unwrap()
        })
    });
    group.bench_function("baseline: format! and http::Request::builder", |b| {
        b.iter(|| {
            let uri = format!(
                "https://cloud.mongodb.com/api/atlas/v2/groups/{}/clusters/{}/snapshots?itemsPerPage=100&pageNum=2&completed=all",
                black_box(GROUP),
                black_box(CLUSTER)
            );
            http::Request::builder()
                .method("GET")
                .uri(uri)
                .header("accept", "application/vnd.atlas.2023-01-01+json")
                .body(Vec::<u8>::new())
                .unwrap()
        })
    });
    group.finish();
}

fn list(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(AtlasServer::start(ServerConfig {
            dataset: Dataset::new().with_legacy_snapshots(GROUP, CLUSTER, 10_000),
            ..ServerConfig::default()
        }))
        .unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .credentials(Credentials::bearer_token("static-token"))
        .build()
        .unwrap();
    let raw = reqwest::Client::new();
    let base = server.base_url();
    let mut group = c.benchmark_group("list 10,000 snapshots, 500 per page");
    group.sample_size(10);
    group.throughput(Throughput::Elements(10_000));
    group.bench_function("client stream (typed)", |b| {
        b.to_async(&runtime).iter_batched(
            || client.clone(),
            |client| async move {
                let items = client
                    .list_legacy_snapshots(GROUP, CLUSTER)
                    .items_per_page(500)
                    .collect_all()
                    .await
                    .unwrap();
                assert_eq!(items.len(), 10_000);
            },
            BatchSize::SmallInput,
        )
    });
    group.bench_function("baseline: bare reqwest into serde_json::Value", |b| {
        b.to_async(&runtime).iter(|| {
            let raw = raw.clone();
            let base = base.clone();
            async move {
                let mut count = 0;
                for page in 1..=21 {
                    let body: serde_json::Value = raw
                        .get(format!("{base}/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/snapshots?itemsPerPage=500&pageNum={page}"))
                        .bearer_auth("static-token")
                        .header("accept", "application/vnd.atlas.2023-01-01+json")
                        .send()
                        .await
                        .unwrap()
                        .json()
                        .await
                        .unwrap();
                    count += body["results"].as_array().map_or(0, Vec::len);
                }
                assert_eq!(count, 10_000);
            }
        })
    });
    group.finish();
}

criterion_group!(benches, decode, build, list);
criterion_main!(benches);
