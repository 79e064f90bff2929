//! Runs a batch: the module that schedules the work.
//!
//! Inputs are discovered (directories walked, sorted), then read, decoded and
//! extracted in parallel by `jobs` workers on a rayon pool, and each worker
//! renders its outcome for every sink (the formatting, which is most of the
//! cost of writing). Rendered outcomes are appended to the files serially and
//! in input order: whichever worker holds the writer writes every outcome
//! that is next in line (with one job, the calling thread does everything in
//! turn, with no pool). Output is therefore
//! identical whatever `jobs` is, and memory is bounded by a window of outcomes
//! in flight, not by the corpus. (Sinks use helper threads only to wait on
//! the disk: see [`sink::finish_all`].)
//!
//! One bad input never stops a run: reading, decoding and extraction errors
//! (and panics, which would be bugs) become [`Outcome::Failed`] lines in
//! `failures.jsonl`, and every input ends up in `manifest.json` with its
//! outcome.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Instant, SystemTime};

use serde::Serialize;

use crate::error::{self, Error, Result, Stage};
use crate::extract::{self, Document, Kind};
use crate::model::{Attachment, CheckStatus, SCHEMA_VERSION};
use crate::sink::{self, Outcome, Sink};
use crate::store::{self, FetchOutcome, PageKind};

/// Inputs larger than this fail with [`Error::TooLarge`] (default 256 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Inputs larger than this are extracted one at a time, whatever `--jobs`
/// is: reading a page takes about ten times its size in memory (more when
/// it yields hundreds of thousands of figures), so several big pages at
/// once would multiply that.
pub const BIG_INPUT: u64 = 16 * 1024 * 1024;

/// Files in a fixture or store directory that describe the page next to them.
const SIDECARS: [&str; 2] = ["meta.json", "expected.json"];

/// One input file.
#[derive(Debug, Clone)]
pub struct Input {
    /// Path as given (or found under a given directory).
    pub path: PathBuf,
    /// HTML or text.
    pub kind: Kind,
    /// Stored `Content-Type`, from a `meta.json` beside the file.
    pub content_type: Option<String>,
    /// Source URL, from a `meta.json` beside the file.
    pub url: Option<String>,
    /// Files a crawl stored as attachments of this page.
    pub attachments: Vec<Attachment>,
    /// The SHA-256 the page store recorded for the body: the bytes read must
    /// hash to it (a body edited or cut short on disk fails the input).
    pub sha256: Option<String>,
}

/// An input that was not processed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The path.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Inputs found on the command line.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to extract, in order.
    pub inputs: Vec<Input>,
    /// Files skipped with a warning (unsupported extensions).
    pub skipped: Vec<Skipped>,
    /// Paths that do not exist or cannot be listed (failed inputs).
    pub missing: Vec<(String, Error)>,
}

