//! One document in, one [`Report`] out: decode, find the body, normalise,
//! then read sections, figures and metadata. No I/O and no threads here; the
//! [`pipeline`](crate::pipeline) feeds documents in and writes reports out.

pub mod content;
pub mod dates;
pub mod figures;
pub mod legacy;
pub mod meta;
pub mod numerals;
pub mod sections;
pub mod tables;

use crate::decode::{self, normalize};
use crate::error::{Error, Result};
use crate::model::{Report, SCHEMA_VERSION, SourceInfo, TableState, Template};

/// What kind of document an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page.
    Html,
    /// Report text, already extracted from its page.
    Text,
    /// A PDF file (its text layer is read).
    Pdf,
    /// A Word document (.docx).
    Docx,
    /// An Excel workbook (.xlsx).
    Xlsx,
    /// A format nianbao does not read (legacy Word and WPS binaries): the
    /// input fails with the reason.
    Unsupported(&'static str),
}

impl Kind {
    /// The kind of a file, by extension; `None` for files that are not inputs.
    pub fn of_path(path: &std::path::Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" | "shtml" | "xhtml" => Some(Kind::Html),
            // Text: plain, or a converter's Markdown (read as text; its
            // table rows, rules and headings are read by the table reader).
            "txt" | "md" | "markdown" => Some(Kind::Text),
            "pdf" => Some(Kind::Pdf),
            "docx" => Some(Kind::Docx),
            "xlsx" => Some(Kind::Xlsx),
            "doc" => Some(Kind::Unsupported("legacy Word binary (.doc)")),
            "xls" => Some(Kind::Unsupported("legacy Excel binary (.xls)")),
            "wps" => Some(Kind::Unsupported("WPS binary (.wps)")),
            _ => None,
        }
    }
}

/// One input document.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The raw bytes, exactly as served or stored (owned bytes are dropped
    /// as soon as they are decoded).
    pub bytes: std::borrow::Cow<'a, [u8]>,
    /// The path as given (written to `source.path`).
    pub path: &'a str,
    /// HTML page or report text.
    pub kind: Kind,
    /// The HTTP `Content-Type` stored with the page, if any.
    pub content_type: Option<&'a str>,
    /// The URL the page came from, if known.
    pub url: Option<&'a str>,
}

/// A report and the normalised text its offsets refer to.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// The report.
    pub report: Report,
    /// The normalised report text.
    pub text: String,
}

/// Folds a string for matching (traditional → simplified, offsets kept).
pub fn fold_str(s: &str) -> String {
    normalize::fold(s)
}

