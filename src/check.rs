//! The consistency checks of the standard tables (docs/formats.md, Checks),
//! after the blank rules there (Blanks).
//!
//! Inference only fills blanks, and only where a relation proves the value:
//! a blank detail cell of a table-3 column (or of a table-4 group) becomes 0
//! when the column's printed total then adds up; a blank applicant cell of a
//! table-3 row becomes 0 when the row's printed 总计 then adds up (a row whose
//! legal-person cells are blank and whose 总计 equals the natural-person
//! cell); a blank 总计 becomes the sum
//! of its six applicant cells when all six are known. Inferred cells keep
//! their `blank` state and are marked `inferred`. Checks never change a
//! number: a failed check is reported with both sides.
//!
//! Rules: `T3-ID[col]` (the stated 勾稽关系), `T3-RES[col]`, `T3-ROW[row]`,
//! `T3-SUB[group.col]` (a printed group subtotal), `T4-SUM[group]`, and `DOM`
//! (counts are whole and not negative; only 本年增/减 may be negative).

use std::collections::BTreeMap;

use crate::model::{
    Cell, CellState, Check, CheckStatus, T3_COLS, T3_ROWS, T4_GROUPS, t3_key, t4_key,
};

/// Detail rows of 三、本年度办理结果 shared by both templates.
const T3_DETAILS: [&str; 18] = [
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
];

/// The 2021 （六） sub-rows.
const T3_OTHER_2021: [&str; 3] = ["other_no_correction", "other_fee_unpaid", "other_other"];

/// Groups with a derivable subtotal: (group row prefix, its rows).
const T3_GROUPS: [(&str, std::ops::Range<usize>); 3] = [
    ("denied", 2..10),
    ("unable", 10..13),
    ("not_processed", 13..18),
];

/// Applies the inference rules, then runs every check that applies.
pub fn run(cells: &mut BTreeMap<String, Cell>) -> Vec<Check> {
    let has_t3 = cells.keys().any(|k| k.starts_with("t3__"));
    let has_t4 = cells.keys().any(|k| k.starts_with("t4__"));
    if !has_t3 && !has_t4 && !cells.keys().any(|k| k.starts_with("t2")) {
        return Vec::new();
    }
    let other_rows: Vec<&str> = if cells.keys().any(|k| k.starts_with("t3__other_total__")) {
        vec!["other_total"]
    } else {
        T3_OTHER_2021.to_vec()
    };
    let details: Vec<&str> = T3_DETAILS
        .iter()
        .copied()
        .chain(other_rows.iter().copied())
        .collect();
    if has_t3 {
        for col in T3_COLS {
            let keys: Vec<&str> = details.iter().map(|r| k3(r, col)).collect();
            infer_blanks(cells, &keys, k3("results_total", col));
        }
        for col in T3_COLS {
            infer_identity(cells, col);
        }
        for row in T3_ROWS {
            let parts: Vec<&str> = T3_COLS[..6].iter().map(|c| k3(row, c)).collect();
            infer_blanks(cells, &parts, k3(row, "total"));
            infer_row_total(cells, row);
        }
    }
    if has_t4 {
        for g in T4_GROUPS {
            let keys: Vec<&str> = ["upheld", "corrected", "other", "pending"]
                .iter()
                .map(|o| k4(g, o))
                .collect();
            infer_blanks(cells, &keys, k4(g, "total"));
        }
    }

    let mut checks = Vec::new();
    let v = |cells: &BTreeMap<String, Cell>, k: &str| cells.get(k).and_then(|c| c.value);
    if has_t3 {
        for col in T3_COLS {
            let get = |r: &str| v(cells, k3(r, col));
            checks.push(compare(
                format!("T3-ID[{col}]"),
                sum(&[get("new_received"), get("carried_over")]),
                sum(&[get("results_total"), get("carried_forward")]),
                "new_received + carried_over = results_total + carried_forward",
            ));
        }
        for col in T3_COLS {
            let parts: Vec<Option<f64>> = details.iter().map(|r| v(cells, k3(r, col))).collect();
            checks.push(compare(
                format!("T3-RES[{col}]"),
                sum(&parts),
                v(cells, k3("results_total", col)),
                &format!(
                    "results_total = sum of the result rows ({})",
                    if other_rows.len() == 1 {
                        "other_total"
                    } else {
                        "other_* sub-rows"
                    }
                ),
            ));
        }
        for row in T3_ROWS {
            if !T3_COLS.iter().any(|c| cells.contains_key(k3(row, c))) {
                continue;
            }
            let parts: Vec<Option<f64>> =
                T3_COLS[..6].iter().map(|c| v(cells, k3(row, c))).collect();
            checks.push(compare(
                format!("T3-ROW[{row}]"),
                sum(&parts),
                v(cells, k3(row, "total")),
                "total = natural_person + the five organisation columns",
            ));
        }
        for (group, range) in T3_GROUPS {
            let rows = &T3_DETAILS[range];
            for col in T3_COLS {
                let printed = k3(&format!("{group}_total_reported"), col);
                if !cells.contains_key(printed) {
                    continue;
                }
                let parts: Vec<Option<f64>> = rows.iter().map(|r| v(cells, k3(r, col))).collect();
                checks.push(compare(
                    format!("T3-SUB[{group}.{col}]"),
                    sum(&parts),
                    v(cells, printed),
                    "printed group subtotal = sum of its rows",
                ));
            }
        }
    }
    if has_t4 {
        for g in T4_GROUPS {
            let parts: Vec<Option<f64>> = ["upheld", "corrected", "other", "pending"]
                .iter()
                .map(|o| v(cells, k4(g, o)))
                .collect();
            checks.push(compare(
                format!("T4-SUM[{g}]"),
                sum(&parts),
                v(cells, k4(g, "total")),
                "total = upheld + corrected + other + pending",
            ));
        }
    }
    checks.push(domain(cells));
    checks
}

