//! Lists every snapshot of one cluster, against real Atlas or the local test server.
//!
//! ```text
//! ATLAS_GROUP_ID=32b6e34b3d91647abb20e7b8 ATLAS_CLUSTER_NAME=Cluster0 \
//! ATLAS_CLIENT_ID=... ATLAS_CLIENT_SECRET=... \
//! cargo run -p atlas-snapshots --example list_snapshots
//! ```
//!
//! Environment:
//! - `ATLAS_GROUP_ID`, `ATLAS_CLUSTER_NAME`: the project and cluster (required).
//! - Credentials, one of: `ATLAS_CLIENT_ID` + `ATLAS_CLIENT_SECRET` (service account),
//!   `ATLAS_PUBLIC_KEY` + `ATLAS_PRIVATE_KEY` (API keys, HTTP Digest), `ATLAS_TOKEN` (bearer).
//! - `ATLAS_BASE_URL`: defaults to `https://cloud.mongodb.com`; an `http://` URL (the local
//!   server) is accepted only with `ATLAS_ALLOW_INSECURE_HTTP=1`.
//! - `ATLAS_SNAPSHOTS`: `flex` (default: the live API; `ATLAS_CLUSTER_NAME` is then the flex
//!   cluster's name), or the operations Atlas deprecated: `legacy`, `tenant` (M2/M5) and
//!   `serverless` (the last two sunset in January 2026).
//! - `ATLAS_ITEMS_PER_PAGE`: page size, 1 to 500 (default 100).

#![allow(deprecated)] // Atlas deprecated these operations; listing them is still what this shows.

use atlas_snapshots::models::ApiError;
use atlas_snapshots::runtime::{ItemStream, Paginated};
use atlas_snapshots::{Client, ConfigError, Credentials, Error};
use std::process::ExitCode;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn credentials() -> Result<Credentials, String> {
    if let (Some(id), Some(secret)) = (var("ATLAS_CLIENT_ID"), var("ATLAS_CLIENT_SECRET")) {
        return Ok(Credentials::service_account(id, secret));
    }
    if let (Some(public), Some(private)) = (var("ATLAS_PUBLIC_KEY"), var("ATLAS_PRIVATE_KEY")) {
        return Ok(Credentials::api_keys(public, private));
    }
    if let Some(token) = var("ATLAS_TOKEN") {
        return Ok(Credentials::bearer_token(token));
    }
    Err("set ATLAS_CLIENT_ID and ATLAS_CLIENT_SECRET, ATLAS_PUBLIC_KEY and ATLAS_PRIVATE_KEY, or ATLAS_TOKEN".into())
}

/// Prints each item as it arrives and returns how many there were.
async fn print_all<O>(mut items: ItemStream<O>) -> Result<usize, Error>
where
    O: Paginated<ErrorBody = ApiError>,
    O::Item: std::fmt::Debug,
{
    let mut count = 0;
    while let Some(item) = items.try_next().await? {
        println!("{item:?}");
        count += 1;
    }
    Ok(count)
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(count) => {
            eprintln!("{count} snapshot(s)");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<usize, String> {
    let group_id = var("ATLAS_GROUP_ID").ok_or("set ATLAS_GROUP_ID")?;
    let cluster = var("ATLAS_CLUSTER_NAME").ok_or("set ATLAS_CLUSTER_NAME")?;
    let items_per_page: i32 = match var("ATLAS_ITEMS_PER_PAGE") {
        Some(value) => value
            .parse()
            .map_err(|_| format!("ATLAS_ITEMS_PER_PAGE={value} is not a number"))?,
        None => 100,
    };
    let mut builder = Client::builder()
        .credentials(credentials()?)
        .user_agent_suffix("list_snapshots-example")
        .allow_insecure_http(var("ATLAS_ALLOW_INSECURE_HTTP").as_deref() == Some("1"));
    if let Some(base_url) = var("ATLAS_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build().map_err(|error| match error {
        ConfigError::InsecureUrl { url } => {
            format!("{url} is plain HTTP; set ATLAS_ALLOW_INSECURE_HTTP=1 to allow it for a local server")
        }
        other => other.to_string(),
    })?;
    let listed = match var("ATLAS_SNAPSHOTS").as_deref().unwrap_or("flex") {
        "flex" => {
            let call = client
                .list_flex_backups(group_id, cluster)
                .items_per_page(items_per_page);
            print_all(call.stream()).await
        }
        "legacy" => {
            let call = client
                .list_legacy_snapshots(group_id, cluster)
                .items_per_page(items_per_page);
            print_all(call.stream()).await
        }
        "tenant" => {
            let call = client.list_shared_cluster_backups(group_id, cluster);
            call.send().await.map(|page| {
                let results = page.results();
                results.iter().for_each(|item| println!("{item:?}"));
                results.len()
            })
        }
        "serverless" => {
            let call = client
                .list_serverless_backups(group_id, cluster)
                .items_per_page(items_per_page);
            print_all(call.stream()).await
        }
        other => {
            return Err(format!(
                "ATLAS_SNAPSHOTS={other}: use flex, legacy, tenant or serverless"
            ));
        }
    };
    listed.map_err(|error| error.to_string())
}
