//! Command-line flags. The doc comments are the help text.

use std::path::PathBuf;

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
