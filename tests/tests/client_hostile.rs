//! The client against hostile and broken peers (issue 8): a raw HTTP/1.1 server on 127.0.0.1
//! that stalls, trickles, streams without end, redirects, caps or ignores paging, and echoes
//! secrets. Every test is bounded by a watchdog, so a client that hangs fails instead.

#![allow(deprecated)] // `listServerlessBackups` is deprecated by Atlas; it still pages.

use atlas_snapshots::runtime::client::AuthError;
use atlas_snapshots::{Client, Error, RetryPolicy};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const CLUSTER: &str = "Cluster0";
const TOKEN_PATH: &str = "/api/oauth/token";
const LIST_PATH: &str =
    "/api/atlas/v1.0/groups/32b6e34b3d91647abb20e7b8/serverless/Cluster0/backup/snapshots";

/// One request as the raw server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
}

impl Seen {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// What the raw server does with one request.
enum Reply {
    /// A complete response with a `Content-Length`.
    Send {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    /// Headers and a `Content-Length`, but never the body.
    Head { status: u16, content_length: u64 },
    /// Read the request, never answer, keep the connection open.
    Stall,
    /// Headers at once, then one byte of the body every 200 ms, forever.
    Trickle,
    /// A chunked 200 body that never ends.
    Endless,
}

fn json(status: u16, body: impl Into<String>) -> Reply {
    Reply::Send {
        status,
        headers: vec![("content-type", "application/json".to_owned())],
        body: body.into(),
    }
}

type Handler = Arc<dyn Fn(&Seen) -> Reply + Send + Sync>;

/// A raw HTTP/1.1 server: one request per connection, answered by the handler.
struct RawServer {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl RawServer {
    async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, handler.clone(), log.clone()));
            }
        });
        RawServer { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn count(&self, path: &str) -> usize {
        self.seen().iter().filter(|seen| seen.path == path).count()
    }
}

async fn serve(mut stream: TcpStream, handler: Handler, log: Arc<Mutex<Vec<Seen>>>) {
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
        if let Some(at) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let seen = Seen {
        method,
        path: path.to_owned(),
        query: form_urlencoded::parse(query.as_bytes())
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect(),
        headers,
    };
    // Read the request body, so that a client waiting to finish sending is not blocked.
    let length: usize = seen
        .header("content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
    log.lock().unwrap().push(seen.clone());
    let reply = handler(&seen);
    let _ = answer(&mut stream, reply).await;
}

async fn answer(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Send {
            status,
            headers,
            body,
        } => {
            let mut text = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n");
            for (name, value) in headers {
                text.push_str(&format!("{name}: {value}\r\n"));
            }
            text.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
            stream.write_all(text.as_bytes()).await?;
            stream.shutdown().await
        }
        Reply::Head {
            status,
            content_length,
        } => {
            let text = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {content_length}\r\n\r\n"
            );
            stream.write_all(text.as_bytes()).await?;
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Reply::Stall => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        }
        Reply::Trickle => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{";
            stream.write_all(head.as_bytes()).await?;
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                stream.write_all(b" ").await?;
            }
        }
        Reply::Endless => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await?;
            let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
            stream.write_all(b"1\r\n[\r\n").await?;
            loop {
                stream.write_all(chunk.as_bytes()).await?;
            }
        }
    }
}

/// Fails the test instead of hanging it.
async fn watchdog<T>(limit: Duration, what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after {limit:?}"))
}

fn builder(server: &RawServer) -> atlas_snapshots::ClientBuilder {
    Client::builder()
        .base_url(server.url())
        .allow_insecure_http(true)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_secs(1),
            ..RetryPolicy::default()
        })
}

fn token(expires_in: &str) -> Reply {
    json(
        200,
        format!(
            r#"{{"access_token": "issued-token-123", "token_type": "Bearer", "expires_in": {expires_in}}}"#
        ),
    )
}

