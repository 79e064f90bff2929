//! The data dictionary: one row per column of every file a run writes,
//! saying what it holds. Written as `dictionary.csv` beside the outputs and
//! printed by `nianbao schema`; docs/contract.md says the same in prose.
//!
//! Cell-key columns (in `reports.csv` and `states.csv`) also name their
//! table, the template(s) that have the cell, the printed row and column
//! labels (Chinese, as in the template, docs/formats.md) and the checks the
//! cell takes part in.

use crate::model::{
    T2_KEYS, T3_COLS, T3_REPORTED_ROWS, T3_ROW_LABELS, T3_ROWS, T4_GROUPS, T4_OUTCOMES,
};
use crate::sink::csv::{CELL_COLUMNS, CHECK_COLUMNS, FIGURE_COLUMNS, REPORT_COLUMNS};

/// Columns of `dictionary.csv`.
pub const COLUMNS: [&str; 11] = [
    "file",
    "column",
    "label",
    "type",
    "unit",
    "meaning",
    "table",
    "templates",
    "row_label",
    "column_label",
    "checks",
];

/// One column of one file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// The file (`reports.csv`).
    pub file: &'static str,
    /// The column (or, for JSON lines, the top-level field).
    pub column: String,
    /// A short name in Chinese (the second header row of `dataset.xlsx`):
    /// for cell keys the printed row and column labels' last levels.
    pub label: String,
    /// `string`, `integer`, `number`, `boolean`, `date` (ISO, `YYYY-MM-DD`),
    /// or `enum: a|b|c`.
    pub ty: String,
    /// The unit of the numbers (`件`, `万元`), when there is one.
    pub unit: String,
    /// What the column holds, in words.
    pub meaning: String,
    /// For cell keys: the table (`表三 收到和处理政府信息公开申请情况`).
    pub table: String,
    /// For cell keys: the templates that have the cell (`2021`, `2019`).
    pub templates: String,
    /// For cell keys: the printed row label.
    pub row_label: String,
    /// For cell keys: the printed column label.
    pub column_label: String,
    /// For cell keys: the check rules the cell takes part in.
    pub checks: String,
}

impl Entry {
    /// The fields in the order of [`COLUMNS`].
    pub fn fields(&self) -> [&str; 11] {
        [
            self.file,
            &self.column,
            &self.label,
            &self.ty,
            &self.unit,
            &self.meaning,
            &self.table,
            &self.templates,
            &self.row_label,
            &self.column_label,
            &self.checks,
        ]
    }
}

fn plain(file: &'static str, column: &str, ty: &str, meaning: &str) -> Entry {
    Entry {
        file,
        column: column.to_string(),
        label: label(column).to_string(),
        ty: ty.to_string(),
        meaning: meaning.to_string(),
        ..Entry::default()
    }
}

/// What the files of a run are: which formats were written
/// (`failures.jsonl` always is).
#[derive(Debug, Clone, Copy)]
pub struct Files {
    /// `reports.jsonl`.
    pub jsonl: bool,
    /// The CSV tables (`reports.csv`, `states.csv`, `figures.csv`,
    /// `cells.csv`, `checks.csv`).
    pub csv: bool,
    /// `dataset.xlsx` (one row per sheet).
    pub xlsx: bool,
}

/// The states a cell-key column of `states.csv` takes.
pub const STATES: &str = "enum: number|zero|blank|na|text|inferred|absent";

