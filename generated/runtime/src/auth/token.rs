//! Service accounts: the OAuth 2.0 client-credentials request (RFC 6749 section 4.4) and its
//! answer.

use super::Secret;
use std::fmt;
use std::time::Duration;

/// Atlas's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://cloud.mongodb.com/api/oauth/token";

/// Tokens are refreshed this long before they expire, so a request never carries one that
/// dies in flight.
const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A token is reused for at least this long, whatever `expires_in` says: a server that
/// claims its tokens die at once (`expires_in: 0`) costs one token request a second, not one
/// per call. One second, not more, so that a real short-lived token (a few seconds) is still
/// renewed before it dies; should it die anyway, its 401 renews it.
const TOKEN_MIN_REUSE: Duration = Duration::from_secs(1);

/// A token is reused for at most this long, whatever `expires_in` says: a huge value
/// (`u64::MAX` seconds) can then never overflow an `Instant`.
const TOKEN_MAX_REUSE: Duration = Duration::from_secs(24 * 60 * 60);

/// A token response larger than this is not a token.
pub(crate) const TOKEN_BODY_LIMIT: usize = 1024 * 1024;

/// The request that buys an access token: `POST token_url` with the client id and secret as
/// HTTP Basic credentials and the form body `grant_type=client_credentials`.
///
/// `token_url` is [`DEFAULT_TOKEN_URL`] for Atlas. Send the request with any HTTP stack and
/// hand the answer, whatever its status, to [`parse_token_response`].
///
/// # Errors
///
/// [`TokenError::InvalidRequest`] when `token_url` is not a URI, or the credentials cannot
/// travel in a header.
pub fn token_request(
    token_url: &str,
    client_id: &str,
    client_secret: &str,
) -> Result<http::Request<Vec<u8>>, TokenError> {
    let basic = base64_encode(format!("{client_id}:{client_secret}").as_bytes());
    let mut authorization = http::HeaderValue::from_str(&format!("Basic {basic}"))
        .map_err(|_| TokenError::InvalidRequest("the credentials are not header text".into()))?;
    authorization.set_sensitive(true);
    http::Request::post(token_url)
        .header(http::header::AUTHORIZATION, authorization)
        .header(http::header::ACCEPT, "application/json")
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(b"grant_type=client_credentials".to_vec())
        .map_err(|error| TokenError::InvalidRequest(format!("token URL {token_url:?}: {error}")))
}

/// Reads the token endpoint's answer: the access token and how long to keep it.
///
/// # Errors
///
/// [`TokenError::Refused`] for a status other than 2xx (with a snippet of the body and any
/// `Retry-After`), [`TokenError::Malformed`] for a body without `access_token`.
pub fn parse_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<AccessToken, TokenError> {
    let body = response.body().as_ref();
    let status = response.status();
    if !status.is_success() {
        return Err(TokenError::Refused {
            status,
            body: String::from_utf8_lossy(body).chars().take(300).collect(),
            retry_after: crate::retry::retry_after(response.headers()),
        });
    }
    if body.len() > TOKEN_BODY_LIMIT {
        return Err(TokenError::Malformed(format!(
            "the answer is larger than {TOKEN_BODY_LIMIT} bytes"
        )));
    }
    let parsed: serde_json::Value =
        serde_json::from_slice(body).map_err(|error| TokenError::Malformed(error.to_string()))?;
    let token = match parsed.get("access_token") {
        Some(serde_json::Value::String(token)) => token.clone(),
        Some(_) => return Err(TokenError::Malformed("access_token is not a string".into())),
        None => {
            return Err(TokenError::Malformed(
                "no access_token in the answer".into(),
            ));
        }
    };
    let expires_in = match parsed.get("expires_in") {
        None | Some(serde_json::Value::Null) => None,
        Some(seconds) => Some(seconds.as_u64().ok_or_else(|| {
            TokenError::Malformed(format!("expires_in is not a number of seconds: {seconds}"))
        })?),
    };
    Ok(AccessToken {
        token: Secret::new(token),
        expires_in,
    })
}

/// An access token from the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessToken {
    token: Secret,
    expires_in: Option<u64>,
}

impl AccessToken {
    /// The token itself.
    pub fn token(&self) -> &Secret {
        &self.token
    }

    /// The `Authorization` value that presents it: `Bearer <token>`.
    pub fn authorization(&self) -> String {
        format!("Bearer {}", self.token.expose())
    }

