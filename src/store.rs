//! The page store: what `fetch` writes and `extract` reads.
//!
//! ```text
//! DIR/manifest.jsonl          one JSON line per outcome, append-only; the
//!                             latest line for a URL is its state
//! DIR/bodies/ab/<sha256>.html the bytes as served (after content decoding),
//!                             named by content hash (first two hex digits
//!                             as a subdirectory), so a page is stored once
//! DIR/tmp/                    bodies being written; emptied on open
//! DIR/lock                    held (an advisory lock) by the one process
//!                             writing the store; holds its pid
//! ```
//!
//! One process writes a store at a time: [`Store::open`] takes the lock (a
//! second `fetch`, `crawl` or `run` on the same store is refused, naming the
//! process that holds it) and only then empties `tmp/`. Bodies are checked
//! against their recorded SHA-256 whenever they are read back; a body that
//! is missing or changed counts as not stored.
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
    /// The site answered with a block page, a challenge or an empty script
    /// shell instead of the page (`reason`: `waf`, `challenge`,
    /// `script_shell`); nothing stored, asked for again by the next run.
    Blocked,
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
    /// ok, failed, robots or blocked.
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
    /// The open lock file: the advisory lock lasts as long as it is open.
    _lock: File,
    manifest: Mutex<File>,
    /// The latest record of every URL: read when opened, kept up to date
    /// by [`Store::append`] (so one phase of a run sees what another stored).
    latest: Mutex<HashMap<String, Record>>,
    /// URLs this process appended a line for.
    appended: Mutex<std::collections::HashSet<String>>,
    warnings: Vec<String>,
    tmp_seq: AtomicU64,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and reads its manifest.
    pub fn open(dir: &Path) -> Result<Store> {
        fs::create_dir_all(dir).map_err(|source| Error::Store {
            path: dir.to_path_buf(),
            source,
        })?;
        let lock = lock(dir)?;
        for sub in ["bodies", "tmp"] {
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
        let (latest, mut warnings, torn) = match fs::read(&path) {
            Ok(bytes) => {
                // A line torn by a crash (no newline yet) is cut off below,
                // and said once, here.
                let torn = (!bytes.is_empty() && !bytes.ends_with(b"\n"))
                    .then(|| memchr::memrchr(b'\n', &bytes).map_or(0, |p| p + 1));
                let whole = &bytes[..torn.unwrap_or(bytes.len())];
                let (records, warnings) = parse_manifest(whole, &path);
                let mut latest = HashMap::new();
                for r in records {
                    latest.insert(r.url.clone(), r);
                }
                (latest, warnings, torn)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (HashMap::new(), Vec::new(), None)
            }
            Err(source) => return Err(Error::Store { path, source }),
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|source| Error::Store {
                path: path.clone(),
                source,
            })?;
        if let Some(whole) = torn {
            // Under the lock: no other process is appending.
            file.set_len(whole as u64).map_err(|source| Error::Store {
                path: path.clone(),
                source,
            })?;
            warnings.push(format!(
                "{}: an unfinished last line (a run stopped while writing it) was removed",
                path.display()
            ));
        }
        Ok(Store {
            dir: dir.to_path_buf(),
            _lock: lock,
            manifest: Mutex::new(file),
            latest: Mutex::new(latest),
            appended: Mutex::new(Default::default()),
            warnings,
            tmp_seq: AtomicU64::new(0),
        })
    }

    /// The store directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The latest record of `url`: from the manifest as opened, or from
    /// this process's own appends since.
    pub fn latest(&self, url: &str) -> Option<Record> {
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(url)
            .cloned()
    }

    /// Whether this process already took `url` to an outcome (an earlier
    /// phase of the same run).
    pub fn appended(&self, url: &str) -> bool {
        self.appended
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(url)
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
        // A file of that name that no longer holds these bytes (edited, cut
        // short) is replaced.
        if fs::read(&path).is_ok_and(|b| b == bytes) {
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

    /// The stored body of an `ok` record, if it is there and still hashes to
    /// the recorded SHA-256 (`None` when missing, changed, or named outside
    /// `bodies/`).
    pub fn read_body(&self, rec: &Record) -> Option<Vec<u8>> {
        let body = rec.body.as_deref().filter(|b| inside_store(b))?;
        let bytes = fs::read(self.dir.join(body)).ok()?;
        let sha = crate::model::sha256_hex(&bytes);
        rec.sha256
            .as_deref()
            .is_some_and(|want| want.eq_ignore_ascii_case(&sha))
            .then_some(bytes)
    }

    /// Whether an `ok` record's body is stored intact ([`Store::read_body`]).
    pub fn intact(&self, rec: &Record) -> bool {
        rec.outcome == FetchOutcome::Ok && self.read_body(rec).is_some()
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
        })?;
        self.latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(record.url.clone(), record.clone());
        self.appended
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(record.url.clone());
        Ok(())
    }
}

/// Takes the store's advisory lock, writing this process's id into the
/// lock file; refused (with the holder's id) while another process holds it.
fn lock(dir: &Path) -> Result<File> {
    let path = dir.join("lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|source| Error::Store {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(Error::StoreBusy {
                dir: dir.to_path_buf(),
                holder: if holder.is_empty() {
                    "another process".to_string()
                } else {
                    crate::error::printable(holder)
                },
            });
        }
        Err(fs::TryLockError::Error(source)) => return Err(Error::Store { path, source }),
    }
    let me = format!("nianbao pid {}\n", std::process::id());
    let write = |f: &mut File| -> std::io::Result<()> {
        f.set_len(0)?;
        f.write_all(me.as_bytes())
    };
    write(&mut file).map_err(|source| Error::Store { path, source })?;
    Ok(file)
}

