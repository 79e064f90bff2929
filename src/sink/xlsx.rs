//! `dataset.xlsx`: the CSV tables as typed sheets, for people. Numbers are
//! numbers and text is text (a cell is never a formula, whatever it starts
//! with); each sheet has the column names on its first row and their
//! Chinese labels (from the [dictionary](crate::dictionary)) on the second.
//! Sheets: `reports`, `states`, `figures`, `cells`, `checks`, `panel` (the rows of the
//! CSV files of the same names) and `dictionary`. On `reports`, the cell
//! states show as fills: inferred blanks yellow, not-applicable and text
//! cells grey (with the printed text); `states` spells every state out
//! (blank and absent cells are both empty on `reports`).
//!
//! Rows are rendered on the workers into a small tagged encoding (see
//! [`Row`]) and written in input order; the sheets are streamed to temporary
//! files as they grow (the workbook's constant-memory mode), so memory does
//! not grow with the run. A sheet that reaches Excel's row limit goes on in
//! `figures (2)` and so on.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rust_xlsxwriter::{Color, Format, Workbook, Worksheet, XlsxError};

use super::{Outcome, Rendered, Sink};
use crate::dictionary::{self, Entry};
use crate::error::{Error, Result};
use crate::model::{self, CellState, CheckStatus};
use crate::sink::csv::{CELL_COLUMNS, CHECK_COLUMNS, FIGURE_COLUMNS, REPORT_COLUMNS};

/// Excel's rows per sheet.
const MAX_ROWS: u32 = 1_048_576;

/// The sheets, in order, with the file whose rows they hold.
const SHEETS: [(&str, &str); 6] = [
    ("reports", "reports.csv"),
    ("states", "states.csv"),
    ("figures", "figures.csv"),
    ("cells", "cells.csv"),
    ("checks", "checks.csv"),
    ("panel", "panel.csv"),
];

/// How a value shows on the `reports` sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Look {
    Plain = 0,
    Inferred = 1,
    NotApplicable = 2,
    Text = 3,
}

/// A row being encoded: per field a tag (`E` empty, `N` number, `S` text,
/// `B` boolean), a [`Look`] byte, then the value; `\n` ends the row.
struct Row(Vec<u8>);

impl Row {
    fn empty(&mut self, look: Look) {
        self.0.extend([b'E', look as u8]);
    }
    fn number(&mut self, v: f64, look: Look) {
        self.0.extend([b'N', look as u8]);
        self.0.extend(v.to_le_bytes());
    }
    fn opt_number(&mut self, v: Option<f64>) {
        match v {
            Some(v) => self.number(v, Look::Plain),
            None => self.empty(Look::Plain),
        }
    }
    fn text(&mut self, s: &str, look: Look) {
        if s.is_empty() {
            return self.empty(look);
        }
        self.0.extend([b'S', look as u8]);
        self.0.extend((s.len() as u32).to_le_bytes());
        self.0.extend(s.as_bytes());
    }
    fn boolean(&mut self, b: bool) {
        self.0.extend([b'B', 0, u8::from(b)]);
    }
    fn end(&mut self) {
        self.0.push(b'\n');
    }
}

/// One decoded field.
enum Field<'a> {
    Empty,
    Number(f64),
    Text(&'a str),
    Boolean(bool),
}

/// Decodes the rows of one rendered part.
fn rows(bytes: &[u8]) -> Vec<Vec<(Field<'_>, u8)>> {
    let mut out = Vec::new();
    let mut row = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let tag = bytes[i];
        if tag == b'\n' {
            out.push(std::mem::take(&mut row));
            i += 1;
            continue;
        }
        let look = bytes[i + 1];
        i += 2;
        let field = match tag {
            b'N' => {
                let v = f64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
                i += 8;
                Field::Number(v)
            }
            b'S' => {
                let n = u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes")) as usize;
                let s = std::str::from_utf8(&bytes[i + 4..i + 4 + n]).unwrap_or("");
                i += 4 + n;
                Field::Text(s)
            }
            b'B' => {
                i += 1;
                Field::Boolean(bytes[i - 1] == 1)
            }
            _ => Field::Empty,
        };
        row.push((field, look));
    }
    out
}

