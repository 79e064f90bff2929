//! `nianbao crawl`: a portal's listing pages → reports and attachments in
//! the page store, with a progress bar and a summary.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use nianbao::crawl::{self, Event, Summary};
use nianbao::fetch::Fetcher;

use crate::args::CrawlArgs;
use crate::cmd::fetch::{
    INTERRUPTED, bar, open, print_outcomes, report_failure, runtime, stop_on_interrupt,
};

/// Runs a crawl; returns the exit code (0 all stored, 1 some page failed).
pub fn run(args: &CrawlArgs, quiet: bool) -> anyhow::Result<u8> {
    let fetcher = open(&args.store, args.polite.options(), quiet)?;
    let opts = crawl::Options {
        rules: crawl::links::Rules::with_pattern(args.pattern.clone()),
        max_pages: args.max_pages,
        all_hosts: args.all_hosts,
        refresh_listings: args.refresh_listings,
    };
    let runtime = runtime()?;
    stop_on_interrupt(&runtime, &fetcher);
    let started = Instant::now();
    let summary = crawl(&runtime, &fetcher, &args.starts, &opts, quiet)?;
    if !quiet {
        print_summary(&summary, started.elapsed().as_secs_f64(), &args.store);
    }
    Ok(if summary.fetch.interrupted {
        INTERRUPTED
    } else if summary.fetch.failed_total() + summary.fetch.blocked_total() > 0 {
        1
    } else {
        0
    })
}

/// Crawls from `starts`, with a progress bar.
pub fn crawl(
    runtime: &tokio::runtime::Runtime,
    fetcher: &Arc<Fetcher>,
    starts: &[String],
    opts: &crawl::Options,
    quiet: bool,
) -> anyhow::Result<Summary> {
    let bar = bar(quiet);
    let mut on_event = |e: Event<'_>| match e {
        Event::Progress { done, total } => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
        Event::Fetched(rec) => report_failure(&bar, rec, quiet),
    };
    let summary = runtime
        .block_on(crawl::crawl(fetcher, starts, opts, &mut on_event))
        .with_context(|| format!("writing the page store {}", fetcher.store().dir().display()))?;
    bar.finish_and_clear();
    Ok(summary)
}

/// The summary of a crawl.
pub fn print_summary(s: &Summary, secs: f64, store: &Path) {
    println!(
        "nianbao crawl: {} pages in {secs:.1}s, {} requests, store {}",
        s.fetch.urls,
        s.fetch.requests,
        store.display()
    );
    println!(
        "  listings    {:>6}   reports {}   attachments {}",
        s.listings, s.reports, s.attachments
    );
    if s.reports > 0 {
        let years: Vec<String> = s
            .report_years
            .iter()
            .map(|(y, n)| match y {
                0 => format!("no year: {n}"),
                y => format!("{y}: {n}"),
            })
            .collect();
        println!("  reports by the year in their title: {}", years.join(", "));
    }
    print_outcomes(&s.fetch);
    println!(
        "  left out: {} notices about reports, {} links to other hosts",
        s.notices, s.off_host
    );
    if s.over_budget > 0 {
        println!(
            "  {} more links left out: --max-pages reached (raise it to go on; stored pages are not fetched again)",
            s.over_budget
        );
    }
}
