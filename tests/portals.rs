//! Real portals' habits, on loopback servers started here: JCMS paging whose
//! 下一页 adds a `uid` to the query, pagers drawn from a script's page count,
//! and block pages, challenges and script shells in place of reports.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Reply, Server};

fn nianbao(args: &[&str], dir: &Path) -> Output {
    common::run_nianbao(args, dir)
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    common::json_lines(path)
}

fn report_page(title: &str, n: usize) -> String {
    format!(
        "<html><head><meta charset=utf-8><title>{title}</title></head><body><div id=zoom>\
         <p>{title}</p><p>一、总体情况</p><p>全年主动公开政府信息{n}条,受理依申请公开{n}件。</p>\
         </div></body></html>"
    )
}

fn listing(items: &[(String, String)], pager: &str) -> String {
    let lis: String = items
        .iter()
        .map(|(href, title)| format!("<li><a href=\"{href}\" title=\"{title}\">{title}</a></li>"))
        .collect();
    format!(
        "<html><head><meta charset=utf-8><title>政府信息公开年报</title></head><body>\
         <div class=nav><a href=\"/\">首页</a> <a href=\"/col/col1/index.html?uid=3\">机构概况</a></div>\
         <ul>{lis}</ul>{pager}</body></html>"
    )
}

/// A JCMS column whose pager adds `uid` to the query (8 of its 27 reports
/// are on pages 2 and 3), and a column whose pager is drawn from
/// `var countPage`: every report found, each once.
#[test]
fn jcms_uid_paging_and_script_page_counts_are_followed() {
    let serve = |path: &str, _: usize, _: &HashMap<String, String>| -> Reply {
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let page_of = |q: &str| -> usize {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("pageNum="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
        };
        match p {
            "/robots.txt" => Reply::status(404),
            "/col/col88/index.html" => {
                let page = page_of(q);
                let range = match page {
                    1 => 1..=19,
                    2 => 20..=25,
                    _ => 26..=27,
                };
                let items: Vec<(String, String)> = range
                    .map(|n| {
                        (
                            format!("/art/2024/1/{n}/art_88_{n}.html"),
                            format!("某某市第{n}局2023年政府信息公开工作年度报告"),
                        )
                    })
                    .collect();
                let mut pager = String::from("<div class=page>");
                if page < 3 {
                    pager.push_str(&format!(
                        "<a href=\"index.html?uid=9&pageNum={}\">下一页</a>",
                        page + 1
                    ));
                    pager.push_str("<a href=\"index.html?uid=9&pageNum=3\">尾页</a>");
                }
                pager.push_str("</div>");
                Reply::html(listing(&items, &pager))
            }
            "/ndbg/index.html" | "/ndbg/index_1.html" | "/ndbg/index_2.html" => {
                let k = match p {
                    "/ndbg/index.html" => 0,
                    "/ndbg/index_1.html" => 1,
                    _ => 2,
                };
                let items: Vec<(String, String)> = (0..3)
                    .map(|i| {
                        let n = 100 + k * 3 + i;
                        (
                            format!("./t2024_{n}.html"),
                            format!("某某县第{n}乡2023年政府信息公开工作年度报告"),
                        )
                    })
                    .collect();
                let pager = format!(
                    "<div id=pager></div><script>var countPage = 3;//共多少页\nvar currentPage = {k};\
                     drawPager('pager', countPage, currentPage, 'index', 'html');</script>"
                );
                Reply::html(listing(&items, &pager))
            }
            p if p.starts_with("/art/") || p.starts_with("/ndbg/t2024_") => {
                let n: usize = p
                    .rsplit(['_', '/'])
                    .next()
                    .unwrap()
                    .trim_end_matches(".html")
                    .parse()
                    .unwrap();
                Reply::html(report_page(
                    &format!("第{n}号2023年政府信息公开工作年度报告"),
                    n,
                ))
            }
            _ => Reply::status(404),
        }
    };
    let server = Server::start("127.0.0.71", serve);
    let tmp = tempfile::tempdir().unwrap();
    let (jcms, trs) = (
        server.url("/col/col88/index.html"),
        server.url("/ndbg/index.html"),
    );
    let out = nianbao(
        &[
            "crawl",
            &jcms,
            &trs,
            "--store",
            "s",
            "--delay",
            "1ms",
            "--per-host",
            "4",
            "-q",
        ],
        tmp.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<String> = lines(&tmp.path().join("s/manifest.jsonl"))
        .into_iter()
        .filter(|l| l["kind"] == "report" && l["outcome"] == "ok")
        .map(|l| l["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(reports.len(), 27 + 9, "{reports:?}");
    for n in 1..=27 {
        assert_eq!(
            server
                .hits_of(&format!("/art/2024/1/{n}/art_88_{n}.html"))
                .len(),
            1,
            "report {n}"
        );
    }
    for n in 100..109 {
        assert_eq!(server.hits_of(&format!("/ndbg/t2024_{n}.html")).len(), 1);
    }
    // The column of another menu item is no page of this listing.
    assert!(server.hits_of("/col/col1/index.html?uid=3").is_empty());
}

/// Block pages, challenges and script shells never become reports: each is
/// `blocked` with its reason (manifest and summary), and the next run, once
/// the portal serves the pages, stores them.
#[test]
fn blocked_answers_are_declared_and_fetched_again() {
    let blocking = Arc::new(AtomicBool::new(true));
    let on = blocking.clone();
    let serve = move |path: &str, _: usize, _: &HashMap<String, String>| -> Reply {
        let block = on.load(Ordering::SeqCst);
        let head = "<html><head><meta charset=utf-8>";
        match path {
            "/robots.txt" => Reply::status(404),
            "/list/index.html" => Reply::html(listing(
                &(1..=5)
                    .map(|n| {
                        (
                            format!("/r/{n}.html"),
                            format!("某某区第{n}局2023年政府信息公开工作年度报告"),
                        )
                    })
                    .collect::<Vec<_>>(),
                "",
            )),
            "/r/1.html" if block => Reply::html(format!(
                "{head}<title>访问被拦截</title></head><body><h2>您的访问请求可能对网站造成安全威胁,已被拦截。</h2><p>拦截时间:2024-03-01 10:00:00</p></body></html>"
            )),
            "/r/2.html" if block => Reply::html(format!(
                "{head}<script>document.cookie='__jsl_clearance_s=1712345;max-age=3600;path=/';location.href=location.pathname+location.search</script></head><body></body></html>"
            )),
            "/r/3.html" if block => Reply::with(
                412,
                &[("Content-Type", "text/html")],
                format!(
                    "{head}<meta id=\"9DhefwqGPrzGxEp9hPaoag\" content=\"{}\"><script src=\"/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js\"></script></head><body></body></html>",
                    "x".repeat(300)
                ),
            ),
            "/r/4.html" if block => Reply::html(format!(
                "{head}<title>某某区人民政府</title><script src=\"/EWB-FRONT/js/app.js\"></script>\
                 <script>$.post('/EWB-FRONT/rest/infoapi/getGovInfoDetail',{{infoid:'4'}},render)</script>\
                 </head><body><div id=\"app\"></div></body></html>"
            )),
            p if p.starts_with("/r/") => {
                let n: usize = p[3..].trim_end_matches(".html").parse().unwrap();
                Reply::html(report_page(
                    &format!("某某区第{n}局2023年政府信息公开工作年度报告"),
                    n,
                ))
            }
            _ => Reply::status(404),
        }
    };
    let server = Server::start("127.0.0.72", serve);
    let tmp = tempfile::tempdir().unwrap();
    let start = server.url("/list/index.html");
    let crawl = || {
        nianbao(
            &[
                "crawl",
                &start,
                "--store",
                "s",
                "--delay",
                "1ms",
                "--retries",
                "0",
            ],
            tmp.path(),
        )
    };
    let out = crawl();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("blocked") && stdout.contains("--delay"),
        "{stdout}"
    );
    assert!(
        stdout.contains("127.0.0.72: challenge 2, script_shell 1, waf 1"),
        "{stdout}"
    );
    let m = lines(&tmp.path().join("s/manifest.jsonl"));
    let outcome = |n: usize| {
        m.iter()
            .rfind(|l| {
                l["url"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/r/{n}.html"))
            })
            .unwrap()
            .clone()
    };
    for (n, reason) in [
        (1, "waf"),
        (2, "challenge"),
        (3, "challenge"),
        (4, "script_shell"),
    ] {
        let l = outcome(n);
        assert_eq!(l["outcome"], "blocked", "{l}");
        assert_eq!(l["reason"], reason, "{l}");
        assert!(l["body"].is_null(), "{l}");
    }
    assert_eq!(outcome(5)["outcome"], "ok");
    // Extracted: one report; the blocked four are skipped, saying why.
    let out = nianbao(&["extract", "s", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&tmp.path().join("o/reports.jsonl")).len(), 1);
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("o/manifest.json")).unwrap()).unwrap();
    let blocked_skips = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["error"]
                .as_str()
                .is_some_and(|e| e.starts_with("blocked ("))
        })
        .count();
    assert_eq!(blocked_skips, 4);
    // The portal stops blocking: the next run stores the four.
    blocking.store(false, Ordering::SeqCst);
    let out = crawl();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = nianbao(&["extract", "s", "--out", "o", "-q"], tmp.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(lines(&tmp.path().join("o/reports.jsonl")).len(), 5);
    assert_eq!(
        server.hits_of("/r/5.html").len(),
        1,
        "a stored page was asked for again"
    );
}

/// `nianbao run` with a crawl and a URL list that overlap asks for nothing
/// twice, and each phase counts its own requests.
#[test]
fn run_requests_nothing_twice() {
    let serve = |path: &str, _: usize, _: &HashMap<String, String>| -> Reply {
        match path {
            "/robots.txt" => Reply::status(404),
            "/list/index.html" => Reply::html(listing(
                &(1..=3)
                    .map(|n| {
                        (
                            format!("/r/{n}.html"),
                            format!("某某镇第{n}办2023年政府信息公开工作年度报告"),
                        )
                    })
                    .collect::<Vec<_>>(),
                "",
            )),
            p if p.starts_with("/r/") => {
                let n: usize = p[3..].trim_end_matches(".html").parse().unwrap();
                Reply::html(report_page(
                    &format!("某某镇第{n}办2023年政府信息公开工作年度报告"),
                    n,
                ))
            }
            _ => Reply::status(404),
        }
    };
    let server = Server::start("127.0.0.73", serve);
    let tmp = tempfile::tempdir().unwrap();
    let config = format!(
        "store = \"store\"\nout = \"dataset\"\n[crawl]\nstart = [\"{}\"]\n[fetch]\nurls = [\"{}\", \"{}\", \"{}\"]\n\
         [politeness]\ndelay = \"1ms\"\nrefresh = true\n",
        server.url("/list/index.html"),
        server.url("/r/1.html"),
        server.url("/r/2.html#top"),
        server.url("/r/4.html"),
    );
    fs::write(tmp.path().join("nianbao.toml"), config).unwrap();
    let out = nianbao(&["run", "--config", "nianbao.toml"], tmp.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for n in 1..=4 {
        assert_eq!(
            server.hits_of(&format!("/r/{n}.html")).len(),
            1,
            "/r/{n}.html"
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The crawl: robots.txt, the listing, three reports; the fetch: one.
    assert!(stdout.contains("5 requests"), "{stdout}");
    assert!(
        stdout.contains("3 URLs in") && stdout.contains(", 1 requests"),
        "{stdout}"
    );
}
