//! HTTP Digest authentication (RFC 7616), as Atlas uses it for programmatic API keys.

use super::Secret;
use super::hash::{md5_hex, sha256_hex};
use std::fmt;

/// Answers HTTP Digest challenges for one API key pair, without I/O.
///
/// Send a request without `Authorization`; Atlas answers 401 with a challenge. Hand the
/// response's headers to [`Self::unauthorized`] (or one `WWW-Authenticate` value to
/// [`Self::challenge`]); when it says [`DigestVerdict::SendAgain`], send the request again
/// with [`Self::authorization`]. Later requests are signed from the start with the same
/// challenge and a growing nonce count, until the server sends a new nonce (`stale=true`).
///
/// MD5 and SHA-256 (and their `-sess` forms) are supported, with `qop=auth` or without `qop`.
///
/// ```
/// use atlas_codegen_runtime::auth::{DigestSigner, DigestVerdict};
///
/// let mut signer = DigestSigner::new("public-key", "private-key");
/// // Nothing to sign with before the first challenge.
/// assert_eq!(signer.authorization(&http::Method::GET, "/api/atlas/v2/groups")?, None);
///
/// let challenge = r#"Digest realm="MMS Public API", nonce="abc", algorithm=MD5, qop="auth""#;
/// assert_eq!(signer.challenge(challenge, false)?, DigestVerdict::SendAgain);
/// let authorization = signer
///     .authorization(&http::Method::GET, "/api/atlas/v2/groups?pageNum=2")?
///     .expect("a challenge was learned");
/// assert!(authorization.starts_with("Digest username=\"public-key\""));
/// assert!(authorization.contains("nc=00000001"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct DigestSigner {
    username: String,
    password: Secret,
    challenge: Option<Challenge>,
    /// Requests signed with the current nonce.
    nonce_count: u32,
}

impl fmt::Debug for DigestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestSigner")
            .field("username", &self.username)
            .field("password", &self.password)
            .field("challenged", &self.challenge.is_some())
            .field("nonce_count", &self.nonce_count)
            .finish()
    }
}

/// What a 401's challenge means for the request it refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestVerdict {
    /// A new challenge (the first one, a stale nonce, or a nonce other than the one answered):
    /// sign the request again and resend it.
    SendAgain,
    /// The request was signed with this very nonce and refused: the keys are wrong, and
    /// resending would only loop.
    Rejected,
}

/// Why a challenge cannot be read or answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DigestError {
    /// The value is not a Digest challenge, or lacks its `nonce`.
    NotAChallenge(String),
    /// The challenge asks for an algorithm other than MD5 and SHA-256 (with or without
    /// `-sess`).
    UnsupportedAlgorithm(String),
    /// The challenge offers only a `qop` other than `auth` (such as `auth-int`).
    UnsupportedQop(String),
}

impl fmt::Display for DigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DigestError::NotAChallenge(reason) => write!(f, "not a Digest challenge: {reason}"),
            DigestError::UnsupportedAlgorithm(algorithm) => {
                write!(f, "unsupported Digest algorithm {algorithm:?}")
            }
            DigestError::UnsupportedQop(qop) => {
                write!(f, "unsupported Digest qop {qop:?} (only auth is)")
            }
        }
    }
}

impl std::error::Error for DigestError {}

/// A hash function giving lowercase hex.
type HexHash = fn(&[u8]) -> String;

/// A challenge as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    /// The `algorithm` parameter as sent, echoed back; `None` means MD5.
    algorithm: Option<String>,
    /// The `qop` options, comma-separated as sent; `None` for an RFC 2069 challenge.
    qop: Option<String>,
    stale: bool,
    userhash: bool,
}

impl Challenge {
    /// Reads a `WWW-Authenticate` value of the Digest scheme.
    fn parse(value: &str) -> Result<Challenge, DigestError> {
        let value = value.trim_start();
        let rest = value
            .get(..6)
            .filter(|scheme| scheme.eq_ignore_ascii_case("digest"))
            .and_then(|_| value.get(6..))
            .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
            .ok_or_else(|| DigestError::NotAChallenge("the scheme is not Digest".to_owned()))?;
        let params = parse_params(rest);
        let param = |name: &str| {
            params
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        };
        let nonce = param("nonce")
            .filter(|nonce| !nonce.is_empty())
            .ok_or_else(|| DigestError::NotAChallenge("no nonce".to_owned()))?;
        let is_true = |value: Option<String>| value.is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(Challenge {
            realm: param("realm").unwrap_or_default(),
            nonce,
            opaque: param("opaque"),
            algorithm: param("algorithm"),
            qop: param("qop"),
            stale: is_true(param("stale")),
            userhash: is_true(param("userhash")),
        })
    }

