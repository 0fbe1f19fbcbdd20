//! The hand-written runtime of the Atlas clients that `atlas-codegen` generates, such as
//! `atlas-snapshots`, which re-export it as their `runtime` module.
//!
//! This code is the same for every operation, so it lives once, is tested directly, and
//! generated modules only hand it data (rules, path, query, status lists). It is a crate of
//! its own so that a generated crate compiles only what its spec made: changing the spec
//! and regenerating rebuilds the operations and models, not the client, its authentication
//! and its retries, and several generated crates in one program share one copy.
//!
//! Features:
//! - `client` (on by default): the async [`Client`] over `reqwest` with rustls and `tokio`.
//!   Without it the crate is sans-IO: request builders and response parsers for any HTTP
//!   stack.
//! - `digest`: HTTP Digest for API keys ([`auth::DigestSigner`]); `client` turns it on.
//! - `http2`: HTTP/2 for the client, negotiated over TLS.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod auth;
mod base_url;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
mod date_time;
mod matcher;
mod object;
mod operation;
mod request;
mod response;
pub mod retry;
mod string_enum;
mod struct_writer;
mod validation;

/// The `reqwest` crate that [`ClientBuilder::http_client`] takes a client of.
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use reqwest;

pub use auth::Secret;
pub use base_url::BaseUrl;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{ApiClient, Client, ClientBuilder, Credentials, Error};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{AuthError, ConfigError, RequestContext};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{ItemStream, Page, PageStream};
pub use operation::{ErrorBody, Operation, Paginated};
pub use request::{BuildError, JsonBody, encode_path_segment};
pub use response::ResponseError;
pub use retry::RetryPolicy;
pub use validation::{ParameterError, ParameterLocation, ParameterName, Rule};

// Plumbing that generated code calls and users never need: public so that generated crates
// reach it, hidden so that the docs show what a user works with.
#[doc(hidden)]
pub use date_time::{DateTimeField, OptionalDateTimeField};
#[doc(hidden)]
pub use matcher::{CharSet, Matcher, Step};
#[doc(hidden)]
pub use object::{
    FromObject, deserialize_object, keep_other, read, read_date_time, read_required,
    read_required_date_time, required, skip_value,
};
#[doc(hidden)]
pub use operation::build_request_from_text;
#[doc(hidden)]
pub use request::{Headers, Query, RequestTarget, build_request, finish_request, json_body};
#[doc(hidden)]
pub use response::{
    ResponseSpec, parse_empty_response, parse_json_response, parse_optional_json_response,
    parse_raw_response,
};
#[doc(hidden)]
pub use string_enum::{debug_string_enum, deserialize_shared_string_enum, deserialize_string_enum};
#[doc(hidden)]
pub use struct_writer::{StructWriter, count_present};
#[doc(hidden)]
pub use validation::{Pattern, Rules};
