//! When to try a request again, and how long to wait first.

use std::time::Duration;

/// Retries idempotent requests on connection errors, 429 and 502/503/504, with exponential
/// backoff and full jitter, honouring `Retry-After`; bounded in attempts and in total time.
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
    /// `retry_after` is what the server asked for; `random` is uniform in `[0, 1)`.
    pub(crate) fn delay(
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

/// Whether a status says "try again later".
pub(crate) fn is_retryable_status(status: http::StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
