//! The dataset's schema: what one line of `reports.jsonl` holds.
//!
//! This is the wire format outside tools read (docs/contract.md is the
//! public statement of it). Field order here is the order in the JSON output.
//!
//! # Report
//!
//! ```json
//! {"schema_version": 1, "id": "8f3a…", "source": {…}, "title": "…", "agency": "…",
//!  "year": 2013, "published": "2014-02-20", "signed": "2014-01-22",
//!  "period": {"start": "2013-01-01", "end": "2013-12-31"}, "template": "free_text",
//!  "sections": [{"number": 1, "heading": "一、概述", "start": 120, "end": 1840}],
//!  "figures": [{"value": 1339, "unit": "件", "qualifier": "exact", "label": "…",
//!               "section": 1, "text": "…1339件", "start": 1502, "end": 1517,
//!               "raw": "1339件"}],
//!  "cells": {"t3__new_received__natural_person": {"value": 3, "raw": "3",
//!            "state": "number", "inferred": false}},
//!  "checks": [], "warnings": []}
//! ```
//!
//! * Dates are ISO `YYYY-MM-DD`. Unknown values are `null`, never guessed.
//! * `start`/`end` (figures and sections) are offsets in Unicode scalar values
//!   (characters) into the report's normalised text, the text `extract --text`
//!   writes out. For a figure, `text` is exactly that slice: the figure with the
//!   clause words before it (its label); `raw` is the figure alone as written
//!   (qualifier, number, multiplier and unit).
//! * Numbers are JSON numbers; whole values are written without a fraction
//!   (`1339`, not `1339.0`).

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

/// Version of the schema described here. Bumped on any change outside tools
/// would notice.
pub const SCHEMA_VERSION: u32 = 1;

/// One report: everything extracted from one input document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// First 16 hex digits of the SHA-256 of the raw input bytes.
    pub id: String,
    /// Where the document came from and how it was decoded.
    pub source: SourceInfo,
    /// The report's title as printed (line breaks joined, spam prefixes dropped).
    pub title: Option<String>,
    /// The body that compiled the report, as printed.
    pub agency: Option<String>,
    /// One id for one body across years and spellings (docs/contract.md,
    /// Agency identity); absent without an agency.
    pub agency_id: Option<String>,
    /// Where the body is, as far as its name says.
    pub region: Option<crate::agency::Region>,
    /// The year the report covers.
    pub year: Option<i32>,
    /// The page's publication date (发布时间 / 发布日期), if shown.
    pub published: Option<String>,
    /// The date printed under the signature at the end of the report.
    pub signed: Option<String>,
    /// The statistics period stated in the report (统计期限 … 至 …).
    pub period: Option<Period>,
    /// Which report template the document follows.
    pub template: Template,
    /// How completely each standard table was read.
    pub tables: TableStatuses,
    /// The report's own numbered sections (一、… headings).
    pub sections: Vec<Section>,
    /// Every figure in the prose.
    pub figures: Vec<Figure>,
    /// The canonical metrics of the free-text era that the prose states
    /// (docs/formats.md, Legacy metrics), keyed as in [`LEGACY_KEYS`].
    pub legacy: BTreeMap<String, Legacy>,
    /// Standard-table cells, keyed as in docs/formats.md (Cell keys).
    pub cells: BTreeMap<String, Cell>,
    /// Rows of the standard tables that the templates do not have (local
    /// extensions such as 其他主动公开文件), with their cells as printed.
    pub extra_rows: Vec<ExtraRow>,
    /// Consistency checks (docs/formats.md, Checks).
    pub checks: Vec<Check>,
    /// Problems that did not stop extraction.
    pub warnings: Vec<String>,
}

/// Provenance of a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceInfo {
    /// The input path as given on the command line (or found under a directory).
    pub path: String,
    /// The URL the page was fetched from, when known.
    pub url: Option<String>,
    /// SHA-256 of the raw bytes, hex.
    pub sha256: String,
    /// Size of the raw input in bytes.
    pub bytes: u64,
    /// The encoding the bytes were decoded with (encoding_rs name, e.g. `GBK`).
    pub encoding: String,
    /// How that encoding was chosen.
    pub encoding_from: EncodingFrom,
    /// Files linked from the report page and stored by a crawl (PDF, Word,
    /// Excel, WPS), not extracted yet; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
}

