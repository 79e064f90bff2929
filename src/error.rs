//! The library's error type.
//!
//! A failure on one input is data, not an early return: the pipeline turns an
//! [`Error`] into a line of `failures.jsonl` (with its [`Stage`]) and goes on with
//! the next input. Only run-level problems (an output directory that cannot be
//! written) end a run.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in the library.
///
/// The messages can change over time; match on the variant, not on the text.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input file could not be read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The input.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// An input holds no bytes at all.
    #[error("input is empty (0 bytes)")]
    Empty,
    /// An input is larger than the configured limit.
    #[error("input is {bytes} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input.
        bytes: u64,
        /// The limit in force.
        limit: u64,
    },
    /// An input is not text (a binary file, an image, a PDF under an HTML name).
    #[error("not a text document: {reason}")]
    Binary {
        /// What gave it away.
        reason: String,
    },
    /// A document nianbao cannot read: a legacy binary format, an encrypted
    /// or damaged PDF, a PDF without a text layer.
    #[error("unsupported: {reason}")]
    Unsupported {
        /// What it is and why it cannot be read.
        reason: String,
    },
    /// A stored body whose bytes no longer hash to what the page store
    /// recorded when it was fetched.
    #[error(
        "the stored body does not match the SHA-256 the store recorded ({expected}; the \
         file hashes to {actual}): it was changed or damaged after fetching; `nianbao fetch` \
         on the store replaces it"
    )]
    Integrity {
        /// The recorded hash.
        expected: String,
        /// The hash of the bytes read.
        actual: String,
    },
    /// An input decoded to text that holds no report at all.
    #[error("no text left after decoding and boilerplate removal")]
    NoText,
    /// An output file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// An output record could not be serialised.
    #[error("cannot serialise {what}")]
    Serialize {
        /// What was being written.
        what: &'static str,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// A CSV row could not be formatted.
    #[error("cannot format a row of {what}")]
    Csv {
        /// The file the row was for.
        what: &'static str,
        /// The underlying error.
        #[source]
        source: csv::Error,
    },
    /// A page store (see [`store`](crate::store)) could not be
    /// read or written.
    #[error("page store: cannot use {}", path.display())]
    Store {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Another process is writing the page store.
    #[error(
        "page store {} is in use by {holder}: one fetch, crawl or run writes a store at a time; \
         wait for it to finish (nothing was changed)",
        dir.display()
    )]
    StoreBusy {
        /// The store directory.
        dir: PathBuf,
        /// Who holds it, as the lock file says.
        holder: String,
    },
    /// The HTTP client could not be set up (a bad user agent, say).
    #[error("cannot set up the HTTP client: {message}")]
    Client {
        /// What went wrong.
        message: String,
    },
    /// A bug: processing one input panicked. The input is reported as failed and
    /// the run goes on.
    #[error("internal error while processing this input: {message}")]
    Internal {
        /// The panic message.
        message: String,
    },
}

/// Text for a terminal or a log line: control characters (a newline or an
/// escape sequence in a file name or URL) are shown as `\u{..}` escapes.
pub fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`printable`] for bytes that may not be UTF-8 (a file name): bytes that
/// are not UTF-8 are shown as `\xNN`, so two different names never print
/// alike.
pub fn printable_bytes(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    for chunk in b.utf8_chunks() {
        out.push_str(&printable(chunk.valid()));
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

impl Error {
    /// The pipeline stage this error belongs to, as written to `failures.jsonl`.
    pub fn stage(&self) -> Stage {
        match self {
            Error::Read { .. }
            | Error::Empty
            | Error::TooLarge { .. }
            | Error::Store { .. }
            | Error::StoreBusy { .. }
            | Error::Integrity { .. } => Stage::Read,
            Error::Client { .. } => Stage::Internal,
            Error::Binary { .. } | Error::Unsupported { .. } => Stage::Decode,
            Error::NoText => Stage::Extract,
            Error::Write { .. } | Error::Serialize { .. } | Error::Csv { .. } => Stage::Write,
            Error::Internal { .. } => Stage::Internal,
        }
    }
}

/// Pipeline stages, named in `failures.jsonl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Reading the input bytes.
    Read,
    /// Turning bytes into text.
    Decode,
    /// Parsing HTML and finding the report body.
    Parse,
    /// Pulling figures, metadata and tables out of the text.
    Extract,
    /// Writing outputs.
    Write,
    /// A caught panic (a bug).
    Internal,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Read => "read",
            Stage::Decode => "decode",
            Stage::Parse => "parse",
            Stage::Extract => "extract",
            Stage::Write => "write",
            Stage::Internal => "internal",
        })
    }
}

/// `Result` with the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// The error and its whole chain of causes on one line, as `failures.jsonl` and
/// the binary print it.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        out.push_str(": ");
        out.push_str(&e.to_string());
        cur = e.source();
    }
    out
}
