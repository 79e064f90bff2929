//! The text layer of a PDF, laid out as lines and cells.
//!
//! pdf-extract interprets each page's content stream and hands over every
//! glyph with its position. Glyphs are grouped into lines by their baseline
//! (within a third of the font's height), lines are ordered top to bottom and
//! glyphs left to right, whatever order the stream drew them in. Inside a
//! line, a gap wider than [`CELL_GAP`] font heights separates cells (written
//! ` | `, as the table reader takes rows), a smaller one a word (a space).
//! A page number alone on a page's first or last line (`- 3 -`, `第 3 页`) is
//! dropped. The result is read as report text.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use crate::error::{Error, Result};

/// A gap between glyphs of a line, in font heights, that separates cells.
const CELL_GAP: f64 = 0.6;
/// A gap that separates words.
const WORD_GAP: f64 = 0.15;

/// Whether the bytes are a PDF file (`%PDF-` near the start, as readers
/// accept it).
pub fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    memchr::memmem::find(head, b"%PDF-").is_some()
}

/// A PDF's text layer, laid out.
#[derive(Debug, Clone)]
pub struct PdfText {
    /// One line per printed line.
    pub text: String,
    /// Its number of pages.
    pub pages: u32,
    /// The page each line of `text` was printed on.
    pub line_pages: Vec<u32>,
}

/// A PDF's text, one line per printed line (see the module docs).
pub fn text(bytes: &[u8]) -> Result<PdfText> {
    check_streams(bytes)?;
    let doc = pdf_extract::Document::load_mem(bytes).map_err(|e| Error::Unsupported {
        reason: format!("unreadable PDF: {e}"),
    })?;
    if doc.is_encrypted() {
        return Err(Error::Unsupported {
            reason: "encrypted PDF (a password is needed to read its text)".into(),
        });
    }
    check_forms(&doc)?;
    let mut glyphs = Glyphs::default();
    pdf_extract::output_doc(&doc, &mut glyphs).map_err(|e| Error::Unsupported {
        reason: format!("unreadable PDF: {e}"),
    })?;
    let pages = glyphs.pages;
    let (text, line_pages) = layout(&glyphs.all);
    if pages == 0 {
        return Err(Error::Unsupported {
            reason: "unreadable PDF: no pages".into(),
        });
    }
    if !text.chars().any(char::is_alphanumeric) {
        return Err(Error::Unsupported {
            reason: format!(
                "no text layer ({pages} page{} of images: a scan?)",
                if pages == 1 { "" } else { "s" }
            ),
        });
    }
    Ok(PdfText {
        text,
        pages,
        line_pages,
    })
}

/// The most one stream of a PDF may inflate to.
pub const MAX_STREAM: u64 = 64 << 20;
/// The most all the streams of a PDF may inflate to together.
pub const MAX_INFLATED: u64 = 256 << 20;

/// Refuses a document whose Flate streams inflate past [`MAX_STREAM`] one,
/// or [`MAX_INFLATED`] together (a small file that would take gigabytes to
/// read, object streams included), before the PDF is parsed at all: the
/// bytes between each `stream` keyword and the next `endstream` are
/// inflated through the limit and counted (data that is not zlib stops at
/// once).
fn check_streams(bytes: &[u8]) -> Result<()> {
    use std::io::Read;
    let mut total = 0u64;
    let mut from = 0;
    let finder = memchr::memmem::Finder::new(b"stream");
    let end_finder = memchr::memmem::Finder::new(b"endstream");
    while let Some(at) = finder.find(&bytes[from..]) {
        let mut start = from + at + b"stream".len();
        from = start;
        // The keyword, not the end of `endstream`.
        if from - b"stream".len() >= 3 && bytes[..from - b"stream".len()].ends_with(b"end") {
            continue;
        }
        match bytes.get(start..start + 2) {
            Some(b"\r\n") => start += 2,
            Some([b'\n', _]) | Some([b'\r', _]) => start += 1,
            _ => continue,
        }
        let end = end_finder
            .find(&bytes[start..])
            .map_or(bytes.len(), |e| start + e);
        let inflated = std::io::copy(
            &mut flate2::read::ZlibDecoder::new(&bytes[start..end]).take(MAX_STREAM + 1),
            &mut std::io::sink(),
        )
        .unwrap_or(0);
        total += inflated;
        if inflated > MAX_STREAM || total > MAX_INFLATED {
            return Err(Error::Unsupported {
                reason: format!(
                    "unreadable PDF: its streams inflate past {} MB (a bomb?)",
                    if inflated > MAX_STREAM {
                        MAX_STREAM
                    } else {
                        MAX_INFLATED
                    } >> 20
                ),
            });
        }
        from = end;
    }
    Ok(())
}

