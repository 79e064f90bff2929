//! The CSV tables: `reports.csv` (wide: one row per report, every cell key a
//! column), `figures.csv`, `cells.csv` (long/tidy) and `checks.csv`.
//!
//! UTF-8, a header row, RFC 4180 quoting. A text field that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number gets a
//! leading `'` so that spreadsheets do not evaluate it.
//!
//! `reports.csv` columns, in order: [`REPORT_COLUMNS`], then every key of
//! [`model::cell_keys`](crate::model::cell_keys) (the cell's value; empty when
//! absent or blank), then `checks_pass, checks_fail, checks_na`.

use std::borrow::Cow;
use std::path::Path;

use super::{AtomicFile, Outcome, Sink};
use crate::error::{Error, Result};
use crate::model::{self, CheckStatus, format_number};

/// The metadata columns of `reports.csv`.
pub const REPORT_COLUMNS: [&str; 19] = [
    "id",
    "path",
    "url",
    "sha256",
    "bytes",
    "encoding",
    "encoding_from",
    "title",
    "agency",
    "year",
    "published",
    "signed",
    "period_start",
    "period_end",
    "template",
    "sections",
    "figures",
    "cells",
    "warnings",
];

/// Columns of `figures.csv`.
pub const FIGURE_COLUMNS: [&str; 10] = [
    "report_id",
    "section",
    "label",
    "value",
    "unit",
    "qualifier",
    "text",
    "start",
    "end",
    "raw",
];

/// Columns of `cells.csv`.
pub const CELL_COLUMNS: [&str; 9] = [
    "report_id",
    "key",
    "table",
    "row",
    "column",
    "value",
    "raw",
    "state",
    "inferred",
];

/// Columns of `checks.csv`.
pub const CHECK_COLUMNS: [&str; 6] = [
    "report_id",
    "rule",
    "status",
    "expected",
    "actual",
    "detail",
];

type Writer = ::csv::Writer<AtomicFile>;

/// Writes the four CSV tables.
pub struct CsvTables {
    reports: Writer,
    figures: Writer,
    cells: Writer,
    checks: Writer,
    keys: Vec<String>,
}

fn open(dir: &Path, name: &str, header: &[&str]) -> Result<Writer> {
    let file = AtomicFile::create(dir, name)?;
    let path = file.path().to_path_buf();
    let mut w = ::csv::WriterBuilder::new()
        .flexible(false)
        .from_writer(file);
    w.write_record(header)
        .map_err(|source| Error::Csv { path, source })?;
    Ok(w)
}

impl CsvTables {
    /// Creates the files in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        let keys = model::cell_keys();
        let mut header: Vec<&str> = REPORT_COLUMNS.to_vec();
        header.extend(keys.iter().map(String::as_str));
        header.extend(["checks_pass", "checks_fail", "checks_na"]);
        Ok(CsvTables {
            reports: open(dir, "reports.csv", &header)?,
            figures: open(dir, "figures.csv", &FIGURE_COLUMNS)?,
            cells: open(dir, "cells.csv", &CELL_COLUMNS)?,
            checks: open(dir, "checks.csv", &CHECK_COLUMNS)?,
            keys,
        })
    }
}

/// Neutralises a text field for spreadsheets (see the module docs).
pub fn safe(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

fn opt(s: &Option<String>) -> Cow<'_, str> {
    s.as_deref().map_or(Cow::Borrowed(""), safe)
}

