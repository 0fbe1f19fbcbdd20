//! A local, in-memory imitation of the four MongoDB Atlas Admin API operations that return
//! backup snapshots, plus the OAuth token endpoint, for integration tests of HTTP clients.
//!
//! The server speaks HTTP/1.1 on `127.0.0.1`, answers from a [`Dataset`] built in the test,
//! demands the [`Credentials`] it was configured with (HTTP Digest, OAuth client credentials
//! or a static bearer token), and can be told to misbehave with [`Fault`]s. It records every
//! request and keeps [`Stats`], so a test can assert on what its client actually sent.
//!
//! ```no_run
//! use integration_tests::atlas_server::{AtlasServer, Dataset, ServerConfig};
//!
//! # async fn demo() -> std::io::Result<()> {
//! let group = "32b6e34b3d91647abb20e7b8";
//! let server = AtlasServer::start(ServerConfig {
//!     dataset: Dataset::new().with_legacy_snapshots(group, "Cluster0", 250),
//!     ..ServerConfig::default()
//! })
//! .await?;
//! let url = format!(
//!     "{}/api/atlas/v2/groups/{group}/clusters/Cluster0/snapshots",
//!     server.base_url()
//! );
//! // ... point the client under test at `url`, authenticating as `Bearer static-token` ...
//! # let _ = url;
//! # Ok(())
//! # }
//! ```
//!
//! The server stops when the [`AtlasServer`] is dropped; it must be started inside a tokio
//! runtime (such as `#[tokio::test]`).
//!
//! # Behaviour worth knowing
//!
//! - Order of checks on an API request: route (unknown path: 404), method (GET only),
//!   authentication (401 with a `WWW-Authenticate` challenge), injected faults, then for the
//!   legacy operation the `Accept` header (406 `INVALID_ACCEPT_HEADER` unless it names
//!   `application/vnd.atlas.2023-01-01+json`), then parameters (400) and the dataset (404
//!   `RESOURCE_NOT_FOUND`).
//! - `envelope=true` wraps the operation's own answers, errors included (HTTP 200 with
//!   `{"status", "content"}`), but not 401s (a Digest client needs the real status to see the
//!   challenge), injected faults, or a 400 for an unreadable `envelope` itself.
//! - `listSharedClusterBackups` has no paging parameters in the spec, so it always returns
//!   every snapshot; the serverless and legacy lists page with `pageNum`/`itemsPerPage`, add
//!   `next`/`previous` links, and honour `includeCount`.
//! - Digest nonce counts must strictly increase per nonce, so requests signed concurrently
//!   with one nonce and arriving out of order are refused (with a fresh challenge).

mod auth;
mod dataset;
mod faults;
mod http_util;
mod routes;

pub use auth::{
    Credentials, DEFAULT_BEARER_TOKEN, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, DigestAlgorithm, REALM,
};
pub use dataset::{Dataset, SnapshotKind};
pub use faults::Fault;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// The path of the OAuth 2.0 token endpoint (client-credentials grant).
pub const TOKEN_PATH: &str = "/api/oauth/token";

/// The operations the server answers, named after their `operationId`s in the spec, plus the
/// token endpoint. Used to key [`Stats::api_requests`] and to aim a fault with
/// [`AtlasServer::inject_on`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    /// `listSharedClusterBackups`: all snapshots of one M2/M5 cluster.
    ListSharedClusterBackups,
    /// `getSharedClusterBackup`: one snapshot of one M2/M5 cluster.
    GetSharedClusterBackup,
    /// `listServerlessBackups`: all snapshots of one serverless instance.
    ListServerlessBackups,
    /// `listLegacySnapshots`: the legacy backup snapshots of one cluster (versioned API).
    ListLegacySnapshots,
    /// `listFlexBackups`: all snapshots of one flex cluster (versioned API). Flex clusters
    /// replace M2/M5 clusters, so the server answers from the same (tenant) snapshots.
    ListFlexBackups,
    /// `getFlexBackup`: one snapshot of one flex cluster (versioned API).
    GetFlexBackup,
    /// `POST /api/oauth/token`. Not an API request: plain [`AtlasServer::inject`] faults
    /// never hit it.
    Token,
}

impl Endpoint {
    /// The six Admin API operations (everything but [`Endpoint::Token`]).
    pub const API: [Endpoint; 6] = [
        Endpoint::ListSharedClusterBackups,
        Endpoint::GetSharedClusterBackup,
        Endpoint::ListServerlessBackups,
        Endpoint::ListLegacySnapshots,
        Endpoint::ListFlexBackups,
        Endpoint::GetFlexBackup,
    ];