fn empty_page() -> Reply {
    json(200, r#"{"links": [], "results": [], "totalCount": 0}"#)
}

// ---- 1. Every network wait is bounded -------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_token_endpoint_times_out_every_waiting_task() {
    for (name, stall) in [("silent", true), ("trickling", false)] {
        let api = RawServer::start(|_| empty_page()).await;
        let token_server =
            RawServer::start(move |_| if stall { Reply::Stall } else { Reply::Trickle }).await;
        let client = builder(&api)
            .token_url(format!("{}{TOKEN_PATH}", token_server.url()))
            .service_account("client-id", "client-secret")
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        let started = Instant::now();
        let calls: Vec<_> = (0..3)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(
                    async move { client.list_serverless_backups(GROUP, CLUSTER).send().await },
                )
            })
            .collect();
        for call in calls {
            let error = watchdog(Duration::from_secs(20), name, call)
                .await
                .unwrap()
                .unwrap_err();
            assert!(
                matches!(
                    &error,
                    Error::Auth {
                        source: AuthError::TokenTimeout { .. },
                        ..
                    }
                ),
                "{name}: {error:?}"
            );
        }
        // One request times out after 1 s; the tasks that waited for it give up within 1 s
        // of waiting.
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{name}: took {:?}",
            started.elapsed()
        );
        assert_eq!(api.count(LIST_PATH), 0, "{name}");
    }
}

