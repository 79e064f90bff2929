//! Turning a subtree into text with its block structure: one paragraph per
//! line, table rows as `cell | cell | cell` lines, scripts, forms and hidden
//! elements left out.
//!
//! A table cell holding a few words is a data cell and stays on its row's
//! line; a cell holding a whole article (layout tables, common on older CMS
//! pages) is rendered as blocks of its own.

use super::{Dom, NONE, NodeId, NodeKind, flag};
#[cfg(test)]
use crate::decode::normalize::is_han;

/// Cells with more visible characters than this are layout cells.
const DATA_CELL_MAX: u32 = 160;

/// A link target's text, all its `<a>` together, is at most this long, or
/// its `<a>` average at most [`LINK_LABEL_AVG`] characters (a script menu
/// of many short `javascript:` links). Past both, the `<a>` is not a link
/// but markup left open: a cut tag such as `<a href="/col/9.html"</ul>`
/// that browsers keep open over the rest of the page, copying it around
/// every paragraph that follows (the article shows, as one long link). Its
/// text counts as text, not as link text.
const LINK_TEXT_MAX: u32 = 200;

/// See [`LINK_TEXT_MAX`].
const LINK_LABEL_AVG: u32 = 16;

/// Per-node counts of visible text, computed bottom-up without recursion.
pub struct Stats {
    /// Visible non-whitespace characters under each node.
    pub text: Vec<u32>,
    /// Of those, characters inside links (see [`LINK_TEXT_MAX`]).
    pub link: Vec<u32>,
    /// Han characters under each node (the report language).
    pub han: Vec<u32>,
    /// True when a `<table>` is strictly inside the node.
    pub has_table: Vec<bool>,
}

impl Stats {
    /// Counts text under every node of `dom`.
    pub fn new(dom: &Dom) -> Stats {
        let n = dom.nodes.len();
        let mut text = vec![0u32; n];
        let mut han = vec![0u32; n];
        let mut has_table = vec![false; n];
        let mut anchors = Vec::new();
        // Children always have larger ids than their parents: reverse passes.
        for id in (1..n).rev() {
            let node = &dom.nodes[id];
            match &node.kind {
                NodeKind::Text { start, end } => {
                    let s = &dom.text[*start as usize..*end as usize];
                    let (t, h) = count_text(s);
                    text[id] += t;
                    han[id] += h;
                }
                NodeKind::Element(e) => {
                    if e.hidden || e.flags & flag::SKIP != 0 {
                        text[id] = 0;
                        han[id] = 0;
                    } else if &*e.name == "a" {
                        anchors.push(id as NodeId);
                    }
                }
                NodeKind::Document => {}
            }
            let p = node.parent as usize;
            text[p] += text[id];
            han[p] += han[id];
            if has_table[id] || matches!(&node.kind, NodeKind::Element(e) if &*e.name == "table") {
                has_table[p] = true;
            }
        }
        let link = link_text(dom, &text, &anchors);
        Stats {
            text,
            link,
            han,
            has_table,
        }
    }
}

/// Link text under every node: the text of the `<a>` elements that are
/// links (see [`LINK_TEXT_MAX`]), summed bottom-up.
fn link_text(dom: &Dom, text: &[u32], anchors: &[NodeId]) -> Vec<u32> {
    let mut link = vec![0u32; text.len()];
    if anchors.is_empty() {
        return link;
    }
    // Per target: number of <a>, their text.
    let mut targets: std::collections::HashMap<Option<&str>, (u32, u32)> =
        std::collections::HashMap::with_capacity(anchors.len());
    for &a in anchors {
        let t = targets
            .entry(dom.attr(a, "href").map(str::trim))
            .or_default();
        t.0 += 1;
        t.1 = t.1.saturating_add(text[a as usize]);
    }
    for &a in anchors {
        let (count, total) = targets[&dom.attr(a, "href").map(str::trim)];
        if total <= LINK_TEXT_MAX || total <= count * LINK_LABEL_AVG {
            link[a as usize] = text[a as usize];
        }
    }
    for id in (1..text.len()).rev() {
        let node = &dom.nodes[id];
        if let NodeKind::Element(e) = &node.kind
            && (e.hidden || e.flags & flag::SKIP != 0)
        {
            link[id] = 0;
        }
        link[node.parent as usize] += link[id];
    }
    link
}

