//! Building `http::Request`s: base URL, percent-encoded path, query, headers.

use super::validation::ParameterError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::borrow::Cow;
use std::fmt;

/// Everything but RFC 3986's unreserved characters, so a value stays within its path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment: `/`, `?`, `#`, `%` and spaces cannot escape it.
///
/// Dots stay as they are, and percent-encoding them would not help: URL parsers (the WHATWG
/// URL standard that reqwest follows, and many servers and proxies) read `%2E` and `%2e` as
/// `.`, and drop `.` and `..` segments, so a value `..` would address the parent resource
/// however it is spelled. Such values are refused instead: [`build_request`] refuses every
/// path with an empty, `.` or `..` segment.
pub fn encode_path_segment(value: &str) -> Cow<'_, str> {
    utf8_percent_encode(value, PATH_SEGMENT).into()
}

/// What a path parameter's value must be, as [`BuildError`] states it.
const PATH_SEGMENT_RULE: &str =
    "a path parameter must not be empty, `.` or `..`: the request would address another resource";

/// `.` or `..`, also percent-encoded: URL parsers treat `%2e` as a dot in these segments.
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

/// The last line of defence, whatever built the path: every segment after the leading `/`
/// is a real name. An empty segment (`//`, or a trailing `/` left by an empty last
/// parameter) or a dot segment would make the URL address another resource.
fn check_path(path: &str) -> Result<(), BuildError> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    // The root itself is the one path whose only segment is empty.
    if rest.is_empty() {
        return Ok(());
    }
    match rest
        .split('/')
        .find(|segment| segment.is_empty() || is_dot_segment(segment))
    {
        Some(segment) => Err(BuildError::InvalidPath {
            path: path.to_owned(),
            segment: segment.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Query parameters in the order the spec lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(&'static str, String)>,
}

impl Query {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parameter in wire form: booleans as `true`/`false`, enums as their wire value.
    pub fn push(&mut self, name: &'static str, value: &impl fmt::Display) {
        self.pairs.push((name, value.to_string()));
    }

    /// Adds an array parameter as one comma-separated value (`explode: false`).
    pub fn push_joined<T: fmt::Display>(&mut self, name: &'static str, values: &[T]) {
        self.pairs.push((name, join(values)));
    }

    fn encode(&self) -> Option<String> {
        if self.pairs.is_empty() {
            return None;
        }
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.pairs {
            serializer.append_pair(name, value);
        }
        Some(serializer.finish())
    }
}

/// Header parameters of an operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    pairs: Vec<(&'static str, String)>,
}

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an array header as one comma-separated value.
    pub fn push_joined<T: fmt::Display>(&mut self, name: &'static str, values: &[T]) {
        self.pairs.push((name, join(values)));
    }

    pub fn push(&mut self, name: &'static str, value: &impl fmt::Display) {
        self.pairs.push((name, value.to_string()));
    }
}

/// A request body, serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonBody {
    content_type: &'static str,
    bytes: Vec<u8>,
}

/// Serializes a request body as JSON, to be sent with the given media type.
pub fn json_body<T: serde::Serialize>(
    content_type: &'static str,
    value: &T,
) -> Result<JsonBody, BuildError> {
    let bytes =
        serde_json::to_vec(value).map_err(|error| BuildError::InvalidBody(error.to_string()))?;
    Ok(JsonBody {
        content_type,
        bytes,
    })
}

fn join<T: fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Why a request could not be built. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// A parameter breaks a rule of the spec.
    InvalidParameter(ParameterError),
    /// The base URL is not an absolute `http(s)://host[:port][/prefix]` URL.
    InvalidBaseUrl { base_url: String, reason: String },
    /// A header parameter's value cannot travel in an HTTP header.
    InvalidHeader { name: &'static str, reason: String },
    /// The request body cannot be serialized as JSON (a map with non-string keys, say).
    InvalidBody(String),
    /// The request path has an empty, `.` or `..` segment (`segment`), so it would address
    /// another resource than the operation's: a path parameter's value was empty, `.` or `..`.
    InvalidPath { path: String, segment: String },
}

impl From<ParameterError> for BuildError {
    fn from(error: ParameterError) -> Self {
        BuildError::InvalidParameter(error)
    }
}

