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

use crate::html::parse::{self, Watch};
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

/// Markup before a body container that is parsed with it (for the page
/// heading, the 发布时间 line and metadata boxes above the article).
const WINDOW: usize = 1500;

/// Parses a page and splits off its report body.
///
/// Parsing is most of the cost of a portal page, and most of a portal page
/// is navigation. So when a byte search finds the start tag of a CMS body
/// container ([`BODY_IDS`], [`BODY_CLASSES`]; see [`region`]), only the
/// page's head, its `<meta>` tags, the [`WINDOW`] bytes before that tag and
/// what follows up to where the parser closes the last body container are
/// parsed. The result is used when the body found in it is such a
/// container; otherwise (and without a container) the whole page is parsed.
pub fn split(html: &str) -> Page {
    if let Some(region) = region(html) {
        let watch = Watch {
            from: region.last_container,
            element: &body_container,
        };
        if let Some(page) = split_dom(&parse::watched(&region.html, Some(&watch)), true) {
            return page;
        }
    }
    split_whole(html)
}

/// [`split`] on the whole page, without the region pre-pass.
pub fn split_whole(html: &str) -> Page {
    split_dom(&Dom::parse(html), false).expect("a whole page always splits")
}

/// Splits a parsed page; `None` when `container_only` and the body is not a
/// CMS body container.
fn split_dom(dom: &Dom, container_only: bool) -> Option<Page> {
    let stats = Stats::new(dom);
    let mut warnings = dom.warnings.clone();
    let root = match container(dom, &stats) {
        Some((2, id)) => id,
        _ if container_only => return None,
        Some((_, id)) => id,
        None => {
            let r = densest(dom, &stats);
            let i = r as usize;
            if (r == 0 || matches!(dom.name(r), "html" | "body"))
                && stats.link[i] * 5 > stats.text[i]
            {
                warnings.push(
                    "report body not isolated from the page: whole page text used".to_string(),
                );
            }
            r
        }
    };
    let skip = |id: NodeId| furniture(dom, &stats, id);
    let body = render::render(dom, &stats, root, NONE, &skip);
    let mut pre = if root == 0 {
        String::new()
    } else {
        render::render(dom, &stats, 0, root, &|_| false)
    };
    if pre.len() > PRE_KEEP {
        let mut cut = pre.len() - PRE_KEEP;
        while !pre.is_char_boundary(cut) {
            cut += 1;
        }
        pre.drain(..cut);
    }
    let tables = crate::html::table::grids(dom, &stats, root);
    Some(Page {
        body,
        pre,
        title: dom.title.clone(),
        metas: dom.metas.clone(),
        tables,
        warnings,
    })
}

/// The part of a page worth parsing around its body containers (see
/// [`split`]).
#[derive(Debug)]
pub struct Region {
    /// The page up to its `<body>` tag, then every `<meta>` tag of its body
    /// (in page order), then the page from [`WINDOW`] bytes before the first
    /// body container's start tag to the end, without those `<meta>` tags
    /// (which show nothing where they stand); comments, styles and scripts
    /// without comment marks inside are left out of both parts.
    pub html: String,
    /// Where the last body container's start tag is in `html`.
    pub last_container: usize,
}

