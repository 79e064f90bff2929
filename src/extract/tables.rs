//! The standard tables of the 2019 and 2021 templates (docs/formats.md: the
//! templates and the cell keys), read from the normalised text.
//!
//! Tables reach the text in several shapes: HTML tables rendered as
//! `cell | cell | cell |` rows (the same shape stored text copies use),
//! one cell per line with or without a trailing `|`, and PDF text layers where
//! a row is `label n n n` and labels wrap over lines. All of them are read the
//! same way: the text is cut into a stream of label tokens and value tokens
//! (numbers, blanks, "/" and "—"), and a row is the labels since the last
//! values followed by the values after them. Rows are mapped by meaning, never
//! by position alone: the label (normalised as docs/formats.md says: folded to simplified,
//! quotes unified, whitespace, numbering and parenthesised notes removed) is
//! matched against each table's vocabulary, with the enclosing group
//! (（三）不予公开, （六）其他处理, …) as context.
//!
//! Flatteners add their own marks, read as such: a `|` alone on a line
//! between cells, Markdown rows (`| a | b |`, `|---|` rules, `#` headings),
//! page headers and footers (`- 3 -`, `第 3 页 共 6 页`) between rows. Where the
//! labels of some rows were lost, the template's row order names them: a
//! table-3 label followed by k × 7 numbers (or k grid rows) is that row and
//! the k − 1 rows after it, and a group label (（三）不予公开) followed by
//! its sub-rows' numbers is those sub-rows.
//!
//! A table-3 row with fewer than seven values (empty cells collapsed by a
//! copy) is assigned only where the row sum singles out one placement
//! (docs/formats.md, Blanks); a row cut off by the end of an excerpt is read
//! from the left. Numbers that cannot be placed are warnings, never dropped
//! silently.

use std::collections::BTreeMap;

use crate::decode::normalize;
use crate::html::table::Grid;
use crate::model::{Cell, CellState, ExtraRow, TableState, TableStatus, TableStatuses, Template};

/// Table 2 layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T2Template {
    /// 本年制发件数 / 本年处理决定数量 / 本年收费金额.
    V2021,
    /// 本年新制作数量 / 上一年项目数量 / 采购项目数量.
    V2019,
}

/// Table 3 layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T3Template {
    /// （六）其他处理 with its three sub-rows.
    V2021,
    /// （六）其他处理 as one row.
    V2019,
}

/// Everything read from the tables of one report.
#[derive(Debug, Default, Clone)]
pub struct Tables {
    /// Cells by key.
    pub cells: BTreeMap<String, Cell>,
    /// Unknown rows (Wuhan's 其他主动公开文件).
    pub extra_rows: Vec<ExtraRow>,
    /// Table 2 layout, if table 2 was seen.
    pub t2: Option<T2Template>,
    /// Table 3 layout, if it could be told.
    pub t3: Option<T3Template>,
    /// Problems met (unassignable rows).
    pub warnings: Vec<String>,
    /// Printed numbers that could not be placed, per table (2, 3, 4).
    pub unplaced: [usize; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    None,
    T2,
    T3,
    T4,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    None,
    Results,
    Denied,
    Unable,
    NotProcessed,
    Other,
}

/// A value cell.
#[derive(Debug, Clone)]
struct Val {
    raw: String,
    state: CellState,
    value: Option<f64>,
    unit: Option<String>,
    /// Where the cell sits in an HTML table's grid, when it came from one.
    grid: Option<GridPos>,
    /// Digits printed right after a label, with no separator (`规章000`):
    /// maybe several cells run together.
    fused: bool,
    /// The PDF page it was printed on.
    page: Option<u32>,
}

impl Val {
    fn blank() -> Val {
        Val {
            raw: String::new(),
            state: CellState::Blank,
            value: None,
            unit: None,
            grid: None,
            fused: false,
            page: None,
        }
    }
}

/// A cell's place in a grid.
#[derive(Debug, Clone, Copy)]
struct GridPos {
    /// The grid row, counted over all the report's grids.
    row: usize,
    col: usize,
    colspan: usize,
    width: usize,
}

/// What a row label means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    T2(&'static str),
    T3(&'static str),
    T4,
    Group(Group),
}

/// Reads the standard tables of a report: from the grids of its HTML tables
/// when it has them (cells placed by grid column), otherwise from its
/// normalised text (`folded` is its folded twin).
pub fn extract(text: &str, folded: &str, grids: &[Grid]) -> Tables {
    extract_paged(text, folded, grids, Vec::new())
}

/// [`extract`], for a text whose line `i` was printed on page
/// `line_pages[i]` (a PDF's): each cell read from the text says its page.
pub fn extract_paged(text: &str, folded: &str, grids: &[Grid], line_pages: Vec<u32>) -> Tables {
    if !grids.is_empty() {
        let mut p = Reader::default();
        let mut row = 0;
        for g in grids {
            for r in 0..g.height() {
                let toks = grid_row_tokens(g, r, row);
                p.feed(toks);
                row += 1;
            }
        }
        p.finish_row(true);
        p.place_unknown_rows();
        p.solve_fused();
        if !p.out.cells.is_empty() {
            return p.out;
        }
    }
    // Prose never uses the tables' header words: without one, no table.
    if !TABLE_MARKERS.is_match(folded) {
        return Tables::default();
    }
    let mut p = Reader {
        line_pages,
        ..Reader::default()
    };
    for (line, fline) in text.split('\n').zip(folded.split('\n')) {
        p.line(line, fline);
        p.line_no += 1;
    }
    p.finish_row(true);
    p.place_unknown_rows();
    p.solve_fused();
    p.out
}

/// How completely each table was read. A table is called for when the
/// report's template has it, when its header words are in the text, or when
/// any of its cells was read; its cells are counted against the template's
/// (docs/contract.md, `tables`).
pub fn status(t: &Tables, template: Template, folded: &str) -> TableStatuses {
    let tables_template = matches!(
        template,
        Template::Table2019 | Template::Table2021 | Template::Hybrid
    );
    let v2019 = matches!(template, Template::Table2019);
    let t2_keys = crate::model::t2_keys(match t.t2 {
        Some(t2) => t2 == T2Template::V2019,
        None => v2019,
    });
    let t3_2019 = match t.t3 {
        Some(t3) => t3 == T3Template::V2019,
        None => matches!(template, Template::Table2019 | Template::Hybrid),
    };
    let t3_keys: Vec<&str> = crate::model::t3_rows(t3_2019)
        .into_iter()
        .flat_map(|r| {
            crate::model::T3_COLS
                .iter()
                .filter_map(move |c| crate::model::t3_key(r, c))
        })
        .collect();
    let t4_keys: Vec<&str> = crate::model::T4_GROUPS
        .iter()
        .flat_map(|g| {
            crate::model::T4_OUTCOMES
                .iter()
                .filter_map(move |o| crate::model::t4_key(g, o))
        })
        .collect();
    let one = |keys: &[&str], headers: &[&str], unplaced: usize| -> TableStatus {
        let read = keys.iter().filter(|k| t.cells.contains_key(**k)).count();
        let headed = headers.iter().any(|h| super::has(folded, h));
        if read == 0 && !headed && !tables_template {
            return TableStatus::default();
        }
        let expected = keys.len();
        let not_placed = if unplaced > 0 {
            format!("; {} not placed", printed_numbers(unplaced))
        } else {
            String::new()
        };
        let (status, reason) = if read == 0 {
            let why = if headed {
                "its header words are in the text, but no row of it could be read"
            } else {
                "the template has it, but it is not in the text (an image or an attachment?)"
            };
            (TableState::Unreadable, Some(format!("{why}{not_placed}")))
        } else if read == expected {
            let reason = (unplaced > 0).then(|| {
                format!(
                    "every cell read; {} more not placed",
                    printed_numbers(unplaced)
                )
            });
            (TableState::Complete, reason)
        } else {
            (
                TableState::Partial,
                Some(format!(
                    "{} of {expected} cells missing{not_placed}",
                    expected - read
                )),
            )
        };
        TableStatus {
            status,
            cells: read,
            expected: Some(expected),
            reason,
        }
    };
    TableStatuses {
        t2: one(
            &t2_keys,
            &[
                "第二十条第",
                "本年制发件数",
                "本年新制作数量",
                "上一年项目数量",
            ],
            t.unplaced[0],
        ),
        t3: one(
            &t3_keys,
            &["申请人情况", "勾稽关系", "本年度办理结果"],
            t.unplaced[1],
        ),
        t4: one(
            &t4_keys,
            &["结果维持", "复议后起诉", "未经复议直接起诉"],
            t.unplaced[2],
        ),
    }
}

fn printed_numbers(n: usize) -> String {
    if n == 1 {
        "1 printed number".to_string()
    } else {
        format!("{n} printed numbers")
    }
}

/// Words only the standard tables use (one of them opens every table).
static TABLE_MARKERS: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([
            "第二十条",
            "信息内容",
            "勾稽关系",
            "申请人情况",
            "本年新收",
            "本年度办理结果",
            "结果维持",
            "本年制发件数",
            "本年新制作",
            "上一年项目数量",
            "处理决定数量",
            "复议后起诉",
        ])
        .expect("valid patterns")
    });

