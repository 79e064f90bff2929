//! The fetcher against flaky hosts on loopback: every failure mode, politeness
//! asserted from the servers' own logs, robots.txt, Retry-After, byte-exact
//! storage, re-runs that request nothing already stored, revalidation.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{Hit, Reply, Server, gzip};
use nianbao::fetch::{Fetcher, Options, Summary};
use nianbao::store::{self, FetchOutcome, PageKind, Record, Store};

const DELAY: Duration = Duration::from_millis(50);
/// The client never starts two requests to a host less than DELAY apart by
/// its own clock (`run` asserts it on the fetcher's request log, exactly).
/// The server sees each request a little after the client started it
/// (connecting, then a thread woken on a busy, shared 2-core machine), and
/// that lag varies: by a few milliseconds, at times by ten or more. SLACK
/// is what the server-side check allows for that variation in any one gap;
/// the median gap may miss DELAY by half a millisecond at most.
const SLACK: Duration = Duration::from_millis(25);

/// The tests of this file run one at a time: they measure time.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn page(host: &str, path: &str) -> Vec<u8> {
    format!(
        "<html><head><meta charset=utf-8><title>{host}{path}</title></head>\
         <body><div id=zoom><p>某某市2023年政府信息公开工作年度报告 ({host}{path})</p></div></body></html>"
    )
    .into_bytes()
}

fn opts() -> Options {
    Options {
        delay: DELAY,
        per_host: 1,
        concurrency: 8,
        retries: 2,
        timeout: Duration::from_millis(700),
        connect_timeout: Duration::from_millis(700),
        max_bytes: 1_000_000,
        backoff: Duration::from_millis(20),
        ..Options::default()
    }
}

async fn run(store_dir: &Path, urls: &[String], opts: Options) -> (Summary, Vec<Record>) {
    let delay = opts.delay;
    let store = Arc::new(Store::open(store_dir).expect("open store"));
    let fetcher = Arc::new(
        Fetcher::new(store, opts)
            .expect("client")
            .with_request_log(),
    );
    let summary = fetcher
        .fetch_all(urls, PageKind::Report, &mut |_| {})
        .await
        .expect("fetch");
    // By the fetcher's own clock, starts to one host are never closer than
    // the delay (robots.txt Crawl-delay aside, which only lengthens it).
    let mut last: HashMap<String, tokio::time::Instant> = HashMap::new();
    for r in fetcher.request_log() {
        if let Some(prev) = last.insert(r.origin.clone(), r.at) {
            assert!(
                r.at - prev >= delay,
                "{} started {:?} after the previous request to its host",
                r.url,
                r.at - prev
            );
        }
    }
    assert_eq!(fetcher.request_log().len() as u64, summary.requests);
    let (latest, warnings) = store::read_latest(store_dir).expect("manifest");
    assert!(warnings.is_empty(), "{warnings:?}");
    (summary, latest)
}

