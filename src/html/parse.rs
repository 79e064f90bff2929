//! Parsing: html5ever's HTML5 tree builder, building a compact tree of its
//! own ([`Sink`]), then a copy of that tree into the [`Dom`] arena in
//! document order.
//!
//! The tree builder is linear on real pages, but some of its steps scan the
//! stack of open elements or the list of active formatting elements, so a
//! page nested a hundred thousand levels deep, or with a hundred thousand
//! unclosed `<b id=…>`, would take quadratic time. [`document`] therefore
//! feeds the page in chunks of [`CHUNK`] bytes, and between chunks looks at
//! two things: the steps those scans took ([`Sink`] counts them), which
//! must stay under [`WORK_PER_BYTE`] per byte, and the length of the two
//! lists, which must stay under [`MAX_OPEN`]. A page that passes either is
//! given up as a tree and read as flat text by html5ever's tokenizer alone
//! ([`flat`]), with a warning. Real pages use a small fraction of both.
//!
//! Memory: the tree keeps what extraction reads and nothing else: element
//! names, [`KEPT_ATTRS`], hidden-ness, text. The text of `script`, `style`,
//! `noscript`, `template`, `iframe` and the like is dropped as it arrives
//! (it is never shown; a `<title>`'s text is kept for [`Dom::title`]). The
//! arena takes over the tree's text and attribute buffers instead of
//! copying them, so a page costs its decoded text, about 30 bytes a node in
//! the tree and 48 in the arena: on a page of short paragraphs, about 3.5
//! times its size at the peak.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

use html5ever::interface::Tracer;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};

use super::{
    Attr, Dom, Element, KEPT_ATTRS, MAX_DEPTH, META_ATTRS, NONE, Node, NodeId, NodeKind, flag,
    tag_flags,
};

/// Stack-scan steps allowed per byte of page (plus [`WORK_BASE`]). Real
/// pages take about one per byte (the fixtures at most 3); a page nested
/// 200,000 deep would take 20 billion.
pub const WORK_PER_BYTE: u64 = 32;

/// Stack-scan steps every page may take, however small.
const WORK_BASE: u64 = 1 << 22;

/// Open elements plus active formatting elements the tree builder may hold
/// (browsers stop nesting at 512).
pub const MAX_OPEN: usize = 2048;

/// Bytes handed to the parser at a time (the limits are checked between
/// chunks, so one chunk's tags can add at most its length to the lists).
const CHUNK: usize = 8192;

/// Parses a whole page.
pub fn document(html: &str) -> Dom {
    watched(html, None)
}

/// Whether an element with this `id` and `class` (empty when absent) is
/// watched.
pub type Watched<'a> = &'a dyn Fn(&str, &str) -> bool;

/// Elements a parse watches (see [`watched`]).
pub struct Watch<'a> {
    /// Byte offset in the page past which the parse may stop.
    pub from: usize,
    /// Which elements.
    pub element: Watched<'a>,
}

/// Parses a page, and with a [`Watch`], stops reading it once past
/// `watch.from` every watched element has been closed by the parser (the
/// rest is not parsed: a page's footer, when a body container is watched).
/// Without one, or when the watched elements stay open, the whole page is
/// parsed.
pub fn watched(html: &str, watch: Option<&Watch>) -> Dom {
    let budget = WORK_BASE + WORK_PER_BYTE * html.len() as u64;
    let sink = Sink {
        tree: RefCell::new(Tree::new(html)),
        work: Cell::new(0),
        watch: watch.map(|w| w.element),
        watched: RefCell::new(Vec::new()),
    };
    let mut parser = html5ever::parse_document(sink, Default::default());
    let mut at = 0;
    while at < html.len() {
        // Past the last watched element, small steps, to stop soon after it.
        let step = if watch.is_some_and(|w| at > w.from) {
            CHUNK / 8
        } else {
            CHUNK
        };
        let mut end = (at + step).min(html.len());
        while !html.is_char_boundary(end) {
            end += 1;
        }
        parser.process(StrTendril::from_slice(&html[at..end]));
        at = end;
        let builder = &parser.tokenizer.sink;
        let open = Count {
            handles: Cell::new(0),
            watched: &builder.sink.watched,
            watched_open: Cell::new(false),
        };
        builder.trace_handles(&open);
        let work = builder.sink.work.get();
        if work > budget || open.handles.get() > MAX_OPEN {
            let warning = format!(
                "page markup nested too deeply to be read as a tree ({} open elements, \
                 {work} element-stack steps by byte {at} of {}): read as flat text, tables \
                 not read as grids",
                open.handles.get(),
                html.len()
            );
            drop(parser);
            let mut dom = flat(html);
            dom.warnings.push(warning);
            return dom;
        }
        if watch.is_some_and(|w| at > w.from)
            && !builder.sink.watched.borrow().is_empty()
            && !open.watched_open.get()
        {
            break;
        }
    }
    convert(parser.finish())
}