/// The tokens of a grid row: its own cells, left to right (cells spanning
/// down from rows above are context the reader already has).
fn grid_row_tokens(g: &Grid, r: usize, row: usize) -> Vec<Tok> {
    let mut out = Vec::new();
    for c in g.row_cells(r) {
        let before = out.len();
        push_cell(&mut out, c.text.trim(), None, true);
        if let Some(Tok::Value(v)) = out.get_mut(before) {
            v.grid = Some(GridPos {
                row,
                col: c.col,
                colspan: c.colspan,
                width: g.width,
            });
        }
    }
    out
}

/// Labels longer than this (in bytes, about 100 characters) are prose.
const MAX_LABEL_BYTES: usize = 320;

#[derive(Default)]
struct Reader {
    out: Tables,
    zone: ZoneState,
    group: GroupState,
    /// Labels since the last value: (as printed, folded and squeezed).
    labels: Vec<(String, String)>,
    values: Vec<Val>,
    t2_evidence: Option<T2Template>,
    /// The last text line ended with `|` (its cell is closed).
    closed: bool,
    /// Table-3 rows printed as one run of digits (`120000012`): row, digits
    /// and page.
    fused: Vec<(&'static str, String, Option<u32>)>,
    /// Table 3's rows in reading order, named or not.
    t3_trace: Vec<Trace>,
    /// The page of each text line (a PDF's), when known.
    line_pages: Vec<u32>,
    /// The text line being read.
    line_no: usize,
}

/// A table-3 row as read: named by its label, or not.
enum Trace {
    Row(&'static str),
    Unknown { label: String, values: Vec<Val> },
}

#[derive(Default, Clone, Copy)]
struct ZoneState(Option<Zone>);

#[derive(Default, Clone, Copy)]
struct GroupState(Option<Group>);

impl Reader {
    fn zone(&self) -> Zone {
        self.zone.0.unwrap_or(Zone::None)
    }

    fn group(&self) -> Group {
        self.group.0.unwrap_or(Group::None)
    }

    fn line(&mut self, line: &str, fline: &str) {
        // A Markdown heading is read as its words.
        let words = fline.trim_start().trim_start_matches('#');
        let (line, fline) = if words.len() < fline.trim_start().len() {
            let at = fline.len() - words.len();
            (&line[at..], &fline[at..])
        } else {
            (line, fline)
        };
        let trimmed = fline.trim();
        if trimmed.is_empty() || normalize::is_page_number(trimmed) || is_rule_line(trimmed) {
            return;
        }
        // A report section after the tables ends them.
        if is_late_heading(trimmed) {
            self.finish_row(false);
            self.zone = ZoneState(Some(Zone::None));
            self.group = GroupState(None);
            self.labels.clear();
            self.closed = false;
            return;
        }
        // A `|` alone on its line separates the cells around it when the
        // line before left its cell open (`信息内容\n|\n本年制发件数`); after a
        // closed cell (`规章 |`) or another lone `|` it is an empty cell.
        if trimmed.bytes().all(|b| b == b'|' || b == b' ') {
            let pipes = trimmed.bytes().filter(|&b| b == b'|').count();
            let blanks = if self.closed { pipes } else { pipes - 1 };
            for _ in 0..blanks {
                self.feed(vec![Tok::Value(Val::blank())]);
            }
            self.closed = true;
            return;
        }
        self.closed = trimmed.ends_with('|');
        let mut toks = tokens(line, fline);
        if let Some(&page) = self.line_pages.get(self.line_no) {
            for t in &mut toks {
                match t {
                    Tok::Value(v) | Tok::Glued { value: v, .. } => v.page = Some(page),
                    Tok::Label(..) => {}
                }
            }
        }
        self.feed(toks);
    }

    fn feed(&mut self, toks: Vec<Tok>) {
        for tok in toks {
            match tok {
                Tok::Label(printed, squeezed) => self.label(printed, squeezed),
                Tok::Value(v) => self.values.push(v),
                Tok::Glued {
                    whole,
                    label,
                    value,
                } => {
                    if names_row(&label.1, self.group()) {
                        self.label(label.0, label.1);
                        self.values.push(value);
                    } else {
                        self.label(whole.0, whole.1);
                    }
                }
            }
        }
    }

    fn label(&mut self, printed: String, squeezed: String) {
        if !self.values.is_empty() {
            self.finish_row(false);
        }
        self.note_label(&squeezed);
        self.labels.push((printed, squeezed));
        if self.labels.len() > 12 {
            self.labels.remove(0);
        }
    }

    /// Zone changes and template evidence carried by a label.
    /// `f` is the folded, squeezed label.
    fn note_label(&mut self, f: &str) {
        // One pass for every marker word; bit i set when ZONE_WORDS[i] occurs.
        let mut seen = 0u32;
        for m in ZONE_MATCHER.find_overlapping_iter(f) {
            seen |= 1 << m.pattern().as_usize();
        }
        let has = |w: &str| {
            ZONE_WORDS
                .iter()
                .position(|x| *x == w)
                .is_some_and(|i| seen & (1 << i) != 0)
        };
        if has("第二十条") || f == "信息内容" {
            self.zone = ZoneState(Some(Zone::T2));
        } else if has("勾稽关系") || has("申请人情况") || has("本年新收") {
            self.zone = ZoneState(Some(Zone::T3));
        } else if has("行政复议") && (has("行政诉讼") || self.zone() == Zone::T3 || f.len() <= 12)
        {
            self.zone = ZoneState(Some(Zone::T4));
        }
        if seen & V2021_WORDS != 0 {
            self.t2_evidence = Some(T2Template::V2021);
        } else if seen & V2019_WORDS != 0 || f == "本年新" || f == "处理决定数量" {
            self.t2_evidence = Some(T2Template::V2019);
        }
    }

    /// Resolves the pending labels and values into cells.
    fn finish_row(&mut self, at_end: bool) {
        let values = std::mem::take(&mut self.values);
        let labels = std::mem::take(&mut self.labels);
        // Without values there is no row to read (a group label and its first
        // row arrive in the same run of labels).
        if values.is_empty() {
            return;
        }
        if labels.is_empty() {
            self.not_placed(&values, "");
            return;
        }
        // Sentences are not row labels (the longest template labels, with
        // their notes, stay well under this).
        let squeezed: Vec<&str> = labels
            .iter()
            .map(|(_, f)| f.as_str())
            .filter(|f| f.len() <= MAX_LABEL_BYTES)
            .collect();
        if squeezed.is_empty() {
            return;
        }
        let printed: String = labels.last().map(|(p, _)| p.clone()).unwrap_or_default();
        let zone = self.zone();
        let (row, group) = resolve(&squeezed, zone, self.group());
        if let Some(g) = group {
            self.group = GroupState(Some(g));
        }
        match row {
            Some(Row::T2(name)) if zone == Zone::T2 || zone == Zone::None => {
                self.t2_row(name, values)
            }
            Some(Row::T3(name)) if zone == Zone::T3 => self.t3_row(name, values, at_end),
            Some(Row::Group(g)) if zone == Zone::T3 => {
                let name = match g {
                    Group::Other => {
                        // （六）其他处理 with values: the 2019 single row.
                        self.out.t3.get_or_insert(T3Template::V2019);
                        "other_total"
                    }
                    Group::Denied => "denied_total_reported",
                    Group::Unable => "unable_total_reported",
                    Group::NotProcessed => "not_processed_total_reported",
                    _ => return,
                };
                self.t3_row(name, values, at_end)
            }
            Some(Row::T4) if zone == Zone::T4 || zone == Zone::T3 => self.t4_row(values),
            // Table 4's header broken into cells and lines (结果 | 结果 / 维持 |
            // 纠正, PDF text): short header words, then its numbers.
            None if zone == Zone::T4
                && labels.iter().all(|(_, f)| f.chars().count() <= 12)
                && values.len() >= 5 =>
            {
                self.t4_row(values)
            }
            None if zone == Zone::T2
                && is_row_label(&printed)
                && values.iter().any(|v| v.state != CellState::Blank) =>
            {
                let mut values: Vec<String> = values.iter().map(|v| v.raw.clone()).collect();
                while values.last().is_some_and(String::is_empty) {
                    values.pop();
                }
                self.out.extra_rows.push(ExtraRow {
                    table: "t2",
                    label: strip_notes(printed.trim()),
                    values,
                });
            }
            _ if zone == Zone::T3 && is_row_label(&printed) => self.t3_trace.push(Trace::Unknown {
                label: printed.trim().to_string(),
                values,
            }),
            _ if is_row_label(&printed) => self.not_placed(&values, &printed),
            _ => {}
        }
    }

    /// Numbers inside a table's zone under a label that names no row of it
    /// (or under none): a warning each run, counted for the table's status.
    fn not_placed(&mut self, values: &[Val], label: &str) {
        let numbers = values.iter().filter(|v| v.value.is_some()).count();
        let table = match self.zone() {
            Zone::T2 => 2,
            Zone::T3 => 3,
            Zone::T4 => 4,
            Zone::None => return,
        };
        if numbers == 0 {
            return;
        }
        self.out.unplaced[table - 2] += numbers;
        let after = if label.is_empty() {
            "without a row label".to_string()
        } else {
            format!("after 「{}」", label.trim())
        };
        self.out.warnings.push(format!(
            "table {table}: {numbers} numbers {after} not placed (no row of the template)"
        ));
    }