/// Finds the input files: files as given, directories walked recursively
/// (without recursion in the code) and sorted. Nothing under `out` (the
/// run's own output folder) is taken, and only regular files are (a FIFO,
/// socket or device is skipped with the reason; a symbolic link is followed
/// to a file, not to a directory).
pub fn discover(paths: &[PathBuf], out: Option<&Path>) -> Discovered {
    let mut found = Discovered::default();
    let out = out.and_then(|o| fs::canonicalize(o).ok());
    let in_out = |p: &Path| {
        out.as_ref()
            .is_some_and(|o| fs::canonicalize(p).is_ok_and(|c| c.starts_with(o)))
    };
    for path in paths {
        if in_out(path) {
            found.skipped.push(Skipped {
                path: shown(path),
                reason: "inside this run's output folder (--out)".to_string(),
            });
            continue;
        }
        match fs::metadata(path) {
            Ok(m) if m.is_dir() && store::is_store(path) => add_store(&mut found, path),
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                let mut dirs = vec![path.clone()];
                while let Some(dir) = dirs.pop() {
                    match fs::read_dir(&dir) {
                        Ok(entries) => {
                            for entry in entries.flatten() {
                                let p = entry.path();
                                match entry.file_type() {
                                    Ok(t) if t.is_dir() => {
                                        if in_out(&p) {
                                            found.skipped.push(Skipped {
                                                path: shown(&p),
                                                reason: "this run's output folder (--out)"
                                                    .to_string(),
                                            });
                                        } else {
                                            dirs.push(p);
                                        }
                                    }
                                    Ok(t) if t.is_file() => files.push(p),
                                    Ok(t) if t.is_symlink() => match fs::metadata(&p) {
                                        Ok(m) if m.is_file() => files.push(p),
                                        Ok(m) => found.skipped.push(Skipped {
                                            path: shown(&p),
                                            reason: format!(
                                                "a symbolic link to {} (not followed)",
                                                file_kind(&m.file_type())
                                            ),
                                        }),
                                        Err(e) => found.skipped.push(Skipped {
                                            path: shown(&p),
                                            reason: format!("a broken symbolic link ({e})"),
                                        }),
                                    },
                                    Ok(t) => found.skipped.push(Skipped {
                                        path: shown(&p),
                                        reason: format!("not a regular file ({})", file_kind(&t)),
                                    }),
                                    Err(_) => {}
                                }
                            }
                        }
                        Err(source) => found.missing.push((
                            shown(&dir),
                            Error::Read {
                                path: dir.clone(),
                                source,
                            },
                        )),
                    }
                }
                files.sort();
                for f in files {
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    if SIDECARS.contains(&name) || name.starts_with('.') {
                        continue;
                    }
                    if in_out(&f) {
                        continue;
                    }
                    add_file(&mut found, f);
                }
            }
            Ok(m) if m.is_file() => add_file(&mut found, path.clone()),
            Ok(m) => found.skipped.push(Skipped {
                path: shown(path),
                reason: format!("not a regular file ({})", file_kind(&m.file_type())),
            }),
            Err(source) => found.missing.push((
                shown(path),
                Error::Read {
                    path: path.clone(),
                    source,
                },
            )),
        }
    }
    found
}

