//! Tests of the in-memory Atlas imitation (`integration_tests::atlas_server`) itself, with a
//! plain HTTP client: if these pass, a client test that fails against the server is the
//! client's fault.

use atlas_snapshots::models::{
    ApiError, BackupTenantSnapshot, PaginatedApiAtlasServerlessBackupSnapshotView,
    PaginatedSnapshotView, PaginatedTenantSnapshotView,
};
use integration_tests::atlas_server::{
    AtlasServer, Credentials, Dataset, DigestAlgorithm, Endpoint, Fault, ServerConfig, SnapshotKind,
};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const UNKNOWN_GROUP: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";
const CLUSTER: &str = "Cluster0";
const VERSIONED: &str = "application/vnd.atlas.2023-01-01+json";

use Endpoint::{
    GetSharedClusterBackup as GetTenant, ListLegacySnapshots as Legacy,
    ListServerlessBackups as Serverless, ListSharedClusterBackups as Tenant,
};

fn dataset() -> Dataset {
    Dataset::new()
        .with_tenant_snapshots(GROUP, CLUSTER, 5)
        .with_serverless_snapshots(GROUP, CLUSTER, 7)
        .with_legacy_snapshots(GROUP, CLUSTER, 250)
        .with_incomplete_legacy_snapshots(GROUP, CLUSTER, 3)
}

/// A running server and a client for it.
struct Api {
    server: AtlasServer,
    client: Client,
}

impl Api {
    /// A server with [`dataset`] and `config`'s other settings.
    async fn start(config: ServerConfig) -> Api {
        let config = ServerConfig {
            dataset: dataset(),
            ..config
        };
        let server = AtlasServer::start(config).await.expect("server starts");
        Api {
            server,
            client: Client::new(),
        }
    }

    /// A server with the default credentials.
    async fn default() -> Api {
        Api::start(ServerConfig::default()).await
    }

    /// The URL of an operation on `GROUP`/`CLUSTER` (and `snapshot`), with a query.
    fn url(&self, endpoint: Endpoint, snapshot: &str, query: &str) -> String {
        let path = endpoint.path(GROUP, CLUSTER, snapshot);
        let base = self.server.base_url();
        if query.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{query}")
        }
    }

    /// A GET with the static bearer token and the versioned `Accept`.
    fn get(&self, url: &str) -> RequestBuilder {
        let request = self.client.get(url).header(ACCEPT, VERSIONED);
        request.header(AUTHORIZATION, "Bearer static-token")
    }

    /// GETs an operation on `GROUP`/`CLUSTER` and reads the JSON answer.
    async fn call(&self, endpoint: Endpoint, snapshot: &str, query: &str) -> (StatusCode, Value) {
        json(self.get(&self.url(endpoint, snapshot, query))).await
    }

    /// Asks the token endpoint for a token with HTTP Basic client authentication.
    async fn token(&self, id: &str, secret: &str) -> (StatusCode, Value) {
        let request = self.client.post(self.server.token_url());
        let request = request.basic_auth(id, Some(secret));
        json(request.form(&[("grant_type", "client_credentials")])).await
    }

    fn ids(&self, kind: SnapshotKind) -> Vec<String> {
        self.server.dataset().snapshot_ids(kind, GROUP, CLUSTER)
    }
}