    fn t2_template(&mut self, name: &str, n_values: usize) -> T2Template {
        let t = self.t2_evidence.or(self.out.t2).unwrap_or(match name {
            "licensing" | "penalty" | "coercion" if n_values >= 2 => T2Template::V2019,
            "admin_fees" if n_values >= 2 => T2Template::V2019,
            "other_mgmt_services" | "central_procurement" => T2Template::V2019,
            _ => T2Template::V2021,
        });
        self.out.t2 = Some(t);
        t
    }

    fn t2_row(&mut self, name: &'static str, values: Vec<Val>) {
        let t = self.t2_template(
            name,
            values
                .iter()
                .filter(|v| v.state != CellState::Blank)
                .count(),
        );
        let keys: Vec<String> = match (t, name) {
            (T2Template::V2021, "rules" | "normative_docs") => ["issued", "repealed", "in_force"]
                .iter()
                .map(|c| format!("t2__{name}__{c}"))
                .collect(),
            (T2Template::V2021, "licensing" | "penalty" | "coercion") => {
                vec![format!("t2__{name}__decisions")]
            }
            (T2Template::V2021, "admin_fees") => vec!["t2__admin_fees__amount_wanyuan".into()],
            (T2Template::V2019, "rules" | "normative_docs") => {
                ["new_made", "new_published", "total_published"]
                    .iter()
                    .map(|c| format!("t2v19__{name}__{c}"))
                    .collect()
            }
            (T2Template::V2019, "licensing" | "penalty" | "coercion") => vec![
                format!("t2v19__{name}__prev_items"),
                format!("t2v19__{name}__delta"),
                format!("t2__{name}__decisions"),
            ],
            (T2Template::V2019, "other_mgmt_services") => ["prev_items", "delta", "decisions"]
                .iter()
                .map(|c| format!("t2v19__other_mgmt_services__{c}"))
                .collect(),
            (T2Template::V2019, "admin_fees") => vec![
                "t2v19__admin_fees__prev_items".into(),
                "t2v19__admin_fees__delta".into(),
            ],
            (T2Template::V2019, "central_procurement") => {
                vec![
                    "t2v19__central_procurement__projects".into(),
                    "t2v19__central_procurement__amount".into(),
                ]
            }
            _ => return,
        };
        // Several cells run together onto the label (`规章012`): one digit
        // each when there are as many digits as cells; otherwise nothing
        // tells where one number ends.
        let mut values = values;
        if keys.len() > 1
            && let [v] = values.as_slice()
            && v.fused
            && is_fused(v, 1)
        {
            if v.raw.len() == keys.len() {
                values = v
                    .raw
                    .chars()
                    .filter_map(|d| parse_value(&d.to_string()))
                    .collect();
            } else {
                self.out.unplaced[0] += 1;
                self.out.warnings.push(format!(
                    "table 2 row {name}: digits {} printed without separators for {} cells not read: several splits fit",
                    v.raw,
                    keys.len()
                ));
                return;
            }
        }
        // A 2019 row whose blank 上一年项目数量 was lost with its separator:
        // a signed first value can only be the 增/减 column.
        if keys.len() == 3
            && keys[1].ends_with("__delta")
            && values.len() == 2
            && values[0].value.is_some()
            && values[0].raw.starts_with(['+', '-', '增', '减', '減'])
        {
            values.insert(0, Val::blank());
        } else if keys.len() == 3
            && keys[1].ends_with("__delta")
            && values.len() == 2
            && values.iter().all(|v| v.grid.is_none())
        {
            // Two of its three cells and nothing to tell which: 上一年项目数量
            // and 增/减, 增/减 and 处理决定数量, or the first and the last.
            self.out.unplaced[0] += values.iter().filter(|v| v.value.is_some()).count();
            self.out.warnings.push(format!(
                "table 2 row {name}: 2 values ({}, {}) for its 3 columns, no sign to place them; not read",
                values[0].raw, values[1].raw
            ));
            return;
        }
        let surplus = values
            .iter()
            .skip(keys.len())
            .filter(|v| v.value.is_some())
            .count();
        if surplus > 0 {
            self.out.unplaced[0] += surplus;
            self.out.warnings.push(format!(
                "table 2 row {name}: {surplus} numbers beyond its {} columns not placed",
                keys.len()
            ));
        }
        for (key, v) in keys.iter().zip(values) {
            self.put(key, v);
        }
    }

    /// The values after a table-3 label: one row, or several when the
    /// labels of the rows after it were lost (a grid row each, or seven
    /// numbers each in text), which the template's row order names.
    fn t3_row(&mut self, name: &'static str, values: Vec<Val>, at_end: bool) {
        let runs = row_runs(values, crate::model::T3_COLS.len());
        if runs.len() == 1 {
            let run = runs.into_iter().next().unwrap_or_default();
            return self.t3_one_row(name, run, at_end);
        }
        match self.t3_rows_from(name, runs.len()) {
            Some(names) => {
                for (n, run) in names.into_iter().zip(runs) {
                    self.t3_one_row(n, run, at_end);
                }
            }
            None => {
                let numbers = runs.iter().flatten().filter(|v| v.value.is_some()).count();
                self.out.unplaced[1] += numbers;
                self.out.warnings.push(format!(
                    "table 3: {} rows of values after the row {name}, more than the template has there; {numbers} numbers not placed",
                    runs.len()
                ));
            }
        }
    }

    /// The names of `k` consecutive table-3 rows that start at `name` (a
    /// row, or a group's subtotal row standing for the group's label).
    fn t3_rows_from(&mut self, name: &'static str, k: usize) -> Option<Vec<&'static str>> {
        let group = |prefix: &str| -> Vec<&'static str> {
            crate::model::T3_ROWS
                .iter()
                .copied()
                .filter(|r| r.starts_with(prefix))
                .collect()
        };
        let sub = match name {
            "denied_total_reported" => Some(group("denied_")),
            "unable_total_reported" => Some(group("unable_")),
            "not_processed_total_reported" => Some(group("not_processed_")),
            // （六）其他处理 followed by rows: the 2021 sub-rows.
            "other_total" => Some(vec![
                "other_no_correction",
                "other_fee_unpaid",
                "other_other",
            ]),
            _ => None,
        };
        if let Some(sub) = sub {
            // The group's rows, after its own subtotal when one was printed.
            if k == sub.len() {
                if name == "other_total" {
                    self.out.t3 = Some(T3Template::V2021);
                }
                return Some(sub);
            }
            if k == sub.len() + 1 && name != "other_total" {
                let mut rows = vec![name];
                rows.extend(sub);
                return Some(rows);
            }
            return None;
        }
        // A data row followed by rows whose labels were lost.
        let order = self.t3_order();
        let at = order.iter().position(|r| *r == name)?;
        order.get(at..at + k).map(<[_]>::to_vec)
    }

    /// Table 3's data rows in template order (2019: （六） as one row).
    fn t3_order(&self) -> Vec<&'static str> {
        crate::model::t3_rows(self.out.t3 == Some(T3Template::V2019))
    }

    /// Table-3 rows whose label names no row of the template (a typo, a
    /// reworded label) between two rows that were read: when as many of them
    /// stand between those two as the template has rows there, the
    /// template's order names them, each with a warning. Others are not
    /// placed, with a warning.
    fn place_unknown_rows(&mut self) {
        let trace = std::mem::take(&mut self.t3_trace);
        let order = self.t3_order();
        let pos = |name: &str| order.iter().position(|r| *r == name);
        let mut i = 0;
        while i < trace.len() {
            let Trace::Unknown { .. } = &trace[i] else {
                i += 1;
                continue;
            };
            let j = (i..trace.len())
                .find(|&j| matches!(trace[j], Trace::Row(_)))
                .unwrap_or(trace.len());
            let before = trace[..i].iter().rev().find_map(|t| match t {
                Trace::Row(r) => pos(r),
                Trace::Unknown { .. } => None,
            });
            let after = trace.get(j).and_then(|t| match t {
                Trace::Row(r) => pos(r),
                Trace::Unknown { .. } => None,
            });
            let names: Option<Vec<&'static str>> = match (before, after) {
                (Some(b), Some(a)) if a > b + 1 && a - b - 1 == j - i => {
                    Some(order[b + 1..a].to_vec())
                }
                _ => None,
            };
            for (k, t) in trace[i..j].iter().enumerate() {
                let Trace::Unknown { label, values } = t else {
                    continue;
                };
                match &names {
                    Some(names) => {
                        let name = names[k];
                        self.out.warnings.push(format!(
                            "table 3: the row 「{label}」 read as {name}, the template's row at its place (its label is not the template's)"
                        ));
                        self.t3_one_row(name, values.clone(), false);
                    }
                    None => {
                        let saved = self.zone;
                        self.zone = ZoneState(Some(Zone::T3));
                        self.not_placed(values, label);
                        self.zone = saved;
                    }
                }
            }
            i = j;
        }
    }