/// What a file that is not a regular file is.
fn file_kind(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// A path as printed in outputs and messages: lossless for UTF-8 names;
/// other bytes are shown as `\xNN` escapes (two different names never print
/// alike), and control characters are escaped too.
pub fn shown(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        crate::error::printable_bytes(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        crate::error::printable(&path.display().to_string())
    }
}

fn add_file(found: &mut Discovered, path: PathBuf) {
    match Kind::of_path(&path) {
        Some(kind) => {
            let (content_type, url) = sidecar(&path);
            found.inputs.push(Input {
                path,
                kind,
                content_type,
                url,
                attachments: Vec::new(),
                sha256: None,
            });
        }
        None => found.skipped.push(Skipped {
            path: shown(&path),
            reason: "not an accepted input (.html .htm .shtml .xhtml .txt .md .markdown .pdf .docx .xlsx)"
                .to_string(),
        }),
    }
}

/// The pages of a page store (see [`store`]): the latest state of every URL,
/// sorted by URL. Stored report pages are inputs, with the stored
/// Content-Type as their header label and their URL; everything else is
/// listed as skipped, with the reason.
fn add_store(found: &mut Discovered, dir: &Path) {
    let (records, warnings) = match store::read_latest(dir) {
        Ok(r) => r,
        Err(e) => {
            found.missing.push((dir.display().to_string(), e));
            return;
        }
    };
    for w in warnings {
        found.skipped.push(Skipped {
            path: dir.join(store::MANIFEST).display().to_string(),
            reason: w,
        });
    }
    // Report pages stored; a file linked from anything else (a listing that
    // links straight to a PDF) is a report of its own.
    let report_urls: std::collections::HashSet<&str> = records
        .iter()
        .filter(|r| r.outcome == FetchOutcome::Ok && r.kind == PageKind::Report)
        .map(|r| r.url.as_str())
        .collect();
    let mut attachments: HashMap<&str, Vec<Attachment>> = HashMap::new();
    for r in &records {
        if let (FetchOutcome::Ok, PageKind::Attachment, Some(body), Some(referrer)) =
            (r.outcome, r.kind, &r.body, &r.referrer)
            && report_urls.contains(referrer.as_str())
            && store::inside_store(body)
        {
            attachments.entry(referrer).or_default().push(Attachment {
                url: r.url.clone(),
                path: dir.join(body).display().to_string(),
                content_type: r.content_type.clone(),
                sha256: r.sha256.clone(),
            });
        }
    }
    for r in &records {
        let skip = |found: &mut Discovered, reason: String| {
            found.skipped.push(Skipped {
                path: r.url.clone(),
                reason,
            })
        };
        match (r.outcome, r.kind, &r.body) {
            // A report page, or a file a listing links to directly (a report
            // published only as a file).
            (FetchOutcome::Ok, PageKind::Report | PageKind::Attachment, Some(body))
                if !store::inside_store(body) =>
            {
                found.missing.push((
                    r.url.clone(),
                    Error::Store {
                        path: dir.join(store::MANIFEST),
                        source: std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "the body path {:?} of {} leads out of the store's bodies/ \
                                 (not read)",
                                crate::error::printable(body),
                                r.url
                            ),
                        ),
                    },
                ));
            }
            (FetchOutcome::Ok, kind @ (PageKind::Report | PageKind::Attachment), Some(body))
                if kind == PageKind::Report
                    || !r
                        .referrer
                        .as_deref()
                        .is_some_and(|p| report_urls.contains(p)) =>
            {
                let path = dir.join(body);
                match Kind::of_path(&path) {
                    Some(kind) if path.is_file() => found.inputs.push(Input {
                        path,
                        kind,
                        content_type: r.content_type.clone(),
                        url: Some(r.url.clone()),
                        attachments: attachments.remove(r.url.as_str()).unwrap_or_default(),
                        sha256: r.sha256.clone(),
                    }),
                    Some(_) => found.missing.push((
                        path.display().to_string(),
                        Error::Read {
                            path: path.clone(),
                            source: std::io::Error::new(
                                std::io::ErrorKind::NotFound,
                                format!("the store lists it for {} but it is missing", r.url),
                            ),
                        },
                    )),
                    None => skip(
                        found,
                        format!("stored body {body} is not a format nianbao reads"),
                    ),
                }
            }
            // (Report lines with a body were taken above.)
            (FetchOutcome::Ok, PageKind::Report, _) => {
                skip(found, "store line without a body path".to_string())
            }
            (FetchOutcome::Ok, PageKind::Listing, _) => {
                skip(found, "a listing page, not a report".to_string())
            }
            (FetchOutcome::Ok, PageKind::Attachment, _) => skip(
                found,
                format!(
                    "an attachment of {} (read with its page when the page lacks tables)",
                    r.referrer.as_deref().unwrap_or("a report")
                ),
            ),
            (FetchOutcome::Robots, ..) => {
                skip(found, "disallowed by robots.txt; not fetched".to_string())
            }
            (FetchOutcome::Blocked, ..) => skip(
                found,
                format!(
                    "blocked ({}): {}; not stored, fetch again later",
                    r.reason.as_deref().unwrap_or("blocked"),
                    r.error
                        .as_deref()
                        .unwrap_or("the site did not serve the page")
                ),
            ),
            (FetchOutcome::Failed, ..) => skip(
                found,
                format!(
                    "not fetched ({})",
                    r.error
                        .as_deref()
                        .or(r.reason.as_deref())
                        .unwrap_or("failed")
                ),
            ),
        }
    }
}

/// `content_type` and `url` from a `meta.json` in the input's directory.
fn sidecar(path: &Path) -> (Option<String>, Option<String>) {
    let Some(meta) = path.parent().map(|d| d.join("meta.json")) else {
        return (None, None);
    };
    let Ok(bytes) = fs::read(&meta) else {
        return (None, None);
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return (None, None);
    };
    let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    (get("content_type"), get("url"))
}

