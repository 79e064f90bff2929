//! robots.txt: fetched once per host (scheme, host and port), before the
//! first page, and obeyed (RFC 9309).
//!
//! A 2xx answer is parsed (the first 500 KiB) for the tool's product token;
//! 4xx means no restrictions; a 5xx answer or no answer at all after the
//! retries means the rules are unknown, and the host's URLs fail with
//! `robots_unreachable` (to be tried again by the next run) instead of being
//! fetched blind.

use std::fmt;

use texting_robots::Robot;

/// The most of a robots.txt that is read (RFC 9309 asks for at least 500 KiB).
pub const MAX_ROBOTS_BYTES: usize = 500 * 1024;

/// What a host's robots.txt allows.
pub enum Rules {
    /// No robots.txt (4xx), or one that could not be parsed.
    AllowAll,
    /// Parsed rules for our product token.
    Parsed(Box<Robot>),
    /// robots.txt could not be read; the reason.
    Unreachable(String),
}

impl fmt::Debug for Rules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rules::AllowAll => f.write_str("AllowAll"),
            Rules::Parsed(r) => write!(f, "Parsed(delay: {:?})", r.delay),
            Rules::Unreachable(e) => write!(f, "Unreachable({e:?})"),
        }
    }
}

/// What the rules say of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// May be fetched.
    Allowed,
    /// Disallowed for our product token.
    Disallowed,
    /// The rules could not be read.
    Unknown(String),
}

impl Rules {
    /// Rules from a robots.txt answer with `status` and `body`.
    pub fn from_answer(token: &str, status: u16, body: &[u8]) -> Rules {
        match status {
            200..=299 => {
                let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
                match Robot::new(token, body) {
                    Ok(r) => Rules::Parsed(Box::new(r)),
                    Err(_) => Rules::AllowAll,
                }
            }
            400..=499 => Rules::AllowAll,
            s => Rules::Unreachable(format!("robots.txt answered HTTP {s}")),
        }
    }

    /// The verdict on `url`.
    pub fn verdict(&self, url: &str) -> Verdict {
        match self {
            Rules::AllowAll => Verdict::Allowed,
            Rules::Parsed(r) if r.allowed(url) => Verdict::Allowed,
            Rules::Parsed(_) => Verdict::Disallowed,
            Rules::Unreachable(e) => Verdict::Unknown(e.clone()),
        }
    }

    /// The Crawl-delay asked for, if any.
    pub fn crawl_delay(&self) -> Option<std::time::Duration> {
        match self {
            Rules::Parsed(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| std::time::Duration::from_secs_f32(d.min(3600.0))),
            _ => None,
        }
    }
}

/// The product token robots.txt groups are matched against: the user agent's
/// first word without its version (`nianbao/0.1 (+…)` → `nianbao`).
pub fn product_token(user_agent: &str) -> &str {
    let first = user_agent.split_whitespace().next().unwrap_or("nianbao");
    first.split('/').next().unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &[u8] = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: nianbao\nDisallow: /no-bots/\nAllow: /no-bots/ok.html\n";

    #[test]
    fn our_group_is_obeyed() {
        let r = Rules::from_answer("nianbao", 200, TXT);
        assert_eq!(r.verdict("http://h/no-bots/x.html"), Verdict::Disallowed);
        assert_eq!(r.verdict("http://h/no-bots/ok.html"), Verdict::Allowed);
        // Our own group replaces the * group.
        assert_eq!(r.verdict("http://h/private/x.html"), Verdict::Allowed);
        let other = Rules::from_answer("otherbot", 200, TXT);
        assert_eq!(
            other.verdict("http://h/private/x.html"),
            Verdict::Disallowed
        );
        assert_eq!(other.crawl_delay(), Some(std::time::Duration::from_secs(2)));
    }

    #[test]
    fn missing_and_broken_robots() {
        assert_eq!(
            Rules::from_answer("nianbao", 404, b"").verdict("http://h/x"),
            Verdict::Allowed
        );
        assert!(matches!(
            Rules::from_answer("nianbao", 503, b"").verdict("http://h/x"),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn tokens() {
        assert_eq!(
            product_token("nianbao/0.1.0 (+https://x; contact)"),
            "nianbao"
        );
        assert_eq!(product_token("MyBot"), "MyBot");
    }
}
