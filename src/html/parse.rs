//! Parsing: html5ever's HTML5 tree builder (through `scraper`'s tree sink),
//! then a copy into the [`Dom`] arena.
//!
//! The tree builder is linear on real pages, but some of its steps scan the
//! stack of open elements or the list of active formatting elements, so a
//! page nested a hundred thousand levels deep, or with a hundred thousand
//! unclosed `<b id=…>`, would take quadratic time. [`document`] therefore
//! feeds the page in chunks of [`CHUNK`] bytes, and between chunks looks at
//! two things: the steps those scans took ([`Metered`] counts them), which
//! must stay under [`WORK_PER_BYTE`] per byte, and the length of the two
//! lists, which must stay under [`MAX_OPEN`]. A page that passes either is
//! given up as a tree and read as flat text by html5ever's tokenizer alone
//! ([`flat`]), with a warning. Real pages use a small fraction of both.
//!
//! The copy keeps what extraction reads and nothing else: element names,
//! [`KEPT_ATTRS`], hidden-ness, text. The contents of `script`, `style`,
//! `noscript`, `template`, `iframe` and the like never enter the arena (they
//! are never shown); a `<title>`'s text goes to [`Dom::title`].

use std::borrow::Cow;
use std::cell::{Cell, RefCell};

use ego_tree::iter::Edge;
use html5ever::interface::Tracer;
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, QualName, local_name, ns};
use scraper::{Html, HtmlTreeSink, Node as ScraperNode};

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
    let sink = Metered {
        inner: HtmlTreeSink::new(Html::new_document()),
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
            let mut dom = flat(html);
            dom.warnings.push(format!(
                "page markup nested too deeply to be read as a tree ({} open elements, \
                 {work} element-stack steps by byte {at} of {}): read as flat text, tables \
                 not read as grids",
                open.handles.get(),
                html.len()
            ));
            return dom;
        }
        if watch.is_some_and(|w| at > w.from)
            && !builder.sink.watched.borrow().is_empty()
            && !open.watched_open.get()
        {
            break;
        }
    }
    convert(&parser.finish(), html.len())
}

/// Counts the handles the tree builder holds (its open elements and active
/// formatting elements, mostly), and sees whether a watched one is among
/// them.
struct Count<'a> {
    handles: Cell<usize>,
    watched: &'a RefCell<Vec<ego_tree::NodeId>>,
    watched_open: Cell<bool>,
}

impl Tracer for Count<'_> {
    type Handle = ego_tree::NodeId;
    fn trace_handle(&self, handle: &ego_tree::NodeId) {
        self.handles.set(self.handles.get() + 1);
        if !self.watched_open.get() && self.watched.borrow().contains(handle) {
            self.watched_open.set(true);
        }
    }
}

/// `scraper`'s tree sink, counting the steps that scan the tree builder's
/// stacks (`elem_name` and `same_node` are what those scans call per entry).
struct Metered<'a> {
    inner: HtmlTreeSink,
    work: Cell<u64>,
    /// Which elements to watch ([`Watch::element`]).
    watch: Option<Watched<'a>>,
    /// The watched elements created so far.
    watched: RefCell<Vec<ego_tree::NodeId>>,
}

impl Metered<'_> {
    fn step(&self) {
        self.work.set(self.work.get() + 1);
    }
}