/// Visible (non-whitespace) characters and Han characters of a text,
/// counted on UTF-8 bytes without decoding: Han is U+4E00–U+9FFF (lead bytes
/// E4–E9), extension A (E3 90–E4 B6), compatibility ideographs (EF A4–AB) and
/// the supplementary ideographs (F0 A0–B1); whitespace beyond ASCII is NBSP,
/// U+2000–U+200A, U+2028/9, U+202F, U+205F and U+3000.
fn count_text(s: &str) -> (u32, u32) {
    let b = s.as_bytes();
    let (mut text, mut han) = (0u32, 0u32);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            text += u32::from(!c.is_ascii_whitespace());
            i += 1;
            continue;
        }
        let b1 = b.get(i + 1).copied().unwrap_or(0);
        let b2 = b.get(i + 2).copied().unwrap_or(0);
        let (width, space, is_han) = match c {
            0xC2 => (2, b1 == 0xA0 || b1 == 0x85, false),
            0xC3..=0xDF => (2, false, false),
            0xE2 => (
                3,
                b1 == 0x80 && (b2 <= 0x8A || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF)
                    || b1 == 0x81 && b2 == 0x9F,
                false,
            ),
            0xE3 => (3, b1 == 0x80 && b2 == 0x80, b1 >= 0x90),
            0xE4..=0xE9 => (3, false, true),
            0xEF => (3, false, (0xA4..=0xAB).contains(&b1)),
            0xE0..=0xEF => (3, false, false),
            0xF0 => (4, false, (0xA0..=0xB1).contains(&b1)),
            0xF1..=0xF7 => (4, false, false),
            _ => (1, false, false),
        };
        if !space {
            text += 1;
            han += u32::from(is_han);
        }
        i += width;
    }
    (text, han)
}