/// Counts the handles the tree builder holds (its open elements and active
/// formatting elements, mostly), and sees whether a watched one is among
/// them.
struct Count<'a> {
    handles: Cell<usize>,
    watched: &'a RefCell<Vec<TreeId>>,
    watched_open: Cell<bool>,
}

impl Tracer for Count<'_> {
    type Handle = TreeId;
    fn trace_handle(&self, handle: &TreeId) {
        self.handles.set(self.handles.get() + 1);
        if !self.watched_open.get() && self.watched.borrow().contains(handle) {
            self.watched_open.set(true);
        }
    }
}

/// Index of a node in a [`Tree`].
type TreeId = u32;

/// The tree the HTML5 tree builder builds: nodes linked by index (any
/// order: the tree builder moves nodes about), with the text and kept
/// attributes in the buffers the [`Dom`] takes over.
struct Tree {
    nodes: Vec<TreeNode>,
    elements: Vec<TreeElement>,
    /// Text pieces; a text node is a chain of them (text appended to a
    /// node after other text was stored starts a new piece).
    pieces: Vec<Piece>,
    text: String,
    attrs: Vec<Attr>,
    attr_values: String,
    /// The name [`Sink::elem_name`] gives a node that is not an element
    /// (the tree builder never asks for one).
    no_name: QualName,
}

#[derive(Clone, Copy)]
struct TreeNode {
    parent: TreeId,
    first_child: TreeId,
    last_child: TreeId,
    prev_sibling: TreeId,
    next_sibling: TreeId,
    what: What,
}

#[derive(Clone, Copy)]
enum What {
    Document,
    /// Index in [`Tree::elements`].
    Element(u32),
    /// First and last [`Piece`].
    Text(u32, u32),
    /// A comment, processing instruction or template contents.
    Other,
}

struct TreeElement {
    name: QualName,
    attr_start: u32,
    attr_count: u8,
    hidden: bool,
    /// Text appended to it is dropped ([`contents_dropped`], but a title's).
    drops_text: bool,
    /// A template's contents (a fragment outside the tree), or [`NONE`].
    template: TreeId,
}

#[derive(Clone, Copy)]
struct Piece {
    start: u32,
    end: u32,
    next: u32,
}

impl Tree {
    fn new(html: &str) -> Tree {
        // Sized once: every node but the document comes from a tag, or from
        // the text or comment after one (implied elements are few), and the
        // text is at most the page. Reserved memory that is never written
        // costs nothing, where a vector grown by doubling holds up to twice
        // what it needs and copies it each time.
        let tags = memchr::memchr_iter(b'<', html.as_bytes()).count();
        let mut nodes = Vec::with_capacity(2 * tags + 16);
        nodes.push(TreeNode::new(What::Document));
        Tree {
            nodes,
            elements: Vec::with_capacity(tags / 2 + 16),
            pieces: Vec::with_capacity(tags / 2 + 16),
            text: String::with_capacity(html.len()),
            attrs: Vec::new(),
            attr_values: String::new(),
            no_name: QualName::new(None, ns!(), local_name!("")),
        }
    }

    fn node(&self, id: TreeId) -> &TreeNode {
        &self.nodes[id as usize]
    }

    fn node_mut(&mut self, id: TreeId) -> &mut TreeNode {
        &mut self.nodes[id as usize]
    }

    fn element(&self, id: TreeId) -> Option<&TreeElement> {
        match self.node(id).what {
            What::Element(e) => Some(&self.elements[e as usize]),
            _ => None,
        }
    }

    fn push(&mut self, what: What) -> TreeId {
        self.nodes.push(TreeNode::new(what));
        (self.nodes.len() - 1) as TreeId
    }

    fn new_text(&mut self, s: &str) -> TreeId {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        self.pieces.push(Piece {
            start,
            end: self.text.len() as u32,
            next: NONE,
        });
        let piece = (self.pieces.len() - 1) as u32;
        self.push(What::Text(piece, piece))
    }