async fn json(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("response");
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

async fn status_of(request: RequestBuilder) -> StatusCode {
    request.send().await.expect("response").status()
}

fn ids(page: &Value) -> Vec<String> {
    let results = page["results"].as_array().expect("results");
    results
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The body decodes into the generated model and encodes back identically: every wire name
/// the server sends is one the spec knows.
fn round_trips<T: DeserializeOwned + Serialize>(body: &Value) {
    let model: T = serde_json::from_value(body.clone()).expect("decodes into the model");
    assert_eq!(&serde_json::to_value(&model).unwrap(), body);
}

fn assert_api_error(body: &Value, status: u16, code: &str, detail_mentions: &str) {
    round_trips::<ApiError>(body);
    assert_eq!(
        (&body["error"], &body["errorCode"]),
        (&json!(status), &json!(code))
    );
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains(detail_mentions),
        "{detail:?} lacks {detail_mentions:?}"
    );
}

#[tokio::test]
async fn legacy_pages_return_every_snapshot_exactly_once() {
    let api = Api::default().await;
    let expected = api.ids(SnapshotKind::Legacy);
    let mut seen = Vec::new();
    for (page_num, size) in [(1, 100), (2, 100), (3, 50), (4, 0)] {
        let query = format!("pageNum={page_num}&itemsPerPage=100");
        let (status, page) = api.call(Legacy, "", &query).await;
        assert_eq!(status, 200);
        assert_eq!(page["totalCount"], 250, "incomplete snapshots are left out");
        assert_eq!(ids(&page).len(), size);
        let links = page["links"].as_array().unwrap();
        assert_eq!(links.iter().any(|l| l["rel"] == "next"), page_num < 3);
        if page_num == 1 {
            round_trips::<PaginatedSnapshotView>(&page);
        }
        seen.extend(ids(&page));
    }
    assert_eq!(seen, expected[..250]);
    assert_eq!(
        seen.iter().collect::<BTreeSet<_>>().len(),
        250,
        "no id twice"
    );

    let query = "includeCount=false&itemsPerPage=500&completed=all";
    let (_, page) = api.call(Legacy, "", query).await;
    assert!(page.get("totalCount").is_none());
    assert_eq!(ids(&page), expected);
    let (_, page) = api.call(Legacy, "", "completed=false").await;
    assert_eq!(page["totalCount"], 3);
    let results = page["results"].as_array().unwrap();
    assert!(results.iter().all(|s| s["complete"] == false));
}

#[tokio::test]
async fn serverless_pages_and_skewed_total() {
    let api = Api::start(ServerConfig {
        total_count_skew: 5,
        ..ServerConfig::default()
    })
    .await;
    let (status, page) = api.call(Serverless, "", "").await;
    assert_eq!(status, 200);
    round_trips::<PaginatedApiAtlasServerlessBackupSnapshotView>(&page);
    assert_eq!(page["totalCount"], 12, "7 real + skew 5");
    let all = ids(&page);
    assert_eq!(all, api.ids(SnapshotKind::Serverless));
    let query = "itemsPerPage=3&pageNum=3&includeCount=false";
    let (_, page) = api.call(Serverless, "", query).await;
    assert_eq!(ids(&page), all[6..]);
    assert!(page.get("totalCount").is_none());
    let (_, page) = api.call(Serverless, "", "itemsPerPage=3&pageNum=99").await;
    assert!(ids(&page).is_empty());
}

#[tokio::test]
async fn tenant_list_single_snapshot_and_envelopes() {
    let api = Api::default().await;
    let expected = api.ids(SnapshotKind::Tenant);
    let (status, page) = api.call(Tenant, "", "").await;
    assert_eq!(status, 200);
    round_trips::<PaginatedTenantSnapshotView>(&page);
    assert_eq!(ids(&page), expected);
    assert_eq!(page["totalCount"], 5);

    let (status, snapshot) = api.call(GetTenant, &expected[2], "").await;
    assert_eq!(status, 200);
    round_trips::<BackupTenantSnapshot>(&snapshot);
    assert_eq!(snapshot["id"], expected[2].as_str());
    assert_eq!(snapshot["status"], "COMPLETED");

    // envelope=true: single answers move into `content`, lists gain `status`, errors become 200.
    let (status, wrapped) = api.call(GetTenant, &expected[2], "envelope=true").await;
    assert_eq!((status, &wrapped["status"]), (StatusCode::OK, &json!(200)));
    assert_eq!(wrapped["content"], snapshot);
    let (_, list) = api.call(Tenant, "", "envelope=true").await;
    assert_eq!(list["status"], 200);
    assert_eq!(ids(&list), expected);
    let missing = "5f4007f3ffffffffffffffff";
    let (status, wrapped) = api.call(GetTenant, missing, "envelope=true").await;
    assert_eq!((status, &wrapped["status"]), (StatusCode::OK, &json!(404)));
    assert_api_error(&wrapped["content"], 404, "RESOURCE_NOT_FOUND", missing);

    let url = api.url(GetTenant, &expected[0], "pretty=true");
    let text = api.get(&url).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("\n  \"id\""), "{text}");
}

