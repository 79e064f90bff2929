//! `nianbao crawl` and `nianbao run` on two fixture portals served on
//! loopback: a TRS-style portal (UTF-8, script paging over three listing
//! pages, truncated link texts with the full title in `title`) and a
//! JCMS-style one (GBK, query-string 下一页 paging, one listing page with no
//! charset declared anywhere), with notices about reports mixed in,
//! attachments, relative links, links to another host and navigation.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{Reply, Server};

fn nianbao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nianbao"))
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run nianbao");
    eprintln!(
        "--- stdout\n{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, bad) = encoding_rs::GBK.encode(s);
    assert!(!bad);
    bytes.into_owned()
}

/// A report page of either portal.
fn report_page(agency: &str, year: u32, links: &str, charset: Option<&str>) -> String {
    let meta = charset.map_or(String::new(), |c| format!("<meta charset=\"{c}\">"));
    format!(
        "<html><head>{meta}<title>{agency}{year}年政府信息公开工作年度报告</title></head><body>\
         <div class=nav><a href=\"/\">首页</a> <a href=\"/jgsz/\">机构设置</a></div>\
         <div class=\"TRS_Editor\"><p>{agency}{year}年政府信息公开工作年度报告</p>\
         <p>本报告由{agency}办公室编制。</p><p>一、总体情况</p>\
         <p>{year}年，全年主动公开政府信息{n}条，受理政府信息公开申请{m}件，按时办结率100%。</p>\
         <p>二、主动公开政府信息情况</p><p>通过政府网站发布信息{k}条。</p></div>\
         <div class=attach>{links}</div>\
         <div class=pager><a href=\"/art/9999/other.html\">下一篇：{agency}{prev}年政府信息公开工作年度报告</a></div>\
         </body></html>",
        n = 1000 + year,
        m = year % 100,
        k = 500 + year % 100,
        prev = year - 1,
    )
}

