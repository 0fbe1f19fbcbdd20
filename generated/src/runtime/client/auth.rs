//! The three ways Atlas accepts a caller: API keys over HTTP Digest, service accounts (OAuth 2.0
//! client credentials, sent as a bearer token), and a static bearer token.

use super::error::AuthError;
use super::retry::{self, RetryPolicy};
use super::{BodyError, read_body};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A credential that never shows itself in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Who the client is to Atlas.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// A programmatic API key pair, sent with HTTP Digest authentication (RFC 7616).
    ApiKeys {
        public_key: String,
        private_key: Secret,
    },
    /// A service account: its id and secret buy short-lived access tokens.
    ServiceAccount {
        client_id: String,
        client_secret: Secret,
    },
    /// An access token obtained elsewhere, sent as is.
    BearerToken(Secret),
}

impl Credentials {
    pub fn api_keys(public_key: impl Into<String>, private_key: impl Into<Secret>) -> Self {
        Credentials::ApiKeys {
            public_key: public_key.into(),
            private_key: private_key.into(),
        }
    }

    pub fn service_account(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    pub fn bearer_token(token: impl Into<Secret>) -> Self {
        Credentials::BearerToken(token.into())
    }
}

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
const TOKEN_BODY_LIMIT: usize = 1024 * 1024;

/// How long the client keeps a token, from its `expires_in` (one hour when absent): until
/// shortly before it expires, within [`TOKEN_MIN_REUSE`] and [`TOKEN_MAX_REUSE`].
fn token_reuse(expires_in: Option<u64>) -> Duration {
    let lifetime = Duration::from_secs(expires_in.unwrap_or(3600));
    lifetime
        .saturating_sub(TOKEN_REFRESH_MARGIN.min(lifetime / 2))
        .clamp(TOKEN_MIN_REUSE, TOKEN_MAX_REUSE)
}

/// The limits a token request obeys: the client's own, so that fetching a token can never
/// wait longer than a call may.
#[derive(Debug, Clone)]
pub(crate) struct TokenLimits {
    /// Bounds each token request (connecting, sending, the whole answer), and how long a task
    /// waits for another task's token request.
    pub(crate) timeout: Duration,
    /// Token requests are retried like idempotent calls: a new token has no side effect.
    pub(crate) retry: RetryPolicy,
    /// The most a token answer may weigh.
    pub(crate) max_body: usize,
}

#[derive(Clone)]
struct AccessToken {
    value: Secret,
    refresh_at: Instant,
}

/// Turns credentials into `Authorization` headers, learning Digest challenges and caching
/// access tokens as it goes.
pub(crate) struct Authenticator {
    credentials: Option<Credentials>,
    token_url: String,
    limits: TokenLimits,
    /// The last Digest challenge, reused (with a growing nonce count) until Atlas sends a new
    /// one, so that only the first request pays for a challenge round trip.
    digest: Mutex<Option<digest_auth::WwwAuthenticateHeader>>,
    /// Held across a token request, so however many tasks need a token, one request is in
    /// flight and the others wait for its result; they wait at most the client's timeout.
    token: tokio::sync::Mutex<Option<AccessToken>>,
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("credentials", &self.credentials)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

/// What the client should do after a 401.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unauthorized {
    /// New credentials material was obtained: send again.
    Retry,
    /// Nothing more can be done: the 401 stands.
    GiveUp,
}

impl Authenticator {
    pub(crate) fn new(
        credentials: Option<Credentials>,
        token_url: String,
        limits: TokenLimits,
    ) -> Self {
        Self {
            credentials,
            token_url,
            limits,
            digest: Mutex::new(None),
            token: tokio::sync::Mutex::new(None),
        }
    }

    pub(crate) fn scheme(&self) -> &'static str {
        match &self.credentials {
            None => "none",
            Some(Credentials::ApiKeys { .. }) => "digest",
            Some(Credentials::ServiceAccount { .. }) => "service-account",
            Some(Credentials::BearerToken(_)) => "bearer",
        }
    }

    /// The `Authorization` value for a request, if one can be computed before sending.
    pub(crate) async fn header(
        &self,
        http: &reqwest::Client,
        method: &http::Method,
        request_target: &str,
    ) -> Result<Option<String>, AuthError> {
        match &self.credentials {
            None => Ok(None),
            Some(Credentials::BearerToken(token)) => Ok(Some(format!("Bearer {}", token.expose()))),
            Some(Credentials::ServiceAccount {
                client_id,
                client_secret,
            }) => {
                let token = self.access_token(http, client_id, client_secret).await?;
                Ok(Some(format!("Bearer {}", token.expose())))
            }
            Some(Credentials::ApiKeys {
                public_key,
                private_key,
            }) => {
                let mut challenge = self
                    .digest
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let Some(challenge) = challenge.as_mut() else {
                    return Ok(None);
                };
                let context = digest_auth::AuthContext::new_with_method(
                    public_key.as_str(),
                    private_key.expose(),
                    request_target,
                    Option::<&[u8]>::None,
                    digest_auth::HttpMethod::from(method.as_str().to_owned()),
                );
                let answer = challenge
                    .respond(&context)
                    .map_err(|error| AuthError::Digest(error.to_string()))?;
                Ok(Some(answer.to_header_string()))
            }
        }
    }