/// Which files to write.
#[derive(Debug, Clone, Copy)]
pub struct Formats {
    /// `reports.jsonl`.
    pub jsonl: bool,
    /// The CSV tables ([`sink::csv::FILES`]).
    pub csv: bool,
    /// `dataset.xlsx`.
    pub xlsx: bool,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Output directory (created if missing).
    pub out: PathBuf,
    /// Worker threads.
    pub jobs: usize,
    /// Output formats.
    pub formats: Formats,
    /// Also write each report's normalised text to `texts/<id>.txt`.
    pub texts: bool,
    /// Inputs above this size fail.
    pub max_bytes: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Inputs seen (processed, failed and skipped).
    pub inputs: usize,
    /// Reports written.
    pub reports: usize,
    /// Inputs that failed.
    pub failed: usize,
    /// Inputs skipped.
    pub skipped: usize,
    /// Figures written.
    pub figures: usize,
    /// Table cells written.
    pub cells: usize,
    /// Checks that failed.
    pub checks_failed: usize,
    /// Reports with warnings.
    pub with_warnings: usize,
}

impl Counts {
    /// Adds another tally to this one.
    fn add(&mut self, other: &Counts) {
        // Destructured, so that a new field cannot be left out.
        let Counts {
            inputs,
            reports,
            failed,
            skipped,
            figures,
            cells,
            checks_failed,
            with_warnings,
        } = other;
        self.inputs += inputs;
        self.reports += reports;
        self.failed += failed;
        self.skipped += skipped;
        self.figures += figures;
        self.cells += cells;
        self.checks_failed += checks_failed;
        self.with_warnings += with_warnings;
    }
}

/// One input's line in `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestInput {
    /// The path.
    pub path: String,
    /// `ok`, `failed` or `skipped`.
    pub outcome: &'static str,
    /// The report id when ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The failed stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    /// Why it failed or was skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Run facts that differ from run to run (the rest of the manifest does not).
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// Start time, RFC 3339 (UTC).
    pub started_at: String,
    /// Wall time in milliseconds.
    pub elapsed_ms: u128,
    /// Worker threads.
    pub jobs: usize,
}

/// `manifest.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// `nianbao`.
    pub tool: &'static str,
    /// The crate version.
    pub tool_version: &'static str,
    /// The report schema version.
    pub schema_version: u32,
    /// Files written.
    pub outputs: Vec<String>,
    /// Totals.
    pub counts: Counts,
    /// Every input and its outcome, in input order.
    pub inputs: Vec<ManifestInput>,
    /// Timings and threads: the only part that varies between identical runs.
    pub run: RunInfo,
}

