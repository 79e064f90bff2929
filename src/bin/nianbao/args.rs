//! Command-line flags. The doc comments are the help text.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turns China's 政府信息公开工作年度报告 (annual open-government-information
/// reports) into analysis-ready datasets.
///
/// Run without a command, it extracts the bundled fixture pages
/// (fixtures/pages) into output/ and prints a summary.
#[derive(Debug, Parser)]
#[command(name = "nianbao", version, after_long_help = EXIT_CODES)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Exit codes, shown under --help.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  every input was processed
  1  the run finished, but at least one input failed (see failures.jsonl)
  2  usage, configuration or fatal I/O error";

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract report pages into the dataset files.
    ///
    /// Inputs are files or directories (walked recursively, sorted). Accepted:
    /// .html .htm .shtml .xhtml (pages) and .txt (report text). A meta.json
    /// beside a page may give its stored content_type and url. Other files are
    /// skipped with a warning.
    ///
    /// Writes reports.jsonl, reports.csv, figures.csv, cells.csv, checks.csv,
    /// failures.jsonl and manifest.json under --out, atomically. Output is
    /// byte-identical whatever --jobs is (manifest.json's "run" block aside).
    ///
    /// Examples:
    ///   nianbao extract fixtures/pages --out output
    ///   nianbao extract report.html notes.txt --out out --format jsonl --jobs 1
    #[command(after_long_help = EXIT_CODES)]
    Extract(ExtractArgs),

    /// Download report pages into a page store, politely and resumably.
    ///
    /// URLs come from the command line and/or --urls FILE (one per line;
    /// blank lines and lines starting with # are ignored). Bodies are stored
    /// as served (after content decoding) under DIR/bodies/, named by content
    /// hash; DIR/manifest.jsonl gets one line per URL outcome (ok, failed
    /// with a reason, or robots). A re-run skips every URL already stored ok
    /// (no request at all) and retries the others; a killed run is completed
    /// by the next one. `nianbao extract DIR` then reads the stored pages.
    ///
    /// Politeness: at most --per-host requests in flight to a host, --delay
    /// between the starts of its requests (retries and redirect hops
    /// included; a longer robots.txt Crawl-delay wins), robots.txt obeyed,
    /// Retry-After obeyed, exponential backoff with jitter on timeouts,
    /// resets, 408, 429 and 5xx.
    ///
    /// Examples:
    ///   nianbao fetch --urls urls.txt --store store
    ///   nianbao fetch http://www.example.gov.cn/zwgk/ndbg/2023.html --store store --delay 2s
    #[command(after_long_help = FETCH_EXIT_CODES)]
    Fetch(FetchArgs),
}

/// Exit codes of `fetch`, shown under its --help.
pub const FETCH_EXIT_CODES: &str = "\
Exit codes:
  0  every URL is stored (or disallowed by robots.txt)
  1  the run finished, but at least one URL failed (see the store's manifest.jsonl)
  2  usage, configuration or fatal I/O error (the store cannot be written)";

/// Flags of `fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// URLs to fetch.
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,

    /// A file of URLs, one per line.
    #[arg(long = "urls", value_name = "FILE")]
    pub urls_file: Option<PathBuf>,

    /// The page store directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,

    /// Time between the starts of consecutive requests to one host
    /// (300ms, 2s, 1m).
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = duration)]
    pub delay: Duration,

    /// Requests in flight to one host at most.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub per_host: u64,

    /// Requests in flight in all at most.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..))]
    pub concurrency: u64,

    /// Retries of a failed request (timeouts, resets, 408, 429, 5xx).
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,

    /// Limit for one request, from sending it to the last byte of the body.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = duration)]
    pub timeout: Duration,

    /// Largest body stored, after content decoding; a longer one fails the
    /// URL (never stored truncated).
    #[arg(long, value_name = "N", default_value_t = 20_000_000)]
    pub max_bytes: u64,

    /// The User-Agent header (name the tool and a way to reach you).
    #[arg(long, value_name = "S", default_value = nianbao::fetch::DEFAULT_USER_AGENT)]
    pub user_agent: String,

    /// Do not fetch or obey robots.txt.
    #[arg(long)]
    pub ignore_robots: bool,

    /// Revalidate pages already stored (ETag / Last-Modified) instead of
    /// skipping them.
    #[arg(long)]
    pub refresh: bool,

    /// Wait before the first retry; doubled for each further one, with jitter.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = duration)]
    pub backoff: Duration,
}

fn duration(s: &str) -> Result<Duration, String> {
    nianbao::fetch::parse_duration(s)
}

/// Flags of `extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or directories to extract.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,

    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub out: PathBuf,

    /// Output formats, comma-separated.
    #[arg(
        long,
        value_name = "FORMATS",
        value_delimiter = ',',
        default_value = "jsonl,csv"
    )]
    pub format: Vec<Format>,

    /// Worker threads (default: every core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Also write each report's normalised text (the text offsets refer to)
    /// to texts/<id>.txt.
    #[arg(long)]
    pub text: bool,

    /// Inputs larger than this many bytes fail instead of being read.
    #[arg(long, value_name = "BYTES", default_value_t = nianbao::pipeline::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// reports.jsonl
    Jsonl,
    /// reports.csv, figures.csv, cells.csv, checks.csv
    Csv,
}