/// The TRS-style portal: /zwgk/ndbg/index.html, index_1.html, index_2.html.
/// With `later`, the first page lists a 2024 report from its second request on.
fn trs_portal(
    other: String,
    later: bool,
) -> impl Fn(&str, usize, &HashMap<String, String>) -> Reply {
    move |path, nth, _| {
        let utf8 = |body: String| Reply::html(body);
        let item = |href: &str, title: &str, shown: &str| {
            format!(
                "<li><a href=\"{href}\" title=\"{title}\" target=_blank>{shown}</a><span>2024-01-10</span></li>"
            )
        };
        let listing = |page: usize, items: &[String]| {
            format!(
                "<html><head><meta charset=utf-8><title>年度报告_某某市人民政府</title></head><body>\
                 <div class=nav><a href=\"/\">首页</a> <a href=\"/jgsz/\">机构设置</a> <a href=\"../\">政府信息公开</a></div>\
                 <ul class=list>{}</ul>\
                 <div class=page><script>createPageHTML(3, {page}, \"index\", \"html\");</script></div>\
                 </body></html>",
                items.concat()
            )
        };
        match path {
            "/robots.txt" => Reply::with(
                200,
                &[("Content-Type", "text/plain")],
                "User-agent: *\nDisallow: /admin/\n",
            ),
            "/zwgk/ndbg/index.html" => utf8(listing(
                0,
                &[
                    if later && nth > 0 {
                        item(
                            "./202501/t20250110_111.html",
                            "某某市2024年政府信息公开工作年度报告",
                            "某某市2024年政府信息公开工作年…",
                        )
                    } else {
                        String::new()
                    },
                    item(
                        "./202401/t20240110_101.html",
                        "某某市2023年政府信息公开工作年度报告",
                        "某某市2023年政府信息公开工作年…",
                    ),
                    item(
                        "./202401/t20240105_100.html",
                        "关于做好2023年政府信息公开工作年度报告编制工作的通知",
                        "关于做好2023年政府信息公开工作…",
                    ),
                    item(
                        "./202301/t20230112_090.html#content",
                        "某某市2022年政府信息公开工作年度报告",
                        "某某市2022年政府信息公开工作...",
                    ),
                    item(
                        &format!("{other}/ndbg/2022.html"),
                        "某某县2022年政府信息公开工作年度报告",
                        "某某县2022年政府信息公开工作年度报告",
                    ),
                ],
            )),
            "/zwgk/ndbg/index_1.html" => utf8(listing(
                1,
                &[
                    item(
                        "./202201/t20220114_080.html",
                        "某某市2021年政府信息公开工作年度报告",
                        "某某市2021年政府信息公开…",
                    ),
                    item(
                        "/zwgk/zdgk/202203/t20220301_081.html",
                        "某某市2022年政务公开工作要点",
                        "某某市2022年政务公开工作要点",
                    ),
                    // Listed again on the next page: taken once.
                    item(
                        "./202301/t20230112_090.html",
                        "某某市2022年政府信息公开工作年度报告",
                        "某某市2022年政府信息公开工作年度报告",
                    ),
                ],
            )),
            "/zwgk/ndbg/index_2.html" => utf8(listing(
                2,
                &[
                    item(
                        "./202101/t20210115_070.html",
                        "某某市2020年政府信息公开工作年度报告",
                        "某某市2020年政府…",
                    ),
                    item(
                        "/xxgk/2020/ndbg2019.html",
                        "某某市2019年政府信息公开工作年度报告",
                        "某某市2019年政府信息公开工作年度报告",
                    ),
                    item(
                        "./202101/t20210120_071.html",
                        "一图读懂某某市2020年政府信息公开工作年度报告",
                        "一图读懂某某市2020年…",
                    ),
                ],
            )),
            "/zwgk/ndbg/202401/t20240110_101.html" => utf8(report_page(
                "某某市",
                2023,
                &format!(
                    "<a href=\"./P020240110_1.pdf\">附件1：2023年年报.pdf</a> \
                     <a href=\"../../../files/tables2023.xlsx\">附件2</a> \
                     <a href=\"{other}/files/scan2023.pdf\">扫描件</a>"
                ),
                Some("utf-8"),
            )),
            "/zwgk/ndbg/202501/t20250110_111.html" if later => {
                utf8(report_page("某某市", 2024, "", Some("utf-8")))
            }
            "/zwgk/ndbg/202301/t20230112_090.html" => utf8(report_page(
                "某某市",
                2022,
                "<a href=\"/files/shared.doc\">附件</a>",
                Some("utf-8"),
            )),
            "/zwgk/ndbg/202201/t20220114_080.html" => utf8(report_page(
                "某某市",
                2021,
                "<a href=\"/files/shared.doc\">附件</a>",
                Some("utf-8"),
            )),
            "/zwgk/ndbg/202101/t20210115_070.html" => {
                utf8(report_page("某某市", 2020, "", Some("utf-8")))
            }
            "/xxgk/2020/ndbg2019.html" => utf8(report_page(
                "某某市",
                2019,
                "<a href=\"report2019.wps\">WPS版</a>",
                Some("utf-8"),
            )),
            "/zwgk/ndbg/202401/P020240110_1.pdf" => Reply::with(
                200,
                &[("Content-Type", "application/pdf")],
                b"%PDF-1.4 2023".to_vec(),
            ),
            "/files/tables2023.xlsx" => Reply::with(
                200,
                &[("Content-Type", "application/octet-stream")],
                b"PK\x03\x04xlsx".to_vec(),
            ),
            "/files/shared.doc" => Reply::with(
                200,
                &[("Content-Type", "application/msword")],
                b"\xd0\xcf\x11\xe0doc".to_vec(),
            ),
            "/xxgk/2020/report2019.wps" => Reply::with(200, &[], b"\xd0\xcf\x11\xe0wps".to_vec()),
            _ => Reply::status(404),
        }
    }
}