/// The dictionary of the files a run with these formats writes (the
/// dictionary itself included).
pub fn entries(files: Files) -> Vec<Entry> {
    let mut out = Vec::new();
    if files.csv {
        reports_csv(&mut out);
        states_csv(&mut out);
        figures_csv(&mut out);
        cells_csv(&mut out);
        checks_csv(&mut out);
        panel_csv(&mut out);
    }
    if files.jsonl {
        reports_jsonl(&mut out);
    }
    if files.xlsx {
        for (sheet, meaning) in [
            (
                "reports",
                "the rows and columns of reports.csv, typed; row 2: the labels; fills: yellow inferred, grey not applicable or text (printed text shown)",
            ),
            ("states", "the rows and columns of states.csv"),
            ("figures", "the rows and columns of figures.csv, typed"),
            ("cells", "the rows and columns of cells.csv, typed"),
            ("checks", "the rows and columns of checks.csv, typed"),
            ("panel", "the rows and columns of panel.csv, typed"),
            ("dictionary", "this dictionary, for every file"),
        ] {
            let mut e = plain("dataset.xlsx", sheet, "sheet", meaning);
            e.label = match sheet {
                "reports" => "报告",
                "states" => "单元格状态",
                "figures" => "数字",
                "cells" => "表格单元格",
                "checks" => "校验",
                "panel" => "跨年面板",
                _ => "数据字典",
            }
            .to_string();
            out.push(e);
        }
    }
    failures_jsonl(&mut out);
    for c in COLUMNS {
        out.push(plain(
            "dictionary.csv",
            c,
            "string",
            match c {
                "file" => "the file a column belongs to",
                "column" => "the column (for JSON lines: the top-level field)",
                "label" => "a short Chinese name (for cell keys: the printed labels' last levels)",
                "type" => "string, integer, number, boolean, date (YYYY-MM-DD) or enum: the values",
                "unit" => "the unit of the column's numbers, when there is one",
                "meaning" => "what the column holds",
                "table" => "cell keys: the standard table",
                "templates" => "cell keys: the templates that have the cell",
                "row_label" => "cell keys: the row label as the template prints it",
                "column_label" => "cell keys: the column label as the template prints it",
                _ => "cell keys: the check rules the cell takes part in",
            },
        ));
    }
    out
}

fn reports_csv(out: &mut Vec<Entry>) {
    const F: &str = "reports.csv";
    let status = "enum: absent|complete|partial|unreadable";
    for c in REPORT_COLUMNS {
        let (ty, meaning) = match c {
            "id" => (
                "string",
                "report id: the first 16 hex digits of the input's SHA-256",
            ),
            "path" => ("string", "the input's path as given"),
            "url" => ("string", "the URL the page came from, when known"),
            "sha256" => ("string", "SHA-256 of the input bytes"),
            "bytes" => ("integer", "size of the input in bytes"),
            "encoding" => (
                "string",
                "the encoding the text was read in (or PDF, DOCX, XLSX)",
            ),
            "encoding_from" => (
                "enum: bom|header|meta|detected|default|document",
                "how the encoding was found",
            ),
            "title" => ("string", "the report's title as printed"),
            "agency" => ("string", "the body that compiled the report"),
            "agency_id" => (
                "string",
                "one id for one body across years and spellings (docs/contract.md, Agency identity)",
            ),
            "year" => ("integer", "the year the report covers"),
            "published" => ("date", "the page's publication date"),
            "signed" => ("date", "the date under the signature"),
            "period_start" => ("date", "first day of the statistics period stated"),
            "period_end" => ("date", "last day of the statistics period stated"),
            "template" => (
                "enum: free_text|table_2019|table_2021|hybrid|unknown",
                "the template the report follows",
            ),
            "t2_status" | "t3_status" | "t4_status" => {
                (status, "how completely the table was read")
            }
            "t2_reason" | "t3_reason" | "t4_reason" => {
                ("string", "why the table is partial or unreadable")
            }
            "sections" => ("integer", "number of numbered sections"),
            "figures" => (
                "integer",
                "number of figures in the prose (rows in figures.csv)",
            ),
            "cells" => ("integer", "number of table cells read (rows in cells.csv)"),
            _ => ("integer", "number of warnings (in reports.jsonl)"),
        };
        out.push(plain(F, c, ty, meaning));
    }
    for key in cell_keys() {
        let mut e = cell_entry(F, &key);
        e.ty = "number".into();
        e.meaning = format!(
            "the cell's number (a blank filled by the blank rules included); empty when \
             the cell is blank, not applicable, text or absent: states.csv says which ({})",
            e.meaning
        );
        out.push(e);
    }
    for (c, s) in [
        ("checks_pass", "passed"),
        ("checks_fail", "failed"),
        ("checks_na", "could not be decided"),
    ] {
        out.push(plain(
            F,
            c,
            "integer",
            &format!("number of consistency checks that {s} (checks.csv)"),
        ));
    }
}

