//! Injected misbehaviour: the failures a real Atlas (or the network in front of it) produces,
//! on demand, so that a client's retry and error handling can be tested deterministically.

use super::http_util::{ApiFailure, PLAIN_JSON, json_response, raw_response};
use super::{Endpoint, Outcome, Shared};
use bytes::Bytes;
use http::StatusCode;
use http::header::{HeaderValue, RETRY_AFTER};
use std::collections::VecDeque;
use std::time::Duration;

/// A failure to serve instead of (or, for [`Fault::Slow`], before) the normal answer.
///
/// Each fault hits the next `times` matching requests, counted after authentication succeeded:
/// a request the server answers 401 is not hit, so a client that re-authenticates and retries
/// sees the fault on the retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 Too Many Requests with a `Retry-After: <retry_after_secs>` header and an `ApiError`
    /// body (`RATE_LIMITED`).
    TooManyRequests {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
        /// How many requests get it.
        times: u32,
    },
    /// An error status with an `ApiError` body, such as 503 Service Unavailable, 502 Bad
    /// Gateway or 504 Gateway Timeout (or 500). A status that is not 400..=599 is served as 503.
    Status {
        /// The HTTP status code.
        status: u16,
        /// How many requests get it.
        times: u32,
    },
    /// An error status whose `ApiError` body has only `error` and `reason`: no `errorCode` and
    /// no `detail`. Seed 003 marks no field of the error body required, so Atlas may answer
    /// so. A status that is not 400..=599 is served as 503.
    SparseError {
        /// The HTTP status code.
        status: u16,
        /// How many requests get it.
        times: u32,
    },
    /// Sleep this long, then answer normally (to test client timeouts).
    Slow {
        /// How long to wait before answering.
        delay: Duration,
        /// How many requests get it.
        times: u32,
    },
    /// 200 OK whose body is truncated JSON (with the right `Content-Type`).
    MalformedJson {
        /// How many requests get it.
        times: u32,
    },
    /// Close the TCP connection after reading the request, without sending any response.
    DropConnection {
        /// How many requests get it.
        times: u32,
    },
    /// Expire every access token issued so far, at once (not queued); tokens issued later
    /// are valid as usual.
    ExpireTokens,
}

impl Fault {
    /// 503 Service Unavailable for the next `times` requests.
    pub fn unavailable(times: u32) -> Fault {
        Fault::Status { status: 503, times }
    }

    fn times(&self) -> u32 {
        match self {
            Fault::TooManyRequests { times, .. }
            | Fault::Status { times, .. }
            | Fault::SparseError { times, .. }
            | Fault::Slow { times, .. }
            | Fault::MalformedJson { times }
            | Fault::DropConnection { times } => *times,
            Fault::ExpireTokens => 0,
        }
    }
}

#[derive(Debug)]
struct Queued {
    /// `None`: any of the four API operations (never the token endpoint).
    scope: Option<Endpoint>,
    fault: Fault,
    remaining: u32,
}

/// The faults waiting to be served, oldest first.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    queue: VecDeque<Queued>,
}

impl FaultQueue {
    /// Queues a fault; one that hits no request (`times: 0`) is ignored.
    pub(crate) fn push(&mut self, scope: Option<Endpoint>, fault: Fault) {
        let remaining = fault.times();
        if remaining > 0 {
            self.queue.push_back(Queued {
                scope,
                fault,
                remaining,
            });
        }
    }

    /// How many faults still have requests to hit.
    pub(crate) fn len(&self) -> usize {
        self.queue.len()
    }

    /// Takes one use of the oldest fault that applies to a request to `endpoint`.
    pub(crate) fn take(&mut self, endpoint: Endpoint) -> Option<Fault> {
        let index = self.queue.iter().position(|queued| match queued.scope {
            Some(scope) => scope == endpoint,
            None => endpoint.is_api(),
        })?;
        let queued = self.queue.get_mut(index)?;
        queued.remaining -= 1;
        let fault = queued.fault.clone();
        if queued.remaining == 0 {
            self.queue.remove(index);
        }
        Some(fault)
    }
}

/// Serves the next fault queued for a request to `endpoint`, if any: `Some` is the answer
/// that replaces the normal one, `None` means go on normally (possibly after a delay).
pub(crate) async fn apply(shared: &Shared, endpoint: Endpoint) -> Option<Outcome> {
    let fault = {
        let mut state = shared.lock();
        let fault = state.faults.take(endpoint)?;
        state.stats.faults_served += 1;
        fault
    };
    let response = match fault {
        Fault::TooManyRequests {
            retry_after_secs, ..
        } => {
            let mut response = ApiFailure::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMITED",
                "Resource requests for this project have exceeded the rate limit.",
            )
            .into_response(false);
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
        Fault::Status { status, .. } => {
            let status = error_status(status);
            let code = match status {
                StatusCode::BAD_GATEWAY => "BAD_GATEWAY",
                StatusCode::SERVICE_UNAVAILABLE => "SERVICE_UNAVAILABLE",
                StatusCode::GATEWAY_TIMEOUT => "GATEWAY_TIMEOUT",
                _ => "UNEXPECTED_ERROR",
            };
            ApiFailure::new(status, code, "Injected fault.").into_response(false)
        }
        Fault::SparseError { status, .. } => {
            let status = error_status(status);
            let body = serde_json::json!({
                "error": status.as_u16(),
                "reason": status.canonical_reason().unwrap_or("Error"),
            });
            json_response(status, &body, PLAIN_JSON, false)
        }
        Fault::Slow { delay, .. } => {
            tokio::time::sleep(delay).await;
            return None;
        }
        Fault::MalformedJson { .. } => raw_response(
            StatusCode::OK,
            Bytes::from_static(b"{\"links\": [], \"results\": [{\"id\": \"5f40"),
            PLAIN_JSON,
        ),
        Fault::DropConnection { .. } => return Some(Outcome::Drop),
        // Applied when injected, never queued.
        Fault::ExpireTokens => return None,
    };
    Some(Outcome::Respond(response))
}

/// The status of an injected error: an error status as asked, anything else as 503.
fn error_status(status: u16) -> StatusCode {
    StatusCode::from_u16(status)
        .ok()
        .filter(|status| status.is_client_error() || status.is_server_error())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}
