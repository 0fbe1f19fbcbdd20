//! The hand-written runtime that every generated operation calls into.
//!
//! `cargo xtask codegen` never writes here: this code is the same for every operation, so it
//! lives once, is tested directly, and generated modules only hand it data (rules, path,
//! query, status lists). The generator carries a copy of these files so that a crate it
//! generates into another folder builds on its own.

pub mod auth;
#[cfg(feature = "client")]
pub mod client;
mod operation;
mod request;
mod response;
pub mod retry;
mod validation;

#[cfg(feature = "client")]
pub use client::{Client, ClientBuilder, Credentials, Error};
#[cfg(feature = "client")]
pub use client::{ItemStream, Page, PageStream};
pub use auth::Secret;
pub use operation::{ErrorBody, Operation, Paginated};
pub use retry::RetryPolicy;
pub use request::{
    BuildError, Headers, JsonBody, Query, build_request, encode_path_segment, json_body,
};
pub use response::{
    ResponseError, ResponseSpec, parse_empty_response, parse_json_response,
    parse_optional_json_response, parse_raw_response,
};
pub use validation::{ParameterError, ParameterLocation, ParameterName, Pattern, Rule, Rules};
