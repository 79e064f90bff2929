//! The page store, the inputs and the outputs under misuse: two writers on
//! one store, bodies changed on disk, one page under several URLs or paths,
//! mislabelled bodies, hostile manifests, mistyped paths, FIFOs, stale
//! outputs. Every server is on a loopback address started here.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Reply, Server};

fn nianbao(args: &[&str], dir: &Path) -> Output {
    common::run_nianbao(args, dir)
}

fn report_page(n: usize) -> Vec<u8> {
    common::numbered_report(n)
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    common::json_lines(path)
}

fn manifest_json(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Item 1: a second writer on a store in use is refused (exit 2, naming the
/// holder) and touches nothing; the first finishes with every line.
#[test]
fn a_second_fetch_on_a_store_in_use_is_refused() {
    let server = Server::start("127.0.0.61", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        p => {
            let n: usize = p.trim_start_matches("/r/").parse().unwrap_or(0);
            Reply::Slow(
                Duration::from_millis(150),
                Box::new(Reply::html(report_page(n))),
            )
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (1..=8).map(|n| server.url(&format!("/r/{n}"))).collect();
    fs::write(tmp.path().join("urls.txt"), urls.join("\n")).unwrap();
    let first = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "fetch", "--urls", "urls.txt", "--store", "s", "--delay", "10ms", "-q",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first holds the store and has a body under way.
    let started = Instant::now();
    while !tmp.path().join("s/lock").exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    let second = nianbao(
        &[
            "fetch", "--urls", "urls.txt", "--store", "s", "--delay", "10ms",
        ],
        tmp.path(),
    );
    assert_eq!(second.status.code(), Some(2), "{}", stderr(&second));
    let msg = stderr(&second);
    assert!(
        msg.contains("in use by nianbao pid") && msg.contains(&first.id().to_string()),
        "{msg}"
    );
    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ok: Vec<_> = lines(&tmp.path().join("s/manifest.jsonl"))
        .into_iter()
        .filter(|l| l["outcome"] == "ok")
        .collect();
    assert_eq!(ok.len(), 8);
    for l in &ok {
        assert!(
            tmp.path()
                .join("s")
                .join(l["body"].as_str().unwrap())
                .is_file()
        );
    }
    // Each URL was asked for once: the refused run sent nothing.
    for u in &urls {
        let path = u.rsplit_once(server.addr.to_string().as_str()).unwrap().1;
        assert_eq!(server.hits_of(path).len(), 1, "{path}");
    }
}

/// Item 2: a body changed on disk fails extraction with the reason; the next
/// fetch (with or without --refresh) replaces it, and a 304 is trusted only
/// for an intact body.
#[test]
fn changed_bodies_are_caught_and_replaced() {
    let server = Server::start("127.0.0.62", |path, _, headers| match path {
        "/robots.txt" => Reply::status(404),
        p => {
            let n: usize = p.trim_start_matches("/r/").parse().unwrap_or(0);
            let etag = format!("\"v{n}\"");
            if headers.get("if-none-match") == Some(&etag) {
                Reply::status(304)
            } else {
                Reply::with(
                    200,
                    &[("Content-Type", "text/html"), ("ETag", &etag)],
                    report_page(n),
                )
            }
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let (u1, u2) = (server.url("/r/1"), server.url("/r/2"));
    let fetch = |extra: &[&str]| {
        let mut args = vec![
            "fetch",
            u1.as_str(),
            u2.as_str(),
            "--store",
            "s",
            "--delay",
            "10ms",
            "-q",
        ];
        args.extend(extra);
        nianbao(&args, tmp.path())
    };
    assert_eq!(fetch(&[]).status.code(), Some(0));
    let body_of = |url: &str| {
        let l = lines(&tmp.path().join("s/manifest.jsonl"))
            .into_iter()
            .rfind(|l| l["url"] == url)
            .unwrap();
        tmp.path().join("s").join(l["body"].as_str().unwrap())
    };
    // Cut short on disk.
    let b1 = body_of(&u1);
    let whole = fs::read(&b1).unwrap();
    fs::write(&b1, &whole[..whole.len() / 2]).unwrap();
    let out = nianbao(&["extract", "s", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let failures = lines(&tmp.path().join("o/failures.jsonl"));
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(
        failures[0]["error"]
            .as_str()
            .unwrap()
            .contains("does not match the SHA-256"),
        "{}",
        failures[0]
    );
    assert_eq!(lines(&tmp.path().join("o/reports.jsonl")).len(), 1);
    // A plain fetch finds it damaged and fetches it again (the intact one is
    // not asked for).
    assert_eq!(fetch(&[]).status.code(), Some(0));
    assert_eq!(server.hits_of("/r/1").len(), 2);
    assert_eq!(server.hits_of("/r/2").len(), 1);
    assert_eq!(fs::read(body_of(&u1)).unwrap(), whole);
    // --refresh: intact bodies are revalidated (304), a deleted one is asked
    // for without conditions and stored again.
    fs::remove_file(body_of(&u2)).unwrap();
    assert_eq!(fetch(&["--refresh"]).status.code(), Some(0));
    let h2 = server.hits_of("/r/2");
    assert_eq!(h2.len(), 2);
    assert!(!h2[1].headers.contains_key("if-none-match"), "{:?}", h2[1]);
    assert!(
        server.hits_of("/r/1")[2]
            .headers
            .contains_key("if-none-match")
    );
    assert_eq!(fs::read(body_of(&u2)).unwrap(), report_page(2));
    let out = nianbao(&["extract", "s", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(lines(&tmp.path().join("o/reports.jsonl")).len(), 2);
}

/// Item 3: a URL and the same URL with a fragment (or in other case, or
/// with its default port) are one page: one request, one row; the same
/// bytes under two paths are one report.
#[test]
fn one_page_is_one_row() {
    let server = Server::start("127.0.0.63", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => Reply::html(report_page(9)),
    });
    let tmp = tempfile::tempdir().unwrap();
    let plain = server.url("/a/9.html");
    let frag = format!("{plain}#frag");
    let upper = plain.replace("http://", "HTTP://");
    let out = nianbao(
        &[
            "fetch", &plain, &frag, &upper, "--store", "s", "--delay", "10ms", "-q",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(server.hits_of("/a/9.html").len(), 1);
    let urls: Vec<_> = lines(&tmp.path().join("s/manifest.jsonl"))
        .into_iter()
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(urls, [plain]);
    // The same bytes stored as two files.
    fs::create_dir(tmp.path().join("in")).unwrap();
    fs::write(tmp.path().join("in/a.html"), report_page(9)).unwrap();
    fs::write(tmp.path().join("in/b.html"), report_page(9)).unwrap();
    fs::write(tmp.path().join("in/c.html"), report_page(10)).unwrap();
    let out = nianbao(&["extract", "in", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let reports = lines(&tmp.path().join("o/reports.jsonl"));
    assert_eq!(reports.len(), 2);
    let m = manifest_json(&tmp.path().join("o"));
    assert_eq!(m["counts"]["reports"], 2);
    assert_eq!(m["counts"]["skipped"], 1);
    let dup = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "in/b.html")
        .unwrap();
    assert_eq!(dup["outcome"], "skipped");
    assert!(
        dup["error"]
            .as_str()
            .unwrap()
            .contains("same content as in/a.html"),
        "{dup}"
    );
    let csv = fs::read_to_string(tmp.path().join("o/reports.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3);
}

/// Item 4: a page served as application/pdf is stored and read as the page
/// it is; stray NULs in a page are dropped with a warning.
#[test]
fn bodies_are_what_their_bytes_say() {
    let mut with_nul = report_page(4);
    with_nul.insert(60, 0);
    let server = Server::start("127.0.0.64", move |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        "/report.pdf" => Reply::with(200, &[("Content-Type", "application/pdf")], report_page(3)),
        _ => Reply::html(with_nul.clone()),
    });
    let tmp = tempfile::tempdir().unwrap();
    let (pdf, nul) = (server.url("/report.pdf"), server.url("/nul.html"));
    let out = nianbao(
        &["fetch", &pdf, &nul, "--store", "s", "--delay", "10ms", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bodies: Vec<String> = lines(&tmp.path().join("s/manifest.jsonl"))
        .iter()
        .map(|l| l["body"].as_str().unwrap().to_string())
        .collect();
    assert!(bodies.iter().all(|b| b.ends_with(".html")), "{bodies:?}");
    let out = nianbao(&["extract", "s", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let reports = lines(&tmp.path().join("o/reports.jsonl"));
    assert_eq!(reports.len(), 2);
    let nul_report = reports
        .iter()
        .find(|r| r["source"]["url"] == nul.as_str())
        .unwrap();
    assert!(
        nul_report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w == "1 stray NUL bytes dropped"),
        "{}",
        nul_report["warnings"]
    );
    assert!(
        nul_report["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["value"] == 4)
    );
}

/// Items 5 and 7: extract never reads its own output folder; a mistyped or
/// empty input is a usage error that leaves the last outputs alone; a run
/// removes what a run with other formats left.
#[test]
fn outputs_describe_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("r.html"), report_page(5)).unwrap();
    for _ in 0..3 {
        let out = nianbao(&["extract", ".", "--text", "-q"], tmp.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(
            manifest_json(&tmp.path().join("output"))["counts"]["reports"],
            1
        );
    }
    let out = nianbao(&["extract", ".", "--out", "dataset", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = fs::read(tmp.path().join("dataset/reports.csv")).unwrap();
    // Mistyped: exit 2, nothing replaced.
    let out = nianbao(&["extract", "reprots", "--out", "dataset"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("input reprots"), "{}", stderr(&out));
    assert_eq!(
        fs::read(tmp.path().join("dataset/reports.csv")).unwrap(),
        before
    );
    // Empty: exit 2 too.
    fs::create_dir(tmp.path().join("empty")).unwrap();
    let out = nianbao(&["extract", "empty", "--out", "dataset"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no input to extract"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        fs::read(tmp.path().join("dataset/reports.csv")).unwrap(),
        before
    );
    // JSONL only: last run's CSVs go.
    let out = nianbao(
        &[
            "extract", "r.html", "--out", "dataset", "--format", "jsonl", "-q",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let mut names: Vec<String> = fs::read_dir(tmp.path().join("dataset"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "dictionary.csv",
            "failures.jsonl",
            "manifest.json",
            "reports.jsonl",
            "summary.html"
        ]
    );
    // Without --text, last run's texts go.
    let out = nianbao(&["extract", "r.html", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(!tmp.path().join("output/texts").exists());
}

/// Item 6: a manifest whose body path leads out of the store is not read.
#[test]
fn manifest_paths_stay_inside_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("secret.html"), report_page(6)).unwrap();
    fs::create_dir(tmp.path().join("s")).unwrap();
    let abs = tmp.path().join("secret.html").display().to_string();
    let mut manifest = String::new();
    for (i, body) in ["../secret.html", abs.as_str(), "bodies/../../secret.html"]
        .iter()
        .enumerate()
    {
        manifest.push_str(
            &serde_json::json!({
                "url": format!("http://127.0.0.1/{i}.html"), "outcome": "ok", "kind": "report",
                "body": body, "sha256": "00", "bytes": 1
            })
            .to_string(),
        );
        manifest.push('\n');
    }
    fs::write(tmp.path().join("s/manifest.jsonl"), manifest).unwrap();
    let out = nianbao(&["extract", "s", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(lines(&tmp.path().join("o/reports.jsonl")).is_empty());
    let failures = lines(&tmp.path().join("o/failures.jsonl"));
    assert_eq!(failures.len(), 3);
    for f in failures {
        assert!(
            f["error"]
                .as_str()
                .unwrap()
                .contains("leads out of the store"),
            "{f}"
        );
    }
}

/// Item 8: a FIFO among the inputs is skipped with the reason, not read.
#[cfg(unix)]
#[test]
fn fifos_are_skipped_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("in")).unwrap();
    fs::write(tmp.path().join("in/a.html"), report_page(8)).unwrap();
    let fifo = tmp.path().join("in/pipe.html");
    let c = std::ffi::CString::new(fifo.display().to_string()).unwrap();
    // SAFETY: a valid NUL-terminated path and a mode.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let started = Instant::now();
    for args in [
        ["extract", "in", "--out", "o", "-q"],
        ["extract", "in/pipe.html", "in/a.html", "--out", "o2"],
    ] {
        let out = nianbao(&args, tmp.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert!(started.elapsed() < Duration::from_secs(30));
    let m = manifest_json(&tmp.path().join("o"));
    assert_eq!(m["counts"]["reports"], 1);
    let skipped: Vec<_> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["outcome"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["path"], "in/pipe.html");
    assert!(skipped[0]["error"].as_str().unwrap().contains("a FIFO"));
}

/// Item 11: durations need a unit; names that are not UTF-8 or hold control
/// characters print escaped, and distinctly.
#[test]
fn durations_need_units_and_names_print_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let out = nianbao(
        &["fetch", "http://127.0.0.1:9/", "--delay", "500"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no unit"), "{}", stderr(&out));
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        fs::create_dir(tmp.path().join("in")).unwrap();
        for name in [&b"r\xFF.odt"[..], b"r\xFE.odt", b"bell\x07\x1b[31m.odt"] {
            fs::write(
                tmp.path()
                    .join("in")
                    .join(std::ffi::OsStr::from_bytes(name)),
                b"x",
            )
            .unwrap();
        }
        fs::write(tmp.path().join("in/ok.html"), report_page(11)).unwrap();
        let out = nianbao(&["extract", "in", "--out", "o"], tmp.path());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(!err.contains('\x1b') && !err.contains('\x07'), "{err:?}");
        let m = manifest_json(&tmp.path().join("o"));
        let mut paths: Vec<String> = m["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["outcome"] == "skipped")
            .map(|i| i["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                "in/bell\\u{7}\\u{1b}[31m.odt",
                "in/r\\xFE.odt",
                "in/r\\xFF.odt"
            ]
        );
    }
}

/// Item 10: redirects to an address of a kind the run's own URLs are not
/// on are refused (`private_address`) before any connection; a start URL on
/// loopback lets the run reach loopback; user-info in a URL is never stored.
/// (The refused target is 0.0.0.0, this machine: nothing here is sent
/// anywhere but loopback.)
#[test]
fn redirects_do_not_reach_private_addresses() {
    let inner = Server::start("127.0.0.66", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => Reply::html(report_page(66)),
    });
    let inner_url = inner.url("/admin");
    let unspecified = format!("http://0.0.0.0:{}/admin", inner.addr.port());
    let outer = Server::start("127.0.0.65", move |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        "/to-inner" => Reply::redirect(302, &inner_url),
        "/to-unspecified" => Reply::redirect(302, &unspecified),
        _ => Reply::html(report_page(65)),
    });
    let tmp = tempfile::tempdir().unwrap();
    let a = outer.url("/to-unspecified");
    let out = nianbao(
        &["fetch", &a, "--store", "s", "--delay", "10ms", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let m = lines(&tmp.path().join("s/manifest.jsonl"));
    assert_eq!(m.len(), 1);
    assert_eq!(m[0]["outcome"], "failed", "{}", m[0]);
    assert_eq!(m[0]["reason"], "private_address", "{}", m[0]);
    assert_eq!(m[0]["attempts"], 1, "{}", m[0]);
    assert!(inner.hits().is_empty(), "the inner server was reached");
    // Loopback to loopback: the run's own URL is on loopback.
    let b = outer.url("/to-inner");
    let out = nianbao(
        &["fetch", &b, "--store", "s2", "--delay", "10ms", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(inner.hits_of("/admin").len(), 1);
    // User-info given is neither sent on nor stored.
    let secret = outer
        .url("/landing")
        .replace("http://", "http://alice:s3cret@");
    let out = nianbao(
        &["fetch", &secret, "--store", "s3", "--delay", "10ms", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest = fs::read_to_string(tmp.path().join("s3/manifest.jsonl")).unwrap();
    assert!(
        !manifest.contains("s3cret") && !manifest.contains("alice"),
        "{manifest}"
    );
    assert!(
        !outer.hits_of("/landing")[0]
            .headers
            .contains_key("authorization")
    );
}

/// Item 11: an answer with a header flood fails with its own reason and is
/// not retried.
#[test]
fn header_floods_are_not_retried() {
    let server = Server::start("127.0.0.67", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => {
            let names: Vec<(String, String)> = (0..150)
                .map(|i| (format!("X-Flood-{i}"), "x".to_string()))
                .collect();
            let refs: Vec<(&str, &str)> = names
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            Reply::with(200, &refs, report_page(67))
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let url = server.url("/flood.html");
    let out = nianbao(
        &["fetch", &url, "--store", "s", "--backoff", "10ms", "-q"],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let m = lines(&tmp.path().join("s/manifest.jsonl"));
    assert_eq!(m[0]["reason"], "header_flood", "{}", m[0]);
    assert_eq!(server.hits_of("/flood.html").len(), 1);
}

/// Item 11: Ctrl-C stops a fetch gently: no request starts after it, the
/// summary is printed, every URL taken has its line, exit 130.
#[cfg(unix)]
#[test]
fn ctrl_c_ends_a_fetch_with_its_summary() {
    let server = Server::start("127.0.0.68", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        p => {
            let n: usize = p.trim_start_matches("/r/").parse().unwrap_or(0);
            Reply::Slow(
                Duration::from_millis(300),
                Box::new(Reply::html(report_page(n))),
            )
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (1..=40).map(|n| server.url(&format!("/r/{n}"))).collect();
    fs::write(tmp.path().join("urls.txt"), urls.join("\n")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args([
            "fetch", "--urls", "urls.txt", "--store", "s", "--delay", "10ms",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Let a few pages arrive.
    let started = Instant::now();
    while lines(&tmp.path().join("s/manifest.jsonl")).len() < 3
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling the child process this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let stopped_at = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(stopped_at.elapsed() < Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("nianbao fetch:") && stdout.contains("interrupted"),
        "{stdout}"
    );
    let taken = lines(&tmp.path().join("s/manifest.jsonl"));
    assert!(taken.len() < 40, "{} lines", taken.len());
    // Every request the server saw has its line.
    let asked = server
        .hits()
        .iter()
        .filter(|h| h.path.starts_with("/r/"))
        .count();
    assert!(
        taken.len() >= asked,
        "{} lines for {asked} requests",
        taken.len()
    );
    // The next run goes on.
    let out = nianbao(
        &[
            "fetch",
            "--urls",
            "urls.txt",
            "--store",
            "s",
            "--delay",
            "1ms",
            "--per-host",
            "8",
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ok = lines(&tmp.path().join("s/manifest.jsonl"))
        .into_iter()
        .filter(|l| l["outcome"] == "ok")
        .count();
    assert_eq!(ok, 40);
}

/// Runs nianbao and returns its exit code and peak RSS in KB (its own, by
/// wait4).
#[cfg(unix)]
#[allow(clippy::zombie_processes)] // reaped by wait4 below
fn peak_rss(args: &[&str], dir: &Path) -> (i32, i64) {
    let child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: waiting for our own child, into locals.
    let rusage = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        assert_eq!(
            libc::wait4(child.id() as i32, &mut status, 0, &mut ru),
            child.id() as i32
        );
        ru
    };
    (libc::WEXITSTATUS(status), rusage.ru_maxrss)
}

/// Item 9: a page's peak memory is at most about five times its size (plus
/// the process's own), and big inputs are read and written one at a time, so
/// `--jobs` does not multiply their memory.
#[cfg(unix)]
#[test]
fn big_inputs_do_not_multiply_memory_with_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("in")).unwrap();
    for n in 0..2 {
        let mut page = format!(
            "<html><head><meta charset=utf-8><title>大页面{n}</title></head><body><div id=zoom>"
        );
        let para = format!("<p>第{n}部分:本机关认真做好政府信息公开工作,完善制度,规范流程。</p>");
        while page.len() < 18 * 1024 * 1024 {
            page.push_str(&para);
        }
        page.push_str("</div></body></html>");
        fs::write(tmp.path().join(format!("in/big{n}.html")), page).unwrap();
    }
    let (code, one) = peak_rss(
        &[
            "extract",
            "in/big0.html",
            "--out",
            "o1",
            "--jobs",
            "2",
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(code, 0);
    let size = fs::metadata(tmp.path().join("in/big0.html")).unwrap().len() as i64 / 1024;
    assert!(
        one < 5 * size + 32 * 1024,
        "one page of {size} KB took {one} KB"
    );
    let (code, two) = peak_rss(
        &["extract", "in", "--out", "o2", "--jobs", "2", "-q"],
        tmp.path(),
    );
    assert_eq!(code, 0);
    assert!(
        (two as f64) < one as f64 * 1.3,
        "two big pages with two jobs took {two} KB, one took {one} KB"
    );
}

/// Item 3, crawl side: http and https of one page are one page, and a link
/// with a fragment is the page without it.
#[test]
fn a_crawl_takes_http_and_https_of_one_page_once() {
    let server = Server::start("127.0.0.69", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        "/ndbg/index.html" => Reply::html(
            "<html><head><meta charset=utf-8><title>年度报告</title></head><body><ul>\
             <li><a href=\"/ndbg/2023.html\">某某县2023年政府信息公开工作年度报告</a></li>\
             <li><a href=\"/ndbg/2023.html#top\">某某县2023年政府信息公开工作年度报告</a></li>\
             <li><a href=\"https://127.0.0.69/ndbg/2023.html\">某某县2023年政府信息公开工作年度报告</a></li>\
             <li><a href=\"/ndbg/2022.html\">某某县2022年政府信息公开工作年度报告</a></li>\
             </ul></body></html>",
        ),
        "/ndbg/2023.html" => Reply::html(report_page(2023)),
        "/ndbg/2022.html" => Reply::html(report_page(2022)),
        _ => Reply::status(404),
    });
    let tmp = tempfile::tempdir().unwrap();
    let start = server.url("/ndbg/index.html");
    let out = nianbao(
        &["crawl", &start, "--store", "s", "--delay", "10ms", "-q"],
        tmp.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stderr(&out),
        fs::read_to_string(tmp.path().join("s/manifest.jsonl")).unwrap_or_default()
    );
    let reports: Vec<String> = lines(&tmp.path().join("s/manifest.jsonl"))
        .into_iter()
        .filter(|l| l["kind"] == "report")
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert_eq!(server.hits_of("/ndbg/2023.html").len(), 1);
    // Every request the server saw was a well-formed one for a known path
    // (no TLS handshake arrived for the https link).
    for h in server.hits() {
        assert!(h.path.starts_with('/'), "{h:?}");
    }
}