/// A stored file attached to a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attachment {
    /// Its URL, absolute.
    pub url: String,
    /// Its stored body (the store directory joined with the body path).
    pub path: String,
    /// The `Content-Type` it was served with.
    pub content_type: Option<String>,
    /// The SHA-256 the store recorded (checked when the file is read; not
    /// written out).
    #[serde(skip)]
    pub sha256: Option<String>,
}

/// How the input's encoding was decided.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum EncodingFrom {
    /// A byte-order mark.
    Bom,
    /// The charset of the HTTP Content-Type header stored with the page.
    Header,
    /// A `<meta charset>` or `http-equiv` declaration in the page.
    Meta,
    /// Content detection (chardetng), because nothing was declared or the
    /// declaration did not decode cleanly.
    Detected,
    /// Nothing to decide: the bytes are plain ASCII, read as UTF-8.
    Default,
    /// The document format carries its own character maps (a PDF's text
    /// layer); `encoding` is then `PDF`.
    Document,
}

impl EncodingFrom {
    /// The lowercase name used in the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingFrom::Bom => "bom",
            EncodingFrom::Header => "header",
            EncodingFrom::Meta => "meta",
            EncodingFrom::Detected => "detected",
            EncodingFrom::Default => "default",
            EncodingFrom::Document => "document",
        }
    }
}

/// A statistics period; either end may be unknown.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Period {
    /// First day, ISO.
    pub start: Option<String>,
    /// Last day, ISO.
    pub end: Option<String>,
}

/// The report template (format era) a document follows.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Free prose (the 2008–2018 reports).
    FreeText,
    /// The 2019 trial template's tables.
    #[serde(rename = "table_2019")]
    Table2019,
    /// The 2021 template's tables.
    #[serde(rename = "table_2021")]
    Table2021,
    /// 2021 table 2 with a 2019-style single （六）其他处理 row in table 3.
    Hybrid,
    /// Cannot tell (no tables seen in a post-2018 report, no year).
    Unknown,
}

impl Template {
    /// The name used in the outputs (JSON and CSV alike).
    pub fn as_str(self) -> &'static str {
        match self {
            Template::FreeText => "free_text",
            Template::Table2019 => "table_2019",
            Template::Table2021 => "table_2021",
            Template::Hybrid => "hybrid",
            Template::Unknown => "unknown",
        }
    }
}

/// How completely each standard table was read (docs/contract.md).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct TableStatuses {
    /// Table 2 (主动公开).
    pub t2: TableStatus,
    /// Table 3 (申请).
    pub t3: TableStatus,
    /// Table 4 (复议、诉讼).
    pub t4: TableStatus,
}

/// One standard table's reading.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct TableStatus {
    /// What was read.
    pub status: TableState,
    /// Template cells read (printed, blank or not applicable).
    pub cells: usize,
    /// Template cells the table has (by its template), when it is expected.
    pub expected: Option<usize>,
    /// Why the table is partial or unreadable; null otherwise.
    pub reason: Option<String>,
}

/// A standard table's state.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum TableState {
    /// Not in the report, and the report's template does not call for it.
    #[default]
    Absent,
    /// Every cell of the template read.
    Complete,
    /// Some cells read, some missing.
    Partial,
    /// The report has the table (by its template or its header words) but
    /// no cell of it could be read: an image, say, or a shape nianbao cannot
    /// read.
    Unreadable,
}

impl TableState {
    /// The name used in the outputs (JSON and CSV alike).
    pub fn as_str(self) -> &'static str {
        match self {
            TableState::Absent => "absent",
            TableState::Complete => "complete",
            TableState::Partial => "partial",
            TableState::Unreadable => "unreadable",
        }
    }
}

