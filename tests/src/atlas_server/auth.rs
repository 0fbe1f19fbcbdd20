//! Authentication as Atlas does it: HTTP Digest with API keys (RFC 7616), OAuth 2.0 client
//! credentials for service accounts (RFC 6749 section 4.4) and plain bearer tokens.

use super::faults;
use super::http_util::{ApiFailure, PLAIN_JSON, json_response, parse_query, query_value};
use super::{Endpoint, Outcome, Shared};
use base64::Engine as _;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, HeaderValue, WWW_AUTHENTICATE};
use http::{HeaderMap, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use md5::Md5;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher as _, RandomState};
use std::time::Instant;

/// The Digest realm Atlas announces.
pub const REALM: &str = "MMS Public API";
/// The Digest user name (public API key) [`Credentials::Any`] accepts.
pub const DEFAULT_PUBLIC_KEY: &str = "public-key";
/// The Digest password (private API key) [`Credentials::Any`] accepts.
pub const DEFAULT_PRIVATE_KEY: &str = "private-key";
/// The service-account client id [`Credentials::Any`] accepts at the token endpoint.
pub const DEFAULT_CLIENT_ID: &str = "client-id";
/// The service-account client secret [`Credentials::Any`] accepts at the token endpoint.
pub const DEFAULT_CLIENT_SECRET: &str = "client-secret";
/// The static bearer token [`Credentials::Any`] accepts.
pub const DEFAULT_BEARER_TOKEN: &str = "static-token";

/// The largest token-request body read; a client-credentials form is a few dozen bytes.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// The hash function of HTTP Digest authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DigestAlgorithm {
    /// `MD5`, what Atlas announces.
    #[default]
    Md5,
    /// `SHA-256` (RFC 7616).
    Sha256,
}

impl DigestAlgorithm {
    /// The `algorithm` token in challenges and responses.
    pub fn wire_name(self) -> &'static str {
        match self {
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Sha256 => "SHA-256",
        }
    }

    /// `H(data)` as lowercase hex.
    fn hash(self, data: &str) -> String {
        match self {
            DigestAlgorithm::Md5 => hex(&Md5::digest(data.as_bytes())),
            DigestAlgorithm::Sha256 => hex(&Sha256::digest(data.as_bytes())),
        }
    }
}

/// Which authentication the server demands on API requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// HTTP Digest with an API key pair: the public key is the user name, the private key the
    /// password.
    Digest {
        /// The public API key (Digest user name).
        public_key: String,
        /// The private API key (Digest password).
        private_key: String,
        /// The algorithm the challenge announces and the response must use.
        algorithm: DigestAlgorithm,
    },
    /// A service account: the token endpoint exchanges these for access tokens, which API
    /// requests then send as `Authorization: Bearer <token>`.
    ServiceAccount {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
    /// A fixed token sent as `Authorization: Bearer <token>`.
    Bearer {
        /// The token.
        token: String,
    },
    /// All three at once with the `DEFAULT_*` values: Digest `public-key`/`private-key` (MD5),
    /// service account `client-id`/`client-secret`, bearer `static-token`.
    Any,
}

impl Credentials {
    /// Digest with MD5, as Atlas uses.
    pub fn digest(public_key: impl Into<String>, private_key: impl Into<String>) -> Credentials {
        Credentials::Digest {
            public_key: public_key.into(),
            private_key: private_key.into(),
            algorithm: DigestAlgorithm::Md5,
        }
    }