/// The [`Region`] of a page, when a byte search finds the start tag of a
/// body container outside comments and scripts. `None` without one, when the
/// page has no `<body>` tag or no `<title>` before it, or when the region
/// would not be much smaller than the page.
///
/// This is a search, not a parse: what it finds is only used if the parse
/// of the region confirms a body container (see [`split`]).
pub fn region(html: &str) -> Option<Region> {
    let b = html.as_bytes();
    let mut hidden = Hidden::new(b);
    let body_tag = hidden.tags(Tag::Body).next()?;
    hidden.tags(Tag::Title).next().filter(|&t| t < body_tag)?;
    let mut containers = Vec::new();
    for eq in memchr::memchr_iter(b'=', &b[body_tag..]).map(|p| body_tag + p) {
        if let Some(lt) = container_tag(b, eq)
            && containers.last() != Some(&lt)
            && !hidden.covers(lt)
        {
            containers.push(lt);
        }
    }
    let (&start, &last) = (containers.first()?, containers.last()?);
    // Back from WINDOW bytes before the container to a tag start outside
    // comments and scripts.
    let mut from = start.saturating_sub(WINDOW);
    loop {
        if from <= body_tag {
            return None;
        }
        if let Some(span) = hidden.span_at(from) {
            from = span;
        } else if b[from] == b'<' && b.get(from + 1).is_some_and(u8::is_ascii_alphabetic) {
            break;
        } else {
            from = memchr::memrchr(b'<', &b[..from]).unwrap_or(0);
        }
    }
    if (html.len() - from) + body_tag > html.len() * 9 / 10 {
        return None;
    }
    let mut metas: Vec<std::ops::Range<usize>> = Vec::new();
    for meta in hidden.tags(Tag::Meta).filter(|&m| m > body_tag) {
        if metas.last().is_some_and(|m| m.end > meta) {
            continue;
        }
        let end = memchr::memchr(b'>', &b[meta..]).map_or(b.len(), |e| meta + e + 1);
        metas.push(meta..end);
    }
    // What never shows (comments, scripts, styles) is left out too: it
    // would only cost the parser time.
    let dropped = |range: std::ops::Range<usize>| {
        hidden
            .spans
            .iter()
            .filter(move |s| s.droppable && s.start >= range.start && s.end <= range.end)
            .map(|s| s.start..s.end)
    };
    let head_cuts: Vec<_> = dropped(0..body_tag).collect();
    let mut cuts: Vec<_> = dropped(from..html.len())
        .chain(metas.iter().filter(|m| m.start >= from).cloned())
        .collect();
    cuts.sort_unstable_by_key(|c| c.start);
    let mut out = String::with_capacity(body_tag + html.len() - from + 256);
    copy_without(&mut out, html, 0..body_tag, &head_cuts, None);
    for m in &metas {
        out.push_str(&html[m.clone()]);
    }
    let last_container =
        copy_without(&mut out, html, from..html.len(), &cuts, Some(last)).unwrap_or(out.len());
    Some(Region {
        html: out,
        last_container,
    })
}

/// Appends `html[range]` to `out` without the `cuts` (sorted by start,
/// inside `range`; a cut overlapping an earlier one is merged into it);
/// returns where `mark` landed in `out`, if it was copied.
fn copy_without(
    out: &mut String,
    html: &str,
    range: std::ops::Range<usize>,
    cuts: &[std::ops::Range<usize>],
    mark: Option<usize>,
) -> Option<usize> {
    let mut marked = None;
    let mut copied = range.start;
    for cut in cuts
        .iter()
        .cloned()
        .chain(std::iter::once(range.end..range.end))
    {
        // A `<meta content="<!--…-->">` is a meta cut holding a comment cut.
        let start = cut.start.max(copied);
        if let Some(m) = mark
            && (copied..start).contains(&m)
        {
            marked = Some(out.len() + m - copied);
        }
        out.push_str(&html[copied..start]);
        copied = cut.end.max(copied);
    }
    marked
}

/// Whether an element with this `id` and `class` is a body container of a
/// CMS ([`BODY_IDS`], [`BODY_CLASSES`]).
fn body_container(id: &str, class: &str) -> bool {
    listed(id, BODY_IDS)
        || class
            .split_ascii_whitespace()
            .any(|c| listed(c, BODY_CLASSES))
}