/// The JCMS-style portal in GBK: /module/list.jsp?colId=123&pageNum=N.
fn jcms_portal() -> impl Fn(&str, usize, &HashMap<String, String>) -> Reply {
    move |path, _, _| {
        let item = |href: &str, title: &str, shown: &str| {
            format!(
                "<tr><td><a href='{href}' title='{title}'>{shown}</a></td><td>2021-03-01</td></tr>"
            )
        };
        let listing = |page: usize, items: &[String], declared: bool| {
            let mut paging = String::from("<div class=pages>");
            if page > 1 {
                paging += &format!(
                    "<a href='list.jsp?colId=123&amp;pageNum=1'>首页</a> <a href='list.jsp?colId=123&amp;pageNum={}'>上一页</a> ",
                    page - 1
                );
            }
            for n in 1..=3 {
                paging += &format!("<a href='list.jsp?colId=123&amp;pageNum={n}'>[{n}]</a> ");
            }
            if page < 3 {
                paging += &format!(
                    "<a href='list.jsp?colId=123&amp;pageNum={}'>下一页</a> <a href='list.jsp?colId=123&amp;pageNum=3'>尾页</a>",
                    page + 1
                );
            }
            paging += "</div>";
            let meta = if declared {
                "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
            } else {
                ""
            };
            gbk(&format!(
                "<html><head>{meta}<title>政府信息公开年报</title></head><body>\
                 <div id=menu><a href='/col/col1/index.html'>首页</a> <a href='/module/list.jsp?colId=124&amp;pageNum=1'>政策文件</a></div>\
                 <table class=list>{}</table>{paging}\
                 <p>本栏目收录本机关历年政府信息公开工作年度报告，请按年度查阅。</p></body></html>",
                items.concat()
            ))
        };
        let html = |body: Vec<u8>| Reply::with(200, &[("Content-Type", "text/html")], body);
        let report = |year: u32, links: &str| {
            Reply::with(
                200,
                &[("Content-Type", "text/html; charset=GBK")],
                gbk(&report_page("某某区", year, links, None)),
            )
        };
        match path {
            "/robots.txt" => Reply::status(404),
            "/module/list.jsp?colId=123&pageNum=1" => html(listing(
                1,
                &[
                    item(
                        "/art/2022/1/20/art_123_501.html",
                        "某某区2021年政府信息公开工作年度报告",
                        "某某区2021年政府信息公开工作年度…",
                    ),
                    item(
                        "/art/2022/1/21/art_123_502.html",
                        "某某区2021年政府信息公开工作年度报告解读",
                        "某某区2021年政府信息公开工作年度…",
                    ),
                ],
                true,
            )),
            "/module/list.jsp?colId=123&pageNum=2" => html(listing(
                2,
                &[
                    item(
                        "../art/2021/1/22/art_123_401.html",
                        "某某区2020年政府信息公开工作年度报告",
                        "某某区2020年…",
                    ),
                    item(
                        "/art/2021/3/1/art_123_402.html",
                        "关于印发《某某区2021年政务公开工作要点》的通知",
                        "关于印发《某某区2021年政务公…",
                    ),
                ],
                true,
            )),
            // No charset in the header or the page: detected.
            "/module/list.jsp?colId=123&pageNum=3" => html(listing(
                3,
                &[
                    item(
                        "/art/2020/1/15/art_123_301.html",
                        "某某区2019年政府信息公开工作年度报告",
                        "某某区2019年政府信息公开工作年度报告",
                    ),
                    item(
                        "/art/2019/1/15/art_123_201.html",
                        "某某区2018年政府信息公开工作年度报告",
                        "某某区2018年政府…",
                    ),
                ],
                false,
            )),
            "/art/2022/1/20/art_123_501.html" => report(
                2021,
                "<a href='/module/download/downfile.jsp?classid=0&amp;filename=2a3b.pdf'>附件下载</a> <a href='/attach/0/report2021.docx'>Word版</a>",
            ),
            "/art/2021/1/22/art_123_401.html" => {
                report(2020, "<a href='/attach/0/report2020.docx'>Word版</a>")
            }
            "/art/2020/1/15/art_123_301.html" => report(2019, ""),
            "/art/2019/1/15/art_123_201.html" => report(2018, ""),
            "/module/download/downfile.jsp?classid=0&filename=2a3b.pdf" => Reply::with(
                200,
                &[("Content-Type", "application/pdf")],
                b"%PDF-1.7 2021".to_vec(),
            ),
            "/attach/0/report2021.docx" | "/attach/0/report2020.docx" => {
                Reply::with(200, &[], b"PK\x03\x04docx".to_vec())
            }
            _ => Reply::status(404),
        }
    }
}

fn manifest(store: &Path) -> Vec<serde_json::Value> {
    fs::read_to_string(store.join("manifest.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn reports(out: &Path) -> BTreeMap<String, i64> {
    fs::read_to_string(out.join("reports.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                r["source"]["url"].as_str().expect("source.url").to_string(),
                r["year"].as_i64().expect("year"),
            )
        })
        .collect()
}

/// Requests per path, robots.txt left out.
fn hit_counts(server: &Server) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for h in server.hits() {
        if h.path != "/robots.txt" {
            *counts.entry(h.path).or_default() += 1;
        }
    }
    counts
}

