//! Output files. Each format is a [`Sink`]; the pipeline hands every outcome
//! to every sink, in input order, from one thread.
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
    out: Option<BufWriter<File>>,
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
            out: Some(BufWriter::with_capacity(256 * 1024, file)),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
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
        file.sync_all().map_err(|source| Error::Write {
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
