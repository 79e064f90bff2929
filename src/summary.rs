//! `summary.html`: the run report. One self-contained page (no script, no
//! network): inputs and outcomes, reports by year and template, table
//! statuses, failed checks by rule with the reports that fail them, missing
//! metadata by field, the commonest warnings, and small inline SVG charts.
//!
//! Each written report adds a [`Digest`] (a few fields, made on the worker
//! that extracted it); [`html`] turns the digests and the manifest into the
//! page.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::model::{CheckStatus, Report, TableState};
use crate::pipeline::Manifest;

/// What the run report keeps of one report.
#[derive(Debug, Clone)]
pub struct Digest {
    /// The report id.
    pub id: String,
    /// The input path.
    pub path: String,
    /// The year covered.
    pub year: Option<i32>,
    /// The template name.
    pub template: &'static str,
    /// The states of tables 2, 3 and 4.
    pub tables: [TableState; 3],
    /// The rules of the checks that failed.
    pub failed: Vec<String>,
    /// Metadata fields the report does not state.
    pub missing: Vec<&'static str>,
    /// Its warnings.
    pub warnings: Vec<String>,
    /// What the checks across reports need of it.
    pub carry: Option<crate::panel::Carry>,
}

impl Digest {
    /// The digest of a report.
    pub fn of(r: &Report) -> Digest {
        let mut missing = Vec::new();
        for (field, absent) in [
            ("title", r.title.is_none()),
            ("agency", r.agency.is_none()),
            ("year", r.year.is_none()),
            ("published", r.published.is_none()),
            ("signed", r.signed.is_none()),
        ] {
            if absent {
                missing.push(field);
            }
        }
        Digest {
            id: r.id.clone(),
            path: r.source.path.clone(),
            year: r.year,
            template: r.template.as_str(),
            tables: [r.tables.t2.status, r.tables.t3.status, r.tables.t4.status],
            failed: r
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::Fail)
                .map(|c| c.rule.clone())
                .collect(),
            missing,
            warnings: r.warnings.clone(),
            carry: crate::panel::Carry::of(r),
        }
    }
}

/// HTML-escapes text.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A warning with its numbers replaced by `#`, so that warnings of one kind
/// count together.
fn kind_of(warning: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in warning.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// A horizontal bar chart of labelled counts, as inline SVG.
fn bars(title: &str, items: &[(String, usize)]) -> String {
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (row, label_w, bar_w) = (18, 190, 320);
    let height = row * items.len() + 24;
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"{}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        label_w + bar_w + 60,
        esc(title)
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let y = 4 + i * row;
        let w = (n * bar_w).div_ceil(max);
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>\
             <rect x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"#4a78b0\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{n}</text>",
            label_w - 6,
            y + 12,
            esc(label),
            label_w,
            row - 4,
            label_w + w + 4,
            y + 12,
        );
    }
    s.push_str("</svg></figure>\n");
    s
}

