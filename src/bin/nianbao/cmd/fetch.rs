//! `nianbao fetch`: URLs → page store, with a progress bar and a summary.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::fetch::store::{FetchOutcome, PageKind, Store};
use nianbao::fetch::{Event, Fetcher, Options, Summary};

use crate::args::FetchArgs;

/// Runs a fetch; returns the exit code (0 all stored, 1 some URL failed).
pub fn run(args: &FetchArgs, quiet: bool) -> anyhow::Result<u8> {
    let mut urls = args.urls.clone();
    if let Some(file) = &args.urls_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading URLs from {}", file.display()))?;
        urls.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    if urls.is_empty() {
        bail!("no URLs: give them as arguments or with --urls FILE");
    }
    let opts = Options {
        delay: args.delay,
        per_host: args.per_host as usize,
        concurrency: args.concurrency as usize,
        retries: args.retries,
        timeout: args.timeout,
        max_bytes: args.max_bytes,
        user_agent: args.user_agent.clone(),
        robots: !args.ignore_robots,
        refresh: args.refresh,
        backoff: args.backoff,
        ..Options::default()
    };
    let store = Store::open(&args.store)
        .with_context(|| format!("opening the page store {}", args.store.display()))?;
    if !quiet {
        for w in store.warnings() {
            eprintln!("nianbao: {w}");
        }
    }
    let fetcher = Arc::new(Fetcher::new(Arc::new(store), opts)?);
    // One runtime for every host: tasks, not threads.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let bar = ProgressBar::with_draw_target(
        None,
        if !quiet && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .expect("valid template"),
    );
    let started = Instant::now();
    let mut on_event = |e: Event<'_>| match e {
        Event::Start { total, stored } => {
            bar.set_length(total as u64);
            bar.set_position(stored as u64);
            if stored > 0 {
                bar.set_message(format!("({stored} already stored)"));
            }
        }
        Event::Done(rec) => {
            bar.inc(1);
            if rec.outcome == FetchOutcome::Failed && !quiet {
                bar.suspend(|| {
                    eprintln!(
                        "nianbao: {}: {}",
                        rec.url,
                        rec.error.as_deref().unwrap_or("failed")
                    )
                });
            }
        }
    };
    let summary = runtime
        .block_on(fetcher.fetch_all(&urls, PageKind::Report, &mut on_event))
        .with_context(|| format!("writing the page store {}", args.store.display()))?;
    bar.finish_and_clear();
    if !quiet {
        print_summary(&summary, started.elapsed().as_secs_f64(), args);
    }
    Ok(if summary.failed_total() > 0 { 1 } else { 0 })
}

fn print_summary(s: &Summary, secs: f64, args: &FetchArgs) {
    println!(
        "nianbao fetch: {} URLs in {secs:.1}s, {} requests, store {}",
        s.urls,
        s.requests,
        args.store.display()
    );
    println!("  stored      {:>6}", s.ok);
    println!(
        "  already     {:>6}   (stored by an earlier run; not requested)",
        s.stored_before
    );
    println!(
        "  robots      {:>6}   (disallowed by robots.txt; not requested)",
        s.robots
    );
    println!("  failed      {:>6}", s.failed_total());
    for (reason, n) in &s.failed {
        println!("    {reason:<12}{n:>4}");
    }
}