/// Extracts one document.
pub fn extract(doc: Document) -> Result<Extraction> {
    let Document {
        bytes: owned,
        path,
        kind: given,
        content_type,
        url,
    } = doc;
    let bytes: &[u8] = &owned;
    let sha256 = crate::model::sha256_hex(bytes);
    // The bytes decide over the name: a PDF saved as .html is a PDF, and a
    // page saved as .pdf is a page.
    let office = decode::office::is_zip(bytes)
        .then(|| decode::office::sniff(bytes))
        .flatten();
    let kind = match given {
        _ if decode::pdf::is_pdf(bytes) => Kind::Pdf,
        _ if office == Some(decode::office::Office::Docx) => Kind::Docx,
        _ if office == Some(decode::office::Office::Xlsx) => Kind::Xlsx,
        Kind::Docx | Kind::Xlsx if decode::office::is_zip(bytes) => {
            return Err(Error::Unsupported {
                reason: "a zip archive that is neither a DOCX nor an XLSX".into(),
            });
        }
        Kind::Docx | Kind::Xlsx if decode::looks_like_html(bytes) => Kind::Html,
        Kind::Docx | Kind::Xlsx => {
            return Err(Error::Unsupported {
                reason: "not a zip archive (a DOCX or XLSX is one)".into(),
            });
        }
        Kind::Pdf => {
            if decode::looks_like_html(bytes) {
                Kind::Html
            } else {
                Kind::Text
            }
        }
        // A Word "document" that is a web page (Word's HTML export, saved
        // or served as .doc) is read as the page it is.
        Kind::Unsupported(_) if decode::looks_like_html(bytes) => Kind::Html,
        Kind::Unsupported(what) => {
            return Err(Error::Unsupported {
                reason: what.to_string(),
            });
        }
        k => k,
    };
    let mut line_pages = Vec::new();
    let decoded = match kind {
        Kind::Pdf => {
            let pdf = decode::pdf::text(bytes)?;
            line_pages = pdf.line_pages;
            decode::Decoded {
                text: pdf.text,
                encoding: encoding_rs::UTF_8,
                from: crate::model::EncodingFrom::Document,
                lossy: false,
                warnings: Vec::new(),
            }
        }
        Kind::Docx | Kind::Xlsx => decode::Decoded {
            text: if kind == Kind::Docx {
                decode::office::docx_html(bytes)?
            } else {
                decode::office::xlsx_html(bytes)?
            },
            encoding: encoding_rs::UTF_8,
            from: crate::model::EncodingFrom::Document,
            lossy: false,
            warnings: Vec::new(),
        },
        _ => decode::decode(bytes, content_type, kind == Kind::Html)?,
    };
    // Decoded: a big page's bytes need not stay for its parse.
    let size = bytes.len() as u64;
    drop(owned);
    let encoding_name = match kind {
        Kind::Pdf => "PDF".to_string(),
        Kind::Docx => "DOCX".to_string(),
        Kind::Xlsx => "XLSX".to_string(),
        _ => decoded.encoding.name().to_string(),
    };
    let mut warnings = decoded.warnings;
    let (body_raw, pre_raw, page_title, metas, grids) = match kind {
        Kind::Html | Kind::Docx | Kind::Xlsx => {
            let page = content::split(&decoded.text);
            drop(decoded.text);
            warnings.extend(page.warnings);
            (page.body, page.pre, page.title, page.metas, page.tables)
        }
        _ => (decoded.text, String::new(), None, Vec::new(), Vec::new()),
    };
    let text = normalize::normalize(&body_raw);
    drop(body_raw);
    if !text.chars().any(|c| c.is_alphanumeric()) {
        return Err(Error::NoText);
    }
    let folded = normalize::fold(&text);
    let pre = normalize::normalize(&pre_raw);
    let pre_folded = normalize::fold(&pre);
    // The page's <title> and <meta> values are read as the text is (wide
    // forms, injected pinyin).
    let page_title = page_title.map(|t| normalize::normalize(&t));
    let metas: Vec<(String, String)> = metas
        .into_iter()
        .map(|(n, v)| (n, normalize::normalize(&v)))
        .collect();
    let index = normalize::CharIndex::new(&text);
    let sections = sections::find(&text, &folded, &index);
    let figures = figures::extract(&text, &folded, &sections, &index);
    let meta = meta::extract(&meta::Input {
        body: &text,
        body_folded: &folded,
        pre: &pre,
        pre_folded: &pre_folded,
        page_title: page_title.as_deref(),
        metas: &metas,
    });
    let legacy = legacy::extract(&text, &folded, &sections, &figures, &index, meta.year);
    // Normalising keeps a PDF's lines one to one unless it emptied one:
    // pages are told only when the lines still match.
    if !line_pages.is_empty() && text.split('\n').count() != line_pages.len() {
        line_pages.clear();
    }
    let mut tables = tables::extract_paged(&text, &folded, &grids, line_pages);
    warnings.append(&mut tables.warnings);
    let checks = crate::check::run(&mut tables.cells);
    let template = template(&tables, &folded, meta.year);
    let table_status = tables::status(&tables, template, &folded);
    for (name, t) in [
        ("table 2", &table_status.t2),
        ("table 3", &table_status.t3),
        ("table 4", &table_status.t4),
    ] {
        if matches!(t.status, TableState::Partial | TableState::Unreadable) {
            warnings.push(format!(
                "{name} {}: {}",
                t.status.as_str(),
                t.reason.as_deref().unwrap_or_default()
            ));
        }
    }
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        id: sha256[..16].to_string(),
        source: SourceInfo {
            path: path.to_string(),
            url: url.map(str::to_string),
            sha256,
            bytes: size,
            encoding: encoding_name,
            encoding_from: decoded.from,
            attachments: Vec::new(),
        },
        title: meta.title,
        agency_id: meta.agency.as_deref().map(crate::agency::id),
        region: meta
            .agency
            .as_deref()
            .map(|a| crate::agency::region(&crate::agency::canonical(a))),
        agency: meta.agency,
        year: meta.year,
        published: meta.published,
        signed: meta.signed,
        period: meta.period,
        template,
        tables: table_status,
        sections,
        figures,
        legacy,
        cells: tables.cells,
        extra_rows: tables.extra_rows,
        checks,
        warnings,
    };
    crate::panel::add_text_checks(&mut report);
    Ok(Extraction { report, text })
}

