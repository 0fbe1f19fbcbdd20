//! Client benchmarks, each beside a baseline measured in the same run:
//!
//! - decoding a 500-snapshot page of our own (`client/snapshot_page.rs`: unknown fields,
//!   unknown enum values) into the generated model vs into a hand-written
//!   `#[derive(Deserialize)]` mirror of the same shape, and vs `serde_json::Value`;
//! - building a validated request (from the base URL's text, and from a base URL parsed
//!   once, as the client does) vs formatting the same `http::Request` by hand;
//! - checking the two path parameters' patterns: the compiled steps the crate runs vs
//!   `regex-lite`, the engine they replace;
//! - listing 10,000 snapshots through the client's stream from the local server vs fetching
//!   the same pages with bare reqwest into `serde_json::Value`.
//!
//! Run with `cargo bench -p integration-tests --bench client`.

#![allow(deprecated)] // The legacy operation is deprecated by Atlas; it is the richest model.

#[path = "client/request_pair.rs"]
mod request_pair;
#[path = "client/snapshot_page.rs"]
mod snapshot_page;

use atlas_snapshots::models::PaginatedSnapshotView;
use atlas_snapshots::runtime::BaseUrl;
use atlas_snapshots::{Client, Credentials};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use integration_tests::atlas_server::{AtlasServer, Dataset, ServerConfig};
use request_pair::{BASE_URL, CLUSTER, GROUP};
use std::hint::black_box;

fn decode(c: &mut Criterion) {
    let body = snapshot_page::page_of_500();
    // Both decoders read the whole page, unknown values included, before they are timed.
    let typed: PaginatedSnapshotView = serde_json::from_slice(&body).unwrap();
    let mirrored: snapshot_page::SnapshotPage = serde_json::from_slice(&body).unwrap();
    assert_eq!(typed.results.map(|r| r.len()), Some(500));
    assert_eq!(mirrored.results.map(|r| r.len()), Some(500));
    let mut group = c.benchmark_group("decode a 500-snapshot page");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("typed PaginatedSnapshotView", |b| {
        b.iter(|| serde_json::from_slice::<PaginatedSnapshotView>(black_box(&body)).unwrap())
    });
    group.bench_function("baseline: hand-written derive of the same shape", |b| {
        b.iter(|| serde_json::from_slice::<snapshot_page::SnapshotPage>(black_box(&body)).unwrap())
    });
    group.bench_function("baseline: serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let base_url: BaseUrl = BASE_URL.parse().unwrap();
    let request = request_pair::typed;
    let mut group = c.benchmark_group("build a request");
    group.bench_function("validated ListLegacySnapshotsRequest", |b| {
        b.iter(|| request().build_request(BASE_URL).unwrap())
    });
    group.bench_function("validated, base URL parsed once (as the client)", |b| {
        b.iter(|| request().build_request_at(black_box(&base_url)).unwrap())
    });
    group.bench_function("baseline: format! and http::Request::builder", |b| {
        b.iter(request_pair::by_hand)
    });
    group.finish();

    let mut group = c.benchmark_group("check the path parameters' patterns");
    group.bench_function("compiled steps (validate)", |b| {
        b.iter(|| request().validate().unwrap())
    });
    let object_id = regex_lite::Regex::new("^([a-f0-9]{24})$").unwrap();
    let name = regex_lite::Regex::new("^[a-zA-Z0-9][a-zA-Z0-9-]*$").unwrap();
    group.bench_function("baseline: the same request, patterns on regex-lite", |b| {
        b.iter(|| {
            let request = request();
            assert!(object_id.is_match(request.get_group_id()));
            assert!(name.is_match(request.get_cluster_name()));
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
