//! Reading a page's links, and telling what each one leads to.
//!
//! A portal's 年度报告 column is a list of links: reports, notices *about*
//! reports, navigation, and paging (下一页, numbered pages, `?pageNum=2`, and
//! the TRS family's `createPageHTML(total, current, "index", "html")`
//! script, which writes its paging links only when run). This module reads
//! links from a parsed page ([`links`]), sorts them ([`Rules::classify`])
//! and reads script paging ([`script_pages`]). It touches no network.

use std::sync::LazyLock;

use regex::Regex;
use reqwest::Url;

use crate::decode::normalize::{fold, normalize};
use crate::html::{Dom, NodeKind};

/// File types linked from reports that are stored as attachments.
pub const ATTACHMENT_EXTENSIONS: [&str; 6] = ["pdf", "doc", "docx", "xls", "xlsx", "wps"];

/// Most pages a script paging call is taken to announce.
const MAX_SCRIPT_PAGES: u64 = 10_000;

/// One link of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Absolute, without fragment.
    pub url: Url,
    /// The link's title as a reader sees it: the anchor text, or the
    /// `title` attribute when the text is cut short (…) or empty.
    pub title: String,
}

/// What a link leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// An annual report.
    Report,
    /// A notice, plan or commentary about reports (关于做好…年度报告编制工作的通知,
    /// 工作要点, 解读): never taken as a report.
    Notice,
    /// Another page of the same listing.
    Paging,
    /// A file (PDF, Word, Excel, WPS).
    Attachment,
    /// Anything else (navigation, other columns).
    Other,
}

/// The links of a page in document order: `<a href>` (and `<area href>`),
/// resolved against the page URL (or its `<base href>`), fragments dropped,
/// `javascript:`, `mailto:` and other non-http(s) links left out.
pub fn links(dom: &Dom, page: &Url) -> Vec<Link> {
    let base = dom
        .find_tag("base")
        .and_then(|b| dom.attr(b, "href"))
        .and_then(|h| page.join(h.trim()).ok())
        .unwrap_or_else(|| page.clone());
    let mut out = Vec::new();
    for id in dom.descendants(0) {
        if !matches!(dom.name(id), "a" | "area") {
            continue;
        }
        let Some(href) = dom.attr(id, "href").map(str::trim) else {
            continue;
        };
        if href.is_empty() || href.starts_with('#') {
            continue;
        }
        let Some(url) = resolve(&base, href) else {
            continue;
        };
        let text = collapse(&anchor_text(dom, id));
        let title = dom.attr(id, "title").map(collapse).unwrap_or_default();
        out.push(Link {
            url,
            title: pick_title(text, title),
        });
    }
    out
}

/// `href` resolved against `base`, normalised (no fragment, no empty
/// query); `None` for unusable or non-http(s) links.
pub fn resolve(base: &Url, href: &str) -> Option<Url> {
    let mut url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    if url.query() == Some("") {
        url.set_query(None);
    }
    // Session ids in the path (`;jsessionid=…`) would make every visit new.
    if let Some(at) = url.path().to_ascii_lowercase().find(";jsessionid=") {
        let path = url.path()[..at].to_string();
        url.set_path(&path);
    }
    Some(url)
}

/// The text of an element's subtree.
fn anchor_text(dom: &Dom, id: u32) -> String {
    let mut s = String::new();
    for n in dom.descendants(id) {
        if let NodeKind::Text { start, end } = dom.nodes[n as usize].kind {
            s.push_str(&dom.text[start as usize..end as usize]);
        }
    }
    s
}

/// Whitespace runs to one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The anchor text, unless it is empty or cut short (`…`, `...`) and the
/// `title` attribute holds the whole of it.
fn pick_title(text: String, title: String) -> String {
    if title.is_empty() {
        return text;
    }
    let stem = text
        .trim_end_matches(['…', '.', '。', '⋯', ' '])
        .trim_end_matches("..");
    let cut = stem.len() < text.len();
    if text.is_empty()
        || (cut && title.starts_with(stem))
        || (title.len() > text.len() && title.contains(stem))
    {
        title
    } else {
        text
    }
}

