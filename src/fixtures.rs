//! Fixture cases: an input page with the report it must give, compared
//! field by field. `nianbao check` runs them on a user's folder of cases;
//! the project's golden test runs them on `fixtures/`.
//!
//! A case is a directory holding one input (any file `extract` reads), an
//! optional `meta.json` (`content_type`, `url`) and `expected.json`: the
//! report as one line of `reports.jsonl` holds it, pretty-printed, or
//! `{"failure": {"stage", "error"}}` for an input that must fail.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::extract::Kind;
use crate::model::Report;
use crate::pipeline::{self, DEFAULT_MAX_BYTES};
use crate::sink::Outcome;

/// The expected file of a case.
pub const EXPECTED: &str = "expected.json";

/// One field that differs: its path in the report (`figures[3].value`),
/// what the expected file says and what the extraction gave (`None`: the
/// field is absent on that side).
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Where, as `a.b[2].c`.
    pub path: String,
    /// The expected value.
    pub expected: Option<Value>,
    /// The extracted value.
    pub got: Option<Value>,
}

/// What checking one case found.
#[derive(Debug)]
pub enum Verdict {
    /// The extraction is the expected report.
    Same,
    /// Fields differ (and, when blessed, the expected file was rewritten).
    Differs(Vec<Difference>),
    /// The case has no expected file yet (written when blessed).
    NoExpected,
    /// The case cannot be checked (no single input, unreadable or invalid
    /// expected file), or the extraction contradicts itself (a figure's
    /// text is not the text at its offsets).
    Broken(String),
}

/// The cases under `root`: `root` itself when it holds an expected file
/// or a single input, else its subdirectories (recursively: a folder of
/// suites works too), sorted.
pub fn cases(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        if dir.join(EXPECTED).is_file() {
            found.push(dir);
            continue;
        }
        let mut subdirs = Vec::new();
        let mut inputs = 0;
        for e in fs::read_dir(&dir)? {
            let p = e?.path();
            if p.is_dir() {
                subdirs.push(p);
            } else if Kind::of_path(&p).is_some() {
                inputs += 1;
            }
        }
        if inputs > 0 && subdirs.is_empty() {
            found.push(dir);
        } else {
            todo.extend(subdirs);
        }
    }
    found.sort();
    Ok(found)
}

/// The one input file of a case.
pub fn input_file(case: &Path) -> Result<PathBuf, String> {
    let mut files: Vec<PathBuf> = fs::read_dir(case)
        .map_err(|e| format!("{}: {e}", case.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && Kind::of_path(p).is_some())
        .collect();
    files.sort();
    match files.len() {
        1 => Ok(files.remove(0)),
        n => Err(format!(
            "{}: expected exactly one input, found {n}",
            case.display()
        )),
    }
}

/// Extracts a case's input: the report (or failure) as its expected file
/// would hold it.
pub fn extract(case: &Path) -> Result<Value, String> {
    let path = input_file(case)?;
    let found = pipeline::discover(std::slice::from_ref(&path), None);
    let input = found.inputs.first().ok_or_else(|| {
        let why = found.skipped.first().map_or("", |s| s.reason.as_str());
        format!("{}: not an input ({why})", path.display())
    })?;
    let value = match pipeline::process(input, DEFAULT_MAX_BYTES) {
        Outcome::Extracted(x) => {
            offsets_hold(&x.report, &x.text)?;
            serde_json::to_value(&x.report).map_err(|e| e.to_string())?
        }
        Outcome::Failed { error, .. } => serde_json::json!({
            "failure": {"stage": error.stage(), "error": crate::error::chain(&error)}
        }),
    };
    // As read back from a file (numbers in one representation).
    serde_json::from_str(&value.to_string()).map_err(|e| e.to_string())
}

/// The expected file's contents for a value: pretty JSON and a newline.
pub fn render(value: &Value) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("a JSON value serialises");
    s.push('\n');
    s
}