impl BuildError {
    /// The broken parameter rule, if that is why.
    pub fn parameter_error(&self) -> Option<&ParameterError> {
        match self {
            BuildError::InvalidParameter(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidParameter(error) => error.fmt(f),
            BuildError::InvalidBaseUrl { base_url, reason } => {
                write!(f, "invalid base URL {base_url:?}: {reason}")
            }
            BuildError::InvalidHeader { name, reason } => {
                write!(f, "invalid value for header parameter {name}: {reason}")
            }
            BuildError::InvalidBody(reason) => {
                write!(f, "the request body cannot be serialized: {reason}")
            }
            BuildError::InvalidPath { path, segment } => {
                write!(
                    f,
                    "invalid request path {path:?}: segment {segment:?} is empty, `.` or `..` ({PATH_SEGMENT_RULE})"
                )
            }
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidParameter(error) => Some(error),
            _ => None,
        }
    }
}

/// Assembles the request: `base_url` + already-encoded `path` + query, with `Accept` set to the
/// media type the operation documents for its success response, and the body if any.
///
/// A `path` with an empty, `.` or `..` segment is refused ([`BuildError::InvalidPath`]):
/// however the path was built, the request never reaches another resource than its own.
pub fn build_request(
    method: http::Method,
    base_url: &str,
    path: &str,
    query: &Query,
    headers: &Headers,
    accept: Option<&str>,
    body: Option<JsonBody>,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    let base = validate_base_url(base_url)?;
    check_path(path)?;
    let mut uri = format!("{}{}", base, path);
    if let Some(query) = query.encode() {
        uri.push('?');
        uri.push_str(&query);
    }
    let mut builder = http::Request::builder().method(method).uri(&uri);
    if let Some(accept) = accept {
        builder = builder.header(http::header::ACCEPT, accept);
    }
    for (name, value) in &headers.pairs {
        let value =
            http::HeaderValue::from_str(value).map_err(|error| BuildError::InvalidHeader {
                name,
                reason: error.to_string(),
            })?;
        builder = builder.header(*name, value);
    }
    let bytes = match body {
        Some(body) => {
            builder = builder.header(http::header::CONTENT_TYPE, body.content_type);
            body.bytes
        }
        None => Vec::new(),
    };
    builder
        .body(bytes)
        .map_err(|error| BuildError::InvalidBaseUrl {
            base_url: base_url.to_owned(),
            reason: error.to_string(),
        })
}

/// The base URL without its trailing slash, once it is known to be usable.
fn validate_base_url(base_url: &str) -> Result<&str, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidBaseUrl {
        base_url: base_url.to_owned(),
        reason: reason.to_owned(),
    };
    let uri: http::Uri = base_url
        .parse()
        .map_err(|error: http::uri::InvalidUri| invalid(&error.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        Some(_) => return Err(invalid("the scheme must be http or https")),
        None => {
            return Err(invalid(
                "it must be absolute, such as https://cloud.mongodb.com",
            ));
        }
    }
    if uri.authority().is_none() {
        return Err(invalid("it has no host"));
    }
    if uri.query().is_some() || base_url.contains('#') {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(base_url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(encode_path_segment("a/b?c#d e%"), "a%2Fb%3Fc%23d%20e%25");
        assert_eq!(encode_path_segment("Cluster-0.x_y~z"), "Cluster-0.x_y~z");
    }

    #[test]
    fn paths_with_empty_or_dot_segments_are_refused() {
        let build = |path: &str| {
            build_request(
                http::Method::DELETE,
                "https://cloud.mongodb.com",
                path,
                &Query::new(),
                &Headers::new(),
                None,
                None,
            )
        };
        for (path, segment) in [
            ("/api/atlas/v2/groups/g/databaseUsers/../..", ".."),
            ("/api/atlas/v2/groups/g/streams/.", "."),
            ("/api/atlas/v2/groups/g/streams/%2E%2e", "%2E%2e"),
            ("/api/atlas/v2/groups/g/streams/.%2E/x", ".%2E"),
            ("/api/atlas/v2/groups//clusters", ""),
            ("/api/atlas/v2/groups/g/clusters/", ""),
        ] {
            match build(path) {
                Err(BuildError::InvalidPath {
                    path: reported,
                    segment: found,
                }) => {
                    assert_eq!((reported.as_str(), found.as_str()), (path, segment));
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        for path in ["/", "/api/atlas/v2/groups/g/users/...", "/a/%252e%252e/a.b"] {
            assert!(build(path).is_ok(), "{path}");
        }
        let error = build("/x/..").unwrap_err().to_string();
        assert!(error.contains("\"/x/..\""), "{error}");
        assert!(error.contains("must not be empty, `.` or `..`"), "{error}");
    }

    #[test]
    fn request_has_uri_query_and_accept() {
        let mut query = Query::new();
        query.push("pageNum", &2);
        query.push("completed", &"all");
        let request = build_request(
            http::Method::GET,
            "https://cloud.mongodb.com/",
            "/api/atlas/v2/x",
            &query,
            &Headers::new(),
            Some("application/vnd.atlas.2023-01-01+json"),
            None,
        )
        .unwrap();
        assert_eq!(
            request.uri().to_string(),
            "https://cloud.mongodb.com/api/atlas/v2/x?pageNum=2&completed=all"
        );
        assert_eq!(
            request.headers()[http::header::ACCEPT],
            "application/vnd.atlas.2023-01-01+json"
        );
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        for base in [
            "cloud.mongodb.com",
            "ftp://host",
            "https://host/?q=1",
            "/relative",
        ] {
            let error = build_request(
                http::Method::GET,
                base,
                "/x",
                &Query::new(),
                &Headers::new(),
                None,
                None,
            )
            .unwrap_err();
            assert!(
                matches!(error, BuildError::InvalidBaseUrl { .. }),
                "{base}: {error}"
            );
        }
    }
}
