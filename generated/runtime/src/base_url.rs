//! The base URL requests go to, checked and split once.

use super::request::BuildError;
use std::cell::RefCell;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// An absolute `http(s)://host[:port][/prefix]` URL, checked and split once, so that a client
/// (or any caller that sends many requests) does not parse it again for every request: parse
/// it (`"https://cloud.mongodb.com".parse::<BaseUrl>()?`) and hand it to each operation's
/// `build_request_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// As given, without trailing slashes. Shared, so that a clone allocates nothing.
    text: Arc<str>,
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
        Self::with_parsed(base_url, |parsed| Ok(parsed.clone()))
    }

    /// Calls `build` with `base_url` parsed. An operation's `build_request(&str)` parses its
    /// base URL on every call, and a caller nearly always passes the same one: the last one
    /// parsed on this thread is kept, and a hit costs a comparison instead of a third of the
    /// request.
    ///
    /// # Errors
    ///
    /// [`BuildError::InvalidBaseUrl`] as for [`Self::parse`], or what `build` returns.
    pub(super) fn with_parsed<T>(
        base_url: &str,
        build: impl FnOnce(&Self) -> Result<T, BuildError>,
    ) -> Result<T, BuildError> {
        // The text as given, when it is not the parsed URL's own (trailing slashes): most base
        // URLs have none, and then a miss costs no allocation for the key.
        thread_local! {
            static LAST_PARSED: RefCell<Option<(Option<Box<str>>, BaseUrl)>> = const { RefCell::new(None) };
        }
        let mut build = Some(build);
        let cached = LAST_PARSED.try_with(|last| {
            // `build` runs under a shared borrow, which a nested call may share too.
            match last.try_borrow().ok()?.as_ref() {
                Some((given, parsed))
                    if given.as_deref().unwrap_or_else(|| parsed.as_str()) == base_url =>
                {
                    build.take().map(|build| build(parsed))
                }
                _ => None,
            }
        });
        if let Ok(Some(result)) = cached {
            return result;
        }
        let parsed = Self::parse_uncached(base_url)?;
        // Kept unless the cell is busy (a nested call) or gone (the thread is ending).
        let _ = LAST_PARSED.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut() {
                let given = (parsed.as_str() != base_url).then(|| base_url.into());
                *last = Some((given, parsed.clone()));
            }
        });
        let build = build.expect("`build` runs only on a hit, which returned");
        build(&parsed)
    }

    fn parse_uncached(base_url: &str) -> Result<Self, BuildError> {
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
            text: text.into(),
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
    pub(super) fn uri(&self, path_and_query: Vec<u8>) -> Result<http::Uri, BuildError> {
        let invalid = |reason: String| BuildError::InvalidBaseUrl {
            base_url: self.text.to_string(),
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
        let uri = base.uri(b"/atlas/api/x?a=1".to_vec()).unwrap();
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
    fn the_last_parsed_url_is_reused_only_for_the_same_text() {
        let first = BaseUrl::parse("https://cloud.mongodb.com/").unwrap();
        let again = BaseUrl::parse("https://cloud.mongodb.com/").unwrap();
        assert_eq!(first, again);
        assert!(
            Arc::ptr_eq(&first.text, &again.text),
            "the second parse is a clone"
        );
        let other = BaseUrl::parse("https://cloud.mongodb.com/prefix").unwrap();
        assert_eq!(other.prefix(), "/prefix");
        assert!(BaseUrl::parse("https://cloud.mongodb.com/?q").is_err());
        assert_eq!(BaseUrl::parse("https://cloud.mongodb.com/").unwrap(), first);
        // Without trailing slashes the text is the key; with them, the text as given is.
        let plain = BaseUrl::parse("https://cloud.mongodb.com").unwrap();
        let plain_again = BaseUrl::parse("https://cloud.mongodb.com").unwrap();
        assert!(Arc::ptr_eq(&plain.text, &plain_again.text));
        assert!(!Arc::ptr_eq(&plain.text, &first.text));
        let slashed = BaseUrl::parse("https://cloud.mongodb.com//").unwrap();
        assert!(!Arc::ptr_eq(&slashed.text, &plain.text));
        assert_eq!(slashed, plain);
    }

    #[test]
    fn a_build_may_parse_base_urls_of_its_own() {
        let outer = BaseUrl::with_parsed("https://a.example.com", |outer| {
            let inner = BaseUrl::with_parsed("https://b.example.com", |inner| {
                Ok(inner.as_str().to_owned())
            })?;
            assert_eq!(inner, "https://b.example.com");
            // The same text as the outer call, while that call holds the cache.
            assert_eq!(BaseUrl::parse("https://a.example.com")?, *outer);
            Ok(outer.as_str().to_owned())
        })
        .unwrap();
        assert_eq!(outer, "https://a.example.com");
        assert!(BaseUrl::with_parsed("nope", |_| Ok(())).is_err());
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