    fn t3_one_row(&mut self, name: &'static str, values: Vec<Val>, at_end: bool) {
        self.t3_trace.push(Trace::Row(name));
        // Seven numbers whose digits ran together: read once the whole table
        // is known (solve_fused).
        if let [v] = values.as_slice()
            && is_fused(v, 7)
        {
            self.fused.push((name, v.raw.clone(), v.page));
            return;
        }
        if matches!(
            name,
            "other_no_correction" | "other_fee_unpaid" | "other_other"
        ) {
            self.out.t3 = Some(T3Template::V2021);
        }
        let cols = crate::model::T3_COLS;
        if let Some(placed) = by_grid(&values, cols.len()) {
            for (col, v) in cols.iter().zip(placed) {
                if let Some(v) = v {
                    self.put(crate::model::t3_key(name, col).unwrap_or_default(), v);
                }
            }
            return;
        }
        let values = self.trim_extra(values, cols.len(), 3, name);
        if values.len() == cols.len() || at_end {
            for (col, v) in cols.iter().zip(values) {
                self.put(crate::model::t3_key(name, col).unwrap_or_default(), v);
            }
            return;
        }
        // Empty cells were collapsed: keep only what the row sum pins down.
        let placements = consistent_placements(&values, cols.len());
        if placements.is_empty() {
            self.out.unplaced[1] += values.iter().filter(|v| v.value.is_some()).count();
            self.out.warnings.push(format!(
                "table 3 row {name}: {} values for 7 columns, no placement fits the row sum; none placed",
                values.len()
            ));
            return;
        }
        let mut kept = 0;
        for (slot, col) in cols.iter().enumerate() {
            let first = placements[0][slot];
            if placements.iter().all(|p| p[slot] == first)
                && let Some(i) = first
            {
                self.put(
                    crate::model::t3_key(name, col).unwrap_or_default(),
                    values[i].clone(),
                );
                kept += 1;
            }
        }
        if kept < values.len() {
            self.out.unplaced[1] += values.len() - kept;
            self.out.warnings.push(format!(
                "table 3 row {name}: {} values for 7 columns; {} could not be placed",
                values.len(),
                values.len() - kept
            ));
        }
    }

    fn t4_row(&mut self, values: Vec<Val>) {
        // Fifteen numbers run together: split where the group sums leave one
        // way (fifteen digits are fifteen one-digit numbers).
        if let [v] = values.as_slice()
            && is_fused(v, 15)
        {
            let splits = t4_splits(&v.raw);
            if let [only] = splits.as_slice() {
                let values: Vec<Val> = only
                    .iter()
                    .filter_map(|n| parse_value(&n.to_string()))
                    .collect();
                self.out.warnings.push(format!(
                    "table 4: digits {} printed without separators, read as {} (the only split the group sums allow)",
                    v.raw,
                    only.map(|n| n.to_string()).join(" ")
                ));
                return self.t4_row(values);
            }
            self.out.unplaced[2] += 15;
            self.out.warnings.push(format!(
                "table 4: digits {} printed without separators not read: {} splits fit the group sums",
                v.raw,
                splits.len()
            ));
            return;
        }
        // An empty grid row under the data row (Word's borderless rows of
        // `&nbsp;`) is no row; a second row of values is not table 4's.
        let mut runs = row_runs(values, 15).into_iter();
        let values = runs.next().unwrap_or_default();
        let rest = runs.flatten().filter(|v| v.value.is_some()).count();
        if rest > 0 {
            self.out.unplaced[2] += rest;
            self.out.warnings.push(format!(
                "table 4: {rest} numbers after its row of fifteen not placed"
            ));
        }
        let values = match by_grid(&values, 15) {
            Some(placed) => placed,
            None => {
                let values = self.trim_extra(values, 15, 4, "");
                if values.len() < 15 && !values.is_empty() {
                    self.t4_collapsed(values)
                } else {
                    values.into_iter().map(Some).collect()
                }
            }
        };
        let mut i = 0;
        for g in crate::model::T4_GROUPS {
            for o in crate::model::T4_OUTCOMES {
                if let Some(Some(v)) = values.get(i) {
                    self.put(crate::model::t4_key(g, o).unwrap_or_default(), v.clone());
                }
                i += 1;
            }
        }
    }

    /// Table 4 with fewer than fifteen values (empty cells lost with their
    /// separators): the values keep their order, and only the cells that
    /// every placement satisfying the group sums (missing cells as 0) puts
    /// in the same place are read.
    fn t4_collapsed(&mut self, values: Vec<Val>) -> Vec<Option<Val>> {
        let k = values.len();
        let mut agreed: Option<Vec<Option<usize>>> = None;
        let mut count = 0usize;
        let mut idx: Vec<usize> = (0..k).collect();
        loop {
            let mut slots = [None; 15];
            for (vi, &s) in idx.iter().enumerate() {
                slots[s] = Some(vi);
            }
            let num = |s: usize| slots[s].and_then(|i| values[i].value).unwrap_or(0.0);
            let holds = (0..3).all(|g| {
                let parts: f64 = (0..4).map(|o| num(g * 5 + o)).sum();
                (parts - num(g * 5 + 4)).abs() < 1e-9
            });
            if holds {
                count += 1;
                agreed = Some(match agreed {
                    None => slots.to_vec(),
                    Some(a) => a
                        .iter()
                        .zip(slots)
                        .map(|(&x, y)| if x == y { x } else { None })
                        .collect(),
                });
            }
            // Next combination of k slots out of 15.
            let mut i = k;
            let more = loop {
                if i == 0 {
                    break false;
                }
                i -= 1;
                if idx[i] < 15 - k + i {
                    idx[i] += 1;
                    for j in i + 1..k {
                        idx[j] = idx[j - 1] + 1;
                    }
                    break true;
                }
            };
            if !more {
                break;
            }
        }
        let agreed = agreed.unwrap_or_else(|| vec![None; 15]);
        let placed = agreed.iter().filter(|s| s.is_some()).count();
        let numbers = values.iter().filter(|v| v.value.is_some()).count();
        if placed < k {
            self.out.unplaced[2] += numbers.min(k - placed);
            self.out.warnings.push(format!(
                "table 4: {k} values for 15 columns; {} placements fit the group sums, {} values could not be placed",
                count,
                k - placed
            ));
        }
        agreed
            .into_iter()
            .map(|s| s.map(|i| values[i].clone()))
            .collect()
    }

    /// Splits the fused table-3 rows where the table's relations leave one
    /// assignment: each row's own sum (six applicant columns = 总计) first,
    /// then, for rows it leaves open, every combination of their candidates
    /// against the column relations (new + carried over = results + carried
    /// forward; the result rows sum to the results total). A row is read
    /// only when every surviving combination gives it the same numbers;
    /// otherwise it stays unread, with a warning saying how many remained.
    fn solve_fused(&mut self) {
        if self.fused.is_empty() {
            return;
        }
        let fused = std::mem::take(&mut self.fused);
        let candidates: Vec<Vec<[u64; 7]>> =
            fused.iter().map(|(_, d, _)| fused_splits(d)).collect();
        // Rows whose own sum leaves several splits, searched together.
        let open: Vec<usize> = (0..fused.len())
            .filter(|&i| candidates[i].len() > 1)
            .collect();
        let budget: usize = open
            .iter()
            .try_fold(1usize, |acc, &i| acc.checked_mul(candidates[i].len()))
            .unwrap_or(usize::MAX);
        let mut chosen: Vec<Option<[u64; 7]>> = candidates
            .iter()
            .map(|c| (c.len() == 1).then(|| c[0]))
            .collect();
        let mut remaining: Vec<usize> = candidates.iter().map(Vec::len).collect();
        if !open.is_empty() && budget <= 200_000 {
            let mut survivors: Vec<Vec<usize>> = Vec::new();
            let mut pick = vec![0usize; open.len()];
            loop {
                let mut rows: Vec<(&str, [u64; 7])> = Vec::new();
                for (i, (name, _, _)) in fused.iter().enumerate() {
                    if let Some(v) = chosen[i] {
                        rows.push((name, v));
                    }
                }
                for (slot, &i) in open.iter().enumerate() {
                    rows.push((fused[i].0, candidates[i][pick[slot]]));
                }
                if self.columns_hold(&rows) {
                    survivors.push(pick.clone());
                }
                // Next combination.
                let mut slot = 0;
                loop {
                    if slot == open.len() {
                        break;
                    }
                    pick[slot] += 1;
                    if pick[slot] < candidates[open[slot]].len() {
                        break;
                    }
                    pick[slot] = 0;
                    slot += 1;
                }
                if slot == open.len() {
                    break;
                }
            }
            for (slot, &i) in open.iter().enumerate() {
                let mut distinct: Vec<usize> = survivors.iter().map(|p| p[slot]).collect();
                distinct.sort_unstable();
                distinct.dedup();
                remaining[i] = distinct.len();
                if let [only] = distinct.as_slice() {
                    chosen[i] = Some(candidates[i][*only]);
                }
            }
        }
        for (i, (name, digits, page)) in fused.iter().enumerate() {
            match chosen[i] {
                Some(values) => {
                    for (col, v) in crate::model::T3_COLS.iter().zip(values) {
                        let state = if v == 0 {
                            CellState::Zero
                        } else {
                            CellState::Number
                        };
                        self.put(
                            crate::model::t3_key(name, col).unwrap_or_default(),
                            Val {
                                raw: v.to_string(),
                                state,
                                value: Some(v as f64),
                                unit: None,
                                grid: None,
                                fused: false,
                                page: *page,
                            },
                        );
                    }
                    self.out.warnings.push(format!(
                        "table 3 row {name}: digits {digits} printed without separators, read as {} (the only split the table's relations allow)",
                        values.map(|v| v.to_string()).join(" ")
                    ));
                }
                None => {
                    self.out.unplaced[1] += crate::model::T3_COLS.len();
                    let why = match remaining[i] {
                        0 => "no split fits the table's relations".to_string(),
                        n if budget > 200_000 => {
                            format!("{n} splits fit the row sum, too many rows open to search")
                        }
                        n => format!("{n} splits fit the table's relations"),
                    };
                    self.out.warnings.push(format!(
                        "table 3 row {name}: digits {digits} printed without separators not read: {why}"
                    ));
                }
            }
        }
    }

