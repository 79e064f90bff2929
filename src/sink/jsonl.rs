//! `reports.jsonl` (one whole [`Report`](crate::model::Report) per line, in
//! input order) and `failures.jsonl` (one `{"input", "stage", "error"}` per
//! failed input).

use std::path::Path;

use serde::Serialize;

use super::{AtomicFile, Outcome, Sink};
use crate::error::{self, Error, Result, Stage};

/// Writes `reports.jsonl`.
pub struct ReportsJsonl {
    file: AtomicFile,
}

impl ReportsJsonl {
    /// Creates the file in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        Ok(ReportsJsonl {
            file: AtomicFile::create(dir, "reports.jsonl")?,
        })
    }
}

impl Sink for ReportsJsonl {
    fn write(&mut self, outcome: &Outcome) -> Result<()> {
        if let Outcome::Extracted(x) = outcome {
            let mut line = serde_json::to_vec(&x.report).map_err(|source| Error::Serialize {
                what: "report",
                source,
            })?;
            line.push(b'\n');
            self.file.write_all(&line)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.file.commit()
    }
}

/// One line of `failures.jsonl`.
#[derive(Debug, Serialize)]
pub struct Failure<'a> {
    /// The input path as given.
    pub input: &'a str,
    /// The stage that failed.
    pub stage: Stage,
    /// The reason, with its causes.
    pub error: String,
}

/// Writes `failures.jsonl`.
pub struct FailuresJsonl {
    file: AtomicFile,
}

impl FailuresJsonl {
    /// Creates the file in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        Ok(FailuresJsonl {
            file: AtomicFile::create(dir, "failures.jsonl")?,
        })
    }
}

impl Sink for FailuresJsonl {
    fn write(&mut self, outcome: &Outcome) -> Result<()> {
        if let Outcome::Failed { input, error } = outcome {
            let f = Failure {
                input,
                stage: error.stage(),
                error: error::chain(error),
            };
            let mut line = serde_json::to_vec(&f).map_err(|source| Error::Serialize {
                what: "failure",
                source,
            })?;
            line.push(b'\n');
            self.file.write_all(&line)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.file.commit()
    }
}