    /// The hash to use, and whether it is a `-sess` algorithm.
    fn hash(&self) -> Result<(HexHash, bool), DigestError> {
        let name = self.algorithm.as_deref().unwrap_or("MD5");
        let (base, session) = match name.len().checked_sub(5) {
            Some(at) if name.is_char_boundary(at) && name[at..].eq_ignore_ascii_case("-sess") => {
                (&name[..at], true)
            }
            _ => (name, false),
        };
        let hash: HexHash = if base.eq_ignore_ascii_case("MD5") {
            md5_hex
        } else if base.eq_ignore_ascii_case("SHA-256") {
            sha256_hex
        } else {
            return Err(DigestError::UnsupportedAlgorithm(name.to_owned()));
        };
        Ok((hash, session))
    }

    /// `Some(true)` for `qop=auth`, `Some(false)` without `qop`.
    fn uses_qop(&self) -> Result<bool, DigestError> {
        match &self.qop {
            None => Ok(false),
            Some(options) => options
                .split(',')
                .any(|option| option.trim().eq_ignore_ascii_case("auth"))
                .then_some(true)
                .ok_or_else(|| DigestError::UnsupportedQop(options.clone())),
        }
    }
}

impl DigestSigner {
    /// A signer for an API key pair: the public key is the user name, the private key the
    /// password.
    pub fn new(public_key: impl Into<String>, private_key: impl Into<Secret>) -> Self {
        Self {
            username: public_key.into(),
            password: private_key.into(),
            challenge: None,
            nonce_count: 0,
        }
    }

    /// Whether a challenge has been learned, so that requests can be signed before sending.
    pub fn is_challenged(&self) -> bool {
        self.challenge.is_some()
    }

    /// Learns the challenge of a 401, from one `WWW-Authenticate` value. `signed` says whether
    /// the refused request carried an `Authorization` from this signer.
    ///
    /// # Errors
    ///
    /// The value is not a Digest challenge (another scheme, or no `nonce`); the signer is
    /// unchanged.
    pub fn challenge(
        &mut self,
        www_authenticate: &str,
        signed: bool,
    ) -> Result<DigestVerdict, DigestError> {
        let challenge = Challenge::parse(www_authenticate)?;
        // Send again after the first challenge, a stale nonce, or a nonce other than the one
        // answered; a fresh challenge after a fresh answer means the keys are wrong.
        let new_nonce = self
            .challenge
            .as_ref()
            .is_none_or(|old| old.nonce != challenge.nonce);
        let verdict = if !signed || challenge.stale || new_nonce {
            DigestVerdict::SendAgain
        } else {
            DigestVerdict::Rejected
        };
        if new_nonce {
            self.nonce_count = 0;
        }
        self.challenge = Some(challenge);
        Ok(verdict)
    }