fn write(w: &mut Writer, record: &[Cow<'_, str>]) -> Result<()> {
    w.write_record(record.iter().map(|c| c.as_bytes()))
        .map_err(|source| Error::Csv {
            path: w.get_ref().path().to_path_buf(),
            source,
        })
}

impl Sink for CsvTables {
    fn write(&mut self, outcome: &Outcome) -> Result<()> {
        let Outcome::Extracted(x) = outcome else {
            return Ok(());
        };
        let r = &x.report;
        let count = |s: CheckStatus| {
            r.checks
                .iter()
                .filter(|c| c.status == s)
                .count()
                .to_string()
        };
        let mut row: Vec<Cow<str>> = vec![
            Cow::Borrowed(&r.id),
            safe(&r.source.path),
            opt(&r.source.url),
            Cow::Borrowed(&r.source.sha256),
            Cow::Owned(r.source.bytes.to_string()),
            Cow::Borrowed(&r.source.encoding),
            Cow::Borrowed(r.source.encoding_from.as_str()),
            opt(&r.title),
            opt(&r.agency),
            Cow::Owned(r.year.map(|y| y.to_string()).unwrap_or_default()),
            opt(&r.published),
            opt(&r.signed),
            Cow::Owned(
                r.period
                    .as_ref()
                    .and_then(|p| p.start.clone())
                    .unwrap_or_default(),
            ),
            Cow::Owned(
                r.period
                    .as_ref()
                    .and_then(|p| p.end.clone())
                    .unwrap_or_default(),
            ),
            Cow::Borrowed(r.template.as_str()),
            Cow::Owned(r.sections.len().to_string()),
            Cow::Owned(r.figures.len().to_string()),
            Cow::Owned(r.cells.len().to_string()),
            Cow::Owned(r.warnings.len().to_string()),
        ];
        for key in &self.keys {
            row.push(Cow::Owned(
                r.cells
                    .get(key)
                    .and_then(|c| c.value)
                    .map(format_number)
                    .unwrap_or_default(),
            ));
        }
        row.extend([
            Cow::Owned(count(CheckStatus::Pass)),
            Cow::Owned(count(CheckStatus::Fail)),
            Cow::Owned(count(CheckStatus::Na)),
        ]);
        write(&mut self.reports, &row)?;

        for f in &r.figures {
            write(
                &mut self.figures,
                &[
                    Cow::Borrowed(&r.id),
                    Cow::Owned(f.section.map(|s| s.to_string()).unwrap_or_default()),
                    safe(&f.label),
                    Cow::Owned(format_number(f.value)),
                    safe(&f.unit),
                    Cow::Borrowed(f.qualifier.as_str()),
                    safe(&f.text),
                    Cow::Owned(f.start.to_string()),
                    Cow::Owned(f.end.to_string()),
                    safe(&f.raw),
                ],
            )?;
        }
        for (key, c) in &r.cells {
            let mut parts = key.splitn(3, "__");
            let (table, row, column) = (
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            write(
                &mut self.cells,
                &[
                    Cow::Borrowed(&r.id),
                    Cow::Borrowed(key),
                    Cow::Borrowed(table),
                    Cow::Borrowed(row),
                    Cow::Borrowed(column),
                    Cow::Owned(c.value.map(format_number).unwrap_or_default()),
                    safe(&c.raw),
                    Cow::Borrowed(c.state.as_str()),
                    Cow::Borrowed(if c.inferred { "true" } else { "false" }),
                ],
            )?;
        }
        for c in &r.checks {
            write(
                &mut self.checks,
                &[
                    Cow::Borrowed(&r.id),
                    safe(&c.rule),
                    Cow::Borrowed(c.status.as_str()),
                    Cow::Owned(c.expected.map(format_number).unwrap_or_default()),
                    Cow::Owned(c.actual.map(format_number).unwrap_or_default()),
                    safe(&c.detail),
                ],
            )?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let this = *self;
        for w in [this.reports, this.figures, this.cells, this.checks] {
            let path = w.get_ref().path().to_path_buf();
            let file = w.into_inner().map_err(|e| Error::Write {
                path,
                source: std::io::Error::other(e.error().to_string()),
            })?;
            file.commit()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised() {
        assert_eq!(safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(safe("+86 0715"), "'+86 0715");
        assert_eq!(safe("@x"), "'@x");
        assert_eq!(safe("-1"), "-1");
        assert_eq!(safe("-2.5"), "-2.5");
        assert_eq!(safe("正文"), "正文");
    }
}