/// A link's URL path extension, lowercase, if it is one of
/// [`ATTACHMENT_EXTENSIONS`]; download scripts that name the file in the
/// query (`download.jsp?file=a.pdf`) count too.
pub fn attachment_extension(url: &Url) -> Option<&'static str> {
    let ext_of = |s: &str| {
        let (_, ext) = s.rsplit_once('.')?;
        ATTACHMENT_EXTENSIONS
            .iter()
            .find(|e| e.eq_ignore_ascii_case(ext.trim()))
            .copied()
    };
    let last = url.path_segments()?.next_back().unwrap_or("");
    ext_of(last).or_else(|| url.query_pairs().find_map(|(_, v)| ext_of(&v)))
}

/// The default report pattern: the 政府信息公开…年度报告 / 年报 family.
static REPORT: LazyLock<Regex> = LazyLock::new(|| {
    // 政府信息公开工作年度报告, 信息公开年报, 2019年度政府信息公开工作报告, 年报.
    Regex::new(r"公开.{0,12}(?:年度报告|年报|年度工作报告)|年报|年度.{0,16}公开.{0,8}报告")
        .expect("report pattern")
});

/// Words that make a title a notice, plan or commentary about reports.
static NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"通知|通报|公告|公示|要点|编制|编写|报送|做好|评估|考核|检查|督查|解读|图解|一图读懂|征集|征求|意见|方案|培训|的函|批复|目录|指南",
    )
    .expect("notice pattern")
});

/// A year a title names (2013年, 2013年度, 二〇一三年), for reports.
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:19|20)\d\d)\s*年|([〇○零一二三四五六七八九]{4})\s*年").expect("year pattern")
});

/// How links are sorted.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Titles of reports (the default family unless `--match` gave one).
    report: Regex,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            report: REPORT.clone(),
        }
    }
}

impl Rules {
    /// Rules with `pattern` (a regex over the link title, after full-width
    /// forms and traditional characters are folded) as the report pattern.
    pub fn with_pattern(pattern: Option<Regex>) -> Rules {
        pattern.map_or_else(Rules::default, |report| Rules { report })
    }

    /// What a link found on `page` leads to. `listing` says whether `page`
    /// is a listing (paging and reports are looked for) or a report (only
    /// attachments are).
    pub fn classify(&self, link: &Link, page: &Url, listing: bool) -> LinkKind {
        if attachment_extension(&link.url).is_some() {
            // A listing may link straight to a report file: stored as a file.
            return if listing && !self.is_report_title(&link.title) {
                LinkKind::Other
            } else {
                LinkKind::Attachment
            };
        }
        if !listing {
            return LinkKind::Other;
        }
        if self.is_report_title(&link.title) {
            return if is_notice(&link.title) {
                LinkKind::Notice
            } else {
                LinkKind::Report
            };
        }
        if is_paging(link, page) {
            return LinkKind::Paging;
        }
        LinkKind::Other
    }

    /// Whether a title matches the report pattern.
    pub fn is_report_title(&self, title: &str) -> bool {
        !title.is_empty() && self.report.is_match(&fold(&normalize(title)))
    }
}

/// Whether a report-like title is a notice or commentary about reports.
pub fn is_notice(title: &str) -> bool {
    NOTICE.is_match(&fold(&normalize(title)))
}

/// The year a title names, if any.
pub fn title_year(title: &str) -> Option<i32> {
    let c = YEAR.captures(title)?;
    if let Some(y) = c.get(1) {
        return y.as_str().parse().ok();
    }
    let digits: String = c[2]
        .chars()
        .map(|ch| match ch {
            '〇' | '○' | '零' => '0',
            '一' => '1',
            '二' => '2',
            '三' => '3',
            '四' => '4',
            '五' => '5',
            '六' => '6',
            '七' => '7',
            '八' => '8',
            _ => '9',
        })
        .collect();
    digits.parse().ok().filter(|y| (1900..2100).contains(y))
}

