//! `reports.jsonl` (one whole [`Report`](crate::model::Report) per line, in
//! input order) and `failures.jsonl` (one `{"input", "stage", "error"}` per
//! failed input).

use std::path::Path;

use serde::Serialize;

use super::{Files, Outcome, Rendered, Sink};
use crate::error::{self, Error, Result, Stage};

/// Writes `reports.jsonl`.
pub struct ReportsJsonl {
    file: Files,
}

impl ReportsJsonl {
    /// Creates the file in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        Ok(ReportsJsonl {
            file: Files::create(dir, &[("reports.jsonl", b"")])?,
        })
    }
}

impl Sink for ReportsJsonl {
    fn render(&self, outcome: &Outcome) -> Result<Rendered> {
        let mut line = Vec::new();
        if let Outcome::Extracted(x) = outcome {
            // Sized for the report, so that the line is not copied as it grows.
            let r = &x.report;
            line = Vec::with_capacity(
                1024 + r.figures.len() * 400 + r.cells.len() * 110 + r.checks.len() * 220,
            );
            serde_json::to_writer(&mut line, r).map_err(|source| Error::Serialize {
                what: "report",
                source,
            })?;
            line.push(b'\n');
        }
        Ok(Rendered(vec![line]))
    }

    fn write(&self, rendered: Rendered) -> Result<()> {
        self.file.append(rendered)
    }

    /// Serialises the report straight into the file.
    fn write_outcome(&self, outcome: &Outcome) -> Result<()> {
        let Outcome::Extracted(x) = outcome else {
            return Ok(());
        };
        self.file.stream(0, |f| {
            let path = f.path().to_path_buf();
            let out = f.writer();
            serde_json::to_writer(&mut *out, &x.report).map_err(|source| {
                if source.is_io() {
                    Error::Write {
                        path,
                        source: source.into(),
                    }
                } else {
                    Error::Serialize {
                        what: "report",
                        source,
                    }
                }
            })?;
            f.write_all(b"\n")
        })
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
    file: Files,
}

impl FailuresJsonl {
    /// Creates the file in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        Ok(FailuresJsonl {
            file: Files::create(dir, &[("failures.jsonl", b"")])?,
        })
    }
}

impl Sink for FailuresJsonl {
    fn render(&self, outcome: &Outcome) -> Result<Rendered> {
        let mut line = Vec::new();
        if let Outcome::Failed { input, error } = outcome {
            let f = Failure {
                input,
                stage: error.stage(),
                error: error::chain(error),
            };
            line = serde_json::to_vec(&f).map_err(|source| Error::Serialize {
                what: "failure",
                source,
            })?;
            line.push(b'\n');
        }
        Ok(Rendered(vec![line]))
    }

    fn write(&self, rendered: Rendered) -> Result<()> {
        self.file.append(rendered)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.file.commit()
    }
}
