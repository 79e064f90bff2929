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

use std::borrow::Cow;

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
    /// Kept attributes of all elements, element by element.
    pub attrs: Vec<Attr>,
    /// Attribute values (entities decoded), back to back.
    pub attr_values: String,
}

/// One kept attribute: its lowercase name and its value's range in
/// [`Dom::attr_values`].
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    /// Lowercase name.
    pub name: &'static str,
    start: u32,
    end: u32,
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

/// An element's name and where its kept attributes are.
#[derive(Debug)]
pub struct Element {
    /// Lowercase tag name (shared, not allocated, for the common tags).
    pub name: Cow<'static, str>,
    /// Index of its first attribute in [`Dom::attrs`].
    attr_start: u32,
    /// Number of its attributes there.
    attr_count: u8,
    /// `display:none`, `visibility:hidden`, the `hidden` attribute.
    pub hidden: bool,
    /// The name's [`flag`]s.
    pub flags: u8,
}

/// Attributes kept on elements (everything else is read and dropped).
const KEPT_ATTRS: [&str; 6] = ["id", "class", "colspan", "rowspan", "href", "title"];

/// Attributes kept on `<meta>` only.
const META_ATTRS: [&str; 2] = ["name", "content"];

/// What an element is, decided once from its name.
pub mod flag {
    /// Starts and ends a line (div, p, li, table, h1 …).
    pub const BLOCK: u8 = 1;
    /// Never reaches the text (script, style, head, form controls, media …).
    pub const SKIP: u8 = 2;
    /// Has no end tag (br, img, meta …).
    pub const VOID: u8 = 4;
    /// Holds raw text up to its end tag (script, style, title, textarea …).
    pub const RAW: u8 = 8;
    /// Closes an open `<p>` when it starts.
    pub const CLOSES_P: u8 = 16;
}

