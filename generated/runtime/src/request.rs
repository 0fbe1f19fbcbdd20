//! Building `http::Request`s: base URL, percent-encoded path, query, headers.

use super::base_url::BaseUrl;
use super::validation::ParameterError;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use std::borrow::Cow;
use std::cell::Cell;
use std::fmt::{self, Write as _};

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
fn is_dot_segment(segment: &[u8]) -> bool {
    let dot = |text: &[u8]| text == b"." || text.eq_ignore_ascii_case(b"%2e");
    match segment.len() {
        1 | 3 => dot(segment),
        2 | 4 | 6 => {
            (1..segment.len()).any(|split| dot(&segment[..split]) && dot(&segment[split..]))
        }
        _ => false,
    }
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
    // A dot segment needs a `.` (or the `%` of `%2e`), an empty one `//` or a trailing `/`:
    // most paths have none of them, and these searches are much cheaper than the walk below.
    let bytes = rest.as_bytes();
    if !(bytes.contains(&b'.')
        || bytes.contains(&b'%')
        || rest.ends_with('/')
        || path.contains("//"))
    {
        return Ok(());
    }
    // Bytes, not `str::split`: paths are short, and a plain loop beats a search per segment.
    match rest
        .as_bytes()
        .split(|&byte| byte == b'/')
        .find(|segment| segment.is_empty() || is_dot_segment(segment))
    {
        Some(segment) => Err(BuildError::InvalidPath {
            path: path.to_owned(),
            segment: String::from_utf8_lossy(segment).into_owned(),
        }),
        None => Ok(()),
    }
}

/// Query parameters in the order the spec lists them, for [`build_request`]; generated
/// operations write theirs straight into a [`RequestTarget`].
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
}

/// The path and query of one request, written once into one buffer: the base URL's prefix,
/// the operation's path with each parameter percent-encoded in place, then the query,
/// form-encoded in place. No piece gets a `String` of its own.
#[derive(Debug, Clone)]
pub struct RequestTarget {
    buffer: String,
    /// Where the operation's path starts, after the base URL's prefix.
    path_start: usize,
    /// Where the `?` is, once a query parameter was written.
    query_start: Option<usize>,
}

impl RequestTarget {
    /// Room for typical paths and queries, so the buffer grows at most once.
    const TYPICAL_LENGTH: usize = 192;

    /// A buffer above this size is not kept for the next request.
    const LARGEST_KEPT: usize = 4096;

    pub fn new(base_url: &BaseUrl) -> Self {
        let prefix = base_url.prefix();
        let mut buffer = SPARE_BUFFER.try_with(Cell::take).unwrap_or_default();
        buffer.clear();
        buffer.reserve(prefix.len() + Self::TYPICAL_LENGTH);
        buffer.push_str(prefix);
        Self {
            path_start: buffer.len(),
            buffer,
            query_start: None,
        }
    }

    /// Appends a piece of the path as is: the operation's literal text.
    pub fn path(&mut self, text: &str) {
        debug_assert!(
            self.query_start.is_none(),
            "the path comes before the query"
        );
        self.buffer.push_str(text);
    }

    /// Appends a path parameter, percent-encoded so that it stays one segment.
    pub fn path_segment(&mut self, value: &str) {
        debug_assert!(
            self.query_start.is_none(),
            "the path comes before the query"
        );
        push_path_encoded(&mut self.buffer, value);
    }

    /// Appends a path parameter that is not a string (an integer, an enum), percent-encoded.
    pub fn path_segment_display(&mut self, value: &impl fmt::Display) {
        debug_assert!(
            self.query_start.is_none(),
            "the path comes before the query"
        );
        // Writing into a `String` cannot fail.
        let _ = write!(PathSegmentWriter(&mut self.buffer), "{value}");
    }

    /// Adds a query parameter in wire form: booleans as `true`/`false`, enums as their wire
    /// value. The typed `push_*` methods below say the same without the formatter.
    pub fn push(&mut self, name: &str, value: &impl fmt::Display) {
        self.query_name(name);
        let _ = write!(FormWriter(&mut self.buffer), "{value}");
    }

    /// Adds a string query parameter (or an enum's wire value).
    pub fn push_str(&mut self, name: &str, value: &str) {
        self.query_name(name);
        push_form_encoded(&mut self.buffer, value);
    }

    /// Adds an integer query parameter.
    pub fn push_integer(&mut self, name: &str, value: i64) {
        self.query_name(name);
        self.buffer.push_str(itoa::Buffer::new().format(value));
    }

