//! When to try a request again, and how long to wait first: the `Client`'s policy, usable by
//! any HTTP stack (no I/O, no clock beyond what the caller passes in).

use std::time::{Duration, SystemTime};

/// Retries idempotent requests on connection errors, 429 and 502/503/504, with exponential
/// backoff and full jitter, honouring `Retry-After`; bounded in attempts and in total time.
///
/// Without the `client` feature, drive it yourself:
///
/// ```
/// use atlas_codegen_runtime::retry::{self, RetryPolicy};
/// use std::time::Duration;
///
/// let policy = RetryPolicy::default();
/// let mut response = http::Response::new(Vec::<u8>::new());
/// *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
/// response
///     .headers_mut()
///     .insert(http::header::RETRY_AFTER, http::HeaderValue::from_static("2"));
///
/// // After attempt 1 failed with a 503 that asked for 2 s:
/// assert!(retry::is_retryable_status(response.status()));
/// let wait = policy.delay(1, Duration::ZERO, retry::retry_after(response.headers()), retry::jitter());
/// assert_eq!(wait, Some(Duration::from_secs(2)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The backoff ceiling before the first retry; it doubles with every retry.
    pub initial_backoff: Duration,
    /// No single wait is longer than this (a longer `Retry-After` ends the retries).
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(20),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1`, or `None` when the policy says stop.
    ///
    /// `attempt` counts from 1 (the attempt that just failed); `elapsed` is the time since the
    /// first attempt started; `retry_after` is what the server asked for (see
    /// [`retry_after`]); `random` is uniform in `[0, 1)` (see [`jitter`]), and scales the
    /// backoff ceiling (full jitter). A server's `Retry-After` is a floor, and one longer than
    /// [`Self::max_backoff`] ends the retries.
    pub fn delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        retry_after: Option<Duration>,
        random: f64,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(
                1u32.checked_shl(attempt.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_backoff);
        let jittered = ceiling.mul_f64(random.clamp(0.0, 1.0));
        let delay = match retry_after {
            // The server knows when it will have capacity: never come back sooner.
            Some(asked) if asked > self.max_backoff => return None,
            Some(asked) => asked.max(jittered),
            None => jittered,
        };
        (elapsed + delay <= self.max_elapsed).then_some(delay)
    }
}

/// A number uniform in `[0, 1)` for [`RetryPolicy::delay`], different on every call.
pub fn jitter() -> f64 {
    // The top 53 bits make an exact f64 in [0, 1).
    (crate::auth::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether a status says "try again later": 429, 502, 503 and 504.
pub fn is_retryable_status(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The `Retry-After` of a response, as a wait from now: seconds, or an HTTP date (a date
/// already past is a wait of zero).
pub fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// A `Retry-After` value as a wait from `now`: delay-seconds, or an IMF-fixdate such as
/// `Wed, 21 Oct 2015 07:28:00 GMT` (a date already past is a wait of zero).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_secs(u64::try_from(date.timestamp()).ok()?))?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example in [`RetryPolicy`]'s docs, step by step.
    #[test]
    fn the_documented_sans_io_loop_waits_as_asked() {
        let policy = RetryPolicy::default();
        let mut response = http::Response::new(Vec::<u8>::new());
        *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
        response.headers_mut().insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("2"),
        );
        assert!(is_retryable_status(response.status()));
        let wait = policy.delay(1, Duration::ZERO, retry_after(response.headers()), jitter());
        assert_eq!(wait, Some(Duration::from_secs(2)));
    }

    #[test]
    fn backoff_doubles_up_to_the_ceiling_with_jitter() {
        let policy = RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        let full = |attempt| policy.delay(attempt, Duration::ZERO, None, 1.0).unwrap();
        assert_eq!(full(1), Duration::from_millis(250));
        assert_eq!(full(2), Duration::from_millis(500));
        assert_eq!(full(3), Duration::from_secs(1));
        assert_eq!(full(9), Duration::from_secs(20));
        assert_eq!(
            policy.delay(3, Duration::ZERO, None, 0.5),
            Some(Duration::from_millis(500))
        );
    }

    #[test]
    fn retry_after_is_honoured_and_bounded() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(1, Duration::ZERO, Some(Duration::from_secs(3)), 0.1),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            policy.delay(1, Duration::ZERO, Some(Duration::from_secs(3600)), 0.1),
            None
        );
    }

    #[test]
    fn attempts_and_elapsed_time_are_bounded() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.delay(4, Duration::ZERO, None, 0.5), None);
        assert_eq!(policy.delay(1, Duration::from_secs(60), None, 0.5), None);
        assert_eq!(
            RetryPolicy::none().delay(1, Duration::ZERO, None, 0.5),
            None
        );
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("2"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(2)));
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        // 1445412480 is that date.
        let before = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480 - 90);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", before),
            Some(Duration::from_secs(90))
        );
        assert_eq!(parse_retry_after("soon", before), None);
    }

    #[test]
    fn jitter_stays_in_range_and_moves() {
        let draws: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(draws.iter().all(|draw| (0.0..1.0).contains(draw)));
        assert!(draws.windows(2).any(|pair| pair[0] != pair[1]));
    }
}
