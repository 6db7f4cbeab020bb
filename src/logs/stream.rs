//! Streaming a log source (text file, directory of step logs, run-logs zip,
//! standard input) line by line, so memory stays bounded whatever its size.
//!
//! Only regular files and directories are opened: a FIFO, socket or device
//! could block forever or never end. Standard input is read only when asked
//! for explicitly (`-`). Whatever the source, at most [`MAX_TOTAL_BYTES`] of
//! (decompressed) input are read; the rest is cut and the reason returned.

use super::{check_entry_name, for_each_line, io_err, layout, LogError, MAX_TOTAL_BYTES};
use std::io::{BufReader, Read};
use std::path::Path;

/// What the streamed source hands to its consumer.
pub enum Event<'a> {
    /// A new job or step log starts (the names when the layout gives them).
    Start {
        job: Option<String>,
        step: Option<String>,
    },
    /// One raw line (without `\n`, at most [`super::MAX_LINE`] bytes, lossily decoded).
    Line(&'a str),
}

/// The path that means standard input.
pub const STDIN: &str = "-";

/// How a streamed read ended.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Streamed {
    /// Bytes read (decompressed).
    pub bytes: u64,
    /// Set when the input was cut at [`MAX_TOTAL_BYTES`]: why, in one line.
    pub cut: Option<String>,
}

/// Streams `path` (or standard input for `-`) to `f`, with the default cap.
pub fn stream_path(path: &Path, f: &mut dyn FnMut(Event<'_>)) -> Result<Streamed, LogError> {
    stream_path_with_limit(path, MAX_TOTAL_BYTES, f)
}

/// [`stream_path`] with an explicit cap on the bytes read.
pub fn stream_path_with_limit(
    path: &Path,
    limit: u64,
    f: &mut dyn FnMut(Event<'_>),
) -> Result<Streamed, LogError> {
    let mut left = Budget {
        left: limit,
        cut: false,
    };
    let what = path.display().to_string();
    if path.as_os_str() == STDIN {
        f(Event::Start {
            job: None,
            step: None,
        });
        let stdin = std::io::stdin();
        stream_reader(stdin.lock(), &mut left, f).map_err(|e| io_err(path, e))?;
    } else {
        let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
        if meta.is_dir() {
            stream_dir(path, &mut left, f)?;
        } else if !meta.is_file() {
            return Err(LogError::NotRegular(what));
        } else {
            let mut file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
            let mut magic = [0u8; 4];
            let n = read_full(&mut file, &mut magic).map_err(|e| io_err(path, e))?;
            let zip_ext = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
            let is_zip = n == 4 && (&magic == b"PK\x03\x04" || &magic == b"PK\x05\x06");
            if is_zip || zip_ext {
                stream_zip(file, &mut left, f)?;
            } else {
                f(Event::Start {
                    job: None,
                    step: None,
                });
                let head = std::io::Cursor::new(magic[..n].to_vec());
                stream_reader(head.chain(file), &mut left, f).map_err(|e| io_err(path, e))?;
            }
        }
    }
    let bytes = limit - left.left;
    Ok(Streamed {
        bytes,
        cut: left.cut.then(|| {
            format!("{what}: read only the first {limit} bytes (the cap on log input); the rest was not analysed")
        }),
    })
}

/// Bytes still allowed; `cut` once more input was seen past the cap.
struct Budget {
    left: u64,
    cut: bool,
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that stops at the budget and notes whether more was there.
struct Capped<'b, R> {
    inner: R,
    budget: &'b mut Budget,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.budget.left == 0 {
            if !self.budget.cut {
                let mut one = [0u8; 1];
                if read_full(&mut self.inner, &mut one)? > 0 {
                    self.budget.cut = true;
                }
            }
            return Ok(0);
        }
        let max = buf
            .len()
            .min(self.budget.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..max])?;
        self.budget.left -= n as u64;
        Ok(n)
    }
}

fn stream_reader(
    r: impl Read,
    budget: &mut Budget,
    f: &mut dyn FnMut(Event<'_>),
) -> std::io::Result<()> {
    let capped = Capped { inner: r, budget };
    for_each_line(BufReader::with_capacity(1 << 16, capped), |l| {
        f(Event::Line(l))
    })
}

fn stream_zip(
    file: std::fs::File,
    budget: &mut Budget,
    f: &mut dyn FnMut(Event<'_>),
) -> Result<(), LogError> {
    let bad = |e: zip::result::ZipError| LogError::BadZip(e.to_string());
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(bad)?;
    // The whole archive is checked before anything is read from it.
    let mut names = Vec::new();
    let mut indices = Vec::new();
    for i in 0..archive.len() {
        let e = archive.by_index_raw(i).map_err(bad)?;
        let name = e.name().to_string();
        check_entry_name(&name)?;
        if e.is_symlink() {
            return Err(LogError::UnsafePath(format!("{name} is a symlink")));
        }
        if e.is_dir() || name.ends_with('/') {
            continue;
        }
        names.push(name);
        indices.push(i);
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    for p in layout::plan(&refs) {
        if budget.cut {
            break;
        }
        let name = &names[p.index];
        let entry = archive.by_index(indices[p.index]).map_err(bad)?;
        f(Event::Start {
            job: p.job,
            step: p.step,
        });
        stream_reader(entry, budget, f).map_err(|e| LogError::BadZip(format!("{name}: {e}")))?;
    }
    Ok(())
}

fn stream_dir(
    root: &Path,
    budget: &mut Budget,
    f: &mut dyn FnMut(Event<'_>),
) -> Result<(), LogError> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = std::fs::read_dir(&dir).map_err(|e| io_err(&dir, e))?;
        for ent in rd {
            let ent = ent.map_err(|e| io_err(&dir, e))?;
            let p = ent.path();
            if ent.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // Not followed: links out of the directory, FIFOs and devices are skipped.
            let ft = ent.file_type().map_err(|e| io_err(&p, e))?;
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, p));
            }
        }
    }
    let refs: Vec<&str> = files.iter().map(|(r, _)| r.as_str()).collect();
    for p in layout::plan(&refs) {
        if budget.cut {
            break;
        }
        let path = &files[p.index].1;
        let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
        f(Event::Start {
            job: p.job,
            step: p.step,
        });
        stream_reader(file, budget, f).map_err(|e| io_err(path, e))?;
    }
    Ok(())
}

/// The job names of a run-logs zip's entries, in reading order, read from the
/// archive's directory alone (nothing is inflated): checks the archive as
/// [`stream_path`] would and lets a caller pick the jobs it wants first.
pub fn zip_jobs(path: &Path) -> Result<Vec<Option<String>>, LogError> {
    let bad = |e: zip::result::ZipError| LogError::BadZip(e.to_string());
    let file = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(bad)?;
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let e = archive.by_index_raw(i).map_err(bad)?;
        let name = e.name().to_string();
        check_entry_name(&name)?;
        if e.is_symlink() {
            return Err(LogError::UnsafePath(format!("{name} is a symlink")));
        }
        if !(e.is_dir() || name.ends_with('/')) {
            names.push(name);
        }
    }
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Ok(layout::plan(&refs).into_iter().map(|p| p.job).collect())
}

/// A log already on disk to stream under names given by its origin (a job
/// log downloaded from the API, or the run's zip narrowed to some jobs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: std::path::PathBuf,
    /// Names what the cut reason talks about (the path may be a temp file).
    pub label: String,
    /// For a single log: its job and step (the zip's entries name their own).
    pub job: Option<String>,
    pub step: Option<String>,
    /// For a zip: only the entries of these jobs are read.
    pub only_jobs: Option<Vec<String>>,
}