#[test]
fn crawl_then_extract_gives_every_report_once_and_stores_every_attachment() {
    let other = Server::start("127.0.0.32", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        "/files/scan2023.pdf" => Reply::with(
            200,
            &[("Content-Type", "application/pdf")],
            b"%PDF scan".to_vec(),
        ),
        _ => Reply::html("<p>某某县2022年政府信息公开工作年度报告</p>"),
    });
    let trs = Server::start("127.0.0.30", trs_portal(other.url(""), true));
    let jcms = Server::start("127.0.0.31", jcms_portal());
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let trs_start = trs.url("/zwgk/ndbg/index.html");
    let jcms_start = jcms.url("/module/list.jsp?colId=123&pageNum=1");
    let crawl = |store: &Path, extra: &[&str]| {
        run(nianbao()
            .args([
                "crawl",
                &trs_start,
                &jcms_start,
                "--delay",
                "60ms",
                "--store",
            ])
            .arg(store)
            .args(extra))
    };

    let out = crawl(&store, &[]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("listings         6   reports 9   attachments 8"),
        "{stdout}"
    );
    assert!(
        stdout.contains("left out: 3 notices about reports, 1 links to other hosts"),
        "{stdout}"
    );

    // Every page requested once; nothing off scope, no notice, no navigation.
    let trs_hits = hit_counts(&trs);
    assert!(trs_hits.values().all(|&n| n == 1), "{trs_hits:?}");
    let trs_paths: BTreeSet<&str> = trs_hits.keys().map(String::as_str).collect();
    assert_eq!(
        trs_paths,
        BTreeSet::from([
            "/files/shared.doc",
            "/files/tables2023.xlsx",
            "/xxgk/2020/ndbg2019.html",
            "/xxgk/2020/report2019.wps",
            "/zwgk/ndbg/202101/t20210115_070.html",
            "/zwgk/ndbg/202201/t20220114_080.html",
            "/zwgk/ndbg/202301/t20230112_090.html",
            "/zwgk/ndbg/202401/P020240110_1.pdf",
            "/zwgk/ndbg/202401/t20240110_101.html",
            "/zwgk/ndbg/index.html",
            "/zwgk/ndbg/index_1.html",
            "/zwgk/ndbg/index_2.html",
        ])
    );
    let jcms_hits = hit_counts(&jcms);
    assert!(jcms_hits.values().all(|&n| n == 1), "{jcms_hits:?}");
    let jcms_paths: BTreeSet<&str> = jcms_hits.keys().map(String::as_str).collect();
    assert_eq!(
        jcms_paths,
        BTreeSet::from([
            "/art/2019/1/15/art_123_201.html",
            "/art/2020/1/15/art_123_301.html",
            "/art/2021/1/22/art_123_401.html",
            "/art/2022/1/20/art_123_501.html",
            "/attach/0/report2020.docx",
            "/attach/0/report2021.docx",
            "/module/download/downfile.jsp?classid=0&filename=2a3b.pdf",
            "/module/list.jsp?colId=123&pageNum=1",
            "/module/list.jsp?colId=123&pageNum=2",
            "/module/list.jsp?colId=123&pageNum=3",
        ])
    );
    // Politeness from the servers' logs: one request in flight per host, and
    // the delay between starts (the servers see requests a little late, by a
    // varying lag: 25 ms of slack, as in tests/fetch.rs).
    let slack = std::time::Duration::from_millis(25);
    for s in [&trs, &jcms] {
        let hits = s.hits();
        for w in hits.windows(2) {
            assert!(
                w[1].start + slack >= w[0].end,
                "{} overlapped {}",
                w[1].path,
                w[0].path
            );
            assert!(
                w[1].start - w[0].start + slack >= std::time::Duration::from_millis(60),
                "{} came {:?} after {}",
                w[1].path,
                w[1].start - w[0].start,
                w[0].path
            );
        }
    }
    // The other host gave the scanned attachment of a report, nothing else.
    assert_eq!(
        hit_counts(&other).into_keys().collect::<Vec<_>>(),
        ["/files/scan2023.pdf"]
    );

    // The manifest: kinds, referrers, link titles in full.
    let lines = manifest(&store);
    assert_eq!(lines.len(), 23);
    assert!(lines.iter().all(|l| l["outcome"] == "ok"), "{lines:#?}");
    let by_url: HashMap<&str, &serde_json::Value> = lines
        .iter()
        .map(|l| (l["url"].as_str().unwrap(), l))
        .collect();
    let kinds: BTreeMap<&str, usize> = lines.iter().fold(BTreeMap::new(), |mut m, l| {
        *m.entry(l["kind"].as_str().unwrap()).or_default() += 1;
        m
    });
    assert_eq!(
        kinds,
        BTreeMap::from([("attachment", 8), ("listing", 6), ("report", 9)])
    );
    let r2023 = trs.url("/zwgk/ndbg/202401/t20240110_101.html");
    assert_eq!(by_url[r2023.as_str()]["referrer"], trs_start.as_str());
    assert_eq!(
        by_url[r2023.as_str()]["link_title"],
        "某某市2023年政府信息公开工作年度报告"
    );
    for (file, report) in [
        (trs.url("/zwgk/ndbg/202401/P020240110_1.pdf"), r2023.clone()),
        (trs.url("/files/tables2023.xlsx"), r2023.clone()),
        (other.url("/files/scan2023.pdf"), r2023.clone()),
        (
            trs.url("/xxgk/2020/report2019.wps"),
            trs.url("/xxgk/2020/ndbg2019.html"),
        ),
        (
            jcms.url("/module/download/downfile.jsp?classid=0&filename=2a3b.pdf"),
            jcms.url("/art/2022/1/20/art_123_501.html"),
        ),
        (
            jcms.url("/attach/0/report2020.docx"),
            jcms.url("/art/2021/1/22/art_123_401.html"),
        ),
    ] {
        let line = by_url
            .get(file.as_str())
            .unwrap_or_else(|| panic!("{file} not stored"));
        assert_eq!(line["kind"], "attachment", "{file}");
        assert_eq!(line["referrer"], report.as_str(), "{file}");
        assert!(store.join(line["body"].as_str().unwrap()).is_file());
    }
    // The shared attachment is stored once, for the first report that links it.
    assert!(by_url.contains_key(trs.url("/files/shared.doc").as_str()));
    assert_eq!(
        by_url[jcms.url("/module/list.jsp?colId=123&pageNum=1").as_str()]["kind"],
        "listing"
    );

    // Extract on the store: every report once, with its URL and year; no
    // notice, listing or attachment among them.
    let outdir = dir.path().join("out");
    let out = run(nianbao()
        .arg("extract")
        .arg(&store)
        .arg("--out")
        .arg(&outdir));
    assert_eq!(out.status.code(), Some(0));
    let expected: BTreeMap<String, i64> = [
        (r2023.clone(), 2023),
        (trs.url("/zwgk/ndbg/202301/t20230112_090.html"), 2022),
        (trs.url("/zwgk/ndbg/202201/t20220114_080.html"), 2021),
        (trs.url("/zwgk/ndbg/202101/t20210115_070.html"), 2020),
        (trs.url("/xxgk/2020/ndbg2019.html"), 2019),
        (jcms.url("/art/2022/1/20/art_123_501.html"), 2021),
        (jcms.url("/art/2021/1/22/art_123_401.html"), 2020),
        (jcms.url("/art/2020/1/15/art_123_301.html"), 2019),
        (jcms.url("/art/2019/1/15/art_123_201.html"), 2018),
    ]
    .into_iter()
    .collect();
    assert_eq!(reports(&outdir), expected);
    let reports_text = fs::read_to_string(outdir.join("reports.jsonl")).unwrap();
    // Each report lists its stored attachments.
    let attached: BTreeMap<String, Vec<String>> = reports_text
        .lines()
        .map(|l| {
            let r: serde_json::Value = serde_json::from_str(l).unwrap();
            let files = r["source"]["attachments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|f| {
                            assert!(Path::new(f["path"].as_str().unwrap()).is_file());
                            f["url"].as_str().unwrap().to_string()
                        })
                        .collect()
                })
                .unwrap_or_default();
            (r["source"]["url"].as_str().unwrap().to_string(), files)
        })
        .collect();
    let mut files_2023 = vec![
        trs.url("/files/tables2023.xlsx"),
        trs.url("/zwgk/ndbg/202401/P020240110_1.pdf"),
        other.url("/files/scan2023.pdf"),
    ];
    files_2023.sort();
    assert_eq!(attached[&r2023], files_2023);
    assert_eq!(
        attached[&jcms.url("/art/2019/1/15/art_123_201.html")],
        Vec::<String>::new()
    );
    assert_eq!(attached.values().map(Vec::len).sum::<usize>(), 8);
    assert!(reports_text.contains("某某区2021年政府信息公开工作年度报告"));
    assert!(!reports_text.contains('\u{FFFD}'), "GBK pages decoded");

    // A re-run requests nothing at all.
    let before = (trs.hits().len(), jcms.hits().len(), other.hits().len());
    let out = crawl(&store, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        before,
        (trs.hits().len(), jcms.hits().len(), other.hits().len())
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("already         23"));
    assert_eq!(manifest(&store).len(), 23, "no new lines");

    // --refresh-listings fetches the six listing pages again, finds the report
    // published since, and requests nothing else.
    let (trs_before, jcms_before) = (hit_counts(&trs), hit_counts(&jcms));
    let out = crawl(&store, &["--refresh-listings"]);
    assert_eq!(out.status.code(), Some(0));
    let new_hits = |now: BTreeMap<String, usize>, then: &BTreeMap<String, usize>| -> Vec<String> {
        now.into_iter()
            .filter(|(p, n)| then.get(p) != Some(n))
            .map(|(p, _)| p)
            .collect()
    };
    assert_eq!(
        new_hits(hit_counts(&trs), &trs_before),
        [
            "/zwgk/ndbg/202501/t20250110_111.html",
            "/zwgk/ndbg/index.html",
            "/zwgk/ndbg/index_1.html",
            "/zwgk/ndbg/index_2.html"
        ]
    );
    assert_eq!(
        new_hits(hit_counts(&jcms), &jcms_before),
        [
            "/module/list.jsp?colId=123&pageNum=1",
            "/module/list.jsp?colId=123&pageNum=2",
            "/module/list.jsp?colId=123&pageNum=3"
        ]
    );
    assert_eq!(manifest(&store).len(), 23 + 7);
}