    /// Appends to a text node; false when `id` is not one.
    fn add_text(&mut self, id: TreeId, s: &str) -> bool {
        let What::Text(first, last) = self.node(id).what else {
            return false;
        };
        let end = self.text.len() as u32;
        self.text.push_str(s);
        if self.pieces[last as usize].end == end {
            self.pieces[last as usize].end = self.text.len() as u32;
        } else {
            self.pieces.push(Piece {
                start: end,
                end: self.text.len() as u32,
                next: NONE,
            });
            let piece = (self.pieces.len() - 1) as u32;
            self.pieces[last as usize].next = piece;
            self.node_mut(id).what = What::Text(first, piece);
        }
        true
    }

    /// Whether text appended to `parent` is dropped.
    fn drops_text(&self, parent: TreeId) -> bool {
        self.element(parent).is_some_and(|e| e.drops_text)
    }

    /// Takes a node out of its parent's children.
    fn detach(&mut self, id: TreeId) {
        let TreeNode {
            parent,
            prev_sibling: prev,
            next_sibling: next,
            ..
        } = *self.node(id);
        if parent == NONE {
            return;
        }
        if prev == NONE {
            self.node_mut(parent).first_child = next;
        } else {
            self.node_mut(prev).next_sibling = next;
        }
        if next == NONE {
            self.node_mut(parent).last_child = prev;
        } else {
            self.node_mut(next).prev_sibling = prev;
        }
        let n = self.node_mut(id);
        n.parent = NONE;
        n.prev_sibling = NONE;
        n.next_sibling = NONE;
    }

    /// Makes `id` the last child of `parent`.
    fn append_child(&mut self, parent: TreeId, id: TreeId) {
        self.detach(id);
        let last = self.node(parent).last_child;
        {
            let n = self.node_mut(id);
            n.parent = parent;
            n.prev_sibling = last;
        }
        if last == NONE {
            self.node_mut(parent).first_child = id;
        } else {
            self.node_mut(last).next_sibling = id;
        }
        self.node_mut(parent).last_child = id;
    }

    /// Puts `id` just before `sibling` (which has a parent).
    fn insert_before(&mut self, sibling: TreeId, id: TreeId) {
        self.detach(id);
        let TreeNode {
            parent,
            prev_sibling: prev,
            ..
        } = *self.node(sibling);
        {
            let n = self.node_mut(id);
            n.parent = parent;
            n.prev_sibling = prev;
            n.next_sibling = sibling;
        }
        self.node_mut(sibling).prev_sibling = id;
        if prev == NONE {
            self.node_mut(parent).first_child = id;
        } else {
            self.node_mut(prev).next_sibling = id;
        }
    }
}

impl TreeNode {
    fn new(what: What) -> TreeNode {
        TreeNode {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev_sibling: NONE,
            next_sibling: NONE,
            what,
        }
    }
}

/// The tree builder's sink: builds the [`Tree`], counts the steps that scan
/// the tree builder's stacks (`elem_name` and `same_node` are what those
/// scans call per entry) and notes the watched elements.
struct Sink<'a> {
    tree: RefCell<Tree>,
    work: Cell<u64>,
    /// Which elements to watch ([`Watch::element`]).
    watch: Option<Watched<'a>>,
    /// The watched elements created so far.
    watched: RefCell<Vec<TreeId>>,
}

impl Sink<'_> {
    fn step(&self) {
        self.work.set(self.work.get() + 1);
    }
}

