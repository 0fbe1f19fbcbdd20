//! The three ways Atlas accepts a caller: API keys over HTTP Digest, service accounts (OAuth 2.0
//! client credentials, sent as a bearer token), and a static bearer token.

use super::error::AuthError;
use super::retry::{self, RetryPolicy};
use super::{BodyError, read_body};
pub use crate::auth::Secret;
use crate::auth::{
    DigestSigner, DigestVerdict, TOKEN_BODY_LIMIT, TokenError, base64_encode, parse_token_response,
    token_request,
};
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
struct CachedToken {
    value: Secret,
    refresh_at: Instant,
}

/// Turns credentials into `Authorization` headers, learning Digest challenges and caching
/// access tokens as it goes.
pub(crate) struct Authenticator {
    credentials: Option<Credentials>,
    token_url: String,
    limits: TokenLimits,
    /// For API keys: the signer, which keeps the last Digest challenge and reuses it (with a
    /// growing nonce count) until Atlas sends a new one, so that only the first request pays
    /// for a challenge round trip.
    digest: Option<Mutex<DigestSigner>>,
    /// Held across a token request, so however many tasks need a token, one request is in
    /// flight and the others wait for its result; they wait at most the client's timeout.
    token: tokio::sync::Mutex<Option<CachedToken>>,
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
        let digest = match &credentials {
            Some(Credentials::ApiKeys {
                public_key,
                private_key,
            }) => Some(Mutex::new(DigestSigner::new(
                public_key.clone(),
                private_key.clone(),
            ))),
            _ => None,
        };
        Self {
            credentials,
            token_url,
            limits,
            digest,
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
            Some(Credentials::ApiKeys { .. }) => {
                let Some(signer) = &self.digest else {
                    return Ok(None);
                };
                signer
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .authorization(method, request_target)
                    .map_err(|error| AuthError::Digest(error.to_string()))
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
                let Some(signer) = &self.digest else {
                    return Unauthorized::GiveUp;
                };
                // The signer decides: a first challenge, a stale nonce, or a nonce other than
                // the one answered is worth a retry; a fresh challenge after a fresh answer
                // means the keys are wrong, and retrying would only loop.
                let verdict = signer
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .unauthorized(response.headers(), sent.is_some());
                match verdict {
                    DigestVerdict::SendAgain => Unauthorized::Retry,
                    _ => Unauthorized::GiveUp,
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
                    crate::retry::jitter(),
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
    ) -> Result<CachedToken, TokenFailure> {
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
        let malformed = |reason: String| TokenFailure {
            retryable: false,
            retry_after: None,
            error: AuthError::TokenMalformed(reason),
        };
        // The same request a sans-IO caller builds, sent through reqwest.
        let request =
            token_request(&self.token_url, client_id, client_secret.expose()).map_err(|error| {
                TokenFailure {
                    retryable: false,
                    retry_after: None,
                    error: AuthError::TokenTransport(self.redact(&error.to_string())),
                }
            })?;
        let mut request = reqwest::Request::try_from(request).map_err(transport)?;
        *request.timeout_mut() = Some(self.limits.timeout);
        let response = http.execute(request).await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let limit = self.limits.max_body.min(TOKEN_BODY_LIMIT);
        let body = read_body(response, limit)
            .await
            .map_err(|error| match error {
                BodyError::Transport(error) => transport(error),
                BodyError::TooLarge => {
                    malformed(format!("the answer is larger than {limit} bytes"))
                }
            })?;
        let mut answer = http::Response::new(body);
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        // The same parser a sans-IO caller uses; secrets the server echoed are redacted here.
        let token = parse_token_response(&answer).map_err(|error| match error {
            TokenError::Refused {
                status,
                body,
                retry_after,
            } => TokenFailure {
                retryable: retry::is_retryable_status(status),
                retry_after,
                error: AuthError::TokenRefused {
                    status: status.as_u16(),
                    body: self.redact(&body),
                },
            },
            TokenError::Malformed(reason) => malformed(self.redact(&reason)),
            other => malformed(self.redact(&other.to_string())),
        })?;
        Ok(CachedToken {
            refresh_at: Instant::now() + token.reuse_for(),
            value: token.token().clone(),
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