/// One sheet of the workbook and where its next row goes.
struct Sheet {
    name: &'static str,
    /// Index of its current worksheet in the workbook.
    index: usize,
    /// How many worksheets it has taken (`figures (2)` …).
    parts: u32,
    next_row: u32,
    columns: Vec<(String, String)>,
}

struct Book {
    workbook: Workbook,
    sheets: Vec<Sheet>,
    looks: [Format; 4],
    header: Format,
}

/// Writes `dataset.xlsx`.
pub struct XlsxBook {
    book: Mutex<Book>,
    path: PathBuf,
    tmp: PathBuf,
}

fn err(path: &Path, e: XlsxError) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

impl XlsxBook {
    /// Starts the workbook for `dir/dataset.xlsx` (its sheets are streamed
    /// to temporary files in `dir` until it is finished).
    pub fn create(dir: &Path) -> Result<XlsxBook> {
        let path = dir.join("dataset.xlsx");
        let tmp = dir.join(format!(".dataset.xlsx.{}.tmp", std::process::id()));
        let e = |x| err(&path, x);
        let mut workbook = Workbook::new();
        workbook.set_tempdir(dir).map_err(e)?;
        // Deflate's fastest level: at the default level compressing took a
        // third of a run (the file is 1.7 times as big at this one).
        workbook.set_zip_compression_level(1);
        let described = dictionary::entries(dictionary::Files {
            jsonl: false,
            csv: true,
            xlsx: false,
        });
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xF0F0F0));
        let mut sheets = Vec::new();
        for (name, file) in SHEETS {
            let columns: Vec<(String, String)> = described
                .iter()
                .filter(|d| d.file == file)
                .map(|d| (d.column.clone(), d.label.clone()))
                .collect();
            sheets.push(Sheet {
                name,
                index: 0,
                parts: 0,
                next_row: 0,
                columns,
            });
        }
        let mut book = Book {
            workbook,
            sheets,
            looks: [
                Format::new(),
                Format::new().set_background_color(Color::RGB(0xFFF2A8)),
                Format::new().set_background_color(Color::RGB(0xC8C8C8)),
                Format::new()
                    .set_italic()
                    .set_background_color(Color::RGB(0xC8C8C8)),
            ],
            header,
        };
        for i in 0..book.sheets.len() {
            book.new_part(i).map_err(e)?;
        }
        Ok(XlsxBook {
            book: Mutex::new(book),
            path,
            tmp,
        })
    }
}

impl Book {
    /// Starts a worksheet for sheet `i` (its first, or its next part).
    fn new_part(&mut self, i: usize) -> std::result::Result<(), XlsxError> {
        let sheet = &mut self.sheets[i];
        sheet.parts += 1;
        let name = if sheet.parts == 1 {
            sheet.name.to_string()
        } else {
            format!("{} ({})", sheet.name, sheet.parts)
        };
        let ws = self.workbook.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        write_header(ws, &sheet.columns, &self.header)?;
        sheet.index = self.workbook.worksheets().len() - 1;
        sheet.next_row = 2;
        Ok(())
    }

    /// Appends rows to sheet `i`.
    fn append(&mut self, i: usize, part: &[u8]) -> std::result::Result<(), XlsxError> {
        for row in rows(part) {
            if self.sheets[i].next_row >= MAX_ROWS {
                self.new_part(i)?;
            }
            let (index, r) = (self.sheets[i].index, self.sheets[i].next_row);
            let ws = self.workbook.worksheet_from_index(index)?;
            for (c, (field, look)) in row.iter().enumerate() {
                let c = c as u16;
                // Plain cells without a format: looking a format up hashes
                // it, which took a sixth of the time of a run.
                let format = (*look != 0).then(|| &self.looks[usize::from(*look).min(3)]);
                match (field, format) {
                    (Field::Empty, None) => {}
                    (Field::Empty, Some(f)) => {
                        ws.write_blank(r, c, f)?;
                    }
                    (Field::Number(v), None) => {
                        ws.write_number(r, c, *v)?;
                    }
                    (Field::Number(v), Some(f)) => {
                        ws.write_number_with_format(r, c, *v, f)?;
                    }
                    (Field::Text(s), None) => {
                        ws.write_string(r, c, *s)?;
                    }
                    (Field::Text(s), Some(f)) => {
                        ws.write_string_with_format(r, c, *s, f)?;
                    }
                    (Field::Boolean(b), _) => {
                        ws.write_boolean(r, c, *b)?;
                    }
                }
            }
            self.sheets[i].next_row += 1;
        }
        Ok(())
    }
}

