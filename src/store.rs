//! The page store: what `fetch` writes and `extract` reads.
//!
//! ```text
//! DIR/manifest.jsonl          one JSON line per outcome, append-only; the
//!                             latest line for a URL is its state
//! DIR/bodies/ab/<sha256>.html the bytes as served (after content decoding),
//!                             named by content hash (first two hex digits
//!                             as a subdirectory), so a page is stored once
//! DIR/tmp/                    bodies being written; emptied on open
//! ```
//!
//! A body is written under `tmp/`, synced, and renamed into `bodies/` before
//! the manifest line that names it is appended, so every `ok` line points at
//! a whole file. Each line goes out in one `write` to a file opened for
//! appending: a run killed at any moment leaves whole lines (and at worst a
//! torn last line after a power cut, which readers skip and the next run
//! closes off).

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The manifest's file name inside a store.
pub const MANIFEST: &str = "manifest.jsonl";

/// How a URL's latest attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FetchOutcome {
    /// The body is stored.
    Ok,
    /// No body: `reason` and `error` say why.
    Failed,
    /// robots.txt disallows the URL; it was never requested.
    Robots,
}

/// What a stored page is to the crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A report page (every page fetched from a URL list).
    #[default]
    Report,
    /// A listing (column) page that links to reports.
    Listing,
    /// A file linked from a report (PDF, Word, Excel…).
    Attachment,
}

/// One line of `manifest.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The URL exactly as given.
    pub url: String,
    /// The URL the body came from, after redirects.
    #[serde(default)]
    pub final_url: Option<String>,
    /// The last HTTP status received.
    #[serde(default)]
    pub status: Option<u16>,
    /// ok, failed or robots.
    pub outcome: FetchOutcome,
    /// report, listing or attachment.
    #[serde(default)]
    pub kind: PageKind,
    /// Requests made for this URL in this run (redirect hops and retries).
    #[serde(default)]
    pub attempts: u32,
    /// SHA-256 of the stored body.
    #[serde(default)]
    pub sha256: Option<String>,
    /// Path of the body, relative to the store directory.
    #[serde(default)]
    pub body: Option<String>,
    /// Length of the body in bytes.
    #[serde(default)]
    pub bytes: Option<u64>,
    /// The `Content-Type` header as served.
    #[serde(default)]
    pub content_type: Option<String>,
    /// The `ETag` header, for revalidation (`--refresh`).
    #[serde(default)]
    pub etag: Option<String>,
    /// The `Last-Modified` header, for revalidation.
    #[serde(default)]
    pub last_modified: Option<String>,
    /// When this outcome was reached (RFC 3339, UTC).
    #[serde(default)]
    pub fetched_at: String,
    /// Time spent on this URL, waits for politeness and retries included.
    #[serde(default)]
    pub elapsed_ms: u64,
    /// Every redirect target followed, in order.
    #[serde(default)]
    pub redirects: Vec<String>,
    /// Why it failed, as a short key (`http_404`, `timeout`, `too_large`,
    /// `redirect_loop`, …), or `disallowed` for robots; null when ok.
    #[serde(default)]
    pub reason: Option<String>,
    /// The error in words; null unless failed.
    #[serde(default)]
    pub error: Option<String>,
    /// For crawled pages: the page whose link led here (the listing of a
    /// report, the report of an attachment); absent for URLs given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer: Option<String>,
    /// For crawled pages: the title of the link that led here (its `title`
    /// attribute when the text was cut short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_title: Option<String>,
}

impl Record {
    /// A record for `url` with nothing known yet.
    pub fn new(url: &str, kind: PageKind) -> Record {
        Record {
            url: url.to_string(),
            final_url: None,
            status: None,
            outcome: FetchOutcome::Failed,
            kind,
            attempts: 0,
            sha256: None,
            body: None,
            bytes: None,
            content_type: None,
            etag: None,
            last_modified: None,
            fetched_at: String::new(),
            elapsed_ms: 0,
            redirects: Vec::new(),
            reason: None,
            error: None,
            referrer: None,
            link_title: None,
        }
    }
}