    /// A service account.
    pub fn service_account(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Credentials {
        Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// A static bearer token.
    pub fn bearer(token: impl Into<String>) -> Credentials {
        Credentials::Bearer {
            token: token.into(),
        }
    }

    fn digest_key(&self) -> Option<(&str, &str, DigestAlgorithm)> {
        match self {
            Credentials::Digest {
                public_key,
                private_key,
                algorithm,
            } => Some((public_key, private_key, *algorithm)),
            Credentials::Any => Some((
                DEFAULT_PUBLIC_KEY,
                DEFAULT_PRIVATE_KEY,
                DigestAlgorithm::Md5,
            )),
            _ => None,
        }
    }

    fn service_account_key(&self) -> Option<(&str, &str)> {
        match self {
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => Some((client_id, client_secret)),
            Credentials::Any => Some((DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)),
            _ => None,
        }
    }

    fn static_token(&self) -> Option<&str> {
        match self {
            Credentials::Bearer { token } => Some(token),
            Credentials::Any => Some(DEFAULT_BEARER_TOKEN),
            _ => None,
        }
    }
}

/// Nonces and tokens handed out so far.
#[derive(Debug)]
pub(crate) struct AuthState {
    /// Random per server, so nonces and tokens cannot be predicted across runs.
    salt: u64,
    counter: u64,
    nonces: HashMap<String, NonceUse>,
    /// Access token -> when it expires.
    tokens: HashMap<String, Instant>,
    tokens_in_flight: u64,
}

#[derive(Debug, Default)]
struct NonceUse {
    /// The `nc` values accepted with this nonce. A repeated one is a replay; a lower one is
    /// not, because concurrent requests signed in order may arrive out of order (RFC 7616
    /// asks servers to detect replays, not to demand arrival order).
    seen_counts: std::collections::HashSet<u32>,
    /// Requests this nonce authenticated.
    uses: u32,
}

impl Default for AuthState {
    fn default() -> Self {
        AuthState {
            salt: RandomState::new().hash_one(0u8),
            counter: 0,
            nonces: HashMap::new(),
            tokens: HashMap::new(),
            tokens_in_flight: 0,
        }
    }
}

impl AuthState {
    /// A fresh unguessable string (hex of a salted hash of a counter).
    fn unique(&mut self, label: &str) -> String {
        self.counter += 1;
        let digest = Sha256::digest(format!("{}:{label}:{}", self.salt, self.counter).as_bytes());
        hex(&digest[..16])
    }

    /// Makes every token issued so far expired.
    pub(crate) fn expire_all_tokens(&mut self) {
        let now = Instant::now();
        for expiry in self.tokens.values_mut() {
            *expiry = now;
        }
    }
}

/// Why a request did not authenticate.
#[derive(Clone, Copy)]
enum Failure {
    /// No usable Authorization header.
    Missing,
    /// A Digest response that is wrong (the reason goes in the error detail).
    Digest(&'static str),
    /// A correct Digest response with a nonce that has been used up.
    Stale,
    /// A bearer token that is unknown or expired.
    Token(&'static str),
}

/// Checks an API request's `Authorization`; the error is the 401 to send (boxed: it is large
/// and the success path should not pay for it).
pub(crate) fn authenticate(
    shared: &Shared,
    method: &Method,
    request_target: &str,
    headers: &HeaderMap,
) -> Result<(), Box<Response<Full<Bytes>>>> {
    let credentials = &shared.config.credentials;
    let header = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let mut state = shared.lock();
    let failure = if scheme.eq_ignore_ascii_case("digest") && credentials.digest_key().is_some() {
        let params = parse_auth_params(rest);
        match verify_digest(
            &mut state,
            credentials,
            shared.config.digest_nonce_uses,
            method,
            request_target,
            &params,
        ) {
            Ok(()) => return Ok(()),
            Err(failure) => failure,
        }
    } else if scheme.eq_ignore_ascii_case("bearer") {
        let token = rest.trim();
        if credentials.static_token() == Some(token) {
            return Ok(());
        }
        match state.auth.tokens.get(token) {
            Some(expiry) if credentials.service_account_key().is_some() => {
                if Instant::now() < *expiry {
                    return Ok(());
                }
                Failure::Token("The access token has expired.")
            }
            _ => Failure::Token("The bearer token is not valid."),
        }
    } else {
        Failure::Missing
    };

    state.stats.challenges += 1;
    let (challenge, detail) = match failure {
        Failure::Token(detail) => (
            format!(
                "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{detail}\""
            ),
            detail,
        ),
        failure => {
            let detail = match failure {
                Failure::Digest(detail) => detail,
                Failure::Stale => "The nonce is stale; retry with the new nonce.",
                _ => "Authentication is required.",
            };
            match credentials.digest_key() {
                Some((_, _, algorithm)) => {
                    let stale = matches!(failure, Failure::Stale);
                    if stale {
                        state.stats.stale_challenges += 1;
                    }
                    let nonce = state.auth.unique("nonce");
                    state.auth.nonces.insert(nonce.clone(), NonceUse::default());
                    let challenge = format!(
                        "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\", stale={stale}",
                        algorithm.wire_name()
                    );
                    (challenge, detail)
                }
                None => (format!("Bearer realm=\"{REALM}\""), detail),
            }
        }
    };
    drop(state);
    let mut response =
        ApiFailure::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", detail).into_response(false);
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    Err(Box::new(response))
}

/// Verifies a Digest `Authorization` (RFC 7616 section 3.4.1, `qop=auth`).
fn verify_digest(
    state: &mut super::State,
    credentials: &Credentials,
    nonce_uses: Option<u32>,
    method: &Method,
    request_target: &str,
    params: &BTreeMap<String, String>,
) -> Result<(), Failure> {
    let Some((user, password, algorithm)) = credentials.digest_key() else {
        return Err(Failure::Missing);
    };
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    if param("username") != user {
        return Err(Failure::Digest("Unknown API key."));
    }
    if param("realm") != REALM {
        return Err(Failure::Digest("Wrong realm."));
    }
    // RFC 7616: an absent algorithm means MD5.
    let sent_algorithm = params.get("algorithm").map_or("MD5", String::as_str);
    if !sent_algorithm.eq_ignore_ascii_case(algorithm.wire_name()) {
        return Err(Failure::Digest("Wrong Digest algorithm."));
    }
    if param("qop") != "auth" {
        return Err(Failure::Digest("qop must be auth."));
    }
    // The digest covers the `uri` parameter, so it must name the resource actually requested.
    if param("uri") != request_target {
        return Err(Failure::Digest(
            "The uri parameter does not match the request.",
        ));
    }
    let nonce = param("nonce");
    if !state.auth.nonces.contains_key(nonce) {
        return Err(Failure::Digest("Unknown nonce."));
    }
    let Ok(count) = u32::from_str_radix(param("nc"), 16) else {
        return Err(Failure::Digest("nc must be 8 hex digits."));
    };
    let cnonce = param("cnonce");
    if cnonce.is_empty() {
        return Err(Failure::Digest("cnonce is missing."));
    }
    let ha1 = algorithm.hash(&format!("{user}:{REALM}:{password}"));
    let ha2 = algorithm.hash(&format!("{method}:{}", param("uri")));
    let expected = algorithm.hash(&format!(
        "{ha1}:{nonce}:{}:{cnonce}:auth:{ha2}",
        param("nc")
    ));
    if !param("response").eq_ignore_ascii_case(&expected) {
        return Err(Failure::Digest("The Digest response does not match."));
    }
    let Some(usage) = state.auth.nonces.get_mut(nonce) else {
        return Err(Failure::Digest("Unknown nonce."));
    };
    if usage.seen_counts.contains(&count) {
        return Err(Failure::Digest("Replayed nonce count."));
    }
    if nonce_uses.is_some_and(|limit| usage.uses >= limit) {
        // A stale nonce is forgotten: the client must switch to the fresh one.
        state.auth.nonces.remove(nonce);
        return Err(Failure::Stale);
    }
    usage.seen_counts.insert(count);
    usage.uses += 1;
    Ok(())
}

/// The `name=value` pairs of a Digest `Authorization` header after the scheme word. Values may
/// be quoted (with backslash escapes) or bare; names are lowercased.
fn parse_auth_params(input: &str) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && *c != ',' && !c.is_whitespace()) {
            name.push(c);
        }
        if name.is_empty() {
            // Garbage such as a stray `=`: skip one character, or stop at the end.
            if chars.next().is_none() {
                break;
            }
            continue;
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => value.extend(chars.next()),
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(c) = chars.next_if(|c| *c != ',') {
                    value.push(c);
                }
                value = value.trim().to_owned();
            }
        }
        params.insert(name.to_ascii_lowercase(), value);
    }
    params
}