/// Link texts of paging controls.
const PAGING_WORDS: [&str; 16] = [
    "下一页",
    "下页",
    "后页",
    "尾页",
    "末页",
    "最后一页",
    "上一页",
    "上页",
    "前页",
    "首页",
    "第一页",
    "next",
    "下一頁",
    "尾頁",
    "»",
    "›",
];

/// Query parameters that number listing pages.
const PAGE_PARAMS: [&str; 12] = [
    "page",
    "pagenum",
    "pageno",
    "pageindex",
    "currentpage",
    "curpage",
    "pn",
    "p",
    "pagenumber",
    "page_no",
    "cur_page",
    "pageid",
];

/// Whether `link` on listing `page` leads to another page of the same
/// listing, on the same host: at the same path, a URL whose query differs
/// from the listing's only in page-number parameters (`pageNum=2`), or in
/// any way when the link's text is a paging word (下一页, 尾页, …) or a page
/// number (a JCMS `index.html?uid=9&pageNum=2`); elsewhere in the listing's
/// directory (`index_1.html`), a link whose text is a paging word or a page
/// number.
fn is_paging(link: &Link, page: &Url) -> bool {
    let url = &link.url;
    if url.host_str() != page.host_str()
        || url.port_or_known_default() != page.port_or_known_default()
    {
        return false;
    }
    let text = link
        .title
        .trim_matches(|c: char| c.is_whitespace() || "[]【】()（）<>《》".contains(c));
    let lower = text.to_lowercase();
    let paging_text = PAGING_WORDS.contains(&lower.as_str())
        || (!text.is_empty() && text.len() <= 5 && text.chars().all(|c| c.is_ascii_digit()));
    if url.path() == page.path() {
        let pairs = |u: &Url| -> Vec<(String, String)> {
            u.query_pairs()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
                .collect()
        };
        let (a, b) = (pairs(url), pairs(page));
        let value = |list: &[(String, String)], k: &str| {
            list.iter().find(|(x, _)| x == k).map(|p| p.1.clone())
        };
        let mut changed = a
            .iter()
            .chain(b.iter())
            .map(|(k, _)| k.as_str())
            .filter(|k| value(&a, k) != value(&b, k))
            .peekable();
        // A paging word may add parameters (JCMS: `?uid=9&pageNum=2` on
        // `index.html`) but not change the listing's own (another column).
        return changed.peek().is_some()
            && changed
                .all(|k| PAGE_PARAMS.contains(&k) || (paging_text && value(&b, k).is_none()));
    }
    let dir = |u: &Url| u.path().rsplit_once('/').map(|(d, _)| d.to_string());
    dir(url) == dir(page) && paging_text
}

/// A Hanweb (大汉 JCMS) `<datastore>`: listing items as HTML in
/// `<record><![CDATA[…]]></record>` elements, and the URL of the next batch
/// of records in `<nextgroup><![CDATA[<a href="…dataproxy.jsp?…">]]></nextgroup>`.
/// Such pages write their list with a script, so the items are not in the
/// page's own markup.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Datastore<'a> {
    /// The HTML of each record.
    pub records: Vec<&'a str>,
    /// The HTML of each next-group link.
    pub next: Vec<&'a str>,
}

static DATASTORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?si)<(record|nextgroup)>\s*<!\[CDATA\[(.*?)\]\]>\s*</(?:record|nextgroup)>")
        .expect("datastore pattern")
});

/// The records and next-group links of a page's datastores (empty for other pages).
pub fn datastore(html: &str) -> Datastore<'_> {
    let mut d = Datastore::default();
    if !html.contains("<![CDATA[") {
        return d;
    }
    for c in DATASTORE.captures_iter(html) {
        let body = c.get(2).map_or("", |m| m.as_str());
        if c[1].eq_ignore_ascii_case("record") {
            d.records.push(body);
        } else {
            d.next.push(body);
        }
    }
    d
}

