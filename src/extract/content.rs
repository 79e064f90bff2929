//! Finding the report body in a portal page.
//!
//! First the content containers of the CMS families government portals run
//! on (TRS `#zoom` / `.TRS_Editor`, Hanweb `#UCAP-CONTENT`, `.article-content`,
//! `.pages_content`, `.xxgk-content`, …); the one holding the most Chinese
//! text wins, provided it is not a link list. Without one, a text-density
//! fallback picks the deepest element that still holds nearly all of the
//! page's non-link text. Navigation, share bars, breadcrumbs and footers
//! inside the chosen element are left out.
//!
//! The text before the body (the page heading, the 发布时间 line) is kept
//! apart for the metadata.

use crate::html::render::{self, Stats};
use crate::html::{Dom, NONE, NodeId};

/// Container ids of report bodies on CMS platforms, most specific first.
const BODY_IDS: &[&str] = &[
    "zoom",
    "ucap-content",
    "art_content",
    "article_content",
    "articlecontent",
    "info_content",
    "infocontent",
    "newscontent",
    "news_content",
    "xxgk_content",
    "zfxxgk_content",
    "content_text",
    "contenttext",
    "textcontent",
    "fontzoom",
    "detail_content",
    "detailcontent",
    "vsb_content",
    "mainconttext",
    "ivs_content",
    "barrierfree_container_content",
    "js_content",
];

/// Container classes of report bodies.
const BODY_CLASSES: &[&str] = &[
    "trs_editor",
    "trs_editor_view",
    "trs_ueditor",
    "article-content",
    "article_content",
    "pages_content",
    "xxgk-content",
    "xxgk_content",
    "news_content",
    "news-content",
    "art_con",
    "con_text",
    "detail-content",
    "detail_content",
    "content-text",
    "wzxq_content",
    "zwgk_content",
    "view",
    "article-body",
    "rich_media_content",
    "zoom",
    "bt-content",
    "nr_content",
];

/// Generic names that often, but not always, hold the body.
const GENERIC: &[&str] = &[
    "content",
    "article",
    "main",
    "text",
    "con",
    "detail",
    "contents",
    "main-content",
];

/// Markers of page furniture inside a body container.
const FURNITURE: &[&str] = &[
    "nav",
    "menu",
    "breadcrumb",
    "crumb",
    "footer",
    "share",
    "print",
    "toolbar",
    "sidebar",
    "copyright",
    "fontsize",
    "bdshare",
    "related",
    "comment",
    "position",
    "location",
    "dqwz",
];

/// A page split into report body and the rest.
#[derive(Debug, Default)]
pub struct Page {
    /// The report body as text (one block per line, not yet normalised).
    pub body: String,
    /// Page text before the body (its last part), not yet normalised.
    pub pre: String,
    /// The `<title>`.
    pub title: Option<String>,
    /// `<meta name content>` pairs.
    pub metas: Vec<(String, String)>,
    /// The data tables of the body, as grids.
    pub tables: Vec<crate::html::table::Grid>,
    /// How the body was found (for warnings).
    pub warnings: Vec<String>,
}

/// How much of the text before the body is kept for metadata.
const PRE_KEEP: usize = 4000;

/// Parses a page and splits off its report body.
pub fn split(html: &str) -> Page {
    let dom = Dom::parse(html);
    let stats = Stats::new(&dom);
    let mut warnings = Vec::new();
    let root = container(&dom, &stats).unwrap_or_else(|| {
        let r = densest(&dom, &stats);
        let i = r as usize;
        if (r == 0 || matches!(dom.name(r), "html" | "body")) && stats.link[i] * 5 > stats.text[i] {
            warnings
                .push("report body not isolated from the page: whole page text used".to_string());
        }
        r
    });
    let skip = |id: NodeId| furniture(&dom, &stats, id);
    let body = render::render(&dom, &stats, root, NONE, &skip);
    let mut pre = if root == 0 {
        String::new()
    } else {
        render::render(&dom, &stats, 0, root, &|_| false)
    };
    if pre.len() > PRE_KEEP {
        let mut cut = pre.len() - PRE_KEEP;
        while !pre.is_char_boundary(cut) {
            cut += 1;
        }
        pre.drain(..cut);
    }
    let tables = crate::html::table::grids(&dom, &stats, root);
    Page {
        body,
        pre,
        title: dom.title.clone(),
        metas: dom.metas.clone(),
        tables,
        warnings,
    }
}