    /// The path template, exactly as the spec writes it.
    pub fn template(self) -> &'static str {
        match self {
            Endpoint::ListSharedClusterBackups => {
                "/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/backup/tenant/snapshots"
            }
            Endpoint::GetSharedClusterBackup => {
                "/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}/backup/tenant/snapshots/{snapshotId}"
            }
            Endpoint::ListServerlessBackups => {
                "/api/atlas/v1.0/groups/{groupId}/serverless/{clusterName}/backup/snapshots"
            }
            Endpoint::ListLegacySnapshots => {
                "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/snapshots"
            }
            Endpoint::ListFlexBackups => {
                "/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup/snapshots"
            }
            Endpoint::GetFlexBackup => {
                "/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup/snapshots/{snapshotId}"
            }
            Endpoint::Token => TOKEN_PATH,
        }
    }

    /// The path with its parameters filled in, such as
    /// `/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/snapshots`.
    /// `snapshot_id` is used by the two get operations only. Values are put in
    /// as given: pass ones that need no percent-encoding (any valid id or cluster name).
    pub fn path(self, group_id: &str, cluster_name: &str, snapshot_id: &str) -> String {
        self.template()
            .replace("{groupId}", group_id)
            .replace("{clusterName}", cluster_name)
            .replace("{name}", cluster_name)
            .replace("{snapshotId}", snapshot_id)
    }

    /// Whether this is one of the six Admin API operations.
    pub fn is_api(self) -> bool {
        self != Endpoint::Token
    }
}

/// How the server is set up. Start from `ServerConfig::default()` and override fields.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Which kind of authentication the server demands on API requests.
    pub credentials: Credentials,
    /// The snapshots the server knows.
    pub dataset: Dataset,
    /// Lifetime of the access tokens the token endpoint issues (default one hour).
    pub token_ttl: Duration,
    /// Added to the real number of items to give the `totalCount` of list responses (never
    /// below 0). Atlas documents `totalCount` as an estimate, so a client must not rely on it
    /// to stop paging; a non-zero skew shows whether it does. Default 0.
    pub total_count_skew: i64,
    /// After a Digest nonce has authenticated this many requests, a request that uses it again
    /// is answered 401 with a fresh nonce and `stale=true`. `None` (default): nonces never go
    /// stale.
    pub digest_nonce_uses: Option<u32>,
    /// How long the token endpoint takes to answer (default 50 ms), so that overlapping token
    /// requests from one client show up in [`Stats::max_concurrent_token_requests`].
    pub token_delay: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            credentials: Credentials::Any,
            dataset: Dataset::new(),
            token_ttl: Duration::from_secs(3600),
            total_count_skew: 0,
            digest_nonce_uses: None,
            token_delay: Duration::from_millis(50),
        }
    }
}

/// Counters since the server started. Obtained with [`AtlasServer::stats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Requests received per operation, authenticated or not (only the operations that were
    /// requested at least once appear).
    pub api_requests: BTreeMap<Endpoint, u64>,
    /// Requests to paths that are neither an operation nor the token endpoint.
    pub unknown_path_requests: u64,
    /// 401 answers to API requests; each carries a `WWW-Authenticate` challenge.
    pub challenges: u64,
    /// Those of [`Stats::challenges`] that were Digest challenges with `stale=true`.
    pub stale_challenges: u64,
    /// Requests to the token endpoint, whatever their outcome.
    pub token_requests: u64,
    /// Access tokens issued.
    pub tokens_issued: u64,
    /// The most token requests that were being answered at the same moment.
    pub max_concurrent_token_requests: u64,
    /// Requests answered with an injected fault (slow responses included).
    pub faults_served: u64,
}

impl Stats {
    /// Requests received for one operation.
    pub fn requests_to(&self, endpoint: Endpoint) -> u64 {
        self.api_requests.get(&endpoint).copied().unwrap_or(0)
    }

    /// Requests received for all four operations together.
    pub fn total_api_requests(&self) -> u64 {
        self.api_requests.values().sum()
    }
}

/// One request as the server received it. Obtained with [`AtlasServer::requests`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The HTTP method, such as `GET`.
    pub method: String,
    /// The path, still percent-encoded as sent.
    pub path: String,
    /// The query string without the `?`, if there was one.
    pub query: Option<String>,
    /// Every header in the order received, names lowercase. `Authorization` keeps only its
    /// scheme word (`Digest`, `Bearer`, `Basic`), so recordings can be printed safely.
    pub headers: Vec<(String, String)>,
    /// The operation the path matched, if any.
    pub endpoint: Option<Endpoint>,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A running server. It stops accepting and closes every connection when dropped.