fn states_csv(out: &mut Vec<Entry>) {
    const F: &str = "states.csv";
    out.push(plain(
        F,
        "id",
        "string",
        "report id (the row of reports.csv)",
    ));
    for key in cell_keys() {
        let mut e = cell_entry(F, &key);
        e.ty = STATES.into();
        e.unit = String::new();
        e.meaning = format!(
            "what the cell of reports.csv holds: number (a printed non-zero number), zero \
             (a printed 0), blank (printed empty), na (not applicable: /, —, 不适用), text \
             (printed, not a number), inferred (printed empty, filled by the blank rules), \
             absent (the report does not have the cell) ({})",
            e.meaning
        );
        out.push(e);
    }
}

fn figures_csv(out: &mut Vec<Entry>) {
    const F: &str = "figures.csv";
    for c in FIGURE_COLUMNS {
        let (ty, meaning) = match c {
            "report_id" => ("string", "the report (id in reports.csv)"),
            "section" => ("integer", "number of the section the figure is in"),
            "label" => (
                "string",
                "the words the figure counts (its clause, else the clause before it; a share: the label of the figure it is a share of, and 占比)",
            ),
            "value" => ("number", "the number, with 万/亿 applied"),
            "unit" => (
                "string",
                "the measure word as printed (件, 条, 條, %, 万元 …)",
            ),
            "unit_simplified" => (
                "string",
                "unit in simplified characters (條 → 条, 項 → 项): group by this",
            ),
            "qualifier" => (
                "enum: exact|approx|more_than|less_than|nearly",
                "how the text qualifies the number (约, 余, 超过, 不足, 近 …)",
            ),
            "text" => (
                "string",
                "the label and the figure as printed: the report text from start to end",
            ),
            "start" => (
                "integer",
                "offset (in characters) of text in the report text",
            ),
            "end" => ("integer", "offset just past text"),
            _ => ("string", "the figure alone as printed"),
        };
        out.push(plain(F, c, ty, meaning));
    }
}

fn cells_csv(out: &mut Vec<Entry>) {
    const F: &str = "cells.csv";
    for c in CELL_COLUMNS {
        let (ty, meaning) = match c {
            "report_id" => ("string", "the report (id in reports.csv)"),
            "key" => (
                "string",
                "the cell key: table__row__column (a column of reports.csv)",
            ),
            "table" => ("enum: t2|t2v19|t3|t4", "the key's table part"),
            "row" => ("string", "the key's row part"),
            "column" => ("string", "the key's column part"),
            "value" => (
                "number",
                "the cell's number; empty for blank, na and text cells not filled",
            ),
            "raw" => ("string", "the cell as printed"),
            "state" => (
                "enum: number|zero|blank|na|text",
                "what the cell holds as printed (a cell the report does not have has no row)",
            ),
            "inferred" => ("boolean", "true when value was filled by the blank rules"),
            "source" => (
                "string",
                "the attachment the cell was read from, when not the page",
            ),
            _ => ("integer", "the PDF page the cell was printed on"),
        };
        out.push(plain(F, c, ty, meaning));
    }
}

fn checks_csv(out: &mut Vec<Entry>) {
    const F: &str = "checks.csv";
    for c in CHECK_COLUMNS {
        let (ty, meaning) = match c {
            "report_id" => ("string", "the report (id in reports.csv)"),
            "rule" => (
                "string",
                "the rule: T3-ID[col], T3-RES[col], T3-ROW[row], T3-SUB[group.col], T4-SUM[group], DOM, X-TEXT[metric], X-CARRY[col]",
            ),
            "status" => (
                "enum: pass|fail|na",
                "the outcome (na: a cell it needs is missing)",
            ),
            "expected" => ("number", "the value the relation requires"),
            "actual" => ("number", "the value printed"),
            "other_report_id" => (
                "string",
                "X-CARRY: the other report compared (the year before)",
            ),
            _ => ("string", "the relation in words"),
        };
        out.push(plain(F, c, ty, meaning));
    }
}

