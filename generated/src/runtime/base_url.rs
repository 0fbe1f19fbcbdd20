//! The base URL requests go to, checked and split once.

use super::request::BuildError;
use std::fmt;
use std::str::FromStr;

/// An absolute `http(s)://host[:port][/prefix]` URL, checked and split once, so that a client
/// (or any caller that sends many requests) does not parse it again for every request: parse
/// it (`"https://cloud.mongodb.com".parse::<BaseUrl>()?`) and hand it to each operation's
/// `build_request_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// As given, without trailing slashes.
    text: String,
    scheme: http::uri::Scheme,
    authority: http::uri::Authority,
    /// The length of the path at the end of `text`, which goes before every operation's path:
    /// empty, or `/prefix` without a trailing slash.
    prefix_length: usize,
}

impl BaseUrl {
    /// # Errors
    ///
    /// [`BuildError::InvalidBaseUrl`] when `base_url` is not an absolute http(s) URL without
    /// query and fragment.
    pub fn parse(base_url: &str) -> Result<Self, BuildError> {
        let invalid = |reason: &str| BuildError::InvalidBaseUrl {
            base_url: base_url.to_owned(),
            reason: reason.to_owned(),
        };
        let uri: http::Uri = base_url
            .parse()
            .map_err(|error: http::uri::InvalidUri| invalid(&error.to_string()))?;
        if uri.query().is_some() || base_url.contains('#') {
            return Err(invalid("it must not have a query or fragment"));
        }
        // Taken apart rather than cloned: the parts keep the bytes parsed once.
        let parts = uri.into_parts();
        let scheme = match parts.scheme {
            Some(scheme) if matches!(scheme.as_str(), "http" | "https") => scheme,
            Some(_) => return Err(invalid("the scheme must be http or https")),
            None => {
                return Err(invalid(
                    "it must be absolute, such as https://cloud.mongodb.com",
                ));
            }
        };
        let Some(authority) = parts.authority else {
            return Err(invalid("it has no host"));
        };
        let text = base_url.trim_end_matches('/');
        let prefix = parts
            .path_and_query
            .as_ref()
            .map_or("", |path| path.path().trim_end_matches('/'));
        // Requests reuse the path as written; `http` keeps it so, which this makes sure of.
        if !text.ends_with(prefix) {
            return Err(invalid("its path cannot be reused as written"));
        }
        Ok(Self {
            text: text.to_owned(),
            scheme,
            authority,
            prefix_length: prefix.len(),
        })
    }

    /// The URL as given, without trailing slashes.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The path before every operation's path: empty, or `/prefix` without a trailing slash.
    pub(super) fn prefix(&self) -> &str {
        // The path is the end of the text: a base URL has no query or fragment.
        &self.text[self.text.len() - self.prefix_length..]
    }

    /// The URI of a request: this base's scheme and host, and `path_and_query` (which starts
    /// with [`Self::prefix`]). Nothing already checked is parsed again.
    pub(super) fn uri(&self, path_and_query: String) -> Result<http::Uri, BuildError> {
        let invalid = |reason: String| BuildError::InvalidBaseUrl {
            base_url: self.text.clone(),
            reason,
        };
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(
            http::uri::PathAndQuery::try_from(path_and_query)
                .map_err(|error| invalid(error.to_string()))?,
        );
        http::Uri::from_parts(parts).map_err(|error| invalid(error.to_string()))
    }
}

impl FromStr for BaseUrl {
    type Err = BuildError;

    fn from_str(base_url: &str) -> Result<Self, Self::Err> {
        Self::parse(base_url)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_into_scheme_host_and_prefix() {
        let base = BaseUrl::parse("https://proxy.example.com:8443/atlas//").unwrap();
        assert_eq!(base.as_str(), "https://proxy.example.com:8443/atlas");
        assert_eq!(base.prefix(), "/atlas");
        let uri = base.uri("/atlas/api/x?a=1".to_owned()).unwrap();
        assert_eq!(
            BaseUrl::parse("https://host/a%20b/").unwrap().prefix(),
            "/a%20b"
        );
        assert_eq!(uri, "https://proxy.example.com:8443/atlas/api/x?a=1");
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:8080").unwrap().prefix(),
            ""
        );
    }

    #[test]
    fn base_urls_must_be_absolute_http() {
        for base in [
            "cloud.mongodb.com",
            "ftp://host",
            "https://host/?q=1",
            "https://host/#top",
            "/relative",
            "",
        ] {
            let error = BaseUrl::parse(base).unwrap_err();
            assert!(
                matches!(error, BuildError::InvalidBaseUrl { .. }),
                "{base}: {error}"
            );
        }
    }
}
