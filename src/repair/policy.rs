//! Which paths a fix may touch.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{0}: path escapes the repository")]
    OutsideRepo(String),
    #[error("{0}: protected path (.git/, .github/workflows/ and secret files are never edited)")]
    Protected(String),
    #[error("{0}: not matched by allowed-paths")]
    NotAllowed(String),
    #[error("{0}: test files may not be edited (set allow-test-edits to permit)")]
    TestFile(String),
    #[error("invalid allowed-paths glob {0}: {1}")]
    BadGlob(String, String),
}

/// The path policy of design.md 3.2 (`allowed-paths`, `allow-test-edits`).
#[derive(Debug, Clone)]
pub struct PathPolicy {
    _todo: (),
}

impl PathPolicy {
    /// `allowed` empty means every path (minus the protected ones).
    pub fn new(allowed: &[String], allow_test_edits: bool) -> Result<Self, PolicyError> {
        let _ = (allowed, allow_test_edits);
        todo!()
    }

    /// Checks `rel` (as the model wrote it) and returns the absolute path under `root`.
    pub fn check(&self, root: &Path, rel: &str) -> Result<PathBuf, PolicyError> {
        let _ = (root, rel);
        todo!()
    }
}