/// Checks one case; with `bless`, rewrites its expected file when it differs
/// or is missing (the verdict still says what differed).
pub fn check(case: &Path, bless: bool) -> Verdict {
    let got = match extract(case) {
        Ok(v) => v,
        Err(e) => return Verdict::Broken(e),
    };
    let path = case.join(EXPECTED);
    let verdict = match fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Verdict::NoExpected,
        Err(e) => return Verdict::Broken(format!("{}: {e}", path.display())),
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Err(e) => return Verdict::Broken(format!("{}: not JSON: {e}", path.display())),
            Ok(expected) => {
                let diffs = compare(&expected, &got);
                if diffs.is_empty() {
                    return Verdict::Same;
                }
                Verdict::Differs(diffs)
            }
        },
    };
    if bless && let Err(e) = fs::write(&path, render(&got)) {
        return Verdict::Broken(format!("{}: {e}", path.display()));
    }
    verdict
}

/// Fields not compared: where the case lies (`source.path` is the input's
/// path as given, which moves with the folder).
pub const NOT_COMPARED: [&str; 1] = ["source.path"];

/// Field-by-field differences between two reports, in document order:
/// objects by key, arrays by position ([`NOT_COMPARED`] aside).
pub fn compare(expected: &Value, got: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(String::new(), Some(expected), Some(got), &mut out);
    out.retain(|d| !NOT_COMPARED.contains(&d.path.as_str()));
    out
}

fn walk(path: String, e: Option<&Value>, g: Option<&Value>, out: &mut Vec<Difference>) {
    match (e, g) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            for (k, v) in a {
                walk(join(&path, k), Some(v), b.get(k), out);
            }
            for (k, v) in b {
                if !a.contains_key(k) {
                    walk(join(&path, k), None, Some(v), out);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (e, g) if e == g => {}
        (e, g) => out.push(Difference {
            path: if path.is_empty() { ".".into() } else { path },
            expected: e.cloned(),
            got: g.cloned(),
        }),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A difference on one line: `path: expected X, got Y`.
pub fn describe(d: &Difference) -> String {
    let show = |v: &Option<Value>| match v {
        None => "(absent)".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 120 {
                let cut: String = s.chars().take(117).collect();
                format!("{cut}…")
            } else {
                s
            }
        }
    };
    format!(
        "{}: expected {}, got {}",
        d.path,
        show(&d.expected),
        show(&d.got)
    )
}

/// Every span points at what it claims to: figure `text` and section
/// headings are slices of the normalised text at their offsets.
pub fn offsets_hold(report: &Report, text: &str) -> Result<(), String> {
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: usize, e: usize| -> String {
        chars
            .get(s..e)
            .map(|c| c.iter().collect())
            .unwrap_or_default()
    };
    for f in &report.figures {
        if slice(f.start, f.end) != f.text {
            return Err(format!(
                "figure {:?} at {}..{} reads {:?}",
                f.text,
                f.start,
                f.end,
                slice(f.start, f.end)
            ));
        }
        if !f.text.contains(&f.raw) {
            return Err(format!(
                "figure text {:?} does not contain raw {:?}",
                f.text, f.raw
            ));
        }
    }
    for s in &report.sections {
        if !slice(s.start, s.end).starts_with(&s.heading) {
            return Err(format!(
                "section {:?} does not start at {}",
                s.heading, s.start
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn differences_name_their_field() {
        let e = json!({"year": 2013, "figures": [{"value": 5, "unit": "件"}], "gone": 1});
        let g = json!({"year": 2012, "figures": [{"value": 5, "unit": "条"}, {"value": 7}], "new": true});
        let d: Vec<String> = compare(&e, &g).iter().map(describe).collect();
        assert_eq!(
            d,
            [
                "year: expected 2013, got 2012",
                "figures[0].unit: expected \"件\", got \"条\"",
                "figures[1]: expected (absent), got {\"value\":7}",
                "gone: expected 1, got (absent)",
                "new: expected (absent), got true",
            ]
        );
        assert!(compare(&e, &e).is_empty());
        let moved = json!({"source": {"path": "elsewhere/page.txt", "bytes": 3}});
        let here = json!({"source": {"path": "fixtures/pages/a/page.txt", "bytes": 3}});
        assert!(compare(&here, &moved).is_empty());
    }
}