#[derive(Debug)]
pub struct AtlasServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_task: JoinHandle<()>,
}

impl AtlasServer {
    /// Starts a server on `127.0.0.1` on a free port. Must be called inside a tokio runtime.
    ///
    /// # Errors
    ///
    /// The listening socket could not be bound.
    pub async fn start(config: ServerConfig) -> std::io::Result<AtlasServer> {
        Self::start_on(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a server on a given address (port 0 picks a free port). Meant for the
    /// `atlas-local-server` binary; tests should use [`AtlasServer::start`].
    ///
    /// # Errors
    ///
    /// The listening socket could not be bound.
    pub async fn start_on(config: ServerConfig, addr: SocketAddr) -> std::io::Result<AtlasServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config, format!("http://{addr}")));
        let accept_task = tokio::spawn(accept_loop(listener, Arc::clone(&shared)));
        Ok(AtlasServer {
            addr,
            shared,
            accept_task,
        })
    }

    /// The URL to prefix paths with, such as `http://127.0.0.1:38421` (no trailing slash).
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The full URL of the token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.shared.base_url)
    }

    /// The configuration the server runs with.
    pub fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    /// The dataset the server answers from (to compute expected ids in a test).
    pub fn dataset(&self) -> &Dataset {
        &self.shared.config.dataset
    }

    /// Queues a fault for the next API requests (any of the four operations, never the token
    /// endpoint). Faults queue in order: one fault serves its `times` requests before the next
    /// one starts. [`Fault::ExpireTokens`] takes effect at once instead.
    pub fn inject(&self, fault: Fault) {
        self.shared.inject(None, fault);
    }

    /// Like [`AtlasServer::inject`], but only requests to `endpoint` are hit; this is how to
    /// make the token endpoint misbehave ([`Endpoint::Token`]).
    pub fn inject_on(&self, endpoint: Endpoint, fault: Fault) {
        self.shared.inject(Some(endpoint), fault);
    }

    /// How many queued faults still have requests to hit.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.len()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }
}

impl Drop for AtlasServer {
    fn drop(&mut self) {
        // Aborting the accept task drops its JoinSet, which aborts every connection task too.
        self.accept_task.abort();
    }
}

/// State shared by the accept loop, every connection and the [`AtlasServer`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    pub(crate) base_url: String,
    state: Mutex<State>,
}

/// Everything that changes while the server runs. Guarded by one mutex that is never held
/// across an `.await`, so contention is negligible at test volumes.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) stats: Stats,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) faults: faults::FaultQueue,
    pub(crate) auth: auth::AuthState,
}

impl Shared {
    fn new(config: ServerConfig, base_url: String) -> Shared {
        Shared {
            config,
            base_url,
            state: Mutex::new(State::default()),
        }
    }

    /// Locks the state. A panic while holding the lock cannot leave it inconsistent in a way
    /// that matters to a test double, so poisoning is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn inject(&self, scope: Option<Endpoint>, fault: Fault) {
        let mut state = self.lock();
        if let Fault::ExpireTokens = fault {
            state.auth.expire_all_tokens();
        } else {
            state.faults.push(scope, fault);
        }
    }
}

/// What the request handler decided.
pub(crate) enum Outcome {
    /// Send this response.
    Respond(hyper::Response<Full<Bytes>>),
    /// Close the connection without answering.
    Drop,
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // Accept fails transiently (for instance out of file descriptors); a short
                // pause keeps the loop from spinning until it recovers.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reap finished connections so the set does not grow for the server's lifetime.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    // Small responses should not wait for Nagle's algorithm; failure only costs latency.
    let _ = stream.set_nodelay(true);
    let hang_up = Arc::new(Notify::new());
    let service = {
        let hang_up = Arc::clone(&hang_up);
        service_fn(move |request: hyper::Request<Incoming>| {
            let shared = Arc::clone(&shared);
            let hang_up = Arc::clone(&hang_up);
            async move {
                match routes::handle(&shared, request).await {
                    Outcome::Respond(response) => Ok::<_, Infallible>(response),
                    Outcome::Drop => {
                        // Dropping the connection future below closes the socket with nothing
                        // written; this response future must simply never finish.
                        hang_up.notify_one();
                        std::future::pending().await
                    }
                }
            }
        })
    };
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        _ = hang_up.notified() => {}
    }
}