/// The [`flag`]s of a lowercase tag name.
pub fn tag_flags(name: &str) -> u8 {
    use flag::*;
    match name {
        "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog"
        | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "form"
        | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup" | "main" | "menu"
        | "nav" | "ol" | "p" | "table" | "ul" | "section" | "pre" => BLOCK | CLOSES_P,
        "hr" => BLOCK | CLOSES_P | VOID,
        "li" | "dd" | "dt" | "caption" | "summary" | "body" | "html" => BLOCK,
        "head" | "select" | "option" | "button" | "svg" | "canvas" | "map" | "audio" | "video"
        | "object" => SKIP,
        "script" | "style" | "noscript" | "template" | "iframe" | "xmp" | "noembed"
        | "noframes" => SKIP | RAW,
        "title" | "textarea" => RAW,
        "embed" | "input" => SKIP | VOID,
        "area" | "base" | "br" | "col" | "img" | "link" | "meta" | "param" | "source" | "track"
        | "wbr" | "basefont" | "keygen" => VOID,
        _ => 0,
    }
}

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

    /// An element's attribute value (`None` for other nodes or a missing one).
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        let e = self.element(id)?;
        let from = e.attr_start as usize;
        self.attrs[from..from + e.attr_count as usize]
            .iter()
            .find(|a| a.name == name)
            .map(|a| &self.attr_values[a.start as usize..a.end as usize])
    }

    /// True when the element's `class` lists `class` (ASCII case-insensitive).
    pub fn has_class(&self, id: NodeId, class: &str) -> bool {
        self.attr(id, "class").is_some_and(|c| {
            c.split_ascii_whitespace()
                .any(|c| c.eq_ignore_ascii_case(class))
        })
    }

    /// True when the element's `id` is `value` (ASCII case-insensitive).
    pub fn has_id(&self, id: NodeId, value: &str) -> bool {
        self.attr(id, "id")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
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
    /// Attributes of the tag being read.
    attr_buf: AttrBuf,
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
            attr_buf: Vec::new(),
        }
    }

    fn run(mut self) -> Dom {
        let b = self.src.as_bytes();
        let mut i = 0;
        let mut text_start = 0;
        while i < b.len() {
            let Some(off) = memchr::memchr(b'<', &b[i..]) else {
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
                let (name, flags, end) = read_name(b, lt + 2);
                i = self.find_gt(end).map_or(b.len(), |e| e + 1);
                text_start = i;
                self.end_tag(&name, flags);
            } else if next.is_ascii_alphabetic() {
                self.push_text(text_start, lt);
                let (name, flags, after_name) = read_name(b, lt + 1);
                let (hidden, self_closing, end) = read_attrs(
                    self.src,
                    after_name,
                    name == "meta",
                    &mut self.dom.attr_values,
                    &mut self.attr_buf,
                );
                i = end;
                text_start = i;
                if flags & flag::RAW != 0 {
                    let close = find_end_tag(b, i, name.as_bytes());
                    let (content_end, resume) = close.unwrap_or((b.len(), b.len()));
                    if !self_closing {
                        match &*name {
                            "title" if self.dom.title.is_none() => {
                                let t =
                                    html_escape::decode_html_entities(&self.src[i..content_end]);
                                self.dom.title = Some(t.trim().to_string());
                            }
                            "textarea" => {
                                let id = self.open_element(name, flags, hidden, false);
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
                    self.note_meta();
                }
                let void = flags & flag::VOID != 0 || self_closing;
                self.start_tag(name, flags, hidden, void);
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

    fn note_meta(&mut self) {
        let get = |n: &str| {
            self.attr_buf
                .iter()
                .find(|(k, _, _)| *k == n)
                .map(|&(_, s, e)| {
                    self.dom.attr_values[s as usize..e as usize]
                        .trim()
                        .to_string()
                })
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
        // Layout whitespace between blocks and table parts never reaches the
        // text: skip the node.
        if raw.bytes().all(|c| c.is_ascii_whitespace()) && raw.contains('\n') {
            let parent = self.current();
            let structural = match self.dom.element(parent) {
                None => true,
                Some(e) => {
                    e.flags & flag::BLOCK != 0
                        || matches!(&*e.name, "tr" | "tbody" | "thead" | "tfoot" | "table")
                }
            };
            if structural {
                return;
            }
        }
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
        name: Cow<'static, str>,
        flags: u8,
        hidden: bool,
        void: bool,
    ) -> NodeId {
        let parent = self.current();
        let attr_start = self.dom.attrs.len() as u32;
        let attr_count = self.attr_buf.len().min(u8::MAX as usize);
        for &(name, start, end) in self.attr_buf.iter().take(attr_count) {
            self.dom.attrs.push(Attr { name, start, end });
        }
        self.attr_buf.clear();
        let id = self.append(
            parent,
            NodeKind::Element(Element {
                flags,
                name,
                attr_start,
                attr_count: attr_count as u8,
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

    fn start_tag(&mut self, name: Cow<'static, str>, flags: u8, hidden: bool, void: bool) {
        match &*name {
            n if flags & flag::CLOSES_P != 0 || n == "li" || n == "dd" || n == "dt" => {
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
        self.open_element(name, flags, hidden, void);
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

    fn end_tag(&mut self, name: &str, flags: u8) {
        if flags & flag::VOID != 0 {
            if name == "br" {
                self.attr_buf.clear();
                self.open_element(Cow::Borrowed("br"), flag::VOID, false, true);
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

/// Whether an attribute hides its element: `hidden`, `aria-hidden="true"`,
/// or a style with `display:none` / `visibility:hidden` (spaces and case
/// ignored).
fn hides(name: &str, value: &str) -> bool {
    if name.eq_ignore_ascii_case("hidden") {
        return true;
    }
    if name.eq_ignore_ascii_case("aria-hidden") {
        return value.trim().eq_ignore_ascii_case("true");
    }
    name.eq_ignore_ascii_case("style")
        && (compact_contains(value, b"display:none")
            || compact_contains(value, b"visibility:hidden"))
}

/// `pat` (lowercase ASCII) occurs in `s` once ASCII whitespace is removed and
/// case ignored.
fn compact_contains(s: &str, pat: &[u8]) -> bool {
    let b: Vec<u8> = s
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    b.windows(pat.len()).any(|w| w == pat)
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
    while let Some(p) = memchr::memchr3(q, b'<', b'>', &b[i..]) {
        let at = i + p;
        match b[at] {
            c if c == q => return (at, at + 1),
            b'>' => last_gt = Some(at),
            _ if b
                .get(at + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!') =>
            {
                let end = last_gt.unwrap_or(at);
                return (end, end);
            }
            _ => {}
        }
        i = at + 1;
    }
    // No closing quote anywhere: the quote was a typo, not the start of a
    // value that swallows the rest of the page.
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

/// Tag names shared instead of allocated per element (sorted, for search).
const KNOWN_TAGS: [&str; 98] = [
    "a",
    "abbr",
    "address",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "big",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "code",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "input",
    "keygen",
    "label",
    "li",
    "link",
    "main",
    "map",
    "menu",
    "meta",
    "nav",
    "noembed",
    "noframes",
    "noscript",
    "o:p",
    "object",
    "ol",
    "option",
    "p",
    "param",
    "pre",
    "script",
    "section",
    "select",
    "small",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "u",
    "ul",
    "video",
    "wbr",
    "xmp",
];

/// The index of a lowercase tag name in [`KNOWN_TAGS`].
fn known_tag(lower: &[u8]) -> Option<usize> {
    match lower {
        b"a" => Some(0),
        b"abbr" => Some(1),
        b"address" => Some(2),
        b"area" => Some(3),
        b"article" => Some(4),
        b"aside" => Some(5),
        b"audio" => Some(6),
        b"b" => Some(7),
        b"base" => Some(8),
        b"basefont" => Some(9),
        b"big" => Some(10),
        b"blockquote" => Some(11),
        b"body" => Some(12),
        b"br" => Some(13),
        b"button" => Some(14),
        b"canvas" => Some(15),
        b"caption" => Some(16),
        b"center" => Some(17),
        b"code" => Some(18),
        b"col" => Some(19),
        b"colgroup" => Some(20),
        b"dd" => Some(21),
        b"details" => Some(22),
        b"dialog" => Some(23),
        b"dir" => Some(24),
        b"div" => Some(25),
        b"dl" => Some(26),
        b"dt" => Some(27),
        b"em" => Some(28),
        b"embed" => Some(29),
        b"fieldset" => Some(30),
        b"figcaption" => Some(31),
        b"figure" => Some(32),
        b"font" => Some(33),
        b"footer" => Some(34),
        b"form" => Some(35),
        b"h1" => Some(36),
        b"h2" => Some(37),
        b"h3" => Some(38),
        b"h4" => Some(39),
        b"h5" => Some(40),
        b"h6" => Some(41),
        b"head" => Some(42),
        b"header" => Some(43),
        b"hgroup" => Some(44),
        b"hr" => Some(45),
        b"html" => Some(46),
        b"i" => Some(47),
        b"iframe" => Some(48),
        b"img" => Some(49),
        b"input" => Some(50),
        b"keygen" => Some(51),
        b"label" => Some(52),
        b"li" => Some(53),
        b"link" => Some(54),
        b"main" => Some(55),
        b"map" => Some(56),
        b"menu" => Some(57),
        b"meta" => Some(58),
        b"nav" => Some(59),
        b"noembed" => Some(60),
        b"noframes" => Some(61),
        b"noscript" => Some(62),
        b"o:p" => Some(63),
        b"object" => Some(64),
        b"ol" => Some(65),
        b"option" => Some(66),
        b"p" => Some(67),
        b"param" => Some(68),
        b"pre" => Some(69),
        b"script" => Some(70),
        b"section" => Some(71),
        b"select" => Some(72),
        b"small" => Some(73),
        b"source" => Some(74),
        b"span" => Some(75),
        b"strong" => Some(76),
        b"style" => Some(77),
        b"sub" => Some(78),
        b"summary" => Some(79),
        b"sup" => Some(80),
        b"svg" => Some(81),
        b"table" => Some(82),
        b"tbody" => Some(83),
        b"td" => Some(84),
        b"template" => Some(85),
        b"textarea" => Some(86),
        b"tfoot" => Some(87),
        b"th" => Some(88),
        b"thead" => Some(89),
        b"title" => Some(90),
        b"tr" => Some(91),
        b"track" => Some(92),
        b"u" => Some(93),
        b"ul" => Some(94),
        b"video" => Some(95),
        b"wbr" => Some(96),
        b"xmp" => Some(97),
        _ => None,
    }
}

/// [`tag_flags`] of every known tag, by index.
static KNOWN_FLAGS: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| KNOWN_TAGS.iter().map(|t| tag_flags(t)).collect());

/// Reads a tag name: the shared name and its flags for known tags, an
/// allocated lowercase name (flags 0) for others.
fn read_name(b: &[u8], from: usize) -> (Cow<'static, str>, u8, usize) {
    let mut i = from;
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
        i += 1;
    }
    let raw = &b[from..i];
    let mut buf = [0u8; 12];
    if raw.len() <= buf.len() {
        for (d, s) in buf.iter_mut().zip(raw) {
            *d = s.to_ascii_lowercase();
        }
        if let Some(k) = known_tag(&buf[..raw.len()]) {
            return (Cow::Borrowed(KNOWN_TAGS[k]), KNOWN_FLAGS[k], i);
        }
    }
    (
        Cow::Owned(String::from_utf8_lossy(raw).to_ascii_lowercase()),
        0,
        i,
    )
}

/// Attributes of the tag being read: (name, value range in `attr_values`).
type AttrBuf = Vec<(&'static str, u32, u32)>;

/// Reads attributes up to the tag's `>`; returns them, the self-closing flag and
/// the offset after `>`.
fn read_attrs(
    src: &str,
    from: usize,
    meta: bool,
    values: &mut String,
    attrs: &mut AttrBuf,
) -> (bool, bool, usize) {
    let b = src.as_bytes();
    attrs.clear();
    let mut hidden = false;
    let mut i = from;
    let mut self_closing = false;
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            self_closing = b[i] == b'/';
            i += 1;
        }
        if i >= b.len() {
            return (hidden, self_closing, b.len());
        }
        if b[i] == b'>' {
            return (hidden, self_closing, i + 1);
        }
        // A `<` inside a tag means the tag was never closed, and attribute
        // names are ASCII: text after a broken tag is text. Stop here.
        if b[i] == b'<' || b[i] >= 0x80 {
            return (hidden, false, i);
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
        hidden |= hides(name, value);
        let kept = KEPT_ATTRS
            .iter()
            .chain(if meta { &META_ATTRS[..] } else { &[] })
            .find(|k| k.eq_ignore_ascii_case(name));
        if let Some(kept) = kept
            && !attrs.iter().any(|(n, _, _)| n == kept)
        {
            let start = values.len() as u32;
            if value.contains('&') {
                html_escape::decode_html_entities_to_string(value, values);
            } else {
                values.push_str(value);
            }
            attrs.push((kept, start, values.len() as u32));
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
    fn known_tags_are_sorted_and_shared() {
        assert!(KNOWN_TAGS.windows(2).all(|w| w[0] < w[1]));
        assert!(matches!(read_name(b"TD>", 0).0, Cow::Borrowed("td")));
        assert_eq!(read_name(b"Custom-Tag x", 0).0, "custom-tag");
    }

    #[test]
    fn parses_tag_soup() {
        let dom = Dom::parse(
            "<html><body><p>一<p>二<div id=zoom class='a TRS_Editor'>三&nbsp;&lt;</div></body>",
        );
        assert_eq!(names(&dom), ["html", "body", "p", "p", "div"]);
        let div = dom.descendants(0).find(|&n| dom.has_id(n, "ZOOM")).unwrap();
        assert!(dom.has_class(div, "trs_editor"));
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
