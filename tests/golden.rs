//! Golden tests: one test per fixture directory under `fixtures/pages/`,
//! `fixtures/regressions/` and `fixtures/failing/` (inputs that must fail:
//! kept apart so that the bundled default run, on `fixtures/pages`, reads
//! only reports). Each holds one input page (bytes as served), an
//! optional `meta.json` (`content_type`, `url`) and `expected.json`: the
//! report as `reports.jsonl` would hold it, pretty-printed, or
//! `{"failure": {"stage", "error"}}` for a page that must fail.
//!
//! Each case runs through [`nianbao::fixtures`], the code of `nianbao
//! check`: the same comparison, field by field, and the same offset checks.
//! `UPDATE_EXPECT=1 cargo test --test golden` (or `nianbao check --bless
//! fixtures/pages`) rewrites the expected files; read every diff before
//! committing.

use std::fs;
use std::path::{Path, PathBuf};

use libtest_mimic::{Arguments, Failed, Trial};
use nianbao::extract::Kind;
use nianbao::fixtures::{self, Verdict};
use nianbao::pipeline::{self, DEFAULT_MAX_BYTES};
use nianbao::sink::Outcome;

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for suite in ["fixtures/pages", "fixtures/regressions", "fixtures/failing"] {
        let Ok(entries) = fs::read_dir(suite) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        let suite_name = suite.rsplit('/').next().unwrap_or(suite).to_string();
        for dir in dirs {
            let name = format!(
                "{suite_name}::{}",
                dir.file_name().unwrap().to_string_lossy()
            );
            trials.push(Trial::test(name, move || run_case(&dir)));
        }
    }
    trials.push(Trial::test(
        "invariants::consistent_fixtures_fail_no_check",
        consistent_fixtures_fail_no_check,
    ));
    trials.push(Trial::test(
        "invariants::region_parse_agrees_with_whole_page",
        region_parse_agrees_with_whole_page,
    ));
    trials.push(Trial::test(
        "invariants::founding_report_legacy_matches_its_gold",
        founding_report_legacy_matches_its_gold,
    ));
    libtest_mimic::run(&args, trials).exit();
}

