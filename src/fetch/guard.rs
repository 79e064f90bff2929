//! Which addresses a run may reach.
//!
//! A report page, a redirect or a crawled link must not make nianbao talk to
//! the machine it runs on or to the network behind it: loopback, private
//! (with shared and unique-local), link-local and unspecified addresses are
//! refused (reason `private_address`), whether a URL names one directly or
//! its host name resolves to one. The run's own start URLs lift the rule
//! for what they are on: a start URL on a loopback address lets the run
//! reach loopback addresses, one on a private address private ones, and so
//! on; the hosts they name may resolve to anything. `--allow-private` lifts
//! the rule altogether.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The kinds of address a run does not reach unless told to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// 127/8, ::1, and the name `localhost`.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, broadcast, 0/8.
    Private,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// 0.0.0.0, ::.
    Unspecified,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Loopback => "loopback",
            Class::Private => "private",
            Class::LinkLocal => "link-local",
            Class::Unspecified => "unspecified",
        }
    }
}

/// The rule of a run.
#[derive(Debug, Default)]
pub struct Guard {
    /// Every address may be reached (`--allow-private`).
    allow_all: bool,
    /// What the run's start URLs allow.
    trusted: Mutex<Trusted>,
}

#[derive(Debug, Default)]
struct Trusted {
    /// Host names of start URLs (lower case): resolved to anything.
    hosts: HashSet<String>,
    /// Address classes of start URLs.
    classes: HashSet<Class>,
}

impl Guard {
    /// The rule for a run started from `urls`.
    pub fn new(allow_all: bool, urls: &[String]) -> Guard {
        let g = Guard {
            allow_all,
            trusted: Mutex::new(Trusted::default()),
        };
        g.trust(urls);
        g
    }

    /// Trusts what more start URLs are on.
    pub fn trust(&self, urls: &[String]) {
        let mut t = self.trusted.lock().unwrap_or_else(|e| e.into_inner());
        for u in urls.iter().filter_map(|u| Url::parse(u.trim()).ok()) {
            match host_class(&u) {
                Some(c) => {
                    t.classes.insert(c);
                }
                None => {
                    if let Some(h) = u.host_str() {
                        t.hosts.insert(h.to_ascii_lowercase());
                    }
                }
            }
        }
    }

    fn trusts_host(&self, host: &str) -> bool {
        self.allow_all
            || self
                .trusted
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .hosts
                .contains(&host.to_ascii_lowercase())
    }

    fn allows(&self, class: Class) -> bool {
        self.allow_all
            || self
                .trusted
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .classes
                .contains(&class)
    }

    /// Why `url` may not be requested, when its host is an address (or
    /// `localhost`) the rule refuses. Host names are checked when resolved
    /// ([`Guard::resolver`]).
    pub fn refusal(&self, url: &Url) -> Option<String> {
        let class = host_class(url)?;
        if self.allows(class) {
            return None;
        }
        Some(format!(
            "{} is a {} address, which only the run's own URLs (or --allow-private) may lead to; \
             not requested",
            url.host_str().unwrap_or(""),
            class.name()
        ))
    }

    /// A DNS resolver that drops the refused addresses of host names the
    /// start URLs do not name (and fails when none is left).
    pub fn resolver(self: &Arc<Self>) -> Arc<impl Resolve + use<>> {
        Arc::new(Resolver(self.clone()))
    }
}

/// The class of a URL's host when it is an address of one (or `localhost`).
fn host_class(url: &Url) -> Option<Class> {
    match url.host()? {
        url::Host::Ipv4(ip) => class(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => class(IpAddr::V6(ip)),
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            (d == "localhost" || d.ends_with(".localhost")).then_some(Class::Loopback)
        }
    }
}

/// The error of a host name that resolves only to refused addresses.
#[derive(Debug)]
pub struct PrivateAddress(pub String);

impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PrivateAddress {}

struct Resolver(Arc<Guard>);

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if guard.trusts_host(&host) {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let allowed = |a: &SocketAddr| class(a.ip()).is_none_or(|c| guard.allows(c));
            let kept: Vec<SocketAddr> = found.iter().copied().filter(allowed).collect();
            if kept.is_empty()
                && let Some(a) = found.first()
            {
                return Err(Box::new(PrivateAddress(format!(
                    "{host} resolves to {}, a {} address, which only the run's own URLs (or \
                     --allow-private) may lead to; not requested",
                    a.ip(),
                    class(a.ip()).map_or("private", Class::name)
                )))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(kept.into_iter()) as Addrs)
        })
    }
}

/// The class of an address the rule is about; `None` for a public one
/// (IPv4-mapped IPv6 addresses as their IPv4 address).
pub fn class(ip: IpAddr) -> Option<Class> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                Some(Class::Loopback)
            } else if v4.is_unspecified() {
                Some(Class::Unspecified)
            } else if v4.is_link_local() {
                Some(Class::LinkLocal)
            } else if v4.is_private()
                || v4.is_broadcast()
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || o[0] == 0
            {
                Some(Class::Private)
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return class(IpAddr::V4(v4));
            }
            let s = v6.segments();
            if v6.is_loopback() {
                Some(Class::Loopback)
            } else if v6.is_unspecified() {
                Some(Class::Unspecified)
            } else if (s[0] & 0xffc0) == 0xfe80 {
                Some(Class::LinkLocal)
            } else if (s[0] & 0xfe00) == 0xfc00 {
                Some(Class::Private)
            } else {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_classes() {
        for (ip, c) in [
            ("127.0.0.1", Class::Loopback),
            ("::1", Class::Loopback),
            ("::ffff:127.0.0.1", Class::Loopback),
            ("10.1.2.3", Class::Private),
            ("172.16.0.1", Class::Private),
            ("172.31.255.255", Class::Private),
            ("192.168.1.1", Class::Private),
            ("100.64.0.1", Class::Private),
            ("fd00::1", Class::Private),
            ("169.254.169.254", Class::LinkLocal),
            ("fe80::1", Class::LinkLocal),
            ("0.0.0.0", Class::Unspecified),
            ("::", Class::Unspecified),
        ] {
            assert_eq!(class(ip.parse().unwrap()), Some(c), "{ip}");
        }
        for ip in ["1.2.3.4", "172.32.0.1", "100.128.0.1", "2400:3200::1"] {
            assert_eq!(class(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn start_urls_allow_what_they_are_on() {
        let url = |s: &str| Url::parse(s).unwrap();
        let g = Guard::new(false, &["http://127.0.0.5:8080/list/".to_string()]);
        assert_eq!(g.refusal(&url("http://127.0.0.6:9/x")), None);
        assert_eq!(g.refusal(&url("http://localhost/")), None);
        assert!(g.refusal(&url("http://10.0.0.1/x")).is_some());
        assert!(g.refusal(&url("http://169.254.169.254/latest/")).is_some());
        assert!(g.refusal(&url("http://0.0.0.0:80/")).is_some());
        assert_eq!(g.refusal(&url("http://www.gov.cn/")), None);
        let public = Guard::new(false, &["http://www.gov.cn/".to_string()]);
        assert!(public.refusal(&url("http://LOCALHOST./")).is_some());
        assert!(public.refusal(&url("http://[::1]/")).is_some());
        assert!(public.refusal(&url("http://192.168.0.1/")).is_some());
        let all = Guard::new(true, &[]);
        assert_eq!(all.refusal(&url("http://10.0.0.1/")), None);
    }
}
