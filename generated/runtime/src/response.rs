//! Reading `http::Response`s: the typed body, the documented error, or what went wrong.

use super::operation::ErrorBody;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// What an operation documents about its responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseSpec {
    /// The 2xx statuses the spec documents.
    pub success: &'static [u16],
    /// Those of them the spec documents without a body.
    pub empty_success: &'static [u16],
    /// The error statuses the spec documents, whose bodies have the error schema.
    pub documented_errors: &'static [u16],
    /// The request asked Atlas to wrap the response (`envelope=true`): the body then carries
    /// the real status in `status` and the payload in `content` (or, for lists, beside it).
    pub enveloped: bool,
}

/// A response that is not the documented success.
#[derive(Debug)]
#[non_exhaustive]
pub enum ResponseError<E> {
    /// Atlas's error body, parsed into the spec's error schema (boxed, so that a `Result`
    /// carrying this error stays small on the success path): for a documented error status,
    /// and for an undocumented 4xx or 5xx whose body is an Atlas error all the same (it
    /// decodes, and has an `errorCode` or a `detail`), since Atlas sends its error body with
    /// every error. The client classifies responses with this same function.
    Api {
        status: http::StatusCode,
        body: Box<E>,
    },
    /// A status the operation does not document, without an Atlas error body; the body is
    /// kept as received.
    UnexpectedStatus {
        status: http::StatusCode,
        body: Vec<u8>,
    },
    /// The body does not decode into the documented schema (or is not JSON).
    Decode {
        status: http::StatusCode,
        body: Vec<u8>,
        source: serde_json::Error,
    },
}

impl<E> ResponseError<E> {
    /// The HTTP status (inside the envelope, for enveloped responses).
    pub fn status(&self) -> http::StatusCode {
        match self {
            ResponseError::Api { status, .. }
            | ResponseError::UnexpectedStatus { status, .. }
            | ResponseError::Decode { status, .. } => *status,
        }
    }

    /// The parsed error body of a documented error status.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            ResponseError::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The raw body, where it did not parse into a documented type.
    pub fn raw_body(&self) -> Option<&[u8]> {
        match self {
            ResponseError::UnexpectedStatus { body, .. } | ResponseError::Decode { body, .. } => {
                Some(body)
            }
            ResponseError::Api { .. } => None,
        }
    }
}

impl<E: ErrorBody> ResponseError<E> {
    /// Atlas's `errorCode`, such as `RESOURCE_NOT_FOUND`, when the body is an Atlas error.
    pub fn error_code(&self) -> Option<&str> {
        self.api_error().and_then(ErrorBody::error_code)
    }

    /// Whether Atlas answered with this `errorCode`.
    pub fn is_error_code(&self, code: &str) -> bool {
        self.error_code() == Some(code)
    }
}

/// At most this many bytes of a body appear in an error message.
const SNIPPET_LIMIT: usize = 300;

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(SNIPPET_LIMIT)]);
    if body.len() > SNIPPET_LIMIT {
        format!("{text}… ({} bytes in all)", body.len())
    } else {
        text.into_owned()
    }
}

impl<E: serde::Serialize> fmt::Display for ResponseError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Api { status, body } => {
                let body = serde_json::to_string(body).unwrap_or_default();
                write!(f, "Atlas answered {status}: {body}")
            }
            ResponseError::UnexpectedStatus { status, body } => write!(
                f,
                "Atlas answered {status}, a status this operation does not document: {}",
                snippet(body)
            ),
            ResponseError::Decode {
                status,
                body,
                source,
            } => write!(
                f,
                "the body of a {status} response does not decode ({source}): {}",
                snippet(body)
            ),
        }
    }
}

impl<E: serde::Serialize + fmt::Debug> std::error::Error for ResponseError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ResponseError::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Parses a response whose success carries a JSON body of type `T`.
pub fn parse_json_response<T, E, B>(
    response: &http::Response<B>,
    spec: &ResponseSpec,
) -> Result<T, ResponseError<E>>
where
    T: DeserializeOwned,
    E: ErrorBody,
    B: AsRef<[u8]>,
{
    let body = response.body().as_ref();
    let (status, payload) = payload(response.status(), body, spec)?;
    if spec.success.contains(&status.as_u16()) {
        return payload.decode(status, body);
    }
    Err(error_response(status, payload, body, spec))
}