    /// Adds a boolean query parameter, as `true` or `false`.
    pub fn push_bool(&mut self, name: &str, value: bool) {
        self.query_name(name);
        self.buffer.push_str(if value { "true" } else { "false" });
    }

    /// Adds an array query parameter as one comma-separated value (`explode: false`).
    pub fn push_joined<T: fmt::Display>(&mut self, name: &str, values: &[T]) {
        self.query_name(name);
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                // The comma, form-encoded as when the joined value was encoded whole.
                self.buffer.push_str("%2C");
            }
            let _ = write!(FormWriter(&mut self.buffer), "{value}");
        }
    }

    fn query_name(&mut self, name: &str) {
        if self.query_start.is_none() {
            self.query_start = Some(self.buffer.len());
            self.buffer.push('?');
        } else {
            self.buffer.push('&');
        }
        push_form_encoded(&mut self.buffer, name);
        self.buffer.push('=');
    }

    /// The written path and query at their exact size, which `http` keeps as they are (with
    /// spare room, it would allocate a shared header beside them); the buffer is kept for the
    /// next request built on this thread.
    fn into_path_and_query(self) -> Vec<u8> {
        let exact = self.buffer.as_bytes().to_vec();
        if self.buffer.capacity() <= Self::LARGEST_KEPT {
            // Dropped instead if the thread is ending.
            let _ = SPARE_BUFFER.try_with(|spare| spare.set(self.buffer));
        }
        exact
    }

    /// The operation's path, without the base URL's prefix and the query.
    fn operation_path(&self) -> &str {
        let end = self.query_start.unwrap_or(self.buffer.len());
        &self.buffer[self.path_start..end]
    }
}

thread_local! {
    /// The buffer of the last [`RequestTarget`] finished on this thread: requests are built
    /// one after another, and each reuses it instead of allocating its own.
    static SPARE_BUFFER: Cell<String> = const { Cell::new(String::new()) };
}

/// Appends `text` percent-encoded as [`encode_path_segment`] does. Most values (ids, names)
/// need no encoding and are copied whole.
fn push_path_encoded(buffer: &mut String, text: &str) {
    if is_all(text, &KEPT_IN_PATH) {
        buffer.push_str(text);
    } else {
        buffer.extend(utf8_percent_encode(text, PATH_SEGMENT));
    }
}

/// Appends `text` form-encoded (`application/x-www-form-urlencoded`), as query names and
/// values are. Most need no encoding and are copied whole.
fn push_form_encoded(buffer: &mut String, text: &str) {
    if is_all(text, &KEPT_IN_FORM) {
        buffer.push_str(text);
    } else {
        buffer.extend(form_urlencoded::byte_serialize(text.as_bytes()));
    }
}

/// The bytes [`PATH_SEGMENT`] leaves as they are: RFC 3986's unreserved characters.
const KEPT_IN_PATH: [bool; 256] = alphanumerics_and(b"-._~");
/// The bytes `form_urlencoded` leaves as they are.
const KEPT_IN_FORM: [bool; 256] = alphanumerics_and(b"-._*");

/// A table lookup per byte: these checks run on every parameter of every request, and a
/// chain of comparisons per byte cost as much as the rest of writing the path.
fn is_all(text: &str, kept: &[bool; 256]) -> bool {
    text.bytes().all(|byte| kept[usize::from(byte)])
}

const fn alphanumerics_and(extra: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_alphanumeric();
        byte += 1;
    }
    let mut index = 0;
    while index < extra.len() {
        table[extra[index] as usize] = true;
        index += 1;
    }
    table
}

/// Percent-encodes what is written, as [`encode_path_segment`] does.
struct PathSegmentWriter<'a>(&'a mut String);

impl fmt::Write for PathSegmentWriter<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        push_path_encoded(self.0, text);
        Ok(())
    }
}

/// Form-encodes what is written, as query values are.
struct FormWriter<'a>(&'a mut String);

impl fmt::Write for FormWriter<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        push_form_encoded(self.0, text);
        Ok(())
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
    let base_url = BaseUrl::parse(base_url)?;
    let mut target = RequestTarget::new(&base_url);
    target.path(path);
    for (name, value) in &query.pairs {
        target.push_str(name, value);
    }
    let accept = accept
        .map(http::HeaderValue::from_str)
        .transpose()
        .map_err(|error| BuildError::InvalidHeader {
            name: "accept",
            reason: error.to_string(),
        })?;
    finish_request(method, &base_url, target, headers, accept, body)
}

