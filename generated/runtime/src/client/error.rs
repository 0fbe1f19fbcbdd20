//! The one error type a caller matches on.

use crate::{BuildError, ErrorBody, ResponseError};
use std::fmt;
use std::time::Duration;

/// Which request failed: enough to find it in logs, never a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// The operationId, e.g. `listLegacySnapshots`.
    pub operation: &'static str,
    pub method: http::Method,
    /// The URL path (no host, no query).
    pub path: String,
}

impl fmt::Display for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.operation, self.method, self.path)
    }
}

/// Why authentication could not be attempted or completed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    /// The Digest challenge could not be answered.
    Digest(String),
    /// The token endpoint could not be reached.
    TokenTransport(String),
    /// The token endpoint refused the service account's credentials.
    TokenRefused { status: u16, body: String },
    /// The token endpoint answered something that is not a token.
    TokenMalformed(String),
    /// The token endpoint did not answer within the client's timeout, or another task's
    /// token request (which this one waited for) did not finish within it.
    TokenTimeout { after: Duration },
    /// A credential has characters that cannot travel in an HTTP header.
    InvalidCredentials,
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Digest(reason) => write!(f, "cannot answer the Digest challenge: {reason}"),
            AuthError::TokenTransport(reason) => {
                write!(f, "cannot reach the token endpoint: {reason}")
            }
            AuthError::TokenRefused { status, body } => {
                write!(
                    f,
                    "the token endpoint refused the service account ({status}): {body}"
                )
            }
            AuthError::TokenMalformed(reason) => {
                write!(f, "the token endpoint's answer is not a token: {reason}")
            }
            AuthError::TokenTimeout { after } => {
                write!(f, "no access token within {after:?}")
            }
            AuthError::InvalidCredentials => {
                f.write_str("a credential has characters that cannot travel in an HTTP header")
            }
        }
    }
}

/// At most this many characters of a body are kept in an error.
const SNIPPET_CHARS: usize = 500;

/// Everything that can go wrong calling Atlas.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E = serde_json::Value> {
    /// The input breaks the spec's rules; nothing was sent.
    InvalidInput {
        operation: &'static str,
        source: BuildError,
    },
    /// Authentication could not be completed.
    Auth {
        context: RequestContext,
        source: AuthError,
    },
    /// The request did not reach Atlas, or the answer did not arrive. The source carries no
    /// URL: the path is in the context, and a query is the caller's business.
    Transport {
        context: RequestContext,
        source: reqwest::Error,
    },
    /// No answer within the configured timeout.
    Timeout {
        context: RequestContext,
        after: Duration,
    },
    /// Atlas answered with an error body (`errorCode`, `detail`, ...).
    Api {
        context: RequestContext,
        status: http::StatusCode,
        body: Box<E>,
    },
    /// Atlas answered with a status and a body this operation does not document.
    UnexpectedStatus {
        context: RequestContext,
        status: http::StatusCode,
        snippet: String,
    },
    /// The body does not decode into the documented type.
    Decode {
        context: RequestContext,
        status: http::StatusCode,
        snippet: String,
        source: serde_json::Error,
    },
    /// The body is larger than the client accepts; see
    /// [`ClientBuilder::max_response_body`](super::ClientBuilder::max_response_body). Nothing
    /// more than the limit was read.
    BodyTooLarge {
        context: RequestContext,
        status: http::StatusCode,
        limit: usize,
    },
    /// The server's pages cannot be trusted to end: one repeats an earlier page (the server
    /// ignores `pageNum`), or a `next` link leads backwards. The stream stops here rather than
    /// yield the same items forever; what it yielded before is correct.
    Pagination {
        context: RequestContext,
        reason: String,
    },
}

impl<E: ErrorBody> Error<E> {
    /// The HTTP status, when Atlas answered: also the token endpoint's, when it refused the
    /// service account, so that refused credentials give `Some(401)` whatever their kind.
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            Error::Api { status, .. }
            | Error::UnexpectedStatus { status, .. }
            | Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. } => Some(*status),
            Error::Auth {
                source: AuthError::TokenRefused { status, .. },
                ..
            } => http::StatusCode::from_u16(*status).ok(),
            _ => None,
        }
    }

    /// Atlas's error body, when it sent one.
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Atlas's `errorCode`, such as `RESOURCE_NOT_FOUND`.
    pub fn error_code(&self) -> Option<&str> {
        self.api_error().and_then(ErrorBody::error_code)
    }

    /// Whether Atlas answered with this `errorCode`.
    pub fn is_error_code(&self, code: &str) -> bool {
        self.error_code() == Some(code)
    }

    /// The request this error is about, unless it was never built.
    pub fn context(&self) -> Option<&RequestContext> {
        match self {
            Error::InvalidInput { .. } => None,
            Error::Auth { context, .. }
            | Error::Transport { context, .. }
            | Error::Timeout { context, .. }
            | Error::Api { context, .. }
            | Error::UnexpectedStatus { context, .. }
            | Error::Decode { context, .. }
            | Error::BodyTooLarge { context, .. }
            | Error::Pagination { context, .. } => Some(context),
        }
    }

    /// From what the sans-IO parser said, which classified the response: the client adds
    /// the context and never classifies again, so both paths agree.
    pub(crate) fn from_response(context: RequestContext, error: ResponseError<E>) -> Self {
        match error {
            ResponseError::Api { status, body } => Error::Api {
                context,
                status,
                body,
            },
            ResponseError::UnexpectedStatus { status, body } => Error::UnexpectedStatus {
                context,
                status,
                snippet: snippet(&body),
            },
            ResponseError::Decode {
                status,
                body,
                source,
            } => Error::Decode {
                context,
                status,
                snippet: snippet(&body),
                source,
            },
        }
    }
}

fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut snippet: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        snippet.push('…');
    }
    snippet
}

impl<E: ErrorBody> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { operation, source } => {
                write!(f, "{operation}: {source}; nothing was sent")
            }
            Error::Auth { context, source } => write!(f, "{context}: {source}"),
            Error::Transport { context, source } => {
                // The chain says what failed (DNS, connection refused, reset, ...).
                write!(f, "{context}: {source}")?;
                let mut cause = std::error::Error::source(source);
                while let Some(error) = cause {
                    write!(f, ": {error}")?;
                    cause = error.source();
                }
                Ok(())
            }
            Error::Timeout { context, after } => write!(f, "{context}: no answer within {after:?}"),
            Error::Api {
                context,
                status,
                body,
            } => {
                write!(f, "{context} failed with {status}")?;
                if let Some(code) = body.error_code() {
                    write!(f, " {code}")?;
                }
                if let Some(detail) = body.detail() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Error::UnexpectedStatus {
                context,
                status,
                snippet,
            } => {
                write!(
                    f,
                    "{context} failed with {status}, which the operation does not document: {snippet}"
                )
            }
            Error::Decode {
                context,
                status,
                snippet,
                source,
            } => {
                write!(
                    f,
                    "{context}: the {status} response does not decode ({source}): {snippet}"
                )
            }
            Error::BodyTooLarge {
                context,
                status,
                limit,
            } => write!(
                f,
                "{context}: the body of the {status} response is larger than {limit} bytes, the client's limit (ClientBuilder::max_response_body)"
            ),
            Error::Pagination { context, reason } => {
                write!(f, "{context}: pagination stopped: {reason}")
            }
        }
    }
}

impl<E: ErrorBody> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::InvalidInput { source, .. } => Some(source),
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}