/// The start of the tag around the attribute whose `=` is at `eq`, when
/// that attribute is an `id` or `class` naming a body container
/// ([`BODY_IDS`], [`BODY_CLASSES`]) and the tag is one that starts an
/// element wherever it stands (not a table part).
fn container_tag(b: &[u8], eq: usize) -> Option<usize> {
    // The attribute name before `=`.
    let name_end = eq
        - b[..eq]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_whitespace())
            .count();
    let attr_start = b[..name_end]
        .iter()
        .rposition(|c| !c.is_ascii_alphanumeric())
        .map_or(0, |p| p + 1);
    let attr = &b[attr_start..name_end];
    let list: &[&str] = if attr.eq_ignore_ascii_case(b"id") {
        BODY_IDS
    } else if attr.eq_ignore_ascii_case(b"class") {
        BODY_CLASSES
    } else {
        return None;
    };
    if attr_start == 0 || !b[attr_start - 1].is_ascii_whitespace() {
        return None;
    }
    // Its value: quoted, or up to a space or `>`.
    let mut v = eq + 1;
    while b.get(v).is_some_and(u8::is_ascii_whitespace) {
        v += 1;
    }
    let value = match b.get(v) {
        Some(&q @ (b'"' | b'\'')) => {
            let len = memchr::memchr(q, b.get(v + 1..)?)?;
            &b[v + 1..v + 1 + len]
        }
        _ => {
            let len = b[v..]
                .iter()
                .position(|c| c.is_ascii_whitespace() || *c == b'>')
                .unwrap_or(b.len() - v);
            &b[v..v + len]
        }
    };
    if !value
        .split(u8::is_ascii_whitespace)
        .any(|w| list.iter().any(|l| l.as_bytes().eq_ignore_ascii_case(w)))
    {
        return None;
    }
    // The tag: `<name` with nothing closed between it and the attribute.
    let lt = memchr::memrchr(b'<', &b[..attr_start])?;
    if memchr::memchr(b'>', &b[lt..attr_start]).is_some() {
        return None;
    }
    let tag = &b[lt + 1..attr_start];
    let name = &tag[..tag
        .iter()
        .position(|c| !c.is_ascii_alphanumeric())
        .unwrap_or(tag.len())];
    [
        &b"div"[..],
        b"section",
        b"article",
        b"main",
        b"span",
        b"font",
        b"p",
        b"center",
        b"form",
    ]
    .iter()
    .any(|n| n.eq_ignore_ascii_case(name))
    .then_some(lt)
}

/// The spans of a page whose text is not markup: comments, and the
/// contents of script, style, textarea, title and the like, each from its
/// opening `<` to its end. Found by a search for their openers and closers,
/// as far into the page as has been asked about; tags inside them are not
/// tags.
struct Hidden<'a> {
    b: &'a [u8],
    spans: Vec<Span>,
    /// Every span starting before this offset is known.
    scanned: usize,
    /// `<meta`, `<body` and `<title` start tags found outside the spans.
    tags: Vec<(Tag, usize)>,
}

/// A comment, or an element whose contents are raw text.
#[derive(Debug, Clone, Copy)]
struct Span {
    /// Its opening `<`.
    start: usize,
    /// Just past its end (the `-->`, or the `<` of the end tag).
    end: usize,
    /// A comment, a style, or a script without comment marks inside (whose
    /// end the search finds as a browser does): nothing of it is ever shown.
    droppable: bool,
}

/// The start tags [`Hidden`] notes on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Meta,
    Body,
    Title,
}

/// Elements whose contents are raw text (tag names, lower case).
const RAW_TEXT: [&str; 9] = [
    "script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes",
];

