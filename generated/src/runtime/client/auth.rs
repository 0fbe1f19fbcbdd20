//! The three ways Atlas accepts a caller: API keys over HTTP Digest, service accounts (OAuth 2.0
//! client credentials, sent as a bearer token), and a static bearer token.

use super::error::AuthError;
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
    /// The last Digest challenge, reused (with a growing nonce count) until Atlas sends a new
    /// one, so that only the first request pays for a challenge round trip.
    digest: Mutex<Option<digest_auth::WwwAuthenticateHeader>>,
    /// Held across a token request, so however many tasks need a token, one request is in
    /// flight and the others wait for its result.
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
    pub(crate) fn new(credentials: Option<Credentials>, token_url: String) -> Self {
        Self {
            credentials,
            token_url,
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
                let mut token = self.token.lock().await;
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
        let mut cached = self.token.lock().await;
        if let Some(token) = cached
            .as_ref()
            .filter(|token| Instant::now() < token.refresh_at)
        {
            return Ok(token.value.clone());
        }
        tracing::debug!(token_url = %self.token_url, "requesting an access token");
        let response = http
            .post(&self.token_url)
            .basic_auth(client_id, Some(client_secret.expose()))
            .header(http::header::ACCEPT, "application/json")
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .map_err(|error| AuthError::TokenTransport(error.without_url().to_string()))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|error| AuthError::TokenTransport(error.without_url().to_string()))?;
        if !status.is_success() {
            return Err(AuthError::TokenRefused {
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).chars().take(300).collect(),
            });
        }
        #[derive(serde::Deserialize)]
        struct TokenResponse {
            access_token: String,
            expires_in: Option<u64>,
        }
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|error| AuthError::TokenMalformed(error.to_string()))?;
        let lifetime = Duration::from_secs(parsed.expires_in.unwrap_or(3600));
        let token = AccessToken {
            value: Secret::new(parsed.access_token),
            refresh_at: Instant::now()
                + lifetime.saturating_sub(TOKEN_REFRESH_MARGIN.min(lifetime / 2)),
        };
        *cached = Some(token.clone());
        Ok(token.value)
    }
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
                Authenticator::new(Some(credential.clone()), "https://x".into())
            );
            assert!(!shown.contains("very-private"), "{shown}");
        }
    }
}