    /// The lifetime the server gave it (`expires_in`), if it did.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_in.map(Duration::from_secs)
    }

    /// How long to use it before asking for a new one, from when it was received: until a
    /// minute before it expires (half its life if that is shorter), one hour when the server
    /// says nothing, and never less than one second nor more than one day, whatever it says.
    /// The `Client` keeps tokens exactly this long.
    pub fn reuse_for(&self) -> Duration {
        let lifetime = Duration::from_secs(self.expires_in.unwrap_or(3600));
        lifetime
            .saturating_sub(TOKEN_REFRESH_MARGIN.min(lifetime / 2))
            .clamp(TOKEN_MIN_REUSE, TOKEN_MAX_REUSE)
    }
}

/// Why no access token came out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// The token request could not be built.
    InvalidRequest(String),
    /// The token endpoint answered with an error status.
    Refused {
        status: http::StatusCode,
        /// The first 300 characters of the body.
        body: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// A success whose body holds no token.
    Malformed(String),
}

impl TokenError {
    /// Whether asking again later may succeed: 429 and 502/503/504 refusals.
    pub fn is_retryable(&self) -> bool {
        matches!(self, TokenError::Refused { status, .. } if crate::retry::is_retryable_status(*status))
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::InvalidRequest(reason) => {
                write!(f, "cannot build the token request: {reason}")
            }
            TokenError::Refused { status, body, .. } => {
                write!(f, "the token endpoint answered {status}: {body}")
            }
            TokenError::Malformed(reason) => write!(f, "unreadable token response: {reason}"),
        }
    }
}

impl std::error::Error for TokenError {}

/// Standard base64 with padding, as HTTP Basic authentication encodes `id:secret`.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_in: Option<u64>) -> AccessToken {
        AccessToken {
            token: Secret::new("t"),
            expires_in,
        }
    }

    #[test]
    fn token_lifetimes_are_clamped() {
        assert_eq!(token(Some(u64::MAX)).reuse_for(), TOKEN_MAX_REUSE);
        assert_eq!(token(Some(0)).reuse_for(), TOKEN_MIN_REUSE);
        assert_eq!(token(Some(2)).reuse_for(), Duration::from_secs(1));
        assert_eq!(token(Some(3600)).reuse_for(), Duration::from_secs(3540));
        assert_eq!(token(None).reuse_for(), Duration::from_secs(3540));
    }

    #[test]
    fn base64_matches_http_basic() {
        assert_eq!(
            base64_encode(b"Aladdin:open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64_encode(b"ab"), "YWI=");
        assert_eq!(base64_encode(b""), "");
    }

    #[test]
    fn the_request_is_a_client_credentials_grant() {
        let request = token_request(DEFAULT_TOKEN_URL, "Aladdin", "open sesame").unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri(), DEFAULT_TOKEN_URL);
        assert_eq!(
            request.headers()[http::header::AUTHORIZATION],
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(request.body(), b"grant_type=client_credentials");
        assert!(matches!(
            token_request("not a url", "a", "b"),
            Err(TokenError::InvalidRequest(_))
        ));
    }

    #[test]
    fn answers_are_read_with_their_status() {
        let answer = |status: u16, body: &str| {
            let mut response = http::Response::new(body.to_owned());
            *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
            parse_token_response(&response)
        };
        let token = answer(200, r#"{"access_token": "abc", "expires_in": 60}"#).unwrap();
        assert_eq!(token.authorization(), "Bearer abc");
        assert_eq!(token.expires_in(), Some(Duration::from_secs(60)));
        assert_eq!(token.reuse_for(), Duration::from_secs(30));
        let refused = answer(401, r#"{"error": "invalid_client"}"#).unwrap_err();
        assert!(matches!(&refused, TokenError::Refused { status, .. } if status.as_u16() == 401));
        assert!(!refused.is_retryable());
        assert!(answer(503, "").unwrap_err().is_retryable());
        assert!(matches!(answer(200, "{}"), Err(TokenError::Malformed(_))));
        assert!(matches!(
            answer(200, r#"{"access_token": 1}"#),
            Err(TokenError::Malformed(_))
        ));
        let negative = r#"{"access_token": "abc", "expires_in": -5}"#;
        assert!(matches!(
            answer(200, negative),
            Err(TokenError::Malformed(_))
        ));
        let unbounded = answer(200, r#"{"access_token": "abc", "expires_in": null}"#).unwrap();
        assert_eq!(unbounded.expires_in(), None);
    }
}