impl<'a> Hidden<'a> {
    fn new(b: &'a [u8]) -> Hidden<'a> {
        Hidden {
            b,
            spans: Vec::new(),
            scanned: 0,
            tags: Vec::new(),
        }
    }

    /// Finds the spans that start before `to`.
    fn scan_to(&mut self, to: usize) {
        let b = self.b;
        while self.scanned < to.min(b.len()) {
            let Some(p) = memchr::memchr(b'<', &b[self.scanned..]) else {
                self.scanned = b.len();
                return;
            };
            let start = self.scanned + p;
            let rest = &b[start + 1..];
            let close = if rest.starts_with(b"!--") {
                let rest = &rest[3..];
                // `<!-->` and `<!--->` are whole (empty) comments.
                let end = if rest.starts_with(b">") {
                    start + 5
                } else if rest.starts_with(b"->") {
                    start + 6
                } else {
                    memchr::memmem::find(rest, b"-->").map_or(b.len(), |e| start + 4 + e + 3)
                };
                Some((end, true))
            } else if let Some(name) = rest
                .first()
                .filter(|c| matches!(c.to_ascii_lowercase(), b's' | b't' | b'x' | b'n' | b'i'))
                .and_then(|_| {
                    RAW_TEXT
                        .iter()
                        .map(|n| n.as_bytes())
                        .find(|n| is_tag(b, start + 1, n))
                })
            {
                if name == b"title" {
                    self.tags.push((Tag::Title, start));
                }
                let from = start + 1 + name.len();
                let end = find_end_tag(&b[from..], name).map_or(b.len(), |e| from + e);
                let droppable = name == b"style"
                    || (name == b"script"
                        && end < b.len()
                        && memchr::memmem::find(&b[from..end], b"<!--").is_none());
                // A dropped element goes with its end tag.
                let end = if droppable {
                    memchr::memchr(b'>', &b[end..]).map_or(b.len(), |e| end + e + 1)
                } else {
                    end
                };
                Some((end, droppable))
            } else {
                None
            };
            match close {
                Some((end, droppable)) => {
                    self.spans.push(Span {
                        start,
                        end,
                        droppable,
                    });
                    self.scanned = end.max(start + 1);
                }
                None => {
                    let tag = match rest.first().map(u8::to_ascii_lowercase) {
                        Some(b'm') if is_tag(b, start + 1, b"meta") => Some(Tag::Meta),
                        Some(b'b') if is_tag(b, start + 1, b"body") => Some(Tag::Body),
                        Some(b't') if is_tag(b, start + 1, b"title") => Some(Tag::Title),
                        _ => None,
                    };
                    if let Some(tag) = tag {
                        self.tags.push((tag, start));
                    }
                    self.scanned = start + 1;
                }
            }
        }
    }

    /// The start of the span covering `at` (not at its own `<`), if any.
    fn span_at(&mut self, at: usize) -> Option<usize> {
        self.scan_to(at + 1);
        let i = self.spans.partition_point(|s| s.start <= at);
        let span = self.spans.get(i.checked_sub(1)?)?;
        (at < span.end && at > span.start).then_some(span.start)
    }

    fn covers(&mut self, at: usize) -> bool {
        self.span_at(at).is_some()
    }

    /// The offsets of the `tag` start tags outside the spans (ASCII case
    /// ignored), in page order, after scanning the whole page.
    fn tags(&mut self, tag: Tag) -> impl Iterator<Item = usize> + '_ {
        self.scan_to(self.b.len());
        self.tags
            .iter()
            .filter(move |(t, _)| *t == tag)
            .map(|&(_, at)| at)
    }
}

/// The first `</name` end tag in `b` (ASCII case ignored).
fn find_end_tag(b: &[u8], name: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(p) = memchr::memmem::find(&b[at..], b"</") {
        let lt = at + p;
        if is_tag(b, lt + 2, name) {
            return Some(lt);
        }
        at = lt + 2;
    }
    None
}