/// A table with a header row.
fn table(head: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>\n");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", esc(c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// Reports listed after a count (at most this many, then "and N more").
const LISTED: usize = 12;

fn listed(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > LISTED {
        let _ = write!(s, " and {} more", names.len() - LISTED);
    }
    s
}

/// The run report.
pub fn html(digests: &[Digest], m: &Manifest) -> String {
    let c = &m.counts;
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>nianbao run report</title><style>\
         body{font-family:sans-serif;margin:2em;max-width:72em;color:#222}\
         table{border-collapse:collapse;margin:.5em 0 1.5em}\
         th,td{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}\
         th{background:#f0f0f0}td.n{text-align:right}figure{margin:0 0 1.5em}\
         figcaption{font-weight:bold;margin-bottom:.3em}.fail{color:#a00}\
         </style></head><body>\n<h1>nianbao run report</h1>\n",
    );
    let _ = writeln!(
        s,
        "<p>nianbao {} (schema {}), started {}, {} ms, {} job(s). Files: {}.</p>",
        esc(m.tool_version),
        m.schema_version,
        esc(&m.run.started_at),
        m.run.elapsed_ms,
        m.run.jobs,
        esc(&m.outputs.join(", "))
    );

    s.push_str("<h2 id=\"inputs\">Inputs and outcomes</h2>\n");
    s.push_str(&table(
        &[
            "inputs",
            "reports",
            "failed",
            "skipped",
            "figures",
            "cells",
            "checks failed",
            "reports with warnings",
        ],
        &[vec![
            c.inputs.to_string(),
            c.reports.to_string(),
            c.failed.to_string(),
            c.skipped.to_string(),
            c.figures.to_string(),
            c.cells.to_string(),
            c.checks_failed.to_string(),
            c.with_warnings.to_string(),
        ]],
    ));
    // Failed inputs one by one (the first hundred); skipped ones by reason.
    let failed: Vec<Vec<String>> = m
        .inputs
        .iter()
        .filter(|i| i.outcome == "failed")
        .take(100)
        .map(|i| {
            vec![
                i.path.clone(),
                i.stage.map(|st| st.to_string()).unwrap_or_default(),
                i.error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    if failed.is_empty() {
        s.push_str("<p>No input failed.</p>\n");
    } else {
        s.push_str(&table(&["failed input", "stage", "reason"], &failed));
        if c.failed > failed.len() {
            let _ = writeln!(
                s,
                "<p>… and {} more (failures.jsonl lists them all).</p>",
                c.failed - failed.len()
            );
        }
    }
    let mut skipped: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for i in m.inputs.iter().filter(|i| i.outcome == "skipped") {
        skipped
            .entry(i.error.as_deref().unwrap_or(""))
            .or_default()
            .push(i.path.clone());
    }
    if !skipped.is_empty() {
        let rows: Vec<Vec<String>> = skipped
            .iter()
            .map(|(why, paths)| vec![why.to_string(), paths.len().to_string(), listed(paths)])
            .collect();
        s.push_str(&table(&["skipped because", "inputs", "which"], &rows));
    }

    s.push_str("<h2 id=\"years\">Reports by year and template</h2>\n");
    let mut by_year: BTreeMap<Option<i32>, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut templates: Vec<&str> = Vec::new();
    for d in digests {
        *by_year
            .entry(d.year)
            .or_default()
            .entry(d.template)
            .or_default() += 1;
        if !templates.contains(&d.template) {
            templates.push(d.template);
        }
    }
    templates.sort();
    let mut head = vec!["year"];
    head.extend(&templates);
    head.push("all");
    let rows: Vec<Vec<String>> = by_year
        .iter()
        .map(|(y, t)| {
            let mut r = vec![y.map_or("(none)".to_string(), |y| y.to_string())];
            r.extend(
                templates
                    .iter()
                    .map(|k| t.get(k).copied().unwrap_or(0).to_string()),
            );
            r.push(t.values().sum::<usize>().to_string());
            r
        })
        .collect();
    s.push_str(&table(&head, &rows));
    let per_year: Vec<(String, usize)> = by_year
        .iter()
        .map(|(y, t)| {
            (
                y.map_or("(none)".to_string(), |y| y.to_string()),
                t.values().sum(),
            )
        })
        .collect();
    if !per_year.is_empty() {
        s.push_str(&bars("Reports per year", &per_year));
    }

    s.push_str("<h2 id=\"tables\">Standard tables</h2>\n");
    let states = [
        TableState::Complete,
        TableState::Partial,
        TableState::Unreadable,
        TableState::Absent,
    ];
    let mut head = vec!["table"];
    head.extend(states.iter().map(|t| t.as_str()));
    let mut status_bars = Vec::new();
    let rows: Vec<Vec<String>> = ["表二 (t2)", "表三 (t3)", "表四 (t4)"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut r = vec![name.to_string()];
            for st in states {
                let n = digests.iter().filter(|d| d.tables[i] == st).count();
                if st != TableState::Absent {
                    status_bars.push((
                        format!("{} {}", &name[name.len() - 3..name.len() - 1], st.as_str()),
                        n,
                    ));
                }
                r.push(n.to_string());
            }
            r
        })
        .collect();
    s.push_str(&table(&head, &rows));
    if !digests.is_empty() {
        s.push_str(&bars("Tables read (absent left out)", &status_bars));
    }

    s.push_str("<h2 id=\"checks\">Failed checks by rule</h2>\n");
    let mut by_rule: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for d in digests {
        for rule in &d.failed {
            by_rule.entry(rule).or_default().push(d.path.clone());
        }
    }
    if by_rule.is_empty() {
        s.push_str("<p>No check failed.</p>\n");
    } else {
        let mut rules: Vec<(&str, Vec<String>)> = by_rule.into_iter().collect();
        rules.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
        let rows: Vec<Vec<String>> = rules
            .iter()
            .map(|(rule, reports)| {
                vec![rule.to_string(), reports.len().to_string(), listed(reports)]
            })
            .collect();
        s.push_str("<div class=\"fail\">");
        s.push_str(&table(&["rule", "reports", "failed by"], &rows));
        s.push_str("</div>");
        let top: Vec<(String, usize)> = rules
            .iter()
            .take(10)
            .map(|(r, v)| (r.to_string(), v.len()))
            .collect();
        s.push_str(&bars("Reports failing each rule (top 10)", &top));
    }

    s.push_str("<h2 id=\"metadata\">Missing metadata</h2>\n");
    let rows: Vec<Vec<String>> = ["title", "agency", "year", "published", "signed"]
        .iter()
        .map(|f| {
            let which: Vec<String> = digests
                .iter()
                .filter(|d| d.missing.contains(f))
                .map(|d| d.path.clone())
                .collect();
            vec![f.to_string(), which.len().to_string(), listed(&which)]
        })
        .collect();
    s.push_str(&table(&["field", "reports without it", "which"], &rows));

    s.push_str("<h2 id=\"warnings\">Commonest warnings</h2>\n");
    let mut kinds: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for d in digests {
        for w in &d.warnings {
            let e = kinds.entry(kind_of(w)).or_insert_with(|| (0, w.clone()));
            e.0 += 1;
        }
    }
    if kinds.is_empty() {
        s.push_str("<p>No warnings.</p>\n");
    } else {
        let mut kinds: Vec<(String, (usize, String))> = kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
        let rows: Vec<Vec<String>> = kinds
            .iter()
            .take(15)
            .map(|(_, (n, example))| vec![n.to_string(), example.clone()])
            .collect();
        s.push_str(&table(&["times", "warning (one example)"], &rows));
    }
    s.push_str("</body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_group_by_kind_and_text_is_escaped() {
        assert_eq!(
            kind_of("table 3 partial: 12 of 175 cells"),
            "table # partial: # of # cells"
        );
        assert_eq!(esc("<a href='x'>&"), "&lt;a href=&#39;x&#39;&gt;&amp;");
        let svg = bars("年度", &[("2013".into(), 3), ("2014".into(), 0)]);
        assert!(svg.contains("<svg") && svg.contains(">2013</text>"));
    }
}
