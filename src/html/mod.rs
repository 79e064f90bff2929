//! A small, forgiving HTML parser into a flat node arena.
//!
//! Report pages are tag soup: unclosed `<p>` and `<td>`, stray end tags, CMS
//! templates nested a hundred levels deep, and hostile pages nested far deeper.
//! This parser never recurses: the tree is a `Vec` of nodes linked by index,
//! open elements live on an explicit stack whose depth is capped
//! ([`MAX_DEPTH`]; deeper tags become siblings), end tags search a bounded
//! part of that stack, and every walk over the tree is iterative. Time is
//! linear in the input.
//!
//! It keeps what extraction needs: element names, a few attributes (`id`,
//! `class`, spans, `href`, `title`, `content`, …), hidden-ness (`display:none`,
//! `hidden`), and text with entities decoded. Scripts, styles and comments are
//! skipped while tokenising.

pub mod render;
pub mod table;

/// Deepest nesting kept; deeper start tags are attached at this depth.
pub const MAX_DEPTH: usize = 512;

/// How far up the open-element stack an end tag looks for its start tag.
const END_TAG_SEARCH: usize = 128;

/// Index of a node in a [`Dom`].
pub type NodeId = u32;

/// "No node".
pub const NONE: NodeId = u32::MAX;

/// A parsed page.
#[derive(Debug, Default)]
pub struct Dom {
    /// All nodes; index 0 is the document.
    pub nodes: Vec<Node>,
    /// Text of all text nodes, entities decoded, back to back.
    pub text: String,
    /// The `<title>` text, if any.
    pub title: Option<String>,
    /// `<meta name=… content=…>` pairs (names lowercased), in document order.
    pub metas: Vec<(String, String)>,
}

/// One node of the tree.
#[derive(Debug)]
pub struct Node {
    /// Parent node ([`NONE`] for the document).
    pub parent: NodeId,
    /// First child.
    pub first_child: NodeId,
    /// Last child.
    pub last_child: NodeId,
    /// Next sibling.
    pub next_sibling: NodeId,
    /// What the node is.
    pub kind: NodeKind,
}

/// Node payload.
#[derive(Debug)]
pub enum NodeKind {
    /// The root.
    Document,
    /// An element.
    Element(Element),
    /// Text: a byte range of [`Dom::text`].
    Text {
        /// Start of the text in [`Dom::text`].
        start: u32,
        /// End of the text in [`Dom::text`].
        end: u32,
    },
}

/// An element's name and kept attributes.
#[derive(Debug)]
pub struct Element {
    /// Lowercase tag name.
    pub name: Box<str>,
    /// Kept attributes, names lowercased.
    pub attrs: Vec<(Box<str>, Box<str>)>,
    /// `display:none`, `visibility:hidden`, the `hidden` attribute.
    pub hidden: bool,
}

impl Element {
    /// An attribute's value.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, v)| &**v)
    }

    /// True when the `class` attribute lists `class` (ASCII case-insensitive).
    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class").is_some_and(|c| {
            c.split_ascii_whitespace()
                .any(|c| c.eq_ignore_ascii_case(class))
        })
    }

    /// True when the `id` attribute is `id` (ASCII case-insensitive).
    pub fn has_id(&self, id: &str) -> bool {
        self.attr("id")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(id))
    }
}

const KEPT_ATTRS: [&str; 12] = [
    "id",
    "class",
    "style",
    "colspan",
    "rowspan",
    "href",
    "title",
    "name",
    "content",
    "hidden",
    "aria-hidden",
    "align",
];

const VOID: [&str; 16] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "basefont", "keygen",
];

/// Elements whose content is raw text, skipped (or kept, for `title`/`textarea`).
const RAW_TEXT: [&str; 10] = [
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "template", "title",
    "textarea",
];

/// Block elements that close an open `<p>`.
const CLOSES_P: [&str; 30] = [
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "table",
];

impl Dom {
    /// Parses a page.
    pub fn parse(html: &str) -> Dom {
        Parser::new(html).run()
    }

    /// The element of a node, if it is one.
    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes.get(id as usize)?.kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The tag name of a node ("" for non-elements).
    pub fn name(&self, id: NodeId) -> &str {
        self.element(id).map_or("", |e| &e.name)
    }

    /// The text of a text node.
    pub fn text_of(&self, id: NodeId) -> Option<&str> {
        match self.nodes.get(id as usize)?.kind {
            NodeKind::Text { start, end } => Some(&self.text[start as usize..end as usize]),
            _ => None,
        }
    }

