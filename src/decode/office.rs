//! Office documents turned into the HTML the page reader takes.
//!
//! A DOCX's body (`word/document.xml`) becomes its paragraphs and tables in
//! document order, merged cells as `colspan` (`w:gridSpan`) and `rowspan`
//! (`w:vMerge`). An XLSX's sheets (read with calamine) become tables, merged
//! regions as spans; rows with one long text cell (a title, a paragraph) and
//! empty rows split a sheet into paragraphs and tables, as reports lay out
//! their title, prose and the three standard tables one under another.
//!
//! Both are zip archives: before anything is inflated, the archive's entries
//! are checked against [`MAX_ENTRY`], [`MAX_TOTAL`] and [`MAX_ENTRIES`], and
//! the document XML is read through a limit, so a zip bomb is a failure, not
//! a run out of memory.

use std::io::{Cursor, Read};

use crate::error::{Error, Result};

/// The largest entry inflated (declared or read).
pub const MAX_ENTRY: u64 = 64 << 20;
/// The most inflated bytes an archive may declare in all.
pub const MAX_TOTAL: u64 = 256 << 20;
/// The most entries an archive may have.
pub const MAX_ENTRIES: usize = 20_000;

/// What kind of office document a zip archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Office {
    /// A Word document (`word/document.xml`).
    Docx,
    /// An Excel workbook (`xl/workbook.xml`).
    Xlsx,
}

/// Whether the bytes start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn unreadable(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Unsupported {
        reason: format!("unreadable {what}: {e}"),
    }
}

/// Opens the archive and checks its declared sizes.
fn archive<'a>(bytes: &'a [u8], what: &str) -> Result<zip::ZipArchive<Cursor<&'a [u8]>>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(what, e))?;
    if zip.len() > MAX_ENTRIES {
        return Err(unreadable(
            what,
            format!("{} entries in the archive", zip.len()),
        ));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| unreadable(what, e))?;
        let size = entry.size();
        total = total.saturating_add(size);
        if size > MAX_ENTRY || total > MAX_TOTAL {
            return Err(unreadable(
                what,
                format!(
                    "{} inflates to {size} bytes ({total} so far), over the limit (a zip bomb?)",
                    entry.name().map(|n| n.into_owned()).unwrap_or_default()
                ),
            ));
        }
    }
    Ok(zip)
}

/// The office document a zip archive holds, if any.
pub fn sniff(bytes: &[u8]) -> Option<Office> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    if names.iter().any(|n| n == "word/document.xml") {
        Some(Office::Docx)
    } else if names.iter().any(|n| n == "xl/workbook.xml") {
        Some(Office::Xlsx)
    } else {
        None
    }
}