/// Whether a report's standard tables are all read, or absent.
pub fn tables_complete(report: &Report) -> bool {
    [&report.tables.t2, &report.tables.t3, &report.tables.t4]
        .iter()
        .all(|t| matches!(t.status, TableState::Complete | TableState::Absent))
}

/// Takes into `report` (a page) the tables an attachment of it holds:
/// a table the page lacks or reads only in part is replaced by the
/// attachment's when that has more of its cells; each cell taken carries
/// `source` (the attachment's URL). Fields the page does not state are
/// filled from the attachment. The checks are run again on the result.
pub fn merge_attachment(report: &mut Report, other: &Report, source: &str) {
    let mut taken = Vec::new();
    for (name, prefix) in [("t2", "t2"), ("t3", "t3__"), ("t4", "t4__")] {
        let (mine, theirs) = match name {
            "t2" => (&mut report.tables.t2, &other.tables.t2),
            "t3" => (&mut report.tables.t3, &other.tables.t3),
            _ => (&mut report.tables.t4, &other.tables.t4),
        };
        if mine.status == TableState::Complete || theirs.cells <= mine.cells {
            continue;
        }
        report.cells.retain(|k, _| !k.starts_with(prefix));
        for (k, c) in other.cells.iter().filter(|(k, _)| k.starts_with(prefix)) {
            let mut c = c.clone();
            c.source = Some(source.to_string());
            report.cells.insert(k.clone(), c);
        }
        if name == "t2" {
            report.extra_rows = other.extra_rows.clone();
        }
        let mut status = theirs.clone();
        status.reason = Some(match &theirs.reason {
            Some(r) => format!("from the attachment {source}; {r}"),
            None => format!("from the attachment {source}"),
        });
        *mine = status;
        taken.push(name);
    }
    if !taken.is_empty() {
        // The page's warnings about tables it lacked no longer hold.
        report.warnings.retain(|w| {
            !taken
                .iter()
                .any(|t| w.starts_with(&format!("table {}", &t[1..])))
        });
        report.warnings.push(format!(
            "tables {} taken from the attachment {source}",
            taken.join(", ")
        ));
        report.checks = crate::check::run(&mut report.cells);
        crate::panel::add_text_checks(report);
        if other.template != Template::Unknown {
            report.template = other.template;
        }
    }
    if report.title.is_none() {
        report.title = other.title.clone();
    }
    if report.agency.is_none() {
        report.agency = other.agency.clone();
        report.agency_id = other.agency_id.clone();
        report.region = other.region.clone();
    }
    if report.year.is_none() {
        report.year = other.year;
    }
    if report.signed.is_none() {
        report.signed = other.signed.clone();
    }
    if report.period.is_none() {
        report.period = other.period.clone();
    }
}

/// The template: per table where the tables were seen, otherwise from the
/// year (docs/formats.md, Which template).
/// Whether `needle` occurs in a whole text (memchr's vectorised search: the
/// standard library's `contains` reads a report about ten times slower).
pub(crate) fn has(hay: &str, needle: &str) -> bool {
    memchr::memmem::find(hay.as_bytes(), needle.as_bytes()).is_some()
}

fn template(t: &tables::Tables, folded: &str, year: Option<i32>) -> Template {
    use tables::{T2Template as T2, T3Template as T3};
    match (t.t2, t.t3) {
        (Some(T2::V2021), Some(T3::V2019)) => return Template::Hybrid,
        (Some(T2::V2021), _) | (None, Some(T3::V2021)) => return Template::Table2021,
        (Some(T2::V2019), _) | (None, Some(T3::V2019)) => return Template::Table2019,
        (None, None) => {}
    }
    let any_table = t
        .cells
        .keys()
        .any(|k| k.starts_with("t3__") || k.starts_with("t4__"))
        || has(folded, "本年新收政府信息公开申请数量")
        || has(folded, "第二十条第")
        // The templates' own section heading (三、收到和处理政府信息公开申请情况):
        // a report with its tables as pictures still follows a template.
        || has(folded, "收到和处理政府信息公开申请情况");
    match year {
        Some(y) if any_table && y >= 2021 => Template::Table2021,
        Some(y) if any_table && y >= 2019 => Template::Table2019,
        Some(y) if y <= 2018 && !any_table => Template::FreeText,
        _ => Template::Unknown,
    }
}
