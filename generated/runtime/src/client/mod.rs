//! An async client for Atlas over `reqwest` (feature `client`, on by default): one `Client`,
//! cheap to clone and shared by many tasks, sends any generated operation with
//! authentication, timeouts and retries.

mod auth;
mod error;
mod pager;
mod retry;

pub use auth::{Credentials, Secret};
pub use error::{AuthError, Error, RequestContext};
pub use pager::{ItemStream, Page, PageStream, paginate};
pub use retry::RetryPolicy;

use crate::{BaseUrl, BuildError, Operation};
use auth::{Authenticator, TokenLimits, Unauthorized};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where Atlas lives.
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

/// The path of the OAuth 2.0 token endpoint, below the base URL.
const TOKEN_PATH: &str = "/api/oauth/token";

/// The default of [`ClientBuilder::max_response_body`]: 64 MiB, far above any Atlas JSON page.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL or token URL is not an absolute URL.
    InvalidUrl { url: String, reason: String },
    /// Credentials would travel over plain HTTP; see [`ClientBuilder::allow_insecure_http`].
    InsecureUrl { url: String },
    /// The user agent suffix cannot be an HTTP header value.
    InvalidUserAgent(String),
    /// The HTTP client could not be created.
    Http(String),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidUrl { url, reason } => {
                write!(f, "invalid URL {:?}: {reason}", without_password(url))
            }
            ConfigError::InsecureUrl { url } => write!(
                f,
                "refusing plain HTTP for {:?}: credentials would travel in clear; use https, or allow_insecure_http(true) for local testing",
                without_password(url)
            ),
            ConfigError::InvalidUserAgent(reason) => write!(f, "invalid user agent: {reason}"),
            ConfigError::Http(reason) => write!(f, "cannot create the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// A generated crate's client: this runtime's [`Client`] with the operations of one API as
/// methods. [`ClientBuilder::build`] makes one.
pub trait ApiClient: From<Client> {
    /// `name/version` of the generated crate, the first product of every request's
    /// `User-Agent`, so that Atlas's logs tell which client and version called.
    const PRODUCT: &'static str;
}

/// The client without operation methods, for sending operations with [`Client::execute`].
impl ApiClient for Client {
    const PRODUCT: &'static str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
}

/// Configures a client: this runtime's [`Client`], or the one of a generated crate (`C`).
#[must_use]
pub struct ClientBuilder<C = Client> {
    settings: Settings,
    // `fn() -> C`: the builder makes a `C`, it does not hold one, so it is `Send`, `Sync`
    // and `Clone` whatever `C` is.
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ClientBuilder")
            .field(&self.settings)
            .finish()
    }
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        Self {
            settings: self.settings.clone(),
            client: PhantomData,
        }
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            client: PhantomData,
        }
    }
}

/// What a [`ClientBuilder`] has been told, apart from the type of client it makes.
#[derive(Debug, Clone)]
struct Settings {
    base_url: String,
    token_url: Option<String>,
    credentials: Option<Credentials>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    max_response_body: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token_url: None,
            credentials: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            http: None,
            allow_insecure_http: false,
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl<C> ClientBuilder<C> {
    /// Where to send requests; `https://cloud.mongodb.com` unless set.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = base_url.into();
        self
    }

    /// The OAuth 2.0 token endpoint; `<base URL>/api/oauth/token` unless set.
    pub fn token_url(mut self, token_url: impl Into<String>) -> Self {
        self.settings.token_url = Some(token_url.into());
        self
    }

    /// Who the client is. Without credentials, requests go out unauthenticated (for a proxy
    /// that adds them); Atlas itself then answers 401.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.settings.credentials = Some(credentials);
        self
    }

    /// Programmatic API keys, sent with HTTP Digest.
    pub fn api_keys(self, public_key: impl Into<String>, private_key: impl Into<Secret>) -> Self {
        self.credentials(Credentials::api_keys(public_key, private_key))
    }

    /// A service account; its access tokens are fetched, cached and refreshed for you.
    pub fn service_account(
        self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials(Credentials::service_account(client_id, client_secret))
    }

    /// An access token obtained elsewhere.
    pub fn bearer_token(self, token: impl Into<Secret>) -> Self {
        self.credentials(Credentials::bearer_token(token))
    }

    /// How long to wait for a connection; 10 s unless set. Applies to clients this builder
    /// creates, not to one passed with [`Self::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte of the body; 60 s
    /// unless set. It bounds every network wait: each API attempt, each Digest challenge
    /// round trip, each token request, and a task's wait for a token another task is
    /// fetching.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// When to retry idempotent requests; [`RetryPolicy::default`] unless set,
    /// [`RetryPolicy::none`] to never retry.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.settings.retry = retry;
        self
    }

    /// Appended to the user agent, e.g. `my-tool/1.2`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.settings.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The largest response body the client reads, in bytes; [`DEFAULT_MAX_RESPONSE_BODY`]
    /// (64 MiB) unless set. It is checked against `Content-Length` before reading and while
    /// the body streams in, so a larger (or endless) body costs at most this much memory and
    /// ends in [`Error::BodyTooLarge`]. Raise it for large downloads.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.settings.max_response_body = bytes;
        self
    }

    /// A preconfigured `reqwest::Client` (proxies, TLS roots, ...). Its redirect policy is
    /// yours: give it `reqwest::redirect::Policy::none()`, as clients this builder creates
    /// have, or a redirect may carry credentials where they should not go.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.settings.http = Some(http);
        self
    }

    /// Allows `http://` URLs, for a local server in tests. Credentials then travel in clear.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.settings.allow_insecure_http = allow;
        self
    }

    /// # Errors
    ///
    /// An unusable URL, plain HTTP without [`Self::allow_insecure_http`], or an HTTP client
    /// that cannot be created.
    pub fn build(self) -> Result<C, ConfigError>
    where
        C: ApiClient,
    {
        self.settings.build(C::PRODUCT).map(C::from)
    }
}

