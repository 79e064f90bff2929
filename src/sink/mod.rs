//! Output files. Each format is a [`Sink`]; the pipeline hands every outcome
//! to every sink, in input order, one outcome at a time.
//!
//! Files are written under a temporary name in the output directory and
//! renamed into place by [`Sink::finish`], so a crash never leaves a
//! half-written file under a final name; a sink dropped without finishing
//! removes its temporary file.

pub mod csv;
pub mod jsonl;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

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

/// An output format.
pub trait Sink {
    /// Writes one outcome.
    fn write(&mut self, outcome: &Outcome) -> Result<()>;
    /// Flushes and moves the file(s) into place.
    fn finish(self: Box<Self>) -> Result<()>;
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
    fn write(&mut self, outcome: &Outcome) -> Result<()> {
        if let Outcome::Extracted(x) = outcome {
            let mut text = x.text.clone();
            text.push('\n');
            write_file(&self.dir, &format!("{}.txt", x.report.id), text.as_bytes())?;
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