/// Counts a token request as in flight for as long as it lives, even if the client hangs up
/// and the handler future is dropped midway.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> InFlight<'a> {
        let mut state = shared.lock();
        state.stats.token_requests += 1;
        state.auth.tokens_in_flight += 1;
        state.stats.max_concurrent_token_requests = state
            .stats
            .max_concurrent_token_requests
            .max(state.auth.tokens_in_flight);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.lock().auth.tokens_in_flight -= 1;
    }
}

/// `POST /api/oauth/token`: the client-credentials grant.
pub(crate) async fn token_endpoint(shared: &Shared, request: Request<Incoming>) -> Outcome {
    let _in_flight = InFlight::enter(shared);
    tokio::time::sleep(shared.config.token_delay).await;
    if request.method() != Method::POST {
        return oauth_error(StatusCode::METHOD_NOT_ALLOWED, "invalid_request");
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = Limited::new(body, MAX_TOKEN_BODY).collect().await else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let body = body.to_bytes();
    let form = parse_query(std::str::from_utf8(&body).ok());

    // RFC 6749 section 2.3.1: HTTP Basic is the standard way; the form fields are the
    // alternative it allows.
    let basic = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded.trim())
                .ok()
        })
        .and_then(|decoded| String::from_utf8(decoded).ok());
    let client = match &basic {
        Some(pair) => pair.split_once(':'),
        None => query_value(&form, "client_id").zip(query_value(&form, "client_secret")),
    };
    let known = shared.config.credentials.service_account_key();
    if client.is_none() || client != known {
        let mut outcome = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        if let Outcome::Respond(response) = &mut outcome {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"MMS Public API\""),
            );
        }
        return outcome;
    }

    if let Some(outcome) = faults::apply(shared, Endpoint::Token).await {
        return outcome;
    }
    match query_value(&form, "grant_type") {
        Some("client_credentials") => {}
        Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request"),
    }

    let ttl = shared.config.token_ttl;
    let token = {
        let mut state = shared.lock();
        let token = format!("atlas-sa-{}", state.auth.unique("token"));
        state
            .auth
            .tokens
            .insert(token.clone(), Instant::now() + ttl);
        state.stats.tokens_issued += 1;
        token
    };
    let body = json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ttl.as_secs(),
    });
    Outcome::Respond(no_store(json_response(
        StatusCode::OK,
        &body,
        PLAIN_JSON,
        false,
    )))
}