/// A store directory opened for writing.
pub struct Store {
    dir: PathBuf,
    manifest: Mutex<File>,
    latest: HashMap<String, Record>,
    warnings: Vec<String>,
    tmp_seq: AtomicU64,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and reads its manifest.
    pub fn open(dir: &Path) -> Result<Store> {
        for sub in ["", "bodies", "tmp"] {
            let d = dir.join(sub);
            fs::create_dir_all(&d).map_err(|source| Error::Store { path: d, source })?;
        }
        // Bodies of a killed run that never reached their rename.
        if let Ok(entries) = fs::read_dir(dir.join("tmp")) {
            for e in entries.flatten() {
                let _ = fs::remove_file(e.path());
            }
        }
        let path = dir.join(MANIFEST);
        let (latest, warnings, torn) = match fs::read(&path) {
            Ok(bytes) => {
                let (records, warnings) = parse_manifest(&bytes, &path);
                let torn = !bytes.is_empty() && !bytes.ends_with(b"\n");
                let mut latest = HashMap::new();
                for r in records {
                    latest.insert(r.url.clone(), r);
                }
                (latest, warnings, torn)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (HashMap::new(), Vec::new(), false)
            }
            Err(source) => return Err(Error::Store { path, source }),
        };
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|source| Error::Store {
                path: path.clone(),
                source,
            })?;
        if torn {
            // Close off a line torn by a crash so the next one starts whole.
            file.write_all(b"\n")
                .map_err(|source| Error::Store { path, source })?;
        }
        Ok(Store {
            dir: dir.to_path_buf(),
            manifest: Mutex::new(file),
            latest,
            warnings,
            tmp_seq: AtomicU64::new(0),
        })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The latest record of every URL, as read when the store was opened.
    pub fn latest(&self) -> &HashMap<String, Record> {
        &self.latest
    }

    /// Problems met reading the manifest (unreadable lines).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Stores a body under its content hash (once: an identical body is
    /// already there). Returns the hash and the path relative to the store.
    /// Blocking: call it off the async threads.
    pub fn put_body(&self, bytes: &[u8], ext: &str) -> Result<(String, String)> {
        let sha = crate::model::sha256_hex(bytes);
        let rel = format!("bodies/{}/{}.{}", &sha[..2], sha, ext);
        let path = self.dir.join(&rel);
        if path.is_file() {
            return Ok((sha, rel));
        }
        let parent = path.parent().expect("bodies/xx");
        fs::create_dir_all(parent).map_err(|source| Error::Store {
            path: parent.to_path_buf(),
            source,
        })?;
        let tmp = self.dir.join("tmp").join(format!(
            "{}.{}.{}.part",
            &sha[..16],
            std::process::id(),
            self.tmp_seq.fetch_add(1, Ordering::Relaxed)
        ));
        let write = || -> std::io::Result<()> {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        };
        write().map_err(|source| {
            let _ = fs::remove_file(&tmp);
            Error::Store {
                path: path.clone(),
                source,
            }
        })?;
        Ok((sha, rel))
    }

    /// Appends one record to the manifest, in a single write.
    pub fn append(&self, record: &Record) -> Result<()> {
        let mut line = serde_json::to_vec(record).map_err(|source| Error::Serialize {
            what: "store manifest line",
            source,
        })?;
        line.push(b'\n');
        let mut file = self.manifest.lock().unwrap_or_else(|e| e.into_inner());
        file.write_all(&line).map_err(|source| Error::Store {
            path: self.dir.join(MANIFEST),
            source,
        })
    }
}

/// Whether `dir` is a page store (holds a manifest).
pub fn is_store(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

/// The latest record of every URL in the store at `dir`, sorted by URL, and
/// warnings about lines that could not be read.
pub fn read_latest(dir: &Path) -> Result<(Vec<Record>, Vec<String>)> {
    let path = dir.join(MANIFEST);
    let mut bytes = Vec::new();
    File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|source| Error::Store {
            path: path.clone(),
            source,
        })?;
    let (records, warnings) = parse_manifest(&bytes, &path);
    let mut latest: HashMap<String, Record> = HashMap::new();
    for r in records {
        latest.insert(r.url.clone(), r);
    }
    let mut out: Vec<Record> = latest.into_values().collect();
    out.sort_by(|a, b| a.url.cmp(&b.url));
    Ok((out, warnings))
}