    /// Like [`Self::challenge`], from the headers of a 401: the first `WWW-Authenticate` value
    /// of the Digest scheme is the challenge. Without one (a Bearer challenge, say), the
    /// request is [`DigestVerdict::Rejected`].
    pub fn unauthorized(&mut self, headers: &http::HeaderMap, signed: bool) -> DigestVerdict {
        headers
            .get_all(http::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(|value| self.challenge(value, signed).ok())
            .unwrap_or(DigestVerdict::Rejected)
    }

    /// The `Authorization` value for a request, or `None` before any challenge.
    /// `path_and_query` is the request-target exactly as sent, such as
    /// `/api/atlas/v2/groups?pageNum=2` (`request.uri().path_and_query()`): the server checks
    /// the signature against it. Each call counts one use of the nonce.
    ///
    /// # Errors
    ///
    /// The challenge asks for an algorithm or `qop` this signer does not support.
    pub fn authorization(
        &mut self,
        method: &http::Method,
        path_and_query: &str,
    ) -> Result<Option<String>, DigestError> {
        let cnonce = format!("{:016x}{:016x}", super::random_u64(), super::random_u64());
        self.authorization_with_cnonce(method, path_and_query, &cnonce)
    }

    /// Like [`Self::authorization`], with a client nonce of the caller's choosing instead of a
    /// random one: for reproducible signatures, such as the examples of RFC 7616.
    ///
    /// # Errors
    ///
    /// As [`Self::authorization`].
    pub fn authorization_with_cnonce(
        &mut self,
        method: &http::Method,
        path_and_query: &str,
        cnonce: &str,
    ) -> Result<Option<String>, DigestError> {
        let Some(challenge) = &self.challenge else {
            return Ok(None);
        };
        let (hash, session) = challenge.hash()?;
        let qop = challenge.uses_qop()?;
        let h = |text: String| hash(text.as_bytes());
        self.nonce_count = self.nonce_count.wrapping_add(1);
        let nc = format!("{:08x}", self.nonce_count);
        let realm = &challenge.realm;
        let nonce = &challenge.nonce;
        let mut ha1 = h(format!(
            "{}:{realm}:{}",
            self.username,
            self.password.expose()
        ));
        if session {
            ha1 = h(format!("{ha1}:{nonce}:{cnonce}"));
        }
        let ha2 = h(format!("{}:{path_and_query}", method.as_str()));
        let response = if qop {
            h(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
        } else {
            h(format!("{ha1}:{nonce}:{ha2}"))
        };
        let username = if challenge.userhash {
            h(format!("{}:{realm}", self.username))
        } else {
            self.username.clone()
        };
        let mut header = format!(
            "Digest username={}, realm={}, nonce={}, uri={}",
            quoted(&username),
            quoted(realm),
            quoted(nonce),
            quoted(path_and_query)
        );
        if let Some(algorithm) = &challenge.algorithm {
            header.push_str(&format!(", algorithm={algorithm}"));
        }
        header.push_str(&format!(", response=\"{response}\""));
        if let Some(opaque) = &challenge.opaque {
            header.push_str(&format!(", opaque={}", quoted(opaque)));
        }
        if qop {
            header.push_str(&format!(", qop=auth, nc={nc}, cnonce={}", quoted(cnonce)));
        }
        if challenge.userhash {
            header.push_str(", userhash=true");
        }
        Ok(Some(header))
    }
}

/// A quoted-string (RFC 9110 section 5.6.4).
fn quoted(value: &str) -> String {
    let mut text = String::with_capacity(value.len() + 2);
    text.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            text.push('\\');
        }
        text.push(c);
    }
    text.push('"');
    text
}