    /// Children of a node, in order.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children {
            dom: self,
            next: self.nodes[id as usize].first_child,
        }
    }

    /// All nodes under `root` (itself included) in document order, iteratively.
    pub fn descendants(&self, root: NodeId) -> Descendants<'_> {
        Descendants {
            dom: self,
            root,
            next: root,
        }
    }

    /// The first element with this tag name, in document order.
    pub fn find_tag(&self, name: &str) -> Option<NodeId> {
        self.descendants(0).find(|&n| self.name(n) == name)
    }

    /// The next node in document order after `id`, within `root`.
    pub fn next_in_order(&self, id: NodeId, root: NodeId) -> NodeId {
        let node = &self.nodes[id as usize];
        if node.first_child != NONE {
            return node.first_child;
        }
        let mut cur = id;
        while cur != root {
            let n = &self.nodes[cur as usize];
            if n.next_sibling != NONE {
                return n.next_sibling;
            }
            cur = n.parent;
        }
        NONE
    }

    /// The next node in document order after `id`'s whole subtree, within `root`.
    pub fn skip_subtree(&self, id: NodeId, root: NodeId) -> NodeId {
        let mut cur = id;
        while cur != root && cur != NONE {
            let n = &self.nodes[cur as usize];
            if n.next_sibling != NONE {
                return n.next_sibling;
            }
            cur = n.parent;
        }
        NONE
    }
}

/// Iterator over a node's children.
pub struct Children<'a> {
    dom: &'a Dom,
    next: NodeId,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let cur = self.next;
        self.next = self.dom.nodes[cur as usize].next_sibling;
        Some(cur)
    }
}

/// Iterator over a subtree in document order.
pub struct Descendants<'a> {
    dom: &'a Dom,
    root: NodeId,
    next: NodeId,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let cur = self.next;
        self.next = self.dom.next_in_order(cur, self.root);
        Some(cur)
    }
}