/// One numbered section of the report (一、概述 …).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Section {
    /// The heading's ordinal (一 → 1).
    pub number: u32,
    /// The heading line as printed.
    pub heading: String,
    /// Offset of the heading in the normalised text.
    pub start: usize,
    /// Offset where the section ends (the next heading or the end of the text).
    pub end: usize,
}

/// How a figure is qualified in the text.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// No qualifier.
    Exact,
    /// 多 / 余 / 约 / 左右.
    Approx,
    /// 超过 / 超 / 以上 / 逾 / 突破 / 不少于.
    MoreThan,
    /// 近 / 将近 / 接近.
    Nearly,
    /// 不到 / 不足 / 以下 / 不超过 / 以内.
    LessThan,
}

impl Qualifier {
    /// The snake_case name used in the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::MoreThan => "more_than",
            Qualifier::Nearly => "nearly",
            Qualifier::LessThan => "less_than",
        }
    }
}

/// A number in the report's prose that carries a measure word or `%`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    /// The number, with 万/亿 applied.
    #[serde(serialize_with = "ser_number")]
    pub value: f64,
    /// The measure word as written, without 万/亿 and the qualifier.
    pub unit: String,
    /// `unit` in simplified characters (條 → 条, 項 → 项, 個 → 个), to group
    /// figures by.
    pub unit_simplified: String,
    /// The qualifier.
    pub qualifier: Qualifier,
    /// The words the figure counts: from its clause, or, when that has
    /// none, from the clause before it; a share (占33.9%) is labelled with
    /// the label of the figure before it and 占比.
    pub label: String,
    /// The number of the section the figure is in.
    pub section: Option<u32>,
    /// The label and the figure as printed: the normalised text from `start` to `end`.
    pub text: String,
    /// Offset of `text` in the normalised text.
    pub start: usize,
    /// Offset just past `text`.
    pub end: usize,
    /// The figure alone as printed (qualifier, number, multiplier, unit).
    pub raw: String,
}

/// One metric of the free-text era as the prose states it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Legacy {
    /// The number (万 applied; fees in 元).
    #[serde(serialize_with = "ser_number")]
    pub value: f64,
    /// The measure word as printed, or the metric's own unit for a zero
    /// stated by negation (件, 元, 人次).
    pub unit: String,
    /// Whether the value is a zero stated in words (未收到…申请).
    pub explicit_zero: bool,
    /// The qualifier of the number (2万多条 → `more_than`).
    pub qualifier: Qualifier,
    /// The words that state it: the normalised text from `start` to `end`.
    pub text: String,
    /// Offset of `text` in the normalised text (characters).
    pub start: usize,
    /// Offset just past `text`.
    pub end: usize,
}

/// The legacy metric keys (docs/formats.md, Legacy metrics, says what each
/// counts) with their units: the unit of a zero stated in words.
pub const LEGACY_KEYS: [(&str, &str); 37] = [
    ("legacy__active_disclosed", "条"),
    ("legacy__applications_received", "件"),
    ("legacy__applications_by_channel__in_person", "件"),
    ("legacy__applications_by_channel__fax", "件"),
    ("legacy__applications_by_channel__online", "件"),
    ("legacy__applications_by_channel__letter", "件"),
    ("legacy__applications_by_channel__other", "件"),
    ("legacy__applications_answered", "件"),
    ("legacy__applications_completed_on_time", "件"),
    ("legacy__applications_completed_extended", "件"),
    ("legacy__granted", "件"),
    ("legacy__partial", "件"),
    ("legacy__already_public", "件"),
    ("legacy__denied", "件"),
    ("legacy__denied__state_secret", "件"),
    ("legacy__denied__commercial_secret", "件"),
    ("legacy__denied__privacy", "件"),
    ("legacy__denied__security_stability", "件"),
    ("legacy__denied__not_gov_info", "件"),
    ("legacy__denied__other_law", "件"),
    ("legacy__not_held", "件"),
    ("legacy__not_exist", "件"),
    ("legacy__unclear", "件"),
    ("legacy__redirected", "件"),
    ("legacy__fees_yuan", "元"),
    ("legacy__fees_wanyuan", "万元"),
    ("legacy__review__total", "件"),
    ("legacy__review__upheld", "件"),
    ("legacy__review__corrected", "件"),
    ("legacy__review__other", "件"),
    ("legacy__litigation__total", "件"),
    ("legacy__litigation__upheld", "件"),
    ("legacy__litigation__corrected", "件"),
    ("legacy__litigation__other", "件"),
    ("legacy__complaints", "件"),
    ("legacy__appeals", "件"),
    ("legacy__consultations", "人次"),
];

