//! What every generated operation is, seen from generic code: the client, the pager, and any
//! HTTP stack a user plugs in themselves.

use super::base_url::BaseUrl;
use super::request::BuildError;
use super::response::ResponseError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// One API operation with its parameters set: it builds its request and reads its response.
pub trait Operation {
    /// The typed body of a documented success.
    type Output: DeserializeOwned;
    /// The body Atlas sends with error statuses.
    type ErrorBody: ErrorBody;
    /// The operationId in the spec.
    const OPERATION_ID: &'static str;
    /// Whether sending the request twice has the effect of sending it once (GET, PUT,
    /// DELETE, HEAD, OPTIONS): only such requests are retried.
    const IDEMPOTENT: bool;

    /// See the generated `build_request` of each operation.
    fn build_request(&self, base_url: &str) -> Result<http::Request<Vec<u8>>, BuildError>;

    /// [`Self::build_request`] against a base URL parsed once, as the client sends every
    /// request. Generated operations write the request straight from it; this default, for
    /// operations written by hand, goes through the text.
    fn build_request_at(&self, base_url: &BaseUrl) -> Result<http::Request<Vec<u8>>, BuildError> {
        self.build_request(base_url.as_str())
    }

    /// See the generated `parse_response` of each operation.
    fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &http::Response<B>,
    ) -> Result<Self::Output, ResponseError<Self::ErrorBody>>;
}

/// The `build_request(&str)` of every generated operation: the base URL parsed, or reused
/// from the last call on this thread, then [`Operation::build_request_at`]. Here once rather
/// than a closure in each operation.
///
/// # Errors
///
/// An invalid base URL, or what `build_request_at` reports.
pub fn build_request_from_text<R: Operation>(
    request: &R,
    base_url: &str,
) -> Result<http::Request<Vec<u8>>, BuildError> {
    BaseUrl::with_parsed(base_url, |base_url| request.build_request_at(base_url))
}

/// A list operation paged by `pageNum` and `itemsPerPage`, whose body has `results`.
pub trait Paginated: Operation + Clone {
    /// One element of `results`.
    type Item;

    /// The page to start from and the page size: what the user set, or the spec's defaults.
    fn paging(&self) -> (i32, i32);

    /// This request, asking for another page of the given size.
    fn with_paging(&self, page_num: i32, items_per_page: i32) -> Self;

    /// The items of one page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// What a person needs from an error body to act on it.
pub trait ErrorBody:
    DeserializeOwned + Serialize + std::fmt::Debug + Send + Sync + 'static
{
    /// A machine-readable code such as `RESOURCE_NOT_FOUND`.
    fn error_code(&self) -> Option<&str>;
    /// A human-readable explanation.
    fn detail(&self) -> Option<&str>;

    /// Decodes the body of a response with this error status. Most operations document one
    /// error schema for every status; those that do not decide by the status here.
    fn deserialize_for_status<'de, D: serde::Deserializer<'de>>(
        status: http::StatusCode,
        deserializer: D,
    ) -> Result<Self, D::Error>
    where
        Self: Sized,
    {
        let _ = status;
        Self::deserialize(deserializer)
    }
}

/// Operations whose error responses have no schema get the body as JSON.
impl ErrorBody for serde_json::Value {
    fn error_code(&self) -> Option<&str> {
        self.get("errorCode").and_then(serde_json::Value::as_str)
    }

    fn detail(&self) -> Option<&str> {
        self.get("detail").and_then(serde_json::Value::as_str)
    }
}
