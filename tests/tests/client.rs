//! The async client against the local Atlas server: each operation through each auth scheme,
//! pagination, faults and retries, concurrency, and secrets that never show.

#![allow(deprecated)] // Three of the four operations are deprecated by Atlas; they still work.

use atlas_snapshots::models::BackupTenantSnapshotStatus;
use atlas_snapshots::runtime::client::AuthError;
use atlas_snapshots::{Client, Credentials, Error, RetryPolicy};
use integration_tests::atlas_server::{
    self as server, AtlasServer, Dataset, Endpoint, Fault, ServerConfig,
};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";

fn dataset(count: usize) -> Dataset {
    Dataset::new()
        .with_tenant_snapshots(GROUP, CLUSTER, count)
        .with_serverless_snapshots(GROUP, CLUSTER, count)
        .with_legacy_snapshots(GROUP, CLUSTER, count)
}

async fn start(config: ServerConfig) -> AtlasServer {
    AtlasServer::start(config)
        .await
        .expect("the local server starts")
}

/// A client for the local server with fast retries, so fault tests finish quickly.
fn client(server: &AtlasServer, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .credentials(credentials)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(2),
            ..RetryPolicy::default()
        })
        .build()
        .expect("a valid client")
}

fn every_scheme() -> [(&'static str, Credentials); 3] {
    [
        (
            "api keys",
            Credentials::api_keys("public-key", "private-key"),
        ),
        (
            "service account",
            Credentials::service_account("client-id", "client-secret"),
        ),
        ("bearer", Credentials::bearer_token("static-token")),
    ]
}

#[tokio::test]
async fn every_operation_through_every_auth_scheme() {
    let server = start(ServerConfig {
        dataset: dataset(3),
        ..ServerConfig::default()
    })
    .await;
    for (scheme, credentials) in every_scheme() {
        let client = client(&server, credentials);
        let tenant = client
            .list_shared_cluster_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        let results = tenant.results.unwrap();
        assert_eq!(results.len(), 3, "{scheme}");
        let id = results[0].id.clone().unwrap();
        let one = client
            .get_shared_cluster_backup(GROUP, CLUSTER, id.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert_eq!(one.id, Some(id));
        let serverless = client
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert_eq!(serverless.results.unwrap().len(), 3, "{scheme}");
        let legacy = client
            .list_legacy_snapshots(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{scheme}: {e}"));
        assert_eq!(legacy.results.unwrap().len(), 3, "{scheme}");
    }
}

#[test]
fn one_client_is_shared_by_tasks() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Client>();
}

#[tokio::test]
async fn digest_with_sha_256() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        credentials: server::Credentials::Digest {
            public_key: "sha-public".into(),
            private_key: "sha-private".into(),
            algorithm: server::DigestAlgorithm::Sha256,
        },
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::api_keys("sha-public", "sha-private"));
    for _ in 0..3 {
        let page = client
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap();
        assert_eq!(page.results.unwrap().len(), 2);
    }
    assert_eq!(server.stats().challenges, 1);
}

#[tokio::test]
async fn requests_carry_accept_and_user_agent() {
    let server = start(ServerConfig {
        dataset: dataset(1),
        ..ServerConfig::default()
    })
    .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .bearer_token("static-token")
        .user_agent_suffix("my-tool/1.2")
        .build()
        .unwrap();
    client
        .list_legacy_snapshots(GROUP, CLUSTER)
        .send()
        .await
        .unwrap();
    let recorded = server.requests();
    let request = recorded.last().unwrap();
    assert_eq!(
        request.header("accept"),
        Some("application/vnd.atlas.2023-01-01+json")
    );
    let agent = request.header("user-agent").unwrap();
    // The crate's own name and version, as its manifest says.
    let manifest =
        std::fs::read_to_string(integration_tests::workspace_root().join("generated/Cargo.toml"))
            .unwrap();
    let version = manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = "))
        .unwrap()
        .trim_matches('"');
    assert!(
        agent.starts_with(&format!("atlas-snapshots/{version} (")),
        "{agent}"
    );
    assert!(agent.ends_with(" my-tool/1.2"), "{agent}");
}