/// A table row outside the template (a local row such as 其他主动公开文件).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraRow {
    /// The table (`t2`).
    pub table: &'static str,
    /// The row label as printed (notes in parentheses removed).
    pub label: String,
    /// The cells as printed.
    pub values: Vec<String>,
}

/// The state of a table cell.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CellState {
    /// A non-zero number.
    Number,
    /// Zero.
    Zero,
    /// Empty in the source.
    Blank,
    /// Not applicable ("/", "—", "-", 不适用): never 0.
    Na,
    /// Text that is not a number.
    Text,
}

impl CellState {
    /// The lowercase name used in the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::Number => "number",
            CellState::Zero => "zero",
            CellState::Blank => "blank",
            CellState::Na => "na",
            CellState::Text => "text",
        }
    }
}

/// One standard-table cell.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cell {
    /// The number, when the cell holds one (or was inferred).
    #[serde(serialize_with = "ser_opt_number")]
    pub value: Option<f64>,
    /// The cell text as printed, trimmed.
    pub raw: String,
    /// What the cell holds.
    pub state: CellState,
    /// True when `value` was filled by the blank-inference rules.
    pub inferred: bool,
    /// The unit printed in the cell (`251000元`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Where the cell was read when not from the input itself: the URL of
    /// the attachment its table was taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The page of the PDF the cell was printed on, when it was read from one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// Outcome of a consistency check.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The relation holds.
    Pass,
    /// The relation does not hold.
    Fail,
    /// Not enough cells to tell.
    Na,
}

impl CheckStatus {
    /// The lowercase name used in the outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Na => "na",
        }
    }
}

/// One consistency check and the figures it compared.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Check {
    /// Rule id, e.g. `T3-ID[total]`.
    pub rule: String,
    /// The outcome.
    pub status: CheckStatus,
    /// The value the relation requires.
    #[serde(serialize_with = "ser_opt_number")]
    pub expected: Option<f64>,
    /// The value printed.
    #[serde(serialize_with = "ser_opt_number")]
    pub actual: Option<f64>,
    /// The relation in words.
    pub detail: String,
    /// For a check across reports (`X-CARRY`): the other report's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_report: Option<String>,
}

/// Writes whole numbers as JSON integers and the rest as shortest-form floats.
pub fn ser_number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn ser_opt_number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => ser_number(v, s),
        None => s.serialize_none(),
    }
}

/// A timestamp as the outputs write it (`fetched_at`, `started_at`): RFC
/// 3339, UTC, to the second (`2026-10-24T16:00:00Z`).
pub fn timestamp(t: std::time::SystemTime) -> String {
    let seconds = jiff::Timestamp::try_from(t).map_or(0, |t| t.as_second());
    jiff::Timestamp::from_second(seconds)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_string()
}

