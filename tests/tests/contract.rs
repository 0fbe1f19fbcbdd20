//! Contract test against an independent implementation of the spec: Prism
//! (`@stoplight/prism-cli`, pinned in `tests/prism/package-lock.json`, installed here with
//! `npm ci`). In validation mode it rejects any request that breaks the spec; in dynamic mode
//! it answers with random bodies that conform to the schemas.

#![allow(deprecated)] // Three of the four operations are deprecated by Atlas; they still work.

use atlas_snapshots::models::ListLegacySnapshotsCompleted;
use atlas_snapshots::{Client, RetryPolicy};
use integration_tests::workspace_root;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const SNAPSHOT: &str = "5f4007f327a3bd7b6f4103c5";

/// Installs Prism from the lock file when it is not there yet.
fn prism_binary() -> PathBuf {
    let dir = workspace_root().join("tests/prism");
    let binary = dir.join("node_modules/.bin/prism");
    if !binary.exists() {
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("npm is needed to install Prism for the contract test");
        assert!(status.success(), "npm ci in tests/prism failed");
    }
    binary
}

/// A running Prism, killed when dropped.
struct Prism {
    child: Child,
    base_url: String,
    log: PathBuf,
}

impl Prism {
    fn start(dynamic: bool) -> Prism {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::env::temp_dir().join(format!("prism-{port}.log"));
        let mut args = vec![
            "mock".to_owned(),
            "-h".into(),
            "127.0.0.1".into(),
            "-p".into(),
            port.to_string(),
        ];
        if dynamic {
            // `--errors` also turns response violations into errors; only the random bodies
            // of dynamic mode are held to it, because MongoDB's own examples (kept verbatim
            // in the spec) break their schemas' patterns. In static mode a request that
            // breaks the spec still gets a 4xx instead of the 200 the test demands.
            args.extend(["-d".into(), "--errors".into()]);
        }
        args.push(
            workspace_root()
                .join("spec/atlas-snapshots.yaml")
                .to_string_lossy()
                .into_owned(),
        );
        let child = Command::new(prism_binary())
            .args(&args)
            .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
            .stderr(Stdio::null())
            .spawn()
            .expect("Prism starts");
        let prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Prism did not listen within 60 s:\n{}",
                prism.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .allow_insecure_http(true)
            .bearer_token("contract-test-token")
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_validates_every_request_and_every_dynamic_response_deserializes() {
    let validating = Prism::start(false);
    let dynamic = Prism::start(true);

    // The validation is real: a request that breaks the spec is refused.
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/api/atlas/v2/groups/BAD/clusters/{CLUSTER}/snapshots?itemsPerPage=501",
            validating.base_url
        ))
        .bearer_auth("contract-test-token")
        .header("accept", "application/vnd.atlas.2023-01-01+json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 422, "Prism must reject an invalid request");

    // Every variant of every operation's request passes Prism's validation.
    let client = validating.client();
    let fail = |what: &str, error: &dyn std::fmt::Display| -> ! {
        panic!("{what}: {error}\nPrism log:\n{}", validating.log())
    };
    for items_per_page in [1, 100, 500] {
        for include_count in [true, false] {
            client
                .list_serverless_backups(GROUP, CLUSTER)
                .items_per_page(items_per_page)
                .page_num(2)
                .include_count(include_count)
                .pretty(true)
                .envelope(false)
                .send()
                .await
                .unwrap_or_else(|e| fail("listServerlessBackups", &e));
            for completed in [
                ListLegacySnapshotsCompleted::All,
                ListLegacySnapshotsCompleted::True,
                ListLegacySnapshotsCompleted::False,
            ] {
                client
                    .list_legacy_snapshots(GROUP, CLUSTER)
                    .items_per_page(items_per_page)
                    .page_num(3)
                    .include_count(include_count)
                    .completed(completed)
                    .pretty(false)
                    .send()
                    .await
                    .unwrap_or_else(|e| fail("listLegacySnapshots", &e));
            }
        }
    }
    client
        .list_shared_cluster_backups(GROUP, CLUSTER)
        .pretty(true)
        .send()
        .await
        .unwrap_or_else(|e| fail("listSharedClusterBackups", &e));
    client
        .get_shared_cluster_backup(GROUP, CLUSTER, SNAPSHOT)
        .send()
        .await
        .unwrap_or_else(|e| fail("getSharedClusterBackup", &e));
    client
        .list_legacy_snapshots(GROUP, "a".repeat(64))
        .send()
        .await
        .unwrap_or_else(|e| fail("listLegacySnapshots, longest name", &e));

    // A few hundred random, schema-conforming responses per operation all deserialize.
    let client = dynamic.client();
    let fail = |what: &str, error: &dyn std::fmt::Display| -> ! {
        panic!("{what}: {error}\nPrism log:\n{}", dynamic.log())
    };
    for _ in 0..200 {
        client
            .list_shared_cluster_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| fail("listSharedClusterBackups", &e));
        client
            .get_shared_cluster_backup(GROUP, CLUSTER, SNAPSHOT)
            .send()
            .await
            .unwrap_or_else(|e| fail("getSharedClusterBackup", &e));
        client
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| fail("listServerlessBackups", &e));
        client
            .list_legacy_snapshots(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_or_else(|e| fail("listLegacySnapshots", &e));
    }
}