/// Whether `name` (ASCII case ignored) starts at `at` and ends there.
fn is_tag(b: &[u8], at: usize, name: &[u8]) -> bool {
    b.get(at..at + name.len())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && b.get(at + name.len())
            .is_none_or(|&c| c.is_ascii_whitespace() || c == b'>' || c == b'/')
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

/// The best CMS content container, if the page has one with real text, and
/// its tier (2: a body container, 1: a generic one).
fn container(dom: &Dom, stats: &Stats) -> Option<(u8, NodeId)> {
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
        let tier = if body_container(eid, class) {
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
    Some((tier, id))
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
    if eid.is_empty() && class.is_empty() {
        return false;
    }
    FURNITURE
        .iter()
        .any(|f| contains_ci(eid, f) || class.split_ascii_whitespace().any(|c| contains_ci(c, f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::normalize;

    const LONG: &str = "本年度报告根据《中华人民共和国政府信息公开条例》要求编制,全文包括概述、主动公开政府信息情况等部分。";

    /// A portal page: navigation, the heading, a body container, a footer.
    fn portal(container: &str, extra_nav: &str) -> String {
        let nav: String = (0..80)
            .map(|i| format!("<li><a href=\"/col/col{i}/index.html\">栏目{i}</a></li>"))
            .collect();
        format!(
            "<!DOCTYPE html><html><head><meta charset=utf-8><title>某县2020年报告_某县人民政府</title>\
             <script>document.getElementById('zoom');</script></head><body>{extra_nav}<ul class=nav>{nav}</ul>\
             <meta name=PubDate content=2021-01-20><div class=article><h1>某县2020年政府信息公开工作年度报告</h1>\
             <div class=info>发布时间:2021-01-20</div>{container}<p>{LONG}</p><p>一、总体情况</p></div></div>\
             <div class=footer>版权所有</div></body></html>"
        )
    }

    #[test]
    fn the_region_is_the_head_metas_and_the_body_container() {
        let html = portal("<div id=\"zoom\" class=\"content TRS_Editor\">", "");
        let region = region(&html).expect("a container").html;
        assert!(region.starts_with("<!DOCTYPE html><html><head>"));
        assert!(!region.contains("<script"), "scripts never show: left out");
        assert!(region.contains("<meta name=PubDate content=2021-01-20>"));
        assert!(!region.contains("栏目3<"), "the navigation is left out");
        assert!(
            region.contains("<h1>某县2020年"),
            "the window keeps the heading"
        );
        let (part, whole) = (split(&html), split_whole(&html));
        assert_eq!(part.body, whole.body);
        assert_eq!(part.metas, whole.metas);
        assert_eq!(part.title, whole.title);
        // The same text before the body, from the window's first whole line.
        let pre = normalize(&part.pre);
        let from_second_line = &pre[pre.find('\n').unwrap()..];
        assert!(normalize(&whole.pre).ends_with(from_second_line), "{pre:?}");
        assert!(pre.ends_with("年度报告\n发布时间:2021-01-20"));
    }

    #[test]
    fn comments_styles_and_plain_scripts_are_left_out_of_the_region() {
        let html = portal("<div id=zoom>", "").replace(
            "<div class=footer>",
            "<style>p{color:red}</style><!-- c --><script>if(a<b){}</script>\
             <script>document.write('<!--<script>x</script>-->')</script><div class=footer>",
        );
        let region = region(&html).expect("a container").html;
        assert!(!region.contains("<style") && !region.contains("<!-- c"));
        assert!(!region.contains("if(a<b)"));
        assert!(
            region.contains("document.write"),
            "a script with comment marks stays"
        );
        assert_eq!(split(&html).body, split_whole(&html).body);
    }

    #[test]
    fn a_comment_inside_a_meta_attribute_is_cut_once() {
        let html = portal("<div id=zoom>", "").replace(
            "<div class=footer>",
            "<meta name=c content=\"<!-- x -->\"><div class=footer>",
        );
        let region = region(&html).expect("a container").html;
        assert_eq!(region.matches("<!-- x").count(), 1, "moved with its meta");
        assert_eq!(split(&html).body, split_whole(&html).body);
    }

    #[test]
    fn metas_after_the_body_move_before_it_in_page_order() {
        let html = portal("<div class=TRS_Editor>", "<meta name=a content=1>").replace(
            "<div class=footer>",
            "<div class=footer><meta name=b content=2>",
        );
        let region = region(&html).expect("a container");
        assert!(region.html.contains(
            "</head><meta name=a content=1><meta name=PubDate content=2021-01-20><meta name=b content=2>"
        ));
        assert_eq!(region.html.matches("<meta name=b").count(), 1);
        assert!(region.html[region.last_container..].starts_with("<div class=TRS_Editor>"));
        let (part, whole) = (split(&html), split_whole(&html));
        assert_eq!(part.metas, whole.metas);
        assert_eq!(part.body, whole.body);
    }

    #[test]
    fn containers_in_comments_scripts_and_tables_are_not_regions() {
        for (container, nav) in [
            ("<div class=article-content>", "<!-- <div id=zoom> -->"),
            (
                "<div class=article-content>",
                "<script>var s='<div id=\"zoom\">';</script>",
            ),
            (
                "<div class=article-content>",
                "<textarea><div id=zoom></textarea>",
            ),
            ("<div class=article-content>", "<div title='id=zoom'></div>"),
        ] {
            let html = portal(container, nav);
            let region = region(&html).expect("the real container").html;
            assert!(region.contains(container), "{nav}");
            assert!(!region.contains(nav), "{nav}");
        }
        // A table cell is only a cell inside its table: the whole page is parsed.
        let html = portal("<table><tr><td class=TRS_Editor>", "");
        assert!(region(&html).is_none());
        assert_eq!(
            normalize(&split(&html).body),
            normalize(&split_whole(&html).body)
        );
        // Without a container, or with a commented-out <body>, no region.
        assert!(region(&portal("<div class=other>", "")).is_none());
        assert!(region("<html><head><title>x</title><!--<body>--></head><div id=zoom>").is_none());
    }

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