struct Parser<'a> {
    src: &'a str,
    /// No `>` exists at or after this offset (memo for unterminated tags).
    no_gt_from: usize,
    dom: Dom,
    /// Open elements; `stack[0]` is the document.
    stack: Vec<NodeId>,
    /// Depth past which new elements are not opened.
    capped: bool,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        let mut dom = Dom::default();
        dom.nodes.push(Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            kind: NodeKind::Document,
        });
        dom.text.reserve(src.len() / 3);
        Parser {
            src,
            dom,
            stack: vec![0],
            capped: false,
            no_gt_from: usize::MAX,
        }
    }

    fn run(mut self) -> Dom {
        let b = self.src.as_bytes();
        let mut i = 0;
        let mut text_start = 0;
        while i < b.len() {
            let Some(off) = b[i..].iter().position(|&c| c == b'<') else {
                break;
            };
            let lt = i + off;
            let next = b.get(lt + 1).copied().unwrap_or(0);
            if next == b'!' || next == b'?' {
                self.push_text(text_start, lt);
                i = if b[lt..].starts_with(b"<!--") {
                    find_from(b, lt + 4, b"-->").map_or(b.len(), |e| e + 3)
                } else {
                    // A bogus comment; without any `>` left it is just text.
                    self.find_gt(lt + 2).map_or(lt + 1, |e| e + 1)
                };
                text_start = i;
            } else if next == b'/' && b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
                self.push_text(text_start, lt);
                let (name, end) = read_name(b, lt + 2);
                i = self.find_gt(end).map_or(b.len(), |e| e + 1);
                text_start = i;
                self.end_tag(&name);
            } else if next.is_ascii_alphabetic() {
                self.push_text(text_start, lt);
                let (name, after_name) = read_name(b, lt + 1);
                let (attrs, self_closing, end) = read_attrs(self.src, after_name);
                i = end;
                text_start = i;
                if RAW_TEXT.contains(&name.as_str()) {
                    let close = find_end_tag(b, i, name.as_bytes());
                    let (content_end, resume) = close.unwrap_or((b.len(), b.len()));
                    if !self_closing {
                        match name.as_str() {
                            "title" if self.dom.title.is_none() => {
                                let t =
                                    html_escape::decode_html_entities(&self.src[i..content_end]);
                                self.dom.title = Some(t.trim().to_string());
                            }
                            "textarea" => {
                                let id = self.open_element(name, attrs, false);
                                self.push_text(i, content_end);
                                self.close_to(id);
                            }
                            _ => {}
                        }
                        i = resume;
                        text_start = i;
                    }
                    continue;
                }
                if name == "meta" {
                    self.note_meta(&attrs);
                }
                let void = VOID.contains(&name.as_str()) || self_closing;
                self.start_tag(name, attrs, void);
            } else {
                i = lt + 1;
            }
        }
        self.push_text(text_start, b.len());
        self.dom
    }

    /// The next `>` at or after `from`, remembering where none is left.
    fn find_gt(&mut self, from: usize) -> Option<usize> {
        if from >= self.no_gt_from {
            return None;
        }
        let found = find_byte(self.src.as_bytes(), from, b'>');
        if found.is_none() {
            self.no_gt_from = from;
        }
        found
    }

    fn note_meta(&mut self, attrs: &[(Box<str>, Box<str>)]) {
        let get = |n: &str| {
            attrs
                .iter()
                .find(|(k, _)| &**k == n)
                .map(|(_, v)| v.trim().to_string())
        };
        if let (Some(name), Some(content)) = (get("name"), get("content")) {
            self.dom.metas.push((name.to_ascii_lowercase(), content));
        }
    }

    fn current(&self) -> NodeId {
        *self.stack.last().expect("document is always open")
    }

    fn append(&mut self, parent: NodeId, kind: NodeKind) -> NodeId {
        let id = self.dom.nodes.len() as NodeId;
        self.dom.nodes.push(Node {
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            kind,
        });
        let p = &mut self.dom.nodes[parent as usize];
        let prev_last = p.last_child;
        p.last_child = id;
        if prev_last == NONE {
            p.first_child = id;
        } else {
            self.dom.nodes[prev_last as usize].next_sibling = id;
        }
        id
    }

    fn push_text(&mut self, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let raw = &self.src[from..to];
        let start = self.dom.text.len();
        if raw.contains('&') {
            html_escape::decode_html_entities_to_string(raw, &mut self.dom.text);
        } else {
            self.dom.text.push_str(raw);
        }
        let end = self.dom.text.len();
        if end > start {
            let parent = self.current();
            // Merge with a preceding text sibling (split by a comment, say).
            let last = self.dom.nodes[parent as usize].last_child;
            if last != NONE
                && let NodeKind::Text { end: e, .. } = &mut self.dom.nodes[last as usize].kind
                && *e as usize == start
            {
                *e = end as u32;
                return;
            }
            self.append(
                parent,
                NodeKind::Text {
                    start: start as u32,
                    end: end as u32,
                },
            );
        }
    }

    fn open_element(
        &mut self,
        name: String,
        attrs: Vec<(Box<str>, Box<str>)>,
        void: bool,
    ) -> NodeId {
        let hidden = is_hidden(&attrs);
        let parent = self.current();
        let id = self.append(
            parent,
            NodeKind::Element(Element {
                name: name.into_boxed_str(),
                attrs,
                hidden,
            }),
        );
        if !void {
            if self.stack.len() >= MAX_DEPTH {
                self.capped = true;
            } else {
                self.stack.push(id);
            }
        }
        id
    }

    fn start_tag(&mut self, name: String, attrs: Vec<(Box<str>, Box<str>)>, void: bool) {
        match name.as_str() {
            n if CLOSES_P.contains(&n) || n == "li" || n == "dd" || n == "dt" => {
                if self.dom.name(self.current()) == "p" {
                    self.stack.pop();
                }
                match n {
                    "li" => self.close_open(&["li"], &["ul", "ol", "menu", "table", "td", "th"]),
                    "dd" | "dt" => self.close_open(&["dd", "dt"], &["dl", "table", "td", "th"]),
                    _ => {}
                }
            }
            "tr" => self.close_open(&["tr"], &["table", "tbody", "thead", "tfoot"]),
            "td" | "th" => self.close_open(&["td", "th"], &["tr", "table"]),
            "tbody" | "thead" | "tfoot" => {
                self.close_open(&["tbody", "thead", "tfoot", "tr", "td", "th"], &["table"])
            }
            _ => {}
        }
        self.open_element(name, attrs, void);
    }

    /// Closes the nearest open element named in `names`, unless a `boundary`
    /// element comes first.
    fn close_open(&mut self, names: &[&str], boundary: &[&str]) {
        for depth in (1..self.stack.len()).rev().take(END_TAG_SEARCH) {
            let n = self.dom.name(self.stack[depth]);
            if names.contains(&n) {
                self.stack.truncate(depth);
                return;
            }
            if boundary.contains(&n) {
                return;
            }
        }
    }

    fn close_to(&mut self, id: NodeId) {
        if let Some(pos) = self.stack.iter().rposition(|&n| n == id) {
            self.stack.truncate(pos);
        }
    }

    fn end_tag(&mut self, name: &str) {
        if VOID.contains(&name) {
            if name == "br" {
                self.open_element("br".to_string(), Vec::new(), true);
            }
            return;
        }
        let table_tag = matches!(
            name,
            "table" | "tbody" | "thead" | "tfoot" | "tr" | "td" | "th"
        );
        for depth in (1..self.stack.len()).rev().take(END_TAG_SEARCH) {
            let n = self.dom.name(self.stack[depth]);
            if n == name {
                self.stack.truncate(depth);
                return;
            }
            // A stray end tag inside a cell must not close the table around it.
            if !table_tag && matches!(n, "td" | "th" | "table" | "caption") {
                return;
            }
        }
    }
}