fn parse_manifest(bytes: &[u8], path: &Path) -> (Vec<Record>, Vec<String>) {
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Record>(line) {
            Ok(r) => records.push(r),
            Err(e) => warnings.push(format!(
                "{} line {}: unreadable, skipped ({e})",
                path.display(),
                i + 1
            )),
        }
    }
    (records, warnings)
}

/// The file extension a body is stored under: from the media type, else the
/// URL's own extension, else a sniff of the bytes.
pub fn body_extension(content_type: Option<&str>, url: &str, bytes: &[u8]) -> &'static str {
    let mime = content_type
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let by_mime = match mime.as_str() {
        "text/html" | "application/xhtml+xml" => Some("html"),
        "text/plain" | "text/markdown" => Some("txt"),
        "application/pdf" => Some("pdf"),
        "application/msword" => Some("doc"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Some("docx"),
        "application/vnd.ms-excel" => Some("xls"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Some("xlsx"),
        "application/vnd.ms-works" | "application/wps-office.wps" | "application/kswps" => {
            Some("wps")
        }
        _ => None,
    };
    if let Some(ext) = by_mime {
        return ext;
    }
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    if let Some((_, ext)) = last.rsplit_once('.') {
        let ext = ext.to_ascii_lowercase();
        for known in [
            "html", "htm", "shtml", "xhtml", "txt", "pdf", "doc", "docx", "xls", "xlsx", "wps",
        ] {
            if ext == known {
                return match known {
                    "htm" | "shtml" | "xhtml" => "html",
                    k => k,
                };
            }
        }
    }
    let head = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(1)
        .next();
    if head == Some(&b'<') || mime.starts_with("text/") {
        "html"
    } else {
        "bin"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(url: &str, sha: &str) -> Record {
        let mut r = Record::new(url, PageKind::Report);
        r.outcome = FetchOutcome::Ok;
        r.sha256 = Some(sha.into());
        r
    }

    #[test]
    fn latest_line_wins_and_torn_lines_are_skipped_and_closed() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            s.append(&Record::new("http://a/1", PageKind::Report))
                .unwrap();
            s.append(&ok("http://a/1", "x")).unwrap();
            s.append(&ok("http://a/2", "y")).unwrap();
        }
        // A crash in the middle of a line.
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(MANIFEST))
            .unwrap();
        f.write_all(br#"{"url":"http://a/3","outc"#).unwrap();
        drop(f);
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.latest().len(), 2);
        assert_eq!(s.latest()["http://a/1"].outcome, FetchOutcome::Ok);
        assert_eq!(s.warnings().len(), 1, "{:?}", s.warnings());
        s.append(&ok("http://a/3", "z")).unwrap();
        drop(s);
        let (latest, warnings) = read_latest(dir.path()).unwrap();
        let urls: Vec<_> = latest.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["http://a/1", "http://a/2", "http://a/3"]);
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn bodies_are_stored_once_by_hash() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let (sha, rel) = s.put_body(b"<p>x</p>", "html").unwrap();
        assert_eq!(rel, format!("bodies/{}/{sha}.html", &sha[..2]));
        assert_eq!(fs::read(dir.path().join(&rel)).unwrap(), b"<p>x</p>");
        let again = s.put_body(b"<p>x</p>", "html").unwrap();
        assert_eq!(again.1, rel);
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    }

    #[test]
    fn extensions() {
        assert_eq!(
            body_extension(Some("text/html; charset=gbk"), "http://a/", b""),
            "html"
        );
        assert_eq!(
            body_extension(Some("application/pdf"), "http://a/x", b"%PDF"),
            "pdf"
        );
        assert_eq!(body_extension(None, "http://a/b/c.HTM?x=1", b""), "html");
        assert_eq!(
            body_extension(Some("application/octet-stream"), "http://a/r.docx", b"PK"),
            "docx"
        );
        assert_eq!(body_extension(None, "http://a/b", b"  <html>"), "html");
        assert_eq!(body_extension(None, "http://a/b", b"\x89PNG"), "bin");
    }
}
