//! Authentication without I/O: what the `client` feature's `Client` does to authenticate,
//! as plain functions and types that any HTTP stack can drive, with or without that feature.
//!
//! - API keys (with the `digest` feature, on by default and with `client`): `DigestSigner` answers Atlas's HTTP Digest challenges (RFC 7616): the
//!   `WWW-Authenticate` value of a 401 goes in, an `Authorization` value for a method and
//!   path-and-query comes out, counting nonce uses and following `stale=true`.
//! - Service accounts: [`token_request`] builds the OAuth 2.0 client-credentials request for
//!   the token endpoint, and [`parse_token_response`] reads the [`AccessToken`] and how long to
//!   keep it.
//!
//! The `Client` calls exactly these, so both paths behave alike.

#[cfg(feature = "digest")]
mod digest;
#[cfg(feature = "digest")]
mod hash;
mod token;

#[cfg(feature = "digest")]
pub use digest::{DigestError, DigestSigner, DigestVerdict};
pub use token::{AccessToken, DEFAULT_TOKEN_URL, TokenError, parse_token_response, token_request};
#[cfg(feature = "client")]
pub(crate) use token::{TOKEN_BODY_LIMIT, base64_encode};

use std::fmt;

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

/// 64 bits that differ on every call, for Digest client nonces and retry jitter: SipHash,
/// keyed from the operating system's randomness once per thread (std's `RandomState`), over
/// a process-wide counter. Unpredictable enough for both uses, and it needs no crate.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.finish()
}