/// Progress callback: (inputs done, inputs total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Extracts every input into `opts.out`; returns the manifest.
///
/// Errors are run-level only (the output directory cannot be written); a bad
/// input is a failed outcome, never an error here.
pub fn run(found: Discovered, opts: &Options, progress: Progress) -> Result<Manifest> {
    let started = Instant::now();
    let started_at = crate::model::timestamp(SystemTime::now());
    fs::create_dir_all(&opts.out).map_err(|source| Error::Write {
        path: opts.out.clone(),
        source,
    })?;
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    let mut outputs = Vec::new();
    if opts.formats.jsonl {
        sinks.push(Box::new(sink::jsonl::ReportsJsonl::create(&opts.out)?));
        outputs.push("reports.jsonl".to_string());
    }
    if opts.formats.csv {
        sinks.push(Box::new(sink::csv::CsvTables::create(&opts.out)?));
        outputs.extend(sink::csv::FILES.map(String::from));
    }
    if opts.formats.xlsx {
        sinks.push(Box::new(sink::xlsx::XlsxBook::create(&opts.out)?));
        outputs.push("dataset.xlsx".to_string());
    }
    sinks.push(Box::new(sink::jsonl::FailuresJsonl::create(&opts.out)?));
    outputs.push("failures.jsonl".to_string());
    if opts.texts {
        sinks.push(Box::new(sink::TextSink::create(&opts.out)?));
        outputs.push("texts/".to_string());
    }
    outputs.push("dictionary.csv".to_string());
    outputs.push("summary.html".to_string());
    outputs.push("manifest.json".to_string());

    let total = found.inputs.len() + found.missing.len();
    let all_sinks = sinks;
    let sinks = &all_sinks[..];
    let missing: Vec<Ready> = found
        .missing
        .into_iter()
        .map(|(input, error)| Ready::new(sinks, Outcome::Failed { input, error }, false))
        .collect();
    let mut writer = Writer {
        counts: Counts::default(),
        digests: Vec::new(),
        ids: HashMap::new(),
        manifest: Vec::new(),
        done: 0,
        reported: 0,
        result: Ok(()),
    };
    for ready in missing {
        writer.record(sinks, ready);
    }
    let writer = if opts.jobs <= 1 {
        // One job: one thread does everything, in turn.
        for input in &found.inputs {
            let outcome = process(input, opts.max_bytes);
            writer.record(sinks, Ready::new(sinks, outcome, is_big(input)));
            if writer.result.is_err() {
                break;
            }
            if writer.done.is_multiple_of(64) {
                progress(writer.done, total);
            }
        }
        writer
    } else {
        // Workers (on the pool) take inputs one by one, extract and render
        // them. A rendered outcome goes into `order`, keyed by its index;
        // whichever worker can take the writer then appends every outcome
        // that is next in input order. No writer thread to wake for each page
        // and no batch barriers; workers never run more than `window` inputs
        // ahead of what is written, which bounds memory.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs.max(1))
            .build()
            .map_err(|e| Error::Write {
                path: opts.out.clone(),
                source: std::io::Error::other(e.to_string()),
            })?;
        let window = opts.jobs * 16;
        let inputs = &found.inputs;
        // Held while a big input is read (see BIG_INPUT).
        let big = Mutex::new(());
        let big = &big;
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let order = (
            Mutex::new(Order {
                pending: Default::default(),
                expect: 0,
            }),
            Condvar::new(),
        );
        let writer_lock = Mutex::new(writer);
        let (next, order, writer, stop) = (&next, &order, &writer_lock, &stop);
        let drain = |blocking: bool| {
            loop {
                let mut w = if blocking {
                    lock(writer)
                } else {
                    match writer.try_lock() {
                        Ok(w) => w,
                        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
                        Err(std::sync::TryLockError::WouldBlock) => return,
                    }
                };
                loop {
                    // Take what is next in order, then write it unlocked.
                    let ready: Vec<Ready> = {
                        let mut o = lock(&order.0);
                        let mut ready = Vec::new();
                        while let Some(outcome) = {
                            let at = o.expect;
                            o.pending.remove(&at)
                        } {
                            ready.push(outcome);
                            o.expect += 1;
                        }
                        ready
                    };
                    if ready.is_empty() {
                        break;
                    }
                    for r in ready {
                        w.record(sinks, r);
                    }
                    if w.result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    order.1.notify_all();
                    if w.done >= w.reported + 64 {
                        w.reported = w.done;
                        progress(w.done, total);
                    }
                }
                drop(w);
                // An outcome added while this worker held the writer found it
                // taken: look again now that it is free.
                let o = lock(&order.0);
                if !o.pending.contains_key(&o.expect) {
                    return;
                }
            }
        };
        let drain = &drain;
        pool.in_place_scope(|scope| {
            for _ in 0..opts.jobs {
                scope.spawn(move |_| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= inputs.len() || stop.load(Ordering::Relaxed) {
                            return;
                        }
                        {
                            let mut o = lock(&order.0);
                            while i >= o.expect + window && !stop.load(Ordering::Relaxed) {
                                o = order.1.wait(o).unwrap_or_else(|e| e.into_inner());
                            }
                        }
                        let input = &inputs[i];
                        let one_big = is_big(input).then(|| lock(big));
                        let ready =
                            Ready::new(sinks, process(input, opts.max_bytes), one_big.is_some());
                        lock(&order.0).pending.insert(i, ready);
                        drain(one_big.is_some());
                        if one_big.is_some() {
                            // The next big input waits until this one is
                            // written: one in memory at a time.
                            let mut o = lock(&order.0);
                            while o.expect <= i && !stop.load(Ordering::Relaxed) {
                                o = order.1.wait(o).unwrap_or_else(|e| e.into_inner());
                            }
                        }
                    }
                });
            }
        });
        // Every worker has returned: write whatever is left in order.
        drain(true);
        writer_lock.into_inner().unwrap_or_else(|e| e.into_inner())
    };
    progress(writer.done, total);
    writer.result?;
    let (mut counts, mut manifest_inputs, mut digests) =
        (writer.counts, writer.manifest, writer.digests);
    // The checks across reports, now that all are read.
    let carries: Vec<crate::panel::Carry> =
        digests.iter().filter_map(|d| d.carry.clone()).collect();
    let cross = crate::panel::carry_checks(&carries);
    if !cross.is_empty() {
        for s in &all_sinks {
            s.cross_checks(&cross)?;
        }
        let at: HashMap<String, usize> = digests
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        for (id, check) in cross.iter().filter(|c| c.1.status == CheckStatus::Fail) {
            counts.checks_failed += 1;
            if let Some(&i) = at.get(id) {
                digests[i].failed.push(check.rule.clone());
            }
        }
    }
    let ids = writer.ids;
    for s in &found.skipped {
        manifest_inputs.push(ManifestInput {
            path: s.path.clone(),
            outcome: "skipped",
            id: None,
            stage: None,
            error: Some(s.reason.clone()),
        });
        counts.skipped += 1;
    }
    counts.inputs = counts.reports + counts.failed + counts.skipped;
    sink::finish_all(all_sinks.into_iter().map(|s| move || s.finish()))?;
    let dictionary = crate::dictionary::entries(crate::dictionary::Files {
        jsonl: opts.formats.jsonl,
        csv: opts.formats.csv,
        xlsx: opts.formats.xlsx,
    });
    let dictionary = crate::dictionary::to_csv(&dictionary).map_err(|source| Error::Csv {
        what: "dictionary.csv",
        source,
    })?;
    sink::write_file(&opts.out, "dictionary.csv", &dictionary)?;
    prune(opts, &ids)?;
    let manifest = Manifest {
        tool: "nianbao",
        tool_version: env!("CARGO_PKG_VERSION"),
        schema_version: SCHEMA_VERSION,
        outputs,
        counts,
        inputs: manifest_inputs,
        run: RunInfo {
            started_at,
            elapsed_ms: started.elapsed().as_millis(),
            jobs: opts.jobs.max(1),
        },
    };
    let mut bytes = serde_json::to_vec_pretty(&manifest).map_err(|source| Error::Serialize {
        what: "manifest",
        source,
    })?;
    bytes.push(b'\n');
    sink::write_file(
        &opts.out,
        "summary.html",
        crate::summary::html(&digests, &manifest).as_bytes(),
    )?;
    sink::write_file(&opts.out, "manifest.json", &bytes)?;
    Ok(manifest)
}