/// Whether a manifest's body path stays inside the store: relative, under
/// `bodies/`, with no `..` (a hand-edited or hostile manifest must not make
/// nianbao read other files).
pub fn inside_store(body: &str) -> bool {
    let mut parts = Path::new(body).components();
    matches!(parts.next(), Some(std::path::Component::Normal(first)) if first == "bodies")
        && parts.all(|c| matches!(c, std::path::Component::Normal(_)))
        && !body.contains('\\')
}

/// A URL as the store keys it: parsed and written back (scheme and host in
/// lower case, a default port dropped, the path's escapes made uniform),
/// without its fragment (`#…`, never sent to a server) and without user
/// name or password (never stored). A string that is no URL is kept, trimmed
/// (the fetch then fails it as `bad_url`).
pub fn normalize_url(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(mut u) => {
            u.set_fragment(None);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => url.trim().to_string(),
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

/// The file extension a body is stored under: from its bytes where they
/// tell (a PDF, a DOCX or XLSX, a web page: whatever the server called it),
/// else from the media type, else the URL's own extension.
pub fn body_extension(content_type: Option<&str>, url: &str, bytes: &[u8]) -> &'static str {
    use crate::decode::{office, pdf};
    if pdf::is_pdf(bytes) {
        return "pdf";
    }
    if office::is_zip(bytes) {
        match office::sniff(bytes) {
            Some(office::Office::Docx) => return "docx",
            Some(office::Office::Xlsx) => return "xlsx",
            None => {}
        }
    }
    if crate::decode::looks_like_html(bytes) {
        return "html";
    }
    by_name(content_type, url, bytes)
}

/// [`body_extension`] when the bytes do not tell.
fn by_name(content_type: Option<&str>, url: &str, bytes: &[u8]) -> &'static str {
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
        assert!(s.latest("http://a/2").is_some() && s.latest("http://a/3").is_none());
        assert_eq!(s.latest("http://a/1").unwrap().outcome, FetchOutcome::Ok);
        assert_eq!(s.warnings().len(), 1, "{:?}", s.warnings());
        assert!(s.warnings()[0].contains("unfinished last line"));
        s.append(&ok("http://a/3", "z")).unwrap();
        drop(s);
        let (latest, warnings) = read_latest(dir.path()).unwrap();
        let urls: Vec<_> = latest.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, ["http://a/1", "http://a/2", "http://a/3"]);
        // The torn line was cut off once: no run warns about it again.
        assert_eq!(warnings.len(), 0, "{warnings:?}");
        let s = Store::open(dir.path()).unwrap();
        assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    }

    #[test]
    fn one_process_writes_a_store_and_tmp_is_cleaned_only_under_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let first = Store::open(dir.path()).unwrap();
        // A body being written by the first.
        let part = dir.path().join("tmp").join("x.part");
        fs::write(&part, b"half").unwrap();
        let Err(e) = Store::open(dir.path()) else {
            panic!("a second writer got the store");
        };
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())) && msg.contains("in use"),
            "{msg}"
        );
        assert!(part.exists(), "the refused opener emptied tmp/");
        drop(first);
        let _again = Store::open(dir.path()).unwrap();
        assert!(!part.exists());
    }

    #[test]
    fn bodies_are_read_back_only_when_intact_and_a_damaged_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let (sha, rel) = s.put_body(b"<p>report</p>", "html").unwrap();
        let mut rec = ok("http://a/1", &sha);
        rec.body = Some(rel.clone());
        assert!(s.intact(&rec));
        fs::write(dir.path().join(&rel), b"<p>rep").unwrap();
        assert!(!s.intact(&rec));
        assert_eq!(s.read_body(&rec), None);
        // Storing the bytes again repairs the file.
        s.put_body(b"<p>report</p>", "html").unwrap();
        assert_eq!(s.read_body(&rec).as_deref(), Some(&b"<p>report</p>"[..]));
        // A body path out of the store is never read.
        fs::write(dir.path().join("secret.txt"), b"<p>report</p>").unwrap();
        for bad in [
            "../secret.txt",
            "bodies/../../secret.txt",
            "/etc/passwd",
            "secret.txt",
        ] {
            rec.body = Some(bad.to_string());
            assert!(!s.intact(&rec), "{bad}");
        }
    }

    #[test]
    fn urls_are_normalised_before_they_are_keys() {
        assert_eq!(
            normalize_url("HTTP://Www.Example.GOV.cn:80/a/9.html#frag"),
            "http://www.example.gov.cn/a/9.html"
        );
        assert_eq!(
            normalize_url(" https://user:pw@a.gov.cn:443/x?p=1#top "),
            "https://a.gov.cn/x?p=1"
        );
        assert_eq!(normalize_url("not a url"), "not a url");
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
        // The bytes decide over the header and the name.
        assert_eq!(
            body_extension(Some("application/pdf"), "http://a/r.pdf", b"\n<html><p>x"),
            "html"
        );
        assert_eq!(
            body_extension(Some("text/html"), "http://a/r.html", b"%PDF-1.4\n"),
            "pdf"
        );
    }
}