/// The SHA-256 of some bytes in lower-case hex, as the outputs write it
/// (`source.sha256`, the page store's `sha256`; a report's `id` is its first
/// 16 digits).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Formats a number the way the JSON output does (`1339`, `98.2`).
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Table 3's rows as the template prints them (docs/formats.md), in the
/// order of [`T3_ROWS`]: key, the row's own label, and the label printed
/// over the first row of its part or group (三、本年度办理结果, （三）不予公开 …).
/// `other_total` is the 2019 （六） as one row.
pub const T3_ROW_LABELS: [(&str, &str, Option<&str>); 26] = [
    ("new_received", "一、本年新收政府信息公开申请数量", None),
    ("carried_over", "二、上年结转政府信息公开申请数量", None),
    ("granted", "（一）予以公开", Some("三、本年度办理结果")),
    (
        "partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        None,
    ),
    (
        "denied_state_secret",
        "1.属于国家秘密",
        Some("（三）不予公开"),
    ),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开", None),
    ("denied_security_stability", "3.危及“三安全一稳定”", None),
    ("denied_third_party", "4.保护第三方合法权益", None),
    ("denied_internal_affairs", "5.属于三类内部事务信息", None),
    ("denied_process_info", "6.属于四类过程性信息", None),
    ("denied_enforcement_file", "7.属于行政执法案卷", None),
    ("denied_admin_query", "8.属于行政查询事项", None),
    (
        "unable_not_held",
        "1.本机关不掌握相关政府信息",
        Some("（四）无法提供"),
    ),
    ("unable_needs_creation", "2.没有现成信息需要另行制作", None),
    ("unable_still_unclear", "3.补正后申请内容仍不明确", None),
    (
        "not_processed_petition",
        "1.信访举报投诉类申请",
        Some("（五）不予处理"),
    ),
    ("not_processed_duplicate", "2.重复申请", None),
    ("not_processed_publication", "3.要求提供公开出版物", None),
    ("not_processed_excessive", "4.无正当理由大量反复申请", None),
    (
        "not_processed_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        None,
    ),
    (
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        Some("（六）其他处理"),
    ),
    (
        "other_fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        None,
    ),
    ("other_other", "3.其他", None),
    ("other_total", "（六）其他处理", None),
    ("results_total", "（七）总计", None),
    ("carried_forward", "四、结转下年度继续办理", None),
];

/// Table 3 row keys in template order (docs/formats.md, Table 3), with the
/// 2019/hybrid `other_total` row after the three 2021 （六） sub-rows.
pub const T3_ROWS: [&str; 26] = [
    "new_received",
    "carried_over",
    "granted",
    "partial",
    "denied_state_secret",
    "denied_law_prohibited",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_still_unclear",
    "not_processed_petition",
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
    "other_no_correction",
    "other_fee_unpaid",
    "other_other",
    "other_total",
    "results_total",
    "carried_forward",
];

/// Group subtotals some reports print on the group's label row
/// (`t3__<group>_total_reported__*`), checked by `T3-SUB`.
pub const T3_REPORTED_ROWS: [&str; 3] = [
    "denied_total_reported",
    "unable_total_reported",
    "not_processed_total_reported",
];

/// Table 3 column keys in template order.
pub const T3_COLS: [&str; 7] = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
];

/// Table 4 groups in source order.
pub const T4_GROUPS: [&str; 3] = ["review", "litigation_direct", "litigation_after_review"];

/// Table 4 outcomes in source order.
pub const T4_OUTCOMES: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// The cells of table 2 in one template: the first ten keys of [`T2_KEYS`]
/// (2021), or the `t2v19` keys with the three 处理决定数量 cells (2019).
pub fn t2_keys(v2019: bool) -> Vec<&'static str> {
    if !v2019 {
        return T2_KEYS[..10].to_vec();
    }
    T2_KEYS
        .iter()
        .copied()
        .filter(|k| k.starts_with("t2v19__") || k.ends_with("__decisions"))
        .collect()
}

/// Table 3's data rows in one template, in order: the three 2021 （六）
/// sub-rows, or (2019 and hybrid) `other_total` in their place.
pub fn t3_rows(v2019: bool) -> Vec<&'static str> {
    T3_ROWS
        .iter()
        .copied()
        .filter(|r| {
            if v2019 {
                !r.starts_with("other_") || *r == "other_total"
            } else {
                *r != "other_total"
            }
        })
        .collect()
}