#[tokio::test]
async fn a_preconfigured_reqwest_client_is_used() {
    let server = start(ServerConfig {
        dataset: dataset(1),
        ..ServerConfig::default()
    })
    .await;
    let mut headers = http::HeaderMap::new();
    headers.insert("x-proxy-route", http::HeaderValue::from_static("atlas-eu"));
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .bearer_token("static-token")
        .http_client(http)
        .build()
        .unwrap();
    client
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(
        server.requests().last().unwrap().header("x-proxy-route"),
        Some("atlas-eu")
    );
}

#[tokio::test]
async fn digest_pays_one_challenge_then_reuses_the_nonce() {
    let server = start(ServerConfig {
        dataset: dataset(1),
        digest_nonce_uses: Some(4),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::api_keys("public-key", "private-key"));
    for _ in 0..10 {
        client
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap();
    }
    let stats = server.stats();
    // One initial challenge, then a stale nonce every four uses: far fewer than one per request.
    assert_eq!(stats.challenges - stats.stale_challenges, 1, "{stats:?}");
    assert!(stats.stale_challenges >= 1, "{stats:?}");
    assert_eq!(
        stats.requests_to(Endpoint::ListServerlessBackups),
        10 + stats.challenges
    );
}

#[tokio::test]
async fn wrong_credentials_are_an_auth_error_without_secrets() {
    let server = start(ServerConfig {
        dataset: dataset(1),
        ..ServerConfig::default()
    })
    .await;
    for credentials in [
        Credentials::api_keys("public-key", "wrong-private-key"),
        Credentials::bearer_token("wrong-static-token"),
    ] {
        let error = client(&server, credentials)
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            error.status(),
            Some(http::StatusCode::UNAUTHORIZED),
            "{error}"
        );
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("wrong-"), "{shown}");
    }
    let error = client(
        &server,
        Credentials::service_account("client-id", "wrong-secret"),
    )
    .list_serverless_backups(GROUP, CLUSTER)
    .send()
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Auth {
                source: AuthError::TokenRefused { status: 401, .. },
                ..
            }
        ),
        "{error:?}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("wrong-secret"), "{shown}");
}

#[tokio::test]
async fn secrets_never_show_in_debug_or_logs() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = start(ServerConfig {
        dataset: dataset(1),
        ..ServerConfig::default()
    })
    .await;
    server.inject(Fault::unavailable(1));
    for (_, credentials) in every_scheme() {
        let client = client(&server, credentials);
        client
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap();
        let shown = format!("{client:?}");
        for secret in ["private-key", "client-secret", "static-token"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "the retry is logged: {logs}");
    assert!(logs.contains("listServerlessBackups"), "{logs}");
    for secret in ["private-key", "client-secret", "static-token"] {
        assert!(
            !logs.contains(secret),
            "{secret} leaked into the logs:\n{logs}"
        );
    }
}

#[test]
fn plain_http_is_refused_unless_allowed() {
    let error = Client::builder()
        .base_url("http://127.0.0.1:1")
        .bearer_token("t")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("refusing plain HTTP"), "{error}");
    assert!(
        Client::builder()
            .base_url("http://127.0.0.1:1")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    assert!(Client::builder().base_url("ftp://x").build().is_err());
}

#[tokio::test]
async fn invalid_input_is_caught_before_sending() {
    let server = start(ServerConfig {
        dataset: dataset(1),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::bearer_token("static-token"));
    let error = client
        .list_serverless_backups("not-a-group", CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert!(error.to_string().contains("groupId"), "{error}");
    let error = client
        .list_legacy_snapshots(GROUP, CLUSTER)
        .items_per_page(501)
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("itemsPerPage"), "{error}");
    assert_eq!(server.stats().total_api_requests(), 0);
}

#[tokio::test]
async fn atlas_errors_are_typed_and_say_what_to_act_on() {
    let server = start(ServerConfig {
        dataset: dataset(1),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::bearer_token("static-token"));
    let missing = client
        .list_serverless_backups(GROUP, "NoSuchCluster")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(http::StatusCode::NOT_FOUND));
    assert!(missing.is_error_code("RESOURCE_NOT_FOUND"), "{missing:?}");
    let shown = missing.to_string();
    for part in [
        "listServerlessBackups",
        "GET",
        "/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/serverless/NoSuchCluster/backup/snapshots",
        "404",
        "RESOURCE_NOT_FOUND",
    ] {
        assert!(shown.contains(part), "{part} missing from: {shown}");
    }
    // The legacy operation does not document 404, yet Atlas's error body is still understood.
    let legacy = client
        .list_legacy_snapshots(GROUP, "NoSuchCluster")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        legacy.error_code(),
        Some("RESOURCE_NOT_FOUND"),
        "{legacy:?}"
    );
}