fn panel_csv(out: &mut Vec<Entry>) {
    const F: &str = "panel.csv";
    for c in crate::panel::PANEL_COLUMNS {
        let (ty, meaning) = match c {
            "agency_id" => ("string", "the agency (agency_id in reports.csv)"),
            "agency" => ("string", "the agency's canonical name"),
            "year" => ("integer", "the year the report covers"),
            "metric" => (
                "string",
                "a crosswalk id (applications_received, granted, partial, denied, review_total, litigation_total) or a legacy key (docs/formats.md, Panel and crosswalk)",
            ),
            "value" => ("number", "the metric's value (fees in 元)"),
            "state" => (
                "enum: number|stated_zero|inferred",
                "printed; a zero stated in words; or a table blank the blank rules filled",
            ),
            "qualifier" => (
                "enum: exact|approx|more_than|nearly|less_than",
                "how the prose qualifies the number (exact for table cells)",
            ),
            "era" => (
                "enum: free_text|table_2019|table_2021|hybrid|unknown",
                "the report's template",
            ),
            "report_id" => ("string", "the report (id in reports.csv)"),
            _ => (
                "string",
                "the table cells summed (keys joined by +) or text:START-END, the prose span in characters",
            ),
        };
        out.push(plain(F, c, ty, meaning));
    }
}

fn reports_jsonl(out: &mut Vec<Entry>) {
    const R: &str = "reports.jsonl";
    for (c, ty, meaning) in [
        ("schema_version", "integer", "version of this layout"),
        (
            "id",
            "string",
            "report id: the first 16 hex digits of the input's SHA-256",
        ),
        (
            "source",
            "object",
            "path, url, sha256, bytes, encoding, encoding_from, attachments",
        ),
        ("title", "string", "the report's title as printed"),
        ("agency", "string", "the body that compiled the report"),
        (
            "agency_id",
            "string",
            "one id for one body across years and spellings",
        ),
        (
            "region",
            "object",
            "province, city, county, as far as the agency's name says",
        ),
        ("year", "integer", "the year the report covers"),
        ("published", "date", "the page's publication date"),
        ("signed", "date", "the date under the signature"),
        (
            "period",
            "object",
            "start and end of the statistics period stated",
        ),
        (
            "template",
            "enum: free_text|table_2019|table_2021|hybrid|unknown",
            "the template the report follows",
        ),
        (
            "tables",
            "object",
            "t2, t3, t4: status, cells, expected, reason",
        ),
        (
            "sections",
            "array",
            "numbered sections: number, heading, start, end",
        ),
        ("figures", "array", "the rows of figures.csv"),
        (
            "legacy",
            "object",
            "legacy metric key → value, unit, explicit_zero, qualifier, text, start, end (docs/formats.md, Legacy metrics)",
        ),
        (
            "cells",
            "object",
            "cell key → value, raw, state, inferred (unit, source, page when known)",
        ),
        (
            "extra_rows",
            "array",
            "table rows the templates do not have: table, label, values",
        ),
        ("checks", "array", "the rows of checks.csv"),
        ("warnings", "array", "problems that did not stop extraction"),
    ] {
        out.push(plain(R, c, ty, meaning));
    }
}

fn failures_jsonl(out: &mut Vec<Entry>) {
    const F: &str = "failures.jsonl";
    for (c, ty, meaning) in [
        ("input", "string", "the input path as given"),
        (
            "stage",
            "enum: read|decode|parse|extract|write|internal",
            "the stage that failed",
        ),
        ("error", "string", "the reason, with its causes"),
    ] {
        out.push(plain(F, c, ty, meaning));
    }
}

/// Every cell key, in the column order of `reports.csv`.
fn cell_keys() -> Vec<String> {
    crate::model::cell_keys()
}