#[tokio::test]
async fn legacy_operation_requires_the_versioned_accept_header() {
    let api = Api::default().await;
    let url = api.url(Legacy, "", "itemsPerPage=1");
    let older = "application/vnd.atlas.2024-01-01+json";
    for accept in ["application/json", "*/*", older] {
        let request = api.client.get(&url).bearer_auth("static-token");
        let (status, body) = json(request.header(ACCEPT, accept)).await;
        assert_eq!(status, 406, "Accept {accept:?}");
        assert_api_error(&body, 406, "INVALID_ACCEPT_HEADER", VERSIONED);
    }
    let accept = format!("application/json;q=0.5, {VERSIONED};charset=utf-8");
    let request = api.client.get(&url).bearer_auth("static-token");
    let response = request.header(ACCEPT, accept).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()[CONTENT_TYPE], VERSIONED);
}

#[tokio::test]
async fn bad_parameters_give_400_api_errors() {
    let api = Api::default().await;
    let (v, i) = ("VALIDATION_ERROR", "INVALID_PARAMETER");
    let legacy = |query: &str| api.url(Legacy, "", query);
    let base = api.server.base_url();
    let cases = [
        (legacy("itemsPerPage=0"), v, "itemsPerPage"),
        (legacy("itemsPerPage=501"), v, "itemsPerPage"),
        (legacy("itemsPerPage=ten"), i, "itemsPerPage"),
        (legacy("pageNum=0"), v, "pageNum"),
        (legacy("pageNum=1.5"), i, "pageNum"),
        (legacy("includeCount=yes"), i, "includeCount"),
        (legacy("completed=maybe"), i, "completed"),
        (legacy("pretty=1"), i, "pretty"),
        (legacy("envelope=on"), i, "envelope"),
        (api.url(Serverless, "", "pageNum=-1"), v, "pageNum"),
        (api.url(GetTenant, "123", ""), i, "snapshotId"),
        (
            base.clone() + &Legacy.path("32B6E34B3D91647ABB20E7B8", CLUSTER, ""),
            i,
            "groupId",
        ),
        (base + &Serverless.path(GROUP, "-bad", ""), i, "clusterName"),
    ];
    for (url, code, parameter) in cases {
        let (status, body) = json(api.get(&url)).await;
        assert_eq!(status, 400, "{url}");
        assert_api_error(&body, 400, code, parameter);
        assert_eq!(body["reason"], "Bad Request");
        if code == v {
            assert_eq!(body["badRequestDetail"]["fields"][0]["field"], parameter);
        }
    }
    let (status, body) = api.call(Legacy, "", "itemsPerPage=0&envelope=true").await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &json!(400)));
}

#[tokio::test]
async fn unknown_resources_give_404_api_errors() {
    let api = Api::default().await;
    let (snap, nowhere) = ("0123456789abcdef01234567", "/api/atlas/v1.0/nothing");
    let cases = [
        (Tenant.path(UNKNOWN_GROUP, CLUSTER, ""), UNKNOWN_GROUP),
        (Serverless.path(GROUP, "Other", ""), "Other"),
        (Legacy.path(UNKNOWN_GROUP, CLUSTER, ""), UNKNOWN_GROUP),
        (Legacy.path(GROUP, "Other", ""), "Other"),
        (GetTenant.path(GROUP, CLUSTER, snap), snap),
        (nowhere.to_owned(), nowhere),
    ];
    for (path, mentioned) in cases {
        let (status, body) = json(api.get(&format!("{}{path}", api.server.base_url()))).await;
        assert_eq!(status, 404, "{path}");
        assert_api_error(&body, 404, "RESOURCE_NOT_FOUND", mentioned);
        assert_eq!(body["reason"], "Not Found");
    }
    assert_eq!(api.server.stats().unknown_path_requests, 1);
}