#[test]
fn a_budgeted_crawl_is_completed_by_the_next_run() {
    let other = Server::start("127.0.0.36", |_, _, _| Reply::status(404));
    let trs = Server::start("127.0.0.33", trs_portal(other.url(""), false));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let start = trs.url("/zwgk/ndbg/index.html");
    let out = run(nianbao()
        .args([
            "crawl",
            &start,
            "--delay",
            "10ms",
            "--max-pages",
            "4",
            "--store",
        ])
        .arg(&store));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("--max-pages reached"));
    assert_eq!(manifest(&store).len(), 4);
    let first: BTreeSet<String> = hit_counts(&trs).into_keys().collect();
    assert_eq!(first.len(), 4);

    let out = run(nianbao()
        .args(["crawl", &start, "--delay", "10ms", "--store"])
        .arg(&store));
    let counts = hit_counts(&trs);
    assert!(
        counts.values().all(|&n| n == 1),
        "no page requested twice: {counts:?}"
    );
    assert_eq!(counts.len(), 12, "{counts:?}");
    assert_eq!(
        hit_counts(&other).into_keys().collect::<Vec<_>>(),
        ["/files/scan2023.pdf"]
    );
    let lines = manifest(&store);
    assert_eq!(lines.len(), 13);
    assert!(lines.iter().any(|l| l["reason"] == "http_404"));
    assert_eq!(out.status.code(), Some(1), "the 404 attachment failed");
    assert!(String::from_utf8_lossy(&out.stdout).contains("already          4"));
}