/// Renders the subtree at `root` as text, stopping (exclusive) at `stop_at`
/// when it is not [`NONE`]. `skip` says which elements to leave out besides
/// the always-skipped ones.
pub fn render(
    dom: &Dom,
    stats: &Stats,
    root: NodeId,
    stop_at: NodeId,
    skip: &dyn Fn(NodeId) -> bool,
) -> String {
    // At most the page's text and a few separator bytes per node: reserved
    // once (what is not written costs nothing), where doubling would hold
    // up to twice the text and copy it on the way.
    let mut out = String::with_capacity(dom.text.len() + 4 * dom.nodes.len());
    // (node, entering) pairs; inline_rows counts enclosing one-line table rows.
    let mut stack: Vec<(NodeId, bool)> = vec![(root, true)];
    let mut inline_rows = 0usize;
    let mut first_cell: Vec<bool> = Vec::new();
    let mut row_inline: Vec<bool> = Vec::new();
    while let Some((id, entering)) = stack.pop() {
        if id == stop_at {
            break;
        }
        let node = &dom.nodes[id as usize];
        match &node.kind {
            NodeKind::Text { start, end } => {
                let s = &dom.text[*start as usize..*end as usize];
                // Line breaks (and tabs, form feeds) inside a text node are
                // spaces. All four are ASCII: found by byte.
                let mut from = 0;
                for at in s
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
                    .map(|(i, _)| i)
                {
                    out.push_str(&s[from..at]);
                    out.push(' ');
                    from = at + 1;
                }
                out.push_str(&s[from..]);
            }
            NodeKind::Document => {
                push_children(dom, id, &mut stack);
            }
            NodeKind::Element(e) => {
                let name = &*e.name;
                if entering {
                    if id != root && (e.hidden || e.flags & flag::SKIP != 0 || skip(id)) {
                        continue;
                    }
                    match name {
                        "br" => out.push(if inline_rows > 0 { ' ' } else { '\n' }),
                        "tr" => {
                            let inline = row_is_inline(dom, stats, id);
                            out.push('\n');
                            if inline {
                                inline_rows += 1;
                            }
                            first_cell.push(true);
                            row_inline.push(inline);
                            stack.push((id, false));
                            push_children(dom, id, &mut stack);
                            continue;
                        }
                        "td" | "th" => {
                            if inline_rows > 0 {
                                if let Some(first) = first_cell.last_mut() {
                                    if !*first {
                                        out.push_str(" | ");
                                    }
                                    *first = false;
                                }
                            } else {
                                out.push('\n');
                            }
                        }
                        _ if e.flags & flag::BLOCK != 0 => {
                            out.push(if inline_rows > 0 { ' ' } else { '\n' })
                        }
                        _ => {}
                    }
                    stack.push((id, false));
                    push_children(dom, id, &mut stack);
                } else {
                    match name {
                        "tr" => {
                            let had_cells = first_cell.pop() == Some(false);
                            if row_inline.pop() == Some(true) {
                                inline_rows = inline_rows.saturating_sub(1);
                                // Close the last cell, so that an empty one survives.
                                if had_cells {
                                    out.push_str(" |");
                                }
                            }
                            out.push('\n');
                        }
                        "td" | "th" if inline_rows == 0 => out.push('\n'),
                        _ if e.flags & flag::BLOCK != 0 => {
                            out.push(if inline_rows > 0 { ' ' } else { '\n' })
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    out
}

fn push_children(dom: &Dom, id: NodeId, stack: &mut Vec<(NodeId, bool)>) {
    let start = stack.len();
    let mut c = dom.nodes[id as usize].first_child;
    while c != NONE {
        stack.push((c, true));
        c = dom.nodes[c as usize].next_sibling;
    }
    stack[start..].reverse();
}

/// A row whose cells all hold little text, in at most one paragraph, and no
/// nested table, is one line.
fn row_is_inline(dom: &Dom, stats: &Stats, tr: NodeId) -> bool {
    dom.children(tr).all(|c| match dom.name(c) {
        "td" | "th" => {
            let text = stats.text[c as usize];
            if text > DATA_CELL_MAX || stats.has_table[c as usize] {
                return false;
            }
            let blocks = dom
                .children(c)
                .filter(|&b| {
                    stats.text[b as usize] > 0
                        && dom.element(b).is_some_and(|e| e.flags & flag::BLOCK != 0)
                })
                .count();
            blocks < 2 || text <= 40
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::normalize::normalize;

    fn text(html: &str) -> String {
        let dom = Dom::parse(html);
        let stats = Stats::new(&dom);
        normalize(&render(&dom, &stats, 0, NONE, &|_| false))
    }

    #[test]
    fn blocks_become_lines() {
        assert_eq!(
            text("<div><h1>标题</h1><p>第一段<b>粗</b>体</p>第二<br>行<script>x</script></div>"),
            "标题\n第一段粗体\n第二\n行"
        );
    }

    #[test]
    fn data_tables_become_pipe_rows() {
        let html = "<table><tr><td><p>规章</p></td><td>0</td><td>&nbsp;</td><td>3</td></tr><tr><th>行政许可</th><td>5</td></tr></table>";
        assert_eq!(text(html), "规章 | 0 | | 3 |\n行政许可 | 5 |");
    }

    #[test]
    fn layout_cells_keep_their_paragraphs() {
        let long = "长".repeat(200);
        let html =
            format!("<table><tr><td>导航</td><td><p>{long}</p><p>第二段</p></td></tr></table>");
        assert_eq!(text(&html), format!("导航\n{long}\n第二段"));
    }

    #[test]
    fn byte_counting_agrees_with_char_classes() {
        let sample = "政府 信息\u{3000}公开\u{a0}2023年㐀\u{2003}說明\u{F900}𠀀ａ,";
        let (t, h) = count_text(sample);
        assert_eq!(
            t,
            sample.chars().filter(|c| !c.is_whitespace()).count() as u32
        );
        assert_eq!(h, sample.chars().filter(|&c| is_han(c)).count() as u32);
    }

    #[test]
    fn stats_count_visible_text_and_links() {
        let dom =
            Dom::parse("<div><a href=x>链接文字</a>正文<span style=display:none>隐藏</span></div>");
        let s = Stats::new(&dom);
        let div = dom.find_tag("div").unwrap() as usize;
        assert_eq!(s.text[div], 6);
        assert_eq!(s.link[div], 4);
        assert_eq!(s.han[div], 6);
    }

    #[test]
    fn a_link_left_open_around_the_article_is_not_link_text() {
        // Browsers keep a cut <a> open over all that follows, copying it
        // into every paragraph.
        let article = "<p>正文第一段的文字,足够长的一段话。</p>".repeat(20);
        let menu = "<a href='javascript:;'>菜单</a>".repeat(60);
        for cut in ["<a href", "<a href='/col/9.html'"] {
            let dom = Dom::parse(&format!(
                "<ul><li><a href=/1>栏目</a></li><li>{cut}</ul><div id=zoom><h1>标题</h1>{article}</div><a href=/2>打印</a>{menu}"
            ));
            let s = Stats::new(&dom);
            let zoom = dom.descendants(0).find(|&n| dom.has_id(n, "zoom")).unwrap() as usize;
            assert_eq!(s.text[zoom], 2 + 20 * 17);
            assert_eq!(s.link[zoom], 0, "{cut}");
            assert_eq!(s.link[0], 2 + 2 + 120, "{cut}");
        }
    }
}