/// Requests to one host never overlap and start at least DELAY apart.
fn assert_polite(name: &str, hits: &[Hit]) {
    let t0 = hits[0].start;
    let log: Vec<String> = hits
        .iter()
        .map(|h| {
            format!(
                "{:>7.1} {:>7.1} {}",
                ms(h.start - t0),
                ms(h.end - t0),
                h.path
            )
        })
        .collect();
    let log = log.join("\n");
    let mut gaps = Vec::new();
    for pair in hits.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            b.start + SLACK >= a.end,
            "{name}: {} started {:?} before {} was answered:\n{log}",
            b.path,
            a.end - b.start,
            a.path
        );
        let gap = b.start - a.start;
        assert!(
            gap + SLACK >= DELAY,
            "{name}: {} started {gap:?} after {}:\n{log}",
            b.path,
            a.path
        );
        gaps.push(gap);
    }
    gaps.sort();
    let median = gaps[gaps.len() / 2];
    assert!(
        median + Duration::from_micros(500) >= DELAY,
        "{name}: median gap {median:?}:\n{log}"
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Hosts {
    a: Server,
    b: Server,
    c: Server,
    d: Server,
}

fn flaky_hosts() -> Hosts {
    let c = Server::start("127.0.0.4", |path, _nth, _| match path {
        "/robots.txt" => Reply::with(
            200,
            &[("Content-Type", "text/plain")],
            "User-agent: *\nDisallow: /private/\n",
        ),
        "/endless.html" => Reply::Endless,
        "/hop1" => Reply::redirect(301, "/hop2"),
        "/hop2" => Reply::redirect(307, "hop3"),
        "/reset-always" => Reply::Reset,
        p => Reply::html(page("c", p)),
    });
    let to_c = c.url("/ok/1.html");
    let a = Server::start("127.0.0.2", |path, nth, _| match path {
        "/robots.txt" => Reply::status(404),
        "/flaky503.html" if nth < 2 => Reply::status(503),
        "/retry-after.html" if nth == 0 => Reply::with(429, &[("Retry-After", "1")], ""),
        "/reset-once.html" if nth == 0 => Reply::Reset,
        "/gone.html" => Reply::status(404),
        p => Reply::html(page("a", p)),
    });
    let b = Server::start("127.0.0.3", move |path, _nth, _| match path {
        "/robots.txt" => Reply::status(404),
        "/slow.html" => Reply::Slow(
            Duration::from_millis(300),
            Box::new(Reply::html(page("b", path))),
        ),
        "/stall.html" => Reply::Stall,
        "/gzip.html" => Reply::with(
            200,
            &[("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
            gzip(&page("b", path)),
        ),
        "/to-c.html" => Reply::redirect(302, &to_c),
        "/loop-a" => Reply::redirect(302, "/loop-b"),
        "/loop-b" => Reply::redirect(302, "/loop-a"),
        p => Reply::html(page("b", p)),
    });
    let d = Server::start("127.0.0.5", |path, _nth, _| match path {
        "/robots.txt" => Reply::status(404),
        "/notfound" => Reply::status(404),
        "/forbidden" => Reply::status(403),
        "/503-always" => Reply::status(503),
        "/ftp" => Reply::redirect(302, "ftp://example.org/report.pdf"),
        p => Reply::html(page("d", p)),
    });
    Hosts { a, b, c, d }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flaky_hosts_end_stored_or_explained_politely_and_resumably() {
    let _serial = SERIAL.lock().await;
    let h = flaky_hosts();
    let mut urls = Vec::new();
    for (s, extra) in [
        (
            &h.a,
            &[
                "/flaky503.html",
                "/retry-after.html",
                "/reset-once.html",
                "/gone.html",
            ][..],
        ),
        (
            &h.b,
            &[
                "/slow.html",
                "/stall.html",
                "/gzip.html",
                "/to-c.html",
                "/loop-a",
            ][..],
        ),
        (
            &h.c,
            &[
                "/endless.html",
                "/private/secret.html",
                "/hop1",
                "/reset-always",
            ][..],
        ),
        (
            &h.d,
            &["/notfound", "/forbidden", "/503-always", "/ftp"][..],
        ),
    ] {
        for i in 1..=10 {
            urls.push(s.url(&format!("/ok/{i}.html")));
        }
        urls.extend(extra.iter().map(|p| s.url(p)));
    }
    urls.push(h.a.url("/ok/1.html")); // a duplicate: fetched once
    let dir = tempfile::tempdir().unwrap();
    let (summary, latest) = run(dir.path(), &urls, opts()).await;
    let by_url: HashMap<&str, &Record> = latest.iter().map(|r| (r.url.as_str(), r)).collect();
    assert_eq!(by_url.len(), 57);

    // Every recoverable page stored byte-exact (gzip decoded, redirects followed).
    let mut expect_ok: Vec<(String, Vec<u8>)> = Vec::new();
    for (s, name) in [(&h.a, "a"), (&h.b, "b"), (&h.c, "c"), (&h.d, "d")] {
        for i in 1..=10 {
            let p = format!("/ok/{i}.html");
            expect_ok.push((s.url(&p), page(name, &p)));
        }
    }
    for (s, name, p, served_as) in [
        (&h.a, "a", "/flaky503.html", "/flaky503.html"),
        (&h.a, "a", "/retry-after.html", "/retry-after.html"),
        (&h.a, "a", "/reset-once.html", "/reset-once.html"),
        (&h.b, "b", "/slow.html", "/slow.html"),
        (&h.b, "b", "/gzip.html", "/gzip.html"),
        (&h.b, "c", "/to-c.html", "/ok/1.html"),
        (&h.c, "c", "/hop1", "/hop3"),
    ] {
        expect_ok.push((s.url(p), page(name, served_as)));
    }
    for (url, bytes) in &expect_ok {
        let r = by_url[url.as_str()];
        assert_eq!(r.outcome, FetchOutcome::Ok, "{url}: {r:?}");
        let body = std::fs::read(dir.path().join(r.body.as_ref().unwrap())).unwrap();
        assert_eq!(&body, bytes, "{url}");
        assert_eq!(r.bytes, Some(bytes.len() as u64));
        assert!(r.error.is_none() && r.reason.is_none(), "{r:?}");
        assert!(r.fetched_at.ends_with('Z'));
    }
    assert_eq!(
        by_url[h.b.url("/to-c.html").as_str()].final_url,
        Some(h.c.url("/ok/1.html"))
    );
    assert_eq!(by_url[h.c.url("/hop1").as_str()].redirects.len(), 2);
    assert_eq!(by_url[h.a.url("/flaky503.html").as_str()].attempts, 3);

    // Every other URL with its reason.
    for (url, outcome, reason) in [
        (h.a.url("/gone.html"), FetchOutcome::Failed, "http_404"),
        (h.b.url("/stall.html"), FetchOutcome::Failed, "timeout"),
        (h.b.url("/loop-a"), FetchOutcome::Failed, "redirect_loop"),
        (h.c.url("/endless.html"), FetchOutcome::Failed, "too_large"),
        (
            h.c.url("/private/secret.html"),
            FetchOutcome::Robots,
            "disallowed",
        ),
        (h.c.url("/reset-always"), FetchOutcome::Failed, "reset"),
        (h.d.url("/notfound"), FetchOutcome::Failed, "http_404"),
        (h.d.url("/forbidden"), FetchOutcome::Failed, "http_403"),
        (h.d.url("/503-always"), FetchOutcome::Failed, "http_503"),
        (h.d.url("/ftp"), FetchOutcome::Failed, "bad_redirect"),
    ] {
        let r = by_url[url.as_str()];
        assert_eq!(
            (r.outcome, r.reason.as_deref()),
            (outcome, Some(reason)),
            "{url}: {r:?}"
        );
        assert!(r.body.is_none() && r.sha256.is_none());
        if outcome == FetchOutcome::Failed {
            assert!(!r.error.as_deref().unwrap_or("").is_empty(), "{r:?}");
        }
    }
    assert_eq!(summary.urls, 57);
    assert_eq!(summary.ok, 47);
    assert_eq!(summary.robots, 1);
    assert_eq!(summary.failed_total(), 9);
    assert_eq!(summary.failed["http_404"], 2);

    // No retry for 4xx; retries for 503 and resets, up to --retries.
    assert_eq!(h.d.hits_of("/notfound").len(), 1);
    assert_eq!(h.d.hits_of("/503-always").len(), 3);
    assert_eq!(h.c.hits_of("/reset-always").len(), 3);
    assert_eq!(h.b.hits_of("/stall.html").len(), 3);
    // robots.txt once per host, disallowed paths never requested.
    for s in [&h.a, &h.b, &h.c, &h.d] {
        assert_eq!(s.hits_of("/robots.txt").len(), 1);
    }
    assert!(h.c.hits_of("/private/secret.html").is_empty());

    // Politeness, from the servers' logs: one request in flight per host and
    // DELAY between starts, retries and redirect hops included.
    for (name, s) in [("a", &h.a), ("b", &h.b), ("c", &h.c), ("d", &h.d)] {
        assert_polite(name, &s.hits());
    }
    // Retry-After: 1 held the whole host back for a second.
    let hits = h.a.hits();
    let i = hits
        .iter()
        .position(|x| x.path == "/retry-after.html")
        .unwrap();
    let next = &hits[i + 1];
    assert!(
        next.start >= hits[i].end + Duration::from_secs(1) - SLACK,
        "{} came {:?} after the 429",
        next.path,
        next.start - hits[i].end
    );

    // A re-run requests no stored page, and retries the failed ones.
    let servers = [&h.a, &h.b, &h.c, &h.d];
    let requests_for = |url: &str| {
        let u = reqwest::Url::parse(url).unwrap();
        let s = servers
            .iter()
            .find(|s| s.addr.port() == u.port().unwrap())
            .unwrap();
        s.hits_of(u.path()).len()
    };
    let before: Vec<usize> = expect_ok.iter().map(|(u, _)| requests_for(u)).collect();
    let (again, _) = run(dir.path(), &urls, opts()).await;
    assert_eq!((again.stored_before, again.ok), (47, 0));
    let after: Vec<usize> = expect_ok.iter().map(|(u, _)| requests_for(u)).collect();
    assert_eq!(before, after, "a stored page was requested again");
    assert_eq!(
        h.a.hits_of("/gone.html").len(),
        2,
        "failed URLs are retried"
    );
    assert_eq!(
        h.c.hits_of("/robots.txt").len(),
        2,
        "robots.txt is read again by a new run"
    );
    assert!(h.c.hits_of("/private/secret.html").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_revalidates_with_etag_and_last_modified() {
    let _serial = SERIAL.lock().await;
    let s = Server::start("127.0.0.6", |path, _nth, headers| match path {
        "/robots.txt" => Reply::status(404),
        "/etag.html" if headers.get("if-none-match").map(String::as_str) == Some("\"v1\"") => {
            Reply::with(304, &[("ETag", "\"v1\"")], "")
        }
        "/etag.html" => Reply::with(
            200,
            &[("Content-Type", "text/html"), ("ETag", "\"v1\"")],
            page("e", path),
        ),
        "/dated.html" if headers.contains_key("if-modified-since") => Reply::status(304),
        "/dated.html" => Reply::with(
            200,
            &[
                ("Content-Type", "text/html"),
                ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ],
            page("e", path),
        ),
        p => Reply::html(page("e", p)),
    });
    let urls = vec![
        s.url("/etag.html"),
        s.url("/dated.html"),
        s.url("/plain.html"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let (first, latest1) = run(dir.path(), &urls, opts()).await;
    assert_eq!(first.ok, 3);
    let (second, latest2) = run(
        dir.path(),
        &urls,
        Options {
            refresh: true,
            ..opts()
        },
    )
    .await;
    assert_eq!(
        (second.ok, second.stored_before),
        (3, 0),
        "refreshing skips nothing"
    );
    let etag = s.hits_of("/etag.html");
    assert_eq!(etag.len(), 2);
    assert_eq!(
        etag[1].headers.get("if-none-match").map(String::as_str),
        Some("\"v1\"")
    );
    let dated = s.hits_of("/dated.html");
    assert_eq!(
        dated[1]
            .headers
            .get("if-modified-since")
            .map(String::as_str),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    for (a, b) in latest1.iter().zip(&latest2) {
        assert_eq!((&a.url, &a.body, &a.sha256), (&b.url, &b.body, &b.sha256));
    }
    let statuses: Vec<_> = latest2.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(304), Some(304), Some(200)]); // sorted by URL: dated, etag, plain
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawl_delay_longer_than_delay_is_obeyed_and_ignore_robots_skips_it() {
    let _serial = SERIAL.lock().await;
    let s = Server::start("127.0.0.7", |path, _nth, _| match path {
        "/robots.txt" => Reply::with(
            200,
            &[],
            "User-agent: *\nCrawl-delay: 0.3\nDisallow: /private/\n",
        ),
        p => Reply::html(page("f", p)),
    });
    let urls: Vec<String> = (1..=3).map(|i| s.url(&format!("/p{i}.html"))).collect();
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &urls, opts()).await;
    let hits = s.hits();
    assert_eq!(hits.len(), 4);
    for pair in hits.windows(2).skip(1) {
        assert!(pair[1].start - pair[0].start + SLACK >= Duration::from_millis(300));
    }
    let dir2 = tempfile::tempdir().unwrap();
    let (summary, _) = run(
        dir2.path(),
        &[s.url("/private/x.html")],
        Options {
            robots: false,
            ..opts()
        },
    )
    .await;
    assert_eq!(summary.ok, 1);
    assert_eq!(
        s.hits_of("/robots.txt").len(),
        1,
        "not fetched with robots off"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_urls_and_dead_hosts_are_failures_not_errors() {
    let _serial = SERIAL.lock().await;
    // A port nobody listens on.
    let dead = std::net::TcpListener::bind("127.0.0.8:0").unwrap();
    let addr = dead.local_addr().unwrap();
    drop(dead);
    let urls = vec![
        "not a url".to_string(),
        "ftp://example.org/x".to_string(),
        format!("http://{addr}/x.html"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let (summary, latest) = run(
        dir.path(),
        &urls,
        Options {
            robots: false,
            ..opts()
        },
    )
    .await;
    assert_eq!(summary.failed_total(), 3);
    let reasons: HashMap<&str, &str> = latest
        .iter()
        .map(|r| (r.url.as_str(), r.reason.as_deref().unwrap()))
        .collect();
    assert_eq!(reasons["not a url"], "bad_url");
    assert_eq!(reasons["ftp://example.org/x"], "bad_url");
    assert_eq!(reasons[format!("http://{addr}/x.html").as_str()], "connect");
}