/// The founding report's legacy metrics are exactly the seven of its
/// hand-checked gold file (`fixtures/seed/xianning-2013.legacy.json`):
/// same keys, values, qualifiers and explicit zeros.
fn founding_report_legacy_matches_its_gold() -> Result<(), Failed> {
    let gold: serde_json::Value = serde_json::from_slice(
        &fs::read("fixtures/seed/xianning-2013.legacy.json").map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let gold = gold["legacy"]
        .as_object()
        .ok_or("no legacy in the gold file")?;
    let path = PathBuf::from("fixtures/pages/xianning-2013-text/page.txt");
    let found = pipeline::discover(std::slice::from_ref(&path), None);
    let Outcome::Extracted(x) = pipeline::process(&found.inputs[0], DEFAULT_MAX_BYTES) else {
        return Err("the founding report failed".into());
    };
    let got = &x.report.legacy;
    let mut keys: Vec<&String> = got.keys().collect();
    let mut want: Vec<&String> = gold.keys().collect();
    keys.sort();
    want.sort();
    if keys != want {
        return Err(format!("keys: got {keys:?}, want {want:?}").into());
    }
    assert_eq!(gold.len(), 7);
    for (k, g) in gold {
        let l = &got[k];
        let same = Some(l.value) == g["value"].as_f64()
            && Some(l.explicit_zero) == g["explicit_zero"].as_bool()
            && Some(l.qualifier.as_str()) == g["qualifier"].as_str();
        if !same {
            return Err(format!("{k}: got {l:?}, want {g}").into());
        }
    }
    Ok(())
}

/// Every fixture page is consistent except those named `…broken…`, which
/// carry deliberately wrong numbers: no other fixture may fail a check.
fn consistent_fixtures_fail_no_check() -> Result<(), Failed> {
    let mut dirs: Vec<PathBuf> = fs::read_dir("fixtures/pages")
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs
        .iter()
        .filter(|d| !d.to_string_lossy().contains("broken"))
    {
        let path = input_file(dir)?;
        let found = pipeline::discover(std::slice::from_ref(&path), None);
        if let Outcome::Extracted(x) = pipeline::process(&found.inputs[0], DEFAULT_MAX_BYTES) {
            let failed: Vec<&str> = x
                .report
                .checks
                .iter()
                .filter(|c| c.status == nianbao::model::CheckStatus::Fail)
                .map(|c| c.rule.as_str())
                .collect();
            // The prose of the hybrid PDF states a narrower count than its
            // table (as its model, a district report, does): X-TEXT, a
            // warning about the prose, fails there and nowhere else.
            let (text, tables): (Vec<&str>, Vec<&str>) =
                failed.into_iter().partition(|r| r.starts_with("X-TEXT"));
            let prose_differs = dir.ends_with("tables-hybrid-pdf-text");
            if text.is_empty() == prose_differs {
                return Err(format!("{}: X-TEXT fails {text:?}", dir.display()).into());
            }
            let failed = tables;
            if !failed.is_empty() {
                return Err(format!("{} fails {failed:?}", dir.display()).into());
            }
        }
    }
    Ok(())
}

/// Parsing only the region around a body container finds what parsing the
/// whole page finds: the same body, tables, title and metas, and the same
/// text above the body from the window's first whole line on.
fn region_parse_agrees_with_whole_page() -> Result<(), Failed> {
    use nianbao::decode::normalize::normalize;
    use nianbao::extract::content;
    let mut regions = 0;
    for suite in ["fixtures/pages", "fixtures/regressions"] {
        for dir in fs::read_dir(suite).map_err(|e| e.to_string())?.flatten() {
            let path = input_file(&dir.path())?;
            if Kind::of_path(&path) != Some(Kind::Html) {
                continue;
            }
            let bytes = fs::read(&path).map_err(|e| e.to_string())?;
            let meta: Option<serde_json::Value> = fs::read(dir.path().join("meta.json"))
                .ok()
                .and_then(|m| serde_json::from_slice(&m).ok());
            let content_type = meta
                .as_ref()
                .and_then(|m| m["content_type"].as_str().map(str::to_string));
            let Ok(decoded) = nianbao::decode::decode(&bytes, content_type.as_deref(), true) else {
                continue;
            };
            if content::region(&decoded.text).is_some() {
                regions += 1;
            }
            let (part, whole) = (
                content::split(&decoded.text),
                content::split_whole(&decoded.text),
            );
            let name = path.display();
            if (
                &part.body,
                &part.title,
                &part.metas,
                &part.tables,
                &part.warnings,
            ) != (
                &whole.body,
                &whole.title,
                &whole.metas,
                &whole.tables,
                &whole.warnings,
            ) {
                return Err(format!("{name}: the region parse differs").into());
            }
            let pre = normalize(&part.pre);
            let tail = pre.find('\n').map_or("", |i| &pre[i..]);
            if !normalize(&whole.pre).ends_with(tail) {
                return Err(format!("{name}: text above the body differs: {pre:?}").into());
            }
        }
    }
    if regions == 0 {
        return Err("no fixture page has a body container region".into());
    }
    Ok(())
}

fn input_file(dir: &Path) -> Result<PathBuf, Failed> {
    fixtures::input_file(dir).map_err(Failed::from)
}

/// One case, through the code `nianbao check` runs.
fn run_case(dir: &Path) -> Result<(), Failed> {
    let bless = std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1");
    match fixtures::check(dir, bless) {
        Verdict::Same => Ok(()),
        _ if bless => Ok(()),
        Verdict::NoExpected => Err(format!(
            "{}: no {} (bless with UPDATE_EXPECT=1 cargo test --test golden)",
            dir.display(),
            fixtures::EXPECTED
        )
        .into()),
        Verdict::Broken(why) => Err(why.into()),
        Verdict::Differs(diffs) => {
            let mut out = format!("{} differs from the extraction:\n", dir.display());
            for d in diffs.iter().take(20) {
                out.push_str(&format!("  {}\n", fixtures::describe(d)));
            }
            if diffs.len() > 20 {
                out.push_str(&format!("  … and {} more\n", diffs.len() - 20));
            }
            out.push_str(
                "(if the change is intended: UPDATE_EXPECT=1 cargo test --test golden \
                 or nianbao check --bless, then read the diff)\n",
            );
            Err(out.into())
        }
    }
}