/// Removes what an earlier run left in the output folder that this run did
/// not write (a format not asked for this time, texts of reports no longer
/// there), so that the folder describes one run. Only nianbao's own file
/// names are touched.
fn prune(opts: &Options, ids: &HashMap<String, String>) -> Result<()> {
    let mut stale: Vec<PathBuf> = Vec::new();
    if !opts.formats.jsonl {
        stale.push(opts.out.join("reports.jsonl"));
    }
    if !opts.formats.xlsx {
        stale.push(opts.out.join("dataset.xlsx"));
    }
    if !opts.formats.csv {
        for f in sink::csv::FILES {
            stale.push(opts.out.join(f));
        }
    }
    let texts = opts.out.join("texts");
    if let Ok(entries) = fs::read_dir(&texts) {
        for e in entries.flatten() {
            let p = e.path();
            let is_text = p.extension().is_some_and(|x| x == "txt");
            let kept = opts.texts
                && p.file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(|id| ids.contains_key(id));
            if is_text && !kept {
                stale.push(p);
            }
        }
    }
    for p in stale {
        match fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(Error::Write { path: p, source }),
        }
    }
    if !opts.texts {
        // Gone only when nothing else is in it.
        let _ = fs::remove_dir(&texts);
    }
    Ok(())
}

/// Outcomes waiting for their turn, and the index of the next to write.
struct Order {
    pending: std::collections::BTreeMap<usize, Ready>,
    expect: usize,
}