/// Table 2 keys (2021 template and 2019 trial template), in template order.
pub const T2_KEYS: [&str; 29] = [
    "t2__rules__issued",
    "t2__rules__repealed",
    "t2__rules__in_force",
    "t2__normative_docs__issued",
    "t2__normative_docs__repealed",
    "t2__normative_docs__in_force",
    "t2__licensing__decisions",
    "t2__penalty__decisions",
    "t2__coercion__decisions",
    "t2__admin_fees__amount_wanyuan",
    "t2v19__rules__new_made",
    "t2v19__rules__new_published",
    "t2v19__rules__total_published",
    "t2v19__normative_docs__new_made",
    "t2v19__normative_docs__new_published",
    "t2v19__normative_docs__total_published",
    "t2v19__licensing__prev_items",
    "t2v19__licensing__delta",
    "t2v19__other_mgmt_services__prev_items",
    "t2v19__other_mgmt_services__delta",
    "t2v19__other_mgmt_services__decisions",
    "t2v19__penalty__prev_items",
    "t2v19__penalty__delta",
    "t2v19__coercion__prev_items",
    "t2v19__coercion__delta",
    "t2v19__admin_fees__prev_items",
    "t2v19__admin_fees__delta",
    "t2v19__central_procurement__projects",
    "t2v19__central_procurement__amount",
];

/// Table 3 and 4 keys, built once: (row, the key of each column).
static KEY_TABLE: std::sync::LazyLock<Vec<(&'static str, Vec<&'static str>)>> =
    std::sync::LazyLock::new(|| {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let mut rows: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
        for row in T3_ROWS.iter().chain(&T3_REPORTED_ROWS) {
            rows.push((
                row,
                T3_COLS
                    .iter()
                    .map(|c| leak(format!("t3__{row}__{c}")))
                    .collect(),
            ));
        }
        for group in T4_GROUPS {
            rows.push((
                group,
                T4_OUTCOMES
                    .iter()
                    .map(|o| leak(format!("t4__{group}__{o}")))
                    .collect(),
            ));
        }
        rows
    });

/// The key `t3__{row}__{col}`, without allocating (`None` for unknown names).
pub fn t3_key(row: &str, col: &str) -> Option<&'static str> {
    let i = match col {
        "natural_person" => 0,
        "commercial_enterprise" => 1,
        "research_institution" => 2,
        "public_welfare_org" => 3,
        "legal_service_org" => 4,
        "other_org" => 5,
        "total" => 6,
        _ => return None,
    };
    let r = match row {
        "new_received" => 0,
        "carried_over" => 1,
        "granted" => 2,
        "partial" => 3,
        "denied_state_secret" => 4,
        "denied_law_prohibited" => 5,
        "denied_security_stability" => 6,
        "denied_third_party" => 7,
        "denied_internal_affairs" => 8,
        "denied_process_info" => 9,
        "denied_enforcement_file" => 10,
        "denied_admin_query" => 11,
        "unable_not_held" => 12,
        "unable_needs_creation" => 13,
        "unable_still_unclear" => 14,
        "not_processed_petition" => 15,
        "not_processed_duplicate" => 16,
        "not_processed_publication" => 17,
        "not_processed_excessive" => 18,
        "not_processed_confirmation" => 19,
        "other_no_correction" => 20,
        "other_fee_unpaid" => 21,
        "other_other" => 22,
        "other_total" => 23,
        "results_total" => 24,
        "carried_forward" => 25,
        "denied_total_reported" => 26,
        "unable_total_reported" => 27,
        "not_processed_total_reported" => 28,
        _ => return None,
    };
    Some(KEY_TABLE[r].1[i])
}

/// The key `t4__{group}__{outcome}`, without allocating.
pub fn t4_key(group: &str, outcome: &str) -> Option<&'static str> {
    let i = T4_OUTCOMES.iter().position(|o| *o == outcome)?;
    let g = T4_GROUPS.iter().position(|g| *g == group)?;
    Some(KEY_TABLE[T3_ROWS.len() + T3_REPORTED_ROWS.len() + g].1[i])
}