fn is_hidden(attrs: &[(Box<str>, Box<str>)]) -> bool {
    attrs.iter().any(|(k, v)| match &**k {
        "hidden" => true,
        "aria-hidden" => v.eq_ignore_ascii_case("true"),
        "style" => {
            let s: String = v
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        }
        _ => false,
    })
}

/// Where a quoted attribute value ends, and where parsing resumes: after its
/// closing quote; or, when a new tag starts before one (an unterminated
/// quote), at the last `>` before that tag; or, with no closing quote left in
/// the page, at the first space or non-ASCII byte (the quote was a typo, not a
/// value swallowing the page). Bounded by the distance to the next tag, so
/// many unterminated quotes cannot make parsing quadratic.
fn quoted_value_end(b: &[u8], from: usize, q: u8) -> (usize, usize) {
    let mut last_gt = None;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            c if c == q => return (i, i + 1),
            b'>' => last_gt = Some(i),
            b'<' if b
                .get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!') =>
            {
                let end = last_gt.unwrap_or(i);
                return (end, end);
            }
            _ => {}
        }
        i += 1;
    }
    let end = last_gt.unwrap_or_else(|| {
        b[from..]
            .iter()
            .position(|c| c.is_ascii_whitespace() || *c >= 0x80)
            .map_or(b.len(), |p| from + p)
    });
    (end, end)
}

fn find_byte(b: &[u8], from: usize, c: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|p| from + p)
}

fn find_from(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let hay = b.get(from..)?;
    let first = needle[0];
    let mut i = 0;
    while let Some(p) = hay[i..].iter().position(|&x| x == first) {
        let at = i + p;
        if hay[at..].starts_with(needle) {
            return Some(from + at);
        }
        i = at + 1;
    }
    None
}

/// Finds `</name` (case-insensitive) from `from`; returns the content end and
/// the offset after the end tag's `>`.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<(usize, usize)> {
    let mut i = from;
    while let Some(lt) = find_from(b, i, b"</") {
        let s = lt + 2;
        if b.len() >= s + name.len() && b[s..s + name.len()].eq_ignore_ascii_case(name) {
            let after = s + name.len();
            if b.get(after)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/')
            {
                let end = find_byte(b, after, b'>').map_or(b.len(), |e| e + 1);
                return Some((lt, end));
            }
        }
        i = lt + 2;
    }
    None
}

fn read_name(b: &[u8], from: usize) -> (String, usize) {
    let mut i = from;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let name = String::from_utf8_lossy(&b[from..i]).to_ascii_lowercase();
    (name, i)
}

type Attrs = Vec<(Box<str>, Box<str>)>;