/// Whether `word` is in `list` (lower-case ASCII), ignoring ASCII case.
fn listed(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether `hay` contains `needle` (lower-case ASCII), ignoring ASCII case.
fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The best CMS content container, if the page has one with real text.
fn container(dom: &Dom, stats: &Stats) -> Option<NodeId> {
    let mut best: Option<(u8, u32, NodeId)> = None; // (tier, han, id)
    for id in dom.descendants(0) {
        let Some(e) = dom.element(id) else { continue };
        if e.hidden {
            continue;
        }
        // Text thresholds first: they are array reads, attributes are not.
        let i = id as usize;
        let han = stats.han[i];
        if han < 40 || stats.link[i] * 3 > stats.text[i] {
            continue;
        }
        let eid = dom.attr(id, "id").unwrap_or("");
        let class = dom.attr(id, "class").unwrap_or("");
        let tier = if listed(eid, BODY_IDS)
            || class
                .split_ascii_whitespace()
                .any(|c| listed(c, BODY_CLASSES))
        {
            2
        } else if listed(eid, GENERIC)
            || class.split_ascii_whitespace().any(|c| listed(c, GENERIC))
            || matches!(&*e.name, "article" | "main")
        {
            1
        } else {
            continue;
        };
        let better = match best {
            None => true,
            Some((t, h, _)) => tier > t || (tier == t && han > h),
        };
        if better {
            best = Some((tier, han, id));
        }
    }
    let (tier, han, id) = best?;
    // A generic container must hold most of the page's text to be trusted.
    if tier == 1 {
        let total = stats.han[0].max(1);
        if (han as u64) * 10 < (total as u64) * 5 {
            return None;
        }
    }
    Some(id)
}

/// The deepest element holding nearly all of the page's non-link text.
fn densest(dom: &Dom, stats: &Stats) -> NodeId {
    let n = dom.nodes.len();
    let mut depth = vec![0u32; n];
    let mut best_score = stats.text[0] as i64 - 2 * stats.link[0] as i64;
    for (id, node) in dom.nodes.iter().enumerate().skip(1) {
        let p = node.parent;
        depth[id] = if p == NONE { 0 } else { depth[p as usize] + 1 };
        let score = stats.text[id] as i64 - 2 * stats.link[id] as i64;
        if dom.element(id as NodeId).is_some() && score > best_score {
            best_score = score;
        }
    }
    if best_score <= 0 {
        return 0;
    }
    let threshold = best_score * 85 / 100;
    let mut chosen: NodeId = 0;
    let mut chosen_depth = 0;
    #[allow(clippy::needless_range_loop)] // ids index three parallel arrays
    for id in 1..n {
        let Some(e) = dom.element(id as NodeId) else {
            continue;
        };
        if matches!(
            &*e.name,
            "a" | "span" | "b" | "strong" | "font" | "em" | "i" | "u"
        ) {
            continue;
        }
        let score = stats.text[id] as i64 - 2 * stats.link[id] as i64;
        if score >= threshold && depth[id] >= chosen_depth {
            chosen = id as NodeId;
            chosen_depth = depth[id];
        }
    }
    chosen
}

/// Navigation, share bars, breadcrumbs and footers inside the body.
fn furniture(dom: &Dom, stats: &Stats, id: NodeId) -> bool {
    let Some(e) = dom.element(id) else {
        return false;
    };
    let i = id as usize;
    let linky = stats.link[i] * 2 > stats.text[i];
    if matches!(&*e.name, "nav" | "aside" | "footer") {
        return linky || stats.han[i] < 100;
    }
    if matches!(&*e.name, "form") && stats.han[i] < 50 {
        return true;
    }
    if !(linky || stats.han[i] < 150) {
        return false;
    }
    let eid = dom.attr(id, "id").unwrap_or("");
    let class = dom.attr(id, "class").unwrap_or("");
    FURNITURE
        .iter()
        .any(|f| contains_ci(eid, f) || class.split_ascii_whitespace().any(|c| contains_ci(c, f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::normalize;

    const LONG: &str = "本年度报告根据《中华人民共和国政府信息公开条例》要求编制,全文包括概述、主动公开政府信息情况等部分。";

    #[test]
    fn cms_container_wins() {
        let html = format!(
            "<html><head><title>报告_某某市人民政府</title></head><body><div class=nav><a href=/>首页</a><a href=/x>信息公开</a></div>\
             <h1>某某市2013年政府信息公开工作年度报告</h1><div class=info>发布时间:2014-02-20</div>\
             <div id=zoom><div class=TRS_Editor><p>{LONG}</p><p>一、概述</p></div><div class=share>分享到:<a>微博</a></div></div>\
             <div class=footer>版权所有 某某市人民政府 联系电话</div></body></html>"
        );
        let page = split(&html);
        assert_eq!(normalize(&page.body), format!("{LONG}\n一、概述"));
        let pre = normalize(&page.pre);
        assert!(
            pre.ends_with("某某市2013年政府信息公开工作年度报告\n发布时间:2014-02-20"),
            "{pre}"
        );
        assert_eq!(page.title.as_deref(), Some("报告_某某市人民政府"));
        assert!(page.warnings.is_empty());
    }

    #[test]
    fn density_fallback_skips_link_lists() {
        let links: String = (0..40)
            .map(|i| format!("<li><a href=/{i}>栏目链接名称第{i}个</a></li>"))
            .collect();
        let html = format!(
            "<body><ul>{links}</ul><table><tr><td><div><p>{LONG}</p><p>{LONG}</p></div></td></tr></table><p>版权所有</p></body>"
        );
        let page = split(&html);
        assert_eq!(normalize(&page.body), format!("{LONG}\n{LONG}"));
    }

    #[test]
    fn text_only_body_is_flagged() {
        let page = split("<p>短</p>");
        assert_eq!(normalize(&page.body), "短");
    }
}