/// Every id of a stream, checking none repeats.
fn unique_ids(ids: impl IntoIterator<Item = Option<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for id in ids {
        let id = id.expect("every snapshot has an id");
        assert!(seen.insert(id.clone()), "{id} came twice");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_returns_every_item_exactly_once() {
    for skew in [0, -7, 250] {
        let server = start(ServerConfig {
            dataset: dataset(1234),
            total_count_skew: skew,
            ..ServerConfig::default()
        })
        .await;
        let expected_serverless: BTreeSet<String> = server
            .dataset()
            .snapshot_ids(server::SnapshotKind::Serverless, GROUP, CLUSTER)
            .into_iter()
            .collect();
        let expected_legacy: BTreeSet<String> = server
            .dataset()
            .snapshot_ids(server::SnapshotKind::Legacy, GROUP, CLUSTER)
            .into_iter()
            .collect();
        assert_eq!(expected_serverless.len(), 1234);
        let client = client(&server, Credentials::bearer_token("static-token"));
        for items_per_page in [1, 100, 500] {
            if items_per_page == 1 && skew != 0 {
                continue; // 1,234 round trips per case are enough once.
            }
            for include_count in [true, false] {
                let serverless = client
                    .list_serverless_backups(GROUP, CLUSTER)
                    .items_per_page(items_per_page)
                    .include_count(include_count)
                    .collect_all()
                    .await
                    .unwrap();
                assert_eq!(
                    unique_ids(serverless.into_iter().map(|s| s.id)),
                    expected_serverless,
                    "serverless ipp={items_per_page} count={include_count} skew={skew}"
                );
                let legacy = client
                    .list_legacy_snapshots(GROUP, CLUSTER)
                    .items_per_page(items_per_page)
                    .include_count(include_count)
                    .collect_all()
                    .await
                    .unwrap();
                assert_eq!(
                    unique_ids(legacy.into_iter().map(|s| s.id)),
                    expected_legacy,
                    "legacy ipp={items_per_page} count={include_count} skew={skew}"
                );
            }
        }
    }
}

#[tokio::test]
async fn pagination_is_lazy_and_starts_where_asked() {
    let server = start(ServerConfig {
        dataset: dataset(250),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::bearer_token("static-token"));
    let mut stream = client
        .list_serverless_backups(GROUP, CLUSTER)
        .items_per_page(100)
        .stream();
    let first = stream.try_next().await.unwrap();
    assert!(first.is_some());
    assert_eq!(
        server.stats().requests_to(Endpoint::ListServerlessBackups),
        1,
        "one page fetched so far"
    );
    drop(stream);
    let rest = client
        .list_serverless_backups(GROUP, CLUSTER)
        .items_per_page(100)
        .page_num(2)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(rest.len(), 150);
    let empty = Dataset::new().with_serverless_snapshots(GROUP, "Empty", 0);
    let server = start(ServerConfig {
        dataset: empty,
        ..ServerConfig::default()
    })
    .await;
    let client = self::client(&server, Credentials::bearer_token("static-token"));
    assert!(
        client
            .list_serverless_backups(GROUP, "Empty")
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn rate_limits_and_unavailability_are_retried() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::bearer_token("static-token"));
    server.inject(Fault::TooManyRequests {
        retry_after_secs: 1,
        times: 1,
    });
    let started = Instant::now();
    client
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After was honoured"
    );
    for status in [502, 503, 504] {
        server.inject(Fault::Status { status, times: 2 });
        client
            .list_legacy_snapshots(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
    }
    assert_eq!(server.pending_faults(), 0);
}

#[tokio::test]
async fn retries_are_bounded_and_can_be_switched_off() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    server.inject(Fault::unavailable(10));
    let error = client(&server, Credentials::bearer_token("static-token"))
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.status(),
        Some(http::StatusCode::SERVICE_UNAVAILABLE),
        "{error}"
    );
    assert_eq!(
        server.stats().requests_to(Endpoint::ListServerlessBackups),
        4,
        "the default policy makes 4 attempts"
    );

    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    server.inject(Fault::unavailable(1));
    let no_retries = Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .bearer_token("static-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = no_retries
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        server.stats().requests_to(Endpoint::ListServerlessBackups),
        1
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    server.inject(Fault::DropConnection { times: 1 });
    let page = client(&server, Credentials::bearer_token("static-token"))
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(page.results.unwrap().len(), 2);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_not_a_retry() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    server.inject(Fault::MalformedJson { times: 1 });
    let error = client(&server, Credentials::bearer_token("static-token"))
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.status(), Some(http::StatusCode::OK));
    assert_eq!(
        server.stats().requests_to(Endpoint::ListServerlessBackups),
        1
    );
}

#[tokio::test]
async fn a_slow_answer_times_out_on_time() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    server.inject(Fault::Slow {
        delay: Duration::from_secs(10),
        times: 1,
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .allow_insecure_http(true)
        .bearer_token("static-token")
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_request_retried() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        ..ServerConfig::default()
    })
    .await;
    let client = client(
        &server,
        Credentials::service_account("client-id", "client-secret"),
    );
    client
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap();
    server.inject(Fault::ExpireTokens);
    client
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(server.stats().tokens_issued, 2);
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_before_it_expires() {
    let server = start(ServerConfig {
        dataset: dataset(2),
        token_ttl: Duration::from_secs(2),
        ..ServerConfig::default()
    })
    .await;
    let client = client(
        &server,
        Credentials::service_account("client-id", "client-secret"),
    );
    for _ in 0..3 {
        client
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    let stats = server.stats();
    assert!(stats.tokens_issued >= 2, "{stats:?}");
    assert_eq!(
        stats.challenges, 0,
        "no request was refused: tokens were renewed ahead of expiry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_tasks_share_one_digest_client() {
    let server = start(ServerConfig {
        dataset: dataset(5),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::api_keys("public-key", "private-key"));
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .list_serverless_backups(GROUP, CLUSTER)
                    .send()
                    .await
                    .map(|page| page.results.unwrap_or_default().len())
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 5);
    }
    let stats = server.stats();
    // Every task answered; challenges only while no nonce was known yet.
    assert!(stats.challenges <= 200, "{stats:?}");
    assert_eq!(
        stats.total_api_requests(),
        200 + stats.challenges,
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_tasks_share_one_client() {
    let server = start(ServerConfig {
        dataset: dataset(5),
        ..ServerConfig::default()
    })
    .await;
    let client = client(
        &server,
        Credentials::service_account("client-id", "client-secret"),
    );
    let tasks: Vec<_> = (0..200)
        .map(|index| {
            let client = client.clone();
            tokio::spawn(async move {
                if index % 2 == 0 {
                    client
                        .list_serverless_backups(GROUP, CLUSTER)
                        .send()
                        .await
                        .map(|page| page.results.unwrap_or_default().len())
                } else {
                    client
                        .list_legacy_snapshots(GROUP, CLUSTER)
                        .send()
                        .await
                        .map(|page| page.results.unwrap_or_default().len())
                }
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), 5);
    }
    let stats = server.stats();
    assert_eq!(stats.tokens_issued, 1, "{stats:?}");
    assert_eq!(stats.max_concurrent_token_requests, 1, "{stats:?}");
    assert_eq!(stats.total_api_requests(), 200);
}

#[tokio::test]
async fn enveloped_responses_work_end_to_end() {
    let server = start(ServerConfig {
        dataset: dataset(3),
        ..ServerConfig::default()
    })
    .await;
    let client = client(&server, Credentials::bearer_token("static-token"));
    let page = client
        .list_serverless_backups(GROUP, CLUSTER)
        .envelope(true)
        .send()
        .await
        .unwrap();
    assert_eq!(page.results.unwrap().len(), 3);
    let ids = server
        .dataset()
        .snapshot_ids(server::SnapshotKind::Tenant, GROUP, CLUSTER);
    let one = client
        .get_shared_cluster_backup(GROUP, CLUSTER, ids[0].clone())
        .envelope(true)
        .send()
        .await
        .unwrap();
    assert!(
        one.status
            .is_some_and(|status| !matches!(status, BackupTenantSnapshotStatus::Unknown(_)))
    );
    let missing = client
        .get_shared_cluster_backup(GROUP, CLUSTER, "ffffffffffffffffffffffff")
        .envelope(true)
        .send()
        .await
        .unwrap_err();
    assert!(missing.is_error_code("RESOURCE_NOT_FOUND"), "{missing:?}");
}