#[tokio::test]
async fn token_endpoint_issues_tokens_that_expire() {
    let api = Api::start(ServerConfig {
        credentials: Credentials::service_account("sa-id", "sa-secret"),
        token_ttl: Duration::from_secs(120),
        ..ServerConfig::default()
    })
    .await;
    let list = api.url(Serverless, "", "");
    let with_token = |token: &str| api.client.get(&list).bearer_auth(token);

    let (status, body) = api.token("sa-id", "sa-secret").await;
    assert_eq!(status, 200);
    assert_eq!(
        (&body["token_type"], &body["expires_in"]),
        (&json!("Bearer"), &json!(120))
    );
    let first = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(status_of(with_token(&first)).await, 200);

    let (status, body) = api.token("sa-id", "wrong").await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!({"error": "invalid_client"}))
    );
    let request = api.client.post(api.server.token_url());
    let request = request
        .basic_auth("sa-id", Some("sa-secret"))
        .body("grant_type=password");
    assert_eq!(json(request).await.1["error"], "unsupported_grant_type");

    for token in ["static-token", "made-up"] {
        let response = with_token(token).send().await.unwrap();
        assert_eq!(response.status(), 401, "{token}");
        let challenge = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
        assert!(challenge.contains("invalid_token"), "{challenge}");
    }

    api.server.inject(Fault::ExpireTokens);
    let response = with_token(&first).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_api_error(
        &response.json().await.unwrap(),
        401,
        "UNAUTHORIZED",
        "expired",
    );
    let (_, body) = api.token("sa-id", "sa-secret").await;
    assert_eq!(
        status_of(with_token(body["access_token"].as_str().unwrap())).await,
        200
    );

    // Three requests at once overlap inside the token endpoint's delay.
    let (a, b, c) = tokio::join!(
        api.token("sa-id", "sa-secret"),
        api.token("sa-id", "sa-secret"),
        api.token("sa-id", "sa-secret"),
    );
    assert!([a.0, b.0, c.0].iter().all(|status| *status == 200));
    let stats = api.server.stats();
    assert_eq!(
        (stats.token_requests, stats.tokens_issued, stats.challenges),
        (7, 5, 3)
    );
    assert!(stats.max_concurrent_token_requests >= 2, "{stats:?}");
}

#[tokio::test]
async fn token_ttl_is_enforced() {
    let api = Api::start(ServerConfig {
        token_ttl: Duration::ZERO,
        token_delay: Duration::ZERO,
        ..ServerConfig::default()
    })
    .await;
    let (_, body) = api.token("client-id", "client-secret").await;
    assert_eq!(body["expires_in"], 0);
    let token = body["access_token"].as_str().unwrap();
    let request = api
        .client
        .get(api.url(Serverless, "", ""))
        .bearer_auth(token);
    assert_eq!(status_of(request).await, 401);
    assert_eq!(api.server.stats().max_concurrent_token_requests, 1);
}

impl Api {
    /// GETs `path` with a Digest `Authorization` computed by the `digest_auth` crate.
    async fn digest_get(
        &self,
        path: &str,
        header: &digest_auth::AuthorizationHeader,
    ) -> StatusCode {
        let request = self.client.get(format!("{}{path}", self.server.base_url()));
        status_of(request.header(AUTHORIZATION, header.to_header_string())).await
    }

    /// An unauthenticated GET of `path`: the raw challenge and its parsed form.
    async fn challenge(&self, path: &str) -> (String, digest_auth::WwwAuthenticateHeader) {
        let url = format!("{}{path}", self.server.base_url());
        let response = self.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), 401);
        let header = response.headers()[WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .to_owned();
        let prompt = digest_auth::parse(&header).expect("a Digest challenge");
        (header, prompt)
    }
}