/// `createPageHTML(...)` calls in a page's scripts.
static CREATE_PAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"createPageHTML\s*\(([^()]*)\)").expect("createPageHTML"));

/// The pages a TRS-style paging script announces on listing `page`:
/// `createPageHTML(3, 0, "index", "html")` (also with the element id first
/// and the record count last, and with the numbers in `var`s) means
/// `index.html`, `index_1.html` and `index_2.html` beside the page.
pub fn script_pages(html: &str, page: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    for call in CREATE_PAGE.captures_iter(html) {
        let args: Vec<&str> = call[1].split(',').map(str::trim).collect();
        let number = |a: &str| -> Option<u64> { a.parse().ok().or_else(|| var_value(html, a)) };
        let string = |a: &str| -> Option<String> {
            let q = a.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            a.strip_prefix(q)?.strip_suffix(q).map(str::to_string)
        };
        // The first two numbers are the page count and the current page;
        // the two strings after them, the file name and extension.
        let Some(i) = args.iter().position(|a| number(a).is_some()) else {
            continue;
        };
        let (Some(total), Some(_current)) =
            (number(args[i]), args.get(i + 1).and_then(|a| number(a)))
        else {
            continue;
        };
        let strings: Vec<String> = args[i + 2..].iter().filter_map(|a| string(a)).collect();
        let (Some(name), Some(ext)) = (strings.first(), strings.get(1)) else {
            continue;
        };
        for n in 0..total.min(MAX_SCRIPT_PAGES) {
            let file = if n == 0 {
                format!("{name}.{ext}")
            } else {
                format!("{name}_{n}.{ext}")
            };
            if let Some(u) = resolve(page, &file) {
                out.push(u);
            }
        }
    }
    if out.is_empty() {
        out = count_pages(html, page);
    }
    out
}

/// A page count a listing states in a script variable or a form field
/// (`var countPage = 12;`, `pageCount: 5`, `<input type="hidden"
/// name="totalPage" value="7">`), as the CMS families that draw their pager
/// from it do.
static PAGE_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:countPage|pageCount|totalPage|totalPages|pageTotal|page_count|total_page|allPage)\b\s*(?:=|:)\s*["']?(\d{1,5})\b|name\s*=\s*["']?(?:countPage|pageCount|totalPage|totalPages|pageTotal)["']?[^>]*?\bvalue\s*=\s*["']?(\d{1,5})\b"#,
    )
    .expect("page count pattern")
});

/// The pages of a listing that states its page count ([`PAGE_COUNT`]):
/// beside `index.html`, `index_1.html` … `index_{N-1}.html` (zero-based, as
/// TRS and its kin number them); on a listing paged by a query parameter
/// (`list.jsp?pageNum=1`), the same URL with that parameter from 1 to N.
fn count_pages(html: &str, page: &Url) -> Vec<Url> {
    let Some(total) = PAGE_COUNT
        .captures_iter(html)
        .filter_map(|c| c.get(1).or(c.get(2))?.as_str().parse::<u64>().ok())
        .find(|&n| n > 1)
    else {
        return Vec::new();
    };
    let total = total.min(MAX_SCRIPT_PAGES);
    let mut out = Vec::new();
    let param = page
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .find(|k| PAGE_PARAMS.contains(&k.to_ascii_lowercase().as_str()));
    if let Some(param) = param {
        for n in 1..=total {
            let mut u = page.clone();
            let pairs: Vec<(String, String)> = page
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == param.as_str() {
                        n.to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
            out.push(u);
        }
        return out;
    }
    let file = page.path().rsplit('/').next().unwrap_or("");
    let file = if file.is_empty() { "index.html" } else { file };
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return out;
    };
    let stem = match stem.rsplit_once('_') {
        Some((s, n)) if n.chars().all(|c| c.is_ascii_digit()) => s,
        _ => stem,
    };
    if stem != "index" && stem != "default" && stem != "list" {
        return out;
    }
    for n in 0..total {
        let name = if n == 0 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}_{n}.{ext}")
        };
        if let Some(u) = resolve(page, &name) {
            out.push(u);
        }
    }
    out
}