/// Assembles the request from its written target, with `Accept` set to the media type the
/// operation documents for its success response (a constant of the generated code), and the
/// body if any.
///
/// A path with an empty, `.` or `..` segment is refused ([`BuildError::InvalidPath`]):
/// however the path was built, the request never reaches another resource than its own.
pub fn finish_request(
    method: http::Method,
    base_url: &BaseUrl,
    target: RequestTarget,
    headers: &Headers,
    accept: Option<http::HeaderValue>,
    body: Option<JsonBody>,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    check_path(target.operation_path())?;
    let uri = base_url.uri(target.into_path_and_query())?;
    let (content_type, bytes) = match body {
        Some(body) => (Some(body.content_type), body.bytes),
        None => (None, Vec::new()),
    };
    let mut request = http::Request::new(bytes);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let map = request.headers_mut();
    if let Some(accept) = accept {
        map.insert(http::header::ACCEPT, accept);
    }
    for (name, value) in &headers.pairs {
        let invalid = |reason: String| BuildError::InvalidHeader { name, reason };
        let header_name =
            http::HeaderName::try_from(*name).map_err(|error| invalid(error.to_string()))?;
        let value =
            http::HeaderValue::from_str(value).map_err(|error| invalid(error.to_string()))?;
        map.append(header_name, value);
    }
    if let Some(content_type) = content_type {
        map.insert(
            http::header::CONTENT_TYPE,
            static_header("content-type", content_type)?,
        );
    }
    Ok(request)
}

/// A header value the generator wrote (a media type of the spec), used in place: no copy.
fn static_header(name: &'static str, value: &'static str) -> Result<http::HeaderValue, BuildError> {
    // `from_static` panics where `from_str` would refuse: the same rule, checked first.
    if value
        .bytes()
        .all(|byte| byte == b'\t' || (b' '..=b'~').contains(&byte))
    {
        Ok(http::HeaderValue::from_static(value))
    } else {
        Err(BuildError::InvalidHeader {
            name,
            reason: format!("{value:?} is not a valid header value"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_encode_as_the_url_crates_do() {
        let base = BaseUrl::parse("https://proxy.example.com/atlas/").unwrap();
        let mut target = RequestTarget::new(&base);
        target.path("/groups/");
        target.path_segment("a b/é");
        target.path("/n/");
        target.path_segment_display(&42);
        let awkward = "a b&c=d/é,*~";
        target.push_str("name one", awkward);
        target.push_integer("min", i64::MIN);
        target.push_integer("zero", 0);
        target.push_bool("flag", false);
        target.push("display", &awkward);
        target.push_joined("list", &["x,y", "z"]);
        let expected_query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("name one", awkward)
            .append_pair("min", "-9223372036854775808")
            .append_pair("zero", "0")
            .append_pair("flag", "false")
            .append_pair("display", awkward)
            .append_pair("list", "x,y,z")
            .finish();
        assert_eq!(target.operation_path(), "/groups/a%20b%2F%C3%A9/n/42");
        assert_eq!(
            target.buffer,
            format!(
                "/atlas/groups/{}/n/42?{expected_query}",
                encode_path_segment("a b/é")
            )
        );
    }

    #[test]
    fn the_byte_tables_keep_what_the_encoders_keep() {
        for byte in 0..=u8::MAX {
            let text = [byte];
            let Ok(text) = std::str::from_utf8(&text) else {
                assert!(!KEPT_IN_PATH[usize::from(byte)] && !KEPT_IN_FORM[usize::from(byte)]);
                continue;
            };
            let kept_in_path = encode_path_segment(text) == text;
            let kept_in_form = form_urlencoded::byte_serialize(text.as_bytes()).eq([text]);
            assert_eq!(KEPT_IN_PATH[usize::from(byte)], kept_in_path, "{byte}");
            assert_eq!(KEPT_IN_FORM[usize::from(byte)], kept_in_form, "{byte}");
        }
    }

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
            ("//api/atlas/v2/groups", ""),
            ("/api/atlas/v1.0/groups/g/clusters/..", ".."),
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
        for path in [
            "/",
            "/api/atlas/v2/groups/g/users/...",
            "/a/%252e%252e/a.b",
            "/api/atlas/v1.0/groups/g",
            "/api/atlas/v2/groups/g/a%20b",
        ] {
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