/// Form XObjects nested deeper than this are refused.
const MAX_FORM_DEPTH: usize = 24;

/// Refuses a document whose form XObjects draw themselves (directly, through
/// each other, or through the page resources a form without its own
/// inherits) or nest beyond [`MAX_FORM_DEPTH`]: drawing one would recurse
/// without end and overflow the stack, taking the whole run down.
fn check_forms(doc: &pdf_extract::Document) -> Result<()> {
    use pdf_extract::{Dictionary, Object, ObjectId};
    fn deref<'a>(doc: &'a pdf_extract::Document, o: &'a Object) -> Option<&'a Object> {
        doc.dereference(o).ok().map(|(_, o)| o)
    }
    fn visit(
        doc: &pdf_extract::Document,
        resources: &Dictionary,
        stack: &mut Vec<ObjectId>,
    ) -> std::result::Result<(), String> {
        if stack.len() > MAX_FORM_DEPTH {
            return Err(format!("form XObjects nested over {MAX_FORM_DEPTH} deep"));
        }
        let Some(xobjects) = resources
            .get(b"XObject")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        else {
            return Ok(());
        };
        for (_, value) in xobjects.iter() {
            let Ok(id) = value.as_reference() else {
                continue;
            };
            let Some(stream) = doc.get_object(id).ok().and_then(|o| o.as_stream().ok()) else {
                continue;
            };
            let form = stream
                .dict
                .get(b"Subtype")
                .ok()
                .and_then(|o| o.as_name().ok())
                == Some(b"Form".as_slice());
            if !form {
                continue;
            }
            if stack.contains(&id) {
                return Err(format!("form XObject {} {} draws itself", id.0, id.1));
            }
            let own = stream
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            stack.push(id);
            visit(doc, own.unwrap_or(resources), stack)?;
            stack.pop();
        }
        Ok(())
    }
    for (_, page) in doc.get_pages() {
        let Ok((inline, ids)) = doc.get_page_resources(page) else {
            continue;
        };
        let dicts = inline.into_iter().chain(
            ids.iter()
                .filter_map(|id| doc.get_object(*id).ok().and_then(|o| o.as_dict().ok())),
        );
        for d in dicts {
            visit(doc, d, &mut Vec::new()).map_err(|why| Error::Unsupported {
                reason: format!("unreadable PDF: {why}"),
            })?;
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct Glyph {
    page: u32,
    x: f64,
    y: f64,
    advance: f64,
    height: f64,
    text: String,
}

#[derive(Default)]
struct Glyphs {
    page: u32,
    pages: u32,
    all: Vec<Glyph>,
}

impl OutputDev for Glyphs {
    fn begin_page(
        &mut self,
        page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> std::result::Result<(), OutputError> {
        self.page = page_num;
        self.pages += 1;
        Ok(())
    }
    fn end_page(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        char: &str,
    ) -> std::result::Result<(), OutputError> {
        let height = (font_size * trm.m22).abs();
        if char.is_empty() || !height.is_finite() || height <= 0.0 {
            return Ok(());
        }
        self.all.push(Glyph {
            page: self.page,
            x: trm.m31,
            y: trm.m32,
            advance: (width * font_size * trm.m11).abs(),
            height,
            text: char.to_string(),
        });
        Ok(())
    }
    fn begin_word(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> std::result::Result<(), OutputError> {
        Ok(())
    }
}

/// Lines and cells from positioned glyphs (see the module docs), and the
/// page of each line.
fn layout(glyphs: &[Glyph]) -> (String, Vec<u32>) {
    let mut out = String::new();
    let mut line_pages = Vec::new();
    let mut start = 0;
    while start < glyphs.len() {
        let page = glyphs[start].page;
        let end = start
            + glyphs[start..]
                .iter()
                .position(|g| g.page != page)
                .unwrap_or(glyphs.len() - start);
        let lines = page_lines(&glyphs[start..end]);
        // A page number alone on the first or last line is the page's header
        // or footer.
        let keep = |i: usize, l: &str| {
            !((i == 0 || i + 1 == lines.len())
                && super::normalize::is_page_number(super::normalize::normalize(l).trim()))
        };
        for (i, l) in lines.iter().enumerate() {
            if keep(i, l) {
                out.push_str(l);
                out.push('\n');
                line_pages.push(page);
            }
        }
        start = end;
    }
    (out, line_pages)
}

/// One page's lines, top to bottom.
fn page_lines(glyphs: &[Glyph]) -> Vec<String> {
    let mut sorted: Vec<&Glyph> = glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    // Top to bottom (PDF y grows upwards), then left to right.
    sorted.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<&Glyph>> = Vec::new();
    for g in sorted {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() <= row[0].height.max(g.height) / 3.0 => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    rows.into_iter()
        .map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut line = String::new();
            let mut end: Option<f64> = None;
            for g in row {
                if let Some(e) = end {
                    let gap = g.x - e;
                    if gap > CELL_GAP * g.height {
                        line.push_str(" | ");
                    } else if gap > WORD_GAP * g.height {
                        line.push(' ');
                    }
                }
                end = Some(g.x + g.advance);
                line.push_str(&g.text);
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(page: u32, x: f64, y: f64, text: &str) -> Glyph {
        Glyph {
            page,
            x,
            y,
            advance: if text.is_ascii() { 5.0 } else { 10.0 },
            height: 10.0,
            text: text.to_string(),
        }
    }

    #[test]
    fn a_truncated_pdf_is_a_failure_with_its_reason() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/pages/pdf-tables-2021-cid-font/report.pdf"
        ))
        .unwrap();
        assert!(text(&bytes).is_ok());
        for tenth in 1..10 {
            let cut = &bytes[..bytes.len() * tenth / 10];
            match text(cut) {
                Err(Error::Unsupported { reason }) => {
                    assert!(reason.contains("PDF"), "{tenth}/10: {reason}")
                }
                Ok(_) => panic!("{tenth}/10: read as if whole"),
                Err(e) => panic!("{tenth}/10: {e}"),
            }
        }
    }

    #[test]
    fn glyphs_become_lines_and_cells_in_reading_order() {
        // Drawn out of order: the value column first, then the labels.
        let mut glyphs = vec![g(1, 200.0, 700.0, "7"), g(1, 300.0, 700.0, "0")];
        for (i, c) in "规章".chars().enumerate() {
            glyphs.push(g(1, 60.0 + 10.0 * i as f64, 700.5, &c.to_string()));
        }
        for (i, c) in "一、总体情况".chars().enumerate() {
            glyphs.push(g(1, 60.0 + 10.0 * i as f64, 740.0, &c.to_string()));
        }
        glyphs.push(g(1, 280.0, 40.0, "-"));
        glyphs.push(g(1, 287.0, 40.0, "3"));
        glyphs.push(g(1, 294.0, 40.0, "-"));
        // Words a small gap apart.
        glyphs.push(g(2, 60.0, 700.0, "Page"));
        glyphs.push(g(2, 67.0, 700.0, "one"));
        let (text, pages) = layout(&glyphs);
        assert_eq!(text, "一、总体情况\n规章 | 7 | 0\nPage one\n");
        assert_eq!(pages, [1, 1, 2]);
    }
}