#[tokio::test]
async fn digest_challenge_and_responses() {
    let api = Api::start(ServerConfig {
        credentials: Credentials::digest("pub-key", "priv-key"),
        ..ServerConfig::default()
    })
    .await;
    let path = Serverless.path(GROUP, CLUSTER, "") + "?itemsPerPage=2";
    let (header, mut prompt) = api.challenge(&path).await;
    let start = "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"";
    assert!(header.starts_with(start), "{header}");
    assert!(
        header.ends_with("algorithm=MD5, qop=\"auth\", stale=false"),
        "{header}"
    );

    let context = digest_auth::AuthContext::new("pub-key", "priv-key", path.as_str());
    let first = prompt.respond(&context).unwrap();
    assert_eq!(api.digest_get(&path, &first).await, 200);
    let second = prompt.respond(&context).unwrap();
    assert_eq!(api.digest_get(&path, &second).await, 200);
    assert_eq!(
        api.digest_get(&path, &second).await,
        401,
        "the same nc again is a replay"
    );

    let wrong_password = digest_auth::AuthContext::new("pub-key", "nope", path.as_str());
    let header = prompt.respond(&wrong_password).unwrap();
    assert_eq!(api.digest_get(&path, &header).await, 401);
    let other_uri = digest_auth::AuthContext::new("pub-key", "priv-key", "/elsewhere");
    let header = prompt.respond(&other_uri).unwrap();
    assert_eq!(
        api.digest_get(&path, &header).await,
        401,
        "signed for another URI"
    );

    assert_eq!(api.server.stats().challenges, 4);
    let recorded = api.server.requests();
    assert_eq!(
        recorded[1].header("Authorization"),
        Some("Digest"),
        "redacted"
    );
    assert_eq!(recorded[1].query.as_deref(), Some("itemsPerPage=2"));
    assert_eq!(recorded[1].endpoint, Some(Serverless));
}

#[tokio::test]
async fn digest_sha256_and_stale_nonces() {
    let api = Api::start(ServerConfig {
        credentials: Credentials::Digest {
            public_key: "pub-key".into(),
            private_key: "priv-key".into(),
            algorithm: DigestAlgorithm::Sha256,
        },
        digest_nonce_uses: Some(2),
        ..ServerConfig::default()
    })
    .await;
    let path = GetTenant.path(GROUP, CLUSTER, &api.ids(SnapshotKind::Tenant)[0]);
    let (header, mut prompt) = api.challenge(&path).await;
    assert!(header.contains("algorithm=SHA-256"), "{header}");
    let context = digest_auth::AuthContext::new("pub-key", "priv-key", path.as_str());
    for _ in 0..2 {
        let header = prompt.respond(&context).unwrap();
        assert_eq!(api.digest_get(&path, &header).await, 200);
    }
    let url = format!("{}{path}", api.server.base_url());
    let third = prompt.respond(&context).unwrap().to_header_string();
    let response = api
        .client
        .get(url)
        .header(AUTHORIZATION, third)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let header = response.headers()[WWW_AUTHENTICATE].to_str().unwrap();
    let mut fresh = digest_auth::parse(header).unwrap();
    assert!(fresh.stale && fresh.nonce != prompt.nonce, "{header}");
    let header = fresh.respond(&context).unwrap();
    assert_eq!(api.digest_get(&path, &header).await, 200);
    let stats = api.server.stats();
    assert_eq!((stats.challenges, stats.stale_challenges), (2, 1));
}