    /// Learns from a 401: a Digest challenge (new, or `stale=true`) or an expired token.
    pub(crate) async fn unauthorized(
        &self,
        response: &http::Response<Vec<u8>>,
        sent: Option<&str>,
    ) -> Unauthorized {
        match &self.credentials {
            Some(Credentials::ApiKeys { .. }) => {
                let Some(challenge) = digest_challenge(response) else {
                    return Unauthorized::GiveUp;
                };
                let mut cached = self
                    .digest
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                // Retry when this is the first challenge, a stale nonce, or a nonce other than
                // the one we answered; a fresh challenge after a fresh answer means the keys
                // are wrong, and retrying would only loop.
                let retry = sent.is_none()
                    || challenge.stale
                    || cached
                        .as_ref()
                        .is_none_or(|old| old.nonce != challenge.nonce);
                *cached = Some(challenge);
                if retry {
                    Unauthorized::Retry
                } else {
                    Unauthorized::GiveUp
                }
            }
            Some(Credentials::ServiceAccount { .. }) => {
                // Another task holds the lock to fetch a token: the retry will wait for it
                // (on time) and use the new one.
                let Ok(mut token) =
                    tokio::time::timeout(self.limits.timeout, self.token.lock()).await
                else {
                    return Unauthorized::Retry;
                };
                // Drop the token only if it is the one that was refused: another task may have
                // refreshed it meanwhile.
                let refused = token.as_ref().is_some_and(|token| {
                    sent == Some(format!("Bearer {}", token.value.expose())).as_deref()
                });
                if refused {
                    *token = None;
                }
                Unauthorized::Retry
            }
            _ => Unauthorized::GiveUp,
        }
    }

    async fn access_token(
        &self,
        http: &reqwest::Client,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<Secret, AuthError> {
        let timeout = self.limits.timeout;
        // Waiting for another task's token request is a network wait too: bounded.
        let mut cached = tokio::time::timeout(timeout, self.token.lock())
            .await
            .map_err(|_| AuthError::TokenTimeout { after: timeout })?;
        if let Some(token) = cached
            .as_ref()
            .filter(|token| Instant::now() < token.refresh_at)
        {
            return Ok(token.value.clone());
        }
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            tracing::debug!(token_url = %self.token_url, attempt, "requesting an access token");
            let failure = match tokio::time::timeout(
                timeout,
                self.request_token(http, client_id, client_secret),
            )
            .await
            {
                Ok(Ok(token)) => {
                    *cached = Some(token.clone());
                    return Ok(token.value);
                }
                Ok(Err(failure)) => failure,
                // Like an API call that timed out, not retried: the server is there but slow,
                // and the caller asked for an answer within `timeout`.
                Err(_) => return Err(AuthError::TokenTimeout { after: timeout }),
            };
            let delay = if failure.retryable {
                self.limits.retry.delay(
                    attempt,
                    started.elapsed(),
                    failure.retry_after,
                    fastrand::f64(),
                )
            } else {
                None
            };
            let Some(delay) = delay else {
                return Err(failure.error);
            };
            tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, error = %failure.error, "retrying the token request");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One token request, unbounded in time (the caller bounds it).
    async fn request_token(
        &self,
        http: &reqwest::Client,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<AccessToken, TokenFailure> {
        let transport = |error: reqwest::Error| TokenFailure {
            // Like an idempotent call: a connection that failed is worth another try, one
            // that timed out is not.
            retryable: !error.is_timeout() && !error.is_builder(),
            retry_after: None,
            error: if error.is_timeout() {
                AuthError::TokenTimeout {
                    after: self.limits.timeout,
                }
            } else {
                AuthError::TokenTransport(self.redact(&error.without_url().to_string()))
            },
        };
        let response = http
            .post(&self.token_url)
            .basic_auth(client_id, Some(client_secret.expose()))
            .header(http::header::ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .timeout(self.limits.timeout)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let retry_after = retry::retry_after(response.headers());
        let limit = self.limits.max_body.min(TOKEN_BODY_LIMIT);
        let body = read_body(response, limit)
            .await
            .map_err(|error| match error {
                BodyError::Transport(error) => transport(error),
                BodyError::TooLarge => TokenFailure {
                    retryable: false,
                    retry_after: None,
                    error: AuthError::TokenMalformed(format!(
                        "the answer is larger than {limit} bytes"
                    )),
                },
            })?;
        if !status.is_success() {
            return Err(TokenFailure {
                retryable: retry::is_retryable_status(status),
                retry_after,
                error: AuthError::TokenRefused {
                    status: status.as_u16(),
                    body: self.redact(
                        &String::from_utf8_lossy(&body)
                            .chars()
                            .take(300)
                            .collect::<String>(),
                    ),
                },
            });
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|error| TokenFailure {
                retryable: false,
                retry_after: None,
                error: AuthError::TokenMalformed(self.redact(&error.to_string())),
            })?;
        let refresh_at = Instant::now() + token_reuse(parsed.expires_in);
        Ok(AccessToken {
            value: Secret::new(parsed.access_token),
            refresh_at,
        })
    }

    /// The secrets this client holds, as they could come back in a body: the credentials,
    /// the service account's Basic credentials, and the access token in use.
    fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        match &self.credentials {
            None => {}
            Some(Credentials::ApiKeys { private_key, .. }) => {
                secrets.push(private_key.expose().to_owned());
            }
            Some(Credentials::BearerToken(token)) => secrets.push(token.expose().to_owned()),
            Some(Credentials::ServiceAccount {
                client_id,
                client_secret,
            }) => {
                secrets.push(client_secret.expose().to_owned());
                secrets.push(base64_encode(
                    format!("{client_id}:{}", client_secret.expose()).as_bytes(),
                ));
                // A task that holds the lock is fetching a token: it is not in use yet.
                if let Ok(token) = self.token.try_lock() {
                    if let Some(token) = token.as_ref() {
                        secrets.push(token.value.expose().to_owned());
                    }
                }
            }
        }
        // A secret of a few characters would blank out ordinary words; such a secret is
        // weak anyway.
        secrets.retain(|secret| secret.len() >= MIN_REDACTED_LEN);
        // The longest first, should one secret contain another.
        secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
        secrets
    }

    /// `text` with every secret this client holds replaced by `<redacted>`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in self.secrets() {
            if text.contains(&secret) {
                text = text.replace(&secret, REDACTED);
            }
        }
        text
    }