/// The dictionary entry of a cell key: table, templates, labels, checks,
/// unit; `meaning` holds the label path in words.
fn cell_entry(file: &'static str, key: &str) -> Entry {
    let parts: Vec<&str> = key.split("__").collect();
    let (table, row, col) = (parts[0], parts[1], parts.get(2).copied().unwrap_or(""));
    let mut e = Entry {
        file,
        column: key.to_string(),
        unit: "件".into(),
        ..Entry::default()
    };
    match table {
        "t2" | "t2v19" => {
            e.table = "表二 主动公开政府信息情况".into();
            e.templates = if table == "t2v19" {
                "2019".into()
            } else if col == "decisions" {
                "2021, 2019".into()
            } else {
                "2021".into()
            };
            e.row_label = t2_row(table, row).into();
            e.column_label = t2_column(table, row, col).into();
            e.checks = "DOM".into();
            if col == "amount_wanyuan" {
                e.unit = "万元".into();
            } else if col == "amount" {
                e.unit = "as printed in the cell (元 or 万元: cells.csv raw)".into();
            } else if col == "delta" {
                e.unit = "件 (signed)".into();
            } else if col.ends_with("items") || col == "projects" {
                e.unit = "项".into();
            }
        }
        "t3" => {
            e.table = "表三 收到和处理政府信息公开申请情况".into();
            e.templates = match row {
                "other_no_correction" | "other_fee_unpaid" | "other_other" => "2021",
                "other_total" => "2019",
                _ => "2021, 2019",
            }
            .into();
            e.row_label = t3_row(row);
            e.column_label = t3_column(col).into();
            e.checks = t3_checks(row, col).join(", ");
        }
        _ => {
            e.table = "表四 政府信息公开行政复议、行政诉讼情况".into();
            e.templates = "2021, 2019".into();
            e.row_label = match row {
                "review" => "行政复议",
                "litigation_direct" => "行政诉讼 · 未经复议直接起诉",
                _ => "行政诉讼 · 复议后起诉",
            }
            .into();
            e.column_label = match col {
                "upheld" => "结果维持",
                "corrected" => "结果纠正",
                "other" => "其他结果",
                "pending" => "尚未审结",
                _ => "总计",
            }
            .into();
            e.checks = format!("T4-SUM[{row}], DOM");
        }
    }
    e.meaning = format!("{}: {} / {}", e.table, e.row_label, e.column_label);
    let last = |l: &str| l.rsplit(" · ").next().unwrap_or(l).to_string();
    e.label = format!("{} · {}", last(&e.row_label), last(&e.column_label));
    e
}

/// The Chinese name of a column that is not a cell key (empty when it has
/// none).
fn label(column: &str) -> &'static str {
    match column {
        "id" => "报告编号",
        "report_id" => "报告编号",
        "path" | "input" => "文件路径",
        "url" => "网址",
        "sha256" => "SHA-256",
        "bytes" => "字节数",
        "encoding" => "编码",
        "encoding_from" => "编码来源",
        "title" => "标题",
        "agency" => "发布机关",
        "year" => "年度",
        "published" => "发布日期",
        "signed" => "落款日期",
        "period_start" => "统计期限起",
        "period_end" => "统计期限止",
        "period" => "统计期限",
        "template" => "模板",
        "t2_status" => "表二读取情况",
        "t2_reason" => "表二说明",
        "t3_status" => "表三读取情况",
        "t3_reason" => "表三说明",
        "t4_status" => "表四读取情况",
        "t4_reason" => "表四说明",
        "tables" => "表格读取情况",
        "sections" => "章节数",
        "figures" => "数字数",
        "cells" => "表格单元格数",
        "warnings" => "警告",
        "checks_pass" => "校验通过数",
        "checks_fail" => "校验未通过数",
        "checks_na" => "无法校验数",
        "section" => "章节",
        "label" => "所计事项",
        "value" => "数值",
        "unit" => "单位",
        "unit_simplified" => "单位（简体）",
        "qualifier" => "修饰",
        "text" => "原文",
        "start" => "起始位置",
        "end" => "结束位置",
        "raw" => "原样",
        "key" => "单元格键",
        "table" => "表",
        "row" => "行",
        "column" => "列",
        "state" => "状态",
        "inferred" => "推断",
        "source" => "来源",
        "page" => "页码",
        "rule" => "规则",
        "status" => "结果",
        "expected" => "应为",
        "actual" => "实为",
        "detail" => "关系",
        "stage" => "阶段",
        "error" => "原因",
        "file" => "文件",
        "type" => "类型",
        "meaning" => "含义",
        "templates" => "模板",
        "row_label" => "行标签",
        "column_label" => "列标签",
        "checks" => "校验",
        "schema_version" => "版本",
        "extra_rows" => "模板外的行",
        "agency_id" => "机关编号",
        "region" => "地区",
        "legacy" => "旧版指标",
        "metric" => "指标",
        "era" => "模板时期",
        "other_report_id" => "对照报告编号",
        _ => "",
    }
}