#[tokio::test]
async fn each_fault_is_served_once() {
    let api = Api::default().await;
    let list = api.url(Serverless, "", "");
    let server = &api.server;

    // Faults wait for an authenticated request: the 401 does not use one up.
    server.inject(Fault::TooManyRequests {
        retry_after_secs: 7,
        times: 1,
    });
    assert_eq!(status_of(api.client.get(&list)).await, 401);
    let response = api.get(&list).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()[RETRY_AFTER], "7");
    assert_api_error(
        &response.json().await.unwrap(),
        429,
        "RATE_LIMITED",
        "rate limit",
    );
    assert_eq!(status_of(api.get(&list)).await, 200);

    // Queued faults are served in order, each for its count.
    server.inject(Fault::unavailable(2));
    server.inject(Fault::Status {
        status: 502,
        times: 1,
    });
    server.inject(Fault::Status {
        status: 504,
        times: 1,
    });
    for expected in [503, 503, 502, 504, 200] {
        assert_eq!(status_of(api.get(&list)).await, expected);
    }

    let delay = Duration::from_millis(150);
    server.inject(Fault::Slow { delay, times: 1 });
    let started = Instant::now();
    assert_eq!(status_of(api.get(&list)).await, 200);
    assert!(started.elapsed() >= delay);

    server.inject(Fault::MalformedJson { times: 1 });
    let response = api.get(&list).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.json::<Value>().await.is_err());

    server.inject(Fault::DropConnection { times: 1 });
    let error = api.get(&list).send().await.unwrap_err();
    // hyper reports a connection closed before any response as an incomplete message.
    assert!(
        format!("{error:?}").contains("IncompleteMessage"),
        "{error:?}"
    );
    assert_eq!(status_of(api.get(&list)).await, 200);

    // Aimed at the token endpoint, a fault leaves API requests alone.
    server.inject_on(Endpoint::Token, Fault::unavailable(1));
    assert_eq!(status_of(api.get(&list)).await, 200);
    assert_eq!(api.token("client-id", "client-secret").await.0, 503);
    assert_eq!(api.token("client-id", "client-secret").await.0, 200);

    let stats = server.stats();
    assert_eq!((server.pending_faults(), stats.faults_served), (0, 9));
    assert_eq!(stats.requests_to(Serverless), 13);
    assert_eq!(stats.total_api_requests(), 13);
}

/// Sends a request built by the generated crate and hands back what its parser reads.
async fn send(client: &Client, request: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let (parts, body) = request.into_parts();
    let request = client.request(parts.method, parts.uri.to_string());
    let request = request.headers(parts.headers).bearer_auth("static-token");
    let response = request.body(body).send().await.unwrap();
    let mut builder = http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    builder
        .body(response.bytes().await.unwrap().to_vec())
        .unwrap()
}

#[tokio::test]
#[allow(deprecated)] // Atlas deprecated the legacy operation, not this test
async fn generated_request_builders_and_parsers_interoperate() {
    use atlas_snapshots::operations::{GetSharedClusterBackupRequest, ListLegacySnapshotsRequest};
    let api = Api::default().await;
    let base = api.server.base_url();

    let request = ListLegacySnapshotsRequest::new(GROUP, CLUSTER)
        .items_per_page(100)
        .page_num(3);
    let response = send(&api.client, request.build_request(&base).unwrap()).await;
    let page = request.parse_response(&response).unwrap();
    assert_eq!(
        (page.results.unwrap().len(), page.total_count),
        (50, Some(250))
    );

    let id = &api.ids(SnapshotKind::Tenant)[1];
    let request = GetSharedClusterBackupRequest::new(GROUP, CLUSTER, id.as_str()).envelope(true);
    let response = send(&api.client, request.build_request(&base).unwrap()).await;
    let snapshot = request.parse_response(&response).unwrap();
    assert_eq!(snapshot.id.as_ref(), Some(id));

    let request = ListLegacySnapshotsRequest::new(UNKNOWN_GROUP, CLUSTER);
    let response = send(&api.client, request.build_request(&base).unwrap()).await;
    let error = request.parse_response(&response).unwrap_err();
    assert_eq!(
        error.status(),
        404,
        "undocumented for this operation, but what Atlas sends"
    );
}
