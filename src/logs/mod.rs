//! Reading CI logs: text files, directories of step logs, run-logs zips.

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
}

/// Reads a text log, a directory of step logs, or a run-logs `.zip`.
pub fn read_path(path: &std::path::Path) -> Result<Vec<LogFile>, LogError> {
    let _ = path;
    todo!("issue 4 helper")
}

/// Reads a run-logs zip as the GitHub API serves it.
pub fn read_zip_bytes(bytes: &[u8]) -> Result<Vec<LogFile>, LogError> {
    let _ = bytes;
    todo!("issue 4 helper")
}

/// Replaces every occurrence of each secret with `***`.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s.as_str(), "***");
    }
    out
}