fn write_header(
    ws: &mut Worksheet,
    columns: &[(String, String)],
    format: &Format,
) -> std::result::Result<(), XlsxError> {
    // Row by row: a streamed sheet cannot go back to an earlier row.
    for (c, (name, _)) in columns.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, name, format)?;
    }
    for (c, (_, label)) in columns.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, label, format)?;
    }
    ws.set_freeze_panes(2, 1)?;
    Ok(())
}

/// Rows of the `checks` sheet for report `id`.
fn check_rows(rows: &mut Row, id: &str, checks: &[model::Check]) {
    for c in checks {
        rows.text(id, Look::Plain);
        rows.text(&c.rule, Look::Plain);
        rows.text(c.status.as_str(), Look::Plain);
        rows.opt_number(c.expected);
        rows.opt_number(c.actual);
        rows.text(&c.detail, Look::Plain);
        rows.text(c.other_report.as_deref().unwrap_or(""), Look::Plain);
        rows.end();
    }
    debug_assert_eq!(CHECK_COLUMNS.len(), 7);
}

impl Sink for XlsxBook {
    fn render(&self, outcome: &Outcome) -> Result<Rendered> {
        let Outcome::Extracted(x) = outcome else {
            return Ok(Rendered::default());
        };
        let r = &x.report;
        let mut w = Row(Vec::with_capacity(4096));
        w.text(&r.id, Look::Plain);
        w.text(&r.source.path, Look::Plain);
        w.text(r.source.url.as_deref().unwrap_or(""), Look::Plain);
        w.text(&r.source.sha256, Look::Plain);
        w.number(r.source.bytes as f64, Look::Plain);
        w.text(&r.source.encoding, Look::Plain);
        w.text(r.source.encoding_from.as_str(), Look::Plain);
        w.text(r.title.as_deref().unwrap_or(""), Look::Plain);
        w.text(r.agency.as_deref().unwrap_or(""), Look::Plain);
        w.text(r.agency_id.as_deref().unwrap_or(""), Look::Plain);
        w.opt_number(r.year.map(f64::from));
        w.text(r.published.as_deref().unwrap_or(""), Look::Plain);
        w.text(r.signed.as_deref().unwrap_or(""), Look::Plain);
        let period = r.period.as_ref();
        w.text(
            period.and_then(|p| p.start.as_deref()).unwrap_or(""),
            Look::Plain,
        );
        w.text(
            period.and_then(|p| p.end.as_deref()).unwrap_or(""),
            Look::Plain,
        );
        w.text(r.template.as_str(), Look::Plain);
        for t in [&r.tables.t2, &r.tables.t3, &r.tables.t4] {
            w.text(t.status.as_str(), Look::Plain);
            w.text(t.reason.as_deref().unwrap_or(""), Look::Plain);
        }
        for n in [
            r.sections.len(),
            r.figures.len(),
            r.cells.len(),
            r.warnings.len(),
        ] {
            w.number(n as f64, Look::Plain);
        }
        debug_assert_eq!(REPORT_COLUMNS.len(), 26);
        let keys = model::cell_keys();
        let mut states = Row(Vec::with_capacity(16 * keys.len()));
        states.text(&r.id, Look::Plain);
        for key in &keys {
            match r.cells.get(key) {
                None => {
                    w.empty(Look::Plain);
                    states.text("absent", Look::Plain);
                }
                Some(c) => {
                    let look = match (c.inferred, c.state) {
                        (true, _) => Look::Inferred,
                        (_, CellState::Na) => Look::NotApplicable,
                        (_, CellState::Text) => Look::Text,
                        _ => Look::Plain,
                    };
                    match c.value {
                        Some(v) => w.number(v, look),
                        None if matches!(look, Look::NotApplicable | Look::Text) => {
                            w.text(&c.raw, look)
                        }
                        None => w.empty(look),
                    }
                    states.text(
                        if c.inferred {
                            "inferred"
                        } else {
                            c.state.as_str()
                        },
                        Look::Plain,
                    );
                }
            }
        }
        for status in [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Na] {
            let n = r.checks.iter().filter(|c| c.status == status).count();
            w.number(n as f64, Look::Plain);
        }
        w.end();
        states.end();

        let mut f = Row(Vec::with_capacity(r.figures.len() * 120));
        for x in &r.figures {
            f.text(&r.id, Look::Plain);
            f.opt_number(x.section.map(f64::from));
            f.text(&x.label, Look::Plain);
            f.number(x.value, Look::Plain);
            f.text(&x.unit, Look::Plain);
            f.text(&x.unit_simplified, Look::Plain);
            f.text(x.qualifier.as_str(), Look::Plain);
            f.text(&x.text, Look::Plain);
            f.number(x.start as f64, Look::Plain);
            f.number(x.end as f64, Look::Plain);
            f.text(&x.raw, Look::Plain);
            f.end();
        }
        debug_assert_eq!(FIGURE_COLUMNS.len(), 11);
        let mut cells = Row(Vec::with_capacity(r.cells.len() * 80));
        for (key, c) in &r.cells {
            let mut parts = key.splitn(3, "__");
            cells.text(&r.id, Look::Plain);
            cells.text(key, Look::Plain);
            for _ in 0..3 {
                cells.text(parts.next().unwrap_or(""), Look::Plain);
            }
            cells.opt_number(c.value);
            cells.text(&c.raw, Look::Plain);
            cells.text(c.state.as_str(), Look::Plain);
            cells.boolean(c.inferred);
            cells.text(c.source.as_deref().unwrap_or(""), Look::Plain);
            cells.opt_number(c.page.map(f64::from));
            cells.end();
        }
        debug_assert_eq!(CELL_COLUMNS.len(), 11);
        let mut checks = Row(Vec::with_capacity(r.checks.len() * 100));
        check_rows(&mut checks, &r.id, &r.checks);
        let mut panel = Row(Vec::with_capacity(256));
        for p in crate::panel::rows(r) {
            panel.text(&p.agency_id, Look::Plain);
            panel.text(&p.agency, Look::Plain);
            panel.opt_number(p.year.map(f64::from));
            panel.text(&p.metric, Look::Plain);
            panel.number(p.value, Look::Plain);
            panel.text(p.state, Look::Plain);
            panel.text(p.qualifier, Look::Plain);
            panel.text(p.era, Look::Plain);
            panel.text(&p.report_id, Look::Plain);
            panel.text(&p.source, Look::Plain);
            panel.end();
        }
        debug_assert_eq!(crate::panel::PANEL_COLUMNS.len(), 10);
        Ok(Rendered(vec![
            w.0, states.0, f.0, cells.0, checks.0, panel.0,
        ]))
    }