/// Whether an input is big (see [`BIG_INPUT`]).
fn is_big(input: &Input) -> bool {
    fs::metadata(&input.path).is_ok_and(|m| m.len() > BIG_INPUT)
}

/// An outcome ready for its turn, with what it adds to the manifest: all
/// that writing it needs.
struct Ready {
    body: Body,
    counts: Counts,
    input: ManifestInput,
    /// What the run report keeps of the report.
    digest: Option<crate::summary::Digest>,
}

/// What a [`Ready`] outcome is written from.
enum Body {
    /// Rendered by every sink, on the worker that extracted it.
    Rendered(Result<Vec<sink::Rendered>>),
    /// A big input's outcome, rendered (or streamed) by one sink after the
    /// other as it is written: its renderings are never all in memory.
    Deferred(Box<Outcome>),
}

impl Ready {
    /// Renders an outcome for every sink (on the calling worker), unless
    /// `defer`.
    fn new(sinks: &[Box<dyn Sink>], outcome: Outcome, defer: bool) -> Ready {
        let mut counts = Counts::default();
        let digest = match &outcome {
            Outcome::Extracted(x) => Some(crate::summary::Digest::of(&x.report)),
            Outcome::Failed { .. } => None,
        };
        let input = match &outcome {
            Outcome::Extracted(x) => {
                let r = &x.report;
                counts.reports = 1;
                counts.figures = r.figures.len();
                counts.cells = r.cells.len();
                counts.checks_failed = r
                    .checks
                    .iter()
                    .filter(|c| c.status == CheckStatus::Fail)
                    .count();
                counts.with_warnings = usize::from(!r.warnings.is_empty());
                ManifestInput {
                    path: r.source.path.clone(),
                    outcome: "ok",
                    id: Some(r.id.clone()),
                    stage: None,
                    error: None,
                }
            }
            Outcome::Failed { input, error } => {
                counts.failed = 1;
                ManifestInput {
                    path: input.clone(),
                    outcome: "failed",
                    id: None,
                    stage: Some(error.stage()),
                    error: Some(error::chain(error)),
                }
            }
        };
        let body = if defer {
            Body::Deferred(Box::new(outcome))
        } else {
            Body::Rendered(sinks.iter().map(|s| s.render(&outcome)).collect())
        };
        Ready {
            body,
            counts,
            input,
            digest,
        }
    }
}

/// What has been written so far.
struct Writer {
    counts: Counts,
    /// The digests of the reports written, for the run report.
    digests: Vec<crate::summary::Digest>,
    /// Every report id written, with the input it came from.
    ids: HashMap<String, String>,
    manifest: Vec<ManifestInput>,
    done: usize,
    reported: usize,
    result: Result<()>,
}

impl Writer {
    /// Appends one rendered outcome to every sink, unless a write has
    /// already failed.
    fn record(&mut self, sinks: &[Box<dyn Sink>], mut ready: Ready) {
        // One report, one row: the same bytes under another path (or URL)
        // are listed as skipped, naming the input that gave the report.
        if let Some(id) = &ready.input.id {
            if let Some(first) = self.ids.get(id) {
                ready.input.error = Some(format!(
                    "the same content as {first} (report {id}): one row per report"
                ));
                ready.input.outcome = "skipped";
                ready.input.id = None;
                self.counts.skipped += 1;
                self.manifest.push(ready.input);
                self.done += 1;
                return;
            }
            self.ids.insert(id.clone(), ready.input.path.clone());
        }
        if self.result.is_ok() {
            self.result = match ready.body {
                Body::Rendered(rendered) => rendered.and_then(|parts| {
                    sinks
                        .iter()
                        .zip(parts)
                        .try_for_each(|(s, part)| s.write(part))
                }),
                Body::Deferred(outcome) => sinks.iter().try_for_each(|s| s.write_outcome(&outcome)),
            };
            self.counts.add(&ready.counts);
            self.manifest.push(ready.input);
            self.digests.extend(ready.digest);
        }
        self.done += 1;
    }
}

