//! Output files. Each format is a [`Sink`], and writing an outcome takes two
//! steps: [`Sink::render`] turns it into bytes (the costly part: JSON and CSV
//! formatting), on the worker that extracted it and in parallel with the
//! other workers; [`Sink::write`] appends those bytes to the files, in input
//! order, one outcome at a time. So the part of a run that cannot be parallel
//! is little more than copying bytes (and, for `dataset.xlsx`, writing the
//! rows into its sheets). A big input's outcome is not rendered ahead:
//! [`Sink::write_outcome`] renders it sink by sink as it is written, so its
//! renderings are never all in memory.
//!
//! Files are written under a temporary name in the output directory and
//! renamed into place by [`Sink::finish`], so a crash never leaves a
//! half-written file under a final name; a sink dropped without finishing
//! removes its temporary file.

pub mod csv;
pub mod jsonl;
pub mod xlsx;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::extract::Extraction;

/// What happened to one input.
#[derive(Debug)]
pub enum Outcome {
    /// A report was extracted.
    Extracted(Box<Extraction>),
    /// The input failed; the error says at which stage and why.
    Failed {
        /// The input path as given.
        input: String,
        /// What went wrong.
        error: Error,
    },
}

/// What a sink made of one outcome: the bytes to append to each of its files,
/// in the order of its files (empty where the outcome adds nothing).
#[derive(Debug, Default)]
pub struct Rendered(pub Vec<Vec<u8>>);

/// An output format.
pub trait Sink: Send + Sync {
    /// Renders one outcome. Runs on any worker, in parallel with the others;
    /// touches no file.
    fn render(&self, outcome: &Outcome) -> Result<Rendered>;
    /// Appends what [`Sink::render`] made of an outcome. The pipeline calls
    /// it in input order, from one thread at a time.
    fn write(&self, rendered: Rendered) -> Result<()>;
    /// Renders and appends an outcome in one step, as [`Sink::write`] is
    /// called. For big inputs, whose rendering is not worth holding in
    /// memory: a sink that can write straight into its files does.
    fn write_outcome(&self, outcome: &Outcome) -> Result<()> {
        self.write(self.render(outcome)?)
    }
    /// Appends the checks across reports (`X-CARRY`), run once every
    /// report is written: (the report's id, the check). Sinks without a
    /// place for them ignore them.
    fn cross_checks(&self, _checks: &[(String, crate::model::Check)]) -> Result<()> {
        Ok(())
    }
    /// Flushes and moves the file(s) into place.
    fn finish(self: Box<Self>) -> Result<()>;
}

/// A sink's output files, appended to in turn and committed together.
pub struct Files(Mutex<Vec<AtomicFile>>);

impl Files {
    /// Creates `dir/name` for each name (as temporary files for now), each
    /// starting with its header bytes.
    pub fn create(dir: &Path, files: &[(&str, &[u8])]) -> Result<Files> {
        let mut out = Vec::with_capacity(files.len());
        for (name, header) in files {
            let mut f = AtomicFile::create(dir, name)?;
            f.write_all(header)?;
            out.push(f);
        }
        Ok(Files(Mutex::new(out)))
    }

    /// Appends each part to its file.
    pub fn append(&self, rendered: Rendered) -> Result<()> {
        // Only the thread writing in order calls this: the lock is never
        // contended, and a panic elsewhere cannot leave a file half-appended.
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for (f, part) in files.iter_mut().zip(rendered.0) {
            if !part.is_empty() {
                f.write_all(&part)?;
            }
        }
        Ok(())
    }

    /// Writes into file `index` directly (see [`Sink::write_outcome`]).
    pub fn stream(
        &self,
        index: usize,
        write: impl FnOnce(&mut AtomicFile) -> Result<()>,
    ) -> Result<()> {
        let mut files = self.0.lock().unwrap_or_else(|e| e.into_inner());
        write(&mut files[index])
    }

    /// Flushes, syncs and renames every file into place, all at once.
    pub fn commit(self) -> Result<()> {
        let files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        finish_all(files.into_iter().map(|f| move || f.commit()))
    }
}

/// A file written under a temporary name and renamed into place on
/// [`AtomicFile::commit`].
pub struct AtomicFile {
    tmp: PathBuf,
    path: PathBuf,
    out: Option<BufWriter<EarlySync>>,
}

/// Bytes written between background syncs.
const SYNC_EVERY: u64 = 8 * 1024 * 1024;

/// A file that asks the disk to catch up as it grows: every `SYNC_EVERY` (8 MiB)
/// bytes, a helper thread syncs what has been written so far, so the final
/// sync before the rename (which the run must wait for) has little left to
/// do. The helper waits on the disk, not on a CPU.
pub struct EarlySync {
    file: File,
    unsynced: u64,
    syncing: Option<std::thread::JoinHandle<()>>,
}

impl EarlySync {
    fn new(file: File) -> EarlySync {
        EarlySync {
            file,
            unsynced: 0,
            syncing: None,
        }
    }