impl TreeSink for Sink<'_> {
    type Handle = TreeId;
    type Output = Tree;
    type ElemName<'e>
        = Ref<'e, QualName>
    where
        Self: 'e;

    fn finish(self) -> Tree {
        self.tree.into_inner()
    }
    fn parse_error(&self, _msg: Cow<'static, str>) {}
    fn get_document(&self) -> TreeId {
        0
    }
    fn elem_name<'a>(&'a self, target: &'a TreeId) -> Ref<'a, QualName> {
        self.step();
        Ref::map(self.tree.borrow(), |t| {
            t.element(*target).map_or(&t.no_name, |e| &e.name)
        })
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> TreeId {
        let watched = self.watch.is_some_and(|watch| {
            let value = |n: LocalName| {
                attrs
                    .iter()
                    .find(|a| a.name.local == n)
                    .map_or("", |a| &*a.value)
            };
            let (id, class) = (value(local_name!("id")), value(local_name!("class")));
            (!id.is_empty() || !class.is_empty()) && watch(id, class)
        });
        let mut t = self.tree.borrow_mut();
        let t = &mut *t;
        let meta = name.local == local_name!("meta");
        let (attr_start, attr_count, hidden) = keep_attrs(
            &mut t.attrs,
            &mut t.attr_values,
            meta,
            attrs.iter().map(|a| (&*a.name.local, &*a.value)),
        );
        let template = if flags.template {
            t.push(What::Other)
        } else {
            NONE
        };
        t.elements.push(TreeElement {
            drops_text: contents_dropped(&name.local) && name.local != local_name!("title"),
            name,
            attr_start,
            attr_count,
            hidden,
            template,
        });
        let id = t.push(What::Element((t.elements.len() - 1) as u32));
        if watched {
            self.watched.borrow_mut().push(id);
        }
        id
    }
    fn create_comment(&self, _text: StrTendril) -> TreeId {
        self.tree.borrow_mut().push(What::Other)
    }
    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> TreeId {
        self.tree.borrow_mut().push(What::Other)
    }
    fn append(&self, parent: &TreeId, child: NodeOrText<TreeId>) {
        let mut t = self.tree.borrow_mut();
        match child {
            NodeOrText::AppendNode(id) => t.append_child(*parent, id),
            NodeOrText::AppendText(text) => {
                if t.drops_text(*parent) {
                    return;
                }
                let last = t.node(*parent).last_child;
                if last == NONE || !t.add_text(last, &text) {
                    let id = t.new_text(&text);
                    t.append_child(*parent, id);
                }
            }
        }
    }
    fn append_based_on_parent_node(
        &self,
        element: &TreeId,
        prev_element: &TreeId,
        child: NodeOrText<TreeId>,
    ) {
        if self.tree.borrow().node(*element).parent != NONE {
            self.append_before_sibling(element, child)
        } else {
            self.append(prev_element, child)
        }
    }
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &TreeId) -> TreeId {
        let mut t = self.tree.borrow_mut();
        match t.element(*target).map(|e| e.template) {
            Some(contents) if contents != NONE => contents,
            // Never asked of a non-template; a fresh fragment if it is.
            _ => t.push(What::Other),
        }
    }
    fn same_node(&self, x: &TreeId, y: &TreeId) -> bool {
        self.step();
        x == y
    }
    fn set_quirks_mode(&self, _mode: QuirksMode) {}
    fn append_before_sibling(&self, sibling: &TreeId, new_node: NodeOrText<TreeId>) {
        let mut t = self.tree.borrow_mut();
        let parent = t.node(*sibling).parent;
        if parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => t.insert_before(*sibling, id),
            NodeOrText::AppendText(text) => {
                if t.drops_text(parent) {
                    return;
                }
                let prev = t.node(*sibling).prev_sibling;
                if prev == NONE || !t.add_text(prev, &text) {
                    let id = t.new_text(&text);
                    t.insert_before(*sibling, id);
                }
            }
        }
    }
    /// Attributes of a second `<html>` or `<body>` tag. Only the kept ones
    /// are added (when missing); they never hide the element, since whether
    /// it already had a `style` is not kept.
    fn add_attrs_if_missing(&self, target: &TreeId, attrs: Vec<Attribute>) {
        let mut t = self.tree.borrow_mut();
        let t = &mut *t;
        let What::Element(e) = t.node(*target).what else {
            return;
        };
        let el = &t.elements[e as usize];
        let (start, count) = (el.attr_start as usize, el.attr_count as usize);
        let missing: Vec<&Attribute> = attrs
            .iter()
            .filter(|a| {
                KEPT_ATTRS.contains(&&*a.name.local)
                    && !t.attrs[start..start + count]
                        .iter()
                        .any(|k| k.name == &*a.name.local)
            })
            .collect();
        if missing.is_empty() {
            return;
        }
        // The element's attributes move to the end, with the new ones.
        let own: Vec<Attr> = t.attrs[start..start + count].to_vec();
        let new_start = t.attrs.len() as u32;
        t.attrs.extend(own);
        keep_attrs(
            &mut t.attrs,
            &mut t.attr_values,
            false,
            missing.iter().map(|a| (&*a.name.local, &*a.value)),
        );
        let el = &mut t.elements[e as usize];
        el.attr_start = new_start;
        el.attr_count = (t.attrs.len() - new_start as usize).min(u8::MAX as usize) as u8;
    }
    fn remove_from_parent(&self, target: &TreeId) {
        self.tree.borrow_mut().detach(*target)
    }
    fn reparent_children(&self, node: &TreeId, new_parent: &TreeId) {
        let mut t = self.tree.borrow_mut();
        let mut child = t.node(*node).first_child;
        while child != NONE {
            let next = t.node(child).next_sibling;
            t.append_child(*new_parent, child);
            child = next;
        }
    }
}