    fn cross_checks(&self, checks: &[(String, model::Check)]) -> Result<()> {
        let mut rows = Row(Vec::with_capacity(checks.len() * 160));
        for (id, c) in checks {
            check_rows(&mut rows, id, std::slice::from_ref(c));
        }
        let mut book = self.book.lock().unwrap_or_else(|e| e.into_inner());
        book.append(4, &rows.0).map_err(|e| err(&self.path, e))
    }

    fn write(&self, rendered: Rendered) -> Result<()> {
        let mut book = self.book.lock().unwrap_or_else(|e| e.into_inner());
        for (i, part) in rendered.0.iter().enumerate() {
            if !part.is_empty() {
                book.append(i, part).map_err(|e| err(&self.path, e))?;
            }
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let XlsxBook { book, path, tmp } = *self;
        let mut book = book.into_inner().unwrap_or_else(|e| e.into_inner());
        let e = |x| err(&path, x);
        // The dictionary, for every file of a run with the CSV tables.
        let all = dictionary::entries(dictionary::Files {
            jsonl: true,
            csv: true,
            xlsx: true,
        });
        let ws = book.workbook.add_worksheet();
        ws.set_name("dictionary").map_err(e)?;
        let columns: Vec<(String, String)> = all
            .iter()
            .filter(|d| d.file == "dictionary.csv")
            .map(|d| (d.column.clone(), d.label.clone()))
            .collect();
        write_header(ws, &columns, &book.header).map_err(e)?;
        for (r, entry) in all.iter().enumerate() {
            for (c, v) in Entry::fields(entry).iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(r as u32 + 2, c as u16, *v).map_err(e)?;
                }
            }
        }
        book.workbook.save(&tmp).map_err(e)?;
        std::fs::rename(&tmp, &path).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })
    }
}