fn k3(row: &str, col: &str) -> &'static str {
    t3_key(row, col).expect("known table-3 row and column")
}

fn k4(group: &str, outcome: &str) -> &'static str {
    t4_key(group, outcome).expect("known table-4 group and outcome")
}

/// Fills blank `keys` with 0 when the numbers among them already add up to
/// the printed `total_key` (Blanks, rule 1).
fn infer_blanks(cells: &mut BTreeMap<String, Cell>, keys: &[&str], total_key: &str) {
    if cells.get(total_key).and_then(|c| c.value).is_some() {
        infer_zeros(cells, keys, &[total_key]);
    }
}

/// The same rule for the stated 勾稽关系 of a column: blanks among
/// new_received, carried_over, results_total and carried_forward become 0
/// when the identity then holds.
fn infer_identity(cells: &mut BTreeMap<String, Cell>, col: &str) {
    let k = |r| k3(r, col);
    infer_zeros(
        cells,
        &[k("new_received"), k("carried_over")],
        &[k("results_total"), k("carried_forward")],
    );
}

/// Sets the blank cells among `lhs` and `rhs` to 0 (marked inferred) when
/// sum(lhs) = sum(rhs) holds with them at 0. Every cell must be in the
/// source, at least one must be a number, and na or text cells stop it.
fn infer_zeros(cells: &mut BTreeMap<String, Cell>, lhs: &[&str], rhs: &[&str]) {
    let mut side = [0.0f64; 2];
    let mut blanks = Vec::new();
    for (i, keys) in [lhs, rhs].iter().enumerate() {
        for k in keys.iter() {
            let Some(c) = cells.get(*k) else { return };
            match (c.state, c.value) {
                (CellState::Blank, None) => blanks.push(*k),
                (_, Some(v)) => side[i] += v,
                _ => return,
            }
        }
    }
    if blanks.is_empty()
        || blanks.len() == lhs.len() + rhs.len()
        || (side[0] - side[1]).abs() > 1e-9
    {
        return;
    }
    for k in blanks {
        if let Some(c) = cells.get_mut(k) {
            c.value = Some(0.0);
            c.inferred = true;
        }
    }
}

/// Derives a blank 总计 from six known applicant cells (Blanks, rule 2).
fn infer_row_total(cells: &mut BTreeMap<String, Cell>, row: &str) {
    let total_key = k3(row, "total");
    let blank = cells
        .get(total_key)
        .is_some_and(|c| c.state == CellState::Blank && c.value.is_none());
    if !blank {
        return;
    }
    let parts: Option<Vec<f64>> = T3_COLS[..6]
        .iter()
        .map(|c| cells.get(k3(row, c)).and_then(|c| c.value))
        .collect();
    if let (Some(parts), Some(c)) = (parts, cells.get_mut(total_key)) {
        c.value = Some(parts.iter().sum());
        c.inferred = true;
    }
}

fn sum(parts: &[Option<f64>]) -> Option<f64> {
    parts.iter().copied().sum()
}

/// A check of `actual` against `expected`: `na` when either is unknown; a
/// failure's detail says how far off it is.
pub(crate) fn compare(
    rule: String,
    expected: Option<f64>,
    actual: Option<f64>,
    detail: &str,
) -> Check {
    let status = match (expected, actual) {
        (Some(e), Some(a)) if (e - a).abs() < 1e-6 => CheckStatus::Pass,
        (Some(_), Some(_)) => CheckStatus::Fail,
        _ => CheckStatus::Na,
    };
    let detail = match status {
        CheckStatus::Fail => format!(
            "{detail} (off by {})",
            crate::model::format_number(actual.unwrap_or(0.0) - expected.unwrap_or(0.0))
        ),
        _ => detail.to_string(),
    };
    Check {
        rule,
        status,
        expected,
        actual,
        detail,
        other_report: None,
    }
}