impl Settings {
    /// Not generic, so that it is compiled once here rather than in every generated crate.
    fn build(self, product: &str) -> Result<Client, ConfigError> {
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        let token_url = self
            .token_url
            .clone()
            .unwrap_or_else(|| format!("{base_url}{TOKEN_PATH}"));
        for url in [&base_url, &token_url] {
            let parsed = reqwest::Url::parse(url).map_err(|error| ConfigError::InvalidUrl {
                url: url.clone(),
                reason: error.to_string(),
            })?;
            match parsed.scheme() {
                "https" => {}
                "http" if self.allow_insecure_http => {}
                "http" => return Err(ConfigError::InsecureUrl { url: url.clone() }),
                other => {
                    return Err(ConfigError::InvalidUrl {
                        url: url.clone(),
                        reason: format!("unsupported scheme {other}"),
                    });
                }
            }
        }
        // Parsed once here, not for every request; a URL that reqwest accepts but `http`
        // cannot hold is refused now rather than on every call.
        let parsed_base_url =
            BaseUrl::parse(&base_url).map_err(|error| ConfigError::InvalidUrl {
                url: base_url.clone(),
                // The reason alone: the error's text repeats the URL, password and all.
                reason: match error {
                    BuildError::InvalidBaseUrl { reason, .. } => reason,
                    other => other.to_string(),
                },
            })?;
        let mut user_agent = format!(
            "{product} ({}; {})",
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        if let Some(suffix) = &self.user_agent_suffix {
            user_agent.push(' ');
            user_agent.push_str(suffix);
        }
        let user_agent = http::HeaderValue::from_str(&user_agent)
            .map_err(|error| ConfigError::InvalidUserAgent(error.to_string()))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                // Redirects are never followed. Atlas does not redirect API calls, so a
                // redirect comes from something else: following it would resend the
                // credentials (bearer token, Basic client secret, Digest answer) to wherever
                // it points, and reqwest keeps them on a redirect to the same host and port
                // even from https to plain http. The 3xx reaches the caller as an
                // undocumented status instead.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|error| ConfigError::Http(error.to_string()))?,
        };
        let limits = TokenLimits {
            timeout: self.timeout,
            retry: self.retry.clone(),
            max_body: self.max_response_body,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                auth: Authenticator::new(self.credentials, token_url, limits),
                http,
                base_url: parsed_base_url,
                timeout: self.timeout,
                retry: self.retry,
                user_agent,
                max_body: self.max_response_body,
            }),
        })
    }
}

/// Sends generated operations to Atlas. Clone it freely: clones share connections, the
/// Digest challenge and the access token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: BaseUrl,
    auth: Authenticator,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: http::HeaderValue,
    max_body: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &without_password(self.inner.base_url.as_str()))
            .field("auth", &self.inner.auth.scheme())
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// One attempt's outcome before parsing.
enum Attempt {
    Answered(http::Response<Vec<u8>>),
    Failed(reqwest::Error),
    /// No complete answer within the timeout.
    TimedOut,
    /// The body of a response with this status exceeds the limit.
    TooLarge(http::StatusCode),
}

/// A parsed success, with what it was parsed from.
pub(crate) struct Answer<T> {
    pub(crate) output: T,
    pub(crate) context: RequestContext,
    pub(crate) body: Vec<u8>,
}

/// Why a body could not be read.
enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

