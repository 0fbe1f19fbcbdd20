//! The client's view of the retry policy, which lives in [`crate::retry`] so that
//! any HTTP stack can use it, with or without the `client` feature.

pub use crate::retry::RetryPolicy;
pub(crate) use crate::retry::{is_retryable_status, retry_after};
