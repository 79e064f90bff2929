//! Politeness is the only thing that may make a crawl slow: with many hosts,
//! every host is kept busy. 100 pages from each of 4 loopback hosts at
//! `--delay 50ms` must take at most 1.03× the politeness bound of 5 s
//! (Scrapy, set the same way, takes 1.08–1.14× here).
//!
//! A file of its own, so that no other test shares the machine with it.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Reply, Server};
use nianbao::fetch::{Fetcher, Options};
use nianbao::store::{PageKind, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_hosts_a_hundred_pages_each_within_three_percent_of_the_bound() {
    let servers: Vec<Server> = (10..14)
        .map(|i| {
            Server::start(&format!("127.0.0.{i}"), |path, _, _| match path {
                "/robots.txt" => Reply::status(404),
                p => Reply::html(format!("<p>page {p}</p>").repeat(50)),
            })
        })
        .collect();
    let urls: Vec<String> = servers
        .iter()
        .flat_map(|s| (0..100).map(move |i| s.url(&format!("/r/{i}.html"))))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let fetcher = Arc::new(
        Fetcher::new(
            store,
            Options {
                delay: Duration::from_millis(50),
                ..Options::default()
            },
        )
        .unwrap()
        .with_request_log(),
    );
    let started = Instant::now();
    let summary = fetcher
        .fetch_all(&urls, PageKind::Report, &mut |_| {})
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(summary.ok, 400);
    let bound = Duration::from_secs(5);
    let ratio = elapsed.as_secs_f64() / bound.as_secs_f64();
    eprintln!("400 pages over 4 hosts at 50 ms: {elapsed:?}, {ratio:.3}× the politeness bound");
    assert!(ratio <= 1.03, "{elapsed:?} is {ratio:.3}× the 5 s bound");
    for s in &servers {
        assert_eq!(s.hits().len(), 101, "robots.txt and 100 pages");
    }
    // Spacing held while going flat out, by the fetcher's clock (the
    // servers' view is checked in tests/fetch.rs).
    let log = fetcher.request_log();
    assert_eq!(log.len(), 404);
    let mut last = std::collections::HashMap::new();
    for r in log {
        if let Some(prev) = last.insert(r.origin.clone(), r.at) {
            assert!(
                r.at - prev >= Duration::from_millis(50),
                "{}: {:?}",
                r.url,
                r.at - prev
            );
        }
    }
}
