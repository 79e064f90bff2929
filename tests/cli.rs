//! The `nianbao` binary as users run it: exit codes, output files, `--jobs`
//! independence, and a batch of broken and hostile pages that must all be
//! accounted for without a panic.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nianbao(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run nianbao")
}

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_lines(path: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// All output files of a run, manifest.json without its run-dependent block.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for name in [
        "reports.jsonl",
        "reports.csv",
        "figures.csv",
        "cells.csv",
        "checks.csv",
        "failures.jsonl",
    ] {
        files.push((name.to_string(), fs::read(dir.join(name)).expect(name)));
    }
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    manifest.as_object_mut().unwrap().remove("run");
    files.push((
        "manifest.json".into(),
        serde_json::to_vec(&manifest).unwrap(),
    ));
    files
}

#[test]
fn fixtures_extract_identically_whatever_the_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (dir, jobs) in [(&a, "1"), (&b, "4")] {
        let out = nianbao(
            &[
                "extract",
                "fixtures/pages",
                "--out",
                dir.to_str().unwrap(),
                "--jobs",
                jobs,
                "-q",
            ],
            &project(),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (oa, ob) = (outputs(&a), outputs(&b));
    for ((name, x), (_, y)) in oa.iter().zip(&ob) {
        assert!(x == y, "{name} differs between --jobs 1 and --jobs 4");
    }
    let reports = read_lines(&a.join("reports.jsonl"));
    assert!(reports.len() >= 12);
    // Input order: the sorted fixture directories.
    let paths: Vec<&str> = reports
        .iter()
        .map(|r| r["source"]["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    // No temporary files left behind.
    let leftovers: Vec<_> = fs::read_dir(&a)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn csv_outputs_have_their_contract_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let out = nianbao(
        &[
            "extract",
            "fixtures/pages/xianning-2013-text",
            "--out",
            tmp.path().to_str().unwrap(),
            "-q",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0));
    let first_line = |name: &str| {
        fs::read_to_string(tmp.path().join(name))
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        first_line("figures.csv"),
        "report_id,section,label,value,unit,unit_simplified,qualifier,text,start,end,raw"
    );
    assert_eq!(
        first_line("cells.csv"),
        "report_id,key,table,row,column,value,raw,state,inferred,source,page"
    );
    assert_eq!(
        first_line("checks.csv"),
        "report_id,rule,status,expected,actual,detail,other_report_id"
    );
    assert_eq!(
        first_line("panel.csv"),
        "agency_id,agency,year,metric,value,state,qualifier,era,report_id,source"
    );
    let header = first_line("reports.csv");
    assert!(header.starts_with("id,path,url,sha256,bytes,encoding,encoding_from,title,agency,agency_id,year,published,signed,period_start,period_end,template"));
    assert!(header.contains(",t3__new_received__natural_person,"));
    assert!(header.ends_with(",checks_pass,checks_fail,checks_na"));
    let figures = fs::read_to_string(tmp.path().join("figures.csv")).unwrap();
    assert!(
        figures.lines().any(|l| l.contains(",1339,件,件,exact,")),
        "{figures}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["reports"], 1);
    assert_eq!(manifest["inputs"][0]["outcome"], "ok");
}

#[test]
fn usage_errors_exit_2_and_failed_inputs_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let out = nianbao(&["extract"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    let out = nianbao(&["extract", "x.html", "--format", "xml"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    // An output directory that cannot be created is fatal.
    fs::write(tmp.path().join("file"), "x").unwrap();
    fs::write(tmp.path().join("ok.txt"), "2019年,我局主动公开信息5条。").unwrap();
    let out = nianbao(&["extract", "ok.txt", "--out", "file/sub"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("nianbao: "));
    // A missing input is a usage error: nothing is written.
    let out = nianbao(
        &["extract", "ok.txt", "missing.html", "--out", "o", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("input missing.html"), "{stderr}");
    assert!(!tmp.path().join("o").exists());
    // An input that cannot be read is a failed input (exit 1).
    fs::write(tmp.path().join("empty.html"), "").unwrap();
    let out = nianbao(
        &["extract", "ok.txt", "empty.html", "--out", "o", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let failures = read_lines(&tmp.path().join("o/failures.jsonl"));
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0]["input"], "empty.html");
    assert_eq!(failures[0]["stage"], "read");
    assert_eq!(read_lines(&tmp.path().join("o/reports.jsonl")).len(), 1);
}

#[test]
fn unsupported_files_are_skipped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("a.txt"), "2019年,我局主动公开信息5条。").unwrap();
    fs::write(tmp.path().join("b.odt"), "PK\x03\x04").unwrap();
    let out = nianbao(&["extract", ".", "--out", "../o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    let out = nianbao(&["extract", ".", "--out", "../o2"], tmp.path());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("skipped ./b.odt"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("../o/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["skipped"], 1);
    // A PDF is read; a broken one fails with its reason, and so does a .doc.
    fs::write(tmp.path().join("c.pdf"), "%PDF-1.4").unwrap();
    fs::write(
        tmp.path().join("d.doc"),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    )
    .unwrap();
    let out = nianbao(&["extract", ".", "--out", "../o3", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let failures = read_lines(&tmp.path().join("../o3/failures.jsonl"));
    let errors: Vec<&str> = failures
        .iter()
        .map(|f| f["error"].as_str().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("unsupported: unreadable PDF")),
        "{errors:?}"
    );
    assert!(
        errors.contains(&"unsupported: legacy Word binary (.doc)"),
        "{errors:?}"
    );
}

#[test]
fn max_bytes_fails_large_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("big.txt"), "公开信息5条。".repeat(1000)).unwrap();
    let out = nianbao(
        &[
            "extract",
            "big.txt",
            "--out",
            "o",
            "--max-bytes",
            "1000",
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let failures = read_lines(&tmp.path().join("o/failures.jsonl"));
    assert!(
        failures[0]["error"]
            .as_str()
            .unwrap()
            .contains("over the limit")
    );
}

#[test]
fn text_flag_writes_the_text_offsets_refer_to() {
    let tmp = tempfile::tempdir().unwrap();
    let out = nianbao(
        &[
            "extract",
            "fixtures/pages/numerals-qualifiers",
            "--out",
            tmp.path().to_str().unwrap(),
            "--text",
            "-q",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0));
    let report = &read_lines(&tmp.path().join("reports.jsonl"))[0];
    let text = fs::read_to_string(
        tmp.path()
            .join(format!("texts/{}.txt", report["id"].as_str().unwrap())),
    )
    .unwrap();
    let chars: Vec<char> = text.chars().collect();
    for f in report["figures"].as_array().unwrap() {
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[s..e].iter().collect::<String>(),
            f["text"].as_str().unwrap()
        );
    }
}

/// Issue 16: the CSVs hold fields as printed (no `'` in front of text that
/// starts like a formula), and every row of figures.csv is its `start..end`
/// of the report text.
#[test]
fn csv_fields_are_as_printed_and_figure_offsets_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let report = "某某区2022年政府信息公开工作年度报告\n\
                  一、总体情况\n\
                  -全年主动公开政府信息2318条,其中政策文件47件。\n\
                  +新增政策解读材料26篇,\"=图解\"9篇。\n\
                  =受理依申请公开63件,@网上申请占40%。\n\
                  二、其他\n\
                  -5条意见已办结。\n";
    fs::write(tmp.path().join("signs.txt"), report).unwrap();
    let out = nianbao(
        &["extract", "signs.txt", "--out", "out", "--text", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dir = tmp.path().join("out");
    let id = read_lines(&dir.join("reports.jsonl"))[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let text: Vec<char> = fs::read_to_string(dir.join(format!("texts/{id}.txt")))
        .unwrap()
        .chars()
        .collect();
    let mut rows = csv::Reader::from_path(dir.join("figures.csv")).unwrap();
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (t, s, e) = (col("text"), col("start"), col("end"));
    let mut n = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let (start, end): (usize, usize) = (row[s].parse().unwrap(), row[e].parse().unwrap());
        assert_eq!(text[start..end].iter().collect::<String>(), &row[t]);
        n += 1;
    }
    assert!(n >= 5, "{n} figures");
    let mut formula_like = 0;
    for file in ["reports.csv", "figures.csv", "cells.csv", "checks.csv"] {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(dir.join(file))
            .unwrap();
        for row in r.records() {
            for field in row.unwrap().iter() {
                assert!(!field.starts_with('\''), "{file}: {field}");
                formula_like += usize::from(field.starts_with(['-', '+', '=', '@']));
            }
        }
    }
    assert!(
        formula_like > 0,
        "the report's signs reach the CSVs as printed"
    );
}

/// Issue 16: `nianbao check` passes on the bundled fixtures; one changed
/// expected value is a difference naming that field (exit 1), and
/// `--bless` writes the expected file back as it was.
#[test]
fn check_diffs_fixtures_and_blesses_them() {
    let out = nianbao(&["check", "fixtures/pages", "-q"], &project());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("cases/numerals");
    fs::create_dir_all(&case).unwrap();
    let src = project().join("fixtures/pages/numerals-qualifiers");
    for e in fs::read_dir(&src).unwrap().flatten() {
        fs::copy(e.path(), case.join(e.file_name())).unwrap();
    }
    let original = fs::read_to_string(case.join("expected.json")).unwrap();
    let expected: serde_json::Value = serde_json::from_str(&original).unwrap();
    let year = expected["year"].as_i64().unwrap();
    let changed = original.replacen(
        &format!("\"year\": {year}"),
        &format!("\"year\": {}", year - 1),
        1,
    );
    assert_ne!(changed, original);
    fs::write(case.join("expected.json"), &changed).unwrap();

    let out = nianbao(&["check", "cases"], tmp.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("year: expected {}, got {year}", year - 1)),
        "{stdout}"
    );
    assert!(stdout.contains("1 differ"), "{stdout}");

    let out = nianbao(&["check", "cases", "--bless"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("year: expected"));
    let blessed: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(case.join("expected.json")).unwrap()).unwrap();
    assert_eq!(blessed["year"].as_i64(), Some(year));
    let out = nianbao(&["check", "cases"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    let out = nianbao(&["check", "no-such-folder"], tmp.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

/// Issue 16: dictionary.csv describes every column of every file the run
/// wrote, in order, and nothing else; states.csv tells apart what the wide
/// reports.csv leaves empty.
#[test]
fn dictionary_covers_every_column_and_states_match_values() {
    let (tmp, dir) = extracted_fixtures();
    let mut dictionary: Vec<(String, String)> = Vec::new();
    let mut r = csv::Reader::from_path(dir.join("dictionary.csv")).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    for row in r.records() {
        let row = row.unwrap();
        let meaning = header.iter().position(|h| h == "meaning").unwrap();
        assert!(!row[meaning].is_empty(), "{row:?} has no meaning");
        dictionary.push((row[0].to_string(), row[1].to_string()));
    }
    let described = |file: &str| -> Vec<String> {
        dictionary
            .iter()
            .filter(|(f, _)| f == file)
            .map(|(_, c)| c.clone())
            .collect()
    };
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f != "manifest.json" && f != "summary.html")
        .collect();
    files.sort();
    let mut in_dictionary: Vec<String> = dictionary.iter().map(|(f, _)| f.clone()).collect();
    in_dictionary.sort();
    in_dictionary.dedup();
    assert_eq!(files, in_dictionary);
    for file in &files {
        let path = dir.join(file);
        if file.ends_with(".csv") {
            let columns: Vec<String> = if file == "dictionary.csv" {
                header.clone()
            } else {
                let mut r = csv::Reader::from_path(&path).unwrap();
                r.headers().unwrap().iter().map(String::from).collect()
            };
            assert_eq!(columns, described(file), "{file}");
        } else if file == "dataset.xlsx" {
            use calamine::{Reader, Xlsx, open_workbook};
            let book: Xlsx<_> = open_workbook(&path).unwrap();
            assert_eq!(book.sheet_names(), described(file));
        } else {
            let mut keys: Vec<String> = Vec::new();
            for line in read_lines(&path) {
                for k in line.as_object().unwrap().keys() {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
            let fields = described(file);
            assert!(keys.iter().all(|k| fields.contains(k)), "{file}: {keys:?}");
            if file == "reports.jsonl" {
                assert_eq!(keys, fields);
            }
        }
    }

    // Each empty cell of reports.csv is told apart by states.csv, and each
    // number is a printed one or an inferred one.
    let (rh, reports) = csv_rows(&dir.join("reports.csv"));
    let (sh, states) = csv_rows(&dir.join("states.csv"));
    assert_eq!(reports.len(), states.len());
    let mut seen = BTreeSet::new();
    for (report, state) in reports.iter().zip(&states) {
        assert_eq!(report[0], state[0]);
        for (i, key) in sh.iter().enumerate().skip(1) {
            let value = &report[rh.iter().position(|h| h == key).unwrap()];
            let s = state[i].as_str();
            seen.insert(s.to_string());
            assert_eq!(
                !value.is_empty(),
                matches!(s, "number" | "zero" | "inferred"),
                "{key} of {}: {value:?} is {s}",
                report[0]
            );
            if s == "zero" {
                assert_eq!(value, "0");
            }
        }
    }
    for s in ["number", "zero", "blank", "na", "inferred", "absent"] {
        assert!(seen.contains(s), "the fixtures show no {s} cell: {seen:?}");
    }

    // A run without the CSV tables describes no CSV table.
    let jsonl_only = tmp.path().join("jsonl");
    let out = nianbao(
        &[
            "extract",
            "fixtures/pages/numerals-qualifiers",
            "--out",
            jsonl_only.to_str().unwrap(),
            "--format",
            "jsonl",
            "-q",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut r = csv::Reader::from_path(jsonl_only.join("dictionary.csv")).unwrap();
    let described: BTreeSet<String> = r.records().map(|x| x.unwrap()[0].to_string()).collect();
    assert_eq!(
        described.into_iter().collect::<Vec<_>>(),
        ["dictionary.csv", "failures.jsonl", "reports.jsonl"]
    );
}

/// Issue 16: every run writes summary.html; it parses, has its sections and
/// charts, and names the failed checks of the fixture with broken numbers
/// and that fixture.
#[test]
fn summary_html_lists_failed_checks() {
    let (_tmp, dir) = extracted_fixtures();
    let page = fs::read_to_string(dir.join("summary.html")).unwrap();
    let dom = nianbao::html::Dom::parse(&page);
    assert!(dom.warnings.is_empty());
    assert_eq!(dom.title.as_deref(), Some("nianbao run report"));
    let ids: Vec<&str> = dom
        .descendants(0)
        .filter(|&n| dom.name(n) == "h2")
        .filter_map(|n| dom.attr(n, "id"))
        .collect();
    assert_eq!(
        ids,
        [
            "inputs", "years", "tables", "checks", "metadata", "warnings"
        ]
    );
    assert!(dom.descendants(0).filter(|&n| dom.name(n) == "svg").count() >= 2);
    assert!(dom.descendants(0).all(|n| dom.name(n) != "script"));
    // The failed checks of the broken fixture, in the rows of the checks
    // table, with the fixture named.
    let checks = dom
        .descendants(0)
        .find(|&n| dom.name(n) == "h2" && dom.attr(n, "id") == Some("checks"))
        .unwrap();
    let mut rows = Vec::new();
    let mut n = dom.next_in_order(checks, 0);
    while n != nianbao::html::NONE && dom.name(n) != "h2" {
        if dom.name(n) == "tr" {
            let cells: Vec<String> = dom
                .children(n)
                .map(|c| dom.descendants(c).filter_map(|t| dom.text_of(t)).collect())
                .collect();
            rows.push(cells);
        }
        n = dom.next_in_order(n, 0);
    }
    let reports = read_lines(&dir.join("reports.jsonl"));
    let broken = reports
        .iter()
        .find(|r| r["source"]["path"].as_str().unwrap().contains("broken"))
        .unwrap();
    let failed: Vec<&str> = broken["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert!(!failed.is_empty());
    for rule in failed {
        assert!(
            rows.iter()
                .any(|r| r[0] == rule && r[2].contains(broken["source"]["path"].as_str().unwrap())),
            "{rule} not listed: {rows:?}"
        );
    }
}

/// Issue 16: dataset.xlsx holds the rows of the CSV tables, typed (numbers
/// as numbers, text as text, no formula), with the column names and their
/// labels on two header rows; not-applicable and text cells of reports show
/// their printed text where the CSV is empty.
#[test]
fn xlsx_holds_the_csv_rows_typed() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    fs::create_dir_all(tmp.path().join("in")).unwrap();
    for e in fs::read_dir(project().join("fixtures/pages"))
        .unwrap()
        .flatten()
    {
        let to = tmp.path().join("in").join(e.file_name());
        fs::create_dir_all(&to).unwrap();
        for f in fs::read_dir(e.path()).unwrap().flatten() {
            if f.file_name() != "expected.json" {
                fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        }
    }
    fs::write(
        tmp.path().join("in/formula.txt"),
        "某某县2022年政府信息公开工作年度报告\n一、总体情况\n=受理依申请公开63件,+SUM(A1)9件。\n\
         控制\u{1}字符\u{7f}与<标记>&实体\u{1F600}共12条。\n",
    )
    .unwrap();
    let out = nianbao(
        &["extract", "in", "--out", dir.to_str().unwrap(), "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let mut book: Xlsx<_> = open_workbook(dir.join("dataset.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "reports",
            "states",
            "figures",
            "cells",
            "checks",
            "panel",
            "dictionary"
        ]
    );
    let mut dictionary = csv::Reader::from_path(dir.join("dictionary.csv")).unwrap();
    let types: Vec<(String, String, String)> = dictionary
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string(), r[3].to_string()) // file, column, type
        })
        .collect();
    let (rh, reports_csv) = csv_rows(&dir.join("reports.csv"));
    let (sth, states_csv) = csv_rows(&dir.join("states.csv"));
    let mut checked = 0;
    for sheet in ["reports", "states", "figures", "cells", "checks", "panel"] {
        let file = format!("{sheet}.csv");
        let (header, rows) = csv_rows(&dir.join(&file));
        let range = book.worksheet_range(sheet).unwrap();
        let grid: Vec<&[Data]> = range.rows().collect();
        let names: Vec<String> = grid[0].iter().map(|c| c.to_string()).collect();
        assert_eq!(names, header, "{sheet}");
        assert_eq!(grid.len() - 2, rows.len(), "{sheet}: rows");
        for (r, row) in rows.iter().enumerate() {
            for (c, field) in row.iter().enumerate() {
                let cell = grid[r + 2].get(c).unwrap_or(&Data::Empty);
                let ty = &types
                    .iter()
                    .find(|(f, col, _)| *f == file && *col == header[c])
                    .unwrap()
                    .2;
                match cell {
                    Data::Float(v) => {
                        assert!(
                            ty == "number" || ty == "integer",
                            "{sheet} {}: {ty}",
                            header[c]
                        );
                        assert_eq!(*v, field.parse::<f64>().unwrap(), "{sheet} {}", header[c]);
                    }
                    Data::String(s) if field.is_empty() => {
                        // Only the reports sheet shows a printed text where
                        // the CSV has no number.
                        assert_eq!(sheet, "reports");
                        let i = rh.iter().position(|h| *h == header[c]).unwrap();
                        let j = sth.iter().position(|h| *h == header[c]).unwrap();
                        let state = &states_csv[r][j];
                        assert!(matches!(state.as_str(), "na" | "text"), "{s} is {state}");
                        assert_eq!(reports_csv[r][i], "");
                    }
                    Data::String(s) => assert_eq!(s, field, "{sheet} {}", header[c]),
                    Data::Bool(b) => assert_eq!(b.to_string(), *field),
                    Data::Empty => assert_eq!(field, "", "{sheet} {}", header[c]),
                    other => panic!("{sheet} {}: {other:?}", header[c]),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
    let formulas = book.worksheet_formula("figures").unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()));
    let figures = book.worksheet_range("figures").unwrap();
    assert!(figures.rows().any(|r| {
        r.iter()
            .any(|c| matches!(c, Data::String(s) if s.starts_with("=受理")))
    }));
}

/// A CSV file's header and its rows.
fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The bundled fixtures extracted with the default formats: the temporary
/// folder (kept alive by the caller) and the output folder in it.
fn extracted_fixtures() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = nianbao(
        &[
            "extract",
            "fixtures/pages",
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    (tmp, dir)
}

/// Forty-one broken or hostile pages in one run: each ends in reports.jsonl or
/// failures.jsonl, none panics, and the run finishes.
#[test]
fn hostile_batch_is_fully_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    let report = "咸宁市2013年政府信息公开工作年度报告\n一、概述\n市长信箱共收到群众来信1339件,办结率98.2%。\n";
    let para = format!("<p>{}</p>", report.replace('\n', "</p><p>"));
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("empty.html".into(), vec![]),
        (
            "nul-bytes.html".into(),
            (0..4096u32).map(|i| (i * 7 % 256) as u8).collect(),
        ),
        ("png.html".into(), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        (
            "pdf.html".into(),
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
        ),
        ("zip.html".into(), b"PK\x03\x04\x14\0\0\0\x08\0".to_vec()),
        ("gzip.html".into(), b"\x1f\x8b\x08\0\0\0\0\0".to_vec()),
        ("truncated-gbk.html".into(), {
            // The attribute is closed: a page cut inside an attribute value shows
            // nothing after the tag in a browser, and nothing is read from it.
            let mut b = b"<meta charset=gbk><div id=zoom><p class=\"x\">".to_vec();
            b.extend(gbk(report));
            b.truncate(b.len() - 1);
            b
        }),
        (
            "meta-utf8-but-gbk.html".into(),
            [b"<meta charset=utf-8><p>".as_slice(), &gbk(report)].concat(),
        ),
        (
            "meta-gbk-but-utf8.html".into(),
            format!("<meta charset=gbk><p>{report}").into_bytes(),
        ),
        (
            "meta-utf16.html".into(),
            format!("<meta charset=utf-16>{para}").into_bytes(),
        ),
        (
            "meta-unknown.html".into(),
            format!("<meta charset=x-no-such>{para}").into_bytes(),
        ),
        (
            "nested-divs.html".into(),
            format!(
                "{}{para}{}",
                "<div>".repeat(200_000),
                "</div>".repeat(200_000)
            )
            .into_bytes(),
        ),
        (
            "nested-tables.html".into(),
            format!("{}{para}", "<table><tr><td>".repeat(70_000)).into_bytes(),
        ),
        (
            "unclosed-p-b.html".into(),
            "<p><b>公开信息5条".repeat(100_000).into_bytes(),
        ),
        (
            "unterminated-comment.html".into(),
            format!("{para}<!-- {}", "x".repeat(10_000)).into_bytes(),
        ),
        (
            "unterminated-script.html".into(),
            format!("{para}<script>var a = '<p>';").into_bytes(),
        ),
        (
            "unterminated-attribute.html".into(),
            format!("{para}<div class=\"never closed>{report}").into_bytes(),
        ),
        (
            "cut-inside-attribute.html".into(),
            format!("<div id=zoom><p class=\"x{report}").into_bytes(),
        ),
        ("whitespace-only.html".into(), b" \n\t\r\n   ".to_vec()),
        (
            "scripts-only.html".into(),
            b"<html><head><script>var x=1;</script><style>p{}</style></head><body></body></html>"
                .to_vec(),
        ),
        (
            "invalid-utf8.txt".into(),
            [report.as_bytes(), b"\xff\xfe\xfd", report.as_bytes()].concat(),
        ),
        ("utf16le-bom.txt".into(), {
            let mut b = vec![0xFF, 0xFE];
            b.extend(report.encode_utf16().flat_map(u16::to_le_bytes));
            b
        }),
        ("utf16be-bom.txt".into(), {
            let mut b = vec![0xFE, 0xFF];
            b.extend(report.encode_utf16().flat_map(u16::to_be_bytes));
            b
        }),
        (
            "one-long-line.txt".into(),
            "公开信息5条,办结率98.2%,".repeat(200_000).into_bytes(),
        ),
        (
            "control-chars.txt".into(),
            format!("{report}\u{1}\u{2}\u{7f}{report}").into_bytes(),
        ),
        (
            "huge-attribute.html".into(),
            format!("<div title=\"{}\">{para}</div>", "a".repeat(1_000_000)).into_bytes(),
        ),
        (
            "unclosed-tables.html".into(),
            format!("{}{para}", "<table>".repeat(10_000)).into_bytes(),
        ),
        (
            "entity-soup.html".into(),
            format!(
                "<p>&#xFFFFFFFF; &#0; &#xD800; &bogus; &amp&lt;&#12345678901234567890;</p>{para}"
            )
            .into_bytes(),
        ),
        (
            "cdata-and-pi.html".into(),
            format!("<?xml version=\"1.0\"?><![CDATA[ <p>x</p> ]]>{para}").into_bytes(),
        ),
        (
            "bom-then-gbk.html".into(),
            [b"\xEF\xBB\xBF".as_slice(), &gbk(&para)].concat(),
        ),
        (
            "nested-spans-stray-ends.html".into(),
            format!(
                "{}{para}{}",
                "<span>".repeat(200_000),
                "</i>".repeat(200_000)
            )
            .into_bytes(),
        ),
        (
            "stray-end-tags.html".into(),
            format!("{}{para}", "</div>".repeat(100_000)).into_bytes(),
        ),
        (
            "astral.txt".into(),
            format!("{report}𠀀😀𝔘 公开信息5条").into_bytes(),
        ),
        (
            "giant-number.txt".into(),
            format!("公开信息{}条,{}%", "9".repeat(5000), "1".repeat(60)).into_bytes(),
        ),
        (
            "numeral-stress.txt".into(),
            "一二三四五六七八九十百千万亿两〇零"
                .repeat(20_000)
                .into_bytes(),
        ),
        (
            "percent-words.txt".into(),
            "百分之百分之百分之".repeat(10_000).into_bytes(),
        ),
        (
            "many-figures.txt".into(),
            "收到1件,".repeat(300_000).into_bytes(),
        ),
        (
            "lone-lt.html".into(),
            "<<<<<<<< < <a <b <!".repeat(50_000).into_bytes(),
        ),
        (
            "control.html".into(),
            format!("<html><body><div id=zoom>{para}</div></body></html>").into_bytes(),
        ),
    ];
    // A 50 MB page: portal chrome around a long report.
    let mut big = String::from(
        "<html><head><meta charset=utf-8><title>大页面</title></head><body><div class=nav><a href=/>首页</a></div><div id=zoom>",
    );
    while big.len() < 50 * 1024 * 1024 {
        big.push_str(&para);
        big.push_str("<table><tr><td>规章</td><td>0</td><td>3</td></tr></table>");
    }
    big.push_str("</div></body></html>");
    cases.push(("fifty-megabytes.html".into(), big.into_bytes()));
    assert_eq!(cases.len(), 40);
    for (name, bytes) in &cases {
        fs::write(dir.join(name), bytes).unwrap();
    }
    let started = std::time::Instant::now();
    // What is checked is that every input is accounted for: the reports and
    // failures, and the CSV tables. The spreadsheet of these million
    // figures would add seven seconds to the suite; the xlsx test holds
    // hostile text in it.
    let out = nianbao(
        &[
            "extract",
            "in",
            "--out",
            "out",
            "-q",
            "--format",
            "jsonl,csv",
        ],
        tmp.path(),
    );
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Read typed: these reports hold a million figures, and a JSON tree of
    // them took the test longer than the run.
    #[derive(serde::Deserialize)]
    struct Brief {
        source: BriefSource,
        figures: Vec<BriefFigure>,
    }
    #[derive(serde::Deserialize)]
    struct BriefSource {
        path: String,
    }
    #[derive(serde::Deserialize)]
    struct BriefFigure {
        value: f64,
    }
    let reports: Vec<Brief> = fs::read_to_string(tmp.path().join("out/reports.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect();
    let failures = read_lines(&tmp.path().join("out/failures.jsonl"));
    let mut seen = BTreeSet::new();
    for r in &reports {
        assert!(seen.insert(r.source.path.clone()));
    }
    for f in &failures {
        assert!(f["stage"].is_string() && f["error"].is_string(), "{f}");
        assert!(seen.insert(f["input"].as_str().unwrap().to_string()));
    }
    assert_eq!(seen.len(), 40, "{seen:?}");
    for f in &failures {
        assert_ne!(f["stage"], "internal", "a panic: {f}");
    }
    let failed: BTreeSet<String> = failures
        .iter()
        .map(|f| {
            f["input"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    for must_fail in [
        "empty.html",
        "nul-bytes.html",
        "png.html",
        "pdf.html",
        "zip.html",
        "gzip.html",
        "whitespace-only.html",
        "scripts-only.html",
        // A browser shows nothing of a page cut inside an attribute value.
        "cut-inside-attribute.html",
    ] {
        assert!(
            failed.contains(must_fail),
            "{must_fail} should fail: {failed:?}"
        );
    }
    for must_work in [
        "control.html",
        "truncated-gbk.html",
        "meta-utf8-but-gbk.html",
        "meta-gbk-but-utf8.html",
        "nested-divs.html",
        "bom-then-gbk.html",
        "fifty-megabytes.html",
    ] {
        let r = reports
            .iter()
            .find(|r| r.source.path.ends_with(must_work))
            .unwrap_or_else(|| panic!("{must_work} has no report"));
        if must_work != "fifty-megabytes.html" && must_work != "bom-then-gbk.html" {
            assert!(
                r.figures.iter().any(|f| f.value == 1339.0),
                "{must_work}: {} figures, none 1339",
                r.figures.len()
            );
        }
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("out/manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["counts"]["reports"].as_u64().unwrap()
            + manifest["counts"]["failed"].as_u64().unwrap(),
        40
    );
    assert!(elapsed.as_secs() < 300, "took {elapsed:?}");
}

/// One body over five years and three templates (fixtures/series/qingxi,
/// written by fixtures/make_series.py): one agency_id whatever the
/// spelling, the crosswalked metrics in panel.csv for every year, the
/// deliberate carry-over break reported by X-CARRY naming both reports, and
/// the prose that disagrees with its table reported by X-TEXT.
#[test]
fn a_five_year_series_makes_one_panel_and_its_breaks_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let out = nianbao(
        &[
            "extract",
            "fixtures/series/qingxi",
            "--out",
            dir.to_str().unwrap(),
            "-q",
        ],
        &project(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let (rh, reports) = csv_rows(&dir.join("reports.csv"));
    let col = |name: &str| rh.iter().position(|h| h == name).unwrap();
    let id_of_year = |y: &str| {
        reports
            .iter()
            .find(|r| r[col("year")] == y)
            .map(|r| r[col("id")].clone())
            .unwrap()
    };
    let agencies: BTreeSet<&str> = reports
        .iter()
        .map(|r| r[col("agency_id")].as_str())
        .collect();
    assert_eq!(reports.len(), 5);
    assert_eq!(agencies.len(), 1, "{agencies:?}");
    // Spelled 青溪縣林業局 in 2018: the same body.
    assert!(reports.iter().any(|r| r[col("agency")] == "青溪縣林業局"));

    let (ph, panel) = csv_rows(&dir.join("panel.csv"));
    let p = |name: &str| ph.iter().position(|h| h == name).unwrap();
    let series = |metric: &str| -> Vec<(String, String, String)> {
        let mut v: Vec<(String, String, String)> = panel
            .iter()
            .filter(|r| r[p("metric")] == metric)
            .map(|r| {
                (
                    r[p("year")].clone(),
                    r[p("value")].clone(),
                    r[p("era")].clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let years =
        |s: &[(String, String, String)]| -> Vec<String> { s.iter().map(|x| x.0.clone()).collect() };
    let all = ["2017", "2018", "2020", "2021", "2022"];
    for metric in [
        "applications_received",
        "granted",
        "partial",
        "denied",
        "review_total",
        "litigation_total",
    ] {
        assert_eq!(years(&series(metric)), all, "{metric}");
    }
    let received: Vec<(String, String)> = series("applications_received")
        .into_iter()
        .map(|(y, v, _)| (y, v))
        .collect();
    assert_eq!(
        received,
        [
            ("2017", "6"),
            ("2018", "9"),
            ("2020", "13"),
            ("2021", "18"),
            ("2022", "16")
        ]
        .map(|(y, v)| (y.to_string(), v.to_string()))
    );
    let eras: BTreeSet<String> = series("granted").into_iter().map(|x| x.2).collect();
    assert_eq!(
        eras,
        ["free_text", "table_2019", "table_2021"]
            .map(String::from)
            .into()
    );
    assert!(
        panel
            .iter()
            .all(|r| r[p("agency_id")] == *agencies.iter().next().unwrap())
    );

    let (ch, checks) = csv_rows(&dir.join("checks.csv"));
    let c = |name: &str| ch.iter().position(|h| h == name).unwrap();
    let failed: Vec<(&str, &str, &str)> = checks
        .iter()
        .filter(|r| r[c("status")] == "fail")
        .map(|r| {
            (
                r[c("report_id")].as_str(),
                r[c("rule")].as_str(),
                r[c("other_report_id")].as_str(),
            )
        })
        .collect();
    let (y2021, y2022) = (id_of_year("2021"), id_of_year("2022"));
    assert_eq!(
        failed,
        [
            (y2021.as_str(), "X-TEXT[applications_received]", ""),
            (
                y2022.as_str(),
                "X-CARRY[commercial_enterprise]",
                y2021.as_str()
            ),
            (y2022.as_str(), "X-CARRY[total]", y2021.as_str()),
        ]
    );
    // 2020 → 2021 carries over cleanly.
    assert!(
        checks
            .iter()
            .any(|r| r[c("rule")] == "X-CARRY[natural_person]"
                && r[c("report_id")] == id_of_year("2021")
                && r[c("status")] == "pass")
    );
    let summary = fs::read_to_string(dir.join("summary.html")).unwrap();
    assert!(summary.contains("X-CARRY[commercial_enterprise]"));
    // The workbook holds the same checks (the cross ones appended) and panel.
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(dir.join("dataset.xlsx")).unwrap();
    for (sheet, rows) in [("checks", checks.len()), ("panel", panel.len())] {
        assert_eq!(
            book.worksheet_range(sheet).unwrap().rows().count() - 2,
            rows,
            "{sheet}"
        );
    }
}
