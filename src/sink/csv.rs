//! The CSV tables: `reports.csv` (wide: one row per report, every cell key a
//! column), `states.csv` (the same shape: what each of those cells holds),
//! `figures.csv`, `cells.csv` (long/tidy), `checks.csv` and `panel.csv` (one
//! row per agency × year × metric, [`panel`](crate::panel)).
//!
//! UTF-8, a header row, RFC 4180 quoting, every field as printed: these
//! files are for programs (a figure's `text` is exactly its `start..end` of
//! the report text). Spreadsheets are not guarded against here: a leading
//! `'` would change the data for every program that reads it.
//!
//! `reports.csv` columns, in order: [`REPORT_COLUMNS`], then every key of
//! [`cell_keys`](crate::model::cell_keys) (the cell's value; empty when
//! absent or blank), then `checks_pass, checks_fail, checks_na`.

use std::path::Path;

use super::{Files, Outcome, Rendered, Sink};
use crate::error::{Error, Result};
use crate::model::{self, CheckStatus, format_number};

/// The files, in the order of their parts in a [`Rendered`].
pub const FILES: [&str; 6] = [
    "reports.csv",
    "states.csv",
    "figures.csv",
    "cells.csv",
    "checks.csv",
    "panel.csv",
];

/// The metadata columns of `reports.csv`.
pub const REPORT_COLUMNS: [&str; 26] = [
    "id",
    "path",
    "url",
    "sha256",
    "bytes",
    "encoding",
    "encoding_from",
    "title",
    "agency",
    "agency_id",
    "year",
    "published",
    "signed",
    "period_start",
    "period_end",
    "template",
    "t2_status",
    "t2_reason",
    "t3_status",
    "t3_reason",
    "t4_status",
    "t4_reason",
    "sections",
    "figures",
    "cells",
    "warnings",
];

/// Columns of `figures.csv`.
pub const FIGURE_COLUMNS: [&str; 11] = [
    "report_id",
    "section",
    "label",
    "value",
    "unit",
    "unit_simplified",
    "qualifier",
    "text",
    "start",
    "end",
    "raw",
];

/// Columns of `cells.csv`.
pub const CELL_COLUMNS: [&str; 11] = [
    "report_id",
    "key",
    "table",
    "row",
    "column",
    "value",
    "raw",
    "state",
    "inferred",
    "source",
    "page",
];

/// Columns of `checks.csv`.
pub const CHECK_COLUMNS: [&str; 7] = [
    "report_id",
    "rule",
    "status",
    "expected",
    "actual",
    "detail",
    "other_report_id",
];

/// CSV rows being rendered into memory by the `csv` crate: RFC 4180
/// quoting (a field is quoted only when it holds a comma, a quote or a line
/// break), `\n` line ends.
struct Rows {
    w: csv::Writer<Vec<u8>>,
    /// The file the rows are for (named in errors).
    what: &'static str,
}

impl Rows {
    /// Rows for `what`, into a buffer of about `capacity` bytes.
    fn new(what: &'static str, capacity: usize) -> Rows {
        Rows {
            w: Rows::writer(capacity),
            what,
        }
    }

    /// A writer into a buffer of `capacity` bytes (it grows as needed).
    fn writer(capacity: usize) -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .quote_style(csv::QuoteStyle::Necessary)
            .buffer_capacity(1024)
            .from_writer(Vec::with_capacity(capacity))
    }

    /// Starts rows for another file, into a buffer of about `capacity`
    /// bytes.
    fn next(&mut self, what: &'static str, capacity: usize) {
        self.w = Rows::writer(capacity);
        self.what = what;
    }

    /// A header row.
    fn header(what: &'static str, columns: &[&str]) -> Result<Vec<u8>> {
        let mut rows = Rows::new(what, 4096);
        for c in columns {
            rows.field(c)?;
        }
        rows.end_row()?;
        rows.take()
    }

    fn err(&self, source: csv::Error) -> Error {
        Error::Csv {
            what: self.what,
            source,
        }
    }

    fn field(&mut self, s: &str) -> Result<()> {
        self.w.write_field(s).map_err(|e| self.err(e))
    }

    /// A text field, as printed.
    fn text(&mut self, s: &str) -> Result<()> {
        self.field(s)
    }

    /// A count or index, without an allocation.
    fn count(&mut self, n: usize) -> Result<()> {
        self.field(itoa::Buffer::new().format(n))
    }

    fn number(&mut self, v: Option<f64>) -> Result<()> {
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
        self.w.write_record(None::<&[u8]>).map_err(|e| self.err(e))
    }

    /// The rows rendered so far (the writer is left empty).
    fn take(&mut self) -> Result<Vec<u8>> {
        std::mem::replace(&mut self.w, Rows::writer(0))
            .into_inner()
            .map_err(|e| self.err(e.into_error().into()))
    }
}