/// Every cell key in the fixed order of the wide `reports.csv` columns: table 2,
/// then table 3 row by row (printed group subtotals last), then table 4 group
/// by group.
pub fn cell_keys() -> Vec<String> {
    let mut keys: Vec<String> = T2_KEYS.iter().map(|k| k.to_string()).collect();
    for row in T3_ROWS.iter().chain(&T3_REPORTED_ROWS) {
        for col in T3_COLS {
            keys.push(format!("t3__{row}__{col}"));
        }
    }
    for group in T4_GROUPS {
        for outcome in T4_OUTCOMES {
            keys.push(format!("t4__{group}__{outcome}"));
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t3_row_labels_follow_the_row_keys() {
        let keys: Vec<&str> = T3_ROW_LABELS.iter().map(|r| r.0).collect();
        assert_eq!(keys, T3_ROWS);
    }

    /// Each value's JSON form is the name the CSV files write.
    fn same_names<T: Serialize + Copy>(values: &[T], name: fn(T) -> &'static str) {
        for &v in values {
            assert_eq!(serde_json::to_value(v).unwrap(), name(v));
        }
    }

    #[test]
    fn json_and_csv_name_states_alike() {
        use Template as T;
        same_names(
            &[
                T::FreeText,
                T::Table2019,
                T::Table2021,
                T::Hybrid,
                T::Unknown,
            ],
            T::as_str,
        );
        use Qualifier as Q;
        same_names(
            &[Q::Exact, Q::Approx, Q::MoreThan, Q::Nearly, Q::LessThan],
            Q::as_str,
        );
        use CellState as C;
        same_names(&[C::Number, C::Zero, C::Blank, C::Na, C::Text], C::as_str);
        use CheckStatus as S;
        same_names(&[S::Pass, S::Fail, S::Na], S::as_str);
        use TableState as TS;
        same_names(
            &[TS::Absent, TS::Complete, TS::Partial, TS::Unreadable],
            TS::as_str,
        );
        use EncodingFrom as E;
        same_names(
            &[
                E::Bom,
                E::Header,
                E::Meta,
                E::Detected,
                E::Default,
                E::Document,
            ],
            E::as_str,
        );
    }

    #[test]
    fn timestamps_are_rfc3339_utc_seconds() {
        use std::time::{Duration, UNIX_EPOCH};
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_millis(1_792_857_600_999)),
            "2026-10-24T16:00:00Z"
        );
    }

    #[test]
    fn numbers_serialise_without_spurious_fractions() {
        let f = |v: f64| {
            #[derive(Serialize)]
            struct W(#[serde(serialize_with = "ser_number")] f64);
            serde_json::to_string(&W(v)).unwrap()
        };
        assert_eq!(f(1339.0), "1339");
        assert_eq!(f(98.2), "98.2");
        assert_eq!(f(-1.0), "-1");
        assert_eq!(f(1.5e9), "1500000000");
        assert_eq!(format_number(0.34), "0.34");
    }

    #[test]
    fn table3_has_twenty_five_rows_in_2021_and_twenty_three_in_2019() {
        assert_eq!(t3_rows(false).len(), 25);
        assert_eq!(t3_rows(true).len(), 23);
        assert!(t3_rows(true).contains(&"other_total"));
        assert!(!t3_rows(false).contains(&"other_total"));
    }

    #[test]
    fn table2_has_ten_cells_in_2021_and_twenty_two_in_2019() {
        assert_eq!(t2_keys(false).len(), 10);
        assert_eq!(t2_keys(true).len(), 22);
        assert!(t2_keys(true).contains(&"t2__coercion__decisions"));
    }

    #[test]
    fn cell_key_catalogue_is_complete_and_unique() {
        let keys = cell_keys();
        assert_eq!(keys.len(), 29 + 29 * 7 + 15);
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
        assert!(keys.contains(&"t3__results_total__total".to_string()));
        assert!(keys.contains(&"t4__litigation_after_review__total".to_string()));
        assert_eq!(t3_key("partial", "total"), Some("t3__partial__total"));
        assert_eq!(t4_key("review", "pending"), Some("t4__review__pending"));
        assert_eq!(t3_key("nope", "total"), None);
        for (r, row) in T3_ROWS.iter().chain(&T3_REPORTED_ROWS).enumerate() {
            for (c, col) in T3_COLS.iter().enumerate() {
                assert_eq!(t3_key(row, col), Some(KEY_TABLE[r].1[c]));
                assert_eq!(KEY_TABLE[r].1[c], format!("t3__{row}__{col}"));
            }
        }
    }
}