/// An RFC 6749 section 5.2 error body.
fn oauth_error(status: StatusCode, error: &str) -> Outcome {
    let body: Value = json!({ "error": error });
    Outcome::Respond(no_store(json_response(status, &body, PLAIN_JSON, false)))
}

/// Token responses must not be cached (RFC 6749 section 5.1).
fn no_store(mut response: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Lowercase hex of bytes.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_and_bare_params() {
        let params = parse_auth_params(
            r#"username="a\"b", realm="MMS Public API", nc=00000001, qop=auth ,uri="/x?a=1,2""#,
        );
        assert_eq!(params["username"], "a\"b");
        assert_eq!(params["realm"], "MMS Public API");
        assert_eq!(params["nc"], "00000001");
        assert_eq!(params["qop"], "auth");
        assert_eq!(params["uri"], "/x?a=1,2");
        assert!(parse_auth_params("=,= ,").is_empty());
    }

    #[test]
    fn rfc_7616_md5_example() {
        // RFC 7616 section 3.9.1 (MD5 variant of the example).
        let algorithm = DigestAlgorithm::Md5;
        let ha1 = algorithm.hash("Mufasa:http-auth@example.org:Circle of Life");
        let ha2 = algorithm.hash("GET:/dir/index.html");
        let response = algorithm.hash(&format!(
            "{ha1}:7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:{ha2}"
        ));
        assert_eq!(response, "8ca523f5e9506fed4657c9700eebdbec");
    }
}
