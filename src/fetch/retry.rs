//! What is worth retrying, and how long to wait first.
//!
//! Retried: timeouts, connections reset or closed mid-answer, and the statuses
//! 408, 429, 500, 502, 503 and 504. Not retried: other 4xx (the answer will
//! not change), refused connections and unknown hosts, bodies over the limit,
//! redirect problems. Waits grow exponentially with jitter; a `Retry-After`
//! header (seconds or an HTTP date) is obeyed as a minimum.

use std::time::{Duration, SystemTime};

/// Why one request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No complete answer within `--timeout`.
    Timeout,
    /// The connection could not be made (refused, unknown host, TLS).
    Connect(String),
    /// The connection broke: reset, or closed before the answer was whole.
    Reset(String),
    /// The body grew past `--max-bytes` (after content decoding).
    TooLarge(u64),
    /// The body could not be decoded (a broken gzip stream, say).
    Decode(String),
    /// The host name resolves only to addresses the run may not reach
    /// (see [`super::guard`]).
    Private(String),
    /// The answer's header block is over the client's limits (more than 100
    /// headers, or hundreds of kilobytes): a broken or hostile server, not a
    /// passing fault.
    HeaderFlood(String),
    /// The run was stopped (Ctrl-C) before the answer was whole.
    Interrupted,
}

impl Failure {
    /// Whether trying again may help.
    pub fn retryable(&self) -> bool {
        matches!(self, Failure::Timeout | Failure::Reset(_))
    }

    /// The short key written to the manifest's `reason`.
    pub fn reason(&self) -> &'static str {
        match self {
            Failure::Timeout => "timeout",
            Failure::Connect(_) => "connect",
            Failure::Reset(_) => "reset",
            Failure::TooLarge(_) => "too_large",
            Failure::Decode(_) => "decode",
            Failure::Private(_) => "private_address",
            Failure::HeaderFlood(_) => "header_flood",
            Failure::Interrupted => "interrupted",
        }
    }

    /// The failure in words.
    pub fn message(&self, timeout: Duration) -> String {
        match self {
            Failure::Timeout => format!("no complete answer within {}", super::show(timeout)),
            Failure::Connect(e) => format!("cannot connect: {e}"),
            Failure::Reset(e) => format!("connection broken: {e}"),
            Failure::TooLarge(limit) => {
                format!("body larger than --max-bytes ({limit} bytes); not stored")
            }
            Failure::Decode(e) => format!("cannot decode the body: {e}"),
            Failure::Private(e) => e.clone(),
            Failure::HeaderFlood(e) => format!("answer headers over the limits: {e}"),
            Failure::Interrupted => "the run was stopped (Ctrl-C); the next run asks again".into(),
        }
    }
}

/// Whether an HTTP status is worth retrying.
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// The wait before retry number `retry` (1 for the first): `base` doubled
/// for each earlier retry, capped at a minute, times a jitter factor in
/// [0.5, 1.5) drawn from `unit` (in [0, 1)).
pub fn backoff(base: Duration, retry: u32, unit: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << retry.saturating_sub(1).min(16));
    let capped = exp.min(Duration::from_secs(60));
    capped.mul_f64(0.5 + unit.clamp(0.0, 1.0))
}

/// The wait a `Retry-After` value asks for: delay-seconds or an HTTP date
/// (in the past: no wait). `None` when it is neither.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A small, fast generator for jitter (SplitMix64): no need for a
/// cryptographic source, and no dependency.
#[derive(Debug)]
pub struct Jitter(u64);

impl Jitter {
    /// Seeded from the clock.
    pub fn new() -> Jitter {
        let seed = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0x9E37_79B9, |d| d.as_nanos() as u64);
        Jitter(seed)
    }

    /// The next value in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Jitter::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_retried() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 410, 501] {
            assert!(!retryable_status(s), "{s}");
        }
        assert!(Failure::Timeout.retryable());
        assert!(Failure::Reset("x".into()).retryable());
        assert!(!Failure::Connect("x".into()).retryable());
        assert!(!Failure::TooLarge(1).retryable());
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let base = Duration::from_millis(100);
        assert_eq!(backoff(base, 1, 0.5), Duration::from_millis(100));
        assert_eq!(backoff(base, 2, 0.5), Duration::from_millis(200));
        assert_eq!(backoff(base, 3, 0.0), Duration::from_millis(200));
        assert_eq!(backoff(base, 30, 0.5), Duration::from_secs(60));
        let mut j = Jitter(1);
        for _ in 0..1000 {
            let u = j.unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }
}