/// The `name=value` pairs after the scheme word; values quoted (with backslash escapes) or
/// bare.
fn parse_params(input: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = input.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == ',').is_some() {}
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && *c != ',' && !c.is_whitespace()) {
            name.push(c);
        }
        if name.is_empty() {
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
        params.push((name, value));
    }
    params
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 section 3.9.1: the same request, answered with MD5 and with SHA-256.
    fn rfc_7616(algorithm: &str) -> String {
        let mut signer = DigestSigner::new("Mufasa", "Circle of Life");
        let challenge = format!(
            r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
        );
        assert_eq!(
            signer.challenge(&challenge, false),
            Ok(DigestVerdict::SendAgain)
        );
        signer
            .authorization_with_cnonce(
                &http::Method::GET,
                "/dir/index.html",
                "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            )
            .unwrap()
            .unwrap()
    }

    /// The example in [`DigestSigner`]'s docs, step by step.
    #[test]
    fn the_documented_flow_signs_after_one_challenge() -> Result<(), DigestError> {
        let mut signer = DigestSigner::new("public-key", "private-key");
        assert_eq!(
            signer.authorization(&http::Method::GET, "/api/atlas/v2/groups")?,
            None
        );
        let challenge = r#"Digest realm="MMS Public API", nonce="abc", algorithm=MD5, qop="auth""#;
        assert_eq!(
            signer.challenge(challenge, false)?,
            DigestVerdict::SendAgain
        );
        let authorization = signer
            .authorization(&http::Method::GET, "/api/atlas/v2/groups?pageNum=2")?
            .expect("a challenge was learned");
        assert!(authorization.starts_with("Digest username=\"public-key\""));
        assert!(authorization.contains("nc=00000001"));
        Ok(())
    }

    #[test]
    fn answers_match_rfc_7616() {
        let md5 = rfc_7616("MD5");
        assert!(
            md5.contains(r#"response="8ca523f5e9506fed4657c9700eebdbec""#),
            "{md5}"
        );
        let sha256 = rfc_7616("SHA-256");
        assert!(
            sha256.contains(
                r#"response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1""#
            ),
            "{sha256}"
        );
        assert!(sha256.contains(r#"opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#));
        assert!(sha256.contains("qop=auth, nc=00000001, cnonce="));
        assert!(sha256.contains("algorithm=SHA-256"));
    }

    #[test]
    fn nonces_are_counted_and_reset() {
        let mut signer = DigestSigner::new("u", "p");
        signer
            .challenge(r#"Digest realm="r", nonce="one", qop="auth""#, false)
            .unwrap();
        let get = http::Method::GET;
        let mut sign = || signer.authorization(&get, "/x").unwrap().unwrap();
        assert!(sign().contains("nc=00000001"));
        assert!(sign().contains("nc=00000002"));
        let mut signer2 = signer.clone();
        // A stale nonce is replaced, and counting starts again.
        assert_eq!(
            signer2.challenge(
                r#"Digest realm="r", nonce="two", qop="auth", stale=true"#,
                true
            ),
            Ok(DigestVerdict::SendAgain)
        );
        assert!(
            signer2
                .authorization(&get, "/x")
                .unwrap()
                .unwrap()
                .contains("nc=00000001")
        );
    }

    #[test]
    fn the_same_nonce_refusing_a_signed_request_is_a_rejection() {
        let mut signer = DigestSigner::new("u", "p");
        let challenge = r#"Digest realm="r", nonce="one", qop="auth""#;
        assert_eq!(
            signer.challenge(challenge, false),
            Ok(DigestVerdict::SendAgain)
        );
        assert_eq!(
            signer.challenge(challenge, true),
            Ok(DigestVerdict::Rejected)
        );
        let stale = r#"Digest realm="r", nonce="one", qop="auth", stale=TRUE"#;
        assert_eq!(signer.challenge(stale, true), Ok(DigestVerdict::SendAgain));
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static(r#"Bearer realm="r""#),
        );
        assert_eq!(signer.unauthorized(&headers, true), DigestVerdict::Rejected);
        headers.append(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static(r#"digest realm="r", nonce="two""#),
        );
        assert_eq!(
            signer.unauthorized(&headers, true),
            DigestVerdict::SendAgain
        );
    }

    #[test]
    fn odd_challenges_are_refused_by_name() {
        let mut signer = DigestSigner::new("u", "p");
        assert!(matches!(
            signer.challenge(r#"Digest realm="r""#, false),
            Err(DigestError::NotAChallenge(_))
        ));
        assert!(matches!(
            signer.challenge(r#"Digestive nonce="n""#, false),
            Err(DigestError::NotAChallenge(_))
        ));
        signer
            .challenge(r#"Digest nonce="n", algorithm=SHA-512-256"#, false)
            .unwrap();
        assert_eq!(
            signer.authorization(&http::Method::GET, "/"),
            Err(DigestError::UnsupportedAlgorithm("SHA-512-256".to_owned()))
        );
        signer
            .challenge(r#"Digest nonce="m", qop="auth-int""#, false)
            .unwrap();
        assert!(matches!(
            signer.authorization(&http::Method::GET, "/"),
            Err(DigestError::UnsupportedQop(_))
        ));
    }

    #[test]
    fn quotes_in_values_are_escaped_and_secrets_hidden() {
        let mut signer = DigestSigner::new(r#"a"b\c"#, "very-private");
        signer
            .challenge(r#"Digest realm="r \"x\"", nonce="n""#, false)
            .unwrap();
        let header = signer
            .authorization(&http::Method::GET, "/")
            .unwrap()
            .unwrap();
        assert!(
            header.starts_with(r#"Digest username="a\"b\\c", realm="r \"x\"""#),
            "{header}"
        );
        assert!(!header.contains("qop"), "{header}");
        assert!(!format!("{signer:?}").contains("very-private"));
    }
}
