//! HTML pages as browsers read them, in a flat node arena.
//!
//! [`Dom::parse`] runs the HTML5 parsing algorithm (html5ever's tree
//! builder, with a tree sink of our own): entities without semicolons, the 128–159
//! character-reference remap, foster parenting of rows and text misplaced in
//! tables, implied and stray end tags, empty comments (`<!-->`), Word's
//! conditional comments. The tree it builds is then copied into a [`Dom`]:
//! a `Vec` of nodes linked by index, in document order, with the few
//! attributes extraction reads (`id`, `class`, spans, `href`, `title`,
//! `<meta>` names and contents), hidden-ness (`display:none`, `hidden`) and
//! the text of its text nodes in one buffer. Every walk over it is
//! iterative.
//!
//! Hostile pages stay linear (see [`parse`]): the copy caps nesting at
//! [`MAX_DEPTH`] (deeper elements become children of the element at the cap,
//! as browsers do), and a page whose nesting makes the HTML5 tree builder's
//! element-stack scans grow past a budget proportional to its size is read as
//! flat text by html5ever's tokenizer instead, with a warning.

pub mod parse;
pub mod render;
pub mod table;

use std::borrow::Cow;

/// Deepest nesting kept; deeper elements are attached at this depth.
pub const MAX_DEPTH: usize = 512;

/// Index of a node in a [`Dom`].
pub type NodeId = u32;

/// "No node".
pub const NONE: NodeId = u32::MAX;

/// A parsed page.
#[derive(Debug, Default)]
pub struct Dom {
    /// All nodes; index 0 is the document.
    pub nodes: Vec<Node>,
    /// Text of the text nodes, entities decoded, in one buffer (in the order
    /// the parser met it, which is not always document order; it may hold
    /// text no node refers to, such as a title's).
    pub text: String,
    /// The `<title>` text, if any.
    pub title: Option<String>,
    /// `<meta name=… content=…>` pairs (names lowercased), in document order.
    pub metas: Vec<(String, String)>,
    /// Kept attributes of all elements, element by element.
    pub attrs: Vec<Attr>,
    /// Attribute values (entities decoded), back to back.
    pub attr_values: String,
    /// What the parser had to give up on (hostile nesting), in words.
    pub warnings: Vec<String>,
}

/// One kept attribute: its lowercase name and its value's range in
/// [`Dom::attr_values`].
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    /// Lowercase name.
    pub name: &'static str,
    pub(crate) start: u32,
    pub(crate) end: u32,
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
    pub(crate) attr_start: u32,
    /// Number of its attributes there.
    pub(crate) attr_count: u8,
    /// `display:none`, `visibility:hidden`, the `hidden` attribute.
    pub hidden: bool,
    /// The name's [`flag`]s.
    pub flags: u8,
}

/// Attributes kept on elements (everything else is read and dropped).
pub(crate) const KEPT_ATTRS: [&str; 6] = ["id", "class", "colspan", "rowspan", "href", "title"];

/// Attributes kept on `<meta>` only.
pub(crate) const META_ATTRS: [&str; 2] = ["name", "content"];

/// What an element is, decided once from its name.
pub mod flag {
    /// Starts and ends a line (div, p, li, table, h1 …).
    pub const BLOCK: u8 = 1;
    /// Never reaches the text (script, style, head, title, form controls,
    /// media …).
    pub const SKIP: u8 = 2;
}

/// The [`flag`]s of a lowercase tag name.
pub fn tag_flags(name: &str) -> u8 {
    use flag::*;
    match name {
        "address" | "article" | "aside" | "blockquote" | "center" | "details" | "dialog"
        | "dir" | "div" | "dl" | "fieldset" | "figcaption" | "figure" | "footer" | "form"
        | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "header" | "hgroup" | "main" | "menu"
        | "nav" | "ol" | "p" | "table" | "ul" | "section" | "pre" | "li" | "dd" | "dt"
        | "caption" | "summary" | "body" | "html" => BLOCK,
        "hr" => BLOCK,
        "head" | "select" | "option" | "button" | "svg" | "canvas" | "map" | "audio" | "video"
        | "object" | "script" | "style" | "noscript" | "template" | "iframe" | "xmp"
        | "noembed" | "noframes" | "title" | "embed" | "input" => SKIP,
        _ => 0,
    }
}

impl Dom {
    /// Parses a page as a browser does (see [`parse`]).
    pub fn parse(html: &str) -> Dom {
        parse::document(html)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dom: &Dom) -> Vec<String> {
        dom.descendants(0)
            .filter_map(|n| dom.element(n).map(|e| e.name.to_string()))
            .collect()
    }

    fn all_text(dom: &Dom) -> String {
        dom.descendants(0).filter_map(|n| dom.text_of(n)).collect()
    }