impl TreeSink for Metered<'_> {
    type Handle = <HtmlTreeSink as TreeSink>::Handle;
    type Output = Html;
    type ElemName<'e>
        = <HtmlTreeSink as TreeSink>::ElemName<'e>
    where
        Self: 'e;

    fn finish(self) -> Html {
        self.inner.finish()
    }
    fn parse_error(&self, _msg: Cow<'static, str>) {}
    fn get_document(&self) -> Self::Handle {
        self.inner.get_document()
    }
    fn elem_name<'a>(&'a self, target: &'a Self::Handle) -> Self::ElemName<'a> {
        self.step();
        self.inner.elem_name(target)
    }
    fn create_element(
        &self,
        name: QualName,
        attrs: Vec<Attribute>,
        flags: ElementFlags,
    ) -> Self::Handle {
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
        let handle = self.inner.create_element(name, attrs, flags);
        if watched {
            self.watched.borrow_mut().push(handle);
        }
        handle
    }
    fn create_comment(&self, text: StrTendril) -> Self::Handle {
        self.inner.create_comment(text)
    }
    fn create_pi(&self, target: StrTendril, data: StrTendril) -> Self::Handle {
        self.inner.create_pi(target, data)
    }
    fn append(&self, parent: &Self::Handle, child: NodeOrText<Self::Handle>) {
        self.inner.append(parent, child)
    }
    fn append_based_on_parent_node(
        &self,
        element: &Self::Handle,
        prev_element: &Self::Handle,
        child: NodeOrText<Self::Handle>,
    ) {
        self.inner
            .append_based_on_parent_node(element, prev_element, child)
    }
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &Self::Handle) -> Self::Handle {
        self.inner.get_template_contents(target)
    }
    fn same_node(&self, x: &Self::Handle, y: &Self::Handle) -> bool {
        self.step();
        x == y
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode)
    }
    fn append_before_sibling(&self, sibling: &Self::Handle, new_node: NodeOrText<Self::Handle>) {
        self.inner.append_before_sibling(sibling, new_node)
    }
    fn add_attrs_if_missing(&self, target: &Self::Handle, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, attrs)
    }
    fn remove_from_parent(&self, target: &Self::Handle) {
        self.inner.remove_from_parent(target)
    }
    fn reparent_children(&self, node: &Self::Handle, new_parent: &Self::Handle) {
        self.inner.reparent_children(node, new_parent)
    }
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
    fn new(size_hint: usize) -> Builder {
        let mut dom = Dom::default();
        dom.nodes.push(Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            kind: NodeKind::Document,
        });
        dom.text.reserve(size_hint);
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

    /// Appends text to the current element. Layout whitespace (a line break
    /// and nothing visible) between blocks and table parts never reaches the
    /// text.
    fn text(&mut self, s: &str) {
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
        let start = self.dom.text.len();
        self.dom.text.push_str(s);
        let end = self.dom.text.len();
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

    /// Appends an element with its kept attributes; returns its id.
    fn element<'a>(
        &mut self,
        (name, flags): (Cow<'static, str>, u8),
        attrs: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> NodeId {
        let meta = name == "meta";
        let attr_start = self.dom.attrs.len() as u32;
        let mut hidden = false;
        let (mut meta_name, mut meta_content) = (None, None);
        for (key, value) in attrs {
            hidden |= hides(key, value);
            let kept = KEPT_ATTRS
                .iter()
                .chain(if meta { &META_ATTRS[..] } else { &[] })
                .find(|k| **k == key);
            let Some(&kept) = kept else { continue };
            if self.dom.attrs.len() - attr_start as usize >= u8::MAX as usize {
                continue;
            }
            let start = self.dom.attr_values.len() as u32;
            self.dom.attr_values.push_str(value);
            let end = self.dom.attr_values.len() as u32;
            self.dom.attrs.push(Attr {
                name: kept,
                start,
                end,
            });
            match kept {
                "name" => meta_name = Some(value),
                "content" => meta_content = Some(value),
                _ => {}
            }
        }
        if let (Some(n), Some(c)) = (meta_name, meta_content) {
            self.dom
                .metas
                .push((n.trim().to_ascii_lowercase(), c.trim().to_string()));
        }
        let attr_count = (self.dom.attrs.len() - attr_start as usize) as u8;
        self.append(NodeKind::Element(Element {
            name,
            attr_start,
            attr_count,
            hidden,
            flags,
        }))
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

/// Copies a parsed document into the arena.
fn convert(html: &Html, page_len: usize) -> Dom {
    let mut b = Builder::new(page_len / 3);
    // For each open scraper node: whether it opened an arena element.
    let mut opened: Vec<bool> = Vec::new();
    // A node whose subtree is being left out, and how deep inside it we are.
    let mut skipping = 0usize;
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping > 0 {
                    skipping += 1;
                    continue;
                }
                let mut pushed = false;
                match node.value() {
                    ScraperNode::Text(t) => b.text(t),
                    ScraperNode::Element(e) => {
                        let id = b.element(known_atom(&e.name.local), e.attrs());
                        let name = &*e.name.local;
                        if contents_dropped(name) {
                            if name == "title" && e.name.ns == ns!(html) && b.dom.title.is_none() {
                                let t: String = node
                                    .children()
                                    .filter_map(|c| c.value().as_text().map(|t| &**t))
                                    .collect();
                                b.dom.title = Some(t.trim().to_string());
                            }
                            skipping = 1;
                            opened.push(false);
                            continue;
                        }
                        pushed = b.open(id);
                    }
                    ScraperNode::Fragment => {
                        skipping = 1;
                        opened.push(false);
                        continue;
                    }
                    // The document itself (already the arena's root),
                    // comments, doctypes, processing instructions.
                    _ => {}
                }
                opened.push(pushed);
            }
            Edge::Close(_) => {
                if skipping > 1 {
                    skipping -= 1;
                    continue;
                }
                skipping = 0;
                if opened.pop() == Some(true) {
                    b.parents.pop();
                }
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
        b: RefCell::new(Builder::new(html.len() / 3)),
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