fn t2_row(table: &str, row: &str) -> &'static str {
    match (table, row) {
        (_, "rules") => "（一）规章",
        ("t2", "normative_docs") => "（一）行政规范性文件",
        (_, "normative_docs") => "（一）规范性文件",
        (_, "licensing") => "（五）行政许可",
        (_, "other_mgmt_services") => "（五）其他对外管理服务事项",
        (_, "penalty") => "（六）行政处罚",
        (_, "coercion") => "（六）行政强制",
        (_, "admin_fees") => "（八）行政事业性收费",
        _ => "（九）政府集中采购",
    }
}

fn t2_column(table: &str, row: &str, col: &str) -> &'static str {
    match col {
        "issued" => "本年制发件数",
        "repealed" => "本年废止件数",
        "in_force" => "现行有效件数",
        "decisions" if table == "t2" => "本年处理决定数量",
        "decisions" => "处理决定数量",
        "amount_wanyuan" => "本年收费金额（单位：万元）",
        "new_made" => "本年新制作数量",
        "new_published" => "本年新公开数量",
        "total_published" => "对外公开总数量",
        "prev_items" => "上一年项目数量",
        "delta" => "本年增/减",
        "projects" => "采购项目数量",
        "amount" if row == "central_procurement" => "采购总金额",
        _ => "",
    }
}

/// A table-3 row's label path: part, group and row as printed
/// ([`T3_ROW_LABELS`]).
fn t3_row(row: &str) -> String {
    const RESULTS: &str = "三、本年度办理结果";
    let group_of = |prefix: &str| {
        T3_ROW_LABELS
            .iter()
            .find(|(k, _, g)| k.starts_with(prefix) && g.is_some())
            .and_then(|(_, _, g)| *g)
            .unwrap_or("")
    };
    if let Some(group) = row.strip_suffix("_total_reported") {
        return format!(
            "{RESULTS} · {} (subtotal printed on the label row)",
            group_of(&format!("{group}_"))
        );
    }
    let Some((_, label, _)) = T3_ROW_LABELS.iter().find(|(k, _, _)| *k == row) else {
        return String::new();
    };
    match row {
        "new_received" | "carried_over" | "carried_forward" => label.to_string(),
        "other_total" | "granted" | "partial" | "results_total" => format!("{RESULTS} · {label}"),
        _ => {
            let prefix = ["denied_", "unable_", "not_processed_", "other_"]
                .into_iter()
                .find(|p| row.starts_with(p))
                .unwrap_or("");
            format!("{RESULTS} · {} · {label}", group_of(prefix))
        }
    }
}

fn t3_column(col: &str) -> &'static str {
    match col {
        "natural_person" => "申请人情况 · 自然人",
        "commercial_enterprise" => "申请人情况 · 法人或其他组织 · 商业企业",
        "research_institution" => "申请人情况 · 法人或其他组织 · 科研机构",
        "public_welfare_org" => "申请人情况 · 法人或其他组织 · 社会公益组织",
        "legal_service_org" => "申请人情况 · 法人或其他组织 · 法律服务机构",
        "other_org" => "申请人情况 · 法人或其他组织 · 其他",
        _ => "申请人情况 · 总计",
    }
}

/// The check rules a table-3 cell takes part in (docs/formats.md, Checks).
fn t3_checks(row: &str, col: &str) -> Vec<String> {
    let mut rules = Vec::new();
    if matches!(
        row,
        "new_received" | "carried_over" | "results_total" | "carried_forward"
    ) {
        rules.push(format!("T3-ID[{col}]"));
    }
    let result_row = !matches!(row, "new_received" | "carried_over" | "carried_forward")
        && !row.ends_with("_reported");
    if result_row {
        rules.push(format!("T3-RES[{col}]"));
    }
    if T3_ROWS.contains(&row) {
        rules.push(format!("T3-ROW[{row}]"));
    }
    for group in ["denied", "unable", "not_processed"] {
        if row
            .strip_prefix(group)
            .is_some_and(|rest| rest.starts_with('_'))
        {
            rules.push(format!("T3-SUB[{group}.{col}]"));
        }
    }
    rules.push("DOM".into());
    rules
}