/// Reads a body of at most `limit` bytes, in one buffer: sized from `Content-Length` when
/// the server sends one (refused at once when it exceeds the limit), grown chunk by chunk
/// otherwise, and never copied again.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Vec<u8>, BodyError> {
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    // Bounded by the limit just checked; a server that sends less only wastes its own claim.
    let mut body = Vec::with_capacity(declared.map_or(0, |length| length as usize));
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if chunk.len() > limit - body.len() {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `url` with the password of its user info, if any, replaced by `<redacted>`: for display.
fn without_password(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.into();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |at| scheme_end + at);
    let authority = &url[scheme_end..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.into();
    };
    let Some(colon) = authority[..at].find(':') else {
        return url.into();
    };
    format!(
        "{}<redacted>{}",
        &url[..scheme_end + colon + 1],
        &url[scheme_end + at..]
    )
    .into()
}

impl Client {
    /// A builder with Atlas's base URL, no credentials, a 10 s connect timeout, a 60 s request
    /// timeout and the default retry policy.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// Sends one operation and parses its answer.
    ///
    /// # Errors
    ///
    /// See [`Error`]: invalid input (nothing sent), auth, transport, timeout, an Atlas error
    /// body, an undocumented status, a body that does not decode, or one larger than
    /// [`ClientBuilder::max_response_body`].
    pub async fn execute<O: Operation>(
        &self,
        operation: &O,
    ) -> Result<O::Output, Error<O::ErrorBody>> {
        let (context, response) = self.send(operation).await?;
        self.parse(operation, context, response)
            .map(|answer| answer.output)
    }

    /// Like [`Self::execute`], also handing back the request's context and the (parsed)
    /// response's body, for the pager to read `links` and `totalCount` from.
    pub(crate) async fn execute_keeping_body<O: Operation>(
        &self,
        operation: &O,
    ) -> Result<Answer<O::Output>, Error<O::ErrorBody>> {
        let (context, response) = self.send(operation).await?;
        self.parse(operation, context, response)
    }

