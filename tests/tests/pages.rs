//! Pages as well as items: `pages()` yields each page with its `totalCount`, `stream()` each
//! item, and both have a `next()` that needs no `futures` trait in scope (this file imports
//! none), against the local Atlas imitation.

use atlas_snapshots::runtime::{ItemStream, PageStream};
use atlas_snapshots::{Client, Credentials, operations::ListFlexBackupsRequest};
use integration_tests::atlas_server::{AtlasServer, Dataset, Endpoint, ServerConfig};
use std::time::Duration;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const FLEX: &str = "Flex0";

async fn start(count: usize) -> (AtlasServer, Client) {
    let server = AtlasServer::start(ServerConfig {
        dataset: Dataset::new().with_tenant_snapshots(GROUP, FLEX, count),
        ..ServerConfig::default()
    })
    .await
    .expect("the local server starts");
    let client = Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .credentials(Credentials::bearer_token("static-token"))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("a valid client");
    (server, client)
}

#[tokio::test]
async fn pages_carry_their_items_and_the_total_count() {
    let (server, client) = start(25).await;
    // A named type: a page stream can be stored and returned.
    let mut pages: PageStream<ListFlexBackupsRequest> = client
        .list_flex_backups(GROUP, FLEX)
        .items_per_page(10)
        .pages();
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.total_count(), Some(25));
        assert_eq!(page.items_per_page(), 10);
        seen.push((page.page_num(), page.items().len()));
    }
    assert_eq!(seen, [(1, 10), (2, 10), (3, 5)]);
    assert_eq!(server.stats().requests_to(Endpoint::ListFlexBackups), 3);
}

#[tokio::test]
async fn items_stream_one_by_one_with_an_inherent_next() {
    let (_server, client) = start(25).await;
    let mut items: ItemStream<ListFlexBackupsRequest> = client
        .list_flex_backups(GROUP, FLEX)
        .items_per_page(10)
        .stream();
    assert_eq!(items.total_count(), None, "nothing fetched yet");
    let mut ids = std::collections::BTreeSet::new();
    while let Some(snapshot) = items.try_next().await.unwrap() {
        ids.insert(snapshot.id.unwrap());
        assert_eq!(items.total_count(), Some(25));
    }
    assert_eq!(ids.len(), 25);
    assert!(
        items.next().await.is_none(),
        "a finished stream stays finished"
    );
}

#[tokio::test]
async fn a_full_last_page_costs_no_extra_request() {
    let (server, client) = start(20).await;
    let mut pages = client
        .list_flex_backups(GROUP, FLEX)
        .items_per_page(10)
        .pages();
    let mut count = 0;
    while let Some(page) = pages.try_next().await.unwrap() {
        count += page.into_items().len();
    }
    assert_eq!(count, 20);
    // The second page has no `next` link: no third, empty request.
    assert_eq!(server.stats().requests_to(Endpoint::ListFlexBackups), 2);
}

#[tokio::test]
async fn without_include_count_pages_have_no_total_and_paging_still_ends() {
    let (server, client) = start(25).await;
    let mut pages = client
        .list_flex_backups(GROUP, FLEX)
        .items_per_page(10)
        .include_count(false)
        .pages();
    let mut count = 0;
    while let Some(page) = pages.try_next().await.unwrap() {
        assert_eq!(page.total_count(), None);
        count += page.items().len();
    }
    assert_eq!(count, 25);
    assert_eq!(server.stats().requests_to(Endpoint::ListFlexBackups), 3);
    let all = client
        .list_flex_backups(GROUP, FLEX)
        .items_per_page(10)
        .include_count(false)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 25);
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let (server, client) = start(25).await;
    server.inject_on(
        Endpoint::ListFlexBackups,
        integration_tests::atlas_server::Fault::Status {
            status: 500,
            times: 1,
        },
    );
    let mut items = client.list_flex_backups(GROUP, FLEX).stream();
    let error = items.next().await.unwrap().unwrap_err();
    assert_eq!(
        error.status(),
        Some(http::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert!(items.next().await.is_none());
}