/// Writes the four CSV tables.
pub struct CsvTables {
    files: Files,
    /// Column of each cell key in `reports.csv` (after the metadata columns).
    column: std::collections::HashMap<String, usize>,
}

impl CsvTables {
    /// Creates the files in `dir`.
    pub fn create(dir: &Path) -> Result<Self> {
        let keys = model::cell_keys();
        let mut header: Vec<&str> = REPORT_COLUMNS.to_vec();
        header.extend(keys.iter().map(String::as_str));
        header.extend(["checks_pass", "checks_fail", "checks_na"]);
        let mut states: Vec<&str> = vec!["id"];
        states.extend(keys.iter().map(String::as_str));
        let files = Files::create(
            dir,
            &[
                ("reports.csv", &Rows::header("reports.csv", &header)?),
                ("states.csv", &Rows::header("states.csv", &states)?),
                (
                    "figures.csv",
                    &Rows::header("figures.csv", &FIGURE_COLUMNS)?,
                ),
                ("cells.csv", &Rows::header("cells.csv", &CELL_COLUMNS)?),
                ("checks.csv", &Rows::header("checks.csv", &CHECK_COLUMNS)?),
                (
                    "panel.csv",
                    &Rows::header("panel.csv", &crate::panel::PANEL_COLUMNS)?,
                ),
            ],
        )?;
        Ok(CsvTables {
            files,
            column: keys.into_iter().enumerate().map(|(i, k)| (k, i)).collect(),
        })
    }
}

/// The three parts of a cell key `table__row__column` (the column is empty
/// for a two-part key).
fn key_parts(key: &str) -> (&str, &str, &str) {
    let b = key.as_bytes();
    let sep = |from: usize| {
        b.get(from..)
            .and_then(|rest| rest.windows(2).position(|w| w == b"__"))
            .map(|p| from + p)
    };
    match sep(0) {
        None => (key, "", ""),
        Some(i) => match sep(i + 2) {
            None => (&key[..i], &key[i + 2..], ""),
            Some(j) => (&key[..i], &key[i + 2..j], &key[j + 2..]),
        },
    }
}

/// Rows of `checks.csv` for report `id`.
fn check_rows(w: &mut Rows, id: &str, checks: &[model::Check]) -> Result<()> {
    for c in checks {
        w.field(id)?;
        w.text(&c.rule)?;
        w.field(c.status.as_str())?;
        w.number(c.expected)?;
        w.number(c.actual)?;
        w.text(&c.detail)?;
        w.field(c.other_report.as_deref().unwrap_or(""))?;
        w.end_row()?;
    }
    Ok(())
}