/// Reads attributes up to the tag's `>`; returns them, the self-closing flag and
/// the offset after `>`.
fn read_attrs(src: &str, from: usize) -> (Attrs, bool, usize) {
    let b = src.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    let mut self_closing = false;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        if i >= b.len() {
            return (attrs, self_closing, b.len());
        }
        if b[i] == b'>' {
            return (attrs, self_closing, i + 1);
        }
        // A `<` inside a tag means the tag was never closed, and attribute
        // names are ASCII: text after a broken tag is text. Stop here.
        if b[i] == b'<' || b[i] >= 0x80 {
            return (attrs, false, i);
        }
        self_closing = false;
        let ns = i;
        while i < b.len()
            && !b[i].is_ascii_whitespace()
            && !matches!(b[i], b'=' | b'>' | b'/' | b'<')
        {
            i += 1;
        }
        let name = &src[ns..i];
        let mut j = i;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        let mut value = "";
        let mut quoted = false;
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                let q = b[j];
                let vs = j + 1;
                let (ve, resume) = quoted_value_end(b, vs, q);
                value = &src[vs..ve];
                quoted = true;
                i = resume;
            } else {
                let vs = j;
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
                value = &src[vs..j];
                i = j;
            }
        }
        let _ = quoted;
        let lname = name.to_ascii_lowercase();
        if KEPT_ATTRS.contains(&lname.as_str())
            && !attrs
                .iter()
                .any(|(n, _): &(Box<str>, Box<str>)| **n == *lname)
        {
            let v = html_escape::decode_html_entities(value);
            attrs.push((lname.into_boxed_str(), v.into_owned().into_boxed_str()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dom: &Dom) -> Vec<String> {
        dom.descendants(0)
            .filter_map(|n| dom.element(n).map(|e| e.name.to_string()))
            .collect()
    }

    #[test]
    fn parses_tag_soup() {
        let dom = Dom::parse(
            "<html><body><p>一<p>二<div id=zoom class='a TRS_Editor'>三&nbsp;&lt;</div></body>",
        );
        assert_eq!(names(&dom), ["html", "body", "p", "p", "div"]);
        let div = dom
            .descendants(0)
            .find(|&n| dom.element(n).is_some_and(|e| e.has_id("ZOOM")))
            .unwrap();
        assert!(dom.element(div).unwrap().has_class("trs_editor"));
        let text: Vec<&str> = dom
            .descendants(div)
            .filter_map(|n| dom.text_of(n))
            .collect();
        assert_eq!(text, ["三\u{a0}<"]);
        // The second <p> closed the first; the div closed the second.
        let ps: Vec<_> = dom.descendants(0).filter(|&n| dom.name(n) == "p").collect();
        assert_eq!(
            dom.nodes[ps[1] as usize].parent,
            dom.nodes[ps[0] as usize].parent
        );
    }

    #[test]
    fn scripts_comments_and_title() {
        let dom = Dom::parse(
            "<title>报告 &amp; 年报</title><script>var a='<p>x</p>';</script><!-- <p>c</p> --><p>正文</p><meta name=PubDate content='2014-02-20'>",
        );
        assert_eq!(dom.title.as_deref(), Some("报告 & 年报"));
        assert_eq!(names(&dom), ["p", "meta"]);
        assert_eq!(
            dom.metas,
            [("pubdate".to_string(), "2014-02-20".to_string())]
        );
    }

    #[test]
    fn tables_close_implicitly() {
        let dom = Dom::parse("<table><tr><td>a<td>b<tr><td>c</table><p>after");
        let trs: Vec<_> = dom
            .descendants(0)
            .filter(|&n| dom.name(n) == "tr")
            .collect();
        assert_eq!(trs.len(), 2);
        assert_eq!(dom.children(trs[0]).count(), 2);
        let p = dom.find_tag("p").unwrap();
        assert_eq!(dom.name(dom.nodes[p as usize].parent), "");
    }

    #[test]
    fn stray_end_tags_do_not_break_cells() {
        let dom = Dom::parse("<table><tr><td><div>a</span></div></td><td>b</td></tr></table>");
        let tr = dom.find_tag("tr").unwrap();
        assert_eq!(dom.children(tr).count(), 2);
    }

    #[test]
    fn deep_nesting_is_capped_without_recursion() {
        let html = "<div>".repeat(200_000) + "深" + &"</div>".repeat(200_000);
        let dom = Dom::parse(&html);
        assert_eq!(
            dom.descendants(0)
                .filter_map(|n| dom.text_of(n))
                .collect::<String>(),
            "深"
        );
        let max_depth = dom
            .descendants(0)
            .map(|mut n| {
                let mut d = 0;
                while n != NONE {
                    n = dom.nodes[n as usize].parent;
                    d += 1;
                }
                d
            })
            .max()
            .unwrap();
        assert!(max_depth <= MAX_DEPTH + 2, "{max_depth}");
    }

    #[test]
    fn hidden_elements_and_unterminated_input() {
        let dom =
            Dom::parse("<p style='DISPLAY: none'>spam</p><p hidden>x</p><p>ok</p><div class=\"a");
        let hidden: Vec<bool> = dom
            .descendants(0)
            .filter_map(|n| dom.element(n))
            .map(|e| e.hidden)
            .collect();
        assert_eq!(hidden, [true, true, false, false]);
        let dom = Dom::parse("<p>a<");
        assert_eq!(
            dom.descendants(0)
                .filter_map(|n| dom.text_of(n))
                .collect::<String>(),
            "a<"
        );
    }
}