/// Keeps an element's [`KEPT_ATTRS`] (and [`META_ATTRS`] on a `<meta>`) at
/// the end of `attrs` and `values`; returns where they start, how many
/// there are, and whether any attribute hides the element.
fn keep_attrs<'a>(
    attrs: &mut Vec<Attr>,
    values: &mut String,
    meta: bool,
    all: impl Iterator<Item = (&'a str, &'a str)>,
) -> (u32, u8, bool) {
    let attr_start = attrs.len() as u32;
    let mut hidden = false;
    for (key, value) in all {
        hidden |= hides(key, value);
        let kept = KEPT_ATTRS
            .iter()
            .chain(if meta { &META_ATTRS[..] } else { &[] })
            .find(|k| **k == key);
        let Some(&kept) = kept else { continue };
        if attrs.len() - attr_start as usize >= u8::MAX as usize {
            continue;
        }
        let start = values.len() as u32;
        values.push_str(value);
        attrs.push(Attr {
            name: kept,
            start,
            end: values.len() as u32,
        });
    }
    let count = (attrs.len() - attr_start as usize) as u8;
    (attr_start, count, hidden)
}

/// Elements whose contents are never shown: kept as empty elements.
fn contents_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "iframe"
            | "xmp"
            | "noembed"
            | "noframes"
            | "title"
    )
}

/// Builds the arena, in document order (so that a node's children have
/// larger ids than the node).
struct Builder {
    dom: Dom,
    /// Open elements of the arena (index 0: the document).
    parents: Vec<NodeId>,
}