impl Sink for CsvTables {
    fn render(&self, outcome: &Outcome) -> Result<Rendered> {
        let Outcome::Extracted(x) = outcome else {
            return Ok(Rendered::default());
        };
        let r = &x.report;
        let count = |s: CheckStatus| r.checks.iter().filter(|c| c.status == s).count();
        let mut w = Rows::new("reports.csv", 2048 + 4 * self.column.len());
        w.field(&r.id)?;
        w.text(&r.source.path)?;
        w.text(r.source.url.as_deref().unwrap_or(""))?;
        w.field(&r.source.sha256)?;
        w.field(itoa::Buffer::new().format(r.source.bytes))?;
        w.field(&r.source.encoding)?;
        w.field(r.source.encoding_from.as_str())?;
        w.text(r.title.as_deref().unwrap_or(""))?;
        w.text(r.agency.as_deref().unwrap_or(""))?;
        w.field(r.agency_id.as_deref().unwrap_or(""))?;
        match r.year {
            Some(y) => w.field(itoa::Buffer::new().format(y))?,
            None => w.field("")?,
        }
        w.text(r.published.as_deref().unwrap_or(""))?;
        w.text(r.signed.as_deref().unwrap_or(""))?;
        w.field(
            r.period
                .as_ref()
                .and_then(|p| p.start.as_deref())
                .unwrap_or(""),
        )?;
        w.field(
            r.period
                .as_ref()
                .and_then(|p| p.end.as_deref())
                .unwrap_or(""),
        )?;
        w.field(r.template.as_str())?;
        for t in [&r.tables.t2, &r.tables.t3, &r.tables.t4] {
            w.field(t.status.as_str())?;
            w.field(t.reason.as_deref().unwrap_or(""))?;
        }
        w.count(r.sections.len())?;
        w.count(r.figures.len())?;
        w.count(r.cells.len())?;
        w.count(r.warnings.len())?;
        let mut values = vec![None; self.column.len()];
        let mut states = vec!["absent"; self.column.len()];
        for (key, cell) in &r.cells {
            if let Some(&i) = self.column.get(key.as_str()) {
                values[i] = cell.value;
                states[i] = if cell.inferred {
                    "inferred"
                } else {
                    cell.state.as_str()
                };
            }
        }
        for v in values {
            w.number(v)?;
        }
        for status in [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Na] {
            w.count(count(status))?;
        }
        w.end_row()?;
        let reports = w.take()?;

        w.next("states.csv", 16 + 8 * states.len());
        w.field(&r.id)?;
        for s in states {
            w.field(s)?;
        }
        w.end_row()?;
        let states = w.take()?;

        w.next("figures.csv", r.figures.len() * 200);
        for f in &r.figures {
            w.field(&r.id)?;
            match f.section {
                Some(s) => w.count(s as usize)?,
                None => w.field("")?,
            }
            w.text(&f.label)?;
            w.number(Some(f.value))?;
            w.text(&f.unit)?;
            w.text(&f.unit_simplified)?;
            w.field(f.qualifier.as_str())?;
            w.text(&f.text)?;
            w.count(f.start)?;
            w.count(f.end)?;
            w.text(&f.raw)?;
            w.end_row()?;
        }
        let figures = w.take()?;
        w.next("cells.csv", r.cells.len() * 80);
        for (key, c) in &r.cells {
            let (table, row, column) = key_parts(key);
            w.field(&r.id)?;
            w.field(key)?;
            w.field(table)?;
            w.field(row)?;
            w.field(column)?;
            w.number(c.value)?;
            w.text(&c.raw)?;
            w.field(c.state.as_str())?;
            w.field(if c.inferred { "true" } else { "false" })?;
            w.field(c.source.as_deref().unwrap_or(""))?;
            match c.page {
                Some(p) => w.count(p as usize)?,
                None => w.field("")?,
            }
            w.end_row()?;
        }
        let cells = w.take()?;
        w.next("checks.csv", r.checks.len() * 120);
        check_rows(&mut w, &r.id, &r.checks)?;
        let checks = w.take()?;
        w.next("panel.csv", 256);
        for p in crate::panel::rows(r) {
            w.field(&p.agency_id)?;
            w.text(&p.agency)?;
            match p.year {
                Some(y) => w.field(itoa::Buffer::new().format(y))?,
                None => w.field("")?,
            }
            w.field(&p.metric)?;
            w.number(Some(p.value))?;
            w.field(p.state)?;
            w.field(p.qualifier)?;
            w.field(p.era)?;
            w.field(&p.report_id)?;
            w.field(&p.source)?;
            w.end_row()?;
        }
        Ok(Rendered(vec![
            reports,
            states,
            figures,
            cells,
            checks,
            w.take()?,
        ]))
    }

    fn write(&self, rendered: Rendered) -> Result<()> {
        self.files.append(rendered)
    }

    fn cross_checks(&self, checks: &[(String, model::Check)]) -> Result<()> {
        let mut w = Rows::new("checks.csv", checks.len() * 160);
        for (id, c) in checks {
            check_rows(&mut w, id, std::slice::from_ref(c))?;
        }
        let mut parts = vec![Vec::new(); 6];
        parts[4] = w.take()?;
        self.files.append(Rendered(parts))
    }

    fn finish(self: Box<Self>) -> Result<()> {
        // Flushing, syncing and renaming wait on the disk: all five at once.
        self.files.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut got = Rows::header("t.csv", &["a", "b"]).unwrap();
        let mut w = Rows::new("t.csv", 0);
        w.field("x,y").unwrap();
        w.field("say \"hi\"").unwrap();
        w.end_row().unwrap();
        w.field("line\nbreak").unwrap();
        w.text("=1+1").unwrap();
        w.end_row().unwrap();
        w.field("cr\rhere").unwrap();
        w.field("").unwrap();
        w.end_row().unwrap();
        got.extend(w.take().unwrap());
        assert_eq!(
            String::from_utf8(got).unwrap(),
            "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"line\nbreak\",=1+1\n\"cr\rhere\",\n"
        );
    }

    #[test]
    fn cell_keys_split_into_three_parts() {
        assert_eq!(
            key_parts("t3__new_received__natural_person"),
            ("t3", "new_received", "natural_person")
        );
        assert_eq!(
            key_parts("t2__admin_fees__amount_wanyuan"),
            ("t2", "admin_fees", "amount_wanyuan")
        );
        assert_eq!(key_parts("t2x__rows"), ("t2x", "rows", ""));
        assert_eq!(key_parts("plain"), ("plain", "", ""));
    }
}