#[test]
fn match_overrides_the_report_pattern() {
    let other = Server::start("127.0.0.37", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => Reply::with(
            200,
            &[("Content-Type", "application/pdf")],
            b"%PDF".to_vec(),
        ),
    });
    let trs = Server::start("127.0.0.34", trs_portal(other.url(""), false));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = run(nianbao()
        .args([
            "crawl",
            &trs.url("/zwgk/ndbg/index.html"),
            "--delay",
            "10ms",
            "--match",
            "2023年",
            "--store",
        ])
        .arg(&store));
    assert_eq!(out.status.code(), Some(0));
    let reports: Vec<String> = manifest(&store)
        .iter()
        .filter(|l| l["kind"] == "report")
        .map(|l| l["link_title"].as_str().unwrap().to_string())
        .collect();
    // The 2023 notice matches too, but notices are never reports.
    assert_eq!(reports, ["某某市2023年政府信息公开工作年度报告"]);
    let out = run(nianbao()
        .args(["crawl", "http://x.gov.cn/", "--match", "(", "--store"])
        .arg(&store));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--match"));
}

#[test]
fn run_crawls_and_extracts_from_a_config() {
    let jcms = Server::start("127.0.0.35", jcms_portal());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("nianbao.toml");
    fs::write(
        &config,
        format!(
            "store = \"store\"\nout = \"dataset\"\n\n[crawl]\nstart = [\"{}\"]\n\n\
             [politeness]\ndelay = \"10ms\"\nuser_agent = \"nianbao-test (contact: test@example.org)\"\n",
            jcms.url("/module/list.jsp?colId=123&pageNum=1")
        ),
    )
    .unwrap();
    // Run from elsewhere: paths are relative to the configuration.
    let out = run(nianbao()
        .args(["run", "--config"])
        .arg(&config)
        .current_dir("/"));
    assert_eq!(out.status.code(), Some(0));
    let got = reports(&dir.path().join("dataset"));
    let years: Vec<i64> = got.values().copied().collect();
    assert_eq!(got.len(), 4, "{got:?}");
    assert_eq!(
        BTreeSet::from_iter(years),
        BTreeSet::from([2018, 2019, 2020, 2021])
    );
    assert!(dir.path().join("store/manifest.jsonl").is_file());
    let ua = &jcms.hits()[0].headers["user-agent"];
    assert_eq!(ua, "nianbao-test (contact: test@example.org)");

    // A typo is an error naming the file and the key.
    fs::write(
        &config,
        "store = \"store\"\n[crawl]\nstrat = [\"http://x/\"]\n",
    )
    .unwrap();
    let out = run(nianbao().args(["run", "--config"]).arg(&config));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nianbao.toml") && err.contains("strat"),
        "{err}"
    );
    fs::write(
        &config,
        "[politeness]\ndelay = \"soon\"\n[extract]\ninputs = [\"x\"]\n",
    )
    .unwrap();
    let out = run(nianbao().args(["run", "--config"]).arg(&config));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[politeness] delay"));
}

