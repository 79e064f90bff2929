//! The panel across eras (docs/formats.md, Panel and crosswalk): one row per
//! agency × year × metric, whatever template the report followed, and the
//! checks that compare numbers across reports or across a report's prose
//! and tables.
//!
//! A crosswalked metric ([`CROSSWALK`]) comes from the standard tables where
//! the report has them and from the prose (its [legacy
//! metrics](crate::extract::legacy)) where it does not; every other legacy
//! metric is a row of its own, under its legacy key. Checks never change a
//! number: `X-TEXT` (a number the prose states for a metric the tables also
//! hold) is a check of the report; `X-CARRY` (year N's carried-over
//! applications equal year N−1's carried-forward ones, per applicant
//! column) compares two reports of one `agency_id` and is run once all
//! reports are read.

use std::collections::BTreeMap;

use crate::check::compare;
use crate::model::{Check, CheckStatus, Legacy, Report, T3_COLS, format_number};

/// Metrics that mean the same in every era: id, the table cells whose sum
/// it is (2019 and 2021 templates), the legacy key of the prose.
pub const CROSSWALK: [(&str, &[&str], &str); 6] = [
    (
        "applications_received",
        &["t3__new_received__total"],
        "legacy__applications_received",
    ),
    ("granted", &["t3__granted__total"], "legacy__granted"),
    ("partial", &["t3__partial__total"], "legacy__partial"),
    (
        "denied",
        &[
            "t3__denied_state_secret__total",
            "t3__denied_law_prohibited__total",
            "t3__denied_security_stability__total",
            "t3__denied_third_party__total",
            "t3__denied_internal_affairs__total",
            "t3__denied_process_info__total",
            "t3__denied_enforcement_file__total",
            "t3__denied_admin_query__total",
        ],
        "legacy__denied",
    ),
    (
        "review_total",
        &["t4__review__total"],
        "legacy__review__total",
    ),
    (
        "litigation_total",
        &[
            "t4__litigation_direct__total",
            "t4__litigation_after_review__total",
        ],
        "legacy__litigation__total",
    ),
];

/// Columns of `panel.csv`.
pub const PANEL_COLUMNS: [&str; 10] = [
    "agency_id",
    "agency",
    "year",
    "metric",
    "value",
    "state",
    "qualifier",
    "era",
    "report_id",
    "source",
];

/// One row of the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelRow {
    /// The report's `agency_id` (empty without an agency).
    pub agency_id: String,
    /// The agency's canonical name.
    pub agency: String,
    /// The year covered.
    pub year: Option<i32>,
    /// The metric id: a [`CROSSWALK`] id or a legacy key.
    pub metric: String,
    /// The value.
    pub value: f64,
    /// `number` (printed), `stated_zero` (a zero stated in words) or
    /// `inferred` (a table blank the blank rules filled).
    pub state: &'static str,
    /// The qualifier of a prose number (`exact` for table cells).
    pub qualifier: &'static str,
    /// The report's template.
    pub era: &'static str,
    /// The report id.
    pub report_id: String,
    /// The cell key(s) summed (`+` between them) or `text:START-END` (the
    /// prose span, character offsets in the report text).
    pub source: String,
}

/// The value of a sum of table cells: all of them must hold a number.
fn table_value(r: &Report, keys: &[&str]) -> Option<(f64, &'static str)> {
    let mut total = 0.0;
    let mut inferred = false;
    for k in keys {
        let c = r.cells.get(*k)?;
        total += c.value?;
        inferred |= c.inferred;
    }
    Some((total, if inferred { "inferred" } else { "number" }))
}

/// A row of report `r` (its agency's canonical name `agency`) for
/// `metric`, from a table sum.
fn row(
    r: &Report,
    agency: &str,
    metric: &str,
    value: f64,
    state: &'static str,
    source: String,
) -> PanelRow {
    PanelRow {
        agency_id: r.agency_id.clone().unwrap_or_default(),
        agency: agency.to_string(),
        year: r.year,
        metric: metric.to_string(),
        value,
        state,
        qualifier: "exact",
        era: r.template.as_str(),
        report_id: r.id.clone(),
        source,
    }
}

/// A row of report `r` for `metric`, from the prose.
fn prose_row(r: &Report, agency: &str, metric: &str, l: &Legacy) -> PanelRow {
    let state = if l.explicit_zero {
        "stated_zero"
    } else {
        "number"
    };
    let mut out = row(
        r,
        agency,
        metric,
        l.value,
        state,
        format!("text:{}-{}", l.start, l.end),
    );
    out.qualifier = l.qualifier.as_str();
    out
}