    /// Whether the column relations of table 3 hold for the cells read plus
    /// `rows` (relations with a cell unknown are not tested).
    fn columns_hold(&self, rows: &[(&str, [u64; 7])]) -> bool {
        let value = |row: &str, col: usize| -> Option<f64> {
            if let Some((_, v)) = rows.iter().find(|(r, _)| *r == row) {
                return Some(v[col] as f64);
            }
            let key = crate::model::t3_key(row, crate::model::T3_COLS[col])?;
            self.out.cells.get(key).and_then(|c| c.value)
        };
        let v2019 =
            self.out.t3 == Some(T3Template::V2019) || rows.iter().any(|(r, _)| *r == "other_total");
        let results: Vec<&str> = crate::model::t3_rows(v2019)
            .into_iter()
            .filter(|r| {
                !matches!(
                    *r,
                    "new_received" | "carried_over" | "results_total" | "carried_forward"
                )
            })
            .collect();
        (0..7).all(|c| {
            let id = match (
                value("new_received", c),
                value("carried_over", c),
                value("results_total", c),
                value("carried_forward", c),
            ) {
                (Some(a), Some(b), Some(t), Some(f)) => (a + b - t - f).abs() < 1e-9,
                _ => true,
            };
            let parts: Option<f64> = results.iter().map(|r| value(r, c)).sum();
            let res = match (parts, value("results_total", c)) {
                (Some(p), Some(t)) => (p - t).abs() < 1e-9,
                _ => true,
            };
            id && res
        })
    }

    /// [`trim_extra`], with a warning for every number dropped.
    fn trim_extra(&mut self, values: Vec<Val>, n: usize, table: usize, row: &str) -> Vec<Val> {
        let numbers = values.iter().filter(|v| v.value.is_some()).count();
        let kept = trim_extra(values, n);
        let dropped = numbers - kept.iter().filter(|v| v.value.is_some()).count();
        if dropped > 0 {
            self.out.unplaced[table - 2] += dropped;
            let row = if row.is_empty() {
                String::new()
            } else {
                format!(" row {row}")
            };
            self.out.warnings.push(format!(
                "table {table}{row}: {dropped} numbers beyond its {n} columns not placed"
            ));
        }
        kept
    }

    fn put(&mut self, key: &str, v: Val) {
        if key.is_empty() {
            return;
        }
        self.out.cells.entry(key.to_string()).or_insert(Cell {
            value: v.value,
            raw: v.raw,
            state: v.state,
            inferred: false,
            unit: v.unit,
            source: None,
            page: v.page,
        });
    }
}

/// Places values by grid column: the last `n` columns of the table are the
/// `n` value columns. `None` when the values did not all come from one grid
/// with single-column cells in those columns.
fn by_grid(values: &[Val], n: usize) -> Option<Vec<Option<Val>>> {
    let mut placed = vec![None; n];
    let width = values.first()?.grid?.width;
    if width < n {
        return None;
    }
    for v in values {
        let g = v.grid?;
        if g.width != width {
            return None;
        }
        if g.col + g.colspan <= width - n {
            // An empty cell among the labels is padding; a number there means
            // the spans are off (a split table, a wrong rowspan): read the row
            // in logical order instead.
            if v.state == CellState::Blank {
                continue;
            }
            return None;
        }
        if g.colspan != 1 || g.col < width - n {
            return None;
        }
        placed[g.col - (width - n)] = Some(v.clone());
    }
    Some(placed)
}

/// A cell that is `n` numbers run together: digits only, glued to its label
/// or at least seven digits long (no count in these tables runs to seven
/// digits), and at least `n` of them.
fn is_fused(v: &Val, n: usize) -> bool {
    let raw = &v.raw;
    (v.fused || raw.len() >= 7)
        && raw.len() >= n
        && raw.len() <= 40
        && raw.bytes().all(|b| b.is_ascii_digit())
}

/// Every split of `digits` into seven numbers (no leading zeros) whose last
/// is the sum of the other six.
fn fused_splits(digits: &str) -> Vec<[u64; 7]> {
    fn go(d: &[u8], part: usize, acc: &mut [u64; 7], out: &mut Vec<[u64; 7]>) {
        if part == 6 {
            if d.is_empty() || (d.len() > 1 && d[0] == b'0') || d.len() > 12 {
                return;
            }
            let v = d.iter().fold(0u64, |a, b| a * 10 + u64::from(b - b'0'));
            if v == acc[..6].iter().sum::<u64>() {
                acc[6] = v;
                out.push(*acc);
            }
            return;
        }
        // Leave at least one digit for each part still to come.
        let max_len = if d.first() == Some(&b'0') { 1 } else { 9 };
        for len in 1..=max_len.min(d.len().saturating_sub(6 - part)) {
            acc[part] = d[..len]
                .iter()
                .fold(0u64, |a, b| a * 10 + u64::from(b - b'0'));
            go(&d[len..], part + 1, acc, out);
        }
    }
    let mut out = Vec::new();
    go(digits.as_bytes(), 0, &mut [0; 7], &mut out);
    out
}

/// Every split of `digits` into table 4's fifteen numbers (no leading
/// zeros) in which each group's 总计 is the sum of its four outcomes; at most
/// a few (enough to tell one from several).
fn t4_splits(digits: &str) -> Vec<[u64; 15]> {
    fn go(d: &[u8], part: usize, acc: &mut [u64; 15], out: &mut Vec<[u64; 15]>) {
        if out.len() > 8 {
            return;
        }
        if part == 15 {
            if d.is_empty() {
                out.push(*acc);
            }
            return;
        }
        let max_len = if d.first() == Some(&b'0') { 1 } else { 9 };
        for len in 1..=max_len.min(d.len().saturating_sub(14 - part)) {
            let v = d[..len]
                .iter()
                .fold(0u64, |a, b| a * 10 + u64::from(b - b'0'));
            // A group's total must be the sum of its four outcomes.
            if part % 5 == 4 && v != acc[part - 4..part].iter().sum::<u64>() {
                continue;
            }
            acc[part] = v;
            go(&d[len..], part + 1, acc, out);
        }
    }
    let mut out = Vec::new();
    go(digits.as_bytes(), 0, &mut [0; 15], &mut out);
    out
}

/// The rows in a run of values that no label separated: one per grid row
/// (rows with no printed value dropped: an empty row never overwrites a
/// printed one), or, in text, `n` values each when the run holds a whole
/// number of rows and more than one.
fn row_runs(values: Vec<Val>, n: usize) -> Vec<Vec<Val>> {
    if values.iter().all(|v| v.grid.is_some()) && !values.is_empty() {
        let mut runs: Vec<Vec<Val>> = Vec::new();
        let mut last_row = None;
        for v in values {
            let row = v.grid.map(|g| g.row);
            if row != last_row {
                runs.push(Vec::new());
                last_row = row;
            }
            if let Some(r) = runs.last_mut() {
                r.push(v);
            }
        }
        let printed: Vec<Vec<Val>> = runs
            .iter()
            .filter(|r| r.iter().any(|v| v.state != CellState::Blank))
            .cloned()
            .collect();
        return if printed.is_empty() {
            runs.truncate(1);
            runs
        } else {
            printed
        };
    }
    let mut values = values;
    while values.len() > n && values.last().is_some_and(|v| v.state == CellState::Blank) {
        values.pop();
    }
    if values.len() > n && values.len().is_multiple_of(n) && values.iter().all(|v| v.grid.is_none())
    {
        return values.chunks(n).map(<[Val]>::to_vec).collect();
    }
    vec![values]
}

/// Drops surplus values: trailing blanks (separator artefacts), then anything
/// past `n`.
fn trim_extra(mut values: Vec<Val>, n: usize) -> Vec<Val> {
    while values.len() > n && values.last().is_some_and(|v| v.state == CellState::Blank) {
        values.pop();
    }
    // Blanks in front of the row come from a row-spanning label cell.
    while values.len() > n && values.first().is_some_and(|v| v.state == CellState::Blank) {
        values.remove(0);
    }
    values.truncate(n);
    values
}

/// Order-keeping placements of `values` into `n` slots (the last slot is the
/// total) for which total = sum of the others (missing slots count as 0).
fn consistent_placements(values: &[Val], n: usize) -> Vec<Vec<Option<usize>>> {
    let k = values.len();
    let mut out = Vec::new();
    if k == 0 || k > n {
        return out;
    }
    let mut idx: Vec<usize> = (0..k).collect();
    loop {
        let mut slots = vec![None; n];
        for (vi, &s) in idx.iter().enumerate() {
            slots[s] = Some(vi);
        }
        let num = |s: usize| slots[s].and_then(|i| values[i].value).unwrap_or(0.0);
        let parts: f64 = (0..n - 1).map(num).sum();
        if slots[n - 1].is_some() && (parts - num(n - 1)).abs() < 1e-9 {
            out.push(slots);
        }
        // Next combination of k slots out of n.
        let mut i = k;
        loop {
            if i == 0 {
                return out;
            }
            i -= 1;
            if idx[i] < n - k + i {
                idx[i] += 1;
                for j in i + 1..k {
                    idx[j] = idx[j - 1] + 1;
                }
                break;
            }
        }
    }
}

