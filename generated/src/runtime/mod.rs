//! The hand-written runtime that every generated operation calls into.
//!
//! `cargo xtask codegen` never writes here: this code is the same for every operation, so it
//! lives once, is tested directly, and generated modules only hand it data (rules, path,
//! query, status lists). The generator carries a copy of these files so that a crate it
//! generates into another folder builds on its own.

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
mod validation;

pub use auth::Secret;
pub use base_url::BaseUrl;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{AuthError, ConfigError, RequestContext};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{Call, Client, ClientBuilder, Credentials, Error};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{ItemStream, Page, PageStream};
pub use operation::{ErrorBody, Operation, Paginated};
pub use request::{BuildError, JsonBody, encode_path_segment};
pub use response::ResponseError;
pub use retry::RetryPolicy;
pub use validation::{ParameterError, ParameterLocation, ParameterName, Rule};

// Plumbing that generated code calls and users never need: public so that generated modules
// (and crates generated into other folders) reach it, hidden so that the docs show what a
// user works with.
#[doc(hidden)]
pub use date_time::{DateTimeField, OptionalDateTimeField};
#[doc(hidden)]
pub use matcher::{CharSet, Matcher, Step};
#[doc(hidden)]
pub use object::{
    FieldOf, FieldOrKey, FieldOrKeySeed, FromObject, deserialize_object, required, skip_value,
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
pub use string_enum::deserialize_string_enum;
#[doc(hidden)]
pub use validation::{Pattern, Rules};