    /// `body` with every secret this client holds replaced by `<redacted>`, or `None` when
    /// it holds none of them (the common case: nothing is copied).
    pub(crate) fn redact_bytes(&self, body: &[u8]) -> Option<Vec<u8>> {
        let secrets = self.secrets();
        let found = |at: &[u8], secret: &str| at.starts_with(secret.as_bytes());
        if !secrets.iter().any(|secret| {
            body.windows(secret.len())
                .any(|window| window == secret.as_bytes())
        }) {
            return None;
        }
        let mut redacted = Vec::with_capacity(body.len());
        let mut rest = body;
        'scan: while !rest.is_empty() {
            for secret in &secrets {
                if found(rest, secret) {
                    redacted.extend_from_slice(REDACTED.as_bytes());
                    rest = &rest[secret.len()..];
                    continue 'scan;
                }
            }
            redacted.push(rest[0]);
            rest = &rest[1..];
        }
        Some(redacted)
    }
}

/// What replaces a secret in error text.
const REDACTED: &str = "<redacted>";

/// Secrets shorter than this are not searched for in bodies.
const MIN_REDACTED_LEN: usize = 6;

/// Why one token request failed, and whether another may succeed.
struct TokenFailure {
    error: AuthError,
    retryable: bool,
    retry_after: Option<Duration>,
}

/// Standard base64 with padding, as HTTP Basic authentication encodes `id:secret`.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple = chunk.iter().enumerate().fold(0u32, |acc, (i, byte)| {
            acc | u32::from(*byte) << (16 - 8 * i)
        });
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(char::from(
                    ALPHABET[(triple >> (18 - 6 * i) & 0x3f) as usize],
                ));
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

fn digest_challenge(
    response: &http::Response<Vec<u8>>,
) -> Option<digest_auth::WwwAuthenticateHeader> {
    response
        .headers()
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| {
            value
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("digest")
        })
        .and_then(|value| digest_auth::parse(value).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show() {
        let credentials = [
            Credentials::api_keys("public", "very-private"),
            Credentials::service_account("id", "very-private"),
            Credentials::bearer_token("very-private"),
        ];
        for credential in credentials {
            let shown = format!(
                "{credential:?} {:?}",
                Authenticator::new(Some(credential.clone()), "https://x".into(), limits())
            );
            assert!(!shown.contains("very-private"), "{shown}");
        }
    }

    fn limits() -> TokenLimits {
        TokenLimits {
            timeout: Duration::from_secs(1),
            retry: RetryPolicy::none(),
            max_body: 1024,
        }
    }

    #[test]
    fn token_lifetimes_are_clamped() {
        assert_eq!(token_reuse(Some(u64::MAX)), TOKEN_MAX_REUSE);
        assert_eq!(token_reuse(Some(0)), TOKEN_MIN_REUSE);
        assert_eq!(token_reuse(Some(2)), Duration::from_secs(1));
        assert_eq!(token_reuse(Some(3600)), Duration::from_secs(3540));
        assert_eq!(token_reuse(None), Duration::from_secs(3540));
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
    fn echoed_secrets_are_redacted() {
        let auth = Authenticator::new(
            Some(Credentials::service_account("id", "very-private")),
            "https://x".into(),
            limits(),
        );
        let basic = base64_encode(b"id:very-private");
        let body = format!("you sent very-private as {basic}, very-private!");
        let redacted = auth.redact_bytes(body.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(redacted).unwrap(),
            "you sent <redacted> as <redacted>, <redacted>!"
        );
        assert_eq!(
            auth.redact(&body),
            "you sent <redacted> as <redacted>, <redacted>!"
        );
        assert_eq!(auth.redact_bytes(b"nothing to hide"), None);
    }
}