enum Tok {
    /// A label: as printed, and folded and squeezed for matching.
    Label(String, String),
    Value(Val),
    /// A label with digits run onto it (`规章003`): the label and the digits
    /// when the label names a table row, else the whole as one label.
    Glued {
        whole: (String, String),
        label: (String, String),
        value: Val,
    },
}

/// Cuts a line into label and value tokens (see the module docs).
fn tokens(line: &str, fline: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    if fline.contains('|') {
        // One trailing `|` closes the last cell; the rest separate cells. A
        // row that also opens with `|` (Markdown, a bordered text table)
        // has no cell before it.
        let mut end = fline.trim_end().len();
        let mut start = 0;
        if fline[..end].ends_with('|') {
            end -= 1;
            let lead = fline.len() - fline.trim_start().len();
            if end > lead && fline[lead..].starts_with('|') {
                start = lead + 1;
            }
        }
        for seg in fline[start..end].split('|') {
            let s = start;
            start += seg.len() + 1;
            let printed = line[s..s + seg.len()].trim();
            let folded = seg.trim();
            push_cell(&mut out, printed, Some(folded), true);
        }
        return out;
    }
    // A PDF-style row: a label followed by values separated by spaces.
    let words: Vec<(usize, &str)> = word_spans(fline);
    let mut split = words.len();
    while split > 0 && parse_value(words[split - 1].1).is_some() {
        split -= 1;
    }
    if split < words.len() {
        if split > 0 {
            let end = words[split - 1].0 + words[split - 1].1.len();
            push_cell(
                &mut out,
                line[..end].trim(),
                Some(fline[..end].trim()),
                false,
            );
        }
        for &(at, w) in &words[split..] {
            push_cell(&mut out, &line[at..at + w.len()], Some(w), false);
        }
        return out;
    }
    push_cell(&mut out, line.trim(), Some(fline.trim()), false);
    out
}

fn word_spans(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c == ' ' {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// Turns one cell into a token. `folded` is the printed text folded, when
/// the caller has it; labels are folded here otherwise (values never need it).
fn push_cell(out: &mut Vec<Tok>, printed: &str, folded: Option<&str>, blank_ok: bool) {
    if printed.is_empty() {
        if blank_ok {
            out.push(Tok::Value(Val::blank()));
        }
        return;
    }
    // A label with a row's digits run onto it (`规章000`,
    // `…申请数量120000012`): the digits may be several cells.
    let digits = printed
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    if digits > 0 && digits < printed.len() && parse_value(printed).is_none() {
        // The number starts with a digit (`收费12.5`, not `第1.`).
        let cut = printed.len() - digits
            + printed[printed.len() - digits..]
                .bytes()
                .take_while(|b| *b == b'.')
                .count();
        let glued = printed[..cut]
            .chars()
            .next_back()
            .is_some_and(|c| normalize::is_han(c) || matches!(c, ')' | '）' | '”'));
        if glued
            && cut < printed.len()
            && let Some(mut value) = parse_value(&printed[cut..])
        {
            value.fused = true;
            let fold = |s: &str| squeeze(&normalize::fold(s));
            let (label, whole) = match folded {
                Some(f) => (squeeze(f[..cut].trim_end()), squeeze(f)),
                None => (fold(printed[..cut].trim_end()), fold(printed)),
            };
            out.push(Tok::Glued {
                whole: (printed.to_string(), whole),
                label: (printed[..cut].trim_end().to_string(), label),
                value,
            });
            return;
        }
    }
    match parse_value(printed) {
        Some(v) => out.push(Tok::Value(v)),
        None => {
            let squeezed = match folded {
                Some(f) => squeeze(f),
                None => squeeze(&normalize::fold(printed)),
            };
            out.push(Tok::Label(printed.to_string(), squeezed));
        }
    }
}

/// A cell's value: a number (signed, decimal, thousands separators, a unit
/// such as 251000元; 增3 / 减3 in the 2019 增/减 column), or not applicable
/// ("/", "-", "—", 不适用).
fn parse_value(s: &str) -> Option<Val> {
    let t = s.trim();
    if matches!(
        t,
        "/" | "-" | "—" | "--" | "——" | "–" | "不适用" | "无" | "N/A" | "n/a" | "空" | "\\"
    ) {
        return Some(Val {
            raw: t.to_string(),
            state: CellState::Na,
            value: None,
            unit: None,
            grid: None,
            fused: false,
            page: None,
        });
    }
    let (num, unit) = match ["万元", "元", "件", "条", "個", "个", "條", "项", "項"]
        .iter()
        .find(|u| t.ends_with(*u))
    {
        Some(u) => (t[..t.len() - u.len()].trim(), Some(u.to_string())),
        None => (t, None),
    };
    // A sign, or the 2019 增/减 column's words for one (增3, 减少2).
    let (sign, digits) = [
        ("+", 1.0),
        ("-", -1.0),
        ("增加", 1.0),
        ("减少", -1.0),
        ("增", 1.0),
        ("减", -1.0),
        ("減少", -1.0),
        ("減", -1.0),
    ]
    .iter()
    .find_map(|(p, sign)| num.strip_prefix(p).map(|d| (*sign, d.trim_start())))
    .unwrap_or((1.0, num));
    if digits.is_empty()
        || !digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        || !digits.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    let (d, len) = super::numerals::parse_arabic(digits)?;
    if len != digits.len() {
        return None;
    }
    let value = sign * d.to_f64();
    let state = if value == 0.0 {
        CellState::Zero
    } else {
        CellState::Number
    };
    Some(Val {
        raw: t.to_string(),
        state,
        value: Some(value),
        unit,
        grid: None,
        fused: false,
        page: None,
    })
}

/// A Markdown table rule: `|---|:---:|`.
fn is_rule_line(s: &str) -> bool {
    s.contains("---") && s.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' '))
}

/// 五、… / 六、…: report sections that follow the tables.
fn is_late_heading(s: &str) -> bool {
    let Some(rest) = s.strip_prefix(['五', '六', '七']) else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with(['、', '.', '．']) && !rest.contains('|') && rest.chars().count() <= 40
}

/// Removes whitespace, quotes and injected pinyin; unifies punctuation.
fn squeeze(f: &str) -> String {
    let mut out = String::with_capacity(f.len());
    let mut chars = f.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '“' | '”' | '"' | '「' | '」' | '『' | '』' | '\'' | '‘' | '’' => {}
            '，' => out.push(','),
            '、' => out.push(','),
            '﹝' | '〔' | '[' => out.push('('),
            '﹞' | '〕' | ']' => out.push(')'),
            '．' => out.push('.'),
            '(' => {
                // 國務(wù)院: pinyin injected after a character.
                let look: String = chars.clone().take(8).collect();
                if let Some(close) = look.find(')') {
                    let inner = &look[..close];
                    if !inner.is_empty()
                        && inner.chars().count() <= 6
                        && inner.chars().all(|c| {
                            c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü".contains(c)
                        })
                    {
                        for _ in 0..inner.chars().count() + 1 {
                            chars.next();
                        }
                        continue;
                    }
                }
                out.push('(');
            }
            c => out.push(c),
        }
    }
    out
}

/// The label with parenthesised notes removed (balanced or cut off).
fn strip_notes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// `(一)` → `一,`: a bracketed ordinal inside a run of labels
/// (`三、本年度办理结果 (一)予以公开` on one PDF line) numbers a new segment
/// instead of being set aside as a note.
fn unbracket_ordinals(s: &str) -> std::borrow::Cow<'_, str> {
    static MARK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"\(([一二三四五六七八九十]{1,2})\)").expect("valid pattern")
    });
    MARK.replace_all(s, "$1,")
}

/// Splits a label run into segments at numbering marks (三、 1. (一)).
fn segments(core: &str) -> Vec<&str> {
    const ORDINALS: &str = "一二三四五六七八九十";
    let mut segs = Vec::new();
    let mut seg_start = 0;
    let mut chars = core.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // A numbering mark: ASCII digits then '.' or ',', or one or two
        // Chinese ordinals then ','.
        let mut end = None;
        if c.is_ascii_digit() || ORDINALS.contains(c) {
            let ascii = c.is_ascii_digit();
            let mut n = 1;
            let mut look = chars.clone();
            while let Some(&(_, d)) = look.peek() {
                if (ascii && d.is_ascii_digit()) || (!ascii && ORDINALS.contains(d)) {
                    look.next();
                    n += 1;
                } else {
                    break;
                }
            }
            if let Some(&(j, d)) = look.peek()
                && ((ascii && matches!(d, '.' | ',')) || (!ascii && d == ',' && n <= 2))
            {
                end = Some(j + d.len_utf8());
                look.next();
                chars = look;
            }
        }
        if let Some(end) = end {
            if i > seg_start {
                segs.push(&core[seg_start..i]);
            }
            seg_start = end;
        }
    }
    if core.len() > seg_start {
        segs.push(&core[seg_start..]);
    }
    segs
}