#[test]
fn a_start_page_redirected_to_another_host_takes_that_host_into_scope() {
    let other = Server::start("127.0.0.40", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => Reply::with(
            200,
            &[("Content-Type", "application/pdf")],
            b"%PDF".to_vec(),
        ),
    });
    let www = Server::start("127.0.0.38", trs_portal(other.url(""), false));
    let target = www.url("/zwgk/ndbg/index.html");
    let bare = Server::start("127.0.0.39", move |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => Reply::redirect(301, &target),
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = run(nianbao()
        .args(["crawl", &bare.url("/ndbg/"), "--delay", "10ms", "--store"])
        .arg(&store));
    assert_eq!(out.status.code(), Some(0));
    let lines = manifest(&store);
    assert_eq!(lines.iter().filter(|l| l["kind"] == "report").count(), 5);
    assert_eq!(lines[0]["url"], bare.url("/ndbg/").as_str());
    assert_eq!(
        lines[0]["final_url"],
        www.url("/zwgk/ndbg/index.html").as_str()
    );
}

#[test]
fn killed_crawls_are_completed_by_the_next_run() {
    let other = Server::start("127.0.0.41", |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        _ => Reply::with(
            200,
            &[("Content-Type", "application/pdf")],
            b"%PDF".to_vec(),
        ),
    });
    let trs = Server::start("127.0.0.42", trs_portal(other.url(""), false));
    let jcms = Server::start("127.0.0.43", jcms_portal());
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let crawl = || {
        let mut c = nianbao();
        c.args([
            "crawl",
            &trs.url("/zwgk/ndbg/index.html"),
            &jcms.url("/module/list.jsp?colId=123&pageNum=1"),
            "--delay",
            "60ms",
            "-q",
            "--store",
        ])
        .arg(&store);
        c
    };
    let stored = || -> BTreeSet<String> {
        fs::read_to_string(store.join("manifest.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("whole lines"))
            .filter(|l| l["outcome"] == "ok")
            .map(|l| l["url"].as_str().unwrap().to_string())
            .collect()
    };
    // Requests for the page at `url`, by the server that serves it.
    let hits = |url: &str| -> usize {
        let u = reqwest::Url::parse(url).unwrap();
        let target = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        [&trs, &jcms, &other]
            .iter()
            .find(|s| s.addr.port() == u.port().unwrap())
            .unwrap()
            .hits_of(&target)
            .len()
    };
    let mut earlier: Vec<BTreeMap<String, usize>> = Vec::new();
    for ms in [200, 450] {
        let mut child = crawl().stdout(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        earlier.push(
            stored()
                .into_iter()
                .map(|u| (u.clone(), hits(&u)))
                .collect(),
        );
    }
    let midway = earlier.last().unwrap().len();
    assert!(
        midway > 0 && midway < 23,
        "the kills landed midway ({midway} stored)"
    );
    let out = run(&mut crawl());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stored().len(), 23);
    // What a killed run stored was never requested again.
    for then in &earlier {
        for (url, n) in then {
            assert_eq!(hits(url), *n, "{url} was stored, then requested again");
        }
    }
    assert_eq!(fs::read_dir(store.join("tmp")).unwrap().count(), 0);
}

#[test]
fn crawl_help_lists_every_flag_of_the_contract() {
    let help = nianbao().args(["crawl", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--store",
        "--match",
        "--max-pages",
        "--all-hosts",
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
        assert!(text.contains(flag), "{flag} not in crawl --help");
    }
    let out = nianbao().args(["crawl", "--store", "s"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a start URL is required");
    let help = nianbao().args(["run", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--config"));
}

/// A report page whose tables exist only in its PDF attachment, and a
/// listing entry that links straight to a PDF: `crawl` then `extract` give
/// two reports, each with its 2021 cells (the page's taken from the
/// attachment, each such cell naming it) and no failed check.
#[test]
fn tables_come_from_a_pdf_attachment_and_from_a_pdf_only_listing_entry() {
    let attached = fs::read("fixtures/pages/pdf-tables-2021-cid-font/report.pdf").unwrap();
    let alone = fs::read("fixtures/pages/pdf-tables-2021-second-report/report.pdf").unwrap();
    let portal = Server::start("127.0.0.51", move |path, _, _| match path {
        "/robots.txt" => Reply::status(404),
        "/xxgk/ndbg/index.html" => Reply::html(
            "<html><head><meta charset=utf-8><title>政府信息公开年报</title></head><body>\
             <ul class=list>\
             <li><a href=\"./2024/art_1.html\">青石县农业农村局2023年政府信息公开工作年度报告</a><span>2024-01-22</span></li>\
             <li><a href=\"./2023/report2022.pdf\">青石县水利局2022年政府信息公开工作年度报告</a><span>2023-01-22</span></li>\
             </ul></body></html>",
        ),
        // The page shows its tables as pictures; the PDF holds them.
        "/xxgk/ndbg/2024/art_1.html" => Reply::html(
            "<html><head><meta charset=utf-8><title>青石县农业农村局2023年政府信息公开工作年度报告</title></head><body>\
             <div class=\"TRS_Editor\"><p>青石县农业农村局2023年政府信息公开工作年度报告</p>\
             <p>一、总体情况</p><p>2023年，我局主动公开政府信息318条。</p>\
             <p>二、主动公开政府信息情况</p><p><img src=\"t2.png\"></p>\
             <p>三、收到和处理政府信息公开申请情况</p><p><img src=\"t3.png\"></p>\
             <p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src=\"t4.png\"></p>\
             <p>附件：<a href=\"./P020240122.pdf\">年度报告全文.pdf</a></p></div></body></html>",
        ),
        "/xxgk/ndbg/2024/P020240122.pdf" => Reply::with(
            200,
            &[("Content-Type", "application/pdf")],
            attached.clone(),
        ),
        "/xxgk/ndbg/2023/report2022.pdf" => Reply::with(
            200,
            &[("Content-Type", "application/octet-stream")],
            alone.clone(),
        ),
        _ => Reply::status(404),
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let out = run(nianbao()
        .args([
            "crawl",
            &portal.url("/xxgk/ndbg/index.html"),
            "--delay",
            "20ms",
            "--store",
        ])
        .arg(&store));
    assert_eq!(out.status.code(), Some(0));
    let outdir = dir.path().join("out");
    let out = run(nianbao()
        .arg("extract")
        .arg(&store)
        .arg("--out")
        .arg(&outdir));
    assert_eq!(out.status.code(), Some(0));
    let text = fs::read_to_string(outdir.join("reports.jsonl")).unwrap();
    let reports: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), 2, "{text}");
    for r in &reports {
        for t in ["t2", "t3", "t4"] {
            assert_eq!(r["tables"][t]["status"], "complete", "{t}: {}", r["tables"]);
        }
        let cells = r["cells"].as_object().unwrap();
        assert_eq!(cells.len(), 200);
        let checks = r["checks"].as_array().unwrap();
        assert!(!checks.is_empty());
        assert!(checks.iter().all(|c| c["status"] == "pass"), "{checks:?}");
    }
    let page = reports
        .iter()
        .find(|r| r["source"]["url"] == portal.url("/xxgk/ndbg/2024/art_1.html"))
        .expect("the page's report");
    let pdf_url = portal.url("/xxgk/ndbg/2024/P020240122.pdf");
    assert_eq!(page["source"]["attachments"][0]["url"], pdf_url.as_str());
    assert!(
        page["cells"]
            .as_object()
            .unwrap()
            .values()
            .all(|c| c["source"] == pdf_url.as_str())
    );
    assert_eq!(
        page["cells"]["t3__new_received__natural_person"]["value"],
        10
    );
    assert_eq!(page["template"], "table_2021");
    let alone = reports
        .iter()
        .find(|r| r["source"]["url"] == portal.url("/xxgk/ndbg/2023/report2022.pdf"))
        .expect("the PDF-only report");
    assert_eq!(alone["source"]["encoding"], "PDF");
    assert_eq!(alone["agency"], "青石县水利局");
    assert_eq!(alone["year"], 2022);
}