/// Parses a response whose success statuses carry a JSON body or, for `empty_success` ones
/// (a 202 Accepted beside a 200 OK, say), none: `None` then.
pub fn parse_optional_json_response<T, E, B>(
    response: &http::Response<B>,
    spec: &ResponseSpec,
) -> Result<Option<T>, ResponseError<E>>
where
    T: DeserializeOwned,
    E: ErrorBody,
    B: AsRef<[u8]>,
{
    let body = response.body().as_ref();
    let (status, payload) = payload(response.status(), body, spec)?;
    if spec.empty_success.contains(&status.as_u16()) {
        return Ok(None);
    }
    if spec.success.contains(&status.as_u16()) {
        return payload.decode(status, body).map(Some);
    }
    Err(error_response(status, payload, body, spec))
}

/// Parses a response whose success body is not JSON (a download): the bytes as received.
pub fn parse_raw_response<E, B>(
    response: &http::Response<B>,
    spec: &ResponseSpec,
) -> Result<Vec<u8>, ResponseError<E>>
where
    E: ErrorBody,
    B: AsRef<[u8]>,
{
    let body = response.body().as_ref();
    if spec.success.contains(&response.status().as_u16()) {
        return Ok(body.to_vec());
    }
    let (status, payload) = payload(response.status(), body, spec)?;
    Err(error_response(status, payload, body, spec))
}

/// Parses a response whose success has no body (such as 204 No Content).
pub fn parse_empty_response<E, B>(
    response: &http::Response<B>,
    spec: &ResponseSpec,
) -> Result<(), ResponseError<E>>
where
    E: ErrorBody,
    B: AsRef<[u8]>,
{
    let body = response.body().as_ref();
    let (status, payload) = payload(response.status(), body, spec)?;
    if spec.success.contains(&status.as_u16()) {
        return Ok(());
    }
    Err(error_response(status, payload, body, spec))
}

/// Classifies a response that is not a documented success. The client calls the parsers,
/// and so this, too: both paths classify a response alike.
fn error_response<E: ErrorBody>(
    status: http::StatusCode,
    payload: Payload<'_>,
    body: &[u8],
    spec: &ResponseSpec,
) -> ResponseError<E> {
    if spec.documented_errors.contains(&status.as_u16()) {
        return match payload.decode_error(status) {
            Ok(decoded) => ResponseError::Api {
                status,
                body: Box::new(decoded),
            },
            Err(source) => ResponseError::Decode {
                status,
                body: body.to_vec(),
                source,
            },
        };
    }
    // Atlas sends its error body with every error, also with statuses an operation does not
    // document (a 404 where the spec lists 401 and 500). Any JSON object may decode into an
    // error type without required fields, so the body must also say something.
    if status.is_client_error() || status.is_server_error() {
        if let Ok(decoded) = payload.decode_error::<E>(status) {
            if decoded.error_code().is_some() || decoded.detail().is_some() {
                return ResponseError::Api {
                    status,
                    body: Box::new(decoded),
                };
            }
        }
    }
    ResponseError::UnexpectedStatus {
        status,
        body: body.to_vec(),
    }
}

/// The part of the body that holds the documented payload.
enum Payload<'a> {
    Bytes(&'a [u8]),
    Unwrapped(Value),
}

impl Payload<'_> {
    /// Decodes an error body, letting the error type choose by status.
    fn decode_error<E: ErrorBody>(self, status: http::StatusCode) -> Result<E, serde_json::Error> {
        match self {
            Payload::Bytes(bytes) => {
                let mut deserializer = serde_json::Deserializer::from_slice(bytes);
                E::deserialize_for_status(status, &mut deserializer)
                    .and_then(|decoded| deserializer.end().map(|()| decoded))
            }
            Payload::Unwrapped(value) => E::deserialize_for_status(status, value),
        }
    }

    fn decode<T: DeserializeOwned, E>(
        self,
        status: http::StatusCode,
        body: &[u8],
    ) -> Result<T, ResponseError<E>> {
        let decoded = match self {
            Payload::Bytes(bytes) => {
                serde_json::from_slice(bytes).map_err(|error| locate(error, bytes))
            }
            Payload::Unwrapped(value) => T::deserialize(&value).map_err(|error| {
                // A value has no positions: decode its text again to find where it fails.
                match serde_json::to_vec(&value) {
                    Ok(text) => match serde_json::from_slice::<T>(&text) {
                        Err(located) => locate(located, &text),
                        Ok(_) => error,
                    },
                    Err(_) => error,
                }
            }),
        };
        decoded.map_err(|source| ResponseError::Decode {
            status,
            body: body.to_vec(),
            source,
        })
    }
}