/// Locks a mutex, taking the data over if a panicking thread poisoned it.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Reads and extracts one input; every failure (a panic included) is an outcome.
pub fn process(input: &Input, max_bytes: u64) -> Outcome {
    let path = input.path.display().to_string();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(
        || -> Result<extract::Extraction> {
            let bytes = read_limited(&input.path, max_bytes)?;
            verify(&bytes, input.sha256.as_deref())?;
            extract::extract(Document {
                bytes: bytes.into(),
                path: &path,
                kind: input.kind,
                content_type: input.content_type.as_deref(),
                url: input.url.as_deref(),
            })
        },
    ));
    match result {
        Ok(Ok(mut x)) => {
            x.report.source.attachments = input.attachments.clone();
            if !extract::tables_complete(&x.report) {
                take_attachments(&mut x.report, &input.attachments, max_bytes);
            }
            Outcome::Extracted(Box::new(x))
        }
        Ok(Err(error)) => Outcome::Failed { input: path, error },
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Outcome::Failed {
                input: path,
                error: Error::Internal { message },
            }
        }
    }
}

/// Reads a report page's stored attachments (PDF, DOCX, XLSX) for the
/// tables the page lacks ([`extract::merge_attachment`]). An attachment that
/// cannot be read is a warning of the report, not a failure.
fn take_attachments(report: &mut crate::model::Report, attachments: &[Attachment], max_bytes: u64) {
    for a in attachments {
        let path = Path::new(&a.path);
        let kind = Kind::of_path(path).unwrap_or(Kind::Text);
        if !matches!(kind, Kind::Pdf | Kind::Docx | Kind::Xlsx) {
            continue;
        }
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(
            || -> Result<extract::Extraction> {
                let bytes = read_limited(path, max_bytes)?;
                verify(&bytes, a.sha256.as_deref())?;
                extract::extract(Document {
                    bytes: bytes.into(),
                    path: &a.path,
                    kind,
                    content_type: a.content_type.as_deref(),
                    url: Some(&a.url),
                })
            },
        ));
        match read {
            Ok(Ok(x)) => extract::merge_attachment(report, &x.report, &a.url),
            Ok(Err(e)) => report.warnings.push(format!(
                "attachment {} not read: {}",
                a.url,
                crate::error::chain(&e)
            )),
            Err(_) => report
                .warnings
                .push(format!("attachment {} not read: internal error", a.url)),
        }
        if extract::tables_complete(report) {
            break;
        }
    }
}

/// Checks stored bytes against the hash the store recorded for them.
fn verify(bytes: &[u8], expected: Option<&str>) -> Result<()> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let actual = crate::model::sha256_hex(bytes);
    if actual.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(Error::Integrity {
            expected: expected.to_string(),
            actual,
        })
    }
}

/// Reads a regular file of at most `max_bytes`. Opened without blocking (a
/// FIFO put in a file's place is refused, not waited on).
fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let read_err = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(read_err)?;
    let meta = file.metadata().map_err(read_err)?;
    if !meta.is_file() {
        return Err(read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("not a regular file ({})", file_kind(&meta.file_type())),
        )));
    }
    let len = meta.len();
    if len > max_bytes {
        return Err(Error::TooLarge {
            bytes: len,
            limit: max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > max_bytes {
        return Err(Error::TooLarge {
            bytes: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    Ok(bytes)
}