/// One entry, inflated through the limit.
fn entry(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, what: &str) -> Result<Vec<u8>> {
    let file = zip.by_name(name).map_err(|e| unreadable(what, e))?;
    let mut out = Vec::new();
    file.take(MAX_ENTRY + 1)
        .read_to_end(&mut out)
        .map_err(|e| unreadable(what, e))?;
    if out.len() as u64 > MAX_ENTRY {
        return Err(unreadable(
            what,
            format!("{name} inflates past {MAX_ENTRY} bytes"),
        ));
    }
    Ok(out)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A table's cell being built.
#[derive(Default)]
struct TableCell {
    text: String,
    colspan: usize,
    /// `w:vMerge`: Some(true) starts a vertical merge, Some(false) continues one.
    vmerge: Option<bool>,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<TableCell>>,
}

impl Table {
    /// HTML with the vertical merges as rowspans.
    fn html(&self) -> String {
        // The rowspan of each cell, by row and position in its row.
        let mut rowspans: Vec<Vec<usize>> = Vec::new();
        // Open vertical merges: (row, position in row, grid column) of their first cell.
        let mut starts: Vec<(usize, usize, usize)> = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            let mut col = 0;
            let mut cells = Vec::new();
            for cell in row {
                cells.push(1);
                if cell.vmerge == Some(false) {
                    // Continues the merge that started above in this column.
                    if let Some(&(sr, sc, _)) = starts.iter().rev().find(|&&(_, _, c)| c == col)
                        && let Some(span) = rowspans.get_mut(sr).and_then(|p| p.get_mut(sc))
                    {
                        *span += 1;
                    }
                } else if cell.vmerge == Some(true) {
                    starts.retain(|&(_, _, c)| c != col);
                    starts.push((r, cells.len() - 1, col));
                } else {
                    starts.retain(|&(_, _, c)| c != col);
                }
                col += cell.colspan.max(1);
            }
            rowspans.push(cells);
        }
        let mut out = String::from("<table>\n");
        for (r, row) in self.rows.iter().enumerate() {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                if cell.vmerge == Some(false) {
                    continue;
                }
                let rowspan = rowspans[r][i];
                out.push_str(&format!(
                    "<td colspan={} rowspan={}>{}</td>",
                    cell.colspan.max(1),
                    rowspan,
                    escape(cell.text.trim())
                ));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        out
    }
}

/// A DOCX as HTML (see the module docs).
pub fn docx_html(bytes: &[u8]) -> Result<String> {
    use quick_xml::events::Event;
    let what = "DOCX";
    let mut zip = archive(bytes, what)?;
    let xml = entry(&mut zip, "word/document.xml", what)?;
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut html = String::from("<html><body><div class=\"docx\">\n");
    let mut tables: Vec<Table> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    let attr = |e: &quick_xml::events::BytesStart, key: &str| -> Option<String> {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == key)
            .map(|a| a.value.to_string())
    };
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| unreadable(what, e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                match e.name().as_ref() {
                    "w:tbl" if !empty => tables.push(Table::default()),
                    "w:tr" if !empty => {
                        if let Some(t) = tables.last_mut() {
                            t.rows.push(Vec::new());
                        }
                    }
                    "w:tc" if !empty => {
                        if let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                            row.push(TableCell {
                                colspan: 1,
                                ..TableCell::default()
                            });
                        }
                    }
                    "w:gridSpan" => {
                        let span = attr(e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        if let Some(c) = current_cell(&mut tables) {
                            c.colspan = usize::min(span, 64);
                        }
                    }
                    "w:vMerge" => {
                        let restart = attr(e, "w:val").is_some_and(|v| v == "restart");
                        if let Some(c) = current_cell(&mut tables) {
                            c.vmerge = Some(restart);
                        }
                    }
                    "w:t" if !empty => in_text = true,
                    "w:tab" | "w:br" | "w:cr" => para.push(' '),
                    _ => {}
                }
            }
            Event::Text(t) if in_text => para.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                // &amp; and friends inside w:t.
                match r.resolve_char_ref() {
                    Ok(Some(c)) => para.push(c),
                    _ => {
                        let name: &str = r.as_ref();
                        if let Some(s) = quick_xml::escape::resolve_predefined_entity(name) {
                            para.push_str(s);
                        }
                    }
                }
            }
            Event::End(ref e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let text = std::mem::take(&mut para);
                    match current_cell(&mut tables) {
                        Some(c) => {
                            if !c.text.is_empty() {
                                c.text.push(' ');
                            }
                            c.text.push_str(text.trim());
                        }
                        None if !text.trim().is_empty() => {
                            html.push_str(&format!("<p>{}</p>\n", escape(text.trim())));
                        }
                        None => {}
                    }
                }
                "w:tbl" => {
                    if let Some(t) = tables.pop() {
                        let table = t.html();
                        match current_cell(&mut tables) {
                            // A table inside a cell: its text joins the cell's.
                            Some(c) => c.text.push_str(&table.replace(['<', '>'], " ")),
                            None => html.push_str(&table),
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    html.push_str("</div></body></html>\n");
    Ok(html)
}

fn current_cell(tables: &mut [Table]) -> Option<&mut TableCell> {
    tables.last_mut()?.rows.last_mut()?.last_mut()
}

/// An XLSX as HTML (see the module docs).
pub fn xlsx_html(bytes: &[u8]) -> Result<String> {
    use calamine::{Data, Reader};
    let what = "XLSX";
    archive(bytes, what)?;
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(what, e))?;
    let mut html = String::from("<html><body><div class=\"xlsx\">\n");
    let names = book.sheet_names();
    let sheets = names.len();
    for name in names {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| unreadable(what, e))?;
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let Some((top, left)) = range.start() else {
            continue;
        };
        let (height, width) = range.get_size();
        if height.saturating_mul(width) > 4_000_000 {
            return Err(unreadable(
                what,
                format!("sheet {name} has {height} × {width} cells"),
            ));
        }
        let text = |r: usize, c: usize| -> String {
            match range.get((r, c)) {
                Some(Data::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => {
                    format!("{}", *f as i64)
                }
                Some(Data::Empty) | None => String::new(),
                Some(d) => d.to_string().trim().to_string(),
            }
        };
        // Spans of merged regions (relative to the range), and the cells
        // they cover.
        let mut span = vec![vec![(1usize, 1usize); width]; height];
        let mut covered = vec![vec![false; width]; height];
        for m in &merges {
            let (r0, c0) = (
                m.start.0 as i64 - top as i64,
                m.start.1 as i64 - left as i64,
            );
            let (r1, c1) = (m.end.0 as i64 - top as i64, m.end.1 as i64 - left as i64);
            if r0 < 0
                || c0 < 0
                || r1 < r0
                || c1 < c0
                || r1 as usize >= height
                || c1 as usize >= width
            {
                continue;
            }
            let (r0, c0, r1, c1) = (r0 as usize, c0 as usize, r1 as usize, c1 as usize);
            span[r0][c0] = (r1 - r0 + 1, c1 - c0 + 1);
            for row in covered.iter_mut().take(r1 + 1).skip(r0) {
                for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                    *cell = true;
                }
            }
            covered[r0][c0] = false;
        }
        if sheets > 1 {
            html.push_str(&format!("<h2>{}</h2>\n", escape(&name)));
        }
        let mut open = false;
        for r in 0..height {
            let filled: Vec<usize> = (0..width)
                .filter(|&c| !covered[r][c] && !text(r, c).is_empty())
                .collect();
            // An empty row, or one long text alone (a title, a paragraph):
            // outside the tables.
            // (A lone cell merged across columns is a table's block label:
            // 第二十条第（一）项.)
            let lone = match filled.as_slice() {
                [c] => {
                    let t = text(r, *c);
                    span[r][*c].1 == 1 || t.chars().count() >= 16 || t.contains('。')
                }
                _ => false,
            };
            if filled.is_empty() || lone {
                if open {
                    html.push_str("</table>\n");
                    open = false;
                }
                if let [c] = filled.as_slice() {
                    html.push_str(&format!("<p>{}</p>\n", escape(&text(r, *c))));
                }
                continue;
            }
            if !open {
                html.push_str("<table>\n");
                open = true;
            }
            html.push_str("<tr>");
            // Up to the last cell with text (or a merge reaching past it).
            let last = (0..width)
                .rev()
                .find(|&c| !covered[r][c] && (!text(r, c).is_empty() || span[r][c] != (1, 1)))
                .unwrap_or(0);
            for c in 0..=last {
                if covered[r][c] {
                    continue;
                }
                let (rs, cs) = span[r][c];
                html.push_str(&format!(
                    "<td rowspan={rs} colspan={cs}>{}</td>",
                    escape(&text(r, c))
                ));
            }
            html.push_str("</tr>\n");
        }
        if open {
            html.push_str("</table>\n");
        }
    }
    html.push_str("</div></body></html>\n");
    Ok(html)
}