/// The number of cell keys (columns of the wide files besides the
/// metadata).
pub fn cell_key_count() -> usize {
    T2_KEYS.len()
        + (T3_ROWS.len() + T3_REPORTED_ROWS.len()) * T3_COLS.len()
        + T4_GROUPS.len() * T4_OUTCOMES.len()
}

/// The dictionary as CSV bytes (header first).
pub fn to_csv(entries: &[Entry]) -> std::result::Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(COLUMNS)?;
    for e in entries {
        w.write_record(e.fields())?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_keys_have_labels_and_checks() {
        let all = entries(Files {
            jsonl: true,
            csv: true,
            xlsx: true,
        });
        let cells: Vec<&Entry> = all
            .iter()
            .filter(|e| e.file == "reports.csv" && e.column.contains("__"))
            .collect();
        assert_eq!(cells.len(), cell_key_count());
        for e in &all {
            assert!(!e.label.is_empty(), "{e:?} has no label");
        }
        for e in &cells {
            assert!(
                !e.row_label.is_empty() && !e.column_label.is_empty(),
                "{e:?}"
            );
            assert!(e.checks.ends_with("DOM"), "{e:?}");
        }
        let get = |k: &str| cells.iter().find(|e| e.column == k).unwrap();
        let e = get("t3__denied_admin_query__other_org");
        assert!(e.row_label.ends_with("8.属于行政查询事项"));
        assert!(e.column_label.ends_with("其他"));
        assert_eq!(
            e.checks,
            "T3-RES[other_org], T3-ROW[denied_admin_query], T3-SUB[denied.other_org], DOM"
        );
        assert_eq!(
            get("t3__new_received__total").checks,
            "T3-ID[total], T3-ROW[new_received], DOM"
        );
        assert_eq!(
            get("t3__not_processed_total_reported__natural_person").checks,
            "T3-SUB[not_processed.natural_person], DOM"
        );
        assert_eq!(get("t2__admin_fees__amount_wanyuan").unit, "万元");
        assert_eq!(get("t4__review__total").checks, "T4-SUM[review], DOM");
    }

    /// The enum types name the values the outputs write.
    #[test]
    fn enum_types_use_the_output_names() {
        use crate::model::{EncodingFrom, Qualifier, TableState, Template};
        let all = entries(Files {
            jsonl: true,
            csv: true,
            xlsx: true,
        });
        let ty = |file: &str, col: &str| {
            all.iter()
                .find(|e| e.file == file && e.column == col)
                .unwrap()
                .ty
                .clone()
        };
        let names = |v: Vec<&str>| format!("enum: {}", v.join("|"));
        assert_eq!(
            ty("reports.csv", "template"),
            names(
                [
                    Template::FreeText,
                    Template::Table2019,
                    Template::Table2021,
                    Template::Hybrid,
                    Template::Unknown
                ]
                .map(Template::as_str)
                .to_vec()
            )
        );
        assert_eq!(
            ty("reports.csv", "encoding_from"),
            names(
                [
                    EncodingFrom::Bom,
                    EncodingFrom::Header,
                    EncodingFrom::Meta,
                    EncodingFrom::Detected,
                    EncodingFrom::Default,
                    EncodingFrom::Document
                ]
                .map(EncodingFrom::as_str)
                .to_vec()
            )
        );
        assert_eq!(
            ty("reports.csv", "t3_status"),
            names(
                [
                    TableState::Absent,
                    TableState::Complete,
                    TableState::Partial,
                    TableState::Unreadable
                ]
                .map(TableState::as_str)
                .to_vec()
            )
        );
        assert_eq!(
            ty("figures.csv", "qualifier"),
            names(
                [
                    Qualifier::Exact,
                    Qualifier::Approx,
                    Qualifier::MoreThan,
                    Qualifier::LessThan,
                    Qualifier::Nearly
                ]
                .map(Qualifier::as_str)
                .to_vec()
            )
        );
    }
}