impl Builder {
    /// An arena for up to `nodes` nodes, over the given text and attribute
    /// buffers (the text nodes' ranges point into them).
    fn new(nodes: usize, text: String, attrs: Vec<Attr>, attr_values: String) -> Builder {
        let mut dom = Dom {
            nodes: Vec::with_capacity(nodes.max(1)),
            text,
            attrs,
            attr_values,
            ..Dom::default()
        };
        dom.nodes.push(Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            kind: NodeKind::Document,
        });
        Builder {
            dom,
            parents: vec![0],
        }
    }

    fn current(&self) -> NodeId {
        *self.parents.last().expect("the document stays open")
    }

    fn append(&mut self, kind: NodeKind) -> NodeId {
        let parent = self.current();
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

    /// Appends text to the current element.
    fn text(&mut self, s: &str) {
        let start = self.dom.text.len();
        self.dom.text.push_str(s);
        self.text_at(start, self.dom.text.len());
    }

    /// Appends the text at `start..end` of the arena's text to the current
    /// element. Layout whitespace (a line break and nothing visible) between
    /// blocks and table parts never reaches the text.
    fn text_at(&mut self, start: usize, end: usize) {
        let s = &self.dom.text[start..end];
        if s.is_empty() {
            return;
        }
        let parent = self.current();
        if s.bytes().all(|c| c.is_ascii_whitespace()) && s.contains(['\n', '\r']) {
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
        // Merge with a preceding text sibling (text split by a comment).
        let last = self.dom.nodes[parent as usize].last_child;
        if last != NONE
            && let NodeKind::Text { end: e, .. } = &mut self.dom.nodes[last as usize].kind
            && *e as usize == start
        {
            *e = end as u32;
            return;
        }
        self.append(NodeKind::Text {
            start: start as u32,
            end: end as u32,
        });
    }

    /// Appends an element whose kept attributes are the `count` at `start`
    /// of the arena's; returns its id. A `<meta>`'s name and content go to
    /// [`Dom::metas`].
    fn element_at(
        &mut self,
        (name, flags): (Cow<'static, str>, u8),
        (attr_start, attr_count): (u32, u8),
        hidden: bool,
    ) -> NodeId {
        let meta = name == "meta";
        let id = self.append(NodeKind::Element(Element {
            name,
            attr_start,
            attr_count,
            hidden,
            flags,
        }));
        if meta
            && let (Some(n), Some(c)) = (self.dom.attr(id, "name"), self.dom.attr(id, "content"))
        {
            let pair = (n.trim().to_ascii_lowercase(), c.trim().to_string());
            self.dom.metas.push(pair);
        }
        id
    }

    /// Appends an element with its kept attributes; returns its id.
    fn element<'a>(
        &mut self,
        name: (Cow<'static, str>, u8),
        attrs: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> NodeId {
        let meta = name.0 == "meta";
        let (start, count, hidden) =
            keep_attrs(&mut self.dom.attrs, &mut self.dom.attr_values, meta, attrs);
        self.element_at(name, (start, count), hidden)
    }

    /// Opens an element for its children, unless nesting is at the cap
    /// (deeper elements then become its siblings). Returns whether it was
    /// opened.
    fn open(&mut self, id: NodeId) -> bool {
        if self.parents.len() > MAX_DEPTH {
            return false;
        }
        self.parents.push(id);
        true
    }
}

/// The text of the text node whose first piece is `first`.
fn joined<'t>(pieces: &[Piece], text: &'t str, first: u32) -> Cow<'t, str> {
    let p = pieces[first as usize];
    if p.next == NONE {
        return Cow::Borrowed(&text[p.start as usize..p.end as usize]);
    }
    let mut s = String::new();
    let mut at = first;
    while at != NONE {
        let p = pieces[at as usize];
        s.push_str(&text[p.start as usize..p.end as usize]);
        at = p.next;
    }
    Cow::Owned(s)
}

/// Copies the tree into the arena in document order, leaving out what is
/// never shown, and taking over its text and attribute buffers.
fn convert(mut tree: Tree) -> Dom {
    let mut b = Builder::new(
        tree.nodes.len(),
        std::mem::take(&mut tree.text),
        std::mem::take(&mut tree.attrs),
        std::mem::take(&mut tree.attr_values),
    );
    // The pieces' offsets are the arena's text now.
    tree.text = String::new();
    // For each open tree element: whether it opened an arena element.
    let mut opened: Vec<bool> = Vec::new();
    let mut cur = tree.node(0).first_child;
    while cur != NONE {
        let node = *tree.node(cur);
        let mut into = None;
        match node.what {
            What::Text(first, _) => {
                let p = tree.pieces[first as usize];
                if p.next == NONE {
                    b.text_at(p.start as usize, p.end as usize);
                } else {
                    // Copied to the end of the text, in one piece.
                    let whole = String::from(joined(&tree.pieces, &b.dom.text, first));
                    b.text(&whole);
                }
            }
            What::Element(e) => {
                let el = &tree.elements[e as usize];
                let id = b.element_at(
                    known_atom(&el.name.local),
                    (el.attr_start, el.attr_count),
                    el.hidden,
                );
                if contents_dropped(&el.name.local) {
                    if el.name.local == local_name!("title")
                        && el.name.ns == ns!(html)
                        && b.dom.title.is_none()
                    {
                        let mut t = String::new();
                        let mut c = node.first_child;
                        while c != NONE {
                            if let What::Text(first, _) = tree.node(c).what {
                                t.push_str(&joined(&tree.pieces, &b.dom.text, first));
                            }
                            c = tree.node(c).next_sibling;
                        }
                        b.dom.title = Some(t.trim().to_string());
                    }
                } else {
                    into = Some(b.open(id));
                }
            }
            // Comments, processing instructions.
            What::Document | What::Other => {}
        }
        if let Some(pushed) = into {
            if node.first_child != NONE {
                opened.push(pushed);
                cur = node.first_child;
                continue;
            }
            if pushed {
                b.parents.pop();
            }
        }
        // On to the next sibling, closing the elements left on the way up.
        loop {
            let n = tree.node(cur);
            if n.next_sibling != NONE {
                cur = n.next_sibling;
                break;
            }
            cur = n.parent;
            if cur == 0 || cur == NONE {
                cur = NONE;
                break;
            }
            if opened.pop() == Some(true) {
                b.parents.pop();
            }
        }
    }
    b.dom
}

/// Reads a page as flat text with html5ever's tokenizer (no tree): one
/// paragraph per block, cell and line break; script and style contents
/// dropped; the title and `<meta>` pairs kept. For pages that cannot be
/// built as a tree in linear time.
pub fn flat(html: &str) -> Dom {
    let sink = Flat {
        b: RefCell::new(Builder::new(
            0,
            String::with_capacity(html.len()),
            Vec::new(),
            String::new(),
        )),
        state: Cell::new(FlatState::Text),
        title: RefCell::new(String::new()),
        block_open: Cell::new(false),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let sink = tokenizer.sink;
    let mut dom = sink.b.into_inner().dom;
    if sink.state.get() == FlatState::Title {
        dom.title = Some(sink.title.into_inner().trim().to_string());
    }
    dom
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlatState {
    /// Text is shown.
    Text,
    /// Inside a script, style or similar: text dropped.
    Dropped,
    /// Inside the first `<title>`.
    Title,
}

struct Flat {
    b: RefCell<Builder>,
    state: Cell<FlatState>,
    title: RefCell<String>,
    /// Whether a paragraph is open for text.
    block_open: Cell<bool>,
}

impl TokenSink for Flat {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::TagToken(tag) => {
                let name = &*tag.name;
                match (tag.kind, self.state.get()) {
                    (TagKind::StartTag, FlatState::Text) => {
                        if name == "title" && self.b.borrow().dom.title.is_none() {
                            self.state.set(FlatState::Title);
                            return TokenSinkResult::RawData(RawKind::Rcdata);
                        }
                        if contents_dropped(name) {
                            self.state.set(FlatState::Dropped);
                            return TokenSinkResult::RawData(match name {
                                "script" => RawKind::ScriptData,
                                "title" => RawKind::Rcdata,
                                _ => RawKind::Rawtext,
                            });
                        }
                        if name == "meta" {
                            self.b.borrow_mut().element(
                                known(name),
                                tag.attrs.iter().map(|a| (&*a.name.local, &*a.value)),
                            );
                            self.block_open.set(false);
                        } else if name == "textarea" {
                            return TokenSinkResult::RawData(RawKind::Rcdata);
                        } else if breaks_line(name) {
                            self.block_open.set(false);
                        }
                    }
                    (TagKind::EndTag, FlatState::Text) if breaks_line(name) => {
                        self.block_open.set(false);
                    }
                    (TagKind::EndTag, FlatState::Title) => {
                        let mut b = self.b.borrow_mut();
                        b.dom.title = Some(self.title.borrow().trim().to_string());
                        self.state.set(FlatState::Text);
                    }
                    (TagKind::EndTag, FlatState::Dropped) => self.state.set(FlatState::Text),
                    _ => {}
                }
            }
            Token::CharacterTokens(t) => match self.state.get() {
                FlatState::Text => {
                    let mut b = self.b.borrow_mut();
                    if !self.block_open.get() {
                        if t.trim().is_empty() {
                            return TokenSinkResult::Continue;
                        }
                        b.parents.truncate(1);
                        let p = b.element(known("p"), std::iter::empty());
                        b.parents.push(p);
                        self.block_open.set(true);
                    }
                    b.text(&t);
                }
                FlatState::Title => self.title.borrow_mut().push_str(&t),
                FlatState::Dropped => {}
            },
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Tags that end a line of text in the flat reading.
fn breaks_line(name: &str) -> bool {
    tag_flags(name) & flag::BLOCK != 0 || matches!(name, "br" | "td" | "th" | "tr" | "li")
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

/// [`tag_flags`] of every known tag, by index.
static KNOWN_FLAGS: std::sync::LazyLock<Vec<u8>> =
    std::sync::LazyLock::new(|| KNOWN_TAGS.iter().map(|t| tag_flags(t)).collect());

/// Hashes an atom by the hash it carries (atoms hash themselves with one
/// `write_u64` of a precomputed hash).
#[derive(Default)]
struct AtomHasher(u64);

impl std::hash::Hasher for AtomHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

/// [`KNOWN_TAGS`] by atom.
static KNOWN_ATOMS: std::sync::LazyLock<
    std::collections::HashMap<LocalName, usize, std::hash::BuildHasherDefault<AtomHasher>>,
> = std::sync::LazyLock::new(|| {
    KNOWN_TAGS
        .iter()
        .enumerate()
        .map(|(i, t)| (LocalName::from(*t), i))
        .collect()
});

/// [`known`] for a parsed element's name, found by its atom.
fn known_atom(name: &LocalName) -> (Cow<'static, str>, u8) {
    match KNOWN_ATOMS.get(name) {
        Some(&k) => (Cow::Borrowed(KNOWN_TAGS[k]), KNOWN_FLAGS[k]),
        None => known(name),
    }
}

/// A tag name as the arena keeps it (shared for known tags), with its flags.
fn known(name: &str) -> (Cow<'static, str>, u8) {
    match KNOWN_TAGS.binary_search(&name) {
        Ok(k) => (Cow::Borrowed(KNOWN_TAGS[k]), KNOWN_FLAGS[k]),
        Err(_) => {
            let lower = name.to_ascii_lowercase();
            let flags = tag_flags(&lower);
            (Cow::Owned(lower), flags)
        }
    }
}

/// Whether an attribute hides its element: `hidden`, `aria-hidden="true"`,
/// or a style with `display:none` / `visibility:hidden` (spaces and case
/// ignored).
fn hides(name: &str, value: &str) -> bool {
    match name {
        "hidden" => true,
        "aria-hidden" => value.trim().eq_ignore_ascii_case("true"),
        "style" => {
            compact_contains(value, b"display:none")
                || compact_contains(value, b"visibility:hidden")
        }
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(dom: &Dom) -> String {
        dom.descendants(0).filter_map(|n| dom.text_of(n)).collect()
    }

    #[test]
    fn hostile_nesting_is_read_as_flat_text() {
        let para = "<p>市长信箱共收到群众来信1339件</p>";
        let distinct_b: String = (0..50_000).map(|i| format!("<b id={i}>")).collect();
        for html in [
            format!(
                "{}{para}{}",
                "<div>".repeat(100_000),
                "</div>".repeat(100_000)
            ),
            format!("{distinct_b}{para}"),
            format!("{}{para}", "<table><tr><td>".repeat(50_000)),
        ] {
            let dom = Dom::parse(&format!(
                "<title>标题</title><script>var x='<p>脚本</p>';</script>{html}"
            ));
            assert_eq!(dom.warnings.len(), 1, "{}", &html[..40]);
            assert!(dom.warnings[0].contains("read as flat text"));
            assert_eq!(text(&dom), "市长信箱共收到群众来信1339件");
            assert_eq!(dom.title.as_deref(), Some("标题"));
        }
        // Many elements, none deep: a tree.
        let dom = Dom::parse(&"<p><b>公开信息5条".repeat(50_000));
        assert!(dom.warnings.is_empty());
    }

    #[test]
    fn a_watched_parse_stops_after_the_last_watched_element() {
        let filler = "<p>页脚</p>".repeat(2000);
        let html = format!(
            "<div class=a><p>正文</p></div>{filler}<div class=a><p>第二</p></div>{filler}<p>末尾</p>"
        );
        let watch = Watch {
            from: html.find("<div class=a><p>第二").unwrap(),
            element: &|_id: &str, class: &str| class == "a",
        };
        let dom = watched(&html, Some(&watch));
        let t = text(&dom);
        assert!(
            t.starts_with("正文页脚") && t.contains("第二"),
            "{}",
            &t[..40]
        );
        assert!(
            !t.contains("末尾"),
            "the rest after the last watched element is not read"
        );
        // An element left open keeps the parse going to the end.
        let open = html.replace("<p>第二</p></div>", "<p>第二</p>");
        assert!(text(&watched(&open, Some(&watch))).ends_with("末尾"));
        assert!(text(&document(&html)).ends_with("末尾"));
    }

    #[test]
    fn flat_reading_breaks_lines_at_blocks() {
        let dom = flat(
            "<div>一<br>二</div><span>三</span><table><tr><td>四<td>五</table><style>p{}</style>",
        );
        let lines: Vec<&str> = dom
            .descendants(0)
            .filter(|&n| dom.name(n) == "p")
            .map(|p| dom.text_of(dom.nodes[p as usize].first_child).unwrap())
            .collect();
        assert_eq!(lines, ["一", "二", "三", "四", "五"]);
    }

    #[test]
    fn known_tags_are_sorted_and_shared() {
        assert!(KNOWN_TAGS.windows(2).all(|w| w[0] < w[1]));
        assert!(matches!(known("td").0, Cow::Borrowed("td")));
        assert!(matches!(
            known_atom(&LocalName::from("o:p")).0,
            Cow::Borrowed("o:p")
        ));
        assert_eq!(known_atom(&LocalName::from("x-custom")).0, "x-custom");
        assert_eq!(known("custom-tag").0, "custom-tag");
    }
}