/// The panel rows of one report.
pub fn rows(r: &Report) -> Vec<PanelRow> {
    let agency = r
        .agency
        .as_deref()
        .map(crate::agency::canonical)
        .unwrap_or_default();
    let mut out = Vec::new();
    for (metric, keys, legacy) in CROSSWALK {
        if let Some((value, state)) = table_value(r, keys) {
            out.push(row(r, &agency, metric, value, state, keys.join("+")));
        } else if let Some(l) = r.legacy.get(legacy) {
            out.push(prose_row(r, &agency, metric, l));
        }
    }
    let crosswalked: Vec<&str> = CROSSWALK.iter().map(|c| c.2).collect();
    for (key, l) in &r.legacy {
        if !crosswalked.contains(&key.as_str()) {
            out.push(prose_row(r, &agency, key, l));
        }
    }
    out
}

/// `X-TEXT[metric]`: a number the prose states (exactly) for a metric the
/// tables hold, against the tables. A failure is a warning about the
/// report; no number changes.
pub fn text_checks(r: &Report) -> Vec<Check> {
    let mut out = Vec::new();
    for (metric, keys, legacy) in CROSSWALK {
        let (Some((table, _)), Some(l)) = (table_value(r, keys), r.legacy.get(legacy)) else {
            continue;
        };
        if l.qualifier != crate::model::Qualifier::Exact {
            continue;
        }
        out.push(compare(
            format!("X-TEXT[{metric}]"),
            Some(table),
            Some(l.value),
            &format!(
                "the prose states {} ({}); the table ({}) holds {}",
                format_number(l.value),
                l.text,
                keys.join("+"),
                format_number(table)
            ),
        ));
    }
    out
}

/// Adds the `X-TEXT` checks to a report (whose other checks have just
/// run), and a warning for each that fails.
pub fn add_text_checks(r: &mut Report) {
    r.warnings.retain(|w| !w.starts_with("X-TEXT"));
    let checks = text_checks(r);
    for c in checks.iter().filter(|c| c.status == CheckStatus::Fail) {
        r.warnings.push(format!("{}: {}", c.rule, c.detail));
    }
    r.checks.extend(checks);
}

/// What `X-CARRY` needs of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Carry {
    /// The report id.
    pub report_id: String,
    /// Its agency id.
    pub agency_id: String,
    /// The year it covers.
    pub year: i32,
    /// 上年结转 per applicant column ([`T3_COLS`]).
    pub over: [Option<f64>; 7],
    /// 结转下年度继续办理 per applicant column.
    pub forward: [Option<f64>; 7],
}

impl Carry {
    /// A report's carry cells, when it has an agency, a year and any.
    pub fn of(r: &Report) -> Option<Carry> {
        let cells = |row: &str| -> [Option<f64>; 7] {
            std::array::from_fn(|i| {
                r.cells
                    .get(&format!("t3__{row}__{}", T3_COLS[i]))
                    .and_then(|c| c.value)
            })
        };
        let over = cells("carried_over");
        let forward = cells("carried_forward");
        if over.iter().chain(&forward).all(Option::is_none) {
            return None;
        }
        Some(Carry {
            report_id: r.id.clone(),
            agency_id: r.agency_id.clone()?,
            year: r.year?,
            over,
            forward,
        })
    }
}

/// `X-CARRY[column]` for every agency with reports for consecutive years:
/// (the later report's id, the check naming the earlier one). The first
/// report read for an agency and year is the one compared.
pub fn carry_checks(carries: &[Carry]) -> Vec<(String, Check)> {
    let mut by: BTreeMap<(&str, i32), &Carry> = BTreeMap::new();
    for c in carries {
        by.entry((c.agency_id.as_str(), c.year)).or_insert(c);
    }
    let mut out = Vec::new();
    for (&(agency, year), now) in &by {
        let Some(before) = by.get(&(agency, year - 1)) else {
            continue;
        };
        for (i, col) in T3_COLS.iter().enumerate() {
            let (Some(fwd), Some(over)) = (before.forward[i], now.over[i]) else {
                continue;
            };
            let mut check = compare(
                format!("X-CARRY[{col}]"),
                Some(fwd),
                Some(over),
                &format!(
                    "carried over into {year} (上年结转) against carried forward from {} (结转下年度) in report {}",
                    year - 1,
                    before.report_id
                ),
            );
            check.other_report = Some(before.report_id.clone());
            out.push((now.report_id.clone(), check));
        }
    }
    out
}
