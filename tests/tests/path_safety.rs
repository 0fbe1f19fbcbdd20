//! A path parameter never changes which resource a request addresses (issue 8, finding 2).
//!
//! `..` in a parameter without a pattern used to reach the server as a dot segment, which URL
//! parsing removes: `deleteDatabaseUser(g, "..", "..")` sent `DELETE /api/atlas/v2/groups/`.
//! These tests look at the bytes that reach a raw TCP listener through the reqwest client,
//! and at the sans-IO `http::Request`.

use atlas_snapshots::operations::GetFlexBackupRequest;
use atlas_snapshots::runtime::{
    BuildError, Error, Headers, Operation, Query, ResponseError, ResponseSpec, build_request,
    encode_path_segment, parse_empty_response,
};
use atlas_snapshots::{Client, RetryPolicy};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

/// `DELETE /api/atlas/v2/groups/{groupId}/databaseUsers/{databaseName}/{username}` as the
/// generator writes an operation whose path parameters have no pattern: the values are only
/// percent-encoded, and everything else is the runtime's job.
#[derive(Debug, Clone)]
struct DeleteDatabaseUser {
    group_id: String,
    database_name: String,
    username: String,
}

fn delete_database_user(database_name: &str, username: &str) -> DeleteDatabaseUser {
    DeleteDatabaseUser {
        group_id: GROUP.to_owned(),
        database_name: database_name.to_owned(),
        username: username.to_owned(),
    }
}

impl Operation for DeleteDatabaseUser {
    type Output = ();
    type ErrorBody = serde_json::Value;
    const OPERATION_ID: &'static str = "deleteDatabaseUser";
    const IDEMPOTENT: bool = true;

    fn build_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, BuildError> {
        let path = [
            "/api/atlas/v2/groups/",
            &encode_path_segment(&self.group_id),
            "/databaseUsers/",
            &encode_path_segment(&self.database_name),
            "/",
            &encode_path_segment(&self.username),
        ]
        .concat();
        build_request(
            http::Method::DELETE,
            base_url,
            &path,
            &Query::new(),
            &Headers::new(),
            None,
            None,
        )
    }

    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &http::Response<B>,
    ) -> Result<(), ResponseError<serde_json::Value>> {
        let spec = ResponseSpec {
            success: &[204],
            empty_success: &[204],
            documented_errors: &[],
            enveloped: false,
        };
        parse_empty_response(response, &spec)
    }
}

/// A bare HTTP/1.1 server on 127.0.0.1 that reports the request line of every request it
/// receives, exactly as the bytes arrived, and answers 204.
fn raw_server() -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().expect("local address"));
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
            loop {
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
                    break;
                }
                // Skip the headers; these requests have no body.
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                if lines.send(request_line.trim_end().to_owned()).is_err() {
                    return;
                }
                let answer = "HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n";
                if stream.write_all(answer.as_bytes()).is_err() {
                    break;
                }
            }
        }
    });
    (base_url, received)
}

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .allow_insecure_http(true)
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a valid client")
}

/// Values that would address another resource if they reached the URL as they are: the
/// parent (`..`), the same collection (`.`), or the collection instead of one of its items
/// (empty). (A value `%2e%2e` is harmless: its `%` is encoded, see below.)
const HOSTILE: &[(&str, &str)] = &[
    ("..", ".."),
    ("..", "alice"),
    ("admin", ".."),
    (".", "alice"),
    ("admin", "."),
    ("", "alice"),
    ("admin", ""),
    ("", ""),
];

#[tokio::test]
async fn dot_and_empty_path_parameters_never_reach_the_server() {
    let (base_url, received) = raw_server();
    let client = client(&base_url);
    for (database_name, username) in HOSTILE {
        let operation = delete_database_user(database_name, username);
        match client.execute(&operation).await {
            Err(Error::InvalidInput {
                operation: "deleteDatabaseUser",
                source: BuildError::InvalidPath { path, segment },
            }) => {
                assert!(
                    segment.is_empty() || segment == "." || segment == "..",
                    "{database_name:?}/{username:?}: segment {segment:?} of {path}"
                );
            }
            other => panic!("{database_name:?}/{username:?} was not refused: {other:?}"),
        }
    }
    // The first request line the server sees is that of the one valid call that follows:
    // none of the refused calls sent anything.
    client
        .execute(&delete_database_user("admin", "alice"))
        .await
        .expect("a valid call goes through");
    let first = received
        .recv_timeout(Duration::from_secs(10))
        .expect("the server saw the valid call");
    assert_eq!(
        first,
        format!("DELETE /api/atlas/v2/groups/{GROUP}/databaseUsers/admin/alice HTTP/1.1")
    );
    assert!(received.try_recv().is_err(), "nothing else was sent");
}

#[tokio::test]
async fn values_with_dots_stay_inside_their_own_segment() {
    let (base_url, received) = raw_server();
    let client = client(&base_url);
    for (database_name, username, wire) in [
        ("admin", "alice.smith", "admin/alice.smith"),
        ("...", ".alice", ".../.alice"),
        ("a..b", "alice.", "a..b/alice."),
        // A literal `%2e%2e` is encoded as `%252e%252e`, which no parser reads as `..`.
        ("%2e%2e", "%2E", "%252e%252e/%252E"),
        ("../..", "a/../b", "..%2F../a%2F..%2Fb"),
    ] {
        client
            .execute(&delete_database_user(database_name, username))
            .await
            .unwrap_or_else(|error| panic!("{database_name:?}/{username:?}: {error}"));
        let line = received
            .recv_timeout(Duration::from_secs(10))
            .expect("the server saw the call");
        assert_eq!(
            line,
            format!("DELETE /api/atlas/v2/groups/{GROUP}/databaseUsers/{wire} HTTP/1.1"),
            "{database_name:?}/{username:?}"
        );
    }
}

#[test]
fn the_sans_io_request_is_refused_too() {
    for (database_name, username) in HOSTILE {
        let error = delete_database_user(database_name, username)
            .build_request("https://cloud.mongodb.com")
            .expect_err("refused");
        let BuildError::InvalidPath { path, segment } = &error else {
            panic!("{database_name:?}/{username:?}: {error:?}");
        };
        assert!(path.starts_with("/api/atlas/v2/groups/"), "{path}");
        let message = error.to_string();
        assert!(message.contains(&format!("{path:?}")), "{message}");
        assert!(
            message.contains(&format!("segment {segment:?}")),
            "{message}"
        );
        assert!(
            message.contains("a path parameter must not be empty, `.` or `..`"),
            "{message}"
        );
    }
    let request = delete_database_user("a.b", "...")
        .build_request("https://cloud.mongodb.com/")
        .expect("dots inside a name are fine");
    assert_eq!(
        request.uri().path(),
        format!("/api/atlas/v2/groups/{GROUP}/databaseUsers/a.b/...")
    );
}

/// The committed crate's path parameters all have patterns, which refuse these values first,
/// naming the parameter, the value and the rule.
#[test]
fn patterned_path_parameters_name_the_parameter() {
    for name in ["..", ".", ""] {
        let error = GetFlexBackupRequest::new(GROUP, name, "5f4d7c3b2a1e0d9c8b7a6f5e")
            .build_request("https://cloud.mongodb.com")
            .expect_err("refused");
        let parameter = error.parameter_error().expect("a parameter error");
        assert_eq!((parameter.parameter(), parameter.value()), ("name", name));
    }
}