/// The number a script assigns to `name` (`var countPage = 3;`).
fn var_value(html: &str, name: &str) -> Option<u64> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        return None;
    }
    let re = Regex::new(&format!(r"\b{}\s*=\s*(\d+)", regex::escape(name))).ok()?;
    re.captures(html)?[1].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn link(href: &str, title: &str) -> Link {
        Link {
            url: url(href),
            title: title.to_string(),
        }
    }

    #[test]
    fn paging_words_page_a_listing_whatever_its_query() {
        let page = url("http://a.gov.cn/col/col88/index.html");
        let r = Rules::default();
        for (href, text, paging) in [
            ("index.html?uid=9&pageNum=2", "下一页", true),
            ("index.html?uid=9&pageNum=3", "尾页", true),
            ("index.html?uid=9&pageNum=2", "2", true),
            ("index.html?uid=9&pageNum=2", "机构设置", false),
            ("index.html?pageNum=2", "", true),
            ("index.html?uid=9", "", false),
            ("index.html", "下一页", false),
        ] {
            let l = link(&format!("http://a.gov.cn/col/col88/{href}"), text);
            assert_eq!(
                r.classify(&l, &page, true) == LinkKind::Paging,
                paging,
                "{href} {text}"
            );
        }
    }

    #[test]
    fn page_counts_in_scripts_and_forms() {
        let got = |html: &str, at: &str| -> Vec<String> {
            script_pages(html, &url(at))
                .iter()
                .map(|u| u.to_string())
                .collect()
        };
        assert_eq!(
            got(
                "<script>var countPage = 3;//共多少页\nvar currentPage = 0;</script>",
                "http://a.gov.cn/ndbg/index.shtml"
            ),
            [
                "http://a.gov.cn/ndbg/index.shtml",
                "http://a.gov.cn/ndbg/index_1.shtml",
                "http://a.gov.cn/ndbg/index_2.shtml"
            ]
        );
        assert_eq!(
            got(
                "<form action=list.jsp><input type=\"hidden\" name=\"totalPage\" value=\"3\"></form>",
                "http://a.gov.cn/list.jsp?colId=5&pageNum=1"
            ),
            [
                "http://a.gov.cn/list.jsp?colId=5&pageNum=1",
                "http://a.gov.cn/list.jsp?colId=5&pageNum=2",
                "http://a.gov.cn/list.jsp?colId=5&pageNum=3"
            ]
        );
        // One page, or a report page's own file: nothing.
        assert!(got("var pageCount = 1;", "http://a.gov.cn/ndbg/index.html").is_empty());
        assert!(got("var pageCount = 4;", "http://a.gov.cn/ndbg/t2024_1.html").is_empty());
    }

    #[test]
    fn links_resolve_and_take_full_titles() {
        let html = r##"<ul>
            <li><a href="./202401/t20240115_1.html" title="咸宁市2023年政府信息公开工作年度报告">咸宁市2023年政府信息公开…</a></li>
            <li><a href="../x.html#top" title="点击查看">2022年年报</a></li>
            <li><a href="javascript:void(0)">打印</a> <a href="mailto:a@b.cn">信箱</a> <a href="#">顶部</a></li>
            <li><a href="http://other.gov.cn/a?">外站</a><a href="/p">  多   空格 </a></li>
        </ul>"##;
        let dom = Dom::parse(html);
        let got = links(&dom, &url("http://www.x.gov.cn/zwgk/ndbg/index.html"));
        let pairs: Vec<(&str, &str)> = got
            .iter()
            .map(|l| (l.url.as_str(), l.title.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                (
                    "http://www.x.gov.cn/zwgk/ndbg/202401/t20240115_1.html",
                    "咸宁市2023年政府信息公开工作年度报告"
                ),
                ("http://www.x.gov.cn/zwgk/x.html", "2022年年报"),
                ("http://other.gov.cn/a", "外站"),
                ("http://www.x.gov.cn/p", "多 空格"),
            ]
        );
    }

    #[test]
    fn session_ids_and_fragments_do_not_make_new_urls() {
        let base = url("http://www.x.gov.cn/col/index.html");
        let a = resolve(&base, "a.jsp;jsessionid=AB12?id=3#top").unwrap();
        assert_eq!(a.as_str(), "http://www.x.gov.cn/col/a.jsp?id=3");
        assert_eq!(
            resolve(&base, "b.html?").unwrap().as_str(),
            "http://www.x.gov.cn/col/b.html"
        );
        assert_eq!(resolve(&base, "ftp://x.gov.cn/a.pdf"), None);
    }

    #[test]
    fn base_href_is_obeyed() {
        let dom = Dom::parse(r#"<base href="http://www.x.gov.cn/col/"><a href="a.html">甲</a>"#);
        let got = links(&dom, &url("http://www.x.gov.cn/other/page.html"));
        assert_eq!(got[0].url.as_str(), "http://www.x.gov.cn/col/a.html");
    }

    #[test]
    fn reports_notices_and_the_rest() {
        let r = Rules::default();
        let page = url("http://www.x.gov.cn/ndbg/index.html");
        let kind = |href: &str, t: &str| r.classify(&link(href, t), &page, true);
        let doc = "http://www.x.gov.cn/ndbg/1.html";
        for t in [
            "咸宁市2013年政府信息公开工作年度报告",
            "市教育局2022年度政府信息公开年报",
            "2019年政府信息公開工作年度報告",
            "政府信息公开工作年度报告（2021年）",
            "２０２０年政府信息公开工作年度报告",
            "区卫健局二〇二一年政府信息公开工作年度报告",
            "某某市2019年度政府信息公开工作报告",
            "政务公开年报（2018）",
        ] {
            assert_eq!(kind(doc, t), LinkKind::Report, "{t}");
        }
        for t in [
            "关于做好2023年政府信息公开工作年度报告编制工作的通知",
            "2024年政务公开工作要点",
            "一图读懂2023年政府信息公开工作年度报告",
            "2022年政府信息公开工作年度报告解读",
            "关于政府信息公开工作年度报告的评估情况通报",
            "2023年政府工作报告",
            "2023年度部门决算公开",
        ] {
            assert_ne!(kind(doc, t), LinkKind::Report, "{t}");
        }
        assert_eq!(
            kind(doc, "关于做好2023年政府信息公开工作年度报告编制工作的通知"),
            LinkKind::Notice
        );
        assert_eq!(kind(doc, "机构设置"), LinkKind::Other);
        assert_eq!(
            kind("http://www.x.gov.cn/ndbg/a.pdf", "机构职能.pdf"),
            LinkKind::Other
        );
        assert_eq!(
            kind("http://www.x.gov.cn/ndbg/a.pdf", "2021年年报"),
            LinkKind::Attachment
        );
        let on_report = |href: &str, t: &str| r.classify(&link(href, t), &page, false);
        assert_eq!(
            on_report("http://f.x.gov.cn/up/a.PDF", "附件"),
            LinkKind::Attachment
        );
        assert_eq!(
            on_report("http://www.x.gov.cn/dl.jsp?name=b.docx", "附件"),
            LinkKind::Attachment
        );
        assert_eq!(
            on_report(doc, "2022年政府信息公开工作年度报告"),
            LinkKind::Other
        );
        let custom = Rules::with_pattern(Some(Regex::new("统计公报").unwrap()));
        assert!(custom.is_report_title("2023年国民经济和社会发展统计公报"));
        assert!(!custom.is_report_title("2023年政府信息公开工作年度报告"));
    }

    #[test]
    fn paging_links() {
        let page = url("http://www.x.gov.cn/col/list.jsp?colId=12&pageNum=1");
        let is = |href: &str, t: &str| is_paging(&link(href, t), &page);
        assert!(is(
            "http://www.x.gov.cn/col/list.jsp?colId=12&pageNum=2",
            "下一页"
        ));
        assert!(is(
            "http://www.x.gov.cn/col/list.jsp?colId=12&pageNum=9",
            "尾页"
        ));
        assert!(is(
            "http://www.x.gov.cn/col/list.jsp?colId=12&pageNum=3",
            "[3]"
        ));
        assert!(is(
            "http://www.x.gov.cn/col/list.jsp?colId=12&pageNum=4",
            "»»"
        ));
        assert!(
            !is(
                "http://www.x.gov.cn/col/list.jsp?colId=13&pageNum=1",
                "教育"
            ),
            "another column"
        );
        assert!(
            !is("http://www.x.gov.cn/col/list.jsp?colId=13&pageNum=2", "2"),
            "another column's page"
        );
        assert!(
            !is("http://www.x.gov.cn/other/list.jsp?pageNum=2", "下一页"),
            "another directory"
        );
        assert!(
            !is("http://other.gov.cn/col/list.jsp?pageNum=2", "下一页"),
            "another host"
        );
        let trs = url("http://www.x.gov.cn/zwgk/ndbg/index_1.html");
        assert!(is_paging(
            &link("http://www.x.gov.cn/zwgk/ndbg/index_2.html", "3"),
            &trs
        ));
    }

    #[test]
    fn trs_script_paging() {
        let page = url("http://www.x.gov.cn/zwgk/ndbg/index.html");
        let html = r#"<script>createPageHTML(3, 0, "index", "html");</script>"#;
        let got: Vec<String> = script_pages(html, &page)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "http://www.x.gov.cn/zwgk/ndbg/index.html",
                "http://www.x.gov.cn/zwgk/ndbg/index_1.html",
                "http://www.x.gov.cn/zwgk/ndbg/index_2.html"
            ]
        );
        let vars = "<script>var countPage = 2;//共多少页\nvar currentPage = 1;\
                    createPageHTML('page_div', countPage, currentPage, 'index', 'shtml', 37);</script>";
        let got: Vec<String> = script_pages(vars, &page)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "http://www.x.gov.cn/zwgk/ndbg/index.shtml",
                "http://www.x.gov.cn/zwgk/ndbg/index_1.shtml"
            ]
        );
        // The function's own definition announces nothing.
        assert!(
            script_pages(
                "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){}",
                &page
            )
            .is_empty()
        );
    }

    #[test]
    fn hanweb_datastores() {
        let html = r#"<div id="376"><script type="text/xml"><datastore>
            <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=376"></a>]]></nextgroup>
            <recordset>
            <record><![CDATA[<li><a href="/art/2024/1/20/art_376_9.html" title="某区2023年政府信息公开工作年度报告">某区2023年政府信息…</a></li>]]></record>
            <record><![CDATA[
            <li><a href="/art/2023/1/20/art_376_8.html">某区2022年年报</a></li>
            ]]></record>
            </recordset></datastore></script></div>"#;
        let d = datastore(html);
        assert_eq!(d.records.len(), 2);
        assert_eq!(d.next.len(), 1);
        assert!(d.records[1].contains("art_376_8"));
        assert!(d.next[0].contains("dataproxy.jsp"));
        assert_eq!(datastore("<p>nothing</p>"), Datastore::default());
    }

    #[test]
    fn years_of_titles() {
        assert_eq!(
            title_year("咸宁市2013年政府信息公开工作年度报告"),
            Some(2013)
        );
        assert_eq!(title_year("二〇二一年政府信息公开年报"), Some(2021));
        assert_eq!(title_year("政府信息公开工作年度报告"), None);
    }
}
