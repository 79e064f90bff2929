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
    /// beside a page may give its stored content_type and url. A page store
    /// (written by fetch or crawl) gives its stored report pages. Other files
    /// are skipped with a warning.
    ///
    /// Writes reports.jsonl, reports.csv, figures.csv, cells.csv, checks.csv,
    /// failures.jsonl and manifest.json under --out, atomically. Output is
    /// byte-identical whatever --jobs is (manifest.json's "run" block aside).
    ///
    /// Examples:
    ///   nianbao extract fixtures/pages --out output
    ///   nianbao extract report.html notes.txt --out out --format jsonl --jobs 1
    #[command(verbatim_doc_comment, after_long_help = EXIT_CODES)]
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
    #[command(verbatim_doc_comment, after_long_help = FETCH_EXIT_CODES)]
    Fetch(FetchArgs),

    /// Find every annual report on a portal and store it, with its attachments.
    ///
    /// Starts at listing pages (a portal's 政府信息公开年报 column), follows
    /// their paging (下一页, 尾页, numbered pages, ?pageNum=2-style query
    /// strings, TRS createPageHTML script paging) and the links whose title
    /// (the anchor text, or its title attribute when the text is cut short
    /// with …) is a report's; notices about reports
    /// (关于做好…年度报告编制工作的通知, 工作要点, 解读) are left out. From
    /// each report it stores the linked .pdf .doc .docx .xls .xlsx .wps
    /// files as attachments. Everything fetch promises holds: politeness,
    /// retries, robots.txt, the store, resuming (stored pages are read back,
    /// not requested). Each page's kind (listing, report, attachment) and
    /// the page that linked to it go into the store's manifest;
    /// `nianbao extract DIR` takes the reports.
    ///
    /// Examples:
    ///   nianbao crawl http://www.example.gov.cn/zwgk/ndbg/ --store store
    ///   nianbao crawl http://a.gov.cn/col/col123/ http://b.gov.cn/ndbg/index.html --store store --delay 2s
    #[command(verbatim_doc_comment, after_long_help = FETCH_EXIT_CODES)]
    Crawl(CrawlArgs),

    /// Crawl and/or fetch, then extract, as a TOML configuration says.
    ///
    /// Without --config it runs the bundled default: extract fixtures/pages
    /// into output/ (what `nianbao` with no command does). See README.md for
    /// a configuration example.
    #[command(verbatim_doc_comment, after_long_help = EXIT_CODES)]
    Run(RunArgs),

    /// Compare extractions with expected reports (regression-test fixtures).
    ///
    /// Each case is a directory with one input (a page, text, PDF, DOCX or
    /// XLSX), an optional meta.json (content_type, url) and expected.json:
    /// the report as one line of reports.jsonl holds it, pretty-printed (or
    /// {"failure": {"stage", "error"}} for an input that must fail). This is
    /// the layout of fixtures/pages. A FIXTURES folder is a case, or holds
    /// cases (found recursively).
    ///
    /// Every case is extracted and compared field by field; each difference
    /// prints as `path: expected X, got Y`. --bless then writes the
    /// extraction to expected.json (also for cases without one).
    ///
    /// Examples:
    ///   nianbao check fixtures/pages
    ///   nianbao check my-cases --bless
    #[command(verbatim_doc_comment, after_long_help = CHECK_EXIT_CODES)]
    Check(CheckArgs),

    /// Print the data dictionary (dictionary.csv) to standard output.
    ///
    /// One row per column of every file extract writes: file, column, type,
    /// unit, meaning, and for each table-cell column its table, templates,
    /// printed row and column labels and the checks it takes part in. Every
    /// run writes the same rows, for the files it wrote, as dictionary.csv
    /// beside them.
    ///
    /// Example:
    ///   nianbao schema > dictionary.csv
    #[command(verbatim_doc_comment)]
    Schema,
}

/// Exit codes of `check`, shown under its --help.
pub const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0  every case gives its expected report (or, with --bless, the expected files were written)
  1  a case differs, has no expected file, or cannot be checked
  2  usage error (no such folder, no case in it)";

/// Flags of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Folders of cases (or single cases).
    #[arg(required = true)]
    pub fixtures: Vec<PathBuf>,

    /// After showing the differences, write each case's extraction to its
    /// expected.json.
    #[arg(long)]
    pub bless: bool,
}

/// Exit codes of `fetch`, shown under its --help.
pub const FETCH_EXIT_CODES: &str = "\
Exit codes:
  0  every URL (page) is stored or disallowed by robots.txt
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

    #[command(flatten)]
    pub polite: Politeness,
}

/// Flags of `crawl`.
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Listing pages to start from (a portal's 年度报告 column).
    #[arg(required = true, value_name = "START_URL")]
    pub starts: Vec<String>,

    /// The page store directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub store: PathBuf,

    /// Report titles: a regex over link titles (full-width forms and
    /// traditional characters folded first). Default: the
    /// 政府信息公开…年度报告 / 年报 family. Notices about reports are left out
    /// either way.
    #[arg(long = "match", value_name = "REGEX", value_parser = regex)]
    pub pattern: Option<regex::Regex>,

    /// Pages taken at most (listings, reports and attachments, stored
    /// before or fetched now).
    #[arg(long, value_name = "N", default_value_t = nianbao::crawl::DEFAULT_MAX_PAGES)]
    pub max_pages: usize,

    /// Follow listings and reports onto other hosts (by default only the
    /// start URL's host; attachments are taken from any host).
    #[arg(long)]
    pub all_hosts: bool,

    /// Fetch the listing pages again even when stored, to find reports
    /// published since the last crawl (stored reports and attachments are
    /// not requested again; --refresh revalidates everything).
    #[arg(long)]
    pub refresh_listings: bool,

    #[command(flatten)]
    pub polite: Politeness,
}

/// Flags of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The TOML configuration (see README.md). Without one, the bundled
    /// default runs: extract fixtures/pages into output/.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// The politeness flags of `fetch` and `crawl`.
#[derive(Debug, Args)]
pub struct Politeness {
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

    /// Let redirects and crawled links lead to loopback, private and
    /// link-local addresses (by default only the hosts of the URLs given
    /// may be on them).
    #[arg(long)]
    pub allow_private: bool,

    /// Revalidate pages already stored (ETag / Last-Modified) instead of
    /// skipping them.
    #[arg(long)]
    pub refresh: bool,

    /// Wait before the first retry; doubled for each further one, with jitter.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = duration)]
    pub backoff: Duration,
}

impl Politeness {
    /// The fetcher options these flags give.
    pub fn options(&self) -> nianbao::fetch::Options {
        nianbao::fetch::Options {
            delay: self.delay,
            per_host: self.per_host as usize,
            concurrency: self.concurrency as usize,
            retries: self.retries,
            timeout: self.timeout,
            max_bytes: self.max_bytes,
            user_agent: self.user_agent.clone(),
            robots: !self.ignore_robots,
            refresh: self.refresh,
            backoff: self.backoff,
            allow_private: self.allow_private,
            ..nianbao::fetch::Options::default()
        }
    }
}

fn regex(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(s).map_err(|e| e.to_string())
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
        default_value = "jsonl,csv,xlsx"
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
    /// reports.csv, states.csv, figures.csv, cells.csv, checks.csv
    Csv,
    /// dataset.xlsx: the CSV tables as typed sheets, with the dictionary
    Xlsx,
}
