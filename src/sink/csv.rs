//! The CSV tables: `reports.csv` (wide: one row per report, every cell key a
//! column), `figures.csv`, `cells.csv` (long/tidy) and `checks.csv`.
//!
//! UTF-8, a header row, RFC 4180 quoting. A text field that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return and is not a number gets a
//! leading `'` so that spreadsheets do not evaluate it.
//!
//! `reports.csv` columns, in order: [`REPORT_COLUMNS`], then every key of
//! [`cell_keys`](crate::model::cell_keys) (the cell's value; empty when
//! absent or blank), then `checks_pass, checks_fail, checks_na`.

use std::borrow::Cow;
use std::path::Path;

use super::{AtomicFile, Outcome, Sink};
use crate::error::Result;
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

/// A CSV file: RFC 4180 quoting (a field is quoted only when it holds a
/// comma, a quote or a line break), rows buffered and written in blocks.
struct Writer {
    file: AtomicFile,
    buf: Vec<u8>,
    first: bool,
}

impl Writer {
    fn create(dir: &Path, name: &str, header: &[&str]) -> Result<Writer> {
        let mut w = Writer {
            file: AtomicFile::create(dir, name)?,
            buf: Vec::with_capacity(128 * 1024),
            first: true,
        };
        for h in header {
            w.field(h);
        }
        w.end_row()?;
        Ok(w)
    }

    fn field(&mut self, s: &str) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.buf.push(b'"');
            for part in s.split('"').enumerate() {
                if part.0 > 0 {
                    self.buf.extend_from_slice(b"\"\"");
                }
                self.buf.extend_from_slice(part.1.as_bytes());
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(s.as_bytes());
        }
    }

    /// A text field, neutralised for spreadsheets.
    fn text(&mut self, s: &str) {
        let s = safe(s);
        self.field(&s);
    }

    fn number(&mut self, v: Option<f64>) {
        match v {
            // Whole numbers (nearly all of them) without an allocation.
            Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => {
                self.field(itoa::Buffer::new().format(v as i64))
            }
            Some(v) => self.field(&format_number(v)),
            None => self.field(""),
        }
    }

    fn end_row(&mut self) -> Result<()> {
        self.buf.push(b'\n');
        self.first = true;
        if self.buf.len() >= 64 * 1024 {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        self.file.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.flush()?;
        self.file.commit()
    }
}

/// Writes the four CSV tables.
pub struct CsvTables {
    reports: Writer,
    figures: Writer,
    cells: Writer,
    checks: Writer,
    /// Column of each cell key in `reports.csv` (after the metadata columns).
    column: std::collections::HashMap<String, usize>,
    /// One report's cell values, by column (reused).
    values: Vec<Option<f64>>,
}

impl CsvTables {
    /// Creates the files in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        let keys = model::cell_keys();
        let mut header: Vec<&str> = REPORT_COLUMNS.to_vec();
        header.extend(keys.iter().map(String::as_str));
        header.extend(["checks_pass", "checks_fail", "checks_na"]);
        Ok(CsvTables {
            reports: Writer::create(dir, "reports.csv", &header)?,
            figures: Writer::create(dir, "figures.csv", &FIGURE_COLUMNS)?,
            cells: Writer::create(dir, "cells.csv", &CELL_COLUMNS)?,
            checks: Writer::create(dir, "checks.csv", &CHECK_COLUMNS)?,
            values: vec![None; keys.len()],
            column: keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect(),
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

impl Sink for CsvTables {
    fn write(&mut self, outcome: &Outcome) -> Result<()> {
        let Outcome::Extracted(x) = outcome else {
            return Ok(());
        };
        let r = &x.report;
        let count = |s: CheckStatus| r.checks.iter().filter(|c| c.status == s).count();
        let w = &mut self.reports;
        w.field(&r.id);
        w.text(&r.source.path);
        w.text(r.source.url.as_deref().unwrap_or(""));
        w.field(&r.source.sha256);
        w.field(&r.source.bytes.to_string());
        w.field(&r.source.encoding);
        w.field(r.source.encoding_from.as_str());
        w.text(r.title.as_deref().unwrap_or(""));
        w.text(r.agency.as_deref().unwrap_or(""));
        w.field(&r.year.map(|y| y.to_string()).unwrap_or_default());
        w.text(r.published.as_deref().unwrap_or(""));
        w.text(r.signed.as_deref().unwrap_or(""));
        w.field(
            r.period
                .as_ref()
                .and_then(|p| p.start.as_deref())
                .unwrap_or(""),
        );
        w.field(
            r.period
                .as_ref()
                .and_then(|p| p.end.as_deref())
                .unwrap_or(""),
        );
        w.field(r.template.as_str());
        w.field(&r.sections.len().to_string());
        w.field(&r.figures.len().to_string());
        w.field(&r.cells.len().to_string());
        w.field(&r.warnings.len().to_string());
        self.values.iter_mut().for_each(|v| *v = None);
        for (key, cell) in &r.cells {
            if let Some(&i) = self.column.get(key.as_str()) {
                self.values[i] = cell.value;
            }
        }
        for &v in &self.values {
            w.number(v);
        }
        for status in [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Na] {
            w.field(&count(status).to_string());
        }
        w.end_row()?;

        for f in &r.figures {
            let w = &mut self.figures;
            w.field(&r.id);
            w.field(&f.section.map(|s| s.to_string()).unwrap_or_default());
            w.text(&f.label);
            w.number(Some(f.value));
            w.text(&f.unit);
            w.field(f.qualifier.as_str());
            w.text(&f.text);
            w.field(&f.start.to_string());
            w.field(&f.end.to_string());
            w.text(&f.raw);
            w.end_row()?;
        }
        for (key, c) in &r.cells {
            let mut parts = key.splitn(3, "__");
            let w = &mut self.cells;
            w.field(&r.id);
            w.field(key);
            w.field(parts.next().unwrap_or(""));
            w.field(parts.next().unwrap_or(""));
            w.field(parts.next().unwrap_or(""));
            w.number(c.value);
            w.text(&c.raw);
            w.field(c.state.as_str());
            w.field(if c.inferred { "true" } else { "false" });
            w.end_row()?;
        }
        for c in &r.checks {
            let w = &mut self.checks;
            w.field(&r.id);
            w.text(&c.rule);
            w.field(c.status.as_str());
            w.number(c.expected);
            w.number(c.actual);
            w.text(&c.detail);
            w.end_row()?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let this = *self;
        // Flushing, syncing and renaming wait on the disk: all four at once.
        finish_all(
            [this.reports, this.figures, this.cells, this.checks]
                .into_iter()
                .map(|w| move || w.finish()),
        )
    }
}

use super::finish_all;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::create(dir.path(), "t.csv", &["a", "b"]).unwrap();
        w.field("x,y");
        w.field("say \"hi\"");
        w.end_row().unwrap();
        w.field("line\nbreak");
        w.text("=1+1");
        w.end_row().unwrap();
        w.finish().unwrap();
        let got = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
        assert_eq!(
            got,
            "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"line\nbreak\",'=1+1\n"
        );
    }

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
