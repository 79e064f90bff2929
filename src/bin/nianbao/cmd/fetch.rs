//! `nianbao fetch`: URLs → page store, with a progress bar and a summary.
//! Also the pieces `crawl` and `run` share: the store and fetcher, the
//! runtime, the progress bar.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nianbao::fetch::{Event, Fetcher, Options, Summary};
use nianbao::store::{FetchOutcome, PageKind, Record, Store};

use crate::args::FetchArgs;

/// Runs a fetch; returns the exit code (0 all stored, 1 some URL failed).
pub fn run(args: &FetchArgs, quiet: bool) -> anyhow::Result<u8> {
    let files: Vec<PathBuf> = args.urls_file.iter().cloned().collect();
    let urls = read_urls(&args.urls, &files)?;
    if urls.is_empty() {
        bail!("no URLs: give them as arguments or with --urls FILE");
    }
    let fetcher = open(&args.store, args.polite.options(), quiet)?;
    let runtime = runtime()?;
    stop_on_interrupt(&runtime, &fetcher);
    let started = Instant::now();
    let summary = fetch(&runtime, &fetcher, &urls, quiet)?;
    if !quiet {
        print_summary(&summary, started.elapsed().as_secs_f64(), &args.store);
    }
    Ok(if summary.interrupted {
        INTERRUPTED
    } else if summary.failed_total() + summary.blocked_total() > 0 {
        1
    } else {
        0
    })
}

/// `urls` and the URLs listed in `files` (one per line; blank lines and
/// lines starting with # ignored).
pub fn read_urls(urls: &[String], files: &[PathBuf]) -> anyhow::Result<Vec<String>> {
    let mut all = urls.to_vec();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading URLs from {}", file.display()))?;
        all.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(String::from),
        );
    }
    Ok(all)
}

/// Opens the store (warning about unreadable manifest lines) and a fetcher on it.
pub fn open(store: &Path, opts: Options, quiet: bool) -> anyhow::Result<Arc<Fetcher>> {
    let opened = Store::open(store)
        .with_context(|| format!("opening the page store {}", store.display()))?;
    if !quiet {
        for w in opened.warnings() {
            eprintln!("nianbao: {w}");
        }
    }
    Ok(Arc::new(Fetcher::new(Arc::new(opened), opts)?))
}

/// Ctrl-C stops the run gently ([`Fetcher::stop`]: the summary is still
/// printed, exit 130); a second Ctrl-C quits at once.
pub fn stop_on_interrupt(runtime: &tokio::runtime::Runtime, fetcher: &Arc<Fetcher>) {
    let fetcher = fetcher.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            fetcher.stop();
            eprintln!(
                "nianbao: interrupted: finishing the requests in flight (Ctrl-C again to quit now)"
            );
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
}

/// Gives Ctrl-C back its default effect (ending the process) once the
/// network part of a run is over: the async runtime's handler would
/// otherwise keep swallowing it during extraction, whose outputs are
/// written atomically and need no gentle stop.
pub fn default_interrupt() {
    #[cfg(unix)]
    // SAFETY: restores the default disposition of one signal; no handler
    // of ours runs afterwards.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
    }
}

/// The exit code of an interrupted run.
pub const INTERRUPTED: u8 = 130;

/// One runtime for every host: tasks, not threads.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// A progress bar on a terminal's stderr; hidden otherwise or when quiet.
pub fn bar(quiet: bool) -> ProgressBar {
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
    bar
}

/// Prints a failed URL above the bar.
pub fn report_failure(bar: &ProgressBar, rec: &Record, quiet: bool) {
    if matches!(rec.outcome, FetchOutcome::Failed | FetchOutcome::Blocked) && !quiet {
        bar.suspend(|| {
            eprintln!(
                "nianbao: {}: {}",
                nianbao::error::printable(&rec.url),
                nianbao::error::printable(rec.error.as_deref().unwrap_or("failed"))
            )
        });
    }
}

/// Fetches `urls` as reports, with a progress bar.
pub fn fetch(
    runtime: &tokio::runtime::Runtime,
    fetcher: &Arc<Fetcher>,
    urls: &[String],
    quiet: bool,
) -> anyhow::Result<Summary> {
    let bar = bar(quiet);
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
            report_failure(&bar, rec, quiet);
        }
    };
    let summary = runtime
        .block_on(fetcher.fetch_all(urls, PageKind::Report, &mut on_event))
        .with_context(|| format!("writing the page store {}", fetcher.store().dir().display()))?;
    bar.finish_and_clear();
    Ok(summary)
}

/// The summary of a fetch.
pub fn print_summary(s: &Summary, secs: f64, store: &Path) {
    println!(
        "nianbao fetch: {} URLs in {secs:.1}s, {} requests, store {}",
        s.urls,
        s.requests,
        store.display()
    );
    print_outcomes(s);
}

/// The outcome lines of a fetch or crawl summary.
pub fn print_outcomes(s: &Summary) {
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
    if s.blocked_total() > 0 {
        println!(
            "  blocked     {:>6}   (block pages, challenges or script shells; nothing stored, the next run asks again)",
            s.blocked_total()
        );
        for (host, reasons) in &s.blocked {
            let list: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
            println!("    {host}: {}", list.join(", "));
        }
        println!(
            "  these hosts answered with block or challenge pages: try again later with a slower --delay (5s or more) and a --user-agent that names you"
        );
    }
    if s.interrupted {
        let left = s
            .urls
            .saturating_sub(s.stored_before + s.ok + s.robots + s.failed_total());
        println!("  interrupted: {left} URLs not requested; run again to go on");
    }
}