#[tokio::test]
async fn a_stalled_api_answer_and_body_time_out() {
    for (name, reply) in [("silent", 0), ("trickling", 1), ("headers only", 2)] {
        let api = RawServer::start(move |_| match reply {
            0 => Reply::Stall,
            1 => Reply::Trickle,
            _ => Reply::Head {
                status: 200,
                content_length: 100,
            },
        })
        .await;
        let client = builder(&api)
            .bearer_token("static-token")
            .timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        let started = Instant::now();
        let error = watchdog(
            Duration::from_secs(20),
            name,
            client.list_serverless_backups(GROUP, CLUSTER).send(),
        )
        .await
        .unwrap_err();
        assert!(matches!(error, Error::Timeout { .. }), "{name}: {error:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "{name}");
    }
}

#[tokio::test]
async fn a_token_endpoint_5xx_is_retried_like_an_idempotent_call() {
    let failures = Arc::new(Mutex::new(2));
    let server = RawServer::start(move |seen| {
        if seen.path == TOKEN_PATH {
            let mut failures = failures.lock().unwrap();
            if *failures > 0 {
                *failures -= 1;
                return json(503, r#"{"error": "temporarily_unavailable"}"#);
            }
            return token("3600");
        }
        empty_page()
    })
    .await;
    let client = builder(&server)
        .service_account("client-id", "client-secret")
        .build()
        .unwrap();
    watchdog(
        Duration::from_secs(20),
        "token retries",
        client.list_serverless_backups(GROUP, CLUSTER).send(),
    )
    .await
    .unwrap();
    assert_eq!(server.count(TOKEN_PATH), 3);
    assert!(
        server
            .seen()
            .iter()
            .filter(|seen| seen.path == TOKEN_PATH)
            .all(|seen| seen.method == "POST")
    );
    assert_eq!(server.count(LIST_PATH), 1);

    // A refusal is not retried.
    let refusing = RawServer::start(|seen| {
        if seen.path == TOKEN_PATH {
            json(401, r#"{"error": "invalid_client"}"#)
        } else {
            empty_page()
        }
    })
    .await;
    let error = builder(&refusing)
        .service_account("client-id", "client-secret")
        .build()
        .unwrap()
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
    assert_eq!(refusing.count(TOKEN_PATH), 1);
}

// ---- 11. Token lifetimes ---------------------------------------------------------------------

#[tokio::test]
async fn extreme_token_lifetimes_neither_panic_nor_flood() {
    for expires_in in ["18446744073709551615", "0"] {
        let server = RawServer::start(move |seen| {
            if seen.path == TOKEN_PATH {
                token(expires_in)
            } else if seen.header("authorization") == Some("Bearer issued-token-123") {
                empty_page()
            } else {
                json(401, r#"{"error": 401, "errorCode": "NOT_AUTHORIZED"}"#)
            }
        })
        .await;
        let client = builder(&server)
            .service_account("client-id", "client-secret")
            .build()
            .unwrap();
        for _ in 0..5 {
            let client = client.clone();
            // A panic inside the client surfaces as a JoinError here.
            tokio::spawn(async move {
                client
                    .list_serverless_backups(GROUP, CLUSTER)
                    .send()
                    .await
                    .unwrap()
            })
            .await
            .unwrap_or_else(|error| panic!("expires_in {expires_in}: {error}"));
        }
        assert_eq!(server.count(TOKEN_PATH), 1, "expires_in {expires_in}");
        assert_eq!(server.count(LIST_PATH), 5, "expires_in {expires_in}");
    }
}

// ---- 5. Bodies are bounded -------------------------------------------------------------------

#[tokio::test]
async fn response_bodies_are_bounded_while_they_stream() {
    let endless = RawServer::start(|_| Reply::Endless).await;
    for (name, limit) in [("1 MiB", Some(1024 * 1024)), ("the default", None)] {
        let mut builder = builder(&endless)
            .bearer_token("static-token")
            .timeout(Duration::from_secs(30));
        if let Some(limit) = limit {
            builder = builder.max_response_body(limit);
        }
        let started = Instant::now();
        let error = watchdog(
            Duration::from_secs(40),
            name,
            builder
                .build()
                .unwrap()
                .list_serverless_backups(GROUP, CLUSTER)
                .send(),
        )
        .await
        .unwrap_err();
        let expected = limit.unwrap_or(atlas_snapshots::runtime::client::DEFAULT_MAX_RESPONSE_BODY);
        assert!(
            matches!(error, Error::BodyTooLarge { limit, .. } if limit == expected),
            "{name}: {error:?}"
        );
        assert_eq!(error.status(), Some(http::StatusCode::OK));
        assert!(error.to_string().contains("max_response_body"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(20), "{name}");
    }

    // A declared length over the limit is refused before a byte of the body is read.
    let huge = RawServer::start(|_| Reply::Head {
        status: 200,
        content_length: 10 << 30,
    })
    .await;
    let error = watchdog(
        Duration::from_secs(20),
        "declared",
        builder(&huge)
            .bearer_token("static-token")
            .max_response_body(1024)
            .build()
            .unwrap()
            .list_serverless_backups(GROUP, CLUSTER)
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(error, Error::BodyTooLarge { limit: 1024, .. }),
        "{error:?}"
    );
}

// ---- 6. Redirects ----------------------------------------------------------------------------

#[tokio::test]
async fn redirects_are_never_followed_so_credentials_stay_put() {
    for status in [301, 302, 307, 308] {
        // Same host and port, another path: reqwest would keep the credentials.
        let redirect = move || Reply::Send {
            status,
            headers: vec![("location", "/elsewhere".to_owned())],
            body: String::new(),
        };
        let server = RawServer::start(move |seen| match seen.path.as_str() {
            LIST_PATH => redirect(),
            TOKEN_PATH => token("3600"),
            _ => empty_page(),
        })
        .await;
        for client in [
            builder(&server)
                .bearer_token("static-token")
                .build()
                .unwrap(),
            builder(&server)
                .service_account("client-id", "client-secret")
                .build()
                .unwrap(),
        ] {
            let error = client
                .list_serverless_backups(GROUP, CLUSTER)
                .send()
                .await
                .unwrap_err();
            assert_eq!(
                error.status().map(|s| s.as_u16()),
                Some(status),
                "{error:?}"
            );
        }
        assert_eq!(server.count("/elsewhere"), 0, "{status} was followed");

        // Nor from the token endpoint, which would resend the Basic client secret.
        let token_server = RawServer::start(move |seen| match seen.path.as_str() {
            TOKEN_PATH => redirect(),
            _ => empty_page(),
        })
        .await;
        let error = builder(&token_server)
            .service_account("client-id", "client-secret")
            .build()
            .unwrap()
            .list_serverless_backups(GROUP, CLUSTER)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Auth { source: AuthError::TokenRefused { status: s, .. }, .. } if *s == status),
            "{error:?}"
        );
        assert_eq!(token_server.count("/elsewhere"), 0, "{status} was followed");
    }
}

// ---- 10. Paging ------------------------------------------------------------------------------

/// How a paging server misbehaves.
#[derive(Clone, Copy)]
struct Paging {
    total: usize,
    /// The largest page it serves, whatever was asked.
    cap: usize,
    links: bool,
    /// Serve page 1 whatever `pageNum` says.
    ignore_page_num: bool,
}

fn item(index: usize) -> String {
    format!(r#"{{"id": "{index:024x}", "status": "COMPLETED"}}"#)
}

fn paging_server(paging: Paging) -> impl Fn(&Seen) -> Reply + Send + Sync + 'static {
    move |seen| {
        let number = |name, default: usize| {
            seen.param(name)
                .and_then(|value| value.parse().ok())
                .unwrap_or(default)
        };
        let size = number("itemsPerPage", 100).min(paging.cap);
        let page = if paging.ignore_page_num {
            1
        } else {
            number("pageNum", 1)
        };
        let start = (page - 1) * size;
        let end = (start + size).min(paging.total);
        let items: Vec<String> = (start.min(end)..end).map(item).collect();
        let mut body = format!(r#"{{"results": [{}]"#, items.join(","));
        if seen.param("includeCount") != Some("false") {
            body.push_str(&format!(r#", "totalCount": {}"#, paging.total));
        }
        if paging.links {
            let mut links = vec![format!(
                r#"{{"rel": "self", "href": "http://x{LIST_PATH}?pageNum={page}&itemsPerPage={size}"}}"#
            )];
            if end < paging.total {
                links.push(format!(
                    r#"{{"rel": "next", "href": "http://x{LIST_PATH}?pageNum={}&itemsPerPage={size}"}}"#,
                    page + 1
                ));
            }
            body.push_str(&format!(r#", "links": [{}]"#, links.join(",")));
        }
        body.push('}');
        json(200, body)
    }
}

/// Streams a listing to its end or its first error: the ids, the error, and the requests.
async fn stream_all(
    paging: Paging,
    items_per_page: i32,
    include_count: bool,
) -> (Vec<String>, Option<String>, usize) {
    let server = RawServer::start(paging_server(paging)).await;
    let client = builder(&server)
        .bearer_token("static-token")
        .build()
        .unwrap();
    let mut stream = client
        .list_serverless_backups(GROUP, CLUSTER)
        .items_per_page(items_per_page)
        .include_count(include_count)
        .stream();
    let mut ids = Vec::new();
    let mut error = None;
    watchdog(Duration::from_secs(30), "the stream", async {
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => ids.push(item.id.unwrap()),
                Err(failure) => {
                    assert!(matches!(failure, Error::Pagination { .. }), "{failure:?}");
                    error = Some(failure.to_string());
                    break;
                }
            }
            assert!(ids.len() <= 5_000, "the stream does not end");
        }
    })
    .await;
    (ids, error, server.count(LIST_PATH))
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|index| format!("{index:024x}")).collect()
}

#[tokio::test]
async fn a_capped_page_size_does_not_end_the_listing() {
    for links in [true, false] {
        let capped = Paging {
            total: 1234,
            cap: 100,
            links,
            ignore_page_num: false,
        };
        let (seen, error, requests) = stream_all(capped, 500, true).await;
        assert_eq!(error, None, "links: {links}");
        assert_eq!(seen, ids(0..1234), "links: {links}");
        assert_eq!(requests, 13, "links: {links}");
    }
    // Links alone carry it when there is no count.
    let (seen, error, _) = stream_all(
        Paging {
            total: 1234,
            cap: 100,
            links: true,
            ignore_page_num: false,
        },
        500,
        false,
    )
    .await;
    assert_eq!((seen, error), (ids(0..1234), None));
}

#[tokio::test]
async fn a_server_that_ignores_page_num_ends_the_stream_with_an_error() {
    for links in [true, false] {
        let deaf = Paging {
            total: 1234,
            cap: 500,
            links,
            ignore_page_num: true,
        };
        let (seen, error, requests) = stream_all(deaf, 100, true).await;
        assert_eq!(seen, ids(0..100), "links: {links}");
        let error = error.unwrap_or_else(|| panic!("links: {links}: no error"));
        assert!(error.contains("ignore pageNum"), "{error}");
        assert_eq!(requests, 2, "links: {links}");
    }
}

#[tokio::test]
async fn the_last_page_costs_no_extra_request() {
    // 200 items in pages of 100: two requests, not a third that comes back empty.
    for (links, include_count, expected) in [
        (true, true, 2),
        (true, false, 2),
        (false, true, 2),
        // Without links or a count, only an empty page can say the end.
        (false, false, 3),
    ] {
        let exact = Paging {
            total: 200,
            cap: 500,
            links,
            ignore_page_num: false,
        };
        let (seen, error, requests) = stream_all(exact, 100, include_count).await;
        let case = format!("links {links}, includeCount {include_count}");
        assert_eq!((seen, error), (ids(0..200), None), "{case}");
        assert_eq!(requests, expected, "{case}");
    }
}

// ---- Low: what errors show -------------------------------------------------------------------

#[tokio::test]
async fn a_bad_item_is_named_by_its_index_and_field() {
    let server = RawServer::start(|_| {
        json(
            200,
            format!(
                r#"{{"results": [{}, {}, {{"id": "x", "status": 42}}], "totalCount": 3}}"#,
                item(0),
                item(1)
            ),
        )
    })
    .await;
    let error = builder(&server)
        .bearer_token("static-token")
        .build()
        .unwrap()
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("results[2].status"), "{error}");
}

#[tokio::test]
async fn secrets_echoed_by_a_server_never_show_in_errors() {
    let secret = "client-secret-4f9a8b7c";
    let bearer = "bearer-token-7d6e5f4a";
    let server = RawServer::start(move |seen| {
        let authorization = seen.header("authorization").unwrap_or_default().to_owned();
        let echo = format!(
            r#"{{"error": 401, "errorCode": "NOT_AUTHORIZED", "detail": "you sent {} ({authorization}, {secret}, {bearer})", "reason": "{authorization}"}}"#,
            seen.path
        );
        if seen.path == TOKEN_PATH {
            json(401, echo)
        } else {
            json(404, echo.replace("401", "404"))
        }
    })
    .await;
    let refused = builder(&server)
        .service_account("client-id", secret)
        .build()
        .unwrap()
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    let shown = format!("{refused} {refused:?}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(
        !shown.contains(secret) && !shown.contains("Basic Y2xp"),
        "{shown}"
    );

    let api = builder(&server)
        .bearer_token(bearer)
        .build()
        .unwrap()
        .list_serverless_backups(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(api.status().map(|s| s.as_u16()), Some(404));
    let shown = format!("{api} {api:?}");
    assert!(shown.contains("<redacted>"), "{shown}");
    assert!(!shown.contains(bearer), "{shown}");
}

#[test]
fn a_password_in_the_base_url_never_shows() {
    let client = Client::builder()
        .base_url("https://user:hunter2-secret@cloud.example.com")
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
    assert!(shown.contains("cloud.example.com"), "{shown}");

    let refused = Client::builder()
        .base_url("http://user:hunter2-secret@cloud.example.com")
        .build()
        .unwrap_err();
    let shown = format!("{refused}");
    assert!(!shown.contains("hunter2-secret"), "{shown}");
}
