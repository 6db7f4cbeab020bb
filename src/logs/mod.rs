//! Reading CI logs: text files, directories of step logs, run-logs zips.
//!
//! Everything read here is cleaned line by line ([`clean`]): runner
//! timestamps, ANSI colours, carriage-return progress frames,
//! `##[section]` / `##[debug]` / `##[command]` markers and post-job cleanup output are removed;
//! `##[group]`, `##[endgroup]` and `##[error]` markers are kept (the analysis uses them to find
//! the failed step and its command). Invalid UTF-8 is replaced, never fatal.

pub mod clean;
mod layout;
mod lines;
pub mod stream;

pub use clean::{clean_text, Cleaner, MAX_LINE};
pub use lines::for_each_line;
pub use stream::{stream_path, Event, Source, Streamed};

use std::io::Read;
use std::path::Path;

/// Total decompressed bytes [`read_path`] and [`read_zip_bytes`] accept.
pub const MAX_TOTAL_BYTES: u64 = 1 << 30;

/// One job or step log, cleaned (timestamps, ANSI, CR progress) and masked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogFile {
    /// Job name when known (zip top-level file or folder).
    pub job: Option<String>,
    /// Step name when known (`<job>/<n>_<step>.txt`).
    pub step: Option<String>,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("not a valid zip archive: {0}")]
    BadZip(String),
    #[error("unsafe path in zip archive: {0}")]
    UnsafePath(String),
    #[error("log too large: {0}")]
    TooLarge(String),
    #[error("{0} is not a regular file or directory (a FIFO, socket or device may never end); to stream, pipe it to `-` (standard input)")]
    NotRegular(String),
}

fn io_err(path: &Path, source: std::io::Error) -> LogError {
    LogError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Reads a text log, a directory of step logs, or a run-logs `.zip`.
pub fn read_path(path: &Path) -> Result<Vec<LogFile>, LogError> {
    let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
    if meta.is_dir() {
        return read_dir(path, MAX_TOTAL_BYTES);
    }
    if !meta.is_file() {
        return Err(LogError::NotRegular(path.display().to_string()));
    }
    let bytes = read_capped(path, MAX_TOTAL_BYTES)?;
    let is_zip = bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        return read_zip_bytes(&bytes);
    }
    Ok(vec![LogFile {
        job: None,
        step: None,
        text: clean_bytes(&bytes),
    }])
}

/// Reads a run-logs zip as the GitHub API serves it.
pub fn read_zip_bytes(bytes: &[u8]) -> Result<Vec<LogFile>, LogError> {
    read_zip_bytes_with_limit(bytes, MAX_TOTAL_BYTES)
}

/// [`read_zip_bytes`] with an explicit cap on the total decompressed size;
/// the cap is enforced on the bytes actually inflated, not on the sizes the
/// archive claims, so a zip bomb stops at the cap.
pub fn read_zip_bytes_with_limit(bytes: &[u8], limit: u64) -> Result<Vec<LogFile>, LogError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| LogError::BadZip(e.to_string()))?;
    let mut entries: Vec<(String, String)> = Vec::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let mut f = archive
            .by_index(i)
            .map_err(|e| LogError::BadZip(e.to_string()))?;
        let name = f.name().to_string();
        check_entry_name(&name)?;
        if f.is_symlink() {
            return Err(LogError::UnsafePath(format!("{name} is a symlink")));
        }
        if f.is_dir() || name.ends_with('/') {
            continue;
        }
        let remaining = limit.saturating_sub(total);
        let mut buf = Vec::new();
        (&mut f)
            .take(remaining + 1)
            .read_to_end(&mut buf)
            .map_err(|e| LogError::BadZip(format!("{name}: {e}")))?;
        total += buf.len() as u64;
        if total > limit {
            return Err(LogError::TooLarge(format!(
                "archive inflates past {limit} bytes (at {name})"
            )));
        }
        entries.push((name, clean_bytes(&buf)));
    }
    Ok(layout::arrange(entries))
}

/// Rejects names that would escape the extraction root, even though we never
/// write entries to disk: a hostile archive is refused as a whole.
fn check_entry_name(name: &str) -> Result<(), LogError> {
    let unsafe_name = name.starts_with('/')
        || name.starts_with('\\')
        || name.as_bytes().get(1) == Some(&b':')
        || name.contains('\0')
        || name.split(['/', '\\']).any(|c| c == "..");
    if unsafe_name {
        return Err(LogError::UnsafePath(name.to_string()));
    }
    Ok(())
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, LogError> {
    let f = std::fs::File::open(path).map_err(|e| io_err(path, e))?;
    let mut buf = Vec::new();
    f.take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| io_err(path, e))?;
    if buf.len() as u64 > limit {
        return Err(LogError::TooLarge(format!(
            "{} is larger than {limit} bytes",
            path.display()
        )));
    }
    Ok(buf)
}

fn read_dir(root: &Path, limit: u64) -> Result<Vec<LogFile>, LogError> {
    let mut entries = Vec::new();
    let mut total = 0u64;
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let rd = std::fs::read_dir(&dir).map_err(|e| io_err(&dir, e))?;
        for ent in rd {
            let ent = ent.map_err(|e| io_err(&dir, e))?;
            let p = ent.path();
            let name = ent.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            // symlink_metadata: do not follow links out of the directory.
            let ft = ent.file_type().map_err(|e| io_err(&p, e))?;
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                let bytes = read_capped(&p, limit.saturating_sub(total))?;
                total += bytes.len() as u64;
                let rel = p
                    .strip_prefix(root)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/");
                entries.push((rel, clean_bytes(&bytes)));
            }
        }
    }
    Ok(layout::arrange(entries))
}

/// Decodes (lossily) and cleans a whole log held in memory.
pub fn clean_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().min(64 << 20));
    let mut c = Cleaner::new();
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    for raw in bytes.split(|b| *b == b'\n') {
        let raw = &raw[..raw.len().min(MAX_LINE)];
        let s = String::from_utf8_lossy(raw);
        if let Some(l) = c.line(&s) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    out
}