/// DOM: counts are whole numbers ≥ 0; only the 2019 本年增/减 cells may be
/// negative and only fee amounts may be fractional.
fn domain(cells: &BTreeMap<String, Cell>) -> Check {
    let bad: Vec<&str> = cells
        .iter()
        .filter_map(|(k, c)| {
            let v = c.value?;
            let signed = k.ends_with("__delta");
            let decimal = k.contains("amount");
            ((!signed && v < 0.0) || (!decimal && v.fract() != 0.0)).then_some(k.as_str())
        })
        .collect();
    Check {
        rule: "DOM".to_string(),
        status: if bad.is_empty() {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        expected: None,
        actual: None,
        detail: if bad.is_empty() {
            "counts are whole and not negative".to_string()
        } else {
            format!("out of domain: {}", bad.join(", "))
        },
        other_report: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(v: Option<f64>) -> Cell {
        let state = match v {
            None => CellState::Blank,
            Some(0.0) => CellState::Zero,
            Some(_) => CellState::Number,
        };
        Cell {
            value: v,
            raw: v.map(crate::model::format_number).unwrap_or_default(),
            state,
            inferred: false,
            unit: None,
            source: None,
            page: None,
        }
    }

    fn table4(values: [Option<f64>; 15]) -> BTreeMap<String, Cell> {
        let mut cells = BTreeMap::new();
        let mut i = 0;
        for g in T4_GROUPS {
            for o in crate::model::T4_OUTCOMES {
                cells.insert(k4(g, o).to_string(), cell(values[i]));
                i += 1;
            }
        }
        cells
    }

    fn status(checks: &[Check], rule: &str) -> CheckStatus {
        checks.iter().find(|c| c.rule == rule).unwrap().status
    }

    #[test]
    fn hz2023_table4_fails_where_it_should() {
        let z = Some(0.0);
        let mut cells = table4([
            Some(10.0),
            Some(1.0),
            z,
            z,
            z,
            z,
            z,
            z,
            z,
            z,
            Some(5.0),
            z,
            z,
            z,
            z,
        ]);
        let checks = run(&mut cells);
        assert_eq!(status(&checks, "T4-SUM[review]"), CheckStatus::Fail);
        assert_eq!(
            status(&checks, "T4-SUM[litigation_direct]"),
            CheckStatus::Pass
        );
        assert_eq!(
            status(&checks, "T4-SUM[litigation_after_review]"),
            CheckStatus::Fail
        );
        let review = checks.iter().find(|c| c.rule == "T4-SUM[review]").unwrap();
        assert_eq!((review.expected, review.actual), (Some(11.0), Some(0.0)));
        // The numbers stay as printed.
        assert_eq!(cells["t4__review__total"].value, Some(0.0));
    }

    #[test]
    fn sh2019_table4_blanks_are_inferred_and_pass() {
        let n = None;
        let mut cells = table4([
            Some(5.0),
            n,
            n,
            Some(2.0),
            Some(7.0),
            Some(8.0),
            n,
            n,
            Some(1.0),
            Some(9.0),
            n,
            n,
            n,
            n,
            n,
        ]);
        let checks = run(&mut cells);
        assert_eq!(status(&checks, "T4-SUM[review]"), CheckStatus::Pass);
        assert_eq!(
            status(&checks, "T4-SUM[litigation_direct]"),
            CheckStatus::Pass
        );
        assert_eq!(
            status(&checks, "T4-SUM[litigation_after_review]"),
            CheckStatus::Na
        );
        assert!(cells["t4__review__corrected"].inferred);
        assert_eq!(cells["t4__review__corrected"].state, CellState::Blank);
        assert!(!cells["t4__litigation_after_review__upheld"].inferred);
    }

    #[test]
    fn negative_counts_fail_the_domain_check_but_deltas_may_be_negative() {
        let mut cells = BTreeMap::new();
        cells.insert("t2v19__licensing__delta".to_string(), cell(Some(-11.0)));
        cells.insert(
            "t2__admin_fees__amount_wanyuan".to_string(),
            cell(Some(7730.28)),
        );
        assert_eq!(status(&run(&mut cells), "DOM"), CheckStatus::Pass);
        cells.insert("t2__licensing__decisions".to_string(), cell(Some(-1.0)));
        assert_eq!(status(&run(&mut cells), "DOM"), CheckStatus::Fail);
    }
}