    /// Waits for a background sync, then syncs everything and returns the file.
    fn finish(mut self) -> std::io::Result<File> {
        if let Some(h) = self.syncing.take() {
            let _ = h.join();
        }
        self.file.sync_all()?;
        Ok(self.file)
    }
}

impl Write for EarlySync {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= SYNC_EVERY && self.syncing.as_ref().is_none_or(|h| h.is_finished()) {
            // An early sync is an optimisation: if it cannot start, the final
            // sync does all the work.
            if let Ok(f) = self.file.try_clone() {
                self.syncing = Some(std::thread::spawn(move || {
                    let _ = f.sync_data();
                }));
                self.unsynced = 0;
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl AtomicFile {
    /// Creates `dir/name` (as a temporary file for now).
    pub fn create(dir: &Path, name: &str) -> Result<AtomicFile> {
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp).map_err(|source| Error::Write {
            path: tmp.clone(),
            source,
        })?;
        Ok(AtomicFile {
            tmp,
            path,
            out: Some(BufWriter::with_capacity(256 * 1024, EarlySync::new(file))),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<EarlySync> {
        self.out.as_mut().expect("not yet committed")
    }

    /// Writes bytes, mapping errors to [`Error::Write`].
    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let path = self.path.clone();
        self.writer()
            .write_all(bytes)
            .map_err(|source| Error::Write { path, source })
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let out = self.out.take().expect("committed once");
        let file = out.into_inner().map_err(|e| Error::Write {
            path: self.path.clone(),
            source: e.into_error(),
        })?;
        file.finish().map_err(|source| Error::Write {
            path: self.path.clone(),
            source,
        })?;
        fs::rename(&self.tmp, &self.path).map_err(|source| Error::Write {
            path: self.path.clone(),
            source,
        })
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.out.is_some() {
            self.out = None;
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Writes a whole file atomically.
pub fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(dir, name)?;
    f.write_all(bytes)?;
    f.commit()
}

/// Writes each report's normalised text to `dir/texts/<id>.txt` (the text
/// that figure and section offsets refer to).
pub struct TextSink {
    dir: PathBuf,
}

impl TextSink {
    /// Creates `dir/texts`.
    pub fn create(dir: &Path) -> Result<TextSink> {
        let dir = dir.join("texts");
        fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(TextSink { dir })
    }
}

impl Sink for TextSink {
    /// The file name, then the text (nothing for a failed input). Files are
    /// written in order too: two inputs with the same bytes share an id.
    fn render(&self, outcome: &Outcome) -> Result<Rendered> {
        Ok(match outcome {
            Outcome::Extracted(x) => {
                let mut text = Vec::with_capacity(x.text.len() + 1);
                text.extend_from_slice(x.text.as_bytes());
                text.push(b'\n');
                Rendered(vec![format!("{}.txt", x.report.id).into_bytes(), text])
            }
            Outcome::Failed { .. } => Rendered::default(),
        })
    }

    fn write(&self, rendered: Rendered) -> Result<()> {
        if let [name, text] = &rendered.0[..] {
            write_file(&self.dir, &String::from_utf8_lossy(name), text)?;
        }
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<()> {
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer().flush()
    }
}

/// Runs every finishing step (flush, sync, rename: each waits on the disk)
/// on its own thread, and returns the first error.
pub fn finish_all<F>(steps: impl IntoIterator<Item = F>) -> Result<()>
where
    F: FnOnce() -> Result<()> + Send,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = steps.into_iter().map(|f| scope.spawn(f)).collect();
        let mut result = Ok(());
        for h in handles {
            let r = h.join().unwrap_or_else(|_| {
                Err(Error::Write {
                    path: "output".into(),
                    source: std::io::Error::other("a thread finishing an output file panicked"),
                })
            });
            if result.is_ok() {
                result = r;
            }
        }
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_files_sync_early_and_arrive_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::create(dir.path(), "big.txt").unwrap();
        let line = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n";
        let n = (2 * SYNC_EVERY as usize + 1000) / line.len();
        for _ in 0..n {
            f.write_all(line).unwrap();
        }
        assert!(
            !dir.path().join("big.txt").exists(),
            "renamed only on commit"
        );
        f.commit().unwrap();
        let bytes = fs::read(dir.path().join("big.txt")).unwrap();
        assert_eq!(bytes.len(), n * line.len());
        assert!(bytes.chunks(line.len()).all(|c| c == line));
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[test]
    fn dropped_files_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = AtomicFile::create(dir.path(), "x.csv").unwrap();
        f.write_all(b"a,b\n").unwrap();
        drop(f);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn finishing_reports_the_first_error() {
        let ok = finish_all([
            Box::new(|| Ok(())) as Box<dyn FnOnce() -> Result<()> + Send>,
            Box::new(|| Ok(())),
        ]);
        assert!(ok.is_ok());
        let err = finish_all([
            Box::new(|| Ok(())) as Box<dyn FnOnce() -> Result<()> + Send>,
            Box::new(|| {
                Err(Error::Write {
                    path: "a.csv".into(),
                    source: std::io::Error::other("disk full"),
                })
            }),
        ]);
        assert!(err.unwrap_err().to_string().contains("a.csv"));
    }
}
