//! The crate without its client: the request builders, the Digest signer, the service-account
//! token request and the retry policy, driven by a second, blocking HTTP stack (ureq) against
//! the local Atlas imitation. `list_every_snapshot` and what it calls are the README's
//! "Another HTTP stack" example.

use atlas_snapshots::operations::ListFlexBackupsRequest;
use atlas_snapshots::runtime::auth::{
    DigestSigner, DigestVerdict, TokenError, parse_token_response, token_request,
};
use atlas_snapshots::runtime::retry::{self, RetryPolicy};
use integration_tests::atlas_server::{
    self as server, AtlasServer, Dataset, DigestAlgorithm, Fault, ServerConfig,
};
use std::time::{Duration, Instant};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const FLEX: &str = "Flex0";

type BoxError = Box<dyn std::error::Error + Send + Sync>;

// README: begin
/// An agent that hands error statuses back as responses: the signer reads the 401's
/// challenge, and the parsers read Atlas's error bodies.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// One request, with its whole answer.
fn send(
    agent: &ureq::Agent,
    request: http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, BoxError> {
    let (parts, mut body) = agent.run(request)?.into_parts();
    Ok(http::Response::from_parts(parts, body.read_to_vec()?))
}

/// One request signed with HTTP Digest: signed from the start once a challenge is known,
/// and sent once more when a 401 brings a new challenge (the first one, or a stale nonce).
fn send_signed(
    agent: &ureq::Agent,
    signer: &mut DigestSigner,
    request: &http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, BoxError> {
    let target = request.uri().path_and_query().map_or("/", |t| t.as_str());
    let mut challenged = false;
    loop {
        let mut attempt = request.clone();
        let authorization = signer.authorization(request.method(), target)?;
        if let Some(value) = &authorization {
            attempt
                .headers_mut()
                .insert(http::header::AUTHORIZATION, value.parse()?);
        }
        let response = send(agent, attempt)?;
        if response.status() == http::StatusCode::UNAUTHORIZED && !challenged {
            challenged = true;
            let signed = authorization.is_some();
            if signer.unauthorized(response.headers(), signed) == DigestVerdict::SendAgain {
                continue;
            }
        }
        return Ok(response);
    }
}

/// [`send_signed`], retried on 429 and 502/503/504 as the crate's client would.
fn send_with_retries(
    agent: &ureq::Agent,
    signer: &mut DigestSigner,
    request: &http::Request<Vec<u8>>,
) -> Result<http::Response<Vec<u8>>, BoxError> {
    let policy = RetryPolicy::default();
    let started = Instant::now();
    let mut attempt = 1;
    loop {
        let response = send_signed(agent, signer, request)?;
        let wait = if retry::is_retryable_status(response.status()) {
            let asked = retry::retry_after(response.headers());
            policy.delay(attempt, started.elapsed(), asked, retry::jitter())
        } else {
            None
        };
        match wait {
            Some(wait) => std::thread::sleep(wait),
            None => return Ok(response),
        }
        attempt += 1;
    }
}

/// Every snapshot of a flex cluster, page by page.
fn list_every_snapshot(
    base_url: &str,
    public_key: &str,
    private_key: &str,
) -> Result<Vec<String>, BoxError> {
    let agent = agent();
    let mut signer = DigestSigner::new(public_key, private_key);
    let mut ids = Vec::new();
    for page_num in 1.. {
        let operation = ListFlexBackupsRequest::new(GROUP, FLEX)
            .items_per_page(10)
            .page_num(page_num);
        let request = operation.build_request(base_url)?;
        let response = send_with_retries(&agent, &mut signer, &request)?;
        let page = operation.parse_response(&response)?;
        let results = page.results.unwrap_or_default();
        let last = results.len() < 10;
        ids.extend(results.into_iter().filter_map(|snapshot| snapshot.id));
        if last {
            return Ok(ids);
        }
    }
    unreachable!("the pages end")
}

/// An access token for a service account.
fn access_token(
    token_url: &str,
    client_id: &str,
    client_secret: &str,
) -> Result<atlas_snapshots::runtime::auth::AccessToken, BoxError> {
    let request = token_request(token_url, client_id, client_secret)?;
    let response = send(&agent(), request)?;
    Ok(parse_token_response(&response)?)
}
// README: end

/// The server runs on a runtime of its own; the test thread blocks on ureq meanwhile.
fn start(config: ServerConfig) -> (tokio::runtime::Runtime, AtlasServer) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let server = runtime
        .block_on(AtlasServer::start(config))
        .expect("the local server starts");
    (runtime, server)
}

fn digest_server(algorithm: DigestAlgorithm, count: usize) -> ServerConfig {
    ServerConfig {
        credentials: server::Credentials::Digest {
            public_key: "public-key".into(),
            private_key: "private-key".into(),
            algorithm,
        },
        dataset: Dataset::new().with_tenant_snapshots(GROUP, FLEX, count),
        ..ServerConfig::default()
    }
}

#[test]
fn a_second_http_stack_lists_every_snapshot_with_digest() {
    let (_runtime, server) = start(digest_server(DigestAlgorithm::Md5, 25));
    let ids = list_every_snapshot(&server.base_url(), "public-key", "private-key").unwrap();
    assert_eq!(ids.len(), 25);
    let stats = server.stats();
    // Only the first request pays for a challenge; the others are signed from the start.
    assert_eq!(stats.challenges, 1, "{stats:?}");
    assert_eq!(stats.requests_to(server::Endpoint::ListFlexBackups), 4);
}

#[test]
fn sha_256_and_stale_nonces_are_followed() {
    let (_runtime, server) = start(ServerConfig {
        digest_nonce_uses: Some(1),
        ..digest_server(DigestAlgorithm::Sha256, 25)
    });
    let ids = list_every_snapshot(&server.base_url(), "public-key", "private-key").unwrap();
    assert_eq!(ids.len(), 25);
    let stats = server.stats();
    assert!(stats.stale_challenges >= 2, "{stats:?}");
}

#[test]
fn wrong_keys_are_refused_after_one_signed_attempt() {
    let (_runtime, server) = start(digest_server(DigestAlgorithm::Md5, 1));
    let agent = agent();
    let mut signer = DigestSigner::new("public-key", "wrong");
    let request = ListFlexBackupsRequest::new(GROUP, FLEX)
        .build_request(&server.base_url())
        .unwrap();
    let response = send_signed(&agent, &mut signer, &request).unwrap();
    assert_eq!(response.status(), 401);
    // One unsigned request, one signed: the signer does not loop on a fresh challenge.
    assert_eq!(
        server
            .stats()
            .requests_to(server::Endpoint::ListFlexBackups),
        2
    );
    assert_eq!(
        signer.unauthorized(response.headers(), true),
        DigestVerdict::SendAgain,
        "a nonce the signer has not answered is always worth a try"
    );
    let response = send_signed(&agent, &mut signer, &request).unwrap();
    assert_eq!(response.status(), 401);
    let error = ListFlexBackupsRequest::new(GROUP, FLEX)
        .parse_response(&response)
        .unwrap_err();
    assert_eq!(error.status(), http::StatusCode::UNAUTHORIZED);
}

#[test]
fn retries_wait_as_the_server_asks() {
    let (_runtime, server) = start(digest_server(DigestAlgorithm::Md5, 3));
    server.inject(Fault::TooManyRequests {
        retry_after_secs: 1,
        times: 1,
    });
    let started = Instant::now();
    let ids = list_every_snapshot(&server.base_url(), "public-key", "private-key").unwrap();
    assert_eq!(ids.len(), 3);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[test]
fn a_service_account_token_from_the_sans_io_builder() {
    let (_runtime, server) = start(ServerConfig {
        credentials: server::Credentials::service_account("client-id", "client-secret"),
        dataset: Dataset::new().with_tenant_snapshots(GROUP, FLEX, 2),
        token_ttl: Duration::from_secs(600),
        token_delay: Duration::ZERO,
        ..ServerConfig::default()
    });
    let token_url = format!("{}{}", server.base_url(), server::TOKEN_PATH);
    let token = access_token(&token_url, "client-id", "client-secret").unwrap();
    assert_eq!(token.expires_in(), Some(Duration::from_secs(600)));
    assert_eq!(token.reuse_for(), Duration::from_secs(540));

    let operation = ListFlexBackupsRequest::new(GROUP, FLEX);
    let mut request = operation.build_request(&server.base_url()).unwrap();
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        token.authorization().parse().unwrap(),
    );
    let response = send(&agent(), request).unwrap();
    let page = operation.parse_response(&response).unwrap();
    assert_eq!(page.results.unwrap_or_default().len(), 2);

    let refused = access_token(&token_url, "client-id", "wrong").unwrap_err();
    let refused = refused.downcast::<TokenError>().unwrap();
    assert!(
        matches!(*refused, TokenError::Refused { status, .. } if status == 401),
        "{refused:?}"
    );
    assert!(!refused.is_retryable());
}