/// What a label run (folded, squeezed labels) means, and the group it leaves open. Groups are read
/// token by token; the row is the shortest run of trailing tokens that names
/// one (a PDF label wrapped over lines needs several).
fn resolve(labels: &[&str], zone: Zone, group: Group) -> (Option<Row>, Option<Group>) {
    let squeezed: String = labels.concat();
    // Table 4's header run.
    if ["结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉"]
        .iter()
        .any(|w| squeezed.contains(w))
    {
        return (Some(Row::T4), None);
    }
    let mut g = group;
    let mut new_group = None;
    for l in labels {
        if let Some(ng) = classify_run(l, zone, g).1 {
            g = ng;
            new_group = Some(ng);
        }
    }
    for from in (labels.len().saturating_sub(4)..labels.len()).rev() {
        let (row, _) = classify_run(&labels[from..].concat(), zone, g);
        if row.is_some() {
            return (row, new_group);
        }
    }
    (None, new_group)
}

/// The row named by the last meaningful segment of a label run, and the last
/// group it opens.
fn classify_run(run: &str, zone: Zone, group: Group) -> (Option<Row>, Option<Group>) {
    let core = strip_notes(&unbracket_ordinals(run));
    let mut row = None;
    let mut new_group = None;
    let mut g = group;
    for seg in segments(&core) {
        match classify(seg, zone, g) {
            Some(Row::Group(ng)) => {
                g = ng;
                new_group = Some(ng);
                row = Some(Row::Group(ng));
            }
            Some(r) => row = Some(r),
            None => {}
        }
    }
    (row, new_group)
}

/// One label segment against the vocabularies.
fn classify(seg: &str, zone: Zone, group: Group) -> Option<Row> {
    // Table 2 rows.
    if zone != Zone::T3 && zone != Zone::T4 {
        let t2 = [
            ("规章", "rules"),
            ("行政规范性文件", "normative_docs"),
            ("规范性文件", "normative_docs"),
            ("行政许可", "licensing"),
            ("其他对外管理服务事项", "other_mgmt_services"),
            ("行政处罚", "penalty"),
            ("行政强制", "coercion"),
            ("行政事业性收费", "admin_fees"),
            ("政府集中采购", "central_procurement"),
        ];
        for (w, name) in t2 {
            // Outside a table-2 zone only the bare label counts.
            if (zone == Zone::T2 && seg.starts_with(w)) || seg == w {
                return Some(Row::T2(name));
            }
        }
        if zone == Zone::T2 {
            return None;
        }
    }
    // Table 3 rows and groups: the first rule (in this order) whose keyword
    // the segment holds.
    let mut first: Option<usize> = None;
    for m in T3_MATCHER.find_overlapping_iter(seg) {
        let p = m.pattern().as_usize();
        if first.is_none_or(|f| p < f) {
            first = Some(p);
        }
    }
    if let Some(p) = first {
        return Some(T3_RULES[p].1);
    }
    if seg == "办理结果" {
        return Some(Row::Group(Group::Results));
    }
    if seg == "其他" && group == Group::Other {
        return Some(Row::T3("other_other"));
    }
    if matches!(seg, "总计" | "合计" | "办理结果合计" | "小计")
        && zone == Zone::T3
        && group != Group::None
    {
        return Some(Row::T3("results_total"));
    }
    None
}

/// Words that open a table's zone or tell table 2's template.
const ZONE_WORDS: [&str; 19] = [
    "第二十条",
    "勾稽关系",
    "申请人情况",
    "本年新收",
    "行政复议",
    "行政诉讼",
    // 2021 table 2 (bits 6-10)
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年收费金额",
    "本年处理决定数量",
    // 2019 table 2 (bits 11-18)
    "本年新制作",
    "本年新公开",
    "对外公开总数量",
    "上一年项目数量",
    "本年增/减",
    "采购项目数量",
    "采购总金额",
    "第二十条第(九)项",
];
const V2021_WORDS: u32 = 0b11111 << 6;
const V2019_WORDS: u32 = 0b1111_1111 << 11;

static ZONE_MATCHER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(ZONE_WORDS).expect("valid patterns")
    });

/// Table 3 vocabulary, in priority order (a segment holding several keywords
/// means the first).
const T3_RULES: [(&str, Row); 38] = [
    ("本年新收", Row::T3("new_received")),
    ("上年结转", Row::T3("carried_over")),
    ("结转下", Row::T3("carried_forward")),
    ("继续办理", Row::T3("carried_forward")),
    ("本年度办理结果", Row::Group(Group::Results)),
    ("部分公开", Row::T3("partial")),
    ("国家秘密", Row::T3("denied_state_secret")),
    ("禁止公开", Row::T3("denied_law_prohibited")),
    ("行政止公开", Row::T3("denied_law_prohibited")),
    ("法律行政法规", Row::T3("denied_law_prohibited")),
    ("三安全一稳定", Row::T3("denied_security_stability")),
    ("危及", Row::T3("denied_security_stability")),
    ("第三方", Row::T3("denied_third_party")),
    ("内部事务", Row::T3("denied_internal_affairs")),
    ("过程性", Row::T3("denied_process_info")),
    ("执法案卷", Row::T3("denied_enforcement_file")),
    ("查询事项", Row::T3("denied_admin_query")),
    ("不予公开", Row::Group(Group::Denied)),
    ("予以公开", Row::T3("granted")),
    ("不掌握", Row::T3("unable_not_held")),
    ("另行制作", Row::T3("unable_needs_creation")),
    ("现成信息", Row::T3("unable_needs_creation")),
    ("仍不明确", Row::T3("unable_still_unclear")),
    ("补正后", Row::T3("unable_still_unclear")),
    ("无法提供", Row::Group(Group::Unable)),
    ("信访", Row::T3("not_processed_petition")),
    ("举报投诉", Row::T3("not_processed_petition")),
    ("重复申请", Row::T3("not_processed_duplicate")),
    ("出版物", Row::T3("not_processed_publication")),
    ("大量反复", Row::T3("not_processed_excessive")),
    ("重新出具", Row::T3("not_processed_confirmation")),
    ("确认或", Row::T3("not_processed_confirmation")),
    ("已获取信息", Row::T3("not_processed_confirmation")),
    ("不予处理", Row::Group(Group::NotProcessed)),
    ("不补正", Row::T3("other_no_correction")),
    ("缴纳费用", Row::T3("other_fee_unpaid")),
    ("收费通知", Row::T3("other_fee_unpaid")),
    ("其他处理", Row::Group(Group::Other)),
];

static T3_MATCHER: std::sync::LazyLock<aho_corasick::AhoCorasick> =
    std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::new(T3_RULES.iter().map(|(k, _)| k)).expect("valid patterns")
    });

/// Whether a (folded, squeezed) label names a row of one of the tables, or
/// is table 4's header (after which its fifteen numbers come).
fn names_row(label: &str, group: Group) -> bool {
    ["行政复议", "行政诉讼", "结果维持", "尚未审结"]
        .iter()
        .any(|w| label.contains(w))
        || [Zone::T2, Zone::T3]
            .iter()
            .any(|&z| resolve(&[label], z, group).0.is_some())
}

/// A label that can name a table row (not a header or a sentence).
fn is_row_label(s: &str) -> bool {
    let core = strip_notes(s);
    let n = core.chars().count();
    (2..=20).contains(&n)
        && !core.contains(['。', ',', ':'])
        && !["信息内容", "第二十条"].iter().any(|w| core.contains(w))
}