    #[test]
    fn parses_tag_soup() {
        let dom = Dom::parse(
            "<html><body><p>一<p>二<div id=zoom class='a TRS_Editor'>三&nbsp;&lt;</div></body>",
        );
        assert_eq!(names(&dom), ["html", "head", "body", "p", "p", "div"]);
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
            "<title>报告 &amp; 年报</title><script>var a='<p>x</p>';</script><!-- <p>c</p> --><p>正文</p><meta name=PubDate content=' 2014-02-20'>",
        );
        assert_eq!(dom.title.as_deref(), Some("报告 & 年报"));
        assert_eq!(
            names(&dom),
            ["html", "head", "title", "script", "body", "p", "meta"]
        );
        assert_eq!(all_text(&dom), "正文");
        assert_eq!(
            dom.metas,
            [("pubdate".to_string(), "2014-02-20".to_string())]
        );
    }

    #[test]
    fn empty_comments_end_at_once() {
        // `<!-->` is a whole (empty) comment in HTML5, not the start of one.
        let dom = Dom::parse("<!--><p>正文</p><!---><p>二</p>");
        assert_eq!(all_text(&dom), "正文二");
    }

    #[test]
    fn entities_as_browsers_decode_them() {
        let dom = Dom::parse("<p>a&nbspb&#151;c&#150;d&ampe&copy2024&#x80;</p>");
        assert_eq!(all_text(&dom), "a\u{a0}b—c–d&e©2024€");
    }

    #[test]
    fn foster_parented_rows_stay_in_their_table() {
        let dom = Dom::parse(
            "<table><form><tr><td>行政许可</td><td>7</td></tr></form><tr><div>x</div><td>8</td></tr></table>",
        );
        let table = dom.find_tag("table").unwrap();
        let tds: Vec<_> = dom
            .descendants(table)
            .filter(|&n| dom.name(n) == "td")
            .collect();
        assert_eq!(tds.len(), 3);
        // The div was moved before the table, as browsers do.
        let div = dom.find_tag("div").unwrap();
        assert!(div < table);
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
        assert_eq!(dom.name(dom.nodes[p as usize].parent), "body");
    }

    #[test]
    fn stray_end_tags_do_not_break_cells() {
        let dom = Dom::parse("<table><tr><td><div>a</span></div></td><td>b</td></tr></table>");
        let tr = dom.find_tag("tr").unwrap();
        assert_eq!(dom.children(tr).count(), 2);
        // A stray </p> is an empty paragraph of its own, not a merge.
        let dom = Dom::parse("<p>一<div>二</div></p><p>三");
        let ps = dom.descendants(0).filter(|&n| dom.name(n) == "p").count();
        assert_eq!(ps, 3);
    }

    #[test]
    fn an_unclosed_head_ends_where_the_body_starts() {
        let dom = Dom::parse("<html><head><title>标题</title><meta charset=utf-8><div>正文</div>");
        let div = dom.find_tag("div").unwrap();
        assert_eq!(dom.name(dom.nodes[div as usize].parent), "body");
        assert_eq!(dom.title.as_deref(), Some("标题"));
    }

    #[test]
    fn deep_nesting_is_capped_without_recursion() {
        let html = "<span>".repeat(200_000) + "深" + &"</span>".repeat(200_000);
        let dom = Dom::parse(&html);
        assert_eq!(all_text(&dom), "深");
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
            .filter(|e| e.name == "p" || e.name == "div")
            .map(|e| e.hidden)
            .collect();
        assert_eq!(hidden, [true, true, false]);
        let dom = Dom::parse("<p>a<");
        assert_eq!(all_text(&dom), "a<");
    }

    /// The tree builder's moves: text foster-parented out of a table joins
    /// the text before it (stored apart), misnested formatting is split
    /// across blocks, a template's contents are not shown, a second
    /// `<body>` tag adds its missing attributes.
    #[test]
    fn tree_builder_moves_are_followed() {
        let dom = Dom::parse("<div><table>前<tr><td>格</td></tr>后</table></div>");
        assert_eq!(all_text(&dom), "前后格");
        let div = dom.find_tag("div").unwrap();
        let first = dom.nodes[div as usize].first_child;
        assert_eq!(dom.text_of(first), Some("前后"));
        assert_eq!(dom.name(dom.nodes[first as usize].next_sibling), "table");

        let dom = Dom::parse("<b>一<p>二</b>三</p>");
        assert_eq!(all_text(&dom), "一二三");
        let p = dom.find_tag("p").unwrap();
        let kids: Vec<&str> = dom.children(p).map(|c| dom.name(c)).collect();
        assert_eq!(kids, ["b", ""]);

        let dom = Dom::parse("<p>甲</p><template><p>乙</p></template><p>丙</p>");
        assert_eq!(all_text(&dom), "甲丙");

        let dom = Dom::parse("<body id=a><p>正文</p><body class=main id=b>");
        let body = dom.find_tag("body").unwrap();
        assert!(dom.has_class(body, "main"));
        assert!(dom.has_id(body, "a"));
    }
}