/// A decode error that says where in the document it happened, as a path such as
/// `results[3].status`: serde reports the line and column, which in a one-line page of 500
/// items says nothing to a person. Syntax errors are left as they are.
fn locate(error: serde_json::Error, text: &[u8]) -> serde_json::Error {
    if error.classify() != serde_json::error::Category::Data {
        return error;
    }
    match json_path_at(text, error.line(), error.column()) {
        Some(path) => serde::de::Error::custom(format_args!("at {path}: {error}")),
        None => error,
    }
}

/// One container open at some point of a JSON text.
enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// The path of the value at a line and column (1-based, in bytes, as serde_json counts them)
/// of a JSON text: `results[3].status`. `None` at the top level or past the end.
fn json_path_at(text: &[u8], line: usize, column: usize) -> Option<String> {
    let mut offset = 0;
    for _ in 1..line {
        offset += text.get(offset..)?.iter().position(|byte| *byte == b'\n')? + 1;
    }
    let end = (offset + column).min(text.len());
    let mut frames: Vec<Frame> = Vec::new();
    let mut expecting_key = false;
    let mut at = 0;
    while at < end {
        match text[at] {
            b'"' => {
                let start = at + 1;
                at = start;
                while at < text.len() && text[at] != b'"' {
                    at += if text[at] == b'\\' { 2 } else { 1 };
                }
                if expecting_key {
                    if let Some(Frame::Object { key }) = frames.last_mut() {
                        let raw = &text[start..at.min(text.len())];
                        *key = Some(String::from_utf8_lossy(raw).into_owned());
                    }
                }
            }
            b'{' => {
                frames.push(Frame::Object { key: None });
                expecting_key = true;
            }
            b'[' => {
                frames.push(Frame::Array { index: 0 });
                expecting_key = false;
            }
            b'}' | b']' => {
                frames.pop();
                expecting_key = false;
            }
            b':' => expecting_key = false,
            b',' => match frames.last_mut() {
                Some(Frame::Object { .. }) => expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        at += 1;
    }
    let mut path = String::new();
    for frame in &frames {
        match frame {
            Frame::Object { key: Some(key) } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    (!path.is_empty()).then_some(path)
}

/// For enveloped responses, the status and payload inside the envelope; otherwise the
/// response's own.
fn payload<'a, E>(
    status: http::StatusCode,
    body: &'a [u8],
    spec: &ResponseSpec,
) -> Result<(http::StatusCode, Payload<'a>), ResponseError<E>> {
    if !spec.enveloped || !status.is_success() {
        return Ok((status, Payload::Bytes(body)));
    }
    let decode_error = |source| ResponseError::Decode {
        status,
        body: body.to_vec(),
        source,
    };
    let mut envelope: serde_json::Map<String, Value> =
        serde_json::from_slice(body).map_err(decode_error)?;
    let inner_status = envelope
        .remove("status")
        .and_then(|value| value.as_u64())
        .and_then(|code| u16::try_from(code).ok())
        .and_then(|code| http::StatusCode::from_u16(code).ok())
        .unwrap_or(status);
    let payload = match envelope.remove("content") {
        Some(content) => content,
        None => Value::Object(envelope),
    };
    Ok((inner_status, Payload::Unwrapped(payload)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
    struct Thing {
        id: u32,
    }

    const SPEC: ResponseSpec = ResponseSpec {
        success: &[200],
        empty_success: &[],
        documented_errors: &[404],
        enveloped: false,
    };

    fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder()
            .status(status)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[test]
    fn success_error_unexpected_and_undecodable() {
        let ok: Result<Thing, ResponseError<Value>> =
            parse_json_response(&response(200, r#"{"id":1}"#), &SPEC);
        assert_eq!(ok.unwrap(), Thing { id: 1 });

        let api = parse_json_response::<Thing, Value, _>(&response(404, r#"{"e":1}"#), &SPEC)
            .unwrap_err();
        assert_eq!(api.api_error(), Some(&serde_json::json!({"e": 1})));

        let unexpected =
            parse_json_response::<Thing, Value, _>(&response(418, "tea"), &SPEC).unwrap_err();
        assert_eq!(unexpected.raw_body(), Some(&b"tea"[..]));

        let garbage =
            parse_json_response::<Thing, Value, _>(&response(200, "<html>"), &SPEC).unwrap_err();
        assert!(matches!(garbage, ResponseError::Decode { .. }));
        assert!(garbage.to_string().contains("<html>"));
    }

    #[test]
    fn optional_and_raw_bodies() {
        let spec = ResponseSpec {
            success: &[200, 202],
            empty_success: &[202],
            ..SPEC
        };
        let accepted =
            parse_optional_json_response::<Thing, Value, _>(&response(202, ""), &spec).unwrap();
        assert_eq!(accepted, None);
        let ok =
            parse_optional_json_response::<Thing, Value, _>(&response(200, r#"{"id":2}"#), &spec)
                .unwrap();
        assert_eq!(ok, Some(Thing { id: 2 }));
        let bytes = parse_raw_response::<Value, _>(&response(200, "\u{1f}gzip"), &SPEC).unwrap();
        assert_eq!(bytes, "\u{1f}gzip".as_bytes());
        let error =
            parse_raw_response::<Value, _>(&response(404, r#"{"e":1}"#), &SPEC).unwrap_err();
        assert!(error.api_error().is_some());
    }

    #[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
    struct Page {
        results: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize, serde::Serialize, PartialEq)]
    struct Item {
        id: String,
        size: u32,
    }

    #[test]
    fn a_bad_item_is_named_by_index_and_field() {
        let body = r#"{"results": [{"id": "a", "size": 1}, {"id": "b", "size": 2},
            {"id": "c", "size": "big"}]}"#;
        let error = parse_json_response::<Page, Value, _>(&response(200, body), &SPEC)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("at results[2].size: invalid type"),
            "{error}"
        );

        let missing = r#"{"results": [{"id": "a", "size": 1}, {"id": "b"}]}"#;
        let error = parse_json_response::<Page, Value, _>(&response(200, missing), &SPEC)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("at results[1]: missing field `size`"),
            "{error}"
        );

        let enveloped = ResponseSpec {
            enveloped: true,
            ..SPEC
        };
        let body = r#"{"status": 200, "results": [{"id": "a", "size": -1}]}"#;
        let error = parse_json_response::<Page, Value, _>(&response(200, body), &enveloped)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("at results[0].size: invalid value"),
            "{error}"
        );

        let syntax =
            parse_json_response::<Page, Value, _>(&response(200, "{\"results\": ["), &SPEC)
                .unwrap_err()
                .to_string();
        assert!(!syntax.contains(" at results"), "{syntax}");
    }

    #[test]
    fn json_paths_follow_nesting() {
        let text = br#"{"a": [1, {"b": [true, "x\"y", {"c": 5}]}]}"#;
        let at = |needle: &[u8]| {
            let start = text
                .windows(needle.len())
                .position(|w| w == needle)
                .unwrap();
            json_path_at(text, 1, start + needle.len())
        };
        assert_eq!(at(b"5").as_deref(), Some("a[1].b[2].c"));
        assert_eq!(at(b"true").as_deref(), Some("a[1].b[0]"));
        assert_eq!(json_path_at(text, 1, 0), None);
        assert_eq!(json_path_at(b"{}", 5, 1), None);
    }

    #[test]
    fn envelopes_unwrap_content_and_status() {
        let spec = ResponseSpec {
            enveloped: true,
            ..SPEC
        };
        let single: Thing = parse_json_response::<_, Value, _>(
            &response(200, r#"{"status":200,"content":{"id":7}}"#),
            &spec,
        )
        .unwrap();
        assert_eq!(single, Thing { id: 7 });
        let error = parse_json_response::<Thing, Value, _>(
            &response(200, r#"{"status":404,"content":{"error":404}}"#),
            &spec,
        )
        .unwrap_err();
        assert_eq!(error.status(), 404);
        assert_eq!(error.api_error(), Some(&serde_json::json!({"error": 404})));
    }
}