#[cfg(test)]
mod generated;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::{fold, normalize};

    fn cells(s: &str) -> (BTreeMap<String, Option<f64>>, Tables) {
        let t = normalize(s);
        let f = fold(&t);
        let tables = extract(&t, &f, &[]);
        (
            tables
                .cells
                .iter()
                .map(|(k, c)| (k.clone(), c.value))
                .collect(),
            tables,
        )
    }

    #[test]
    fn pipe_rows_2021() {
        let (c, t) = cells(
            "二、主动公开政府信息情况\n第二十条第(一)项 | |||\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |\n行政规范性文件 | 4 | 0 | 32 |\n第二十条第(五)项 | ||\n信息内容 | 本年处理决定数量 | ||\n行政许可 | 858 | ||\n第二十条第(八)项 | |||\n信息内容 | 本年收费金额(单位:万元) | ||\n行政事业性收费 | 7730.28 |",
        );
        assert_eq!(t.t2, Some(T2Template::V2021));
        assert_eq!(c["t2__normative_docs__in_force"], Some(32.0));
        assert_eq!(c["t2__licensing__decisions"], Some(858.0));
        assert_eq!(c["t2__admin_fees__amount_wanyuan"], Some(7730.28));
        assert_eq!(c.len(), 8);
    }

    #[test]
    fn one_cell_per_line_with_blanks() {
        let (c, _) = cells(
            "第二十条第(一)项 |\n信息内容 |\n本年制发件数 |\n本年废止件数 |\n现行有效件数 |\n规章 |\n|\n|\n|\n规范性文件 |\n1 |\n|\n3 |\n",
        );
        assert_eq!(c["t2__rules__issued"], None);
        assert_eq!(c["t2__normative_docs__issued"], Some(1.0));
        assert_eq!(c["t2__normative_docs__repealed"], None);
        assert_eq!(c["t2__normative_docs__in_force"], Some(3.0));
    }

    #[test]
    fn table3_with_groups_and_rowspans() {
        let (c, t) = cells(
            "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |\n自然人 | 法人或其他组织 | 总计 |\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n\
             一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n\
             三、本年度办理结果 | (一)予以公开 | 2 | | | | | | 2 |\n\
             | (三)不予公开 | 1.属于国家秘密 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n\
             (六)其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n\
             3.其他 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n(七)总计 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        );
        assert_eq!(c["t3__new_received__natural_person"], Some(3.0));
        assert_eq!(c["t3__granted__total"], Some(2.0));
        assert_eq!(c["t3__granted__commercial_enterprise"], None);
        assert_eq!(c["t3__denied_state_secret__natural_person"], Some(1.0));
        assert_eq!(c["t3__other_no_correction__total"], Some(0.0));
        assert_eq!(c["t3__other_other__total"], Some(0.0));
        assert_eq!(c["t3__results_total__total"], Some(3.0));
        assert_eq!(c["t3__carried_forward__total"], Some(0.0));
        assert_eq!(t.t3, Some(T3Template::V2021));
    }

    #[test]
    fn pdf_rows_with_wrapped_labels_and_table4() {
        let (c, t) = cells(
            "申请人情况\n自然人\n一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21\n三\n、\n本\n年\n度\n办\n理\n结\n果\n（一）予以公开 0 0 0 0 0 0 0\n（二）部分公开（区分处理的，只计这一情 形，不\n计其他情形） 4 0 0 0 0 0 4\n- 4 -\n（六）其他处理 0 0 0 0 0 0 0\n（七）总计 21 0 0 0 0 0 21\n四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果\n维持\n尚未\n审结 总 计\n10 1 0 0 0 0 0 0 0 0 5 0 0 0 0\n五、存在的主要问题及改进情况\n2023 年,我区 3 项",
        );
        assert_eq!(c["t3__partial__total"], Some(4.0));
        assert_eq!(c["t3__other_total__natural_person"], Some(0.0));
        assert_eq!(t.t3, Some(T3Template::V2019));
        assert_eq!(c["t4__review__upheld"], Some(10.0));
        assert_eq!(c["t4__litigation_after_review__upheld"], Some(5.0));
        assert_eq!(c["t4__litigation_after_review__total"], Some(0.0));
        assert!(!c.keys().any(|k| k.contains("granted") && c[k] != Some(0.0)));
    }

    #[test]
    fn table2_2019_signed_deltas_units_na_and_extra_rows() {
        let (c, t) = cells(
            "第二十条第(一)项 | ||||\n信息内容 | 本年新 | 本年新 | 对外公开总数量 | |\n規範性檔案(行政機關制定的公文) | 2 | 2 | 19 | |\n其他主動公開檔案(含以本單位名義) | 186 | 86 | 255 | |\n第二十条第(五)项 | ||||\n信息内容 | 上一年项目数量 | 本年增/减(减用负值表示,如-8) | 处理决定数量 | |\n行政许可 | 71 | -11 | 0 | |\n其他对外管理服务事项 | 2 | +2 | 114 | |\n行政強制 | 4 | 4 | - | |\n第二十条第(九)项 | ||||\n信息内容 | 采购项目数量 | 采购总金额 |\n政府集中采购 | 6 | 251000元 |",
        );
        assert_eq!(t.t2, Some(T2Template::V2019));
        assert_eq!(c["t2v19__normative_docs__total_published"], Some(19.0));
        assert_eq!(c["t2v19__licensing__delta"], Some(-11.0));
        assert_eq!(c["t2v19__other_mgmt_services__delta"], Some(2.0));
        assert_eq!(c["t2__coercion__decisions"], None);
        assert_eq!(t.cells["t2__coercion__decisions"].state, CellState::Na);
        assert_eq!(c["t2v19__central_procurement__amount"], Some(251000.0));
        assert_eq!(
            t.cells["t2v19__central_procurement__amount"]
                .unit
                .as_deref(),
            Some("元")
        );
        assert_eq!(t.extra_rows.len(), 1);
        assert_eq!(t.extra_rows[0].label, "其他主動公開檔案");
        assert_eq!(t.extra_rows[0].values, ["186", "86", "255"]);
    }

    #[test]
    fn collapsed_empty_cells_are_placed_only_when_the_sum_decides() {
        let (c, t) = cells(
            "申请人情况\n一、本年新收政府信息公开申请数量 | 3 | 3 |\n二、上年结转政府信息公开申请数量 | 1 | 2 | 3 |\n四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        );
        assert_eq!(c["t3__new_received__total"], Some(3.0));
        assert!(!c.contains_key("t3__new_received__natural_person"));
        assert_eq!(c["t3__carried_over__total"], Some(3.0));
        assert!(!t.warnings.is_empty());
    }

    #[test]
    fn truncated_last_row_reads_from_the_left() {
        let (c, _) = cells("申请人情况\n1.属于国家秘密 | 0 | 0 |");
        assert_eq!(c["t3__denied_state_secret__natural_person"], Some(0.0));
        assert_eq!(
            c["t3__denied_state_secret__commercial_enterprise"],
            Some(0.0)
        );
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn signed_2019_value_without_its_blank_is_the_change() {
        let (c, t) = cells(
            "第二十条第(五)项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政许可 减3 6\n行政处罚 12 +3 40\n其他对外管理服务事项 4 9\n",
        );
        assert_eq!(c["t2v19__licensing__prev_items"], None);
        assert_eq!(c["t2v19__licensing__delta"], Some(-3.0));
        assert_eq!(c["t2__licensing__decisions"], Some(6.0));
        assert_eq!(c["t2v19__penalty__delta"], Some(3.0));
        // Unsigned: nothing tells which two columns they are.
        assert!(!c.keys().any(|k| k.contains("other_mgmt_services")));
        assert!(t.warnings.iter().any(|w| w.contains("other_mgmt_services")));
    }

    #[test]
    fn digits_glued_to_a_row_label_are_cells_but_not_in_prose() {
        let (c, t) = cells(
            "第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章003\n行政规范性文件2258\n详见附件1\n第二十条第(五)项\n信息内容 本年处理决定数量\n行政许可81\n",
        );
        assert_eq!(c["t2__rules__in_force"], Some(3.0));
        assert_eq!(c["t2__licensing__decisions"], Some(81.0));
        assert!(!c.contains_key("t2__normative_docs__issued"));
        assert!(
            t.warnings.iter().any(|w| w.contains("2258")),
            "{:?}",
            t.warnings
        );
        assert!(
            !t.warnings.iter().any(|w| w.contains("附件")),
            "{:?}",
            t.warnings
        );
    }

    #[test]
    fn collapsed_table4_keeps_only_what_the_group_sums_place() {
        let (c, t) = cells(
            "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n结果维持 结果纠正 其他结果 尚未审结 总计\n1 0 0 0 1 2 0 0 0 2 0 0 0 0\n五、存在的主要问题及改进情况",
        );
        assert_eq!(c["t4__review__upheld"], Some(1.0));
        assert_eq!(c["t4__review__total"], Some(1.0));
        assert_eq!(c["t4__litigation_direct__total"], Some(2.0));
        assert!(
            !c.keys()
                .any(|k| k.starts_with("t4__litigation_after_review"))
        );
        assert!(
            t.warnings
                .iter()
                .any(|w| w.starts_with("table 4: 14 values"))
        );
    }

    #[test]
    fn label_segments() {
        assert_eq!(
            segments("三,本年度办理结果(一)予以公开"),
            ["本年度办理结果(一)予以公开"]
        );
        assert_eq!(
            segments("不予公开1.属于国家秘密"),
            ["不予公开", "属于国家秘密"]
        );
        assert_eq!(segments("12.其他"), ["其他"]);
        assert_eq!(segments("属于三类内部事务信息"), ["属于三类内部事务信息"]);
        assert_eq!(segments("第二十条第(一)项"), ["第二十条第(一)项"]);
    }

    #[test]
    fn prose_is_not_a_table() {
        let (c, _) = cells("2019年,我局收到申请3件,予以公开 2\n规章制度建设 3 项");
        assert!(c.is_empty(), "{c:?}");
    }

    #[test]
    fn html_grids_place_values_by_column() {
        use crate::html::{Dom, render::Stats, table};
        let html = "<table><tr><td colspan=3 rowspan=3>(本列数据的勾稽关系为:…)</td><td colspan=7>申请人情况</td></tr>\
            <tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>\
            <tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>\
            <tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td></td><td></td><td></td><td></td><td>6</td></tr>\
            <tr><td rowspan=2>三、本年度办理结果</td><td colspan=2>(一)予以公开</td><td>4</td><td>1</td></tr>\
            <tr><td colspan=2>(七)总计</td><td>5</td><td>1</td><td></td><td></td><td></td><td></td><td>6</td></tr></table>";
        let dom = Dom::parse(html);
        let stats = Stats::new(&dom);
        let grids = table::grids(&dom, &stats, 0);
        let t = extract("", "", &grids);
        let v = |k: &str| t.cells.get(k).map(|c| (c.value, c.state));
        assert_eq!(
            v("t3__new_received__natural_person"),
            Some((Some(5.0), CellState::Number))
        );
        assert_eq!(
            v("t3__new_received__research_institution"),
            Some((None, CellState::Blank))
        );
        assert_eq!(
            v("t3__new_received__total"),
            Some((Some(6.0), CellState::Number))
        );
        // The row with omitted trailing cells keeps its two values in their columns.
        assert_eq!(
            v("t3__granted__commercial_enterprise"),
            Some((Some(1.0), CellState::Number))
        );
        assert_eq!(v("t3__granted__total"), None);
        assert_eq!(
            v("t3__results_total__total"),
            Some((Some(6.0), CellState::Number))
        );
    }
}