    /// Builds and sends one operation, with retries, up to its final answer.
    async fn send<O: Operation>(
        &self,
        operation: &O,
    ) -> Result<(RequestContext, http::Response<Vec<u8>>), Error<O::ErrorBody>> {
        let request = operation
            .build_request_at(&self.inner.base_url)
            .map_err(|source| Error::InvalidInput {
                operation: O::OPERATION_ID,
                source,
            })?;
        let context = RequestContext {
            operation: O::OPERATION_ID,
            method: request.method().clone(),
            path: request.uri().path().to_owned(),
        };
        let started = Instant::now();
        let mut attempt = 1;
        let response = loop {
            let outcome = self.send_authenticated(&request, &context).await?;
            let (retryable, retry_after, status) = match &outcome {
                Attempt::Answered(response) => (
                    retry::is_retryable_status(response.status()),
                    retry::retry_after(response.headers()),
                    response.status().as_u16(),
                ),
                // A request that timed out may have been processed; one that never connected
                // or lost its connection is worth another try.
                Attempt::Failed(error) => (!error.is_timeout() && !error.is_builder(), None, 0),
                Attempt::TimedOut => (false, None, 0),
                Attempt::TooLarge(status) => (false, None, status.as_u16()),
            };
            let delay = if retryable && O::IDEMPOTENT {
                self.inner.retry.delay(
                    attempt,
                    started.elapsed(),
                    retry_after,
                    crate::retry::jitter(),
                )
            } else {
                None
            };
            if let Some(delay) = delay {
                tracing::warn!(
                    operation = O::OPERATION_ID,
                    attempt,
                    status,
                    delay_ms = delay.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            match outcome {
                Attempt::Answered(response) => break response,
                Attempt::TimedOut => {
                    return Err(Error::Timeout {
                        context,
                        after: self.inner.timeout,
                    });
                }
                Attempt::Failed(error) if error.is_timeout() => {
                    return Err(Error::Timeout {
                        context,
                        after: self.inner.timeout,
                    });
                }
                Attempt::Failed(error) => {
                    return Err(Error::Transport {
                        context,
                        source: error.without_url(),
                    });
                }
                Attempt::TooLarge(status) => {
                    return Err(Error::BodyTooLarge {
                        context,
                        status,
                        limit: self.inner.max_body,
                    });
                }
            }
        };
        tracing::debug!(
            operation = O::OPERATION_ID,
            attempt,
            status = response.status().as_u16(),
            "answered"
        );
        Ok((context, response))
    }

    /// Parses a final answer; an error never carries a secret the server echoed back.
    fn parse<O: Operation>(
        &self,
        operation: &O,
        context: RequestContext,
        mut response: http::Response<Vec<u8>>,
    ) -> Result<Answer<O::Output>, Error<O::ErrorBody>> {
        let error = match operation.parse_response(&response) {
            Ok(output) => {
                return Ok(Answer {
                    output,
                    context,
                    body: response.into_body(),
                });
            }
            Err(error) => error,
        };
        // The error keeps the body (parsed, or as a snippet): parse again from a copy without
        // the client's secrets, when the body holds any.
        let Some(redacted) = self.inner.auth.redact_bytes(response.body()) else {
            return Err(Error::from_response(context, error));
        };
        *response.body_mut() = redacted;
        match operation.parse_response(&response) {
            Err(error) => Err(Error::from_response(context, error)),
            // Redaction made a bad body good: report it as the error it was, without it.
            Ok(_) => Err(Error::UnexpectedStatus {
                context,
                status: response.status(),
                snippet: String::from_utf8_lossy(response.body())
                    .chars()
                    .take(300)
                    .collect(),
            }),
        }
    }

    /// Streams every item of a list operation; see [`paginate`].
    pub fn paginate<O>(
        &self,
        operation: O,
    ) -> futures_util::stream::BoxStream<'static, Result<O::Item, Error<O::ErrorBody>>>
    where
        O: crate::Paginated + Send + Sync + 'static,
        O::Item: Send,
        O::Output: Send,
    {
        paginate(self.clone(), operation)
    }

    /// One attempt, answering one authentication challenge (a Digest nonce, an expired
    /// token) with one more request.
    async fn send_authenticated<E: crate::ErrorBody>(
        &self,
        request: &http::Request<Vec<u8>>,
        context: &RequestContext,
    ) -> Result<Attempt, Error<E>> {
        let target = request
            .uri()
            .path_and_query()
            .map_or("/", |target| target.as_str())
            .to_owned();
        let mut authorization = self.authorization(request, &target, context).await?;
        let mut challenged = false;
        loop {
            let outcome = self.send_once(request, authorization.as_ref()).await;
            let Attempt::Answered(response) = &outcome else {
                return Ok(outcome);
            };
            if response.status() != http::StatusCode::UNAUTHORIZED || challenged {
                return Ok(outcome);
            }
            challenged = true;
            let sent = authorization.as_ref().and_then(|value| value.to_str().ok());
            match self.inner.auth.unauthorized(response, sent).await {
                Unauthorized::Retry => {
                    authorization = self.authorization(request, &target, context).await?
                }
                Unauthorized::GiveUp => return Ok(outcome),
            }
        }
    }

    async fn authorization<E: crate::ErrorBody>(
        &self,
        request: &http::Request<Vec<u8>>,
        target: &str,
        context: &RequestContext,
    ) -> Result<Option<http::HeaderValue>, Error<E>> {
        let auth_error = |source| Error::Auth {
            context: context.clone(),
            source,
        };
        let Some(header) = self
            .inner
            .auth
            .header(&self.inner.http, request.method(), target)
            .await
            .map_err(auth_error)?
        else {
            return Ok(None);
        };
        let mut value = http::HeaderValue::from_str(&header)
            .map_err(|_| auth_error(AuthError::InvalidCredentials))?;
        // Keeps the value out of `Debug` output and HTTP/2 header compression tables.
        value.set_sensitive(true);
        Ok(Some(value))
    }

    async fn send_once(
        &self,
        request: &http::Request<Vec<u8>>,
        authorization: Option<&http::HeaderValue>,
    ) -> Attempt {
        let mut copy = http::Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.headers_mut() = request.headers().clone();
        copy.headers_mut()
            .insert(http::header::USER_AGENT, self.inner.user_agent.clone());
        if let Some(authorization) = authorization {
            copy.headers_mut()
                .insert(http::header::AUTHORIZATION, authorization.clone());
        }
        let mut outgoing = match reqwest::Request::try_from(copy) {
            Ok(outgoing) => outgoing,
            Err(error) => return Attempt::Failed(error),
        };
        *outgoing.timeout_mut() = Some(self.inner.timeout);
        // reqwest's timeout covers the body too; this one also covers a client passed with
        // `http_client`, whatever it does, and the whole of reading the body.
        let attempt = async {
            let response = match self.inner.http.execute(outgoing).await {
                Ok(response) => response,
                Err(error) => return Attempt::Failed(error),
            };
            let status = response.status();
            let headers = response.headers().clone();
            let body = match read_body(response, self.inner.max_body).await {
                Ok(body) => body,
                Err(BodyError::Transport(error)) => return Attempt::Failed(error),
                Err(BodyError::TooLarge) => return Attempt::TooLarge(status),
            };
            let mut answer = http::Response::new(body);
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Attempt::Answered(answer)
        };
        tokio::time::timeout(self.inner.timeout, attempt)
            .await
            .unwrap_or(Attempt::TimedOut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            without_password("https://user:hunter2@example.com/api?x=1"),
            "https://user:<redacted>@example.com/api?x=1"
        );
        assert_eq!(
            without_password("https://user@example.com"),
            "https://user@example.com"
        );
        assert_eq!(
            without_password("https://example.com/a@b:c"),
            "https://example.com/a@b:c"
        );
        assert_eq!(without_password("not a url"), "not a url");
    }
}
