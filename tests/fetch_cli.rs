//! `nianbao fetch` as users run it: killed with SIGKILL and started again,
//! exit codes and summary, and `nianbao extract` on the store it leaves.

mod common;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Reply, Server};
use sha2::{Digest, Sha256};

fn nianbao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn report_page(n: usize) -> Vec<u8> {
    common::numbered_report(n)
}

fn manifest(store: &Path) -> Vec<serde_json::Value> {
    let text = fs::read_to_string(store.join("manifest.jsonl")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("torn manifest line {l:?}: {e}"))
        })
        .collect()
}

/// Every ok line names a whole body with its hash; returns the URLs ok.
fn check_store(store: &Path) -> HashSet<String> {
    let mut ok = HashSet::new();
    for line in manifest(store) {
        if line["outcome"] == "ok" {
            let body =
                fs::read(store.join(line["body"].as_str().unwrap())).expect("body of an ok line");
            let sha = Sha256::digest(&body);
            let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(line["sha256"].as_str().unwrap(), hex);
            assert_eq!(line["bytes"].as_u64().unwrap(), body.len() as u64);
            ok.insert(line["url"].as_str().unwrap().to_string());
        }
    }
    ok
}

#[test]
fn killed_runs_are_completed_by_the_next_and_extract_reads_the_store() {
    let serve = |path: &str, _: usize, _: &HashMap<String, String>| match path {
        "/robots.txt" => Reply::status(404),
        "/gbk.html" => Reply::with(
            200,
            &[("Content-Type", "text/html; charset=gbk")],
            encoding_rs::GBK
                .encode(
                    &String::from_utf8(report_page(99))
                        .unwrap()
                        .replace("<meta charset=utf-8>", ""),
                )
                .0
                .into_owned(),
        ),
        p => {
            let n: usize = p
                .trim_start_matches("/r/")
                .trim_end_matches(".html")
                .parse()
                .unwrap_or(0);
            Reply::Slow(
                Duration::from_millis(60),
                Box::new(Reply::html(report_page(n))),
            )
        }
    };
    let servers = [
        Server::start("127.0.0.20", serve),
        Server::start("127.0.0.21", serve),
    ];
    let mut urls: Vec<String> = Vec::new();
    for (k, s) in servers.iter().enumerate() {
        urls.extend((0..20).map(|i| s.url(&format!("/r/{}.html", k * 100 + i))));
    }
    urls.push(servers[0].url("/gbk.html"));
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("urls.txt");
    fs::write(&list, format!("# report pages\n\n{}\n", urls.join("\n"))).unwrap();
    let store = dir.path().join("store");
    let hits = |url: &str| -> usize {
        let u = reqwest::Url::parse(url).unwrap();
        servers
            .iter()
            .find(|s| s.addr.port() == u.port().unwrap())
            .unwrap()
            .hits_of(u.path())
            .len()
    };
    let fetch = || {
        let mut c = nianbao();
        c.args(["fetch", "--urls"])
            .arg(&list)
            .arg("--store")
            .arg(&store)
            .args(["--delay", "20ms", "-q"]);
        c
    };

    // Killed at three moments; each time the store is consistent, and what
    // an earlier run stored is never requested again.
    let mut stored_at: Vec<(HashSet<String>, HashMap<String, usize>)> = Vec::new();
    for ms in [250, 300, 350] {
        let mut child = fetch().stdout(Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100)); // servers finish their answers
        let ok = check_store(&store);
        eprintln!(
            "killed after {ms} ms: {} of {} stored",
            ok.len(),
            urls.len()
        );
        let counts = urls.iter().map(|u| (u.clone(), hits(u))).collect();
        stored_at.push((ok, counts));
    }
    let ok_before = stored_at.last().unwrap().0.len();
    assert!(
        ok_before > 0 && ok_before < urls.len(),
        "the kills landed midway ({ok_before} stored)"
    );

    let out = fetch().output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ok = check_store(&store);
    assert_eq!(ok.len(), urls.len());
    assert_eq!(
        fs::read_dir(store.join("tmp")).unwrap().count(),
        0,
        "no leftovers"
    );
    for (ok_then, counts_then) in &stored_at {
        for u in ok_then {
            assert_eq!(
                hits(u),
                counts_then[u],
                "{u} was stored, then requested again"
            );
        }
    }
    // Nothing is requested by a run after everything is stored.
    let before: Vec<usize> = urls.iter().map(|u| hits(u)).collect();
    let out = fetch().output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(urls.iter().map(|u| hits(u)).collect::<Vec<_>>(), before);

    // extract reads the store: every page once, with its URL, and the stored
    // Content-Type's charset as the declared encoding.
    let data = dir.path().join("data");
    let out = nianbao()
        .arg("extract")
        .arg(&store)
        .arg("--out")
        .arg(&data)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<serde_json::Value> = fs::read_to_string(data.join("reports.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), urls.len());
    let got: HashSet<&str> = reports
        .iter()
        .map(|r| r["source"]["url"].as_str().unwrap())
        .collect();
    assert_eq!(got, urls.iter().map(String::as_str).collect());
    let gbk = reports
        .iter()
        .find(|r| r["source"]["url"].as_str().unwrap().ends_with("/gbk.html"))
        .unwrap();
    assert_eq!(gbk["source"]["encoding"], "GBK");
    assert_eq!(gbk["source"]["encoding_from"], "header");
    assert_eq!(gbk["year"], 2023);
}

#[test]
fn failures_set_the_exit_code_and_the_summary_says_why() {
    let s = Server::start("127.0.0.22", |path, _, _| match path {
        "/robots.txt" => Reply::with(200, &[], "User-agent: *\nDisallow: /private/\n"),
        "/missing.html" => Reply::status(404),
        p => Reply::html(report_page(p.len())),
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = nianbao()
        .arg("fetch")
        .args([
            s.url("/a.html"),
            s.url("/missing.html"),
            s.url("/private/x.html"),
        ])
        .arg("--store")
        .arg(&store)
        .args(["--delay", "10ms"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("3 URLs"), "{stdout}");
    assert!(stdout.contains("http_404"), "{stdout}");
    assert!(
        stderr.contains("/missing.html: HTTP 404 Not Found"),
        "{stderr}"
    );
    let lines = manifest(&store);
    let outcomes: HashMap<&str, &str> = lines
        .iter()
        .map(|l| (l["url"].as_str().unwrap(), l["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(outcomes[s.url("/a.html").as_str()], "ok");
    assert_eq!(outcomes[s.url("/missing.html").as_str()], "failed");
    assert_eq!(outcomes[s.url("/private/x.html").as_str()], "robots");
    for l in &lines {
        for field in [
            "url",
            "final_url",
            "status",
            "outcome",
            "kind",
            "attempts",
            "sha256",
            "body",
            "content_type",
            "fetched_at",
            "error",
        ] {
            assert!(l.get(field).is_some(), "{field} missing from {l}");
        }
        assert_eq!(l["kind"], "report");
    }

    // extract lists what the store could not give it.
    let data = dir.path().join("data");
    let out = nianbao()
        .arg("extract")
        .arg(&store)
        .arg("--out")
        .arg(&data)
        .arg("-q")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(data.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["counts"]["reports"], 1);
    assert_eq!(m["counts"]["skipped"], 2);
}

#[test]
fn bad_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec![
            "fetch",
            "http://127.0.0.1/x",
            "--store",
            "s",
            "--delay",
            "fast",
        ],
        vec![
            "fetch",
            "http://127.0.0.1/x",
            "--store",
            "s",
            "--per-host",
            "0",
        ],
        vec!["fetch", "--store", "s"],
        vec!["fetch", "http://127.0.0.1/x"],
    ] {
        let out = nianbao()
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty());
    }
    let help = nianbao().args(["fetch", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--urls",
        "--store",
        "--delay",
        "--per-host",
        "--concurrency",
        "--retries",
        "--timeout",
        "--max-bytes",
        "--user-agent",
        "--ignore-robots",
        "--refresh",
    ] {
        assert!(text.contains(flag), "{flag} not in --help");
    }
}
